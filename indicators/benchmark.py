"""Benchmark each gemeente against its peer groups: median, P25–P75, group value, rank, change.

Input is the *published* indicator table (after disclosure control, consenting gemeenten only),
so nothing here can reveal a secret cell or a gemeente without consent: every statistic is a
function of figures anyone can already read. The group value is pooled (sum of published tellers
over sum of published noemers), the way each gemeente's own rate is computed.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from vocabulary.periode import register_macros

BENCHMARK_COLUMNS = [
    "indicator_id", "periode", "gemeente_code", "regio_naam", "eenheid", "groep_soort", "groep_code", "groep_naam",
    "waarde", "groep_mediaan", "groep_p25", "groep_p75", "groep_waarde", "groep_aantal", "rang", "vorige_periode",
    "verandering",
]  # fmt: skip


BENCHMARK_SQL = """
WITH g AS (
    SELECT indicator_id, periode, gemeente_code, regio_naam, eenheid, teller, noemer,
           CASE WHEN geheim THEN NULL ELSE waarde END AS waarde
    FROM cells WHERE regio_niveau = 'gemeente'
),
m AS (SELECT g.*, p.groep_soort, p.groep_code, p.groep_naam FROM g JOIN groups p USING (gemeente_code)),
stats AS (
    SELECT indicator_id, periode, groep_code, any_value(eenheid) AS eenheid,
           median(waarde) AS groep_mediaan,
           quantile_cont(waarde, 0.25) AS groep_p25,
           quantile_cont(waarde, 0.75) AS groep_p75,
           count(waarde) AS groep_aantal,
           sum(teller) FILTER (WHERE waarde IS NOT NULL AND teller IS NOT NULL) AS som_teller,
           sum(noemer) FILTER (WHERE waarde IS NOT NULL AND teller IS NOT NULL AND noemer IS NOT NULL) AS som_noemer
    FROM m GROUP BY ALL
),
ranked AS (
    SELECT *, CASE WHEN waarde IS NOT NULL
                   THEN rank() OVER (PARTITION BY indicator_id, periode, groep_code ORDER BY waarde DESC NULLS LAST) END AS rang,
           vorige_periode(periode) AS vorige_periode
    FROM m
)
SELECT r.indicator_id, r.periode, r.gemeente_code, r.regio_naam, r.eenheid, r.groep_soort, r.groep_code, r.groep_naam,
       r.waarde,
       round(s.groep_mediaan, 1) AS groep_mediaan, round(s.groep_p25, 1) AS groep_p25, round(s.groep_p75, 1) AS groep_p75,
       CASE WHEN s.eenheid = 'aantal' THEN s.som_teller
            WHEN s.eenheid IN ('pct', 'per_1000') AND s.som_noemer > 0
            THEN round(s.som_teller / s.som_noemer * CASE s.eenheid WHEN 'pct' THEN 100 ELSE 1000 END, 1)
       END AS groep_waarde,
       s.groep_aantal, r.rang, r.vorige_periode,
       round(r.waarde - prev.waarde, 1) AS verandering
FROM ranked r
JOIN stats s USING (indicator_id, periode, groep_code)
LEFT JOIN g prev ON prev.indicator_id = r.indicator_id AND prev.periode = r.vorige_periode AND prev.gemeente_code = r.gemeente_code
WHERE r.groep_soort <> 'vergelijkbaar' OR r.groep_code = 'VG-' || r.gemeente_code
ORDER BY r.indicator_id, r.periode, r.gemeente_code, r.groep_soort
"""


def benchmark(indicatoren: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator × periode × published gemeente × peer group (BENCHMARK_COLUMNS).

    Only published gemeenten take part (the table holds nothing else), and a secret value counts
    for nobody: it is left out of the median, the percentiles, the pooled group value and the rank.
    """
    if indicatoren.empty:
        return pd.DataFrame(columns=BENCHMARK_COLUMNS)
    cells = indicatoren.copy()
    for column in ("teller", "noemer", "waarde"):
        cells[column] = pd.to_numeric(cells[column], errors="coerce").astype("float64")
    cells["geheim"] = cells["geheim"].astype(bool)
    con = duckdb.connect()
    register_macros(con)
    con.register("cells", cells)
    con.register("groups", groups)
    frame = con.execute(BENCHMARK_SQL).df()
    frame["rang"] = frame["rang"].astype("Int64")
    frame["groep_aantal"] = frame["groep_aantal"].astype("int64")
    return frame[BENCHMARK_COLUMNS]
