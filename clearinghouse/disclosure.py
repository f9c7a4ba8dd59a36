"""Disclosure control: the one stage every published count passes through (spec "Disclosure control").

1. Counts of 0–7 persons (before rounding) are secret and published as `.`.
2. Other counts are rounded to a multiple of 5 with unbiased random rounding: n = 5q + r goes up
   with probability r/5, so the rounded figure is right on average. The draw is a *keyed* hash
   (secret derived from the pseudonymisation key) of periode, region and the count's *definition*
   (not of the indicator or the release): the same count is rounded the same way wherever and
   whenever it is published — rounding it twice independently would let anyone average the noise
   away — and nobody without the key can compute the draw and so tell which way a count was rounded.
3. Rates are computed from the rounded counts, and only where the denominator reaches the
   indicator's minimum; otherwise the rate is `.`.
4. Secondary suppression (`secondary_suppression`): where details are published beside a total
   they add up to — the wijken of a gemeente, the stapeling combinations of all clients — no group
   may have exactly one secret detail, or total minus the others would give it away. A lone secret
   gets a partner: the smallest published detail of the group is suppressed too ('aanvullend
   geheim'), repeated until every group is safe.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

# The reasons are part of the published table's contract (its geheim_reden column): declared there.
from contracts.publish import AANVULLEND_GEHEIM, KLEIN_AANTAL, NOEMER_TE_KLEIN, TE_WEINIG_TRAJECTEN

SECRET_MAX = 7
ROUNDING_BASE = 5


def _uniform(keys: pd.Series, secret: bytes) -> np.ndarray:
    """Reproducible uniform [0, 1) draws, one per key string, unpredictable without `secret`."""
    secret = hashlib.sha256(secret).digest()  # blake2b takes keys up to 64 bytes
    return np.array(
        [int.from_bytes(hashlib.blake2b(key.encode("utf-8"), key=secret, digest_size=8).digest(), "big") / 2**64 for key in keys],
        dtype="float64",
    )


def random_round(counts: pd.Series, keys: pd.Series, secret: bytes, base: int = ROUNDING_BASE) -> pd.Series:
    """Unbiased random rounding of non-negative integer counts to multiples of `base`."""
    values = counts.astype("int64").to_numpy()
    remainder = values % base
    up = _uniform(keys, secret) < remainder / base
    rounded = values - remainder + np.where(up, base, 0)
    return pd.Series(rounded, index=counts.index, dtype="Int64")


def protect_counts(counts: pd.Series, keys: pd.Series, secret: bytes) -> pd.Series:
    """Rounded counts with 0–7 made secret (<NA>)."""
    rounded = random_round(counts.fillna(0), keys, secret)
    return rounded.mask(counts.fillna(0) <= SECRET_MAX)


def protect(cells: pd.DataFrame, *, secret: bytes) -> pd.DataFrame:
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
    cell_key = out["periode"] + "|" + out["regio_code"] + "|"
    teller_counts = out["teller_ruw"].where(~is_median, 0).astype("float64").fillna(0).astype("int64")
    teller = protect_counts(teller_counts, cell_key + out["teller_sleutel"], secret)
    out["teller"] = teller.astype("Float64").where(~is_median)
    # Population denominators are public CBS figures (wijk figures already rounded by CBS): as is.
    noemer_counts = pd.to_numeric(out["noemer_ruw"], errors="coerce").fillna(0).astype("int64")
    person_noemer = protect_counts(noemer_counts, cell_key + out["noemer_sleutel"], secret).astype("Float64")
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


def additive_groups(cells: pd.DataFrame, optelbare_reeksen: dict[str, str]) -> list[pd.Index]:
    """Groups of detail cells that add up to a published total (each group as an index of rows).

    - wijken of one gemeente, per indicator and periode (a person without a usable address counts
      for the gemeente only, so the sum is approximate — treated as exact to be safe);
    - the indicators of an additive reeks (e.g. the seven stapeling combinations), per region and
      periode: `optelbare_reeksen` maps indicator_id → reeks.
    Only count-based cells (pct, per_1000, aantal) take part; medians do not add up.
    """
    counts = cells[cells["eenheid"].isin(["pct", "per_1000", "aantal"])]
    groups = [
        index
        for _, index in counts[counts["regio_niveau"] == "wijk"].groupby(["indicator_id", "periode", "gemeente_code"]).groups.items()
    ]
    in_reeks = counts[counts["indicator_id"].isin(list(optelbare_reeksen))]
    if len(in_reeks):
        reeks = in_reeks["indicator_id"].map(optelbare_reeksen)
        groups += [index for _, index in in_reeks.groupby([reeks, in_reeks["periode"], in_reeks["regio_code"]]).groups.items()]
    return [pd.Index(index) for index in groups if len(index) > 1]


def secondary_suppression(protected: pd.DataFrame, optelbare_reeksen: dict[str, str]) -> pd.DataFrame:
    """Give every lone secret detail a partner, until no additive group has exactly one secret."""
    out = protected.copy()
    groups = additive_groups(out, optelbare_reeksen)
    for _ in range(20):  # converges in a few rounds; the bound guards against a logic error
        changed = False
        for index in groups:
            secret = out.loc[index, "geheim"].astype(bool)
            if secret.sum() != 1:
                continue
            candidates = out.loc[index][~secret]
            partner = candidates["teller"].astype("float64").fillna(float("inf")).idxmin()
            out.loc[partner, ["teller", "waarde"]] = pd.NA
            out.loc[partner, "geheim"] = True
            out.loc[partner, "geheim_reden"] = AANVULLEND_GEHEIM
            changed = True
        if not changed:
            return out
    raise RuntimeError("secondary suppression did not converge")
