"""Locate addresses: PC6 (+ huisnummer) → buurt → wijk, using CBS's postcode-huisnummer table.

With a huisnummer the buurt is exact. Without one (or when the number is not in the table) the PC6's
buurt with most addresses is used — a PC6 rarely spans buurten, and when it does, it is mostly
within one wijk. An address outside the delivering gemeente, or a postcode the table does not know,
gets no wijk: the record still counts for the gemeente (spec: "Geography").

Lookups are binary searches on integer keys prepared once per table (a PC6 `1234AB` is the number
1234·676 + 0·26 + 1; with the huisnummer it is one int64), so locating a delivery costs a search
per row, not a merge against the whole national table (~10 million addresses).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vocabulary import files
from vocabulary.home import Home
from vocabulary.arrow_text import arrow_text, ascii_bytes
from vocabulary.reference import PC6_TABLE_GLOB, PostcodeTableError, read_pc6_arrow

PC6_ENV = "GMSD_PC6_TABLE"


class GeographyError(RuntimeError):
    """No usable postcode-huisnummer table; the message says what is wrong and what to do (Dutch)."""


HUISNUMMER_LIMIT = 1_000_000  # a huisnummer at or above this has no exact match (none exist)


def postcode_numbers(postcodes: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """PC6 `1234AB` → 1234·676 + 0·26 + 1 (int64); -1 for anything that is not a canonical PC6.

    Read from Arrow's bytes with NumPy: a regular expression (ASCII digits and capitals) marks the
    canonical cells, whose six bytes become the number (no Python string per row)."""
    text = arrow_text(postcodes)
    numbers = np.full(len(text), -1, dtype=np.int64)
    valid = pc.fill_null(pc.match_substring_regex(text, r"^[1-9][0-9]{3}[A-Z]{2}$"), False).to_numpy(zero_copy_only=False)
    if not valid.any():
        return numbers
    found = ascii_bytes(pc.if_else(valid, text, pa.scalar("", pa.large_string())))  # only canonical (ASCII) cells keep bytes
    if found is None:
        raise RuntimeError("postcode_numbers: a canonical PC6 is ASCII")
    offsets, data = found
    raw = data[offsets[:-1][valid][:, None] + np.arange(6)].astype(np.int64)
    digits = (raw[:, 0] - 48) * 1000 + (raw[:, 1] - 48) * 100 + (raw[:, 2] - 48) * 10 + (raw[:, 3] - 48)
    numbers[valid] = digits * 676 + (raw[:, 4] - 65) * 26 + (raw[:, 5] - 65)
    return numbers


def _address_numbers(postcode: np.ndarray, huisnummer: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    if isinstance(huisnummer, (pa.Array, pa.ChunkedArray)):
        number = pc.fill_null(huisnummer.cast(pa.int64()), -1).to_numpy()
    else:
        number = huisnummer.astype("Int64").fillna(-1).to_numpy(dtype=np.int64)
    usable = (postcode >= 0) & (number >= 0) & (number < HUISNUMMER_LIMIT)
    return np.where(usable, postcode * HUISNUMMER_LIMIT + number, -1)


# The arrays of a prepared geography, each saved as `<name>.npy` in the prepared folder.
ARRAYS = ("exact_keys", "exact_places", "postcode_keys", "postcode_places", "buurt_code", "wijk_code", "gemeente_code")


def _first_of_each(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The usable keys (>= 0) sorted and distinct, and for each the row where it first occurs."""
    rows = np.flatnonzero(keys >= 0)
    distinct, first = np.unique(keys[rows], return_index=True)
    return distinct, rows[first]


