"""Retention: processed raw files are deleted (now, or after the retention period), and each deletion is recorded."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from clearinghouse.intake import sha256_of
from clearinghouse.retention import RetentionError, load_deletions, purge, retention_days_from_environment

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture()
def home(tmp_path):
    folder = tmp_path / "inbox" / "GM0358" / "2025-H1"
    folder.mkdir(parents=True)
    (folder / "wmo.csv").write_text("bsn\n123456782\n", encoding="utf-8")
    (folder / "jeugd.csv").write_text("bsn\n111222333\n", encoding="utf-8")
    (folder / "manifest.yaml").write_text("gemeentecode: GM0358\n", encoding="utf-8")
    return tmp_path


def _record_processed(home, *names, when=NOW):
    folder = home / "inbox" / "GM0358" / "2025-H1"
    rows = [
        {"gemeente_code": "GM0358", "periode": "2025-H1", "bestand": name, "sha256": sha256_of(folder / name),
         "oordeel": "goedgekeurd", "verwerkt_op": pd.Timestamp(when).tz_localize(None)}
        for name in names
    ]
    target = home / "intake" / "2025-H1" / "GM0358"
    target.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(target / f"{len(list(target.iterdir()))}.parquet")


def _purge(home, days=0, now=NOW):
    return purge(home / "inbox", home / "intake", home / "verwijderd", retention_days=days, now=now)


def test_processed_delivery_is_deleted_and_every_deletion_recorded(home):
    hashes = {name: sha256_of(home / "inbox" / "GM0358" / "2025-H1" / name) for name in ("wmo.csv", "jeugd.csv")}
    _record_processed(home, "wmo.csv", "jeugd.csv")
    summary = _purge(home)
    assert not (home / "inbox" / "GM0358").exists()
    recorded = load_deletions(home / "verwijderd")
    assert set(recorded["bestand"]) == {"wmo.csv", "jeugd.csv", "manifest.yaml"}
    assert dict(zip(recorded["bestand"], recorded["sha256"]))["wmo.csv"] == hashes["wmo.csv"]
    assert (recorded["verwijderd_op"] == pd.Timestamp(NOW).tz_localize(None)).all()
    assert len(summary.deleted) == 3
    text = "".join(p.read_bytes().decode("latin-1") for p in (home / "verwijderd").rglob("*.parquet"))
    assert "123456782" not in text  # the record holds a hash, never content


def test_unprocessed_or_changed_files_are_kept(home):
    _record_processed(home, "wmo.csv")
    (home / "inbox" / "GM0358" / "2025-H1" / "wmo.csv").write_text("bsn\n999999990\n", encoding="utf-8")  # new upload
    summary = _purge(home)
    assert summary.deleted == []
    assert {p.name for p in summary.kept_unprocessed} == {"wmo.csv", "jeugd.csv"}
    assert (home / "inbox" / "GM0358" / "2025-H1" / "manifest.yaml").exists()


def test_retention_period_keeps_files_until_it_has_passed(home):
    _record_processed(home, "wmo.csv", "jeugd.csv")
    assert _purge(home, days=30, now=NOW + timedelta(days=29)).deleted == []
    later = _purge(home, days=30, now=NOW + timedelta(days=31))
    assert {r["bestand"] for r in later.deleted} == {"wmo.csv", "jeugd.csv", "manifest.yaml"}
    assert "bewaartermijn van 30 dagen" in later.deleted[0]["reden"]


def test_retention_setting_is_checked(monkeypatch):
    monkeypatch.setenv("GMSD_RETENTIE_DAGEN", "veertien")
    with pytest.raises(RetentionError, match="geen geheel aantal dagen"):
        retention_days_from_environment()
    monkeypatch.setenv("GMSD_RETENTIE_DAGEN", "14")
    assert retention_days_from_environment() == 14


def test_a_crash_while_recording_deletes_nothing_and_the_next_purge_deletes_and_records(home, monkeypatch):
    """kill -9 between deciding and recording must not leave a deleted file without its record:
    the records are written before any file goes."""
    _record_processed(home, "wmo.csv", "jeugd.csv")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while recording")

    with monkeypatch.context() as patched:
        patched.setattr("clearinghouse.retention.files.write_parquet", crash)
        with pytest.raises(KeyboardInterrupt):
            _purge(home)
    assert {p.name for p in (home / "inbox" / "GM0358" / "2025-H1").iterdir()} == {"wmo.csv", "jeugd.csv", "manifest.yaml"}
    assert load_deletions(home / "verwijderd").empty
    _purge(home)
    assert not (home / "inbox" / "GM0358").exists()
    assert set(load_deletions(home / "verwijderd")["bestand"]) == {"wmo.csv", "jeugd.csv", "manifest.yaml"}


def test_deletion_records_keep_their_types(home):
    _record_processed(home, "wmo.csv", "jeugd.csv")
    _purge(home)
    recorded = load_deletions(home / "verwijderd")
    assert str(recorded["verwijderd_op"].dtype).startswith("datetime64") and str(recorded["verwerkt_op"].dtype).startswith("datetime64")
    manifest = recorded[recorded["bestand"] == "manifest.yaml"]
    assert manifest["verwerkt_op"].isna().all() and recorded.loc[recorded["bestand"] == "wmo.csv", "verwerkt_op"].iloc[0] == pd.Timestamp(NOW).tz_localize(None)
