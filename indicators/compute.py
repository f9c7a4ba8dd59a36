"""Compute raw indicator counts in DuckDB SQL from the pseudonymised records.

Each catalogue declaration becomes one query. Persons (or households) are counted once per region:
a person in two wijken in one periode counts in both wijken but once for the gemeente. A record
whose BSN was unknown (no pseudonym) counts as its own person. Results are *raw* counts — they never
leave the clearinghouse before `clearinghouse.disclosure.protect` has run.

Periodes: every half-year delivered, and the year (`2025`) where a gemeente delivered both halves
of a domein: year figures count unique persons over the year, never H1 + H2 (spec "Counting rules").
"""

from __future__ import annotations

import hashlib

import duckdb
import pandas as pd

from vocabulary.domeinen import DOMEINEN
from vocabulary.periode import register_macros
from vocabulary.reference import population
from indicators.catalogus import Count, Indicator

TRAJECTEN_VIEW = """
CREATE OR REPLACE TEMP TABLE trajecten AS
SELECT *,
       coalesce(persoon_pseudoniem,
                'onbekend:' || gemeente_code || ':' || periode || ':' || domein || ':' || traject_nummer) AS persoon,
       coalesce(huishouden_pseudoniem, persoon_pseudoniem,
                'onbekend:' || gemeente_code || ':' || periode || ':' || domein || ':' || traject_nummer) AS huishouden,
       periode_start(periode) AS periode_start,
       periode_einde(periode) AS periode_einde
FROM read_parquet($files, union_by_name = true)
"""

# The year: both halves of a (gemeente, domein) present. A traject delivered in H1 and again in H2
# is one traject (same person, voorziening and start), so traject counts are deduplicated.
TRAJECTEN_JAAR_VIEW = """
CREATE OR REPLACE TEMP TABLE trajecten_jaar AS
WITH compleet AS (
    SELECT gemeente_code, domein, periode_van_jaar(periode) AS jaar
    FROM trajecten GROUP BY ALL HAVING count(DISTINCT periode) = 2
)
SELECT * EXCLUDE (jaar, volgorde) FROM (
    SELECT t.* REPLACE (c.jaar AS periode, periode_start(c.jaar) AS periode_start, periode_einde(c.jaar) AS periode_einde),
           c.jaar,
           row_number() OVER (PARTITION BY t.gemeente_code, t.domein, c.jaar, t.persoon, t.voorziening_code, t.start_datum
                              ORDER BY t.periode DESC) AS volgorde
    FROM trajecten t JOIN compleet c
      ON t.gemeente_code = c.gemeente_code AND t.domein = c.domein AND periode_van_jaar(t.periode) = c.jaar
) WHERE volgorde = 1
"""

SOURCES = {"periode": "trajecten", "jaar": "trajecten_jaar"}


