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
    # Each distinct key hashed once (a count's key recurs in every indicator that uses it), from a
    # copy of the keyed state: the same digests as blake2b(key, key=secret), read as big-endian
    # integers; the division by 2**64 is exact, so the draws equal int(digest) / 2**64.
    codes, distinct = pd.factorize(pd.Series(keys), use_na_sentinel=False)
    keyed = hashlib.blake2b(key=secret, digest_size=8)
    digests = bytearray()
    for key in distinct.tolist():
        state = keyed.copy()
        state.update(key.encode("utf-8"))
        digests += state.digest()
    return (np.frombuffer(bytes(digests), dtype=">u8").astype("float64") / 2**64)[codes]


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


COUNT_UNITS = ("pct", "per_1000", "aantal")


def additive_group_keys(cells: pd.DataFrame, optelbare_reeksen: dict[str, str]) -> list[pd.Series]:
    """For each kind of additive group, a group label per row (<NA> where the row is in no such group).

    - wijken of one gemeente, per indicator and periode (a person without a usable address counts
      for the gemeente only, so the sum is approximate — treated as exact to be safe);
    - the indicators of an additive reeks (e.g. the seven stapeling combinations), per region and
      periode: `optelbare_reeksen` maps indicator_id → reeks.
    Only count-based cells (pct, per_1000, aantal) take part; medians do not add up. A row can be in
    a group of each kind (a wijk cell of a reeks indicator).
    """
    counted = cells["eenheid"].isin(COUNT_UNITS)
    wijken = (cells["indicator_id"].astype("string") + "|" + cells["periode"] + "|" + cells["gemeente_code"]).where(
        counted & (cells["regio_niveau"] == "wijk")
    )
    reeks = cells["indicator_id"].map(optelbare_reeksen).astype("string")
    reeksen = (reeks + "|" + cells["periode"] + "|" + cells["regio_code"]).where(counted & reeks.notna())
    return [wijken, reeksen]


def lone_secrets(cells: pd.DataFrame, optelbare_reeksen: dict[str, str]) -> pd.Series:
    """Per row: True when the row is the only secret of an additive group of two or more (it could
    be recomputed as total minus the others)."""
    secret = cells["geheim"].astype(bool)
    lone = pd.Series(False, index=cells.index)
    for key in additive_group_keys(cells, optelbare_reeksen):
        size = key.groupby(key).transform("size")
        secrets = secret.groupby(key).transform("sum")
        lone |= (key.notna() & (size > 1) & (secrets == 1) & secret).fillna(False).astype(bool)
    return lone


def secondary_suppression(protected: pd.DataFrame, optelbare_reeksen: dict[str, str]) -> pd.DataFrame:
    """Give every lone secret detail a partner, until no additive group has exactly one secret.

    Vectorised per kind of group: in every group with exactly one secret, the published detail with
    the smallest teller (first in table order on a tie) is suppressed too ('aanvullend geheim').
    Repeated until stable: suppressing a cell can leave a group of the other kind with a lone secret.
    """
    out = protected.copy()
    keys = additive_group_keys(out, optelbare_reeksen)
    order = pd.Series(range(len(out)), index=out.index)
    for _ in range(50):  # converges in a few rounds; the bound guards against a logic error
        changed = False
        for key in keys:
            secret = out["geheim"].astype(bool)
            in_group = key.notna()
            size = key.groupby(key).transform("size")
            secrets = secret.groupby(key).transform("sum")
            needs_partner = in_group & (size > 1) & (secrets == 1)
            candidates = out[needs_partner & ~secret]
            if candidates.empty:
                continue
            ranked = pd.DataFrame(
                {
                    "key": key[candidates.index],
                    "teller": candidates["teller"].astype("float64").fillna(float("inf")),
                    "order": order[candidates.index],
                }
            ).sort_values(["key", "teller", "order"])
            partners = ranked.drop_duplicates("key").index
            out.loc[partners, ["teller", "waarde"]] = pd.NA
            out.loc[partners, "geheim"] = True
            out.loc[partners, "geheim_reden"] = AANVULLEND_GEHEIM
            changed = True
        if not changed:
            return out
    raise RuntimeError("secondary suppression did not converge")
