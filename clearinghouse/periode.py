"""Half-year periodes (`2025-H1` = January–June, `2025-H2` = July–December)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

_PERIODE = re.compile(r"^(\d{4})-H([12])$")


@dataclass(frozen=True, order=True)
class Periode:
    jaar: int
    helft: int

    @classmethod
    def parse(cls, text: str) -> "Periode":
        match = _PERIODE.match(str(text).strip().upper())
        if not match:
            raise ValueError(f"'{text}' is geen geldige periode; gebruik de vorm 2025-H1 of 2025-H2.")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def code(self) -> str:
        return f"{self.jaar}-H{self.helft}"

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.jaar, 1 if self.helft == 1 else 7, 1)

    @property
    def einde(self) -> pd.Timestamp:
        return pd.Timestamp(self.jaar, 6, 30) if self.helft == 1 else pd.Timestamp(self.jaar, 12, 31)

    def previous(self) -> "Periode":
        return Periode(self.jaar, 1) if self.helft == 2 else Periode(self.jaar - 1, 2)

    def __str__(self) -> str:
        return self.code
