"""Locate addresses: PC6 (+ huisnummer) → buurt → wijk, using CBS's postcode-huisnummer table.

With a huisnummer the buurt is exact. Without one (or when the number is not in the table) the PC6's
buurt with most addresses is used — a PC6 rarely spans buurten, and when it does, it is mostly
within one wijk. An address outside the delivering gemeente, or a postcode the table does not know,
gets no wijk: the record still counts for the gemeente (spec: "Geography").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vocabulary.home import Home
from vocabulary.reference import PC6_TABLE_GLOB, read_pc6_table

PC6_ENV = "GMSD_PC6_TABLE"


class GeographyError(FileNotFoundError):
    """No postcode-huisnummer table; the message says where to put it (Dutch)."""


@dataclass(frozen=True)
class Geography:
    exact: pd.DataFrame  # postcode, huisnummer, buurt_code, wijk_code, gemeente_code
    by_postcode: pd.DataFrame  # postcode → dominant buurt_code, wijk_code, gemeente_code

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

    def locate(self, postcode: pd.Series, huisnummer: pd.Series | None, gemeente_code: str) -> pd.DataFrame:
        """buurt_code and wijk_code per row (<NA> where unknown or outside the gemeente)."""
        frame = pd.DataFrame({"postcode": postcode.astype("string")})
        frame["huisnummer"] = huisnummer.astype("Int64") if huisnummer is not None else pd.array([pd.NA] * len(frame), dtype="Int64")
        frame["_row"] = range(len(frame))
        exact = frame.merge(self.exact, on=["postcode", "huisnummer"], how="left")
        fallback = frame.merge(self.by_postcode, on="postcode", how="left")
        exact = exact.set_index("_row").reindex(range(len(frame)))
        fallback = fallback.set_index("_row").reindex(range(len(frame)))
        use_exact = exact["buurt_code"].notna()
        result = pd.DataFrame(
            {
                "buurt_code": exact["buurt_code"].where(use_exact, fallback["buurt_code"]),
                "wijk_code": exact["wijk_code"].where(use_exact, fallback["wijk_code"]),
                "gemeente_code": exact["gemeente_code"].where(use_exact, fallback["gemeente_code"]),
            }
        )
        inside = result["gemeente_code"] == gemeente_code
        result.index = postcode.index
        inside.index = postcode.index
        located = result[["buurt_code", "wijk_code"]].astype("string")
        return located.where(inside.fillna(False).astype(bool), other=pd.NA)


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


def geography_for(home: Home) -> Geography:
    """The geography of the home's postcode table, read once per process and version of the file."""
    path = pc6_table_path(home)
    stat = path.stat()
    cache_key = f"{path}:{stat.st_mtime_ns}:{stat.st_size}"
    if cache_key not in _CACHE:
        _CACHE.clear()
        _CACHE[cache_key] = Geography.from_file(path)
    return _CACHE[cache_key]
