"""Every rule a delivered row is checked against, with its severity and its explanation in Dutch.

The pandera models in `contracts.delivery` hold the checks; this module lists them as *rules* a
data officer can read: one name per rule (`voorziening_code`, `einde_na_start`), the columns it
reads, its severity (fout: the row is rejected; waarschuwing: the value becomes unknown and the row
counts), what went wrong and what is accepted instead (formats, every allowed code with its
meaning, ranges). The intake names these rules in its reports and the gegevenswoordenboek prints
them, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandera.pandas as pa

from contracts.delivery import CONTRACTS, CROSS_COLUMN_RULES
from vocabulary.codes import LABELS, LEEFTIJD_GRENZEN
from vocabulary.oordelen import FOUT, WAARSCHUWING

DATE_FORMATS = (
    "`JJJJMMDD` (20250131), `JJJJ-MM-DD` (2025-01-31) of `DD-MM-JJJJ` (31-01-2025); "
    "ook met `/` in plaats van `-` en zonder voorloopnullen (`1-2-2025`)"
)
BIRTH_DATE_EXTRA = "; dag of maand onbekend: `JJJJMM00` of `JJJJ0000`"
BSN_REPAIRED = "aangevuld"

# What to do about a named check, in words (the check's own `error` says what is wrong).
_EXPECTED = {
    "bsn_elfproef": "een BSN dat aan de 11-proef voldoet (een tikfout in één cijfer valt altijd op); "
    "is het BSN onbekend, lever dan `000000000`",
    "bsn_gezagdrager_elfproef": "een BSN dat aan de 11-proef voldoet, of een lege cel als de cliënt 18 jaar of ouder is",
    "geboortedatum_plausibel": "een geboortedatum tussen 1 januari 1900 en vandaag",
    "einde_na_start": "een einddatum op of na de startdatum (bij verblijf: de dag na de laatste nacht); zijn de twee data verwisseld?",
    "overlapt_periode": "alleen trajecten die in de periode liepen: startdatum op of voor het einde van de periode, "
    "einddatum leeg of op of na het begin ervan",
    "gezagdrager_bij_minderjarige": "het BSN van de ouder of gezagdrager in `bsn_gezagdrager`",
    "resultaat_alleen_bij_einde": "een lege cel in `resultaat` zolang het traject loopt",
}

# Which code list of vocabulary.codes explains a column's codes.
_CODE_LIST = {
    "geslacht": "geslacht", "herkomst": "herkomst", "iq_indicatie": "iq_indicatie", "leveringsvorm": "leveringsvorm",
    "verwijzer": "verwijzer", "reden_einde": "reden_einde", "resultaat": "resultaat", "erkende_interventie": "erkende_interventie",
}  # fmt: skip


@dataclass(frozen=True)
class Regel:
    """One rule. `tekst` may hold `{kolom}`: the column's name as the gemeente delivered it."""

    naam: str
    kolommen: tuple[str, ...]
    ernst: str
    soort: str  # verplicht | onleesbaar | formaat | code | bereik | controle | samenhang | aangevuld
    tekst: str
    verwacht: str = ""
    onbekend: str | None = None  # for a waarschuwing: the value it becomes (None: empty)

    @property
    def kolom(self) -> str:
        return self.kolommen[0]

    def melding(self, kopregel: dict[str, str] | None = None) -> str:
        """The finding in words, with the column as delivered (`EINDDATUM`, not `datum_einde`)."""
        names = kopregel or {}
        return self.tekst.format(kolom=f"`{names.get(self.kolom, self.kolom)}`")

    @property
    def omschrijving(self) -> str:
        """The rule in words for the gegevenswoordenboek (canonical column names)."""
        text = self.melding()
        return f"{text} Verwacht: {self.verwacht}." if self.verwacht else text


def allowed_codes(column: str, domein: str) -> list[tuple[str, str]]:
    """(code, Dutch meaning) of every code a column accepts, complete and in list order."""
    name = f"voorziening {domein}" if column == "voorziening" else _CODE_LIST.get(column)
    if name is None or name not in LABELS:
        return []
    return list(LABELS[name].items())


def _consequence(ernst: str, metadata: dict) -> str:
    if ernst == FOUT:
        return "De regel is afgekeurd."
    if "gevolg" in metadata:
        return metadata["gevolg"]
    unknown = metadata.get("onbekend")
    return f"De waarde telt als onbekend{f' (`{unknown}`)' if unknown else ''}; de regel telt wel mee."


def _range(statistics: dict[str, dict]) -> str:
    low = statistics.get("greater_than_or_equal_to", {}).get("min_value")
    high = statistics.get("less_than_or_equal_to", {}).get("max_value")
    if low is not None and high is not None:
        return f"een getal van {low} tot en met {high}"
    if low is not None:
        return f"een getal van {low} of meer"
    return f"een getal tot en met {high}"


def _is(column: pa.Column, kind: str) -> bool:
    text = str(column.dtype).lower()
    return {"date": "datetime" in text, "int": "int" in text, "float": "float" in text}[kind]


