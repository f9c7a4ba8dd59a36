"""What intake concludes about a delivery: per file a verdict, counts, failures and records.

Its own module because the intake produces outcomes and the reports render them: both import
this, neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from clearinghouse.manifest import Manifest
from clearinghouse.validation import FAILURE_COLUMNS
from vocabulary.oordelen import AFGEKEURD


@dataclass
class FileOutcome:
    domein: str | None
    bestand: str
    sha256: str | None
    rijen_gelezen: int = 0
    rijen_afgekeurd: int = 0
    oordeel: str = AFGEKEURD
    melding: str = ""
    failures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FAILURE_COLUMNS))
    core: pd.DataFrame | None = None
    rapport: str | None = None

    @property
    def rijen_geaccepteerd(self) -> int:
        return 0 if self.oordeel == AFGEKEURD else self.rijen_gelezen - self.rijen_afgekeurd


@dataclass
class PartitionResult:
    gemeente_code: str
    periode: str
    manifest: Manifest | None
    files: list[FileOutcome]

    @property
    def accepted(self) -> list[FileOutcome]:
        return [f for f in self.files if f.oordeel != AFGEKEURD]
