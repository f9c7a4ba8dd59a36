"""Which half-years a gemeente can deliver now, and which of them are already published.

A half-year is delivered after it has ended, so the periodes open for delivery are the last
`open_half_years` completed half-years (default four: a periode turns definitief a year after it
ends, so corrections of everything not yet definitief fit, and a late correction of a recently
definitief one too). The one being delivered now is the newest of them. Whether a periode is
published, and with which status, comes from the releases on disk
(`indicators.releases.list_releases`); the portal never reads the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from indicators.releases import DEFINITIEF, list_releases
from vocabulary.periode import Periode, PeriodeError


@dataclass(frozen=True)
class Publicatie:
    """The latest release of a periode."""

    release_id: str
    status: str  # voorlopig | nader voorlopig | definitief
    gepubliceerd_op: pd.Timestamp  # UTC

    @property
    def definitief(self) -> bool:
        return self.status == DEFINITIEF


@dataclass(frozen=True)
class OpenPeriode:
    """A half-year open for delivery, with its publication (and that of its year), if any."""

    periode: Periode
    publicatie: Publicatie | None
    jaar_publicatie: Publicatie | None

    @property
    def code(self) -> str:
        return self.periode.code

    @property
    def gepubliceerd(self) -> bool:
        return self.publicatie is not None


def current_periode(today: date) -> Periode:
    """The half-year being delivered now: the last one that has ended."""
    return Periode.containing(today).previous()


def open_periodes(today: date, count: int) -> list[Periode]:
    """The last `count` completed half-years, newest first."""
    out = [current_periode(today)]
    while len(out) < count:
        out.append(out[-1].previous())
    return out


def publications(releases_dir: Path) -> dict[str, Publicatie]:
    """periode code → its latest release."""
    history = list_releases(releases_dir)
    latest = history.groupby("periode").tail(1) if not history.empty else history
    return {
        row["periode"]: Publicatie(row["release_id"], row["status"], row["gepubliceerd_op"])
        for row in latest.to_dict("records")
    }


def open_for_delivery(today: date, count: int, releases_dir: Path) -> list[OpenPeriode]:
    published = publications(releases_dir)
    return [
        OpenPeriode(periode, published.get(periode.code), published.get(periode.year.code))
        for periode in open_periodes(today, count)
    ]


def find_open(text: str, today: date, count: int, releases_dir: Path) -> OpenPeriode | None:
    """The open periode that `text` names (`2025-H1`, ` 2025-h1 `), or None (not a half-year, or not open)."""
    try:
        wanted = Periode.halfjaar(text)
    except PeriodeError:
        return None
    return next((item for item in open_for_delivery(today, count, releases_dir) if item.periode == wanted), None)
