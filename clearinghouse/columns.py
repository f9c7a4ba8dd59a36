"""Recognise a misspelled or renamed column and say what probably caused it.

A missing column is the most common reason a whole file is refused, and the cause is almost
always in the export, not in the data: the case system writes its screen labels (`Einddatum`)
instead of the names in the gegevenswoordenboek (`datum_einde`), puts the table name in front
(`client.bsn`), leaves the header out, or Excel gives its own names (`Kolom1`). This module
finds, for each expected column, the delivered header it most likely is ("bedoelt u
`datum_einde`?") and names the export setting that usually causes the difference.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from contracts.delivery import delivered_columns

# Names case systems and spreadsheets commonly use for a column (compared without case, accents,
# spaces and punctuation). The fuzzy match below catches typing errors; these catch other words.
ALIASES: dict[str, tuple[str, ...]] = {
    "gemeentecode": ("gemeente", "gemcode", "cbscode", "gemeentenummer", "gemeentecodecbs"),
    "bsn": ("burgerservicenummer", "bsnclient", "bsnnummer", "sofinummer", "clientbsn"),
    "bsn_gezagdrager": ("bsnouder", "bsngezaghouder", "bsnouderverzorger", "bsnouders", "gezagdragerbsn"),
    "geboortedatum": ("gebdatum", "geboortedat", "gebdat", "dateofbirth", "geboren"),
    "geslacht": ("sexe", "sekse", "gender", "geslachtcode"),
    "postcode": ("pc6", "pc", "postcodeclient", "postcodeadres"),
    "huisnummer": ("huisnr", "nummer", "huisnum"),
    "herkomst": ("herkomstland", "migratieachtergrond"),
    "aanbieder_id": ("agb", "agbcode", "aanbieder", "aanbiedercode", "kvk", "kvknummer", "zorgaanbieder"),
    "aanbieder_naam": ("naamaanbieder", "zorgaanbiedernaam"),
    "datum_aanvraag": ("aanvraagdatum", "meldingsdatum", "datummelding"),
    "datum_start": ("startdatum", "begindatum", "datumbegin", "ingangsdatum", "datumingang", "datumvanaf", "vanaf"),
    "datum_einde": ("einddatum", "eindedatum", "datumeind", "datumtot", "totdatum", "datumtotenmet", "tot", "einde"),
    "voorziening": ("product", "productcode", "productcategorie", "hulpvorm", "voorzieningcode", "soortvoorziening"),
    "leveringsvorm": ("leveringswijze", "zinpgb", "vorm"),
    "verwijzer": ("verwijzing", "verwijzercode", "verwezendoor"),
    "reden_einde": ("redenbeeindiging", "redeneind", "reden"),
    "iq_indicatie": ("iq", "iqscore"),
}

HEADERLESS = (
    "De eerste regel van het bestand bevat gegevens in plaats van kolomnamen: de kopregel ontbreekt. "
    "Zet bij het exporteren de optie voor kolomnamen (\"kopregel\", \"veldnamen in eerste rij\") aan."
)
LABELS_INSTEAD_OF_NAMES = (
    "Dit komt meestal doordat het exportprofiel de schermnamen van het bronsysteem gebruikt in plaats van de "
    "kolomnamen uit het gegevenswoordenboek. Pas het exportprofiel aan of hernoem de kolom in de kopregel."
)
TABLE_PREFIX = (
    "Het exportprofiel zet de naam van de tabel voor de kolomnaam (zoals `client.bsn`). Zet die optie uit of "
    "hernoem de kolom."
)
EXCEL_DEFAULT = (
    "Excel gaf de kolommen standaardnamen (Kolom1, Kolom2): de kopregel met de kolomnamen ontbreekt. "
    "Zet de kolomnamen uit het gegevenswoordenboek in de eerste regel."
)
SEPARATOR = (
    "Het bestand lijkt een ander scheidingsteken te gebruiken dan `;` of `,`. Kies bij het exporteren "
    "als scheidingsteken de puntkomma of de komma."
)
SPELLING = "Controleer de spelling van de kolomnaam in de kopregel (een tikfout?)."
SPACES = "Schrijf de kolomnaam zoals in het gegevenswoordenboek: met een liggend streepje (`_`) in plaats van een spatie of ander teken."
NOT_EXPORTED = "De kolom staat niet in het bestand. Voeg de kolom toe aan het exportprofiel (zie het gegevenswoordenboek)."

_LOOKS_LIKE_DATA = re.compile(r"^(\d{4,}|GM\d{4}|\d{1,4}[-/]\d{1,2}[-/]\d{2,4}|[1-9]\d{3}\s?[A-Za-z]{2})$")
_EXCEL_DEFAULT = re.compile(r"^(kolom|column|veld|field)\s*\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnHint:
    """A delivered header that is probably an expected column, and why it differs."""

    verwacht: str  # the column name in the gegevenswoordenboek
    geleverd: str | None  # the header as delivered, None when nothing resembles it
    oorzaak: str  # the export setting that usually causes it, in Dutch

    def vraag(self) -> str:
        if self.geleverd is None:
            return f"Kolom `{self.verwacht}` ontbreekt."
        return f"Kolom `{self.geleverd}`: bedoelt u `{self.verwacht}`?"

    def zin(self) -> str:
        return f"{self.vraag()} {self.oorzaak}"


def explain(hints: list[ColumnHint]) -> str:
    """The hints as one text: every question, then each cause once."""
    causes = list(dict.fromkeys(hint.oorzaak for hint in hints))
    return " ".join([hint.vraag() for hint in hints] + causes)


def _key(name: str) -> str:
    """A name without case, accents, spaces or punctuation: `Datum_Einde ` → `datumeinde`."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _forms(expected: str) -> set[str]:
    words = expected.split("_")
    return {_key(expected), _key("".join(reversed(words))), *ALIASES.get(expected, ())}


