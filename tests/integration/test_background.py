"""Work beside a step: the waiter gets the work's result or its error."""

import threading

import pytest

from pipelines.background import in_background


def test_work_in_the_background_gives_its_result_or_its_error_to_the_waiter():
    """`in_background` (the counts beside the partition events): the waiter gets what the work returned,
    or the exception it raised, never a silent None."""
    started = threading.Event()

    def work(a: int, b: int) -> int:
        started.set()
        return a + b

    wait = in_background(work, 2, 3)
    assert started.wait(5) and wait() == 5

    def fails() -> None:
        raise ValueError("tellingen mislukt")

    with pytest.raises(ValueError, match="tellingen mislukt"):
        in_background(fails)()
