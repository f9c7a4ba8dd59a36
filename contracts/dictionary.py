"""Generate the gegevenswoordenboek (data dictionary) from the contracts.

The text gemeenten read is produced from the same pandera models and code lists that validate their
files, so the two cannot drift apart. `sections()` is the structured form; `render_markdown()` writes
`docs/gegevenswoordenboek.md` (kept up to date by `tests/unit/test_dictionary.py`) and the site
renders the same structure as `gegevenswoordenboek.html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contracts import CONTRACT_VERSION
from vocabulary.codes import LABELLED_CODES, LABELS, LEEFTIJD_GRENZEN
from contracts.delivery import CONTRACTS, FACULTATIEF

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "gegevenswoordenboek.md"

INTRO = (
    "Dit document is gegenereerd uit de controles die de clearinghouse uitvoert (`contracts/`). "
    "Wat hier staat, is precies wat er gecontroleerd wordt."
)
FILES = (
    "Kolomnamen mogen in hoofd- of kleine letters en met spaties eromheen. Bestanden: CSV (`,` of `;`, "
    "UTF-8 met of zonder BOM, of Windows-1252), XLSX (eerste tabblad) of Parquet. Per domein één bestand, "
    "met een manifest (`gemeentecode`, `periode`, `bestanden`, `publicatie_basis`, `publicatie_facultatief`)."
)
VERDICTS = (
    "Oordeel per bestand: **afgekeurd** (onleesbaar, verkeerde gemeente of periode, verplichte kolom ontbreekt, "
    "of meer dan 5 % van de regels afgekeurd: niets wordt gebruikt en de vorige goedgekeurde levering blijft gelden), "
    "**goedgekeurd met afwijkingen** (de goede regels worden gebruikt; elke afgekeurde regel staat in het rapport) of "
    "**goedgekeurd**."
)


@dataclass(frozen=True)
class Column:
    naam: str
    verplicht: bool
    gegevensset: str  # basis | facultatief
    omschrijving: str


@dataclass(frozen=True)
class Domein:
    naam: str
    omschrijving: str
    kolommen: tuple[Column, ...]
    regels: tuple[str, ...]


def _rules(domein: str) -> tuple[str, ...]:
    schema = CONTRACTS[domein].to_schema()
    return tuple(sorted({str(check.error) for check in schema.checks if check.error}))


def sections() -> list[Domein]:
    """One section per domein: every delivered column with its rule, and the cross-column rules."""
    out = []
    for domein, model in CONTRACTS.items():
        schema = model.to_schema()
        columns = tuple(
            Column(name, bool(column.required), "facultatief" if name in FACULTATIEF else "basis", (column.description or "").replace("\n", " "))
            for name, column in schema.columns.items()
            if not name.startswith("_")
        )
        low, high = LEEFTIJD_GRENZEN[domein]
        rules = _rules(domein)
        out.append(Domein(domein, (model.__doc__ or "").strip() + f" Leeftijd aan het einde van de periode: {low}–{high} jaar.", columns, rules))
    return out


def code_lists() -> list[tuple[str, list[tuple[str, str]]]]:
    """(list name, [(code, Dutch meaning), …]) for every code list in the contracts."""
    return [(name, [(code, LABELS[name][code]) for code in codes]) for name, codes in LABELLED_CODES.items()]


def render_markdown() -> str:
    lines = [f"# Gegevenswoordenboek — versie {CONTRACT_VERSION}", "", INTRO, "", FILES, "", VERDICTS, ""]
    for domein in sections():
        lines += [f"## Domein {domein.naam}", "", domein.omschrijving, ""]
        lines += ["| kolom | verplicht | gegevensset | omschrijving en regel |", "|---|---|---|---|"]
        for column in domein.kolommen:
            description = column.omschrijving.replace("|", "\\|")
            lines.append(f"| `{column.naam}` | {'ja' if column.verplicht else 'nee'} | {column.gegevensset} | {description} |")
        lines += ["", "Een regel wordt ook afgekeurd als (regels over meerdere kolommen):", ""]
        lines += [f"- {rule}" for rule in domein.regels]
        lines.append("")
    lines += ["## Codelijsten", ""]
    for name, codes in code_lists():
        lines += [f"### {name}", "", "| code | betekenis |", "|---|---|"]
        lines += ["| `" + code.replace("|", "\\|") + f"` | {meaning} |" for code, meaning in codes]
        lines.append("")
    return "\n".join(lines)


def write(path: Path = DOC_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write())