def _score(delivered: str, expected: str) -> float:
    key = _key(delivered)
    if not key:
        return 0.0
    tail = _key(re.split(r"[.\[\]]", delivered.strip("[] "))[-1] if re.search(r"[.\[]", delivered) else delivered)
    return max(difflib.SequenceMatcher(None, candidate, form).ratio() for candidate in {key, tail} for form in _forms(expected))


def _cause(delivered: str, expected: str) -> str:
    if re.search(r"\w[.\[]\w", delivered):
        return TABLE_PREFIX
    if _EXCEL_DEFAULT.match(delivered.strip()):
        return EXCEL_DEFAULT
    if _key(delivered) == _key(expected):
        return SPACES
    if _key(delivered) in _forms(expected) - {_key(expected)}:
        return LABELS_INSTEAD_OF_NAMES
    return SPELLING if difflib.SequenceMatcher(None, _key(delivered), _key(expected)).ratio() >= 0.8 else LABELS_INSTEAD_OF_NAMES


def hints_for_missing(missing: list[str], headers: dict[str, str], domein: str) -> list[ColumnHint]:
    """For each missing required column: the unknown delivered header it most likely is, and the cause."""
    known = set(delivered_columns(domein))
    unknown = [header for column, header in headers.items() if column not in known]
    delivered = list(headers.values())
    if delivered and sum(bool(_LOOKS_LIKE_DATA.match(header)) for header in delivered) >= max(2, len(delivered) // 3):
        return [ColumnHint(column, None, HEADERLESS) for column in missing]
    if len(delivered) == 1 and re.search(r"[|:\t]", delivered[0]):
        return [ColumnHint(column, None, SEPARATOR) for column in missing]
    hints, used = [], set()
    for column in missing:
        scored = sorted(((_score(header, column), header) for header in unknown if header not in used), reverse=True)
        if scored and scored[0][0] >= 0.75:
            used.add(scored[0][1])
            hints.append(ColumnHint(column, scored[0][1], _cause(scored[0][1], column)))
        elif any(_EXCEL_DEFAULT.match(header) for header in unknown):
            hints.append(ColumnHint(column, None, EXCEL_DEFAULT))
        else:
            hints.append(ColumnHint(column, None, NOT_EXPORTED))
    return hints


def hints_for_unused(headers: dict[str, str], domein: str) -> list[ColumnHint]:
    """Delivered headers that are not in the gegevenswoordenboek but resemble an optional column
    that is absent: the data would be silently ignored, so the report asks."""
    columns = delivered_columns(domein)
    absent = [column for column in columns if column not in headers]
    hints = []
    for column, header in headers.items():
        if column in columns:
            continue
        scored = sorted(((_score(header, candidate), candidate) for candidate in absent), reverse=True)
        if scored and scored[0][0] >= 0.8:
            hints.append(ColumnHint(scored[0][1], header, _cause(header, scored[0][1])))
            absent.remove(scored[0][1])
    return hints


def unused_columns(headers: dict[str, str], domein: str) -> list[str]:
    """Delivered headers the contract does not know: they are not used and never stored."""
    columns = delivered_columns(domein)
    return [header for column, header in headers.items() if column not in columns]
