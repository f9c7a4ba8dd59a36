"""Benchmark each gemeente against its peer groups: median, P25–P75, group value, rank, change.

Input is the *published* indicator table (after disclosure control, consenting gemeenten only),
so nothing here can reveal a secret cell or a gemeente without consent: every statistic is a
function of figures anyone can already read. The group value is pooled (sum of published tellers
over sum of published noemers), the way each gemeente's own rate is computed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.catalogue import UNITS
from indicators.peers import groups_of

BENCHMARK_COLUMNS = [
    "indicator_id", "periode", "gemeente_code", "regio_naam", "eenheid", "groep_soort", "groep_code", "groep_naam",
    "waarde", "groep_mediaan", "groep_p25", "groep_p75", "groep_waarde", "groep_aantal", "rang", "vorige_periode",
    "verandering",
]  # fmt: skip


def previous_periode(periode: str) -> str:
    """2025-H1 → 2024-H2, 2024-H2 → 2024-H1, 2025 → 2024."""
    if "-H" not in periode:
        return str(int(periode) - 1)
    year, half = int(periode[:4]), int(periode[-1])
    return f"{year - 1}-H2" if half == 1 else f"{year}-H1"


def _pooled(rows: pd.DataFrame, eenheid: str) -> float:
    usable = rows.dropna(subset=["teller"])
    if eenheid == "aantal":
        return float(usable["teller"].sum()) if len(usable) else np.nan
    if eenheid not in ("pct", "per_1000"):
        return np.nan  # medians do not pool
    usable = usable.dropna(subset=["noemer"])
    if usable.empty or usable["noemer"].sum() <= 0:
        return np.nan
    return round(float(usable["teller"].sum() / usable["noemer"].sum() * UNITS[eenheid][1]), 1)


def benchmark(indicatoren: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator × periode × published gemeente × peer group (BENCHMARK_COLUMNS)."""
    rows = indicatoren[indicatoren["regio_niveau"] == "gemeente"].copy()
    if rows.empty:
        return pd.DataFrame(columns=BENCHMARK_COLUMNS)
    for column in ("teller", "noemer", "waarde"):
        rows[column] = pd.to_numeric(rows[column], errors="coerce").astype("float64")
    rows.loc[rows["geheim"].astype(bool), "waarde"] = np.nan
    published = set(rows["gemeente_code"])
    members = groups[groups["gemeente_code"].isin(published)]
    value = rows.set_index(["indicator_id", "periode", "gemeente_code"])["waarde"]

    out = []
    for (indicator_id, periode), cells in rows.groupby(["indicator_id", "periode"], sort=True):
        eenheid = str(cells["eenheid"].iloc[0])
        by_code = cells.set_index("gemeente_code")
        stats: dict[str, tuple] = {}
        for group_code, group in members.groupby("groep_code"):
            inside = by_code.reindex(sorted(set(group["gemeente_code"]) & set(by_code.index)))
            values = inside["waarde"].dropna()
            stats[group_code] = (
                float(values.median()) if len(values) else np.nan,
                float(values.quantile(0.25)) if len(values) else np.nan,
                float(values.quantile(0.75)) if len(values) else np.nan,
                _pooled(inside[inside["waarde"].notna()], eenheid),
                int(len(values)),
                values.rank(ascending=False, method="min"),
            )
        previous = previous_periode(periode)
        for code, cell in by_code.iterrows():
            before = value.get((indicator_id, previous, code), np.nan)
            for group in groups_of(members, code).itertuples(index=False):
                median, p25, p75, pooled, count, ranks = stats[group.groep_code]
                out.append(
                    {
                        "indicator_id": indicator_id, "periode": periode, "gemeente_code": code,
                        "regio_naam": cell["regio_naam"], "eenheid": eenheid, "groep_soort": group.groep_soort,
                        "groep_code": group.groep_code, "groep_naam": group.groep_naam, "waarde": cell["waarde"],
                        "groep_mediaan": round(median, 1) if median == median else np.nan,
                        "groep_p25": round(p25, 1) if p25 == p25 else np.nan,
                        "groep_p75": round(p75, 1) if p75 == p75 else np.nan,
                        "groep_waarde": pooled, "groep_aantal": count,
                        "rang": ranks.get(code, np.nan), "vorige_periode": previous,
                        "verandering": round(cell["waarde"] - before, 1) if cell["waarde"] == cell["waarde"] and before == before else np.nan,
                    }
                )  # fmt: skip
    frame = pd.DataFrame(out, columns=BENCHMARK_COLUMNS)
    frame["rang"] = frame["rang"].astype("Int64")
    return frame