def _column_rules(name: str, column: pa.Column, domein: str) -> list[Regel]:
    metadata = column.metadata or {}
    ernst = metadata.get("ernst", FOUT)
    unknown = metadata.get("onbekend")
    then = _consequence(ernst, metadata)
    rules = []
    if not column.nullable:
        rules.append(Regel(f"{name}_verplicht", (name,), ernst, "verplicht", f"Kolom {{kolom}} is leeg, maar moet gevuld zijn. {then}",
                           "een waarde in elke regel (zie de omschrijving van de kolom)", unknown))
    if _is(column, "date"):
        expected = DATE_FORMATS + (BIRTH_DATE_EXTRA if name == "geboortedatum" else "")
        rules.append(Regel(f"{name}_onleesbaar", (name,), ernst, "onleesbaar", f"Kolom {{kolom}} bevat geen geldige datum. {then}", expected))
    elif _is(column, "int") or _is(column, "float"):
        expected = "een geheel getal, zoals `12`" if _is(column, "int") else "een getal met decimaalkomma of -punt, zoals `12,5`"
        if name == "huisnummer":
            expected += " (een toevoeging mag: `12a`, `12-2`)"
        rules.append(Regel(f"{name}_onleesbaar", (name,), ernst, "onleesbaar", f"Kolom {{kolom}} bevat geen getal. {then}", expected))
    if name in ("bsn", "bsn_gezagdrager"):
        rules.append(Regel(
            f"{name}_{BSN_REPAIRED}", (name,), WAARSCHUWING, BSN_REPAIRED,
            "Het BSN in kolom {kolom} had 7 of 8 cijfers: de voorloopnullen waren weggevallen (meestal door Excel). "
            "Ze zijn aangevuld; zo voldoet het BSN aan de 11-proef en telt de regel mee.",
                    "9 cijfers; zet de kolom in Excel op 'Tekst' (of exporteer het BSN als tekst), dan blijven de voorloopnullen staan",
        ))  # fmt: skip
    statistics = {check.name: check.statistics or {} for check in column.checks}
    for check in column.checks:
        if check.name == "str_matches":
            rules.append(Regel(f"{name}_formaat", (name,), ernst, "formaat", f"Kolom {{kolom}} heeft niet de juiste vorm. {then}",
                               metadata.get("formaat", f"tekst volgens het patroon {check.statistics['pattern']}"), unknown))
        elif check.name == "isin":
            codes = allowed_codes(name, domein) or [(code, "") for code in check.statistics["allowed_values"]]
            listed = "een van deze codes: " + "; ".join(f"`{code}` {meaning}".strip() for code, meaning in codes)
            rules.append(Regel(f"{name}_code", (name,), ernst, "code", f"Kolom {{kolom}} bevat een onbekende code. {then}", listed, unknown))
        elif check.name == "greater_than_or_equal_to" or (check.name == "less_than_or_equal_to" and "greater_than_or_equal_to" not in statistics):
            rules.append(Regel(f"{name}_bereik", (name,), ernst, "bereik", f"Kolom {{kolom}} valt buiten het toegestane bereik. {then}",
                               _range(statistics), unknown))
        elif check.name not in ("less_than_or_equal_to",):
            rules.append(Regel(check.name, (name,), ernst, "controle", f"{check.error} {then}", _EXPECTED.get(check.name, ""), unknown))
    return rules


@lru_cache(maxsize=8)
def rules(domein: str) -> tuple[Regel, ...]:
    """Every rule of a domein's contract: per column, then the rules over several columns."""
    schema = CONTRACTS[domein].to_schema()
    out: list[Regel] = []
    for name, column in schema.columns.items():
        if not name.startswith("_"):
            out.extend(_column_rules(name, column, domein))
    for check in schema.checks:
        ernst, columns = CROSS_COLUMN_RULES[check.name]
        expected = _EXPECTED.get(check.name, "")
        if check.name == "leeftijd_plausibel":
            low, high = LEEFTIJD_GRENZEN[domein]
            expected = f"een geboortedatum die past bij {domein}: {low} tot en met {high} jaar aan het einde van de periode"
        text = f"{check.error} De regel is afgekeurd." if ernst == FOUT else check.error
        out.append(Regel(check.name, columns, ernst, "samenhang", text, expected))
    return tuple(out)


@lru_cache(maxsize=8)
def rules_by_name(domein: str) -> dict[str, Regel]:
    return {rule.naam: rule for rule in rules(domein)}


def severity_of_column(domein: str, column: str) -> str:
    """The severity of the rules on one delivered column (fout or waarschuwing)."""
    metadata = CONTRACTS[domein].to_schema().columns[column].metadata or {}
    return metadata.get("ernst", FOUT)


# Reasons a whole file is refused (spec "Verdicts"): always a fout; nothing of the file is used.
FILE_RULES: dict[str, str] = {
    "manifest": "Het manifest ontbreekt of klopt niet; geen bestand van de aanlevering wordt verwerkt.",
    "bestand_ontbreekt": "Het bestand staat in het manifest, maar is niet aangeleverd.",
    "bestand_onleesbaar": "Het bestand kan niet als tabel worden gelezen (bestandstype, tekenset, aanhalingstekens, "
    "aantal kolommen of regellengte).",
    "geen_gegevens": "Het bestand bevat geen gegevensregels.",
    "kolom_ontbreekt": "Een verplichte kolom ontbreekt of heeft een andere naam dan in het gegevenswoordenboek.",
    "andere_gemeente": "Het bestand bevat gegevens van een andere gemeente dan de aanleverende.",
    "andere_periode": "Meer dan de helft van de trajecten valt buiten de periode van de aanlevering.",
    "te_veel_fouten": "Meer dan de toegestane 5 % van de regels heeft een fout.",
}
# A delivered column the gegevenswoordenboek does not know, but that resembles a column that is
# missing: its values would be ignored, so the report asks (a waarschuwing; the file can be used).
UNKNOWN_COLUMN_RULE = "kolom_onbekend"
