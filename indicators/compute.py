"""Compute raw indicator counts in DuckDB SQL from the pseudonymised records.

Each catalogue declaration becomes one query. Persons are counted once per region: a person in two
wijken in one periode counts in both wijken but once for the gemeente. A record whose BSN was
unknown (no pseudonym) counts as its own person. Results are *raw* counts — they never leave the
clearinghouse before `clearinghouse.disclosure.protect` has run.
"""

from __future__ import annotations

import hashlib

import duckdb
import pandas as pd

from gmsd.reference import population
from indicators.catalogue import Count, Indicator

TRAJECTEN_VIEW = """
CREATE OR REPLACE TEMP VIEW trajecten AS
SELECT *,
       coalesce(persoon_pseudoniem,
                'onbekend:' || gemeente_code || ':' || periode || ':' || domein || ':' || traject_nummer) AS persoon
FROM read_parquet({files}, union_by_name = true)
"""


def register_trajecten(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    """A view over the per-partition Parquet files (the microdata never enter the warehouse file)."""
    quoted = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    con.execute(TRAJECTEN_VIEW.format(files=quoted))


def count_key(count: Count) -> str:
    """A stable identifier of a count's definition (same definition → same disclosure rounding)."""
    text = count.soort + "|" + (count.voorwaarde or "") + "|" + "|".join(count.ook) + "|" + (count.groep or "")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def persons_sql(count: Count) -> str:
    semi_joins = "".join(
        f"\n    SEMI JOIN (SELECT periode, gemeente_code, persoon FROM trajecten WHERE {condition}) ook{i}"
        f" USING (periode, gemeente_code, persoon)"
        for i, condition in enumerate(count.ook)
    )
    return f"""
WITH selectie AS (
    SELECT DISTINCT periode, gemeente_code, wijk_code, persoon
    FROM (SELECT * FROM trajecten WHERE {count.voorwaarde}) basis{semi_joins}
)
SELECT periode,
       gemeente_code,
       CASE WHEN GROUPING(wijk_code) = 1 THEN gemeente_code ELSE wijk_code END AS regio_code,
       count(DISTINCT persoon) AS aantal
FROM selectie
GROUP BY GROUPING SETS ((periode, gemeente_code), (periode, gemeente_code, wijk_code))
HAVING GROUPING(wijk_code) = 1 OR wijk_code IS NOT NULL
"""


def delivered(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(periode, gemeente_code, domein) with accepted records."""
    return con.execute("SELECT DISTINCT periode, gemeente_code, domein FROM trajecten").df()


def raw_cells(con: duckdb.DuckDBPyConnection, catalogue: tuple[Indicator, ...], regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator × periode × region for every gemeente that delivered the domein.

    Columns: indicator_id, periode, regio_code, regio_niveau, regio_naam, gemeente_code, teller_ruw,
    teller_sleutel, noemer_ruw, noemer_sleutel, noemer_is_bevolking, factor, min_noemer, eenheid.
    Regions without any client get a count of 0 (secret after disclosure control, never missing).
    """
    regions = population() if regions is None else regions
    done = delivered(con)
    frames = []
    for indicator in catalogue:
        scope = done[done["domein"] == indicator.domein][["periode", "gemeente_code"]].drop_duplicates()
        if scope.empty:
            continue
        cells = scope.merge(regions, on="gemeente_code", how="inner")
        cells = cells[cells["regio_niveau"].isin(indicator.niveaus)]
        teller = con.execute(persons_sql(indicator.teller)).df().rename(columns={"aantal": "teller_ruw"})
        cells = cells.merge(teller, on=["periode", "gemeente_code", "regio_code"], how="left")
        if indicator.noemer.soort == "bevolking":
            cells["noemer_ruw"] = cells[indicator.noemer.groep]
            cells["noemer_is_bevolking"] = True
        else:
            noemer = con.execute(persons_sql(indicator.noemer)).df().rename(columns={"aantal": "noemer_ruw"})
            cells = cells.merge(noemer, on=["periode", "gemeente_code", "regio_code"], how="left")
            cells["noemer_is_bevolking"] = False
        cells["teller_ruw"] = cells["teller_ruw"].fillna(0).astype("int64")
        cells["noemer_ruw"] = cells["noemer_ruw"].fillna(0).astype("int64")
        cells["indicator_id"] = indicator.id
        cells["teller_sleutel"] = count_key(indicator.teller)
        cells["noemer_sleutel"] = count_key(indicator.noemer)
        cells["factor"] = indicator.factor
        cells["min_noemer"] = indicator.min_noemer
        cells["eenheid"] = indicator.eenheid
        frames.append(cells)
    columns = [
        "indicator_id", "periode", "regio_code", "regio_niveau", "regio_naam", "gemeente_code", "teller_ruw",
        "teller_sleutel", "noemer_ruw", "noemer_sleutel", "noemer_is_bevolking", "factor", "min_noemer", "eenheid",
    ]  # fmt: skip
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
