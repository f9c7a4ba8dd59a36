"""Retention of raw deliveries: take them out of the inbox once processed, delete them, and prove it.

A raw upload holds BSNs, birth dates and addresses. Once its delivery has been processed — accepted,
rejected, or refused for its manifest: the verdict and the pseudonymised records are what the
monitor needs — the raw files leave the inbox, so they are never taken in (or refused) again. They
are deleted immediately by default, or moved to `bewaard/` and deleted there once the retention
period the operator configures (`GMSD_RETENTIE_DAGEN`) has passed, enforced by `gmsd purge`. Every
deletion is written to the audit trail (file name, SHA-256, time, reason) before the file goes, so the
operator can show which file was deleted when, without keeping anything of its content.

Only files whose content was processed leave the inbox: a file whose hash differs from the processed
one (a new upload that arrived meanwhile) stays for the next run, and so does a delivery whose
records were quarantined (they failed the core contract: the operator reruns it after a fix).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from clearinghouse.audit import load_audit
from clearinghouse.reading import sha256_of
from vocabulary import files

RETENTION_ENV = "GMSD_RETENTIE_DAGEN"
DELETION_COLUMNS = ["gemeente_code", "periode", "bestand", "sha256", "verwerkt_op", "verwijderd_op", "reden"]
HELD_FOLDER = "bewaard"  # vocabulary.home.Home.bewaard: beside the inbox


class RetentionError(ValueError):
    pass


def retention_days_from_environment() -> int:
    """Days to keep processed raw files (0 = delete right after processing)."""
    text = os.environ.get(RETENTION_ENV, "0").strip() or "0"
    try:
        days = int(text)
    except ValueError as exc:
        raise RetentionError(f"{RETENTION_ENV}={text!r} is geen geheel aantal dagen.") from exc
    if days < 0:
        raise RetentionError(f"{RETENTION_ENV} mag niet negatief zijn.")
    return days


@dataclass
class PurgeSummary:
    deleted: list[dict]
    kept_unprocessed: list[Path]
    kept_retention: list[Path]  # processed files within the retention period (in `bewaard/`)


def _processed(audit: pd.DataFrame) -> dict[tuple[str, str, str, str], pd.Timestamp]:
    """(gemeente, periode, bestand, sha256) → first processing time, of every processed file whose
    records were not quarantined (a quarantined delivery stays in the inbox for a rerun)."""
    if audit.empty:
        return {}
    done = audit.dropna(subset=["sha256"])
    if "quarantaine" in done:
        quarantined = done["quarantaine"].notna() & (done["quarantaine"].astype("string") != "")
        waiting = set(zip(done.loc[quarantined, "gemeente_code"], done.loc[quarantined, "periode"], done.loc[quarantined, "bestand"],
                          done.loc[quarantined, "sha256"]))  # fmt: skip
    else:
        waiting = set()
    first = done.sort_values("verwerkt_op").drop_duplicates(["gemeente_code", "periode", "bestand", "sha256"], keep="first")
    return {
        (row.gemeente_code, row.periode, row.bestand, row.sha256): row.verwerkt_op
        for row in first.itertuples(index=False)
        if (row.gemeente_code, row.periode, row.bestand, row.sha256) not in waiting
    }


def _record(gemeente_code, periode, bestand, digest, processed_at, now, reden) -> dict:
    return {
        "gemeente_code": gemeente_code,
        "periode": periode,
        "bestand": bestand,
        "sha256": digest,
        "verwerkt_op": pd.Timestamp(processed_at) if processed_at is not None else pd.NaT,
        "verwijderd_op": pd.Timestamp(now).tz_convert("UTC").tz_localize(None),
        "reden": reden,
    }


def _hold(path: Path, held_dir: Path, gemeente_code: str, periode: str, digest: str, processed_at: pd.Timestamp) -> Path:
    """Move a processed file out of the inbox into `bewaard/`; its modification time becomes the
    processing time, from which the retention period counts."""
    target = held_dir / gemeente_code / periode / digest[:16] / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)
    moment = pd.Timestamp(processed_at)
    seconds = (moment.tz_localize("UTC") if moment.tzinfo is None else moment).timestamp()
    os.utime(target, (seconds, seconds))
    return target


def _remove_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def purge(
    inbox: Path,
    intake_dir: Path,
    deletions_dir: Path,
    *,
    retention_days: int,
    now: datetime | None = None,
    only: list[str] | None = None,
    held_dir: Path | None = None,
) -> PurgeSummary:
    """Take processed raw files out of the inbox: delete them once the retention period has passed,
    hold them in `held_dir` (default `bewaard/` beside the inbox) until then; record each deletion.

    `only`: restrict the inbox to these deliveries ('GMxxxx/periode'); files already held are
    checked every time. A delivery folder's manifest leaves with its last data file; emptied
    folders are removed.
    """
    now = now or datetime.now(timezone.utc)
    held_dir = held_dir or inbox.parent / HELD_FOLDER
    limit = pd.Timestamp(now).tz_convert("UTC").tz_localize(None) - timedelta(days=retention_days)
    reden = "verwerkt; direct verwijderd" if retention_days == 0 else f"bewaartermijn van {retention_days} dagen verstreken"
    processed = _processed(load_audit(intake_dir))
    summary = PurgeSummary([], [], [])
    records: dict[tuple[str, str], list[dict]] = {}
    doomed: list[Path] = []  # deleted once every record is written
    emptied: list[tuple[Path, Path]] = []  # folders removed then if empty (up to the second path)
    folders = sorted(p for p in inbox.glob("GM*/*") if p.is_dir())
    for folder in folders:
        gemeente_code, periode = folder.parent.name, folder.name
        if only is not None and f"{gemeente_code}/{periode}" not in only:
            continue
        remaining, latest = [], None
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            if path.name.startswith("manifest."):
                continue
            digest = sha256_of(path)
            processed_at = processed.get((gemeente_code, periode, path.name, digest))
            if processed_at is None:
                summary.kept_unprocessed.append(path)
                remaining.append(path)
                continue
            latest = processed_at if latest is None else max(latest, processed_at)
            if pd.Timestamp(processed_at) > limit:
                summary.kept_retention.append(_hold(path, held_dir, gemeente_code, periode, digest, processed_at))
                continue
            doomed.append(path)
            records.setdefault((gemeente_code, periode), []).append(_record(gemeente_code, periode, path.name, digest, processed_at, now, reden))
        if not remaining:
            for manifest in folder.glob("manifest.*"):
                digest = sha256_of(manifest)
                if latest is not None and pd.Timestamp(latest) > limit:
                    summary.kept_retention.append(_hold(manifest, held_dir, gemeente_code, periode, digest, latest))
                    continue
                doomed.append(manifest)
                records.setdefault((gemeente_code, periode), []).append(
                    _record(gemeente_code, periode, manifest.name, digest, None, now, "manifest van verwerkte aanlevering")
                )
            emptied.append((folder, inbox))
    held = sorted((p for p in held_dir.glob("GM*/*/*/*") if p.is_file()), key=lambda p: (p.name.startswith("manifest."), str(p)))
    for path in held:
        gemeente_code, periode = path.parent.parent.parent.name, path.parent.parent.name
        processed_at = pd.Timestamp(path.stat().st_mtime, unit="s")
        if path in summary.kept_retention:
            continue
        if processed_at > limit:
            summary.kept_retention.append(path)
            continue
        digest = sha256_of(path)
        doomed.append(path)
        manifest = path.name.startswith("manifest.")
        records.setdefault((gemeente_code, periode), []).append(_record(
            gemeente_code, periode, path.name, digest, None if manifest else processed_at, now,
            "manifest van verwerkte aanlevering" if manifest else f"bewaartermijn van {retention_days} dagen verstreken",
        ))  # fmt: skip
        emptied.append((path.parent, held_dir))
    # The records first, then the deletions: a crash in between leaves files that a later purge
    # deletes (and records once more), never a deleted file without its record.
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    for (gemeente_code, periode), rows in records.items():
        files.write_parquet(files.rows_table(rows, DELETION_SCHEMA), deletions_dir / periode / gemeente_code / f"{stamp}.parquet")
        summary.deleted.extend(rows)
    for path in doomed:
        path.unlink(missing_ok=True)
    for folder, stop in emptied:
        _remove_empty(folder, stop)
    return summary


DELETION_SCHEMA = pa.schema([
    (c, pa.timestamp("us") if c.endswith("_op") else pa.string()) for c in DELETION_COLUMNS
])  # fmt: skip


def load_deletions(deletions_dir: Path | None) -> pd.DataFrame:
    """Every recorded deletion, oldest first (typed empty frame when there are none)."""
    found = sorted(str(p) for p in Path(deletions_dir).glob("*/*/*.parquet")) if deletions_dir else []
    if not found:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[us]" if c.endswith("_op") else "string") for c in DELETION_COLUMNS})
    con = duckdb.connect()
    try:
        return con.execute("SELECT * FROM read_parquet($files, union_by_name = true) ORDER BY verwijderd_op, gemeente_code, periode, bestand", {"files": found}).df()
    finally:
        con.close()
