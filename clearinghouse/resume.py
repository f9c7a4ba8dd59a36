"""A delivery that an interrupted round already took in: finish it instead of taking it in again.

`clearinghouse.intake._record` writes a delivery's records and reports first and its audit record
last: the audit record is the commit point. The raw files leave the inbox only afterwards, in the
round's tidy step. A round killed between the two leaves a delivery that is taken in but still in
the inbox. Taking it in again would give the same records, but a second audit record, a second
set of reports and a second row on the operator page, which an uninterrupted round never makes.
So the next round takes over the first round's result and only finishes it: it removes the
records the delivery replaced and lets the tidy step take the raw files out.

Taken over only when it is certainly the same delivery: the partition's newest audit record names
exactly the files in the inbox, with the same SHA-256, the same key and contract version, and the
manifest's consent. Its records entered core/ (no quarantine, which waits for a rerun). And the
files are the very ones that were processed: each was last written into the inbox (its inode's
change time, which a copy or a move sets and nobody can set back) before the audit record's
processing time. A gemeente that delivers the same file again, after its earlier delivery left the
inbox, gets it processed again, as always. A round killed inside its tidy step (deletions recorded,
files not yet deleted) is finished the same way; its deletions are then recorded once more, as
`clearinghouse.retention.purge` says.
"""

from __future__ import annotations

import pandas as pd

from clearinghouse.audit import newest_audit_record, remove_replaced_core_files
from clearinghouse.manifest import ManifestError, find_manifest, read_manifest
from clearinghouse.outcome import FileOutcome, PartitionResult
from clearinghouse.reading import sha256_of
from clearinghouse.pseudonym import PseudonymKey
from contracts import CONTRACT_VERSION
from vocabulary.home import Home


def _text(value) -> str | None:
    return None if pd.isna(value) else str(value)


def _outcome(row) -> FileOutcome:
    """A file's outcome as its audit record keeps it (its row findings are in its report)."""
    return FileOutcome(
        domein=_text(row.domein), bestand=row.bestand, sha256=row.sha256, rijen_gelezen=int(row.rijen_gelezen),
        rijen_afgekeurd=int(row.rijen_afgekeurd), oordeel=row.oordeel, melding=_text(row.melding) or "",
        rapport=_text(row.rapport), rijen_met_waarschuwing=int(row.rijen_met_waarschuwing), regel=_text(row.regel),
        gecontroleerd_op=row.verwerkt_op, opgenomen=bool(row.opgenomen) if not pd.isna(row.opgenomen) else False,
        core_bestand=_text(row.core_bestand),
    )  # fmt: skip


def taken_in_before(home: Home, gemeente_code: str, periode: str, key: PseudonymKey) -> PartitionResult | None:
    """The result of this delivery if an interrupted round took it in and did not finish; else None
    (then it is taken in as usual)."""
    folder = home.inbox / gemeente_code / periode
    newest = newest_audit_record(home.intake, periode, gemeente_code)
    manifest_path = find_manifest(folder)
    if newest is None or manifest_path is None:
        return None
    path, processed_at = newest
    delivered = sorted(p.name for p in folder.iterdir() if p.is_file() and p != manifest_path and not p.name.startswith("."))
    if any((folder / name).stat().st_ctime >= processed_at.timestamp() for name in delivered):
        return None  # written after it was processed: delivered again (a copy or a move sets the time)
    record = pd.read_parquet(path)  # only now: a re-delivery, the usual case, was ruled out without reading it
    if (
        record.empty
        or sorted(record["bestand"]) != delivered
        or record["sha256"].isna().any()
        or set(record["key_id"]) != {key.key_id}
        or set(record["contract_versie"]) != {CONTRACT_VERSION}
        or (record["quarantaine"].notna() & (record["quarantaine"].astype("string") != "")).any()
    ):
        return None
    try:
        manifest = read_manifest(folder, gemeente_code=gemeente_code, periode=periode)
    except ManifestError:
        return None
    consent = {(manifest.publicatie_basis, manifest.publicatie_facultatief)}
    if set(zip(record["publicatie_basis"], record["publicatie_facultatief"])) != consent:
        return None
    digests = {name: sha256_of(folder / name) for name in delivered}
    if dict(zip(record["bestand"], record["sha256"])) != digests:
        return None
    result = PartitionResult(gemeente_code, periode, manifest, [_outcome(row) for row in record.itertuples(index=False)])
    for outcome in result.files:  # what the interrupted round may not have reached after its audit record
        if outcome.core_bestand:
            remove_replaced_core_files(home.core, periode, gemeente_code, outcome.domein, outcome.core_bestand)
    return result
