"""Benchmark each gemeente against its peer groups: median, P25–P75, group value, rank, change.

Input is the *published* indicator table (after disclosure control, consenting gemeenten only)
and the peer groups (indicators.peers, built from the same gemeenten), so nothing here can reveal
a secret cell or a gemeente without consent: every statistic is a function of figures anyone can
already read, plus public CBS population figures. Rules a reader relies on:

- a gemeente is compared with its own comparison groups, whose members never include itself; the
  nederland group is the total of all participants and does include it;
- rates, not sizes: an indicator that is a count (instroom, uitstroom) is compared per 1.000
  inwoners (CBS KWB), so the benchmark row's `eenheid` is per_1000;
- a statistic over too few values says nothing: with fewer than MIN_FOR_BAND values no P25–P75,
  with fewer than MIN_FOR_COMPARISON no group statistic and no rank at all;
- the group value is pooled (sum of published tellers over sum of noemers), the way each
  gemeente's own rate is computed; a secret value counts for nobody.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from contracts.publish import BENCHMARK
from vocabulary.periode import register_macros
from vocabulary.reference import population

BENCHMARK_COLUMNS = list(BENCHMARK.kolomnamen)
MIN_FOR_BAND = 5  # P25 and P75 need at least this many values in the group
MIN_FOR_COMPARISON = 2  # a group of one value is not a comparison


BENCHMARK_SQL = """
WITH gemeente_cijfers AS (
    -- one published figure per gemeente; a count becomes a rate per 1.000 inwoners
    SELECT c.indicator_id, c.periode, c.gemeente_code, c.regio_naam,
           CASE WHEN c.eenheid = 'aantal' THEN 'per_1000' ELSE c.eenheid END AS eenheid,
           c.teller,
           CASE WHEN c.eenheid = 'aantal' THEN i.inwoners ELSE c.noemer END AS noemer,
           CASE WHEN c.geheim THEN NULL
                WHEN c.eenheid = 'aantal' THEN round(c.teller / i.inwoners * 1000, 1)
                ELSE c.waarde END AS waarde
    FROM cells c LEFT JOIN inwoners i USING (gemeente_code)
    WHERE c.regio_niveau = 'gemeente' AND (c.eenheid <> 'aantal' OR i.inwoners > 0)
),
vergelijkingen AS (
    -- which groups each gemeente is compared with: its own groups, and the nederland group it is in
    SELECT DISTINCT voor_gemeente_code AS gemeente_code, groep_code, groep_soort, groep_naam
    FROM groups WHERE voor_gemeente_code IS NOT NULL
    UNION
    SELECT DISTINCT gemeente_code, groep_code, groep_soort, groep_naam
    FROM groups WHERE voor_gemeente_code IS NULL
),
leden AS (
    SELECT c.*, g.groep_code FROM gemeente_cijfers c JOIN groups g USING (gemeente_code)
),
groepscijfers AS (
    SELECT indicator_id, periode, groep_code, any_value(eenheid) AS eenheid,
           count(waarde) AS groep_aantal,
           median(waarde) AS groep_mediaan,
           quantile_cont(waarde, 0.25) AS groep_p25,
           quantile_cont(waarde, 0.75) AS groep_p75,
           sum(teller) FILTER (WHERE waarde IS NOT NULL AND teller IS NOT NULL AND noemer IS NOT NULL) AS som_teller,
           sum(noemer) FILTER (WHERE waarde IS NOT NULL AND teller IS NOT NULL AND noemer IS NOT NULL) AS som_noemer
    FROM leden GROUP BY ALL
),
eigen AS (
    SELECT c.*, v.groep_code, v.groep_soort, v.groep_naam
    FROM gemeente_cijfers c JOIN vergelijkingen v USING (gemeente_code)
),
hoger AS (
    -- members of the group (never the gemeente itself) with a higher published value
    SELECT e.indicator_id, e.periode, e.gemeente_code, e.groep_code, count(l.waarde) AS aantal
    FROM eigen e
    JOIN leden l ON l.indicator_id = e.indicator_id AND l.periode = e.periode AND l.groep_code = e.groep_code
                AND l.gemeente_code <> e.gemeente_code AND l.waarde > e.waarde
    GROUP BY ALL
),
vorige AS (
    SELECT indicator_id, periode, gemeente_code, waarde FROM gemeente_cijfers
)
SELECT e.indicator_id, e.periode, e.gemeente_code, e.regio_naam, e.eenheid, e.groep_soort, e.groep_code, e.groep_naam,
       e.waarde,
       CASE WHEN s.groep_aantal >= $vergelijking THEN round(s.groep_mediaan, 1) END AS groep_mediaan,
       CASE WHEN s.groep_aantal >= $band THEN round(s.groep_p25, 1) END AS groep_p25,
       CASE WHEN s.groep_aantal >= $band THEN round(s.groep_p75, 1) END AS groep_p75,
       CASE WHEN s.groep_aantal >= $vergelijking AND s.eenheid IN ('pct', 'per_1000') AND s.som_noemer > 0
            THEN round(s.som_teller / s.som_noemer * CASE s.eenheid WHEN 'pct' THEN 100 ELSE 1000 END, 1)
       END AS groep_waarde,
       coalesce(s.groep_aantal, 0) AS groep_aantal,
       CASE WHEN e.waarde IS NOT NULL AND s.groep_aantal >= $vergelijking THEN 1 + coalesce(h.aantal, 0) END AS rang,
       vorige_periode(e.periode) AS vorige_periode,
       round(e.waarde - v.waarde, 1) AS verandering
FROM eigen e
LEFT JOIN groepscijfers s USING (indicator_id, periode, groep_code)
LEFT JOIN hoger h USING (indicator_id, periode, gemeente_code, groep_code)
LEFT JOIN vorige v ON v.indicator_id = e.indicator_id AND v.periode = vorige_periode(e.periode) AND v.gemeente_code = e.gemeente_code
ORDER BY e.indicator_id, e.periode, e.gemeente_code, e.groep_soort, e.groep_code
"""


def benchmark(indicatoren: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator × periode × published gemeente × group it is compared with (BENCHMARK_COLUMNS).

    `groups`: publish.peergroepen (indicators.peers.peer_groups) of the gemeenten in `indicatoren`.
    """
    if indicatoren.empty or groups.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in BENCHMARK_COLUMNS})
    cells = indicatoren[["indicator_id", "periode", "gemeente_code", "regio_niveau", "regio_naam", "eenheid", "geheim"]].copy()
    for column in ("teller", "noemer", "waarde"):
        cells[column] = pd.to_numeric(indicatoren[column], errors="coerce").astype("float64")
    cells["geheim"] = cells["geheim"].astype(bool)
    inwoners = population().query("regio_niveau == 'gemeente'")[["gemeente_code", "inwoners"]]
    con = duckdb.connect()
    try:
        register_macros(con)
        con.register("cells", cells)
        con.register("groups", groups)
        con.register("inwoners", inwoners)
        frame = con.execute(BENCHMARK_SQL, {"band": MIN_FOR_BAND, "vergelijking": MIN_FOR_COMPARISON}).df()
    finally:
        con.close()
    frame["rang"] = frame["rang"].astype("Int64")
    frame["groep_aantal"] = frame["groep_aantal"].astype("int64")
    return frame[BENCHMARK_COLUMNS]
