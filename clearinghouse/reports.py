"""Quality reports for a delivery: HTML for the data officer, CSV for their systems, both in Dutch.

The report says what to fix: per broken rule the values as delivered (masked: a BSN is never shown
in full; for a rule over several columns every value it read), what is expected instead (every
allowed code with its meaning, the accepted date formats), the column as named in the delivered
file, and the gegevenswoordenboek entry of that column. It names gemeente, periode, domein, file
and the time of the check, gives the verdict in one sentence (the same sentence `gmsd check` prints
and the CSV's first row holds) and ends with "wat nu?": what to change, whether the file can be
delivered as it is, and how the 5 % rule applies. The CSV is written through
`vocabulary.files.write_csv`, so a cell such as `=HYPERLINK(…)` is never run as a formula.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from clearinghouse.audit import in_force, load_audit
from clearinghouse.outcome import FileOutcome
from clearinghouse.validation import FAILURE_COLUMNS
from contracts import CONTRACT_VERSION
from contracts.delivery import CONTRACTS
from contracts.regels import FILE_RULES, allowed_codes, rules_by_name
from vocabulary import files
from vocabulary.domeinen import TITELS
from vocabulary.formatting import fmt_decimal, fmt_int, fmt_local_datetime, fmt_periode
from vocabulary.oordelen import AFGEKEURD, FOUT, WAARSCHUWING, css_class, oordeel
from vocabulary.reference import gemeente_names

EXAMPLES_PER_RULE = 10
NOT_CHECKED = "niet gecontroleerd: het bestand is als geheel afgekeurd"
DICTIONARY = "docs/gegevenswoordenboek.md in de broncode, of de pagina Gegevenswoordenboek op de website van de monitor"

_env = Environment(loader=PackageLoader("clearinghouse", "templates"), autoescape=select_autoescape(["html", "j2"]))


def inline(text: object) -> Markup:
    """Light markup of rule texts (`code`) as HTML, after escaping everything else."""
    escaped = str(Markup.escape("" if text is None else str(text)))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


_env.filters["inline"] = inline


def report_base(reports_dir: Path, gemeente_code: str, periode: str, stamp: str, domein: str | None) -> Path:
    """reports/<gemeente>/<periode>/<stamp>_<domein>: the stem of a report's .html and .csv."""
    return reports_dir / gemeente_code / periode / f"{stamp}_{domein or 'aanlevering'}"


def anchor(column: str) -> str:
    return "woordenboek-" + re.sub(r"[^a-z0-9_]", "-", column.lower())


def shows_melding(outcome: FileOutcome) -> bool:
    """The melding says more than the verdict sentence only for a rejected or quarantined file."""
    return bool(outcome.melding) and (outcome.oordeel == AFGEKEURD or outcome.quarantaine is not None)


def what_now(outcome: FileOutcome, *, max_rejected_share: float = 0.05) -> list[str]:
    """'Wat nu?': what to change, whether the file can be delivered as it is, and the 5 % rule (Dutch)."""
    share = outcome.rijen_afgekeurd / outcome.rijen_gelezen if outcome.rijen_gelezen else 0.0
    limit = f"{fmt_decimal(100 * max_rejected_share, 0)} %"
    five = (
        f"De {limit}-regel: heeft meer dan {limit} van de regels een fout, dan wordt het hele bestand afgekeurd. "
        f"In dit bestand heeft {fmt_decimal(100 * share)} % van de regels een fout. Waarschuwingen tellen hiervoor niet mee."
    )
    warnings = outcome.aantal(WAARSCHUWING)
    steps: list[str] = []
    if outcome.quarantaine:
        return [
            "Het bestand is goedgekeurd, maar door een fout in de clearinghouse zijn de gegevens nog niet opgenomen. "
            "De beheerder is gewaarschuwd en verwerkt de levering opnieuw; u hoeft niets te doen.",
            "Tot dan blijft uw vorige goedgekeurde levering voor deze periode gelden.",
        ]
    if outcome.oordeel == AFGEKEURD:
        fix = {
            "kolom_ontbreekt": "Geef de kolommen in de kopregel de namen uit het gegevenswoordenboek (zie de melding hierboven) "
            "en controleer het bestand opnieuw.",
            "andere_gemeente": "Lever alleen regels van uw eigen gemeente; controleer de kolom gemeentecode en of de kolommen "
            "niet verschoven zijn.",
            "andere_periode": "Controleer of u het bestand bij de juiste periode aanlevert, en of de kolommen met data kloppen.",
            "te_veel_fouten": "Herstel de regels met een fout (zie de tabellen hieronder; de CSV bevat elke regel) en controleer "
            "het bestand opnieuw.",
            "bestand_onleesbaar": "Sla het bestand opnieuw op zoals de melding hierboven zegt en controleer het opnieuw.",
            "geen_gegevens": "Lever een bestand met een kopregel en daaronder de gegevens.",
            "bestand_ontbreekt": "Lever het bestand mee, of haal het uit het manifest.",
            "manifest": "Herstel het manifest (zie de melding hierboven) en lever opnieuw aan.",
        }.get(outcome.regel or "", "Herstel wat de melding hierboven noemt en controleer het bestand opnieuw.")
        steps += [
            "Dit bestand kan zo niet worden aangeleverd: het wordt helemaal niet gebruikt.",
            fix,
            "Tot een nieuwe levering is goedgekeurd, blijft uw vorige goedgekeurde levering voor deze periode gelden.",
        ]
        if outcome.regel == "te_veel_fouten":
            steps.append(five)
        return steps
    if outcome.rijen_afgekeurd:
        steps += [
            f"Dit bestand kan zo worden aangeleverd: de {fmt_int(outcome.rijen_geaccepteerd)} regels zonder fout worden gebruikt, "
            f"de {fmt_int(outcome.rijen_afgekeurd)} regels met een fout niet.",
            "Wilt u dat alle regels meetellen, herstel dan de regels met een fout en lever het hele bestand opnieuw aan "
            "(een nieuwe levering vervangt de vorige helemaal).",
            five,
        ]
    else:
        steps.append("Dit bestand kan zo worden aangeleverd: alle regels worden gebruikt.")
    if warnings:
        steps.append(
            f"Er {'is' if warnings == 1 else 'zijn'} {fmt_int(warnings)} waarschuwing{'' if warnings == 1 else 'en'}: die regels tellen mee, "
            "maar de genoemde waarde telt als onbekend (een onbekend adres telt bijvoorbeeld niet mee voor een wijk). "
            "Herstel ze bij een volgende levering."
        )
    return steps


