"""Intake of one delivery (gemeente × periode): every file to a verdict, accepted rows to records.

For each file in the manifest: read → normalise → check structure → validate against the contract →
verdict. An accepted file (goedgekeurd, with or without afwijkingen) replaces the earlier records of
its (gemeente, periode, domein) atomically; a rejected one changes nothing, so the last good state
stays in force. Every file, accepted or not, leaves an audit record and a report.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from clearinghouse.geography import Geography
from clearinghouse.masking import mask_value
from clearinghouse.manifest import Manifest, ManifestError, read_manifest
from clearinghouse.minimise import minimise
from clearinghouse.normalise import normalise
from vocabulary.periode import Periode
from clearinghouse.pseudonym import PseudonymKey
from clearinghouse.reading import DeliveryFileError, read_table
from clearinghouse.outcome import FileOutcome, PartitionResult
from clearinghouse.reports import report_base, write_report
from clearinghouse.validation import DEFAULT_MAX_REJECTED_SHARE, FAILURE_COLUMNS, validate
from vocabulary.oordelen import AFGEKEURD
from contracts import CONTRACT_VERSION
from contracts.delivery import required_columns
from vocabulary import files

AUDIT_COLUMNS = [
    "gemeente_code", "periode", "domein", "bestand", "sha256", "rijen_gelezen", "rijen_geaccepteerd",
    "rijen_afgekeurd", "oordeel", "melding", "contract_versie", "key_id", "publicatie_basis",
    "publicatie_facultatief", "rapport", "verwerkt_op",
]  # fmt: skip


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(
    path: Path,
    *,
    domein: str,
    gemeente_code: str,
    periode: Periode,
    key: PseudonymKey | None,
    geography: Geography | None,
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE,
) -> FileOutcome:
    """Verdict for one delivery file, and its pseudonymised records when accepted and a key is given.

    Without key and geography (the gemeente's local pre-check) only the verdict and report are made.
    """
    outcome = FileOutcome(domein=domein, bestand=path.name, sha256=sha256_of(path) if path.is_file() else None)
    if not path.is_file():
        outcome.melding = f"{path.name} staat in het manifest maar is niet aangeleverd. Lever het bestand mee of haal het uit het manifest."
        return outcome
    try:
        raw = read_table(path)
    except DeliveryFileError as exc:
        outcome.melding = str(exc)
        return outcome
    outcome.rijen_gelezen = len(raw)
    if raw.empty:
        outcome.melding = f"{path.name} bevat geen gegevensregels. Lever het bestand opnieuw aan."
        return outcome
    missing = [column for column in required_columns(domein) if column not in raw.columns]
    if missing:
        outcome.melding = (
            f"{path.name}: verplichte kolom(men) ontbreken: {', '.join(missing)}. "
            "Controleer de kolomnamen in de kopregel (zie het gegevenswoordenboek)."
        )
        return outcome
    normalised = normalise(raw, periode=periode)
    codes_in_file = set(normalised.frame["gemeentecode"].dropna().unique()) - {gemeente_code}
    if codes_in_file:
        outcome.melding = (
            # Masked: with shifted columns the 'gemeentecode' holds BSNs, which must not reach the report.
            f"{path.name} bevat gegevens van een andere gemeente "
            f"({', '.join(mask_value('gemeentecode', code) for code in sorted(codes_in_file)[:3])}). "
            f"Een gemeente levert alleen haar eigen gegevens ({gemeente_code}); het hele bestand is afgekeurd."
        )
        return outcome
    validation = validate(normalised, domein)
    outcome.failures = validation.failures
    outcome.rijen_afgekeurd = validation.rows_rejected
    outside = (validation.failures["regel"] == "overlapt_periode").sum()
    if outside > 0.5 * len(raw):
        outcome.melding = (
            f"{path.name}: {outside} van de {len(raw)} regels vallen buiten {periode.code}. "
            "Het bestand lijkt bij een andere periode te horen; lever het aan bij de juiste periode."
        )
        return outcome
    outcome.oordeel = validation.verdict(max_rejected_share)
    if outcome.oordeel == AFGEKEURD:
        share = validation.rows_rejected / max(validation.rows_read, 1)
        # Name the most frequent reasons, so the message says what is wrong, not only how much.
        reasons = validation.failures.drop_duplicates(["rij", "melding"])["melding"].value_counts().head(3)
        main_reasons = "Meest voorkomend: " + "; ".join(f"{text} ({count}×)" for text, count in reasons.items()) + ". "
        outcome.melding = (
            f"{path.name}: {validation.rows_rejected} van de {validation.rows_read} regels ({share:.1%}) zijn afgekeurd, "
            f"meer dan de toegestane {max_rejected_share:.0%}. {main_reasons}"
            "Herstel de regels in het rapport en lever opnieuw aan."
        )
        return outcome
    if validation.rows_rejected:
        outcome.melding = f"{validation.rows_rejected} regel(s) afgekeurd; de overige {outcome.rijen_geaccepteerd} regels worden gebruikt."
    if key is not None and geography is not None:
        outcome.core = minimise(
            validation.valid, domein=domein, gemeente_code=gemeente_code, periode=periode.code, key=key, geography=geography
        )
    return outcome


def core_path(core_dir: Path, periode: str, gemeente_code: str, domein: str) -> Path:
    return core_dir / periode / gemeente_code / f"{domein}.parquet"


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
) -> PartitionResult:
    """Process the delivery in `folder` (inbox/<gemeente>/<periode>/) and record the outcome."""
    now = now or datetime.now(timezone.utc)
    parsed_periode = Periode.halfjaar(periode)
    try:
        manifest = read_manifest(folder, gemeente_code=gemeente_code, periode=parsed_periode.code)
    except ManifestError as exc:
        result = PartitionResult(gemeente_code, parsed_periode.code, None, [FileOutcome(None, "manifest", None, melding=str(exc))])
    else:
        outcomes = [
            check_file(
                folder / entry.bestand,
                domein=entry.domein,
                gemeente_code=gemeente_code,
                periode=parsed_periode,
                key=key,
                geography=geography,
                max_rejected_share=max_rejected_share,
            )
            for entry in manifest.bestanden
        ]
        result = PartitionResult(gemeente_code, parsed_periode.code, manifest, outcomes)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    for outcome in result.files:
        base = report_base(reports_dir, gemeente_code, parsed_periode.code, stamp, outcome.domein)
        outcome.rapport = str(write_report(outcome, gemeente_code=gemeente_code, periode=parsed_periode.code, base=base))
        if outcome.core is not None:
            files.write_parquet(outcome.core, core_path(core_dir, parsed_periode.code, gemeente_code, outcome.domein))
    files.write_parquet(audit_frame(result, key=key, now=now), intake_dir / parsed_periode.code / gemeente_code / f"{stamp}.parquet")
    return result


def audit_frame(result: PartitionResult, *, key: PseudonymKey, now: datetime) -> pd.DataFrame:
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
            "oordeel": outcome.oordeel,
            "melding": outcome.melding,
            "contract_versie": CONTRACT_VERSION,
            "key_id": key.key_id,
            "publicatie_basis": manifest.publicatie_basis if manifest else None,
            "publicatie_facultatief": manifest.publicatie_facultatief if manifest else None,
            "rapport": Path(outcome.rapport).name if outcome.rapport else None,
            "verwerkt_op": pd.Timestamp(now).tz_convert("UTC").tz_localize(None),
        }
        for outcome in result.files
    ]
    frame = pd.DataFrame(rows, columns=AUDIT_COLUMNS)
    frame["publicatie_basis"] = frame["publicatie_basis"].astype("boolean")
    frame["publicatie_facultatief"] = frame["publicatie_facultatief"].astype("boolean")
    return frame
