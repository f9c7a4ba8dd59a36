"""Synthetic addresses in real wijken, and the CBS-format postcode table that places them.

Every gemeente gets addresses in proportion to its wijken's real population (CBS KWB 2024), in
sequential PC6s that are cut into synthetic buurten (`BU` + wijk code + two digits). Postcodes are
made up but valid (`[1-9][0-9]{3}[A-Z]{2}`, never the letter pairs SA, SD and SS, as PostNL) and
never collide between gemeenten: gemeente number i of the national list (vocabulary.reference
.gemeenten, 342 in 2025) owns the PC4 block 1000 + 25·i … 1000 + 25·i + 24, so the 342 blocks
end at 9549. One PC4 holds 673 PC6s of 8–29 addresses, so a block holds at least 134,600
addresses; the largest gemeente (Amsterdam, 93,159 addresses) uses 8 of its 25 PC4s.

Addresses and the gemeente's aanbieders are the gemeente's world, not its clients: they are drawn
from a stream seeded by the gemeente alone (with the sample's seed), so a delivery generated with
another `--seed` lands on the same addresses and an existing postcode table stays valid for it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np
import pandas as pd

# The seed of the committed sample; it also fixes every gemeente's addresses and aanbieders.
WORLD_SEED = 20250701
PC4_FIRST = 1000
PC4_PER_GEMEENTE = 25
LETTERS = [a + b for a in string.ascii_uppercase for b in string.ascii_uppercase if a + b not in ("SA", "SD", "SS")]
CBS_YEAR = 2024


@dataclass
class Addresses:
    """All synthetic addresses of one gemeente: postcode, huisnummer, buurt, wijk, and a weight."""

    table: pd.DataFrame  # postcode, huisnummer, buurt_code, wijk_code, gemeente_code
    weight: np.ndarray  # relative chance that a client lives at each address


def world_rng(gemeente_code: str) -> np.random.Generator:
    """The random stream of a gemeente's world: its addresses, then its aanbieders."""
    return np.random.default_rng([WORLD_SEED, int(gemeente_code[2:]), 0])


def pc4_block(national_index: int) -> int:
    """The first PC4 number of the gemeente at `national_index` in the national list."""
    first = PC4_FIRST + national_index * PC4_PER_GEMEENTE
    if national_index < 0 or first + PC4_PER_GEMEENTE - 1 > 9999:
        raise ValueError(f"no PC4 block for gemeente number {national_index}: blocks of {PC4_PER_GEMEENTE} end at 9999")
    return first


def make_addresses(gemeente_code: str, national_index: int, wijken: pd.DataFrame, rng: np.random.Generator) -> Addresses:
    """Addresses per wijk in proportion to its population, in sequential PC6s split over buurten.

    Buurten are cut from the sequential address list, which leaves some PC6s spanning two
    buurten, as in the real table. `wijken` are the gemeente's KWB rows with whole `inwoners`.
    """
    wijken = wijken[wijken.inwoners.fillna(0) > 0].sort_values("wijkcode")
    per_wijk = np.maximum(10, np.ceil(wijken.inwoners.to_numpy() / 10.0)).astype(int)
    total = int(per_wijk.sum())
    house_numbers = rng.integers(8, 30, size=total // 8 + len(per_wijk) + 10)
    pc6_of_address = np.repeat(np.arange(len(house_numbers)), house_numbers)[:total]
    first_of_pc6 = np.cumsum(house_numbers) - house_numbers
    huisnummer = (np.arange(len(pc6_of_address)) - first_of_pc6[pc6_of_address] + 1)
    needed = int(pc6_of_address.max()) + 1
    if needed > PC4_PER_GEMEENTE * len(LETTERS):
        raise ValueError(f"{gemeente_code} needs {needed} PC6s, more than its {PC4_PER_GEMEENTE} PC4 numbers hold")
    pc6 = np.arange(needed)
    pc4 = (pc4_block(national_index) + pc6 // len(LETTERS)).astype(str).astype(object)
    postcodes = pc4 + np.array(LETTERS, dtype=object)[pc6 % len(LETTERS)]
    wijk_codes = wijken.wijkcode.to_numpy()
    wijk_of_address = np.repeat(wijk_codes, per_wijk)
    labels = np.zeros(total, dtype=int)
    start = 0
    for n, inwoners in zip(per_wijk, wijken.inwoners):
        parts = int(np.clip(round(inwoners / 2500), 1, 8))
        if parts > 1:
            cuts = np.sort(rng.choice(np.arange(1, n), size=min(parts - 1, n - 1), replace=False))
            labels[start:start + n] = np.searchsorted(cuts, np.arange(n), side="right")
        start += n
    buurt_prefix = np.repeat(np.array([f"BU{code[2:]}" for code in wijk_codes], dtype=object), per_wijk)
    buurt = buurt_prefix + np.char.zfill(labels.astype(str), 2).astype(object)
    table = pd.DataFrame(
        {
            "postcode": postcodes[pc6_of_address],
            "huisnummer": huisnummer,
            "buurt_code": buurt,
            "wijk_code": wijk_of_address,
            "gemeente_code": gemeente_code,
        }
    )
    # Wijken differ in need: a lognormal factor per wijk makes wijk figures vary like real ones.
    wijk_factor = dict(zip(wijken.wijkcode, rng.lognormal(0.0, 0.35, size=len(wijken))))
    weight = table.wijk_code.map(wijk_factor).to_numpy(dtype=float)
    return Addresses(table=table, weight=weight / weight.sum())


def cbs_columns(year: int = CBS_YEAR) -> list[str]:
    """The header of CBS's postcode-huisnummer file."""
    return ["PC6", "Huisnummer", f"Buurt{year}", f"Wijk{year}", f"Gemeente{year}"]


def pc6_table_cbs(table: pd.DataFrame, year: int = CBS_YEAR) -> pd.DataFrame:
    """Addresses in CBS's published format: `PC6;Huisnummer;BuurtJJJJ;WijkJJJJ;GemeenteJJJJ`,
    codes numeric without prefix (so a leading zero disappears, as in the real file)."""
    return pd.DataFrame(
        dict(
            zip(
                cbs_columns(year),
                (
                    table.postcode,
                    table.huisnummer.astype(str),
                    table.buurt_code.str[2:].str.lstrip("0"),
                    table.wijk_code.str[2:].str.lstrip("0"),
                    table.gemeente_code.str[2:].str.lstrip("0"),
                ),
            )
        )
    )
