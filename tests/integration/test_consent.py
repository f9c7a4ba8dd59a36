"""Consent changes only through an accepted delivery or an explicit, recorded decision.

An attack that once worked: a wholly rejected delivery whose manifest switched consent from nee to
ja made 172 cells of a gemeente without consent appear, because consent was taken from the latest
manifest whatever its verdict.
"""

from __future__ import annotations

import secrets
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from gmsd.cli import app
from indicators.concept import read_concept
from pipelines.runner import run_round
from tests.fixtures.homes import sample_home
from vocabulary.home import Home

AALTEN, PERIODE = "GM0197", "2025-H1"


KEY = secrets.token_hex(32)


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(KEY_ENV, KEY)
        mp.delenv(KEY_FILE_ENV, raising=False)
        home = sample_home(tmp_path_factory.mktemp("consent") / "home", [AALTEN], periode=PERIODE)
        assert run_round(home).published
    assert AALTEN not in set(read_concept(home)["gemeente_code"])  # the sample's Aalten says nee
    return home


@pytest.fixture()
def home(processed, tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    shutil.copytree(processed.root, tmp_path / "home")
    return Home(tmp_path / "home")


def _deliver_garbage_saying_ja(home: Home) -> None:
    folder = home.inbox / AALTEN / PERIODE
    folder.mkdir(parents=True)
    (folder / "wmo.csv").write_text("dit;is;geen;aanlevering\n1;2;3;4\n", encoding="utf-8")
    manifest = {"gemeentecode": AALTEN, "periode": PERIODE, "bestanden": [{"bestand": "wmo.csv", "domein": "wmo"}],
                "publicatie_basis": "ja", "publicatie_facultatief": "ja"}
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")


def test_a_rejected_delivery_does_not_change_consent(home):
    _deliver_garbage_saying_ja(home)
    assert run_round(home).published
    assert AALTEN not in set(read_concept(home)["gemeente_code"])


def test_an_explicit_recorded_decision_does(home):
    result = CliRunner().invoke(app, ["toestemming", "--home", str(home.root), "--gemeente", AALTEN, "--periode", PERIODE,
                                      "--basis", "ja", "--facultatief", "nee", "--reden", "brief van de gemeente"])
    assert result.exit_code == 0, result.output
    assert run_round(home).published
    concept = read_concept(home)
    assert AALTEN in set(concept["gemeente_code"])
    assert list(home.toestemmingen.glob(f"{PERIODE}/{AALTEN}/*.parquet"))  # the decision is on record


def test_a_decision_needs_a_reason(home):
    result = CliRunner().invoke(app, ["toestemming", "--home", str(home.root), "--gemeente", AALTEN, "--periode", PERIODE,
                                      "--basis", "ja", "--facultatief", "nee", "--reden", " "])
    assert result.exit_code == 2 and "reden" in result.output
