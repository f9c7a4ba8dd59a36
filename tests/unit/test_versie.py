"""The key of reused work (indicators.versie) changes with the code, the reference data and the libraries."""

from __future__ import annotations

import pytest

from indicators import versie


@pytest.fixture
def sources(tmp_path, monkeypatch):
    folders = {name: tmp_path / name for name in versie.PACKAGES}
    for name, folder in folders.items():
        folder.mkdir()
        (folder / "module.py").write_text(f"# {name}\n", encoding="utf-8")
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "gemeenten.csv").write_text("code\nGM0034\n", encoding="utf-8")
    monkeypatch.setattr(versie, "_package_folder", folders.__getitem__)
    monkeypatch.setattr(versie, "REFERENCE_DIR", reference)
    versie.code_version.cache_clear()
    yield folders, reference
    versie.code_version.cache_clear()


def _again() -> str:
    versie.code_version.cache_clear()
    return versie.code_version()


def test_the_code_version_follows_sources_reference_data_and_libraries(sources, monkeypatch):
    folders, reference = sources
    first = versie.code_version()
    assert _again() == first  # the same files: the same version
    (folders["clearinghouse"] / "module.py").write_text("# a changed rule\n", encoding="utf-8")
    second = _again()
    assert second != first
    (folders["indicators"] / "sql").mkdir()
    (folders["indicators"] / "sql" / "benchmark.sql").write_text("SELECT 1", encoding="utf-8")
    third = _again()
    assert third != second
    (folders["indicators"] / "__pycache__").mkdir()
    (folders["indicators"] / "__pycache__" / "x.py").write_text("compiled", encoding="utf-8")
    assert _again() == third  # compiled files are not sources
    (reference / "gemeenten.csv").write_text("code\nGM0034\nGM0363\n", encoding="utf-8")
    fourth = _again()
    assert fourth != third
    monkeypatch.setattr(versie, "_library_version", lambda name: "99.0")
    assert _again() != fourth


def test_a_key_depends_on_every_input_and_the_code(sources):
    key = versie.key_of("indicatoren", "2026-H1", ["GM0034", True])
    assert key == versie.key_of("indicatoren", "2026-H1", ("GM0034", True))
    assert key != versie.key_of("indicatoren", "2026-H1", ["GM0034", False])
    (sources[0]["vocabulary"] / "module.py").write_text("# other\n", encoding="utf-8")
    versie.code_version.cache_clear()
    assert key != versie.key_of("indicatoren", "2026-H1", ["GM0034", True])
