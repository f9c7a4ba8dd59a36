"""The audit trail of deliveries: one small Parquet file per processed delivery, read as one table.

Each intake writes `intake/<periode>/<gemeente>/<stamp>.parquet` (see clearinghouse.intake) — no
shared file, so partitions never contend. The warehouse loader and the operator page read them all.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from vocabulary.oordelen import AFGEKEURD


def load_audit(intake_dir: Path) -> pd.DataFrame:
    """Every recorded delivery file, oldest first (empty frame when nothing was processed)."""
    files = sorted(str(p) for p in Path(intake_dir).glob("*/*/*.parquet"))
    if not files:
        return pd.DataFrame()
    return duckdb.sql(f"SELECT * FROM read_parquet({files!r}, union_by_name = true) ORDER BY verwerkt_op").df()


def in_force(audit: pd.DataFrame) -> pd.Series:
    """True for the delivery whose data are in use per (gemeente, periode, domein): the latest accepted one.

    A rejected delivery never replaces an accepted one (spec: the earlier delivery stays in force).
    """
    if audit.empty:
        return pd.Series(dtype=bool)
    accepted = audit[(audit["oordeel"] != AFGEKEURD) & audit["domein"].notna()]
    latest = accepted.sort_values("verwerkt_op").groupby(["gemeente_code", "periode", "domein"]).tail(1).index
    return pd.Series(audit.index.isin(latest), index=audit.index)
