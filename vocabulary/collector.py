"""Keep Python's cycle collector off objects that live as long as the process (or a block).

The collector's full passes visit every tracked object. A command imports ~250,000 of them
(Dagster, pandas, pandera) that stay until it exits, and a national round makes millions more;
measured in `gmsd run` and `gmsd publish`, the full passes of the command's own process took 0.8 s
and 0.6 s, on the one core that the steps after the intake wait for. `gc.freeze()` moves what exists
into a permanent generation the passes skip (objects are still freed when their last reference
goes; only a cycle among frozen objects is never collected), and forked workers share those pages
instead of copying them when the collector would have written to them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def freeze_for_life() -> None:
    """For a command, once its libraries are imported: what exists now stays for its whole run."""
    gc.freeze()


@contextmanager
def frozen() -> Iterator[None]:
    """Everything made so far out of the collector's reach for the block (e.g. before forking
    workers), and back in reach afterwards. Python unfreezes only everything at once, so inside
    an outer freeze (the command's own `freeze_for_life`) the block unfreezes nothing: what it froze
    stays frozen too (still freed when no longer referenced; only a cycle among those objects waits
    for the command's end)."""
    outer = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not outer:
            gc.unfreeze()


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for a block that only makes objects without cycles that stay, such as
    importing a command's libraries or the site's lookups: it would otherwise run a pass every few
    hundred new objects and a full one every few thousand (0.45 s of the 1.7 s that importing the
    `gmsd` command took; a quarter of the time the site took to make its lookups). Switched back on
    after, if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
