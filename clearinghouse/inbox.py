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
from clearinghouse.intake import process_partitions
from clearinghouse.outcome import PartitionResult
from clearinghouse.manifest import find_manifest
from clearinghouse.ownership import detach_from_parent, exclusive, intake_lock_path
from clearinghouse.pseudonym import PseudonymKey, require_key
from clearinghouse.reports import write_operator_page
from clearinghouse.retention import PurgeSummary, purge, retention_days_from_environment
from clearinghouse.validation import DEFAULT_MAX_REJECTED_SHARE
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

    def by_key(self) -> dict[str, PartitionResult]:
        return {delivery_key(r.gemeente_code, r.periode): r for r in self.results}


def workers_from_environment() -> int:
    """Processes for intake: $GMSD_WORKERS, else the number of cores."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    return max(1, int(text)) if text.isdigit() else max(1, os.cpu_count() or 1)


def _process_batch(job: tuple) -> list[PartitionResult]:
    """A worker's share of the deliveries, checked together (clearinghouse.intake.process_partitions).
    The records are on disk afterwards, so they are not sent back to the parent."""
    deliveries, options = job
    results = process_partitions(deliveries, **options)
    for result in results:
        for outcome in result.files:
            outcome.core = outcome.core_table = None
    return results


def _share(deliveries: list[tuple[Path, str, str]], parts: int) -> list[list[tuple[Path, str, str]]]:
    """Deliveries dealt into `parts` shares of about equal size in bytes (largest first)."""
    def size(folder: Path) -> int:
        return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())

    shares: list[list] = [[] for _ in range(parts)]
    totals = [0] * parts
    for delivery in sorted(deliveries, key=lambda d: -size(d[0])):
        smallest = totals.index(min(totals))
        shares[smallest].append(delivery)
        totals[smallest] += size(delivery[0])
    return [sorted(share, key=lambda d: (d[2], d[1])) for share in shares if share]


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

    def process(self, deliveries: list[str] | None = None) -> IntakeResult:
        """Process `deliveries` ('GMxxxx/periode'; default: every delivery in the inbox).

        The deliveries are dealt into one share per worker process (forked after the geography is
        loaded, so they share it); each worker checks its share in batches. Then the raw files of
        every processed delivery leave the inbox in one purge, and the operator page is rebuilt once.
        """
        home = self.home
        result = IntakeResult()
        present = scan_inbox(home.inbox)
        wanted = sorted(present) if deliveries is None else list(deliveries)
        result.skipped = [item for item in wanted if item not in present]
        todo = [item for item in wanted if item in present]
        if not todo:
            return result
        options = {
            "key": self.key, "geography": geography_for(home), "core_dir": home.core, "intake_dir": home.intake,
            "reports_dir": home.reports, "quarantine_dir": home.quarantaine, "max_rejected_share": self.max_rejected_share,
        }
        deliveries_todo = [(home.inbox / g / p, g, p) for g, p in map(split_key, todo)]
        shares = _share(deliveries_todo, min(self.workers, len(deliveries_todo)))
        if len(shares) > 1:
            with ProcessPoolExecutor(max_workers=len(shares), mp_context=multiprocessing.get_context("fork"),
                                     initializer=detach_from_parent, initargs=(self.lock_fd, os.getpid())) as pool:
                for results in pool.map(_process_batch, [(share, options) for share in shares]):
                    result.results.extend(results)
        else:
            result.results.extend(_process_batch((shares[0], options)))
        del options
        forget_geography()  # what comes after the intake does not need it
        purged: PurgeSummary = purge(home.inbox, home.intake, home.deletions, retention_days=self.retention_days,
                                     only=todo, held_dir=home.bewaard)
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
