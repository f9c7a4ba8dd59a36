"""What intake concludes about a delivery: per file a verdict, counts, findings and records.

Its own module because the intake produces outcomes and the reports and `gmsd check` render them:
all import this, none imports the others. `samenvatting()` is the one sentence about a file that
the command line, the HTML report and the CSV report all print, so the three always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import pyarrow as pa

from clearinghouse.manifest import Manifest
from clearinghouse.validation import FAILURE_COLUMNS, empty_failures
from vocabulary.formatting import fmt_int
from vocabulary.oordelen import AFGEKEURD, FOUT, oordeel


@dataclass
class FileOutcome:
    domein: str | None
    bestand: str
    sha256: str | None
    rijen_gelezen: int = 0
    rijen_afgekeurd: int = 0  # rows with at least one fout (also when the whole file is rejected)
    oordeel: str = AFGEKEURD
    melding: str = ""
    failures: pd.DataFrame = field(default_factory=empty_failures)  # row findings, FAILURE_COLUMNS
    core: pd.DataFrame | None = None
    rapport: str | None = None
    rijen_met_waarschuwing: int = 0  # used rows with at least one waarschuwing
    regel: str | None = None  # why the whole file is rejected (contracts.regels.FILE_RULES), else None
    bestandsmeldingen: list[dict] = field(default_factory=list)  # findings about the file: kolom, regel, ernst, melding
    headers: dict[str, str] = field(default_factory=dict)  # column → header as delivered
    ongebruikte_kolommen: list[str] = field(default_factory=list)  # delivered headers the contract does not know
    gecontroleerd_op: datetime | None = None  # when the check ran (UTC)
    core_probleem: str | None = None  # why `core` fails the core contract (checked in memory), else None
    core_table: pa.Table | None = None  # `core` as an Arrow table, when it was made for many files at once (for writing)
    opgenomen: bool = False  # the records entered core/ (set by process_partition)
    core_bestand: str | None = None  # the file in core/ that holds them (named per delivery)
    quarantaine: str | None = None  # where the records went instead, when they failed the core contract

    @property
    def rijen_geaccepteerd(self) -> int:
        return 0 if self.oordeel == AFGEKEURD else self.rijen_gelezen - self.rijen_afgekeurd

    @property
    def rijen_gecontroleerd(self) -> bool:
        """Were the rows checked? Not when the file was refused before (unreadable, column missing, other gemeente)."""
        return self.regel in (None, "te_veel_fouten", "andere_periode")

    def aantal(self, ernst: str) -> int:
        """Number of findings of one severity: row findings, findings about the file and the file-level reason."""
        in_rows = self.failures["ernst"].tolist().count(ernst) if len(self.failures) else 0
        about_file = sum(1 for note in self.bestandsmeldingen if note["ernst"] == ernst)
        return in_rows + about_file + (1 if ernst == FOUT and self.regel is not None else 0)

    def samenvatting(self) -> str:
        """The verdict in one sentence with the counts: the same in the CLI, the HTML and the CSV."""
        verdict = oordeel(self.oordeel).zin
        if self.regel is not None and self.rijen_gelezen == 0:
            return f"{verdict}: het bestand kon niet worden gebruikt; geen regels gelezen."
        parts = [f"{fmt_int(self.rijen_gelezen)} regels gelezen", f"{fmt_int(self.rijen_geaccepteerd)} gebruikt"]
        if self.oordeel == AFGEKEURD:
            parts.append(f"{fmt_int(self.rijen_gelezen - self.rijen_geaccepteerd)} niet gebruikt (het hele bestand is afgekeurd)")
        if self.rijen_gecontroleerd:
            parts.append(f"{fmt_int(self.rijen_afgekeurd)} met een fout")
            parts.append(f"{fmt_int(self.rijen_met_waarschuwing)} met alleen een waarschuwing")
        return f"{verdict}: " + ", ".join(parts) + "."

    def failure_records(self) -> list[dict]:
        """`failures` as one dict per finding (FAILURE_COLUMNS), read column by column: the values of
        `failures.to_dict("records")` without its cost per call (a report has a few dozen findings)."""
        if not len(self.failures):
            return []
        columns = [self.failures[column].tolist() for column in FAILURE_COLUMNS]
        return [dict(zip(FAILURE_COLUMNS, row)) for row in zip(*columns)]

    def report_cells(self, records: list[dict] | None = None) -> list[list]:
        """The CSV report's rows as plain values (FAILURE_COLUMNS): the verdict, the reason a whole
        file is refused, the findings about the file, then every row finding (`records`, if the
        caller has read them already: `failure_records()`)."""
        head = [{"rij": pd.NA, "kolom": "", "waarde": "", "regel": "oordeel", "ernst": "", "melding": self.samenvatting()}]
        if self.regel is not None:
            head.append({"rij": pd.NA, "kolom": "", "waarde": "", "regel": self.regel, "ernst": FOUT, "melding": self.melding})
        head += [{"rij": pd.NA, "waarde": "", **note} for note in self.bestandsmeldingen]
        found = self.failure_records() if records is None else records
        return [[row.get(column) for column in FAILURE_COLUMNS] for row in head + found]

    def report_rows(self) -> pd.DataFrame:
        """`report_cells` as a frame: text columns and the row number as a nullable integer."""
        frame = pd.DataFrame(self.report_cells(), columns=FAILURE_COLUMNS)
        frame["rij"] = pd.array(frame["rij"].to_numpy(), dtype="Int64")
        return frame


@dataclass
class PartitionResult:
    gemeente_code: str
    periode: str
    manifest: Manifest | None
    files: list[FileOutcome]

    @property
    def accepted(self) -> list[FileOutcome]:
        return [f for f in self.files if f.oordeel != AFGEKEURD]

    @property
    def quarantined(self) -> list[FileOutcome]:
        """Accepted files whose records failed the core contract and did not enter core/ (operator must look)."""
        return [f for f in self.files if f.quarantaine is not None]

