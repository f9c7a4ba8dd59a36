"""The intake step's work beside its partition events: the counts and the inbox's clean-up run in
threads, and an error in them still fails the step, after both ended, with the intake's lock free.

Runs the real round (Dagster in-process) on Aalsmeer from the committed sample, into tmp_path.
"""

from __future__ import annotations

import gc
import secrets

import pytest

import pipelines.assets.intake as intake_asset
from clearinghouse.inbox import intake_owner
from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from indicators.tellingen import counts_path
from pipelines.runner import run_round
from tests.fixtures.homes import sample_home
from vocabulary.oordelen import AFGEKEURD

PERIODE = "2025-H1"


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, secrets.token_hex(32))
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    return sample_home(tmp_path / "home", ["GM0358"])


def test_failing_counts_fail_the_step_after_the_clean_up_and_the_concept_step_counts_again(home, monkeypatch):
    def fails(*_args, **_kwargs):
        raise RuntimeError("tellingen mislukt")

    counting = intake_asset.count_partitions
    monkeypatch.setattr(intake_asset, "count_partitions", fails)
    first = run_round(home)
    assert any("tellingen mislukt" in failure for failure in first.failed_partitions), first.failed_partitions
    assert not (home.inbox / "GM0358").exists()  # the clean-up beside the counts did its work
    assert (home.reports / "index.html").is_file()
    with intake_owner(home, who="test", wait_seconds=0):  # the step released the lock
        pass
    # The concept step finds the partition's counts missing and computes them (stale_partitions).
    assert counts_path(home.tellingen, PERIODE, "GM0358").is_file()

    monkeypatch.setattr(intake_asset, "count_partitions", counting)
    second = run_round(home)  # nothing left in the inbox: a clean round
    assert second.published and not second.failed_partitions, second.error


def test_the_intake_workers_leave_the_command_collecting_its_garbage_as_before(home, tmp_path):
    """The workers are forked with the command's objects frozen out of the garbage collector's sight
    (gc.freeze); afterwards the command collects them again."""
    two = sample_home(tmp_path / "twee", ["GM0358", "GM0034"], periode=PERIODE)  # (`home` set the key)
    with intake_owner(two, who="test", wait_seconds=0, workers=2) as intake:
        processed = intake.process()
    assert {r.gemeente_code for r in processed.results} == {"GM0034", "GM0358"}
    assert all(f.opgenomen for r in processed.results for f in r.files if f.oordeel != AFGEKEURD)
    assert gc.get_freeze_count() == 0


def test_the_intake_workers_leave_what_the_command_froze_frozen(home, tmp_path):
    """In `gmsd` the libraries are frozen from the start (gmsd.start): the intake's own freeze for
    its workers must not hand them back to the garbage collector when the workers are done."""
    two = sample_home(tmp_path / "twee", ["GM0358", "GM0034"], periode=PERIODE)
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with intake_owner(two, who="test", wait_seconds=0, workers=2) as intake:
            processed = intake.process()
        assert {r.gemeente_code for r in processed.results} == {"GM0034", "GM0358"}
        assert before > 0 and gc.get_freeze_count() > 0  # not ≥ before: frozen objects freed since leave the count
    finally:
        gc.unfreeze()
