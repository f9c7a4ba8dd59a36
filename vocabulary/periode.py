"""The periode: a half-year (`2025-H1` = January–June, `2025-H2` = July–December) or a year (`2025`).

Gemeenten deliver per half-year; the monitor also publishes year figures (unique persons over the
whole year). This is the one place that parses, orders, labels and does arithmetic on periodes;
`DUCKDB_MACROS` gives SQL the same arithmetic, so a query never takes a periode apart by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd

_PERIODE = re.compile(r"^(\d{4})(?:-H([12]))?$")

HALFJAAR, JAAR = "halfjaar", "jaar"
HALFJAAR_PATTERN = r"^\d{4}-H[12]$"
JAAR_PATTERN = r"^\d{4}$"
PATTERN = r"^\d{4}(-H[12])?$"


class PeriodeError(ValueError):
    """Text that is not a periode; the message says what is expected (Dutch)."""


@dataclass(frozen=True)
class Periode:
    """A half-year (`helft` 1 or 2) or a whole year (`helft` None)."""

    jaar: int
    helft: int | None = None

    @classmethod
    def parse(cls, text: object, *, jaar_toegestaan: bool = True) -> Periode:
        """`2025-H1`, `2025-h2`, ` 2025-H1 ` or (when allowed) `2025`; anything else raises PeriodeError."""
        match = _PERIODE.match(str(text).strip().upper())
        if not match or (match.group(2) is None and not jaar_toegestaan):
            expected = "2025-H1, 2025-H2 of een jaar (2025)" if jaar_toegestaan else "2025-H1 of 2025-H2"
            raise PeriodeError(f"'{text}' is geen geldige periode; gebruik de vorm {expected}.")
        year = int(match.group(1))
        if not 1900 <= year <= 2999:
            raise PeriodeError(f"'{text}' is geen geldige periode: het jaar {year} ligt buiten 1900–2999.")
        return cls(year, int(match.group(2)) if match.group(2) else None)

    @classmethod
    def halfjaar(cls, text: object) -> Periode:
        """A half-year only: what a gemeente delivers."""
        return cls.parse(text, jaar_toegestaan=False)

    @classmethod
    def containing(cls, day: date) -> Periode:
        """The half-year that contains `day`."""
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def is_jaar(self) -> bool:
        return self.helft is None

    @property
    def soort(self) -> str:
        return JAAR if self.is_jaar else HALFJAAR

    @property
    def code(self) -> str:
        return str(self.jaar) if self.is_jaar else f"{self.jaar}-H{self.helft}"

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.jaar, 7 if self.helft == 2 else 1, 1)

    @property
    def einde(self) -> pd.Timestamp:
        return pd.Timestamp(self.jaar, 6, 30) if self.helft == 1 else pd.Timestamp(self.jaar, 12, 31)

    def previous(self) -> Periode:
        """The periode before: 2025-H1 → 2024-H2, 2024-H2 → 2024-H1, 2025 → 2024."""
        if self.is_jaar:
            return Periode(self.jaar - 1)
        return Periode(self.jaar, 1) if self.helft == 2 else Periode(self.jaar - 1, 2)

    def next(self) -> Periode:
        if self.is_jaar:
            return Periode(self.jaar + 1)
        return Periode(self.jaar, 2) if self.helft == 1 else Periode(self.jaar + 1, 1)

    @property
    def year(self) -> Periode:
        """The year this periode lies in."""
        return Periode(self.jaar)

    @property
    def halves(self) -> tuple[Periode, ...]:
        return (Periode(self.jaar, 1), Periode(self.jaar, 2)) if self.is_jaar else (self,)

    @property
    def sort_key(self) -> tuple[int, int]:
        """2024-H1 < 2024-H2 < 2024 (the year, once both halves are in) < 2025-H1."""
        return (self.jaar, self.helft or 3)

    @property
    def label(self) -> str:
        """Dutch label for readers: '1e halfjaar 2025', and a year as itself: '2025'."""
        return str(self.jaar) if self.is_jaar else f"{self.helft}e halfjaar {self.jaar}"

    def __lt__(self, other: Periode) -> bool:
        return self.sort_key < other.sort_key

    def __le__(self, other: Periode) -> bool:
        return self.sort_key <= other.sort_key

    def __str__(self) -> str:
        return self.code


@lru_cache(maxsize=4096)
def sort_key(code: str) -> tuple:
    """Sort key for periode codes as text; text that is not a periode sorts last, by itself.
    Cached: the site sorts the same few codes for every chart of every page."""
    try:
        return (*Periode.parse(code).sort_key, "")
    except PeriodeError:
        return (9999, 9, str(code))


def sorted_codes(codes) -> list[str]:
    return sorted(set(codes), key=sort_key)


def label(code: str) -> str:
    """'2025-H1' → '1e halfjaar 2025'; text that is not a periode is returned unchanged."""
    try:
        return Periode.parse(code).label
    except PeriodeError:
        return str(code)


def soort(code: str) -> str:
    return Periode.parse(code).soort


def einde(code: str) -> pd.Timestamp:
    return Periode.parse(code).einde


# The same arithmetic for SQL: every query that needs a periode's dates or neighbour calls these
# macros (registered on a connection with `register_macros`), never substr() on the code.
DUCKDB_MACROS = """
CREATE OR REPLACE MACRO periode_jaar(p) AS CAST(substr(p, 1, 4) AS INTEGER);
CREATE OR REPLACE MACRO periode_is_jaar(p) AS length(p) = 4;
CREATE OR REPLACE MACRO periode_soort(p) AS CASE WHEN length(p) = 4 THEN 'jaar' ELSE 'halfjaar' END;
CREATE OR REPLACE MACRO periode_start(p) AS
    make_date(periode_jaar(p), CASE WHEN p LIKE '%-H2' THEN 7 ELSE 1 END, 1);
CREATE OR REPLACE MACRO periode_einde(p) AS
    CASE WHEN p LIKE '%-H1' THEN make_date(periode_jaar(p), 6, 30) ELSE make_date(periode_jaar(p), 12, 31) END;
CREATE OR REPLACE MACRO vorige_periode(p) AS
    CASE WHEN p LIKE '%-H1' THEN CAST(periode_jaar(p) - 1 AS VARCHAR) || '-H2'
         WHEN p LIKE '%-H2' THEN substr(p, 1, 4) || '-H1'
         ELSE CAST(periode_jaar(p) - 1 AS VARCHAR) END;
CREATE OR REPLACE MACRO periode_van_jaar(p) AS substr(p, 1, 4);
"""


def register_macros(con) -> None:
    """Make the periode macros available on a DuckDB connection."""
    con.execute(DUCKDB_MACROS)
