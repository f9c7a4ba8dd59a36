"""A round killed after it took deliveries in, but before their raw files left the inbox, is finished
by the next round: one audit record, one set of reports and one row per file on the operator page,
as an uninterrupted round leaves (clearinghouse.resume).

Found at national scale (2 Dec 2026): `kill -9` of `gmsd run` after 22 s left 1,026 taken-in files
in the inbox; the next round took them in again, and the operator page listed 2,052 files.
"""

from __future__ import annotations

import secrets
import shutil

import pandas as pd
import pytest

from clearinghouse.inbox import intake_owner
from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV, PseudonymKey, require_key
from clearinghouse.resume import taken_in_before
from tests.fixtures.homes import sample_home
from vocabulary.home import SAMPLE_DIR

PERIODE = "2025-H1"
GEMEENTEN = ["GM0358", "GM0060"]  # a CSV delivery and an XLSX one


@pytest.fixture()
def key(monkeypatch):
    monkeypatch.setenv(KEY_ENV, secrets.token_hex(32))
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def _take_in(home, *, tidy: bool):
    with intake_owner(home, who="test", wait_seconds=0, workers=1) as intake:
        return intake.process(tidy=tidy)


def _audit_rows(home) -> int:
    return sum(len(pd.read_parquet(p)) for p in home.intake.rglob("*.parquet"))


def _files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_round_killed_before_its_tidy_step_is_finished_not_repeated(tmp_path, key):
    uninterrupted = sample_home(tmp_path / "heel", GEMEENTEN, periode=PERIODE)
    _take_in(uninterrupted, tidy=True)
    killed = sample_home(tmp_path / "afgebroken", GEMEENTEN, periode=PERIODE)
    first = _take_in(killed, tidy=False)  # what a kill after the audit records leaves: the raw files still in the inbox
    assert _files(killed.inbox)

    second = _take_in(killed, tidy=True)

    assert sorted(second.resumed) == [f"{g}/{PERIODE}" for g in sorted(GEMEENTEN)]
    assert [(r.gemeente_code, [(f.bestand, f.oordeel, f.rijen_geaccepteerd) for f in r.files]) for r in second.results] == [
        (r.gemeente_code, [(f.bestand, f.oordeel, f.rijen_geaccepteerd) for f in r.files]) for r in first.results
    ]
    assert _audit_rows(killed) == _audit_rows(uninterrupted)
    assert len(_files(killed.reports)) == len(_files(uninterrupted.reports))
    assert len(_files(killed.core)) == len(_files(uninterrupted.core))
    assert not _files(killed.inbox)
    deleted = pd.concat([pd.read_parquet(p) for p in killed.deletions.rglob("*.parquet")])
    assert len(deleted) == len(pd.concat([pd.read_parquet(p) for p in uninterrupted.deletions.rglob("*.parquet")]))
    page = (killed.reports / "index.html").read_text(encoding="utf-8")
    assert page.count(f"GM0358_{PERIODE}_") == (uninterrupted.reports / "index.html").read_text(encoding="utf-8").count(f"GM0358_{PERIODE}_")


def test_the_same_file_delivered_again_is_taken_in_again(tmp_path, key):
    home = sample_home(tmp_path / "home", ["GM0358"], periode=PERIODE)
    _take_in(home, tidy=True)
    rows = _audit_rows(home)
    shutil.copytree(SAMPLE_DIR / "inbox" / "GM0358" / PERIODE, home.inbox / "GM0358" / PERIODE)

    again = _take_in(home, tidy=True)

    assert again.resumed == [] and _audit_rows(home) == 2 * rows


def test_a_changed_file_or_another_key_is_taken_in_again(tmp_path, key):
    home = sample_home(tmp_path / "home", ["GM0358"], periode=PERIODE)
    _take_in(home, tidy=False)
    folder = home.inbox / "GM0358" / PERIODE
    assert taken_in_before(home, "GM0358", PERIODE, require_key()) is not None
    assert taken_in_before(home, "GM0358", PERIODE, PseudonymKey(b"x" * 32, "een-andere-sleutel")) is None
    wmo = next(folder.glob("*wmo*"))
    wmo.write_bytes(wmo.read_bytes() + b"\n")
    assert taken_in_before(home, "GM0358", PERIODE, require_key()) is None