def _per_rule(outcome: FileOutcome, records: list[dict]) -> list[dict]:
    """Per broken rule (severity, rule, column, message) its number of findings: fouten first, then
    the most frequent; equal ones in the order they first occur. `records`: `outcome.failures` as
    dicts. In plain Python: a report has a few dozen findings, and a thousand reports paid the fixed
    cost of every pandas operation (value_counts, sort_values) in milliseconds each."""
    if not records:
        return []
    rules = rules_by_name(outcome.domein) if outcome.domein in CONTRACTS else {}
    # A rule is reported once per row, so its number of findings is its number of rows.
    counts: dict[tuple, int] = {}
    for record in records:
        key = (record["ernst"], record["regel"], record["kolom"], record["melding"])
        if not any(files.is_missing(part) for part in key):  # as value_counts: a finding without a key is not counted
            counts[key] = counts.get(key, 0) + 1
    out = []
    for (ernst, regel, kolom, melding), aantal in sorted(counts.items(), key=lambda item: (item[0][0], -item[1])):
        rule = rules.get(regel)
        columns = [c for c in (rule.kolommen if rule else ()) if not c.startswith("_")]
        out.append({"ernst": ernst, "regel": regel, "kolom": kolom, "melding": melding, "aantal": aantal,
                    "aantal_tekst": fmt_int(aantal), "verwacht": rule.verwacht if rule else "",
                    "links": [(c, anchor(c)) for c in columns]})  # fmt: skip
    return out


def _examples(records: list[dict]) -> list[dict]:
    """The first EXAMPLES_PER_RULE findings of each (rule, column), ordered by row and severity."""
    shown: dict[tuple, int] = {}
    chosen = []
    for record in records:
        key = (record["regel"], record["kolom"])
        if any(files.is_missing(part) for part in key):  # as groupby: a finding without a key is in no group
            continue
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= EXAMPLES_PER_RULE:
            chosen.append(record)
    return sorted(chosen, key=lambda record: (record["rij"], record["ernst"]))


def _dictionary_entries(outcome: FileOutcome, records: list[dict]) -> list[dict]:
    """The gegevenswoordenboek entry of every column the findings name: description, severity, codes."""
    if outcome.domein not in CONTRACTS:
        return []
    rules = rules_by_name(outcome.domein)
    named = {column for name in {record["regel"] for record in records} if name in rules for column in rules[name].kolommen}
    schema = CONTRACTS[outcome.domein].to_schema().columns
    entries = []
    for column in [c for c in schema if c in named and not c.startswith("_")]:
        entries.append({
            "kolom": column,
            "anchor": anchor(column),
            "geleverd": outcome.headers.get(column, column),
            "omschrijving": schema[column].description or "",
            "verplicht": bool(schema[column].required),
            "ernst": (schema[column].metadata or {}).get("ernst", FOUT),
            "codes": allowed_codes(column, outcome.domein),
        })  # fmt: skip
    return entries


