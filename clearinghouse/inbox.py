"""The inbox and the one way deliveries come in: `take_in`.

A delivery is a folder `inbox/<gemeentecode>/<periode>/` with a manifest and the files it names.
`take_in` is the single entry point for intake: the Dagster assets (sensor runs, `gmsd run`,
`gmsd demo`) and the portal all call it. It holds the home's intake lock (one owner at a time,
see `clearinghouse.ownership`), processes each delivery, deletes the raw files it processed
(retention), and rebuilds the operator page once at the end.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from clearinghouse.geography import forget_geography, geography_for
from clearinghouse.intake import CHUNK_BYTES, process_partitions
from clearinghouse.outcome import PartitionResult
from clearinghouse.manifest import find_manifest
from clearinghouse.ownership import detach_from_parent, exclusive, intake_lock_path
from clearinghouse.pseudonym import PseudonymKey, require_key
from clearinghouse.reports import write_operator_page
from clearinghouse.resume import taken_in_before
from clearinghouse.retention import PurgeSummary, purge, retention_days_from_environment
from clearinghouse.validation import DEFAULT_MAX_REJECTED_SHARE
from vocabulary.collector import frozen
from vocabulary.home import Home
from vocabulary.periode import HALFJAAR_PATTERN
from vocabulary.reference import gemeente_names

WORKERS_ENV = "GMSD_WORKERS"
_GEMEENTE = re.compile(r"^GM\d{4}$")
_PERIODE = re.compile(HALFJAAR_PATTERN)


def delivery_key(gemeente_code: str, periode: str) -> str:
    return f"{gemeente_code}/{periode}"


def split_key(key: str) -> tuple[str, str]:
    gemeente_code, periode = key.split("/")
    return gemeente_code, periode


def scan_inbox(inbox: Path) -> dict[str, float]:
    """'GMxxxx/periode' → latest modification time of anything in the delivery folder."""
    found: dict[str, float] = {}
    if not inbox.is_dir():
        return found
    for gemeente in sorted(inbox.iterdir()):
        if not (gemeente.is_dir() and _GEMEENTE.match(gemeente.name)):
            continue
        for periode in sorted(gemeente.iterdir()):
            if not (periode.is_dir() and _PERIODE.match(periode.name)) or find_manifest(periode) is None:
                continue
            found[delivery_key(gemeente.name, periode.name)] = max(p.stat().st_mtime for p in periode.iterdir())
    return found


@dataclass
class IntakeResult:
    """What one call of `take_in` did: per delivery its outcome, and what was deleted."""

    results: list[PartitionResult] = field(default_factory=list)
    deleted: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # asked for, but no delivery in the inbox
    processed: list[str] = field(default_factory=list)  # the deliveries taken in ('GMxxxx/periode'), for `Intake.tidy`
    resumed: list[str] = field(default_factory=list)  # of those, taken in by an interrupted round (clearinghouse.resume)

    def by_key(self) -> dict[str, PartitionResult]:
        return {delivery_key(r.gemeente_code, r.periode): r for r in self.results}


def workers_from_environment() -> int:
    """Processes for intake: $GMSD_WORKERS, else the number of cores."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    return max(1, int(text)) if text.isdigit() else max(1, os.cpu_count() or 1)


# What every worker of one `Intake.process` needs besides its batch: set in the parent before the
# workers are forked, so the geography (~24 MB of arrays) is shared, never pickled per batch.
_WORKER_OPTIONS: dict = {}


def _start_worker(lock_fd: int, parent_pid: int, options: dict) -> None:
    detach_from_parent(lock_fd, parent_pid)
    _WORKER_OPTIONS.update(options)


def _process_batch(deliveries: list[tuple[Path, str, str]], options: dict | None = None) -> list[PartitionResult]:
    """A batch of deliveries, checked together (clearinghouse.intake.process_partitions). The records
    are on disk afterwards, so they are not sent back to the parent."""
    results = process_partitions(deliveries, **(options or _WORKER_OPTIONS))
    for result in results:
        for outcome in result.files:
            outcome.core = outcome.core_table = None
    return results


# Batches are at most this share of the round, so that the last batches, which end the intake, are
# small: two workers finish within a small batch of each other instead of one waiting on the other.
BATCHES_PER_WORKER = 16
# A file costs about this many bytes of CSV in fixed work (report, audit, Parquet file): measured on
# the national round, where the many small gemeenten took longer per byte than the large ones.
BYTES_PER_FILE = 256 * 1024


