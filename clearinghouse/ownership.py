"""One intake owner per home folder: an operating-system file lock, released even by `kill -9`.

The Dagster sensor's runs, `gmsd run`, `gmsd demo` and the portal all take deliveries in through
`clearinghouse.inbox.take_in`, which holds this lock while it works, so two of them never process
the same delivery (and never write the audit trail twice). The lock is `flock` on a file in the
home folder: the kernel drops it when its process ends, however it ends, so a crash can never
leave the home locked. A second owner waits up to `wait_seconds`, then says who holds the lock and
gives up with `Busy`, rather than waiting forever.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from vocabulary.formatting import fmt_local_datetime


class Busy(RuntimeError):
    """Another process holds the lock; the message says which and what to do (Dutch)."""


def _holder(path: Path) -> str:
    try:
        pid, since, what = path.read_text(encoding="utf-8").split("\n", 2)
        return f"{what.strip() or 'een ander proces'} (proces {pid}, sinds {fmt_local_datetime(since)})"
    except (OSError, ValueError):
        return "een ander proces"


@contextmanager
def exclusive(path: Path, *, what: str, wait_seconds: float = 0.0, poll: float = 0.2) -> Iterator[int]:
    """Hold the lock at `path` for the block; `what` describes the holder to anyone who has to wait.

    Yields the lock's file descriptor: a process forked inside the block shares the lock and must
    close that descriptor (see `detach_from_parent`), or the lock would outlive a killed parent.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(
                        f"Er is al een verwerking bezig in deze thuismap: {_holder(path)}. "
                        "Wacht tot die klaar is en probeer het dan opnieuw."
                    ) from None
                time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n{datetime.now(timezone.utc).isoformat()}\n{what}")
        handle.flush()
        yield handle.fileno()
    finally:
        handle.close()  # closing the file releases the lock


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """In a forked worker: be killed when the parent dies, however it dies (`kill -9` included).

    A pool's worker otherwise waits for its next task for ever once its parent is gone, holding its
    memory (and whatever it inherited). `parent_pid` closes the gap between fork and this call.
    """
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not Linux: orphaned workers finish their task and stay idle
        return
    if os.getppid() != parent_pid:  # the parent died before the call above
        os._exit(1)


def detach_from_parent(lock_fd: int, parent_pid: int) -> None:
    """In a worker forked while the parent holds a lock: drop the inherited lock descriptor (the lock
    stays with the parent) and die with the parent, so `kill -9` of the parent frees the home."""
    os.close(lock_fd)
    die_with_parent(parent_pid)


def command_lock_path(home_root: Path) -> Path:
    """Held by a whole `gmsd run`/`demo`/`publish`: two commands on one home take turns, so the
    second finds the first's work done instead of racing it (partitions, concept figures, docs)."""
    return Path(home_root) / ".opdracht.lock"


def intake_lock_path(home_root: Path) -> Path:
    return Path(home_root) / ".intake.lock"


def warehouse_lock_path(home_root: Path) -> Path:
    return Path(home_root) / ".warehouse.lock"
