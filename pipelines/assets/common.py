"""What every asset declares the same way: owner, kinds and tags for the operator's view in Dagster;
and a way to let work in C libraries (DuckDB) overlap an asset's own Python work."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

OWNER = "team:clearinghouse"
TAGS = {"monitor": "sociaal-domein"}


def in_background(function: Callable[..., T], *args) -> Callable[[], T]:
    """Start `function(*args)` in a thread; the returned function waits for it and gives its result
    or raises its exception. A daemon thread: an interrupted step does not wait for it (its files
    are written atomically, and the next command recomputes what it did not finish)."""
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
