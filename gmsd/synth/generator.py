"""Generate a round of synthetic deliveries: the committed sample, any gemeenten, or the whole country.

The work is one job per gemeente (addresses, clients, one delivery per periode), and a job depends
on nothing but its gemeente, the periodes, the seed and the scale. That makes a gemeente's files
the same alone or in a national round, and lets a process pool spread the 342 gemeenten of a
national round over the cores: results are written by gemeente, so the files do not depend on
the number of processes or on which one finished first.

Order matters for a reader: the postcode table gets the new addresses before any delivery appears
in the inbox, so an intake that starts half-way finds every postcode it sees. In a home, the table's
prepared form (clearinghouse.geography) is made while the deliveries are generated: the table's
writer prepares it, so the first `gmsd run` does not spend its first seconds on it.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from contextlib import nullcontext
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from clearinghouse.geography import prepared_geography
from gmsd.synth.addresses import make_addresses, world_rng
from gmsd.synth.clients import DOMEIN_INDEX
from gmsd.synth.people import simulate_gemeente
from gmsd.synth.rows import delivery_frame
from gmsd.synth.styles import FORMATS, consent, export_style
from gmsd.synth.writing import PostcodeTableUpdate, add_to_postcode_table, write_delivery
from vocabulary.formatting import fmt_decimal, fmt_int
from vocabulary.home import Home
from vocabulary.periode import Periode
from vocabulary.reference import gemeenten as national_list
from vocabulary.reference import kwb_gemeenten, kwb_wijken

DEFAULT_PERIODES = ("2024-H2", "2025-H1")
DEFAULT_SEED = 20250701
DOMEINEN_ORDER = ("jeugd", "wmo", "participatie")
# The committed sample (data/sample/): the first 15 gemeenten of CBS's alphabetical KWB list.
SAMPLE_GEMEENTEN = (
    "GM1680", "GM0358", "GM0197", "GM0059", "GM0482", "GM0613", "GM0361", "GM0141",
    "GM0034", "GM0484", "GM1723", "GM1959", "GM0060", "GM0307", "GM0362",
)  # fmt: skip
# Below this many gemeenten a pool costs more (starting processes) than it saves.
POOL_FROM = 4


@dataclass(frozen=True)
class Destination:
    """Where deliveries and the postcode table go: a plain folder, or a home folder."""

    inbox: Path
    geo: Path  # the folder of the postcode table
    prepare: bool = False  # make the table's prepared form for the intake (in a home; never in data/sample)

    @classmethod
    def folder(cls, out_dir: Path) -> "Destination":
        """`out_dir/inbox/<GM>/<periode>/` and `out_dir/geo/` (the layout of data/sample)."""
        return cls(Path(out_dir) / "inbox", Path(out_dir) / "geo")

    @classmethod
    def home(cls, home: Home) -> "Destination":
        """The home's `inbox/` and `reference/`, where `gmsd run` looks."""
        return cls(home.inbox, home.reference, prepare=True)


@dataclass(frozen=True)
class Job:
    """Everything one gemeente's generation needs (sent to a worker process)."""

    gemeente_code: str
    index: int  # place in the national list: PC4 block, export style, consent
    inwoners: int
    wijken: pd.DataFrame
    periodes: tuple[Periode, ...]
    seed: int
    schaal: float
    formaat: str
    inbox: Path


@dataclass(frozen=True)
class JobResult:
    gemeente_code: str
    rows: dict[str, int]
    files: int
    bytes: int


@dataclass
class GenerateSummary:
    destination: Destination
    gemeenten: list[str]
    periodes: list[str]
    files: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    postcode_table: PostcodeTableUpdate | None = None
    processes: int = 1
    seconds: float = 0.0

    @property
    def addresses(self) -> int:
        return self.postcode_table.total if self.postcode_table else 0

    def __str__(self) -> str:
        per_domein = ", ".join(f"{domein} {fmt_int(count)}" for domein, count in self.rows.items())
        lines = [
            f"{self.files} bestanden voor {len(self.gemeenten)} gemeenten en {len(self.periodes)} periodes "
            f"({', '.join(self.periodes)}) in {self.destination.inbox}",
            f"rijen: {per_domein} (samen {fmt_int(sum(self.rows.values()))}); omvang: {fmt_decimal(self.bytes / 1e6)} MB; "
            f"{fmt_decimal(self.seconds)} s met {self.processes} {'proces' if self.processes == 1 else 'processen'}",
        ]
        if self.postcode_table:
            table = self.postcode_table
            lines.append(f"postcodetabel {table.path}: {fmt_int(table.added)} adressen toegevoegd, {fmt_int(table.total)} in totaal")
        return "\n".join(lines)


def _kwb() -> tuple[pd.DataFrame, pd.DataFrame]:
    """KWB figures of every gemeente and wijk, with whole-number counts (missing = 0)."""
    gem = kwb_gemeenten().copy()
    wijk = kwb_wijken().copy()
    for frame in (gem, wijk):
        for column in ("inwoners", "woningvoorraad"):
            frame[column] = frame[column].fillna(0).astype("int64")
    return gem, wijk


def _addresses(job: Job) -> pd.DataFrame:
    return make_addresses(job.gemeente_code, job.index, job.wijken, world_rng(job.gemeente_code)).table


