"""Re-verify disclosure rules on the final published table (run by a blocking asset check)."""

from __future__ import annotations

import pandas as pd

from clearinghouse.disclosure import ROUNDING_BASE, additive_groups
from indicators.catalogus import load_catalogue


def disclosure_violations(published: pd.DataFrame, catalogue=None) -> list[str]:
    """Human-readable violations; empty when the table obeys the primary and secondary rules."""
    problems: list[str] = []
    teller = published["teller"].dropna().astype("int64")
    if (teller % ROUNDING_BASE != 0).any():
        problems.append(f"{int((teller % ROUNDING_BASE != 0).sum())} tellers zijn geen veelvoud van {ROUNDING_BASE}")
    if (teller < ROUNDING_BASE).any():
        problems.append(f"{int((teller < ROUNDING_BASE).sum())} tellers zijn kleiner dan {ROUNDING_BASE} maar niet geheim")
    shown = published["waarde"].notna()
    if (shown & published["geheim"]).any() or (~shown & ~published["geheim"]).any():
        problems.append("waarde en geheim-vlag spreken elkaar tegen")
    median = published["eenheid"] == "dagen" if "eenheid" in published else pd.Series(False, index=published.index)
    if (shown & published["teller"].isna() & ~median).any():
        problems.append("een waarde is gepubliceerd terwijl de teller geheim is")
    if (median & shown & (published["noemer"].isna() | (published["noemer"] < 20))).any():
        problems.append("een mediaan is gepubliceerd over minder dan 20 trajecten")
    return problems
    catalogue = load_catalogue() if catalogue is None else catalogue
    minimum = {i.id: i.min_noemer for i in catalogue}
    rates = published["eenheid"].isin(["pct", "per_1000"]) & shown
    tiny = rates & (published["noemer"] < published["indicator_id"].map(minimum).fillna(0))
    if tiny.any():
        problems.append(f"{int(tiny.sum())} waarden gepubliceerd op een te kleine noemer")
    table = published.reset_index(drop=True)
    lone = [index for index in additive_groups(table, {i.id: i.reeks for i in catalogue if i.optelbaar})
            if int(table.loc[index, "geheim"].astype(bool).sum()) == 1]
    if lone:
        first = table.loc[lone[0][0]]
        problems.append(
            f"{len(lone)} groepen met precies één geheim detail (terug te rekenen uit het totaal), "
            f"bijv. {first['indicator_id']} {first['periode']} {first['gemeente_code']}"
        )
    return problems
