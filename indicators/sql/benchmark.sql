-- Each published gemeente figure beside the groups it is compared with (publish.benchmark).
-- Parameters: $band (values a P25–P75 band needs), $vergelijking (values a group figure needs),
-- $periodes (the periodes to compare; `cells` also holds their previous periodes, for the change).
WITH gemeente_cijfers AS MATERIALIZED (
    -- one published figure per gemeente; a count becomes a rate per 1.000 inwoners;
    -- cel numbers each (indicator, periode) so the work below sorts and joins on numbers
    SELECT c.indicator_id, c.periode, dense_rank() OVER (ORDER BY c.indicator_id, c.periode) AS cel,
           c.gemeente_code, c.regio_naam,
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
    -- who is compared with which group: the gemeente a group is for (without itself), or every
    -- member of a group that is for everyone (nederland, itself included)
    SELECT DISTINCT voor_gemeente_code AS gemeente_code, groep_code, groep_soort, groep_naam, true AS zonder_zelf
    FROM groups WHERE voor_gemeente_code IS NOT NULL
    UNION ALL
    SELECT gemeente_code, groep_code, groep_soort, groep_naam, false FROM groups WHERE voor_gemeente_code IS NULL
),
volledig AS (
    -- a group together with the gemeente it is for: the same set for every gemeente of a provincie
    -- or size class, so the figures are computed once per set, not once per gemeente
    SELECT groep_code, gemeente_code FROM groups
    UNION
    SELECT groep_code, voor_gemeente_code FROM groups WHERE voor_gemeente_code IS NOT NULL
),
sets AS (
    SELECT groep_code, dense_rank() OVER (ORDER BY leden) AS set_nr
    FROM (SELECT groep_code, string_agg(gemeente_code, ',' ORDER BY gemeente_code) AS leden FROM volledig GROUP BY ALL)
),
set_leden AS (
    SELECT DISTINCT s.set_nr, v.gemeente_code FROM sets s JOIN volledig v USING (groep_code)
),
waarden AS MATERIALIZED (
    -- the published values of each set in order (positie 1 = lowest) and how many are at most this high
    SELECT l.set_nr, c.cel, c.gemeente_code, c.waarde,
           CASE WHEN c.teller IS NOT NULL AND c.noemer IS NOT NULL THEN c.teller END AS pool_teller,
           CASE WHEN c.teller IS NOT NULL AND c.noemer IS NOT NULL THEN c.noemer END AS pool_noemer,
           row_number() OVER w AS positie,
           count(*) OVER (w RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS niet_hoger
    FROM set_leden l JOIN gemeente_cijfers c USING (gemeente_code)
    WHERE c.waarde IS NOT NULL AND list_contains($periodes, c.periode)
    WINDOW w AS (PARTITION BY l.set_nr, c.cel ORDER BY c.waarde)
),
set_cijfers AS (
    SELECT set_nr, cel, count(*) AS n, sum(pool_teller) AS som_teller, sum(pool_noemer) AS som_noemer
    FROM waarden GROUP BY ALL
),
eigen AS MATERIALIZED (
    -- each gemeente beside each of its groups; `uit`: its own value is in the set and must be left out
    SELECT row_number() OVER () AS rij, c.indicator_id, c.periode, c.gemeente_code, c.regio_naam, c.eenheid, c.waarde,
           v.groep_code, v.groep_soort, v.groep_naam, s.set_nr, c.cel,
           w.positie AS eigen_positie,
           n.n - w.niet_hoger + 1 AS eigen_rang,  -- 1 + the values above it, which are all others'
           v.zonder_zelf AND w.positie IS NOT NULL AS uit,
           coalesce(n.n, 0) - CASE WHEN v.zonder_zelf AND w.positie IS NOT NULL THEN 1 ELSE 0 END AS groep_aantal,
           n.som_teller - CASE WHEN v.zonder_zelf THEN coalesce(w.pool_teller, 0) ELSE 0 END AS som_teller,
           n.som_noemer - CASE WHEN v.zonder_zelf THEN coalesce(w.pool_noemer, 0) ELSE 0 END AS som_noemer
    FROM gemeente_cijfers c
    JOIN vergelijkingen v USING (gemeente_code)
    JOIN sets s USING (groep_code)
    LEFT JOIN set_cijfers n ON n.set_nr = s.set_nr AND n.cel = c.cel
    LEFT JOIN waarden w ON w.set_nr = s.set_nr AND w.cel = c.cel AND w.gemeente_code = c.gemeente_code
    WHERE list_contains($periodes, c.periode)
),
posities AS (
    -- quantiles as DuckDB's quantile_cont computes them over the group's values: at (m - 1) × q,
    -- between the values below and above; a position at or after the gemeente's own skips it
    SELECT e.rij, e.set_nr, e.cel, e.uit, e.eigen_positie, q.kwantiel,
           (e.groep_aantal - 1) * q.kwantiel AS h,
           CAST(floor((e.groep_aantal - 1) * q.kwantiel) AS BIGINT) AS laag,
           CAST(ceil((e.groep_aantal - 1) * q.kwantiel) AS BIGINT) AS hoog
    FROM eigen e, (VALUES (0.25), (0.5), (0.75)) q(kwantiel)
    WHERE e.groep_aantal >= 1
),
kwantielen AS (
    SELECT p.rij, p.kwantiel,
           any_value(lo.waarde) + (any_value(p.h) - any_value(p.laag)) * (any_value(hi.waarde) - any_value(lo.waarde)) AS waarde
    FROM posities p
    JOIN waarden lo ON lo.set_nr = p.set_nr AND lo.cel = p.cel
                   AND lo.positie = p.laag + 1 + CASE WHEN p.uit AND p.laag + 1 >= p.eigen_positie THEN 1 ELSE 0 END
    JOIN waarden hi ON hi.set_nr = p.set_nr AND hi.cel = p.cel
                   AND hi.positie = p.hoog + 1 + CASE WHEN p.uit AND p.hoog + 1 >= p.eigen_positie THEN 1 ELSE 0 END
    GROUP BY ALL
),
groepscijfers AS (
    SELECT rij,
           any_value(waarde) FILTER (WHERE kwantiel = 0.25) AS p25,
           any_value(waarde) FILTER (WHERE kwantiel = 0.5) AS mediaan,
           any_value(waarde) FILTER (WHERE kwantiel = 0.75) AS p75
    FROM kwantielen GROUP BY ALL
)
SELECT e.indicator_id, e.periode, e.gemeente_code, e.regio_naam, e.eenheid, e.groep_soort, e.groep_code, e.groep_naam,
       e.waarde,
       CASE WHEN e.groep_aantal >= $vergelijking THEN round(g.mediaan, 1) END AS groep_mediaan,
       CASE WHEN e.groep_aantal >= $band THEN round(g.p25, 1) END AS groep_p25,
       CASE WHEN e.groep_aantal >= $band THEN round(g.p75, 1) END AS groep_p75,
       CASE WHEN e.groep_aantal >= $vergelijking AND e.eenheid IN ('pct', 'per_1000') AND e.som_noemer > 0
            THEN round(e.som_teller / e.som_noemer * CASE e.eenheid WHEN 'pct' THEN 100 ELSE 1000 END, 1)
       END AS groep_waarde,
       e.groep_aantal,
       CASE WHEN e.waarde IS NOT NULL AND e.groep_aantal >= $vergelijking THEN e.eigen_rang END AS rang,
       vorige_periode(e.periode) AS vorige_periode,
       round(e.waarde - v.waarde, 1) AS verandering
FROM eigen e
LEFT JOIN groepscijfers g USING (rij)
LEFT JOIN gemeente_cijfers v
       ON v.indicator_id = e.indicator_id AND v.periode = vorige_periode(e.periode) AND v.gemeente_code = e.gemeente_code
ORDER BY e.indicator_id, e.periode, e.gemeente_code, e.groep_soort, e.groep_code
