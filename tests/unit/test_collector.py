"""The command keeps Python's cycle collector off what lives as long as it does (`vocabulary.collector`,
`gmsd.start`), and a block that freezes for its workers never unfreezes what the command froze."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

import gmsd.cli
import gmsd.start
from vocabulary.collector import freeze_for_life, frozen, paused


@pytest.fixture(autouse=True)
def collector_as_found():
    """Every test leaves the collector as pytest runs it: on, nothing frozen."""
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    yield
    gc.unfreeze()
    gc.enable()


def test_a_block_freezes_what_exists_and_collects_it_again_after():
    with frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_a_block_inside_a_command_leaves_the_commands_objects_frozen():
    kept = [object() for _ in range(10)]
    freeze_for_life()
    before = gc.get_freeze_count()
    with frozen():
        pass
    assert gc.get_freeze_count() >= before > 0
    assert kept


def test_a_pause_switches_the_collector_back_on_only_if_it_was_on():
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with paused():
        pass
    assert not gc.isenabled()


def test_the_command_runs_with_the_collector_on_and_its_libraries_frozen(monkeypatch):
    seen = {}

    def command():
        seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())

    monkeypatch.setattr(gmsd.cli, "main", command)
    gmsd.start.main()
    assert seen["enabled"] and seen["frozen"] > 100_000


def test_python_m_gmsd_is_the_gmsd_command():
    done = subprocess.run([sys.executable, "-m", "gmsd", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "aanleveren, controleren, publiceren" in done.stdout
    assert "run" in done.stdout and "publish" in done.stdout
