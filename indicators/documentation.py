"""Generate `docs/indicatoren.md` from the indicator catalogue: the definitions readers rely on.

Like the gegevenswoordenboek, the text is produced from the declarations the SQL runs on, so the
documentation cannot drift from the computation (`tests/unit/test_catalogue.py` keeps it current).
"""

from __future__ import annotations

from pathlib import Path

from indicators.catalogus import UNITS, load_catalogue

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "indicatoren.md"
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
        lines += [f"## {titel}", "", "| id | titel | berekening | eenheid | niveaus | gegevensset | VISD-matrix | geheimhouding |", "|---|---|---|---|---|---|---|---|"]
        for i in members:
            matrix = f"{i.matrix.get('domein', '')} × {i.matrix.get('functie', '')}" if i.matrix else ""
            cells = [f"`{i.id}`", i.titel, formula(i), UNITS[i.eenheid][0], ", ".join(i.niveaus) + ", vergelijkingsgroepen, Nederland",
                     i.gegevensset, matrix, i.geheimhouding]
            lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def write(path: Path = DOC_PATH) -> Path:
    path.write_text(render_markdown(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write())
