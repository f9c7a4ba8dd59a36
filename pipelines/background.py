"""Work in a thread beside a step's own: DuckDB (and file I/O) run without the GIL, so the counts of a
round can proceed while the step reports its partitions to Dagster in Python."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def in_background(function: Callable[..., T], *args) -> Callable[[], T]:
    """Start `function(*args)` in a thread; the returned function waits for it and gives its result
    or raises its exception. A daemon thread, so a process that is being stopped is not held up by
    it; a caller that must not go on before the work ends (e.g. release a lock) waits for it."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = function(*args)
        except BaseException as exc:  # handed to the waiting thread, which raises it
            outcome["error"] = exc

    thread = threading.Thread(target=work, name=getattr(function, "__name__", "achtergrond"), daemon=True)
    thread.start()

    def wait() -> T:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    return wait
