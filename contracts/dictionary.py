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
from contracts.delivery import CONTRACTS, FACULTATIEF
from contracts.regels import FILE_RULES, UNKNOWN_COLUMN_RULE, Regel, rules
from vocabulary.codes import LABELLED_CODES, LABELS, LEEFTIJD_GRENZEN
from vocabulary.oordelen import FOUT

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
    "of meer dan 5 % van de regels heeft een fout: niets wordt gebruikt en de vorige goedgekeurde levering blijft gelden), "
    "**goedgekeurd met afwijkingen** (de regels zonder fout worden gebruikt; elke afgekeurde regel staat in het rapport) of "
    "**goedgekeurd**."
)
SEVERITIES = (
    "Elke regel heeft een ernst. Een **fout** keurt de regel af: die telt niet mee, en telt mee voor de 5 %-grens. "
    "Bij een **waarschuwing** telt de regel wel mee, maar de waarde telt als onbekend (bij een onjuiste postcode: het "
    "adres is onbekend, de regel telt mee voor de gemeente en niet voor een wijk); waarschuwingen tellen niet mee voor "
    "de 5 %-grens. Een bestand met alleen waarschuwingen is goedgekeurd; het rapport noemt elke waarschuwing."
)


@dataclass(frozen=True)
class Column:
    naam: str
    verplicht: bool
    gegevensset: str  # basis | facultatief
    omschrijving: str
    ernst: str = FOUT  # severity of every rule on the column


@dataclass(frozen=True)
class Domein:
    naam: str
    omschrijving: str
    kolommen: tuple[Column, ...]
    regels: tuple[str, ...]  # the rules over several columns, in words, with their severity
    alle_regels: tuple[Regel, ...] = ()  # every rule: name, columns, severity, what is wrong, what is expected


def _cross_column_rules(domein: str) -> tuple[str, ...]:
    return tuple(sorted(f"**{rule.ernst}**: {rule.omschrijving}" for rule in rules(domein) if rule.soort == "samenhang"))


def sections() -> list[Domein]:
    """One section per domein: every delivered column with its rule, and the cross-column rules."""
    out = []
    for domein, model in CONTRACTS.items():
        schema = model.to_schema()
        columns = tuple(
            Column(name, bool(column.required), "facultatief" if name in FACULTATIEF else "basis",
                   (column.description or "").replace("\n", " "), (column.metadata or {}).get("ernst", FOUT))
            for name, column in schema.columns.items()
            if not name.startswith("_")
        )  # fmt: skip
        low, high = LEEFTIJD_GRENZEN[domein]
        description = (model.__doc__ or "").strip() + f" Leeftijd aan het einde van de periode: {low}–{high} jaar."
        out.append(Domein(domein, description, columns, _cross_column_rules(domein), rules(domein)))
    return out


def code_lists() -> list[tuple[str, list[tuple[str, str]]]]:
    """(list name, [(code, Dutch meaning), …]) for every code list in the contracts."""
    return [(name, [(code, LABELS[name][code]) for code in codes]) for name, codes in LABELLED_CODES.items()]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown() -> str:
    lines = [f"# Gegevenswoordenboek — versie {CONTRACT_VERSION}", "", INTRO, "", FILES, "", VERDICTS, "", SEVERITIES, ""]
    lines += ["## Een heel bestand afgekeurd", "", "Deze redenen keuren het hele bestand af (ernst **fout**):", ""]
    lines += [f"- `{name}`: {text}" for name, text in FILE_RULES.items()]
    lines += ["", f"Een kolom die niet in dit woordenboek staat, wordt niet gebruikt en niet bewaard; lijkt zij op een "
              f"ontbrekende kolom, dan meldt het rapport een waarschuwing (`{UNKNOWN_COLUMN_RULE}`).", ""]
    for domein in sections():
        lines += [f"## Domein {domein.naam}", "", domein.omschrijving, ""]
        lines += ["| kolom | verplicht | gegevensset | ernst | omschrijving |", "|---|---|---|---|---|"]
        for column in domein.kolommen:
            lines.append(
                f"| `{column.naam}` | {'ja' if column.verplicht else 'nee'} | {column.gegevensset} | {column.ernst} | {_cell(column.omschrijving)} |"
            )
        lines += ["", f"### Regels voor {domein.naam}", "", "| regel | kolom(men) | ernst | wat er mis is | verwacht |", "|---|---|---|---|---|"]
        for rule in domein.alle_regels:
            columns = ", ".join(f"`{c}`" for c in rule.kolommen if not c.startswith("_"))
            lines.append(f"| `{rule.naam}` | {columns} | {rule.ernst} | {_cell(rule.melding())} | {_cell(rule.verwacht)} |")
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
