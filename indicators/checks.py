"""Re-verify disclosure rules on the final published table (run by a blocking asset check)."""

from __future__ import annotations

import pandas as pd

from clearinghouse.disclosure import ROUNDING_BASE


def disclosure_violations(published: pd.DataFrame) -> list[str]:
    """Human-readable violations; empty when the table obeys the primary rules."""
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
