"""The verdicts the clearinghouse gives a delivered file (spec 'Verdicts'), in one place.

Each verdict carries what every reader of it needs: the Dutch sentence, the CSS class the reports,
the operator page and the portal colour it with, and the exit code of `gmsd check`.
"""

from __future__ import annotations

from dataclasses import dataclass

GOEDGEKEURD = "goedgekeurd"
MET_AFWIJKINGEN = "goedgekeurd met afwijkingen"
AFGEKEURD = "afgekeurd"


@dataclass(frozen=True)
class Oordeel:
    code: str
    zin: str  # the verdict as a sentence about the file
    css: str
    exitcode: int

    @property
    def geaccepteerd(self) -> bool:
        """Accepted files (with or without deviations) are used; a rejected one changes nothing."""
        return self.code != AFGEKEURD


OORDELEN: dict[str, Oordeel] = {
    GOEDGEKEURD: Oordeel(GOEDGEKEURD, "Bestand goedgekeurd", "goedgekeurd", 0),
    MET_AFWIJKINGEN: Oordeel(MET_AFWIJKINGEN, "Bestand goedgekeurd met afwijkingen", "afwijkingen", 1),
    AFGEKEURD: Oordeel(AFGEKEURD, "Bestand afgekeurd", "afgekeurd", 2),
}


def oordeel(code: str | None) -> Oordeel:
    """The verdict for its code; anything unknown is treated as rejected (never as accepted)."""
    return OORDELEN.get(code or "", OORDELEN[AFGEKEURD])


def css_class(code: str | None) -> str:
    return oordeel(code).css


def is_accepted(code: str | None) -> bool:
    return oordeel(code).geaccepteerd


# Severity of a broken rule (spec 'Severity of a broken rule').
FOUT = "fout"  # the row is rejected
WAARSCHUWING = "waarschuwing"  # the row counts; the value becomes unknown
ERNST = (FOUT, WAARSCHUWING)
