"""Locate addresses: PC6 (+ huisnummer) → buurt → wijk, using CBS's postcode-huisnummer table.

With a huisnummer the buurt is exact. Without one (or when the number is not in the table) the PC6's
buurt with most addresses is used — a PC6 rarely spans buurten, and when it does, it is mostly
within one wijk. An address outside the delivering gemeente, or a postcode the table does not know,
gets no wijk: the record still counts for the gemeente (spec: "Geography").

Lookups are joins on integer keys against indexes built once per table (a PC6 `1234AB` is the
number 1234·676 + 0·26 + 1; with the huisnummer it is one int64), so locating a delivery costs a
hash probe per row, not a merge against the whole national table (~10 million addresses).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vocabulary import files
from vocabulary.home import Home
from vocabulary.reference import PC6_TABLE_GLOB, read_pc6_table

PC6_ENV = "GMSD_PC6_TABLE"


class GeographyError(FileNotFoundError):
    """No postcode-huisnummer table; the message says where to put it (Dutch)."""


HUISNUMMER_LIMIT = 1_000_000  # a huisnummer at or above this has no exact match (none exist)


def postcode_numbers(postcodes: pd.Series) -> np.ndarray:
    """PC6 `1234AB` → 1234·676 + 0·26 + 1 (int64); -1 for anything that is not a canonical PC6."""
    text = postcodes.astype("string").fillna("")
    valid = text.str.fullmatch(r"[1-9]\d{3}[A-Z]{2}").fillna(False).to_numpy(dtype=bool)
    numbers = np.full(len(text), -1, dtype=np.int64)
    if valid.any():
        raw = text[valid].to_numpy(dtype="U6").view(np.uint32).reshape(-1, 6).astype(np.int64)
        digits = (raw[:, 0] - 48) * 1000 + (raw[:, 1] - 48) * 100 + (raw[:, 2] - 48) * 10 + (raw[:, 3] - 48)
        numbers[valid] = digits * 676 + (raw[:, 4] - 65) * 26 + (raw[:, 5] - 65)
    return numbers


def _address_numbers(postcode: np.ndarray, huisnummer: pd.Series) -> np.ndarray:
    number = huisnummer.astype("Int64")
    usable = (postcode >= 0) & number.notna().to_numpy() & (number.fillna(-1).to_numpy(dtype=np.int64) >= 0)
    usable &= number.fillna(0).to_numpy(dtype=np.int64) < HUISNUMMER_LIMIT
    return np.where(usable, postcode * HUISNUMMER_LIMIT + number.fillna(0).to_numpy(dtype=np.int64), -1)


@dataclass(frozen=True)
class Geography:
    exact: pd.DataFrame  # postcode, huisnummer, buurt_code, wijk_code, gemeente_code
    by_postcode: pd.DataFrame  # postcode → dominant buurt_code, wijk_code, gemeente_code
    _exact_index: pd.Index = field(init=False, repr=False, compare=False)
    _postcode_index: pd.Index = field(init=False, repr=False, compare=False)
    _codes: dict = field(init=False, repr=False, compare=False)  # (table, column) → codes as an array, plus "" (unknown) at the end

    def __post_init__(self) -> None:
        # Only usable, distinct keys go into an index (a row without huisnummer has no exact key).
        keys = {
            "exact": _address_numbers(postcode_numbers(self.exact["postcode"]), self.exact["huisnummer"]),
            "postcode": postcode_numbers(self.by_postcode["postcode"]),
        }
        frames = {"exact": self.exact, "postcode": self.by_postcode}
        codes = {}
        for table, key in keys.items():
            usable = (key >= 0) & ~pd.Index(key).duplicated()
            object.__setattr__(self, f"_{table}_index" if table == "exact" else "_postcode_index", pd.Index(key[usable]))
            for name in ("buurt_code", "wijk_code", "gemeente_code"):
                # Fixed-width text, not Python objects: forked intake workers read these without
                # touching reference counts, so the pages stay shared instead of being copied.
                codes[table, name] = np.append(frames[table][name].fillna("").to_numpy(dtype="U10")[usable], "")
        object.__setattr__(self, "_codes", codes)

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> "Geography":
        exact = table.drop_duplicates(["postcode", "huisnummer"])
        counts = table.groupby(["postcode", "buurt_code", "wijk_code", "gemeente_code"], as_index=False).size()
        dominant = counts.sort_values(["postcode", "size", "buurt_code"], ascending=[True, False, True])
        by_postcode = dominant.drop_duplicates("postcode").drop(columns="size")
        return cls(exact=exact.reset_index(drop=True), by_postcode=by_postcode.reset_index(drop=True))

    @classmethod
    def from_file(cls, path: Path) -> "Geography":
        return cls.from_table(read_pc6_table(path))

    def locate(self, postcode: pd.Series, huisnummer: pd.Series | None, gemeente_code: str | np.ndarray) -> pd.DataFrame:
        """buurt_code and wijk_code per row (<NA> where unknown or outside the gemeente; `gemeente_code`
        may be given per row, for rows of several deliveries at once)."""
        codes = postcode_numbers(postcode)
        numbers = huisnummer if huisnummer is not None else pd.Series(pd.NA, index=postcode.index, dtype="Int64")
        exact = self._exact_index.get_indexer(_address_numbers(codes, numbers))  # -1: not found
        fallback = self._postcode_index.get_indexer(codes)
        columns = {}
        for name in ("buurt_code", "wijk_code", "gemeente_code"):
            # Position -1 picks the empty code appended at the end of each code array: unknown.
            columns[name] = np.where(exact >= 0, self._codes["exact", name][exact], self._codes["postcode", name][fallback])
        inside = (columns["gemeente_code"] == np.asarray(gemeente_code, dtype="U10")) & (columns["gemeente_code"] != "")
        located = pd.DataFrame(
            {name: pd.array(np.where(inside, columns[name].astype(object), None), dtype="string") for name in ("buurt_code", "wijk_code")},
            index=postcode.index,
        )
        return located


def pc6_table_path(home: Home) -> Path:
    """The CBS postcode table in use: $GMSD_PC6_TABLE, else the newest `pc6hnr*_gwb.csv` in <home>/reference/."""
    if os.environ.get(PC6_ENV):
        return Path(os.environ[PC6_ENV])
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


def geography_for(home: Home) -> Geography:
    """The geography of the home's postcode table, read once per process and version of the file.

    Parsing the national CBS table (~50 MB of text) takes seconds; its prepared form (exact
    addresses and the dominant buurt per PC6) is kept as Parquet beside it and reused by every
    later command until the table changes.
    """
    path = pc6_table_path(home)
    stat = path.stat()
    cache_key = f"{path}:{stat.st_mtime_ns}:{stat.st_size}"
    if cache_key in _CACHE:
        return _CACHE[cache_key]
    prepared = _prepared_path(path, stat)
    exact, by_postcode = prepared / "exact.parquet", prepared / "per_postcode.parquet"
    if exact.is_file() and by_postcode.is_file():
        geography = Geography(exact=pd.read_parquet(exact), by_postcode=pd.read_parquet(by_postcode))
    else:
        geography = Geography.from_file(path)
        files.write_parquet(geography.exact, exact)
        files.write_parquet(geography.by_postcode, by_postcode)
        for stale in prepared.parent.glob(f"{path.stem}-*"):
            if stale != prepared:
                shutil.rmtree(stale, ignore_errors=True)
    _CACHE.clear()
    _CACHE[cache_key] = geography
    return geography