def generate_gemeente(job: Job) -> JobResult:
    """One gemeente: its addresses, its clients over the window of the periodes, a delivery per periode."""
    code = job.gemeente_code
    rng = world_rng(code)
    addresses = make_addresses(code, job.index, job.wijken, rng)
    providers = np.char.zfill(rng.integers(0, 10**8, size=40).astype(str), 8)
    trajecten = simulate_gemeente(code, job.inwoners, addresses, list(job.periodes), seed=job.seed, schaal=job.schaal)
    style = export_style(job.index, job.inwoners, job.formaat)
    rows = dict.fromkeys(DOMEINEN_ORDER, 0)
    size = 0
    for periode in job.periodes:
        frames = {}
        for domein in DOMEINEN_ORDER:
            export_rng = np.random.default_rng([job.seed, int(code[2:]), DOMEIN_INDEX[domein], int(periode.start.strftime("%Y%m"))])
            frames[domein] = delivery_frame(trajecten[domein], domein, code, periode, addresses, style, providers, export_rng)
            rows[domein] += len(frames[domein])
        size += write_delivery(job.inbox / code / periode.code, code, periode, frames, style, consent(job.index))
    return JobResult(code, rows, len(job.periodes) * len(DOMEINEN_ORDER), size)


def _pool(processes: int, jobs: list[Job]) -> ProcessPoolExecutor | nullcontext:
    """A pool of `processes` workers when it pays, else a stand-in for working in this process.

    Spawned, not forked: forking a process that already runs Arrow's threads can hang.
    """
    if processes <= 1 or len(jobs) < POOL_FROM:
        return nullcontext()
    return ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"))


def _map(pool: ProcessPoolExecutor | None, function, jobs: list[Job]) -> list:
    """`function` over `jobs`, results in the order of `jobs`. The pool gets the largest gemeenten
    first, so no core waits for Amsterdam at the end."""
    if pool is None:
        return [function(job) for job in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].inwoners)
    done = dict(zip(order, pool.map(function, [jobs[i] for i in order])))
    return [done[i] for i in range(len(jobs))]


def generate(
    destination: Path | Destination,
    *,
    gemeenten: list[str] | None = None,
    landelijk: bool = False,
    periodes: tuple[str, ...] | list[str] = DEFAULT_PERIODES,
    seed: int = DEFAULT_SEED,
    schaal: float = 1.0,
    formaat: str = "gemengd",
    processes: int | None = None,
) -> GenerateSummary:
    """Write synthetic deliveries for `gemeenten` (default: the sample's 15; `landelijk`: all 342).

    A plain folder gets `inbox/<GM>/<periode>/` and `geo/`; a Destination.home the home's inbox and
    reference folder. Raises ValueError (Dutch message) for unknown gemeenten, periodes or formats
    before anything is written.
    """
    started = time.perf_counter()
    if not isinstance(destination, Destination):
        destination = Destination.folder(destination)
    if formaat not in FORMATS:
        raise ValueError(f"formaat '{formaat}' is onbekend; kies uit {', '.join(FORMATS)}.")
    if schaal <= 0:
        raise ValueError("schaal moet groter dan 0 zijn.")
    if landelijk and gemeenten:
        raise ValueError("kies --landelijk (alle gemeenten) óf --gemeente, niet allebei.")
    gem, wijk = _kwb()
    national = {code: i for i, code in enumerate(national_list().gemeente_code)}
    available = [code for code in national if code in set(gem.gemeentecode)]
    chosen = available if landelijk else list(dict.fromkeys(gemeenten or SAMPLE_GEMEENTEN))
    unknown = [code for code in chosen if code not in national or code not in set(gem.gemeentecode)]
    if unknown:
        raise ValueError(
            f"Voor {', '.join(unknown)} zijn geen wijkgegevens (CBS KWB 2024) in data/reference; "
            f"gebruik een gemeentecode van 2025 zoals GM0363 (Amsterdam), of --landelijk voor alle {len(available)}."
        )
    try:
        parsed = tuple(sorted({Periode.halfjaar(p) for p in periodes}))
    except ValueError as exc:
        raise ValueError(f"periode: {exc}") from exc
    if not parsed:
        raise ValueError("Geef minstens één periode.")
    processes = max(1, min(processes or os.cpu_count() or 1, len(chosen)))

    inwoners = dict(zip(gem.gemeentecode, gem.inwoners))
    wijken = dict(tuple(wijk.groupby("gemeentecode")))
    jobs = [
        Job(code, national[code], int(inwoners[code]), wijken.get(code, wijk.iloc[:0]), parsed, seed, schaal, formaat, destination.inbox)
        for code in chosen
    ]
    summary = GenerateSummary(destination, chosen, [p.code for p in parsed], rows=dict.fromkeys(DOMEINEN_ORDER, 0), processes=processes)
    with _pool(processes, jobs) as pool, ThreadPoolExecutor(max_workers=1, thread_name_prefix="postcodetabel") as beside:
        summary.processes = processes if pool else 1
        address_tables = _map(pool, _addresses, jobs)
        summary.postcode_table = add_to_postcode_table(destination.geo, pd.concat(address_tables, ignore_index=True))
        # Beside the deliveries (NumPy and Arrow, mostly without the GIL): ~1–2 s for the national table.
        prepared = beside.submit(prepared_geography, summary.postcode_table.path) if destination.prepare else None
        for result in _map(pool, generate_gemeente, jobs):
            summary.files += result.files
            summary.bytes += result.bytes
            for domein, count in result.rows.items():
                summary.rows[domein] += count
        if prepared is not None:
            prepared.result()  # a table the intake cannot read says so here, as it would in `gmsd run`
    summary.seconds = time.perf_counter() - started
    return summary
