"""Intake of deliveries (gemeente × periode): every file to a verdict, accepted rows to records.

For each delivery: read the manifest, check every file it names (`clearinghouse.filecheck`, which
checks many files in one pass), and record the outcome. An accepted file (goedgekeurd, with or
without afwijkingen) replaces the earlier records of its (gemeente, periode, domein) atomically; a
rejected one changes nothing, so the last good state stays in force. Every file, accepted or not,
leaves an audit record and a report.

The pseudonymised records are checked against `contracts.core.CoreTraject` in memory, before
anything is written: records that fail it (a bug that let a BSN column through, say) never enter
`core/`. They go to the quarantine folder for the operator, the raw delivery stays in the inbox
for a rerun, and the audit record says `opgenomen = False`, so nothing downstream counts them.

`process_partitions` takes a whole round at once (fast: one pass per domein and periode);
`process_partition` is the same for one delivery.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa

from clearinghouse.audit import RECORD_STAMP, audit_record_path, core_path, remove_replaced_core_files
from clearinghouse.filecheck import FileTask, check_file, check_files, core_contract_problem
from clearinghouse.geography import Geography
from clearinghouse.manifest import MANIFEST_NAMES, Manifest, ManifestError, find_manifest, read_manifest
from clearinghouse.outcome import FileOutcome, PartitionResult
from clearinghouse.pseudonym import PseudonymKey
from clearinghouse.reading import sha256_of
from clearinghouse.reports import report_base, write_report
from clearinghouse.validation import DEFAULT_MAX_REJECTED_SHARE
from contracts import CONTRACT_VERSION
from vocabulary import files
from vocabulary.periode import Periode

__all__ = ["check_file", "check_files", "core_contract_problem", "empty_audit_frame", "process_partition", "process_partitions", "sha256_of"]

AUDIT_COLUMNS = [
    "gemeente_code", "periode", "domein", "bestand", "sha256", "rijen_gelezen", "rijen_geaccepteerd",
    "rijen_afgekeurd", "rijen_met_waarschuwing", "oordeel", "regel", "melding", "opgenomen", "core_bestand", "quarantaine",
    "contract_versie", "key_id", "publicatie_basis", "publicatie_facultatief", "rapport", "verwerkt_op",
]  # fmt: skip


_FLAGS = ("opgenomen", "publicatie_basis", "publicatie_facultatief")
# How each column of the audit trail is written (one small Parquet file per delivery).
AUDIT_SCHEMA = pa.schema([
    (c, pa.int64() if c.startswith("rijen_") else pa.bool_() if c in _FLAGS else pa.timestamp("us") if c == "verwerkt_op" else pa.large_string())
    for c in AUDIT_COLUMNS
])  # fmt: skip


def empty_audit_frame() -> pd.DataFrame:
    """The intake records of no delivery: every column of AUDIT_COLUMNS, typed as `audit_table` writes them."""
    counts = {c for c in AUDIT_COLUMNS if c.startswith("rijen_")}
    return pd.DataFrame({
        c: pd.Series(dtype="int64" if c in counts else "boolean" if c in _FLAGS else "datetime64[us]" if c == "verwerkt_op" else "string")
        for c in AUDIT_COLUMNS
    })  # fmt: skip


# The pseudonymised records never leave the clearinghouse, and DuckDB reads LZ4 as fast as Snappy:
# so the codec that is faster to write (~15 % of writing them). They are always read whole (the
# counts, a re-delivery's partition), never filtered on a value: no column statistics, which took
# a third of the time to write them.
CORE_COMPRESSION = "lz4"
CORE_STATISTICS = False


def quarantine_note(gemeente_code: str, periode: str, bestand: str, problem: str) -> str:
    """What the operator reads beside quarantined records (Dutch)."""
    return (
        f"{gemeente_code} {periode} {bestand}: de gepseudonimiseerde records voldoen niet aan het core-contract "
        f"(contracts/core.py): {problem}.\nZe zijn NIET opgenomen in core/; de vorige levering blijft gelden. Het ruwe bestand "
        "staat nog in de inbox. Zoek de oorzaak (een fout in de clearinghouse, niet in de levering), herstel die en verwerk "
        "de levering opnieuw (gmsd run). Verwijder daarna deze quarantainemap: de records kunnen persoonsgegevens bevatten.\n"
    )


def quarantine_path(quarantine_dir: Path, periode: str, gemeente_code: str, stamp: str, domein: str) -> Path:
    return quarantine_dir / periode / gemeente_code / f"{stamp}_{domein}.parquet"


def _manifest_refusal(folder: Path, gemeente_code: str, periode: str, reason: str, now: datetime) -> PartitionResult:
    """Every file of a delivery whose manifest is refused, each with its checksum: so the raw files
    get the same retention and deletion record as a processed delivery (and leave the inbox)."""
    manifest = find_manifest(folder)
    outcomes = [FileOutcome(None, manifest.name if manifest else "manifest", sha256_of(manifest) if manifest else None,
                            regel="manifest", melding=reason, gecontroleerd_op=now)]  # fmt: skip
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name not in MANIFEST_NAMES and not p.name.startswith(".")):
        outcomes.append(FileOutcome(
            None, path.name, sha256_of(path), regel="manifest", gecontroleerd_op=now,
            melding=f"{path.name} is niet gecontroleerd, omdat het manifest is afgekeurd: {reason}",
        ))  # fmt: skip
    return PartitionResult(gemeente_code, periode, None, outcomes)


def _delivery_tasks(folder: Path, gemeente_code: str, periode: Periode) -> tuple[Manifest | None, list[FileTask] | str]:
    try:
        manifest = read_manifest(folder, gemeente_code=gemeente_code, periode=periode.code)
    except ManifestError as exc:
        return None, str(exc)
    return manifest, [FileTask(folder / entry.bestand, entry.domein, gemeente_code, periode) for entry in manifest.bestanden]


def _record(result: PartitionResult, *, key, core_dir, intake_dir, reports_dir, quarantine_dir, max_rejected_share, now) -> None:
    """Write what a checked delivery produced: records (or quarantine), reports, the audit record."""
    stamp = now.strftime(RECORD_STAMP)
    for outcome in result.files:
        if outcome.core is not None:
            problem = outcome.core_probleem
            if problem is None:
                records = outcome.core_table if outcome.core_table is not None else outcome.core
                target = core_path(core_dir, result.periode, result.gemeente_code, outcome.domein, stamp)
                files.write_parquet(records, target, compression=CORE_COMPRESSION, statistics=CORE_STATISTICS)
                outcome.opgenomen = True
                outcome.core_bestand = target.name
            else:
                target = quarantine_path(quarantine_dir, result.periode, result.gemeente_code, stamp, outcome.domein)
                files.write_parquet(outcome.core, target)
                files.write_text(target.with_suffix(".txt"), quarantine_note(result.gemeente_code, result.periode, outcome.bestand, problem))
                outcome.quarantaine = str(target)
                outcome.melding = (
                    f"{outcome.melding} Het bestand is goedgekeurd, maar de clearinghouse kon de gegevens door een interne fout "
                    "nog niet opnemen; de vorige levering blijft gelden. De beheerder is gewaarschuwd; u hoeft niets te doen."
                ).strip()
        # The records are on disk now (core/ or quarantine): release them, so a round's memory is one chunk's.
        outcome.core = outcome.core_table = None
        base = report_base(reports_dir, result.gemeente_code, result.periode, stamp, outcome.domein)
        report = write_report(outcome, gemeente_code=result.gemeente_code, periode=result.periode, base=base, max_rejected_share=max_rejected_share)
        outcome.rapport = str(report)
    files.write_parquet(audit_table(result, key=key, now=now), audit_record_path(intake_dir, result.periode, result.gemeente_code, stamp))
    for outcome in result.files:  # the audit record names the new files: the ones they replace can go
        if outcome.core_bestand:
            remove_replaced_core_files(core_dir, result.periode, result.gemeente_code, outcome.domein, outcome.core_bestand)


def process_partitions(
    deliveries: list[tuple[Path, str, str]],
    *,
    key: PseudonymKey,
    geography: Geography,
    core_dir: Path,
    intake_dir: Path,
    reports_dir: Path,
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE,
    now: datetime | None = None,
    quarantine_dir: Path | None = None,
) -> list[PartitionResult]:
    """Process several deliveries `(folder, gemeente_code, periode)` (folders `inbox/<gemeente>/<periode>/`)
    in one pass, and record each outcome as `process_partition` does; results in the same order.

    `quarantine_dir` (default: `quarantaine/` beside `core_dir`, i.e. in the home) receives records
    that fail the core contract; they never enter `core_dir`.
    """
    now = now or datetime.now(timezone.utc)
    quarantine_dir = quarantine_dir or core_dir.parent / "quarantaine"
    results: list[PartitionResult] = []
    for chunk in _chunks(deliveries):
        planned = []
        for folder, gemeente_code, periode in chunk:
            parsed = Periode.halfjaar(periode)
            manifest, tasks = _delivery_tasks(folder, gemeente_code, parsed)
            planned.append((folder, gemeente_code, parsed, manifest, tasks))
        every_task = [task for *_, tasks in planned if isinstance(tasks, list) for task in tasks]
        outcomes = iter(check_files(every_task, key=key, geography=geography, max_rejected_share=max_rejected_share, now=now))
        for folder, gemeente_code, parsed, manifest, tasks in planned:
            if isinstance(tasks, str):
                result = _manifest_refusal(folder, gemeente_code, parsed.code, tasks, now)
            else:
                result = PartitionResult(gemeente_code, parsed.code, manifest, [next(outcomes) for _ in tasks])
            _record(result, key=key, core_dir=core_dir, intake_dir=intake_dir, reports_dir=reports_dir,
                    quarantine_dir=quarantine_dir, max_rejected_share=max_rejected_share, now=now)  # fmt: skip
            results.append(result)
    return results


# Deliveries are checked together in chunks of about this many bytes of delivery files (~200,000
# rows of CSV): large enough that per-operation costs vanish, small enough that memory stays bounded
# by a chunk, not by the round.
CHUNK_BYTES = 24 * 1024 * 1024


def _chunks(deliveries: list[tuple[Path, str, str]]):
    chunk, size = [], 0
    for delivery in deliveries:
        folder = delivery[0]
        chunk.append(delivery)
        size += sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) if folder.is_dir() else 0
        if size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def process_partition(
    folder: Path,
    *,
    gemeente_code: str,
    periode: str,
    key: PseudonymKey,
    geography: Geography,
    core_dir: Path,
    intake_dir: Path,
    reports_dir: Path,
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE,
    now: datetime | None = None,
    quarantine_dir: Path | None = None,
) -> PartitionResult:
    """Process the delivery in `folder` (inbox/<gemeente>/<periode>/) and record the outcome."""
    return process_partitions(
        [(folder, gemeente_code, periode)], key=key, geography=geography, core_dir=core_dir, intake_dir=intake_dir,
        reports_dir=reports_dir, max_rejected_share=max_rejected_share, now=now, quarantine_dir=quarantine_dir,
    )[0]  # fmt: skip


def audit_table(result: PartitionResult, *, key: PseudonymKey, now: datetime) -> pa.Table:
    """The audit records of one delivery, a row per file (AUDIT_SCHEMA)."""
    manifest = result.manifest
    rows = [
        {
            "gemeente_code": result.gemeente_code,
            "periode": result.periode,
            "domein": outcome.domein,
            "bestand": outcome.bestand,
            "sha256": outcome.sha256,
            "rijen_gelezen": outcome.rijen_gelezen,
            "rijen_geaccepteerd": outcome.rijen_geaccepteerd,
            "rijen_afgekeurd": outcome.rijen_afgekeurd,
            "rijen_met_waarschuwing": outcome.rijen_met_waarschuwing,
            "oordeel": outcome.oordeel,
            "regel": outcome.regel,
            "melding": outcome.melding,
            "opgenomen": outcome.opgenomen,
            "core_bestand": outcome.core_bestand,
            "quarantaine": outcome.quarantaine,
            "contract_versie": CONTRACT_VERSION,
            "key_id": key.key_id,
            "publicatie_basis": manifest.publicatie_basis if manifest else None,
            "publicatie_facultatief": manifest.publicatie_facultatief if manifest else None,
            "rapport": Path(outcome.rapport).name if outcome.rapport else None,
            "verwerkt_op": pd.Timestamp(now).tz_convert("UTC").tz_localize(None),
        }
        for outcome in result.files
    ]
    return files.rows_table(rows, AUDIT_SCHEMA)
