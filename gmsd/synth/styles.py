"""How each gemeente exports and what it consents to: the variety the intake must survive.

Real case systems write their files differently: `,` or `;`, UTF-8 with or without BOM or
Windows-1252, dates as `JJJJMMDD`, `JJJJ-MM-DD` or `DD-MM-JJJJ`, upper-case or spaced headers,
Parquet from the larger gemeenten, XLSX from a spreadsheet, and a Dutch Excel export that drops a
BSN's leading zero and writes a decimal comma. Every choice is a rule on the gemeente's place in
the national list (vocabulary.reference.gemeenten) and its size, so a gemeente always exports the
same way, alone or in a national round. The rules were chosen so the 15 gemeenten of the
committed sample keep the styles they had (Aalten the Dutch Excel export, Ameland XLSX).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

FORMATS = ("gemengd", "csv", "parquet")

OPTIONAL_COLUMNS = ("huisnummer", "herkomst", "aanbieder_naam", "datum_aanvraag", "reden_einde", "iq_indicatie")
FACULTATIEF_SETS = (
    ("resultaat", "zrm_start", "zrm_einde", "clientervaring"),
    ("kosten_euro", "intensiteit_uren_week", "erkende_interventie", "resultaat"),
    (),
)

# Every 50th gemeente of the national list gives no consent: from Aalten (number 2) for
# publication at all, from Alkmaar (number 6) for the facultatieve gegevens it does deliver.
CONSENT_EVERY = 50
NO_CONSENT_AT = 2
NO_CONSENT_FACULTATIEF_AT = 6
# Every 20th gemeente from Aalten exports from Dutch Excel; gemeenten under 10,000 inwoners from
# a spreadsheet (XLSX); those of 70,000 or more from a data platform (Parquet).
DUTCH_EXCEL_EVERY, DUTCH_EXCEL_AT = 20, 2
XLSX_BELOW = 10_000
PARQUET_FROM = 70_000


@dataclass(frozen=True)
class ExportStyle:
    """How one gemeente's case system writes its files."""

    extension: str = "csv"  # csv | xlsx | parquet
    sep: str = ","
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1252
    date_format: str = "%Y%m%d"
    excel_numbers: bool = False  # BSN written as a number (leading zero lost), decimal comma
    header_style: str = "lower"  # lower | upper | title-spaced
    postcode_style: str = "plain"  # plain | spaced-lower
    optional: tuple[str, ...] = ()  # optional basisset columns delivered
    facultatief: tuple[str, ...] = ()  # facultatieve columns delivered
    dirt: float = 0.0  # share of rows with a rule violation


@dataclass(frozen=True)
class Consent:
    """The manifest's consent: publish at all (`publicatie_basis`), and the facultatieve gegevens."""

    basis: bool
    facultatief: bool


def consent(index: int) -> Consent:
    """The consent of the gemeente at `index` in the national list."""
    basis = index % CONSENT_EVERY != NO_CONSENT_AT
    return Consent(basis=basis, facultatief=basis and index % CONSENT_EVERY != NO_CONSENT_FACULTATIEF_AT)


def export_style(index: int, inwoners: int, formaat: str) -> ExportStyle:
    """The style of the gemeente at `index` in the national list; `formaat` csv or parquet overrides."""
    optional = tuple(col for i, col in enumerate(OPTIONAL_COLUMNS) if (index + i) % 4 != 0 or col == "huisnummer")
    facultatief = FACULTATIEF_SETS[index % 3]
    if not consent(index).facultatief and consent(index).basis and not facultatief:
        facultatief = ("resultaat", "kosten_euro")  # delivers facultatieve gegevens it does not publish
    dirt = 0.003 if index % 2 == 0 else 0.0
    base = ExportStyle(optional=optional, facultatief=facultatief, dirt=dirt)
    if formaat == "csv":
        return base
    if formaat == "parquet":
        return replace(base, extension="parquet")
    if index % DUTCH_EXCEL_EVERY == DUTCH_EXCEL_AT:  # Dutch Excel: ; cp1252 DD-MM-JJJJ, numbers as numbers
        return replace(base, sep=";", encoding="cp1252", date_format="%d-%m-%Y", excel_numbers=True, header_style="title-spaced")
    if inwoners < XLSX_BELOW:
        return replace(base, extension="xlsx", date_format="%Y-%m-%d")
    if inwoners >= PARQUET_FROM:
        return replace(base, extension="parquet", date_format="%Y-%m-%d")
    if index % 3 == 1:
        return replace(base, sep=";", encoding="utf-8-sig", date_format="%Y-%m-%d", header_style="upper", postcode_style="spaced-lower")
    return base
