"""Generate documentation from declarations: the definitions and table descriptions readers rely on.

- `docs/indicatoren.md` from the indicator catalogue (what the SQL computes);
- the table section of `docs/analysts.md` (between two markers) from contracts.publish (what the
  warehouse writes). The rest of that guide is written by hand.

Like the gegevenswoordenboek, the text is produced from the declarations the code runs on, so it
cannot drift (tests/unit/test_catalogus.py and test_publish_contract.py keep both current).
Regenerate with `uv run python -m indicators.documentation`.
"""

from __future__ import annotations

from pathlib import Path

from contracts.publish import TABLES, TYPE_NAMEN
from indicators.catalogus import RICHTING_TEKST, UNITS, load_catalogue

DOCS = Path(__file__).resolve().parent.parent / "docs"
DOC_PATH = DOCS / "indicatoren.md"
ANALYSTS_PATH = DOCS / "analysts.md"
BEGIN = "<!-- tabellen: gegenereerd uit contracts/publish.py, niet met de hand bewerken -->"
END = "<!-- einde tabellen -->"
DOMEIN_TITELS = {"jeugd": "Jeugd", "wmo": "Wmo", "participatie": "Participatie", "integraal": "Integraal (stapeling)"}


def formula(indicator) -> str:
    if indicator.eenheid == "dagen":
        return f"mediaan van: {indicator.teller.omschrijving.lower()}"
    if indicator.noemer is None:
        return indicator.teller.omschrijving
    factor = {"pct": " × 100", "per_1000": " × 1.000"}.get(indicator.eenheid, "")
    return f"{indicator.teller.omschrijving} / {indicator.noemer.omschrijving.lower()}{factor}"


def render_markdown() -> str:
    catalogue = load_catalogue()
    lines = [
        "# Indicatoren",
        "",
        "Gegenereerd uit `indicators/catalogus.yaml`: elke indicator is één declaratie, en de SQL in "
        "`indicators/compute.py` rekent precies deze definities uit. Telregels: een persoon telt mee in een periode "
        "als een van zijn trajecten de periode overlapt; een jaarcijfer telt unieke personen over het jaar; leeftijd "
        "aan het einde van de periode. Bevolking per leeftijdsgroep in een wijk is geschat uit het aantal inwoners "
        "van de wijk en de landelijke leeftijdsverdeling (zie `data/reference/README.md`).",
        "",
    ]
    for domein, titel in DOMEIN_TITELS.items():
        members = [i for i in catalogue if i.domein == domein]
        if not members:
            continue
        lines += [
            f"## {titel}", "",
            "| id | titel | berekening | eenheid | richting | niveaus | gegevensset | VISD-matrix | geheimhouding |",
            "|---|---|---|---|---|---|---|---|---|",
        ]  # fmt: skip
        for i in members:
            cells = [f"`{i.id}`", i.titel, formula(i), UNITS[i.eenheid][0], RICHTING_TEKST[i.richting],
                     ", ".join(i.niveaus) + ", vergelijkingsgroepen", i.gegevensset, i.matrixcel, i.geheimhouding]
            lines.append(_row(cells))
        lines.append("")
    lines += ["## Kanttekeningen", "", "| indicator | periode | soort | kanttekening |", "|---|---|---|---|"]
    for i in catalogue:
        for k in i.kanttekeningen:
            lines.append(_row([f"`{i.id}`", k.periode or "alle", k.soort, k.tekst]))
    lines.append("")
    return "\n".join(lines)


def _row(cells: list) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def tables_markdown() -> str:
    """The table section of docs/analysts.md: every published table with its columns."""
    lines = [BEGIN, ""]
    for table in TABLES.values():
        lines += [f"### `{table.naam}`", "", table.omschrijving, "", f"Eén rij per {', '.join(f'`{k}`' for k in table.sleutel)}.", ""]
        lines += ["| kolom | type | betekenis |", "|---|---|---|"]
        for kolom in table.kolommen:
            soort = TYPE_NAMEN[kolom.type] + (", altijd gevuld" if kolom.verplicht else "")
            lines.append(_row([f"`{kolom.naam}`", soort, kolom.toelichting]))
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def analysts_markdown(current: str) -> str:
    """docs/analysts.md with its table section replaced by the generated one."""
    if BEGIN not in current or END not in current:
        raise ValueError(f"{ANALYSTS_PATH.name} mist de markeringen {BEGIN!r} en {END!r}")
    before, rest = current.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    return before + tables_markdown() + after


def write(path: Path = DOC_PATH, analysts: Path = ANALYSTS_PATH) -> list[Path]:
    path.write_text(render_markdown(), encoding="utf-8")
    analysts.write_text(analysts_markdown(analysts.read_text(encoding="utf-8")), encoding="utf-8")
    return [path, analysts]


if __name__ == "__main__":
    for written in write():
        print(written)
