"""The frames Great Expectations validates: the published tables plus derived columns and tables.

GX checks one row at a time (or one column), so a rule that spans rows or needs arithmetic GX does
not have gets a derived column or table here, and a plain GX expectation checks that:

* "teller is a multiple of 5": GX has no modulo expectation, so the validated copy gets
  `teller_rest_5` (teller % 5, empty where teller is secret) that must be 0;
* "an indicator has its catalogue eenheid": `indicator_eenheid` (`indicator_id|eenheid`) must be
  one of the catalogue's pairs (GX's column-pair expectation walks the rows one by one);
* "a gemeente is never in its own comparison group": peergroepen gets `eigen_lid` (member ==
  the gemeente the group is for) that must be false;
* completeness ("every published gemeente has every indicator of every domein it delivered"): a
  derived table `indicatoren_volledigheid` (one row per expected gemeente × periode × indicator,
  with `aanwezig`), which appears in the Data Docs as its own suite and batch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clearinghouse.disclosure import ROUNDING_BASE
from indicators.catalogus import Indicator
from vocabulary.domeinen import DOMEINEN

COMPLETENESS_TABLE = "indicatoren_volledigheid"
NUMERIC = ["teller", "noemer", "waarde", "groep_mediaan", "groep_p25", "groep_p75", "groep_waarde", "groep_aantal", "rang"]


def _numeric(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Nullable Int64/Float64 (pd.NA) to float64 (NaN), which every GX metric handles."""
    out = df.copy()
    for column in columns:
        if column in out:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    return out


def validated(df: pd.DataFrame) -> pd.DataFrame:
    """A published table as GX validates it: numbers as float64, booleans as objects, derived columns."""
    out = _numeric(df, NUMERIC)
    if "teller" in out:
        out["teller_rest_5"] = out["teller"] % ROUNDING_BASE
    if {"indicator_id", "eenheid"} <= set(out.columns):
        out["indicator_eenheid"] = out["indicator_id"].astype("str") + "|" + out["eenheid"].astype("str")
    if "geheim" in out:
        out["geheim"] = out["geheim"].astype("object").where(out["geheim"].notna(), None)
    if {"gemeente_code", "voor_gemeente_code"} <= set(out.columns):
        out["eigen_lid"] = (out["gemeente_code"] == out["voor_gemeente_code"]).fillna(False).astype(bool)
    return out.reset_index(drop=True)


def completeness_table(indicatoren: pd.DataFrame, catalogue: tuple[Indicator, ...]) -> pd.DataFrame:
    """One row per expected (gemeente, periode, indicator) with `aanwezig`.

    A gemeente delivered a domein in a periode when the table has any row of an indicator of that
    domein for it (integraal: when it delivered all other domeinen, as `indicators.compute` scopes
    it); it is then expected to have every basis indicator of that domein, and the facultatieve
    ones when it has any facultatief indicator that periode (consent is per gemeente and periode).
    A year periode (`2025`) only has the indicators declared with `jaar` (unique persons over the
    year); counts of trajecten and medians are per half-year. Present means a gemeente-level row
    (or any row for wijk-only indicators).
    """
    columns = ["gemeente_code", "periode", "domein", "indicator_id", "aanwezig"]
    info = {indicator.id: indicator for indicator in catalogue}
    # A row without gemeente or periode belongs to no expected cell; the indicatoren suite reports it.
    known = indicatoren[indicatoren["indicator_id"].isin(info) & indicatoren["gemeente_code"].notna() & indicatoren["periode"].notna()]
    if known.empty:
        return pd.DataFrame({c: pd.Series(dtype=bool if c == "aanwezig" else object) for c in columns})
    # each (gemeente, periode, indicator, niveau) once: the sets below are the same, the loops short
    distinct = known[["gemeente_code", "periode", "indicator_id", "regio_niveau"]].drop_duplicates()
    keys = list(zip(*(distinct[column].tolist() for column in distinct.columns)))
    present = {(g, p, i) for g, p, i, niveau in keys if niveau == "gemeente" or "gemeente" not in info[i].niveaus}
    delivered = {(g, p, info[i].domein) for g, p, i, _ in keys}
    # integraal indicators need all other domeinen delivered (indicators.compute: 'alleen wmo' needs all three)
    for g, p in {(g, p) for g, p, _ in delivered}:
        if all((g, p, d) in delivered for d in DOMEINEN):
            delivered.add((g, p, "integraal"))
    facultatief = {(g, p) for g, p, i, _ in keys if info[i].gegevensset == "facultatief"}
    rows = [
        (g, p, d, indicator.id, (g, p, indicator.id) in present)
        for g, p, d in sorted(delivered)
        for indicator in catalogue
        if indicator.domein == d
        and (indicator.gegevensset == "basis" or (g, p) in facultatief)
        and ("-H" in p or indicator.jaar)  # a year periode only has the year indicators
    ]
    out = pd.DataFrame(rows, columns=columns)
    out["aanwezig"] = out["aanwezig"].astype(bool)
    return out


def _is_text(dtype) -> bool:
    """pandas' text dtype `str`, whose missing value is NaN as in a categorical (not `string`, with pd.NA)."""
    return isinstance(dtype, pd.StringDtype) and dtype.na_value is np.nan


def _one_chunk(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def compact(df: pd.DataFrame) -> pd.DataFrame:
    """The text columns of a validated frame as categoricals that share one sorted set of categories.

    GX filters the whole frame for every row condition and every null filter (DataFrame.query and
    take, hundreds of times per suite); taking Arrow strings is most of that time, taking the
    integer codes of a categorical is cheap. The values, the missing values and the comparisons
    stay the same: one shared set of categories lets two columns compare as their texts do
    (`regio_code` == `gemeente_code`), a categorical compares to a text as its value does.
    """
    columns = [c for c in df.columns if _is_text(df[c].dtype)]
    if not columns:
        return df
    encoded = {c: _one_chunk(pa.array(df[c].array, type=pa.large_string())).dictionary_encode() for c in columns}
    texts = {c: e.dictionary.to_numpy(zero_copy_only=False).astype(object) for c, e in encoded.items()}
    categories = np.unique(np.concatenate(list(texts.values())))
    dtype = pd.CategoricalDtype(pd.Index(categories))
    out = df.copy()
    for column, e in encoded.items():
        code_of = np.append(np.searchsorted(categories, texts[column]), -1)  # index -1 (missing): code -1
        out[column] = pd.Categorical.from_codes(code_of[pc.fill_null(e.indices, -1).to_numpy()], dtype=dtype)
    return out