def write_report(outcome: FileOutcome, *, gemeente_code: str, periode: str, base: Path, max_rejected_share: float = 0.05) -> Path:
    """Write `<base>.html` and `<base>.csv` (`;`-separated for Dutch Excel); return the HTML path."""
    records = outcome.failure_records()
    # Written from the rows themselves (the same bytes as the frame of `report_rows`); a cell that
    # is not text or a whole number takes the DataFrame's way.
    csv_path = base.with_name(base.name + ".csv")
    if files.write_csv_rows(FAILURE_COLUMNS, outcome.report_cells(records), csv_path, dutch=True) is None:
        files.write_csv(outcome.report_rows(), csv_path, dutch=True)
    verdict = oordeel(outcome.oordeel)
    checked = outcome.gecontroleerd_op or datetime.now(timezone.utc)
    html = _env.get_template("rapport.html.j2").render(
        gemeente_code=gemeente_code,
        gemeente_naam=gemeente_names().get(gemeente_code, ""),
        periode=periode,
        periode_label=fmt_periode(periode),
        domein=outcome.domein,
        domein_titel=TITELS.get(outcome.domein or "", outcome.domein or ""),
        bestand=outcome.bestand,
        gecontroleerd=fmt_local_datetime(checked),
        oordeel=verdict.zin,
        css=verdict.css,
        samenvatting=outcome.samenvatting(),
        melding=outcome.melding,
        toon_melding=shows_melding(outcome),
        regel=outcome.regel,
        regel_uitleg=FILE_RULES.get(outcome.regel or "", ""),
        wat_nu=what_now(outcome, max_rejected_share=max_rejected_share),
        telling=[
            ("Regels gelezen", fmt_int(outcome.rijen_gelezen)),
            ("Regels gebruikt", fmt_int(outcome.rijen_geaccepteerd)),
            ("Regels met een fout (niet gebruikt)", fmt_int(outcome.rijen_afgekeurd) if outcome.rijen_gecontroleerd else NOT_CHECKED),
            ("Regels met alleen een waarschuwing (wel gebruikt)",
             fmt_int(outcome.rijen_met_waarschuwing) if outcome.rijen_gecontroleerd else NOT_CHECKED),
            ("Meldingen: fouten", fmt_int(outcome.aantal(FOUT))),
            ("Meldingen: waarschuwingen", fmt_int(outcome.aantal(WAARSCHUWING))),
        ],
        bestandsmeldingen=outcome.bestandsmeldingen,
        ongebruikt=outcome.ongebruikte_kolommen,
        per_regel=_per_rule(outcome, records),
        voorbeelden=_examples(records),
        voorbeelden_per_regel=EXAMPLES_PER_RULE,
        woordenboek=_dictionary_entries(outcome, records),
        woordenboek_plaats=DICTIONARY,
        sha256=outcome.sha256,
        contract_versie=CONTRACT_VERSION,
        aanlevering_afgekeurd=outcome.oordeel == AFGEKEURD,
    )
    return files.write_text(base.with_name(base.name + ".html"), html)


OPERATOR_PAGE = "index.html"


def write_operator_page(intake_dir: Path, reports_dir: Path, *, names: dict[str, str] | None = None) -> Path:
    """`reports/index.html`: every delivery with its verdict, counts, message and report link.

    For the clearinghouse operator (not published): which files came in, which were refused and why,
    which records are in quarantine, and which delivery is in force per gemeente, periode and domein.
    Written atomically, rebuilt from the audit trail after each intake, so it is never out of step
    with what was processed.
    """
    audit = load_audit(intake_dir)
    rows = []
    if not audit.empty:
        audit = audit.assign(geldt=in_force(audit)).sort_values("verwerkt_op", ascending=False)
        for record in audit.to_dict("records"):
            report = record.get("rapport")
            quarantine = record.get("quarantaine")
            rows.append(
                {
                    **record,
                    "gemeente_naam": (names or {}).get(record["gemeente_code"], ""),
                    "link": f"{record['gemeente_code']}/{record['periode']}/{report}" if isinstance(report, str) and report else None,
                    "css": css_class(record["oordeel"]),
                    "verwerkt": fmt_local_datetime(record["verwerkt_op"], seconds=True),
                    "quarantaine": quarantine if isinstance(quarantine, str) and quarantine else None,
                }
            )
    totals = audit.groupby("oordeel").size().to_dict() if not audit.empty else {}
    html = _env.get_template("beheer.html.j2").render(
        rows=rows,
        totals=totals,
        quarantaine=sum(1 for row in rows if row["quarantaine"]),
        gemeenten=audit["gemeente_code"].nunique() if not audit.empty else 0,
        generated=fmt_local_datetime(datetime.now(timezone.utc)),
        contract_versie=CONTRACT_VERSION,
    )
    return files.write_text(reports_dir / OPERATOR_PAGE, html)