def register_trajecten(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    """In-memory tables of the per-partition Parquet files, read once for all indicator queries.

    They live in the computing process only: the microdata never enter the warehouse file.
    """
    register_macros(con)
    con.execute(TRAJECTEN_VIEW, {"files": files})
    con.execute(TRAJECTEN_JAAR_VIEW)
    _DELIVERED.pop(id(con), None)


def count_key(count: Count) -> str:
    """A stable identifier of a count's definition (same definition → same disclosure rounding)."""
    text = "|".join(
        [count.soort, count.voorwaarde or "", "|".join(count.ook), "|".join(count.niet), str(count.min_domeinen or ""),
         count.groep or "", count.expressie or ""]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _regions(select: str, source: str, condition: str) -> str:
    """GROUPING SETS over gemeente and wijk: one row per region with the aggregate `select`."""
    return f"""
SELECT periode,
       gemeente_code,
       CASE WHEN GROUPING(wijk_code) = 1 THEN gemeente_code ELSE wijk_code END AS regio_code,
       {select}
FROM {source}
WHERE {condition}
GROUP BY GROUPING SETS ((periode, gemeente_code), (periode, gemeente_code, wijk_code))
HAVING GROUPING(wijk_code) = 1 OR wijk_code IS NOT NULL
"""


def units_sql(count: Count, source: str = "trajecten") -> str:
    """Unique persons or households with a traject meeting `voorwaarde`, restricted by `ook`
    (must also have), `niet` (must not have) and `min_domeinen`, all within the same periode and gemeente."""
    unit = "huishouden" if count.soort == "huishoudens" else "persoon"
    joins = "".join(
        f"\n    SEMI JOIN (SELECT periode, gemeente_code, {unit} FROM {source} WHERE {condition}) ook{i} USING (periode, gemeente_code, {unit})"
        for i, condition in enumerate(count.ook)
    )
    joins += "".join(
        f"\n    ANTI JOIN (SELECT periode, gemeente_code, {unit} FROM {source} WHERE {condition}) niet{i} USING (periode, gemeente_code, {unit})"
        for i, condition in enumerate(count.niet)
    )
    if count.min_domeinen:
        joins += (
            f"\n    SEMI JOIN (SELECT periode, gemeente_code, {unit} FROM {source} GROUP BY ALL "
            f"HAVING count(DISTINCT domein) >= {int(count.min_domeinen)}) breed USING (periode, gemeente_code, {unit})"
        )
    return f"""
WITH selectie AS (
    SELECT DISTINCT periode, gemeente_code, wijk_code, {unit} AS eenheid
    FROM (SELECT * FROM {source} WHERE {count.voorwaarde}) basis{joins}
)
{_regions("count(DISTINCT eenheid) AS aantal", "selectie", "TRUE")}
"""


def trajecten_sql(count: Count, source: str = "trajecten") -> str:
    return _regions("count(*) AS aantal", source, count.voorwaarde or "TRUE")


def median_sql(count: Count, source: str = "trajecten") -> str:
    """Median of `expressie` over trajecten meeting `voorwaarde`, and how many trajecten it is over."""
    condition = f"({count.voorwaarde or 'TRUE'}) AND ({count.expressie}) IS NOT NULL"
    return _regions(f"median({count.expressie}) AS mediaan, count(*) AS aantal", source, condition)


def count_sql(count: Count, source: str = "trajecten") -> str:
    if count.soort in ("personen", "huishoudens"):
        return units_sql(count, source)
    if count.soort == "trajecten":
        return trajecten_sql(count, source)
    if count.soort == "mediaan":
        return median_sql(count, source)
    raise ValueError(f"no SQL for count soort {count.soort!r}")


def persons_sql(count: Count) -> str:  # kept for callers that only count persons
    return units_sql(count)


def delivered(con: duckdb.DuckDBPyConnection, source: str = "trajecten") -> pd.DataFrame:
    """(periode, gemeente_code, domein) with accepted records (cached per connection and source)."""
    cache = _DELIVERED.setdefault(id(con), {})
    if source not in cache:
        cache[source] = con.execute(f"SELECT DISTINCT periode, gemeente_code, domein FROM {source}").df()
    return cache[source]


_DELIVERED: dict[int, dict[str, pd.DataFrame]] = {}


def _scope(done: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """(periode, gemeente_code) where the indicator can be computed: its domein was delivered, or for
    integraal indicators all three domeinen (otherwise 'alleen wmo' would be wrong)."""
    if indicator.domein != "integraal":
        return done[done["domein"] == indicator.domein][["periode", "gemeente_code"]].drop_duplicates()
    complete = done.groupby(["periode", "gemeente_code"])["domein"].nunique()
    complete = complete[complete == len(DOMEINEN)]
    return complete.reset_index()[["periode", "gemeente_code"]]


CELL_COLUMNS = [
    "indicator_id", "periode", "periode_soort", "regio_code", "regio_niveau", "regio_naam", "gemeente_code",
    "teller_ruw", "teller_sleutel", "noemer_ruw", "noemer_sleutel", "noemer_is_bevolking", "factor", "min_noemer",
    "eenheid",
]  # fmt: skip


def _indicator_cells(con, indicator: Indicator, regions: pd.DataFrame, periode_soort: str) -> pd.DataFrame | None:
    source = SOURCES[periode_soort]
    scope = _scope(delivered(con, source), indicator)
    if scope.empty:
        return None
    keys = ["periode", "gemeente_code", "regio_code"]
    cells = scope.merge(regions, on="gemeente_code", how="inner")
    cells = cells[cells["regio_niveau"].isin(indicator.niveaus)]
    teller = con.execute(count_sql(indicator.teller, source)).df()
    if indicator.teller.soort == "mediaan":
        # A median: its value is the figure, the number of trajecten is the (protected) base.
        cells = cells.merge(teller.rename(columns={"mediaan": "teller_ruw", "aantal": "noemer_ruw"}), on=keys, how="left")
        cells["noemer_is_bevolking"] = False
    else:
        cells = cells.merge(teller.rename(columns={"aantal": "teller_ruw"}), on=keys, how="left")
        if indicator.noemer is None:
            cells["noemer_ruw"] = pd.NA
            cells["noemer_is_bevolking"] = False
        elif indicator.noemer.soort == "bevolking":
            cells["noemer_ruw"] = cells[indicator.noemer.groep]
            cells["noemer_is_bevolking"] = True
        else:
            noemer = con.execute(count_sql(indicator.noemer, source)).df().rename(columns={"aantal": "noemer_ruw"})
            cells = cells.merge(noemer, on=keys, how="left")
            cells["noemer_is_bevolking"] = False
    if indicator.teller.soort == "mediaan":
        cells["noemer_ruw"] = cells["noemer_ruw"].fillna(0).astype("int64")
        cells["teller_ruw"] = cells["teller_ruw"].astype("float64")
    else:
        cells["teller_ruw"] = cells["teller_ruw"].fillna(0).astype("int64")
        if indicator.noemer is not None:
            cells["noemer_ruw"] = cells["noemer_ruw"].fillna(0).astype("int64")
    cells["indicator_id"] = indicator.id
    cells["periode_soort"] = "halfjaar" if periode_soort == "periode" else "jaar"
    cells["teller_sleutel"] = count_key(indicator.teller)
    cells["noemer_sleutel"] = count_key(indicator.noemer) if indicator.noemer is not None else ""
    cells["factor"] = indicator.factor
    cells["min_noemer"] = indicator.min_noemer
    cells["eenheid"] = indicator.eenheid
    return cells[CELL_COLUMNS]


def raw_cells(con: duckdb.DuckDBPyConnection, catalogue: tuple[Indicator, ...], regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator × periode × region for every gemeente that delivered the domein.

    Columns: CELL_COLUMNS. `periode_soort` is 'halfjaar' or 'jaar'. Regions without any client get
    a count of 0 (secret after disclosure control, never missing). For median indicators teller_ruw
    is the median and noemer_ruw the number of trajecten it is taken over.
    """
    regions = population() if regions is None else regions
    frames = []
    for indicator in catalogue:
        for periode_soort in ("periode", "jaar") if indicator.jaar else ("periode",):
            cells = _indicator_cells(con, indicator, regions, periode_soort)
            if cells is not None and len(cells):
                frames.append(cells)
    if not frames:
        return pd.DataFrame(columns=CELL_COLUMNS)
    return pd.concat(frames, ignore_index=True)