def _dictionary(codes: pd.Series | pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Per row an index into the returned texts; a missing code is the last text, ""."""
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    if not isinstance(codes, pa.DictionaryArray):
        codes = pc.dictionary_encode(arrow_text(codes))
    texts = codes.dictionary.cast(pa.large_string()).to_pylist()
    return pc.fill_null(codes.indices, len(texts)).to_numpy().astype(np.int64), texts + [""]


def _places(buurt: pd.Series | pa.Array, wijk: pd.Series | pa.Array, gemeente: pd.Series | pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row its place (an int32 index into the places), the places (buurt, wijk, gemeente) in the
    order of their codes, and per row whether all three codes are there.

    Worked out on the codes' dictionaries: a table of 1.8 million addresses names ~15,000 places, so
    only those become text; joining three codes per row and sorting those texts took most of the time."""
    found = [_dictionary(codes) for codes in (buurt, wijk, gemeente)]
    complete = np.logical_and.reduce([indices < len(texts) - 1 for indices, texts in found])  # a row without codes names no place to count
    key = np.zeros(len(complete), dtype=np.int64)
    for indices, texts in found:
        key = key * len(texts) + indices
    distinct, inverse = np.unique(key, return_inverse=True)
    triples, rest = [], distinct
    for indices, texts in reversed(found):
        triples.append(np.array(texts, dtype=object)[rest % len(texts)])
        rest = rest // len(texts)
    joined = ["|".join(parts) for parts in zip(*reversed(triples))]
    # Places numbered in the order of their joined codes (two dictionary entries may be the same code).
    names, place_of_distinct = np.unique(np.array(joined, dtype=object), return_inverse=True) if joined else (np.array([], dtype=object), np.array([], dtype=np.int64))
    places = np.array([name.split("|") for name in names], dtype="U10").reshape(-1, 3)
    return place_of_distinct.reshape(-1).astype(np.int32)[inverse.reshape(-1)], places, complete


@dataclass(frozen=True)
class Geography:
    """Sorted integer keys, each with a place: one (buurt, wijk, gemeente) of a short list.

    Plain arrays rather than DataFrames or hash indexes: saved as `.npy` they are opened in
    milliseconds (memory-mapped, shared by forked workers), where building hash indexes over the
    national table took seconds in every command; a lookup is a binary search per row.
    """

    exact_keys: np.ndarray  # postcode·10⁶ + huisnummer, sorted, distinct
    exact_places: np.ndarray  # int32 position in the code lists
    postcode_keys: np.ndarray  # PC6 number, sorted, distinct
    postcode_places: np.ndarray  # the PC6's dominant place
    buurt_code: np.ndarray  # code lists (fixed-width text), one entry per place, plus "" (unknown) at the end
    wijk_code: np.ndarray
    gemeente_code: np.ndarray

    @classmethod
    def from_table(cls, table: pd.DataFrame | pa.Table) -> "Geography":
        """From CBS's postcode-huisnummer rows (postcode, huisnummer, buurt_code, wijk_code, gemeente_code).

        An exact address is found on its first row; a PC6 without a usable huisnummer gets its
        dominant place: the (buurt, wijk, gemeente) with most addresses, the lowest buurt code on a tie.
        Arrow and numpy throughout (the national table's 1.8 million rows in ~0.4 s; with pandas'
        factorize and groupby it took ~1.5 s, to the same arrays).
        """
        columns = ["buurt_code", "wijk_code", "gemeente_code"]
        place_of_row, places, complete = _places(*(table[column] for column in columns))
        postcode = postcode_numbers(table["postcode"])
        exact_keys, exact_rows = _first_of_each(_address_numbers(postcode, table["huisnummer"]))
        # Per (PC6, place) its addresses; per PC6 the place with most, then the lowest buurt code, then the lowest place.
        counted = (postcode >= 0) & complete
        width = max(len(places), 1)
        pairs, sizes = np.unique(postcode[counted] * width + place_of_row[counted], return_counts=True)
        pair_postcode, pair_place = pairs // width, (pairs % width).astype(np.int32)
        buurt_rank = np.unique(places[:, 0], return_inverse=True)[1].reshape(-1)
        ranked = np.lexsort((pair_place, buurt_rank[pair_place], -sizes, pair_postcode))
        chosen_postcode, chosen_place = pair_postcode[ranked], pair_place[ranked]
        first = np.ones(len(ranked), dtype=bool)
        first[1:] = chosen_postcode[1:] != chosen_postcode[:-1]
        return cls(
            exact_keys=exact_keys, exact_places=place_of_row[exact_rows],
            postcode_keys=chosen_postcode[first].astype(np.int64), postcode_places=chosen_place[first],
            **{name: np.append(places[:, i], "") for i, name in enumerate(columns)},
        )  # fmt: skip

    @classmethod
    def from_file(cls, path: Path) -> "Geography":
        return cls.from_table(read_pc6_arrow(path))

    def save(self, folder: Path) -> None:
        """Every array as `<name>.npy` in `folder` (written beside and renamed: a crash leaves no half form)."""
        with files.replaced_folder(folder) as building:
            for name in ARRAYS:
                np.save(building / f"{name}.npy", getattr(self, name), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> "Geography":
        return cls(**{name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in ARRAYS})

    @staticmethod
    def _find(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        """Position of each wanted key in the sorted `keys`, or -1. The distinct wanted keys are
        searched in order (a delivery repeats its addresses, and ordered searches stay in cache:
        a third of the time of searching every row in delivery order)."""
        if len(keys) == 0 or len(wanted) == 0:
            return np.full(len(wanted), -1, dtype=np.int64)
        distinct, inverse = np.unique(wanted, return_inverse=True)
        position = np.minimum(np.searchsorted(keys, distinct), len(keys) - 1)
        found = np.where((keys[position] == distinct) & (distinct >= 0), position, -1)
        return found[inverse.reshape(-1)]

    def locate(self, postcode: pd.Series, huisnummer: pd.Series | None, gemeente_code: str | np.ndarray) -> pd.DataFrame:
        """buurt_code and wijk_code per row (<NA> where unknown or outside the gemeente; `gemeente_code`
        may be given per row, for rows of several deliveries at once)."""
        codes = postcode_numbers(postcode)
        numbers = huisnummer if huisnummer is not None else pd.Series(pd.NA, index=postcode.index, dtype="Int64")
        exact = self._find(self.exact_keys, _address_numbers(codes, numbers))
        fallback = self._find(self.postcode_keys, codes)
        unknown = len(self.buurt_code) - 1  # the empty code at the end
        place = np.full(len(codes), unknown, dtype=np.int64)  # indexing only where found: an empty table finds nothing
        place[fallback >= 0] = np.asarray(self.postcode_places)[fallback[fallback >= 0]]
        place[exact >= 0] = np.asarray(self.exact_places)[exact[exact >= 0]]  # an exact address wins
        place_gemeente = np.asarray(self.gemeente_code)
        if np.ndim(gemeente_code) == 0:  # one gemeente delivers: which places are its own
            inside = (place_gemeente == str(gemeente_code))[place]
        else:  # per row: each place's gemeente as a number among the delivering ones, compared per row
            wanted, delivering = pd.factorize(np.asarray(gemeente_code, dtype=object))
            inside = pd.Index(delivering).get_indexer(place_gemeente)[place] == wanted
        inside &= place_gemeente[place] != ""
        chosen = pa.array(place, mask=~inside)  # outside the gemeente or unknown: no code
        return pd.DataFrame(
            {name: pd.arrays.ArrowStringArray(pc.take(pa.array(np.asarray(getattr(self, name)).tolist(), pa.large_string()), chosen))
             for name in ("buurt_code", "wijk_code")},
            index=postcode.index,
        )  # fmt: skip


def pc6_table_path(home: Home) -> Path:
    """The CBS postcode table in use: $GMSD_PC6_TABLE, else the newest `pc6hnr*_gwb.csv` in <home>/reference/."""
    if os.environ.get(PC6_ENV):
        chosen = Path(os.environ[PC6_ENV])
        if not chosen.is_file():
            raise GeographyError(f"{PC6_ENV} wijst naar {chosen}, maar daar staat geen bestand. Wijs het CBS-bestand "
                                 f"pc6hnrJJJJ0801_gwb.csv aan, of haal {PC6_ENV} weg om de tabel in {home.reference} te gebruiken.")
        return chosen
    candidates = sorted(home.reference.glob(PC6_TABLE_GLOB))
    if not candidates:
        raise GeographyError(
            f"Geen postcode-huisnummertabel gevonden in {home.reference}. Zet het CBS-bestand "
            f"pc6hnrJJJJ0801_gwb.csv daar neer of wijs het aan met {PC6_ENV}."
        )
    return candidates[-1]


_CACHE: dict[str, Geography] = {}


def _prepared_path(path: Path, stat) -> Path:
    """Where the prepared form of this version of the table is kept (beside it; public CBS data)."""
    return path.parent / ".voorbereid" / f"{path.stem}-{stat.st_size}-{stat.st_mtime_ns}"


def forget_geography() -> None:
    """Drop the table from memory (the intake is done with it; a later intake reads the prepared form)."""
    _CACHE.clear()


def prepared_geography(path: Path) -> Geography:
    """The geography of the postcode table at `path`, from its prepared form, which is made (and any
    form of an older version removed) when this version of the table has none yet.

    Whoever writes a table prepares it (`gmsd generate --home`), so the intake finds it ready; a table
    put in place by hand (CBS's yearly file) is prepared by the first command that reads it.
    """
    stat = path.stat()
    prepared = _prepared_path(path, stat)
    if all((prepared / f"{name}.npy").is_file() for name in ARRAYS):
        return Geography.load(prepared)
    try:
        geography = Geography.from_file(path)
    except PostcodeTableError as exc:
        raise GeographyError(str(exc)) from exc
    geography.save(prepared)
    for stale in prepared.parent.glob(f"{path.stem}-*"):
        if stale != prepared and not stale.name.startswith("."):
            shutil.rmtree(stale, ignore_errors=True)
    return Geography.load(prepared)  # memory-mapped, as every later command has it


def geography_for(home: Home) -> Geography:
    """The geography of the home's postcode table, read once per process and version of the file.

    Parsing the national CBS table (~50 MB of text) takes seconds; its prepared form (the arrays of
    `Geography`) is kept beside it and opened memory-mapped by every later command, in milliseconds,
    until the table changes.
    """
    path = pc6_table_path(home)
    stat = path.stat()
    cache_key = f"{path}:{stat.st_mtime_ns}:{stat.st_size}"
    if cache_key in _CACHE:
        return _CACHE[cache_key]
    geography = prepared_geography(path)
    _CACHE.clear()
    _CACHE[cache_key] = geography
    return geography
