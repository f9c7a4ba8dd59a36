-- The trajecten of the deliveries in force, as the indicator queries count them: `geleverd` (the
-- half-years being counted) and `geleverd_jaar` (both halves of their years) are views over the core
-- files in force, registered by indicators.tellingen. A record without a pseudonym (BSN unknown) is
-- its own person and its own household.
CREATE OR REPLACE TEMP MACRO met_eenheden(bron) AS TABLE
SELECT *,
       coalesce(persoon_pseudoniem,
                'onbekend:' || gemeente_code || ':' || periode || ':' || domein || ':' || traject_nummer) AS persoon,
       coalesce(huishouden_pseudoniem, persoon_pseudoniem,
                'onbekend:' || gemeente_code || ':' || periode || ':' || domein || ':' || traject_nummer) AS huishouden,
       periode_start(periode) AS periode_start,
       periode_einde(periode) AS periode_einde
FROM query_table(bron);

CREATE OR REPLACE TEMP VIEW trajecten AS
SELECT * FROM met_eenheden('geleverd');

-- A year counts only the domeinen a gemeente delivered for both halves: a year figure counts
-- unique persons over the year, never H1 + H2, and never half a year.
CREATE OR REPLACE TEMP VIEW trajecten_in_jaar AS
WITH beide_helften AS (
    SELECT * FROM met_eenheden('geleverd_jaar')
),
compleet AS (
    SELECT gemeente_code, domein, periode_van_jaar(periode) AS jaar
    FROM beide_helften
    GROUP BY ALL
    HAVING count(DISTINCT periode) = 2
)
SELECT t.* REPLACE (c.jaar AS periode, periode_start(c.jaar) AS periode_start, periode_einde(c.jaar) AS periode_einde)
FROM beide_helften AS t
JOIN compleet AS c
  ON t.gemeente_code = c.gemeente_code AND t.domein = c.domein AND periode_van_jaar(t.periode) = c.jaar;
