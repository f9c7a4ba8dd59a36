"""The audit trail of deliveries: one small Parquet file per processed delivery, read as one table.

Each intake writes `intake/<periode>/<gemeente>/<stamp>.parquet` (see clearinghouse.intake) — no
shared file, so partitions never contend. The warehouse loader and the operator page read them all.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from vocabulary import files
from vocabulary.oordelen import AFGEKEURD


# The audit trail as last read, per intake folder: (what identifies its files, the table). A round
# reads it five times (removing raw files, the operator page, the counts, the concept, the
# warehouse); each read of a national trail costs ~0.25 s, a look at its files ~2 ms.
_READ: dict[str, tuple[tuple, pd.DataFrame]] = {}
_READ_LOCK = threading.Lock()


def _read_audit(paths: list[str]) -> pd.DataFrame:
    con = duckdb.connect()
    try:
        audit = con.execute("SELECT * FROM read_parquet($paths, union_by_name = true)", {"paths": paths}).df()
    finally:
        con.close()
    # The files of one intake share their time: the rest of the order makes every read the same.
    order = [c for c in ("verwerkt_op", "gemeente_code", "periode", "domein", "bestand") if c in audit]
    return audit.sort_values(order, kind="stable", na_position="first", ignore_index=True)


def load_audit(intake_dir: Path) -> pd.DataFrame:
    """Every recorded delivery file, oldest first (empty frame when nothing was processed).

    Read again only when a file of the trail was added, removed or replaced since the last read in
    this process (name, inode, size and change time: every file is written whole and renamed into
    place); otherwise a copy of that read, so a caller may change what it gets."""
    paths = sorted(str(p) for p in Path(intake_dir).glob("*/*/*.parquet"))
    if not paths:
        return pd.DataFrame()
    signature = tuple(map(files.identity, paths))
    folder = str(Path(intake_dir).resolve())
    with _READ_LOCK:
        known = _READ.get(folder)
        if known is None or known[0] != signature:
            known = _READ[folder] = (signature, _read_audit(paths))
        return known[1].copy(deep=True)


def in_force(audit: pd.DataFrame) -> pd.Series:
    """True for the delivery whose data are in use per (gemeente, periode, domein): the latest accepted one.

    A rejected delivery never replaces an accepted one (spec: the earlier delivery stays in force).
    """
    if audit.empty:
        return pd.Series(dtype=bool)
    # A file whose records went to quarantine (`opgenomen` false) was accepted but never entered
    # core/: the earlier delivery stays in force. Records from before that column count as taken in.
    taken_in = audit["opgenomen"].fillna(True).astype(bool) if "opgenomen" in audit else pd.Series(True, index=audit.index)
    accepted = audit[(audit["oordeel"] != AFGEKEURD) & audit["domein"].notna() & taken_in]
    latest = accepted.sort_values("verwerkt_op").groupby(["gemeente_code", "periode", "domein"]).tail(1).index
    return pd.Series(audit.index.isin(latest), index=audit.index)


def core_files_in_force(audit: pd.DataFrame, core_dir: Path) -> dict[tuple[str, str], list[Path]]:
    """(gemeente, periode) → the pseudonymised record files of the deliveries in force.

    Only what the audit trail says is in force is ever counted — never whatever happens to lie in
    core/ (a file without an accepted audit record, e.g. left by a crash, is not read).
    """
    found: dict[tuple[str, str], list[Path]] = {}
    if audit.empty:
        return found
    current = audit[in_force(audit)]
    names = current["core_bestand"] if "core_bestand" in current else pd.Series(None, index=current.index, dtype=object)
    for record, name in zip(current.itertuples(index=False), names):
        folder = Path(core_dir) / record.periode / record.gemeente_code
        path = folder / (name if isinstance(name, str) and name else f"{record.domein}.parquet")  # older records: one file per domein
        if path.is_file():
            found.setdefault((record.gemeente_code, record.periode), []).append(path)
    return found


RECORD_STAMP = "%Y%m%dT%H%M%S%fZ"  # a delivery's files are named after the moment it was processed (UTC)


def audit_record_path(intake_dir: Path, periode: str, gemeente_code: str, stamp: str) -> Path:
    """The audit record of one processed delivery; written last, it is the commit point of its intake."""
    return Path(intake_dir) / periode / gemeente_code / f"{stamp}.parquet"


def newest_audit_record(intake_dir: Path, periode: str, gemeente_code: str) -> tuple[Path, datetime] | None:
    """The partition's newest audit record and the moment it was processed (from its name), if any."""
    found = sorted((Path(intake_dir) / periode / gemeente_code).glob("*.parquet"))
    try:
        return (found[-1], datetime.strptime(found[-1].stem, RECORD_STAMP).replace(tzinfo=timezone.utc)) if found else None
    except ValueError:  # not a name this module gives
        return None


def core_path(core_dir: Path, periode: str, gemeente_code: str, domein: str, stamp: str) -> Path:
    """The records of one accepted file: a new name per delivery, so a crash before its audit record
    is written can never replace the records in force (the audit record names the file)."""
    return Path(core_dir) / periode / gemeente_code / f"{domein}-{stamp}.parquet"


def remove_replaced_core_files(core_dir: Path, periode: str, gemeente_code: str, domein: str, keep: str) -> None:
    """After the audit record of a new file is written: the files it replaced are no longer in force."""
    folder = Path(core_dir) / periode / gemeente_code
    for path in [*folder.glob(f"{domein}-*.parquet"), folder / f"{domein}.parquet"]:
        if path.name != keep:
            path.unlink(missing_ok=True)
