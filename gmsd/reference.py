"""Reference data the pipeline needs, read from `data/reference/` (copied into the repo).

Real CBS open data: the 342 gemeenten of 2025 with provincie, and KWB 2024 population per gemeente
and wijk for the 15 gemeenten of the sample. Age-band population is estimated from national shares
(see `data/reference/README.md`). Nothing here reads `../shared`: a fresh clone must be enough.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from gmsd.settings import REFERENCE_DIR

# Age bands the monitor uses (spec "Counting rules"), as inclusive (from, to) years.
AGE_BANDS: dict[str, list[tuple[str, int, int]]] = {
    "jeugd": [("0-3", 0, 3), ("4-11", 4, 11), ("12-17", 12, 17), ("18-22", 18, 22)],
    "wmo": [("18-64", 18, 64), ("65-74", 65, 74), ("75+", 75, 120)],
    "participatie": [("15-26", 15, 26), ("27-49", 27, 49), ("50-66", 50, 66), ("67+", 67, 120)],
}


def _read_csv(name: str, reference_dir: Path | None = None) -> pd.DataFrame:
    return pd.read_csv((reference_dir or REFERENCE_DIR) / name, dtype=str, keep_default_na=False)


@lru_cache(maxsize=4)
def gemeenten(reference_dir: Path | None = None) -> pd.DataFrame:
    """All gemeenten: gemeente_code, gemeente_naam, provincie_naam."""
    df = _read_csv("gemeenten_2025.csv", reference_dir)
    return df.rename(
        columns={"gemeentecode": "gemeente_code", "gemeentenaam": "gemeente_naam", "provincie": "provincie_naam"}
    )


@lru_cache(maxsize=1)
def gemeente_names() -> dict[str, str]:
    """gemeente_code → gemeente_naam."""
    frame = gemeenten()
    return dict(zip(frame.gemeente_code, frame.gemeente_naam))


@lru_cache(maxsize=4)
def age_shares(reference_dir: Path | None = None) -> pd.DataFrame:
    """National age shares (estimate): leeftijd_van, leeftijd_tot, aandeel (fraction)."""
    df = pd.read_csv((reference_dir or REFERENCE_DIR) / "leeftijdsaandelen_nl_2024.csv")
    df["aandeel"] = df["aandeel_pct"] / 100.0
    return df[["leeftijd_van", "leeftijd_tot", "aandeel"]]


def share_of_ages(van: int, tot: int, reference_dir: Path | None = None) -> float:
    """Fraction of the population aged van..tot (inclusive); bands must align with the table."""
    shares = age_shares(reference_dir)
    inside = shares[(shares.leeftijd_van >= van) & (shares.leeftijd_tot <= tot)]
    covered = inside.leeftijd_tot.max() if len(inside) else None
    if inside.empty or inside.leeftijd_van.min() != van or covered != min(tot, 120):
        raise ValueError(f"age band {van}-{tot} does not align with the reference age shares")
    return float(inside.aandeel.sum())


# Population denominators every indicator may use, as (from, to) ages; None = all inwoners.
POPULATION_GROUPS: dict[str, tuple[int, int] | None] = {
    "inwoners": None,
    "inwoners_0_22": (0, 22),
    "inwoners_15plus": (15, 120),
    "inwoners_18plus": (18, 120),
}


@lru_cache(maxsize=4)
def population(reference_dir: Path | None = None) -> pd.DataFrame:
    """Population per region (gemeente and wijk) with estimated age groups.

    Columns: regio_code, regio_niveau ('gemeente'|'wijk'), gemeente_code, regio_naam, inwoners,
    and one column per POPULATION_GROUPS key. Gemeente counts are exact CBS figures; wijk counts are
    CBS-rounded to 5. Age groups are `inwoners × national share` (estimate), rounded to whole persons.
    """
    names = gemeenten(reference_dir).set_index("gemeente_code")["gemeente_naam"]
    gem = _read_csv("kwb2024_gemeenten.csv", reference_dir)
    wijk = _read_csv("kwb2024_wijken.csv", reference_dir)
    wijknamen = _read_csv("wijknamen_2024.csv", reference_dir).set_index("wijkcode")["wijknaam"]

    gem_rows = pd.DataFrame(
        {
            "regio_code": gem.gemeentecode,
            "regio_niveau": "gemeente",
            "gemeente_code": gem.gemeentecode,
            "regio_naam": gem.gemeentecode.map(names),
            "inwoners": gem.inwoners.astype("int64"),
        }
    )
    # Wijken without an official name in the pack get a neutral Dutch label with their code.
    wijk_names = wijk.wijkcode.map(wijknamen)
    wijk_names = wijk_names.where(wijk_names.notna(), "Wijk " + wijk.wijkcode.str[-2:])
    wijk_rows = pd.DataFrame(
        {
            "regio_code": wijk.wijkcode,
            "regio_niveau": "wijk",
            "gemeente_code": wijk.gemeentecode,
            "regio_naam": wijk_names,
            "inwoners": wijk.inwoners.astype("int64"),
        }
    )
    df = pd.concat([gem_rows, wijk_rows], ignore_index=True)
    for column, ages in POPULATION_GROUPS.items():
        if ages is None:
            continue
        df[column] = (df.inwoners * share_of_ages(*ages, reference_dir=reference_dir)).round().astype("int64")
    return df


_PC6_COLUMN = re.compile(r"^(PC6|Huisnummer|Buurt(\d{4})|Wijk(\d{4})|Gemeente(\d{4}))$", re.IGNORECASE)


def read_pc6_table(path: Path) -> pd.DataFrame:
    """Read CBS's "Buurt, wijk en gemeente voor postcode-huisnummer" file (`pc6hnrJJJJ0801_gwb.csv`).

    The real format: `;`-separated, header `PC6;Huisnummer;BuurtJJJJ;WijkJJJJ;GemeenteJJJJ`, codes
    numeric without prefix (so leading zeros may be lost). Returns postcode, huisnummer (Int64),
    buurt_code (BU+8), wijk_code (WK+6), gemeente_code (GM+4), all prefixed and zero-padded.
    """
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    by_role: dict[str, str] = {}
    for column in raw.columns:
        match = _PC6_COLUMN.match(column.strip())
        if not match:
            continue
        role = re.sub(r"\d{4}$", "", match.group(1)).lower()
        by_role[role] = column
    missing = {"pc6", "huisnummer", "buurt", "wijk", "gemeente"} - set(by_role)
    if missing:
        raise ValueError(
            f"{path.name}: dit is geen CBS postcode-huisnummertabel; kolommen ontbreken: {sorted(missing)}"
        )
    out = pd.DataFrame(
        {
            "postcode": raw[by_role["pc6"]].str.replace(" ", "", regex=False).str.upper(),
            "huisnummer": pd.to_numeric(raw[by_role["huisnummer"]], errors="coerce").astype("Int64"),
            "buurt_code": "BU" + raw[by_role["buurt"]].str.strip().str.zfill(8),
            "wijk_code": "WK" + raw[by_role["wijk"]].str.strip().str.zfill(6),
            "gemeente_code": "GM" + raw[by_role["gemeente"]].str.strip().str.zfill(4),
        }
    )
    return out
