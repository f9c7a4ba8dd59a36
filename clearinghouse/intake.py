"""Intake of one delivery (gemeente × periode): every file to a verdict, accepted rows to records.

For each file in the manifest: read → normalise → check structure → validate against the contract →
verdict. An accepted file (goedgekeurd, with or without afwijkingen) replaces the earlier records of
its (gemeente, periode, domein) atomically; a rejected one changes nothing, so the last good state
stays in force. Every file, accepted or not, leaves an audit record and a report.

The pseudonymised records are checked against `contracts.core.CoreTraject` in memory, before
anything is written: records that fail it (a bug that let a BSN column through, say) never enter
`core/`. They go to the quarantine folder for the operator, the raw delivery stays in the inbox
for a rerun, and the audit record says `opgenomen = False`, so nothing downstream counts them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from clearinghouse.columns import explain, hints_for_missing, hints_for_unused, unused_columns
from clearinghouse.geography import Geography
from clearinghouse.manifest import MANIFEST_NAMES, ManifestError, find_manifest, read_manifest
from clearinghouse.masking import mask_value
from clearinghouse.minimise import minimise
from clearinghouse.normalise import normalise
from clearinghouse.outcome import FileOutcome, PartitionResult
from clearinghouse.pseudonym import PseudonymKey
from clearinghouse.reading import DeliveryFileError, read_delivery
from clearinghouse.reports import report_base, write_report
from clearinghouse.validation import DEFAULT_MAX_REJECTED_SHARE, validate
from contracts import CONTRACT_VERSION
from contracts.core import CoreTraject
from contracts.delivery import required_columns
from contracts.regels import UNKNOWN_COLUMN_RULE
from vocabulary import files
from vocabulary.formatting import fmt_int
from vocabulary.oordelen import AFGEKEURD, FOUT, WAARSCHUWING
from vocabulary.periode import Periode

AUDIT_COLUMNS = [
    "gemeente_code", "periode", "domein", "bestand", "sha256", "rijen_gelezen", "rijen_geaccepteerd",
    "rijen_afgekeurd", "rijen_met_waarschuwing", "oordeel", "regel", "melding", "opgenomen", "quarantaine",
    "contract_versie", "key_id", "publicatie_basis", "publicatie_facultatief", "rapport", "verwerkt_op",
]  # fmt: skip

# More than half of the rows outside the periode: the file belongs to another periode.
OUTSIDE_PERIODE_SHARE = 0.5


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _reject(outcome: FileOutcome, regel: str, melding: str) -> FileOutcome:
    outcome.oordeel, outcome.regel, outcome.melding = AFGEKEURD, regel, melding
    return outcome


def _main_reasons(failures: pd.DataFrame) -> str:
    """The most frequent fouten in a few words each, so a refusal says what is wrong, not only how much."""
    fouten = failures[failures["ernst"] == FOUT].drop_duplicates(["rij", "regel"])
    counts = fouten.groupby(["regel", "kolom"]).size().sort_values(ascending=False, kind="stable").head(3)
    texts = fouten.drop_duplicates(["regel", "kolom"]).set_index(["regel", "kolom"])["melding"]
    return "; ".join(f"{texts[key].split('. ')[0]} ({fmt_int(count)}×)" for key, count in counts.items())


def check_file(
    path: Path,
    *,
    domein: str,
    gemeente_code: str,
    periode: Periode,
    key: PseudonymKey | None,
    geography: Geography | None,
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE,
    now: datetime | None = None,
) -> FileOutcome:
    """Verdict for one delivery file, and its pseudonymised records when accepted and a key is given.

    Without key and geography (the gemeente's local pre-check) only the verdict and report are made.
    """
    outcome = FileOutcome(domein=domein, bestand=path.name, sha256=None, gecontroleerd_op=now or datetime.now(timezone.utc))
    if not path.is_file():
        return _reject(outcome, "bestand_ontbreekt",
                       f"{path.name} staat in het manifest maar is niet aangeleverd. Lever het bestand mee of haal het uit het manifest.")
    try:
        delivered = read_delivery(path)
    except DeliveryFileError as exc:
        outcome.sha256 = sha256_of(path)
        return _reject(outcome, "bestand_onleesbaar", str(exc))
    raw, outcome.sha256, outcome.headers = delivered.frame, delivered.sha256, delivered.headers
    outcome.rijen_gelezen = len(raw)
    outcome.ongebruikte_kolommen = unused_columns(delivered.headers, domein)
    outcome.bestandsmeldingen = [
        {"kolom": hint.geleverd, "regel": UNKNOWN_COLUMN_RULE, "ernst": WAARSCHUWING,
         "melding": f"Kolom `{hint.geleverd}` staat niet in het gegevenswoordenboek en wordt niet gebruikt. {hint.zin()}"}
        for hint in hints_for_unused(delivered.headers, domein)
    ]  # fmt: skip
    if raw.empty:
        return _reject(outcome, "geen_gegevens", f"{path.name} bevat geen gegevensregels. Lever het bestand opnieuw aan.")
    missing = [column for column in required_columns(domein) if column not in raw.columns]
    if missing:
        hints = hints_for_missing(missing, delivered.headers, domein)
        outcome.bestandsmeldingen = []  # the hints below say the same, about the missing columns
        return _reject(
            outcome, "kolom_ontbreekt",
            f"{path.name}: verplichte kolom(men) ontbreken: {', '.join(missing)}. {explain(hints)} "
            "Controleer de kolomnamen in de kopregel (zie het gegevenswoordenboek).",
        )  # fmt: skip
    normalised = normalise(raw, periode=periode)
    codes_in_file = set(normalised.frame["gemeentecode"].dropna().unique()) - {gemeente_code}
    if codes_in_file:
        return _reject(
            outcome, "andere_gemeente",
            # Masked: with shifted columns the 'gemeentecode' holds BSNs, which must not reach the report.
            f"{path.name} bevat gegevens van een andere gemeente "
            f"({', '.join(mask_value('gemeentecode', code) for code in sorted(codes_in_file)[:3])}). "
            f"Een gemeente levert alleen haar eigen gegevens ({gemeente_code}); het hele bestand is afgekeurd.",
        )  # fmt: skip
    validation = validate(normalised, domein, headers=delivered.headers)
    outcome.failures = validation.failures
    outcome.rijen_afgekeurd = validation.rows_rejected
    outcome.rijen_met_waarschuwing = validation.rows_warned
    outside = validation.failures.loc[validation.failures["regel"] == "overlapt_periode", "rij"].nunique()
    if outside > OUTSIDE_PERIODE_SHARE * len(raw):
        return _reject(
            outcome, "andere_periode",
            f"{path.name}: {fmt_int(outside)} van de {fmt_int(len(raw))} regels vallen buiten {periode.code}. "
            "Het bestand lijkt bij een andere periode te horen; lever het aan bij de juiste periode.",
        )  # fmt: skip
    outcome.oordeel = validation.verdict(max_rejected_share)
    if outcome.oordeel == AFGEKEURD:
        share = validation.rows_rejected / max(validation.rows_read, 1)
        return _reject(
            outcome, "te_veel_fouten",
            f"{path.name}: {fmt_int(validation.rows_rejected)} van de {fmt_int(validation.rows_read)} regels "
            f"({share:.1%}) hebben een fout, meer dan de toegestane {max_rejected_share:.0%}. "
            f"Meest voorkomend: {_main_reasons(validation.failures)}. Herstel de regels in het rapport en lever opnieuw aan.",
        )  # fmt: skip
    if validation.rows_rejected:
        outcome.melding = (
            f"{fmt_int(validation.rows_rejected)} regel(s) afgekeurd; de overige {fmt_int(outcome.rijen_geaccepteerd)} regels worden gebruikt."
        )
    if key is not None and geography is not None:
        outcome.core = minimise(
            validation.valid, domein=domein, gemeente_code=gemeente_code, periode=periode.code, key=key, geography=geography
        )
    return outcome


def core_contract_problem(core: pd.DataFrame) -> str | None:
    """Why records fail `CoreTraject`, or None. Names checks and columns, never a value (it may be a
    BSN); for a check on the whole table the failure case *is* a column name (`column_in_schema: bsn`)."""
    try:
        CoreTraject.validate(core, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        names_a_column = cases["check"].astype(str).isin(["column_in_schema", "column_in_dataframe"])
        where = cases["column"].astype(str).where(~names_a_column, cases["failure_case"].astype(str))
        listed = pd.DataFrame({"where": where, "check": cases["check"].astype(str)}).value_counts().head(5)
        return "; ".join(f"{column}: {check} ({count}×)" for (column, check), count in listed.items())
    return None


def quarantine_note(gemeente_code: str, periode: str, bestand: str, problem: str) -> str:
    """What the operator reads beside quarantined records (Dutch)."""
    return (
        f"{gemeente_code} {periode} {bestand}: de gepseudonimiseerde records voldoen niet aan het core-contract "
        f"(contracts/core.py): {problem}.\nZe zijn NIET opgenomen in core/; de vorige levering blijft gelden. Het ruwe bestand "
        "staat nog in de inbox. Zoek de oorzaak (een fout in de clearinghouse, niet in de levering), herstel die en verwerk "
        "de levering opnieuw (gmsd run). Verwijder daarna deze quarantainemap: de records kunnen persoonsgegevens bevatten.\n"
    )


def core_path(core_dir: Path, periode: str, gemeente_code: str, domein: str) -> Path:
    return core_dir / periode / gemeente_code / f"{domein}.parquet"


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
    """Process the delivery in `folder` (inbox/<gemeente>/<periode>/) and record the outcome.

    `quarantine_dir` (default: `quarantaine/` beside `core_dir`, i.e. in the home) receives records
    that fail the core contract; they never enter `core_dir`.
    """
    now = now or datetime.now(timezone.utc)
    quarantine_dir = quarantine_dir or core_dir.parent / "quarantaine"
    parsed_periode = Periode.halfjaar(periode)
    try:
        manifest = read_manifest(folder, gemeente_code=gemeente_code, periode=parsed_periode.code)
    except ManifestError as exc:
        result = _manifest_refusal(folder, gemeente_code, parsed_periode.code, str(exc), now)
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
                now=now,
            )
            for entry in manifest.bestanden
        ]
        result = PartitionResult(gemeente_code, parsed_periode.code, manifest, outcomes)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    for outcome in result.files:
        if outcome.core is not None:
            problem = core_contract_problem(outcome.core)
            if problem is None:
                files.write_parquet(outcome.core, core_path(core_dir, parsed_periode.code, gemeente_code, outcome.domein))
                outcome.opgenomen = True
            else:
                target = quarantine_path(quarantine_dir, parsed_periode.code, gemeente_code, stamp, outcome.domein)
                files.write_parquet(outcome.core, target)
                files.write_text(target.with_suffix(".txt"), quarantine_note(gemeente_code, parsed_periode.code, outcome.bestand, problem))
                outcome.quarantaine = str(target)
                outcome.melding = (
                    f"{outcome.melding} Het bestand is goedgekeurd, maar de clearinghouse kon de gegevens door een interne fout "
                    "nog niet opnemen; de vorige levering blijft gelden. De beheerder is gewaarschuwd; u hoeft niets te doen."
                ).strip()
        base = report_base(reports_dir, gemeente_code, parsed_periode.code, stamp, outcome.domein)
        outcome.rapport = str(write_report(outcome, gemeente_code=gemeente_code, periode=parsed_periode.code, base=base))
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
            "rijen_met_waarschuwing": outcome.rijen_met_waarschuwing,
            "oordeel": outcome.oordeel,
            "regel": outcome.regel,
            "melding": outcome.melding,
            "opgenomen": outcome.opgenomen,
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
    frame = pd.DataFrame(rows, columns=AUDIT_COLUMNS)
    for column in ("publicatie_basis", "publicatie_facultatief", "opgenomen"):
        frame[column] = frame[column].astype("boolean")
    for column in ("regel", "quarantaine", "domein", "sha256", "rapport"):
        frame[column] = frame[column].astype("string")
    return frame
