"""Reference data, read once per process from `data/reference/` (copied into the repository).

Real CBS open data for the whole country: the 342 gemeenten of 2025 with provincie, KWB 2024 key
figures for every gemeente and all 3,393 wijken, wijk names where CBS/PDOK has them, and the
gemeente boundaries of 2025. Population by age is estimated from national age shares (see
`data/reference/README.md`). Nothing here reads outside the repository: a fresh clone is enough.
Every function is cached, so the files are read once however many packages ask.
"""

from __future__ import annotations

import csv as python_csv
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv

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


class PostcodeTableError(ValueError):
    """The postcode-huisnummer table cannot be used; the message says what is wrong and what to do (Dutch)."""


def _whole_numbers(text: pa.Array) -> pa.Array:
    """Text as int64, anything not a number null: a direct cast when every cell is digits or empty
    (as in CBS's files; ten times faster), else what `pd.to_numeric` makes of it."""
    if pc.all(pc.match_substring_regex(text, r"^[0-9]*$")).as_py() is not False:
        return pc.cast(pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text), pa.int64())
    numbers = pd.to_numeric(pd.Series(text.to_pylist(), dtype="str"), errors="coerce").astype("Int64")
    return pa.array(numbers, type=pa.int64(), from_pandas=True)


def _upper(text: pa.Array) -> pa.Array:
    """Capitals, as `str.upper`; ASCII text (every real postcode) by the ASCII kernel, ~7× faster."""
    return pc.ascii_upper(text) if pc.all(pc.string_is_ascii(text)).as_py() is not False else pc.utf8_upper(text)


def read_pc6_arrow(path: Path) -> pa.Table:
    """Read CBS's "Buurt, wijk en gemeente voor postcode-huisnummer" file (`pc6hnrJJJJ0801_gwb.csv`).

    The real format: `;`-separated, header `PC6;Huisnummer;BuurtJJJJ;WijkJJJJ;GemeenteJJJJ`, codes
    numeric without prefix (so leading zeros may be lost). Returns postcode, huisnummer (int64, null
    where not a number), buurt_code (BU+8), wijk_code (WK+6), gemeente_code (GM+4), all prefixed and
    zero-padded; the codes dictionary-encoded. Arrow from reading to result: the national table
    (~1.8 million addresses) in ~0.3 s, where pandas' string methods took ~1.2 s, and the geography
    is prepared from these arrays as they are.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as header_line:
            header = next(python_csv.reader(header_line, delimiter=";"), [])
        raw = csv.read_csv(
            path,
            read_options=csv.ReadOptions(encoding="utf-8"),  # Arrow skips a UTF-8 byte order mark itself
            parse_options=csv.ParseOptions(delimiter=";"),
            # Every column as text, as written (a code keeps its zeros, a huisnummer its letters).
            convert_options=csv.ConvertOptions(column_types={name: pa.large_string() for name in header}, strings_can_be_null=False,
                                               quoted_strings_can_be_null=False, null_values=[], check_utf8=True),
        )
    except (UnicodeDecodeError, pa.ArrowInvalid) as exc:
        reason = "er staan tekens in die geen UTF-8 zijn" if "UTF8" in str(exc) or isinstance(exc, UnicodeDecodeError) else f"Arrow meldt: {exc}"
        raise PostcodeTableError(
            f"De postcode-huisnummertabel {path.name} is niet te lezen: {reason}. Zet het CBS-bestand pc6hnrJJJJ0801_gwb.csv "
            f"opnieuw neer zoals CBS het levert (UTF-8, gescheiden door puntkomma's) in {path.parent}."
        ) from exc
    by_role: dict[str, str] = {}
    for column in raw.column_names:
        match = _PC6_COLUMN.match(column.strip())
        if match:
            by_role[re.sub(r"\d{4}$", "", match.group(1)).lower()] = column
    missing = {"pc6", "huisnummer", "buurt", "wijk", "gemeente"} - set(by_role)
    if missing:
        raise PostcodeTableError(
            f"{path.name}: dit is geen CBS postcode-huisnummertabel; kolommen ontbreken: {sorted(missing)}. Zet het CBS-bestand "
            f"pc6hnrJJJJ0801_gwb.csv (kolommen PC6;Huisnummer;BuurtJJJJ;WijkJJJJ;GemeenteJJJJ) in {path.parent}."
        )

    def column(role: str) -> pa.Array:
        return raw[by_role[role]].combine_chunks()

    def code(role: str, prefix: str, width: int) -> pa.DictionaryArray:
        # A few thousand distinct codes in 1.8 million rows: each is padded and prefixed once.
        encoded = pc.dictionary_encode(column(role))
        digits = pc.utf8_lpad(pc.utf8_trim_whitespace(encoded.dictionary), width=width, padding="0")
        prefixed = pc.binary_join_element_wise(pa.scalar(prefix, pa.large_string()), digits, pa.scalar("", pa.large_string()))
        return pa.DictionaryArray.from_arrays(encoded.indices, prefixed)

    return pa.table(
        {
            "postcode": _upper(pc.replace_substring(column("pc6"), " ", "")),
            "huisnummer": _whole_numbers(column("huisnummer")),
            "buurt_code": code("buurt", "BU", 8),
            "wijk_code": code("wijk", "WK", 6),
            "gemeente_code": code("gemeente", "GM", 4),
        }
    )


def read_pc6_table(path: Path) -> pd.DataFrame:
    """`read_pc6_arrow` as a DataFrame: text columns `str`, huisnummer `Int64`."""
    table = read_pc6_arrow(path)
    table = table.cast(pa.schema([pa.field(f.name, pa.large_string() if pa.types.is_dictionary(f.type) else f.type) for f in table.schema]))
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
