"""Consent for publication per gemeente and periode: which delivery or explicit decision is in force.

The spec: consent (`publicatie_basis`, `publicatie_facultatief`) is per gemeente per periode and the
latest delivery's manifest counts. A delivery changes consent only when it was accepted (at least
one file goedgekeurd, with or without afwijkingen): a wholly rejected delivery changes nothing, not
even consent (once, a rejected delivery whose manifest said "ja" made 172 cells of a gemeente
without consent appear). A change of consent without new data is its own explicit, audited
decision (`record_decision`, from `gmsd toestemming` or the portal), kept as a small record under
`toestemmingen/<periode>/<gemeente>/`. A year figure needs consent for both halves.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from vocabulary import files
from vocabulary.oordelen import is_accepted
from vocabulary.periode import Periode

DECISION_COLUMNS = ["gemeente_code", "periode", "publicatie_basis", "publicatie_facultatief", "door", "reden", "vastgelegd_op"]
CONSENT_COLUMNS = ["gemeente_code", "periode", "publicatie_basis", "publicatie_facultatief"]


def record_decision(
    decisions_dir: Path, *, gemeente_code: str, periode: str, basis: bool, facultatief: bool, door: str, reden: str,
    now: datetime | None = None,
) -> Path:
    """Record an explicit consent decision (in force from now on, until a later delivery or decision)."""
    now = now or datetime.now(timezone.utc)
    periode = Periode.halfjaar(periode).code
    frame = pd.DataFrame(
        [{
            "gemeente_code": gemeente_code, "periode": periode, "publicatie_basis": bool(basis),
            "publicatie_facultatief": bool(facultatief), "door": door, "reden": reden,
            "vastgelegd_op": pd.Timestamp(now).tz_convert("UTC").tz_localize(None),
        }],
        columns=DECISION_COLUMNS,
    )
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    return files.write_parquet(frame, Path(decisions_dir) / periode / gemeente_code / f"{stamp}.parquet")


def load_decisions(decisions_dir: Path | None) -> pd.DataFrame:
    paths = sorted(Path(decisions_dir).glob("*/*/*.parquet")) if decisions_dir else []
    if not paths:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    return pd.concat([pd.read_parquet(path) for path in paths], ignore_index=True).sort_values("vastgelegd_op")


def consent_in_force(audit: pd.DataFrame, decisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Consent per (gemeente, periode) — half-years, and years whose halves both have consent.

    Sources, latest first wins: the manifest of an accepted delivery (`verwerkt_op`), an explicit
    decision (`vastgelegd_op`). Returns CONSENT_COLUMNS.
    """
    sources = []
    if not audit.empty:
        accepted = audit[audit["oordeel"].map(is_accepted) & audit["publicatie_basis"].notna()]
        sources.append(accepted.assign(moment=accepted["verwerkt_op"])[CONSENT_COLUMNS + ["moment"]])
    if decisions is not None and not decisions.empty:
        sources.append(decisions.assign(moment=decisions["vastgelegd_op"])[CONSENT_COLUMNS + ["moment"]])
    if not sources:
        return pd.DataFrame(columns=CONSENT_COLUMNS)
    frame = pd.concat(sources, ignore_index=True).sort_values("moment", kind="stable")
    halves = frame.drop_duplicates(["gemeente_code", "periode"], keep="last")[CONSENT_COLUMNS].reset_index(drop=True)
    for column in ("publicatie_basis", "publicatie_facultatief"):
        halves[column] = halves[column].astype(bool)
    # A year figure needs consent for both halves: publishing it would otherwise reveal the half without consent.
    years = (
        halves.assign(periode=halves["periode"].map(lambda p: Periode.parse(p).year.code))
        .groupby(["gemeente_code", "periode"], as_index=False)
        .agg(publicatie_basis=("publicatie_basis", "all"), publicatie_facultatief=("publicatie_facultatief", "all"),
             helften=("periode", "size"))
    )
    years = years[years["helften"] == 2].drop(columns="helften")
    return pd.concat([halves, years], ignore_index=True)
