"""Retention of raw deliveries: delete what the clearinghouse has processed, and prove it did.

A raw upload holds BSNs, birth dates and addresses. Once its delivery has been processed (accepted
or rejected: the verdict and the pseudonymised records are what the monitor needs), the raw files
are deleted — immediately by default, or after a retention period the operator configures
(`GMSD_RETENTIE_DAGEN`), enforced by `gmsd purge`. Every deletion is written to the audit trail
(file name, SHA-256, time, reason) so the operator can show which file was deleted when, without
keeping anything of its content.

Only files whose content was processed are deleted: a file whose hash differs from the processed
one (a new upload that arrived meanwhile) stays for the next run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from clearinghouse.audit import load_audit
from clearinghouse.intake import sha256_of
from vocabulary import files

RETENTION_ENV = "GMSD_RETENTIE_DAGEN"
DELETION_COLUMNS = ["gemeente_code", "periode", "bestand", "sha256", "verwerkt_op", "verwijderd_op", "reden"]


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
    kept_retention: list[Path]


def _processed(audit: pd.DataFrame) -> dict[tuple[str, str, str], tuple[str, pd.Timestamp]]:
    """(gemeente, periode, bestand) → (sha256, first processing time) of every processed file."""
    if audit.empty:
        return {}
    done = audit.dropna(subset=["sha256"]).sort_values("verwerkt_op")
    first = done.drop_duplicates(["gemeente_code", "periode", "bestand", "sha256"], keep="first")
    return {
        (row.gemeente_code, row.periode, row.bestand, row.sha256): row.verwerkt_op
        for row in first.itertuples(index=False)
    }


def purge(
    inbox: Path,
    intake_dir: Path,
    deletions_dir: Path,
    *,
    retention_days: int,
    now: datetime | None = None,
    only: list[str] | None = None,
) -> PurgeSummary:
    """Delete processed raw files older than the retention period; record each deletion.

    `only`: restrict to these deliveries ('GMxxxx/periode'). A delivery folder's manifest is
    deleted with its last data file; an emptied folder is removed.
    """
    now = now or datetime.now(timezone.utc)
    limit = pd.Timestamp(now).tz_convert("UTC").tz_localize(None) - timedelta(days=retention_days)
    processed = _processed(load_audit(intake_dir))
    summary = PurgeSummary([], [], [])
    folders = sorted(p for p in inbox.glob("GM*/*") if p.is_dir())
    for folder in folders:
        gemeente_code, periode = folder.parent.name, folder.name
        if only is not None and f"{gemeente_code}/{periode}" not in only:
            continue
        records = []
        remaining = []
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            if path.name.startswith("manifest."):
                continue
            digest = sha256_of(path)
            processed_at = processed.get((gemeente_code, periode, path.name, digest))
            if processed_at is None:
                summary.kept_unprocessed.append(path)
                remaining.append(path)
                continue
            if pd.Timestamp(processed_at) > limit:
                summary.kept_retention.append(path)
                remaining.append(path)
                continue
            path.unlink()
            reden = "verwerkt; direct verwijderd" if retention_days == 0 else f"bewaartermijn van {retention_days} dagen verstreken"
            records.append(_record(gemeente_code, periode, path.name, digest, processed_at, now, reden))
        if not remaining:
            for manifest in folder.glob("manifest.*"):
                digest = sha256_of(manifest)
                manifest.unlink()
                records.append(_record(gemeente_code, periode, manifest.name, digest, None, now, "manifest van verwerkte aanlevering"))
            if not any(folder.iterdir()):
                folder.rmdir()
                if not any(folder.parent.iterdir()):
                    folder.parent.rmdir()
        if records:
            stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
            frame = pd.DataFrame(records, columns=DELETION_COLUMNS)
            files.write_parquet(frame, deletions_dir / periode / gemeente_code / f"{stamp}.parquet")
            summary.deleted.extend(records)
    return summary


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


def load_deletions(deletions_dir: Path | None) -> pd.DataFrame:
    """Every recorded deletion, oldest first (typed empty frame when there are none)."""
    files = sorted(str(p) for p in Path(deletions_dir).glob("*/*/*.parquet")) if deletions_dir else []
    if not files:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[us]" if c.endswith("_op") else "string") for c in DELETION_COLUMNS})
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True).sort_values("verwijderd_op")