def _batches(deliveries: list[tuple[Path, str, str]], workers: int) -> list[list[tuple[Path, str, str]]]:
    """Deliveries in batches for a queue of `workers` processes: the largest deliveries first (a
    worker that takes the last batch is done soon after the others), each batch about the size of
    `clearinghouse.intake.CHUNK_BYTES` or less (checked in one pass: per-file costs vanish)."""
    def weight(folder: Path) -> int:
        found = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
        return sum(p.stat().st_size + BYTES_PER_FILE for p in found)

    weighed = sorted(((weight(d[0]), d) for d in deliveries), key=lambda item: (-item[0], item[1][2], item[1][1]))
    limit = max(1, min(CHUNK_BYTES, sum(w for w, _ in weighed) // max(1, workers * BATCHES_PER_WORKER)))
    batches: list[list] = []
    filled = limit
    for weight_, delivery in weighed:
        if filled >= limit:
            batches.append([])
            filled = 0
        batches[-1].append(delivery)
        filled += weight_
    return batches


class Intake:
    """The intake while its owner holds the lock: `process` deliveries, as often as needed."""

    def __init__(self, home: Home, *, key: PseudonymKey, retention_days: int, max_rejected_share: float, operator_page: bool,
                 workers: int, lock_fd: int):
        self.home = home
        self.lock_fd = lock_fd
        self.key = key
        self.retention_days = retention_days
        self.max_rejected_share = max_rejected_share
        self.operator_page = operator_page
        self.workers = workers

    def process(self, deliveries: list[str] | None = None, *, tidy: bool = True) -> IntakeResult:
        """Process `deliveries` ('GMxxxx/periode'; default: every delivery in the inbox).

        A delivery that an interrupted round already took in is finished, not taken in again
        (clearinghouse.resume). The others are dealt into batches, largest first, that the worker
        processes (forked after the geography is loaded, so they share it) take from a queue. Then (`tidy`) the raw
        files of every processed delivery leave the inbox in one purge, and the operator page is
        rebuilt once; without `tidy` the caller calls `tidy` itself, e.g. beside other work.
        """
        home = self.home
        result = IntakeResult()
        present = scan_inbox(home.inbox)
        wanted = sorted(present) if deliveries is None else list(deliveries)
        result.skipped = [item for item in wanted if item not in present]
        todo = [item for item in wanted if item in present]
        if not todo:
            return result
        for item in todo:
            earlier = taken_in_before(home, *split_key(item), self.key)
            if earlier is not None:
                result.results.append(earlier)
                result.resumed.append(item)
        result.processed = todo
        fresh = [item for item in todo if item not in result.resumed]
        if fresh:
            self._take_in(fresh, result)
        result.results.sort(key=lambda r: (r.periode, r.gemeente_code))
        if tidy:
            self.tidy(result)
        return result

    def _take_in(self, todo: list[str], result: IntakeResult) -> None:
        """Check and record `todo` in the worker processes; their results into `result`."""
        home = self.home
        options = {
            "key": self.key, "geography": geography_for(home), "core_dir": home.core, "intake_dir": home.intake,
            "reports_dir": home.reports, "quarantine_dir": home.quarantaine, "max_rejected_share": self.max_rejected_share,
        }
        deliveries_todo = [(home.inbox / g / p, g, p) for g, p in map(split_key, todo)]
        batches = _batches(deliveries_todo, self.workers)
        workers = min(self.workers, len(batches))
        if workers > 1:  # a queue: each worker takes the next batch when it is done with one
            # The parent's ~250,000 objects (the imported libraries) out of the garbage collector's
            # sight in the forked workers, as Python's gc.freeze documents: a full collection there
            # no longer visits them all (measured: 4 % of a worker's time in collections → 0.5 %).
            with frozen(), ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                               initializer=_start_worker, initargs=(self.lock_fd, os.getpid(), options)) as pool:
                for results in pool.map(_process_batch, batches):
                    result.results.extend(results)
        else:
            for batch in batches:
                result.results.extend(_process_batch(batch, options))
        del options
        forget_geography()  # what comes after the intake does not need it

    def tidy(self, result: IntakeResult) -> IntakeResult:
        """After `process`: the processed deliveries' raw files leave the inbox (retention: deleted or
        held, every deletion recorded) and the operator page is rebuilt. Within the same ownership."""
        home = self.home
        if result.processed:
            purged: PurgeSummary = purge(home.inbox, home.intake, home.deletions, retention_days=self.retention_days,
                                         only=result.processed, held_dir=home.bewaard)
            result.deleted.extend(purged.deleted)
            if self.operator_page:
                write_operator_page(home.intake, home.reports, names=gemeente_names())
        return result


@contextmanager
def intake_owner(
    home: Home,
    *,
    who: str,
    wait_seconds: float = 0.0,
    key: PseudonymKey | None = None,
    retention_days: int | None = None,
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE,
    operator_page: bool = True,
    workers: int | None = None,
) -> Iterator[Intake]:
    """Become the home's one intake owner for the block (see clearinghouse.ownership).

    Raises `Busy` when another owner holds the lock longer than `wait_seconds`, and
    `PseudonymKeyError` when no key is set.
    """
    key = key or require_key()
    retention = retention_days_from_environment() if retention_days is None else retention_days
    with exclusive(intake_lock_path(home.root), what=who, wait_seconds=wait_seconds) as lock_fd:
        yield Intake(
            home, key=key, retention_days=retention, max_rejected_share=max_rejected_share, operator_page=operator_page,
            workers=workers or workers_from_environment(), lock_fd=lock_fd,
        )


def take_in(home: Home, deliveries: list[str] | None = None, *, who: str = "verwerking", **options) -> IntakeResult:
    """Process `deliveries` (default: the whole inbox) as the home's intake owner; see `intake_owner`."""
    with intake_owner(home, who=who, **options) as intake:
        return intake.process(deliveries)
