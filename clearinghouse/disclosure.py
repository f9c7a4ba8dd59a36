"""Disclosure control: the one stage every published count passes through (spec "Disclosure control").

1. Counts of 0–7 persons (before rounding) are secret and published as `.`.
2. Other counts are rounded to a multiple of 5 with unbiased random rounding: n = 5q + r goes up
   with probability r/5, so the rounded figure is right on average. The draw is a keyed hash of the
   release and of the count's *definition* (not of the indicator), so the same count is rounded the
   same way wherever it appears in a release — publishing it twice, independently rounded, would let
   anyone average the noise away.
3. Rates are computed from the rounded counts, and only where the denominator reaches the
   indicator's minimum; otherwise the rate is `.`.
Secondary suppression (totals beside details) is a later stage; see docs.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

SECRET_MAX = 7
ROUNDING_BASE = 5

KLEIN_AANTAL = "klein aantal"
NOEMER_TE_KLEIN = "noemer te klein"
TE_WEINIG_TRAJECTEN = "te weinig trajecten"


def _uniform(keys: pd.Series) -> np.ndarray:
    """Reproducible uniform [0, 1) draws, one per key string."""
    return np.array(
        [int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big") / 2**64 for key in keys],
        dtype="float64",
    )


def random_round(counts: pd.Series, keys: pd.Series, base: int = ROUNDING_BASE) -> pd.Series:
    """Unbiased random rounding of non-negative integer counts to multiples of `base`."""
    values = counts.astype("int64").to_numpy()
    remainder = values % base
    up = _uniform(keys) < remainder / base
    rounded = values - remainder + np.where(up, base, 0)
    return pd.Series(rounded, index=counts.index, dtype="Int64")


def protect_counts(counts: pd.Series, keys: pd.Series) -> pd.Series:
    """Rounded counts with 0–7 made secret (<NA>)."""
    rounded = random_round(counts.fillna(0), keys)
    return rounded.mask(counts.fillna(0) <= SECRET_MAX)


def protect(cells: pd.DataFrame, *, release: str) -> pd.DataFrame:
    """Apply primary disclosure control to raw indicator cells.

    `cells` columns: indicator_id, periode, regio_code, teller_ruw, teller_sleutel, noemer_ruw,
    noemer_sleutel, noemer_is_bevolking, factor, min_noemer, eenheid. The *_sleutel columns identify
    the count's definition. Returns the input without the raw counts, plus teller, noemer, waarde,
    geheim, geheim_reden. By eenheid:

    - pct / per_1000: rounded counts; the rate from the rounded counts if the noemer is large enough.
    - aantal: a count without noemer; the figure is the rounded count.
    - dagen: a median (teller_ruw) over noemer_ruw trajecten; published (whole days) only if the
      rounded number of trajecten reaches the minimum. The median itself is not a count: teller stays empty.
    """
    out = cells.copy()
    eenheid = out["eenheid"] if "eenheid" in out else pd.Series("pct", index=out.index)
    is_rate = eenheid.isin(["pct", "per_1000"])
    is_median = eenheid == "dagen"
    is_count = eenheid == "aantal"
    cell_key = release + "|" + out["periode"] + "|" + out["regio_code"] + "|"
    teller_counts = out["teller_ruw"].where(~is_median, 0).astype("float64").fillna(0).astype("int64")
    teller = protect_counts(teller_counts, cell_key + out["teller_sleutel"])
    out["teller"] = teller.astype("Float64").where(~is_median)
    # Population denominators are public CBS figures (wijk figures already rounded by CBS): as is.
    noemer_counts = pd.to_numeric(out["noemer_ruw"], errors="coerce").fillna(0).astype("int64")
    person_noemer = protect_counts(noemer_counts, cell_key + out["noemer_sleutel"]).astype("Float64")
    bevolking = out["noemer_is_bevolking"].astype(bool)
    noemer = pd.to_numeric(out["noemer_ruw"], errors="coerce").astype("Float64").where(bevolking, person_noemer)
    out["noemer"] = noemer.where(~is_count)
    large_enough = out["noemer"].notna() & (out["noemer"] >= out["min_noemer"])
    rate = (out["teller"] / out["noemer"] * out["factor"]).where(large_enough & out["teller"].notna()).round(1)
    median = pd.to_numeric(out["teller_ruw"], errors="coerce").astype("Float64").round(0).where(large_enough)
    count = out["teller"]
    out["waarde"] = rate.where(is_rate, median.where(is_median, count.where(is_count)))
    out["geheim"] = out["waarde"].isna().astype(bool)
    out["geheim_reden"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out.loc[~is_median & out["teller"].isna(), "geheim_reden"] = KLEIN_AANTAL
    out.loc[is_rate & out["teller"].notna() & ~large_enough, "geheim_reden"] = NOEMER_TE_KLEIN
    out.loc[is_median & ~large_enough, "geheim_reden"] = TE_WEINIG_TRAJECTEN
    return out.drop(columns=["teller_ruw", "noemer_ruw", "teller_sleutel", "noemer_sleutel"])
