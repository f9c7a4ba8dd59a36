"""Reference data, read once per process from `data/reference/` (copied into the repository).

Real CBS open data for the whole country: the 342 gemeenten of 2025 with provincie, KWB 2024 key
figures for every gemeente and all 3,393 wijken, wijk names where CBS/PDOK has them, and the
gemeente boundaries of 2025. Population by age is estimated from national age shares (see
`data/reference/README.md`). Nothing here reads outside the repository: a fresh clone is enough.
Every function is cached, so the files are read once however many packages ask.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from vocabulary.home import REFERENCE_DIR

GEMEENTEN_FILE = "gemeenten_2025.csv"
KWB_GEMEENTEN_FILE = "kwb2024_nl_gemeenten.csv"
KWB_WIJKEN_FILE = "kwb2024_nl_wijken.csv"
WIJKNAMEN_FILE = "wijknamen_2024.csv"
AGE_SHARES_FILE = "leeftijdsaandelen_nl_2024.csv"
BOUNDARIES_FILE = "gemeente_2025.topojson"
BOUNDARIES_CREDIT = "Grenzen: CBS/Kadaster, CC BY 4.0"
SOURCE_CREDIT = "Bevolking: CBS, Kerncijfers wijken en buurten 2024 (CC BY 4.0)"

# Age bands the monitor uses (spec "Counting rules"), as inclusive (from, to) years.
AGE_BANDS: dict[str, list[tuple[str, int, int]]] = {
    "jeugd": [("0-3", 0, 3), ("4-11", 4, 11), ("12-17", 12, 17), ("18-22", 18, 22)],
    "wmo": [("18-64", 18, 64), ("65-74", 65, 74), ("75+", 75, 120)],
    "participatie": [("15-26", 15, 26), ("27-49", 27, 49), ("50-66", 50, 66), ("67+", 67, 120)],
}

# Population denominators every indicator may use, as (from, to) ages; None = all inwoners.
POPULATION_GROUPS: dict[str, tuple[int, int] | None] = {
    "inwoners": None,
    "inwoners_0_22": (0, 22),
    "inwoners_15plus": (15, 120),
    "inwoners_18plus": (18, 120),
}


def _read_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def gemeenten() -> pd.DataFrame:
    """All gemeenten: gemeente_code, gemeente_naam, provincie_naam."""
    return _read_csv(GEMEENTEN_FILE).rename(
        columns={"gemeentecode": "gemeente_code", "gemeentenaam": "gemeente_naam", "provincie": "provincie_naam"}
    )


@lru_cache(maxsize=1)
def gemeente_names() -> dict[str, str]:
    """gemeente_code → gemeente_naam."""
    frame = gemeenten()
    return dict(zip(frame.gemeente_code, frame.gemeente_naam))


KWB_FIGURES = ("inwoners", "mannen", "vrouwen", "woningvoorraad", "oppervlakte_land_ha")


def _read_kwb(name: str) -> pd.DataFrame:
    """A KWB file with its figures as whole numbers (empty in the source = missing)."""
    frame = _read_csv(name)
    for column in KWB_FIGURES:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


@lru_cache(maxsize=1)
def kwb_gemeenten() -> pd.DataFrame:
    """KWB 2024 per gemeente: gemeentecode, inwoners, mannen, vrouwen, woningvoorraad, oppervlakte_land_ha."""
    return _read_kwb(KWB_GEMEENTEN_FILE)


@lru_cache(maxsize=1)
def kwb_wijken() -> pd.DataFrame:
    """KWB 2024 per wijk: wijkcode, gemeentecode, inwoners, mannen, vrouwen, woningvoorraad, oppervlakte_land_ha."""
    return _read_kwb(KWB_WIJKEN_FILE)


@lru_cache(maxsize=1)
def wijk_names() -> dict[str, str]:
    """wijkcode → official name, for the wijken CBS/PDOK names (not all: the others show their code)."""
    frame = _read_csv(WIJKNAMEN_FILE)
    return dict(zip(frame.wijkcode, frame.wijknaam))


@lru_cache(maxsize=1)
def age_shares() -> pd.DataFrame:
    """National age shares (estimate): leeftijd_van, leeftijd_tot, aandeel (fraction)."""
    frame = pd.read_csv(REFERENCE_DIR / AGE_SHARES_FILE)
    frame["aandeel"] = frame["aandeel_pct"] / 100.0
    return frame[["leeftijd_van", "leeftijd_tot", "aandeel"]]


@lru_cache(maxsize=64)
def share_of_ages(van: int, tot: int) -> float:
    """Fraction of the population aged van..tot (inclusive); bands must align with the table."""
    shares = age_shares()
    inside = shares[(shares.leeftijd_van >= van) & (shares.leeftijd_tot <= tot)]
    covered = inside.leeftijd_tot.max() if len(inside) else None
    if inside.empty or inside.leeftijd_van.min() != van or covered != min(tot, 120):
        raise ValueError(f"age band {van}-{tot} does not align with the reference age shares")
    return float(inside.aandeel.sum())


@lru_cache(maxsize=1)
def population() -> pd.DataFrame:
    """Population per region (every gemeente and wijk) with estimated age groups.

    Columns: regio_code, regio_niveau ('gemeente'|'wijk'), gemeente_code, regio_naam, inwoners,
    and one column per POPULATION_GROUPS key. Gemeente counts are exact CBS figures; wijk counts are
    CBS-rounded to 5. Age groups are `inwoners × national share` (estimate), rounded to whole persons.
    A wijk without an official name is named by its code.
    """
    names = gemeente_names()
    gem = kwb_gemeenten()
    wijk = kwb_wijken()
    gem_rows = pd.DataFrame(
        {
            "regio_code": gem.gemeentecode,
            "regio_niveau": "gemeente",
            "gemeente_code": gem.gemeentecode,
            "regio_naam": gem.gemeentecode.map(names),
            "inwoners": gem.inwoners.fillna(0).astype("int64"),
        }
    )
    wijk_rows = pd.DataFrame(
        {
            "regio_code": wijk.wijkcode,
            "regio_niveau": "wijk",
            "gemeente_code": wijk.gemeentecode,
            "regio_naam": wijk.wijkcode.map(wijk_names()).fillna(wijk.wijkcode),
            "inwoners": wijk.inwoners.fillna(0).astype("int64"),
        }
    )
    frame = pd.concat([gem_rows, wijk_rows], ignore_index=True)
    for column, ages in POPULATION_GROUPS.items():
        if ages is not None:
            frame[column] = (frame.inwoners * share_of_ages(*ages)).round().astype("int64")
    return frame


def boundaries_path() -> Path:
    """The CBS gemeente boundaries of 2025 (TopoJSON, WGS84); credit BOUNDARIES_CREDIT where shown."""
    return REFERENCE_DIR / BOUNDARIES_FILE


_PC6_COLUMN = re.compile(r"^(PC6|Huisnummer|Buurt(\d{4})|Wijk(\d{4})|Gemeente(\d{4}))$", re.IGNORECASE)
PC6_TABLE_GLOB = "pc6hnr*_gwb.csv"


def _whole_numbers(text: pd.Series) -> pd.Series:
    """Text as Int64, anything not a number empty: a direct cast when every cell is digits or empty
    (as in CBS's files; ten times faster), else `pd.to_numeric`."""
    if text.str.fullmatch(r"[0-9]*").all():
        return text.where(text != "").astype("Int64")
    return pd.to_numeric(text, errors="coerce").astype("Int64")


def read_pc6_table(path: Path) -> pd.DataFrame:
    """Read CBS's "Buurt, wijk en gemeente voor postcode-huisnummer" file (`pc6hnrJJJJ0801_gwb.csv`).

    The real format: `;`-separated, header `PC6;Huisnummer;BuurtJJJJ;WijkJJJJ;GemeenteJJJJ`, codes
    numeric without prefix (so leading zeros may be lost). Returns postcode, huisnummer (Int64),
    buurt_code (BU+8), wijk_code (WK+6), gemeente_code (GM+4), all prefixed and zero-padded.
    """
    # Arrow's reader: the national table (~1.8 million addresses) in under a second, the same frame.
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig", engine="pyarrow")
    by_role: dict[str, str] = {}
    for column in raw.columns:
        match = _PC6_COLUMN.match(column.strip())
        if match:
            by_role[re.sub(r"\d{4}$", "", match.group(1)).lower()] = column
    missing = {"pc6", "huisnummer", "buurt", "wijk", "gemeente"} - set(by_role)
    if missing:
        raise ValueError(f"{path.name}: dit is geen CBS postcode-huisnummertabel; kolommen ontbreken: {sorted(missing)}")
    return pd.DataFrame(
        {
            "postcode": raw[by_role["pc6"]].str.replace(" ", "", regex=False).str.upper(),
            "huisnummer": _whole_numbers(raw[by_role["huisnummer"]]),
            "buurt_code": "BU" + raw[by_role["buurt"]].str.strip().str.zfill(8),
            "wijk_code": "WK" + raw[by_role["wijk"]].str.strip().str.zfill(6),
            "gemeente_code": "GM" + raw[by_role["gemeente"]].str.strip().str.zfill(4),
        }
    )
