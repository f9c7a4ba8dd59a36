"""Re-verify the disclosure rules on a finished table of figures (run by a blocking asset check).

The rules are applied once, in clearinghouse.disclosure; this checks the outcome independently, so
a mistake there cannot reach a release unnoticed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from clearinghouse.disclosure import ROUNDING_BASE, lone_secrets
from indicators.catalogus import Indicator, load_catalogue
from indicators.concept import concept_part_keys, concept_periodes, read_concept
from indicators.versie import key_of
from vocabulary import files
from vocabulary.home import Home

MEDIAN_MIN_TRAJECTEN = 20


def disclosure_violations(published: pd.DataFrame, catalogue: tuple[Indicator, ...] | None = None) -> list[str]:
    """Human-readable violations; empty when the table obeys the primary and secondary rules."""
    if published.empty:
        return []
    catalogue = load_catalogue() if catalogue is None else catalogue
    problems: list[str] = []
    secret = published["geheim"].astype(bool)
    teller = published["teller"].dropna().astype("int64")
    if (teller % ROUNDING_BASE != 0).any():
        problems.append(f"{int((teller % ROUNDING_BASE != 0).sum())} tellers zijn geen veelvoud van {ROUNDING_BASE}")
    if (teller < ROUNDING_BASE).any():
        problems.append(f"{int((teller < ROUNDING_BASE).sum())} tellers zijn kleiner dan {ROUNDING_BASE} maar niet geheim")
    shown = published["waarde"].notna()
    if (shown & secret).any() or (~shown & ~secret).any():
        problems.append("waarde en geheim-vlag spreken elkaar tegen")
    median = published["eenheid"] == "dagen"
    if (shown & published["teller"].isna() & ~median).any():
        problems.append("een waarde is gepubliceerd terwijl de teller geheim is")
    if (median & shown & (published["noemer"].isna() | (published["noemer"] < MEDIAN_MIN_TRAJECTEN))).any():
        problems.append(f"een mediaan is gepubliceerd over minder dan {MEDIAN_MIN_TRAJECTEN} trajecten")
    minimum = {i.id: i.min_noemer for i in catalogue}
    rates = published["eenheid"].isin(["pct", "per_1000"]) & shown
    tiny = rates & (published["noemer"] < published["indicator_id"].map(minimum).fillna(0))
    if tiny.any():
        problems.append(f"{int(tiny.sum())} waarden gepubliceerd op een te kleine noemer")
    table = published.reset_index(drop=True)
    lone = lone_secrets(table, {i.id: i.reeks for i in catalogue if i.optelbaar})
    if lone.any():
        first = table[lone].iloc[0]
        problems.append(
            f"{int(lone.sum())} geheime cijfers zijn het enige geheim in hun groep (terug te rekenen uit het totaal), "
            f"bijv. {first['indicator_id']} {first['periode']} {first['regio_code']}"
        )
    return problems


def violations_per_periode(figures: Iterable[tuple[str, pd.DataFrame]], catalogue: tuple[Indicator, ...] | None = None) -> list[str]:
    """`disclosure_violations` of each periode's figures, each named with its periode. Every rule holds
    within a periode (groups are per indicator and periode), so a history is checked one periode at a
    time, in the memory of one (indicators.concept.concept_by_periode)."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    return [f"{periode}: {problem}" for periode, frame in figures for problem in disclosure_violations(frame, catalogue)]


def checks_folder(home: Home, check: str) -> Path:
    """The results of one check per periode, each named by the key of what it checked."""
    return home.concept / "controles" / check


def concept_violations(home: Home, catalogue: tuple[Indicator, ...] | None = None) -> list[str]:
    """`violations_per_periode` of the concept figures, reusing the result of a periode whose part
    (indicators.concept.build_concept) was checked before: its figures are the same, so are its
    violations. A re-delivery in a history of 19 periodes checks its own periode, not all of them.
    A concept file without the parts' keys (written otherwise) is checked whole."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    keys = concept_part_keys(home, "indicatoren")
    folder = checks_folder(home, "geheimhouding")
    used, found = set(), []
    for periode in concept_periodes(home):
        stored = folder / f"{periode}-{key_of('geheimhouding', repr(catalogue), keys[periode])}.json" if periode in keys else None
        if stored is not None and stored.is_file():
            problems = json.loads(stored.read_text(encoding="utf-8"))
        else:
            problems = disclosure_violations(read_concept(home, periode), catalogue)
            if stored is not None:
                files.write_text(stored, json.dumps(problems, ensure_ascii=False))
        if stored is not None:
            used.add(stored.name)
        found += [f"{periode}: {problem}" for problem in problems]
    if folder.is_dir():
        for path in folder.iterdir():  # results of parts no longer in the concept
            if path.name not in used:
                path.unlink(missing_ok=True)
    return found
