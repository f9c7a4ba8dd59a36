"""A delivery through `process_partition` and retention: what enters core/, what the audit trail
says, and what happens to the raw files (issue 13: the contract check must block; refused
deliveries must leave the inbox)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from clearinghouse import filecheck, intake
from clearinghouse.audit import load_audit
from clearinghouse.geography import Geography
from clearinghouse.inbox import BATCHES_PER_WORKER, BYTES_PER_FILE, _batches, scan_inbox
from clearinghouse.pseudonym import PseudonymKey
from clearinghouse.reports import write_operator_page
from clearinghouse.retention import load_deletions, purge
from tests.fixtures.deliveries import fake_bsns, wmo_row
from vocabulary.home import Home

NOW = datetime(2025, 8, 1, 12, 0, tzinfo=timezone.utc)
KEY = PseudonymKey(b"k" * 32, "test")
GEOGRAPHY = Geography.from_table(
    pd.DataFrame({"postcode": ["1431AB"], "huisnummer": pd.array([1], dtype="Int64"), "buurt_code": ["BU03580100"],
                  "wijk_code": ["WK035801"], "gemeente_code": ["GM0358"]})
)  # fmt: skip
MANIFEST = """gemeentecode: {code}
periode: 2025-H1
bestanden:
- bestand: wmo.csv
  domein: wmo
publicatie_basis: ja
publicatie_facultatief: nee
"""


@pytest.fixture()
def home(tmp_path) -> Home:
    home = Home(tmp_path / "home").ensure()
    folder = home.inbox / "GM0358" / "2025-H1"
    folder.mkdir(parents=True)
    pd.DataFrame([wmo_row(b) for b in fake_bsns(30)]).to_csv(folder / "wmo.csv", index=False)
    (folder / "manifest.yaml").write_text(MANIFEST.format(code="GM0358"), encoding="utf-8")
    return home


def _process(home: Home, now: datetime = NOW):
    return intake.process_partition(
        home.inbox / "GM0358" / "2025-H1", gemeente_code="GM0358", periode="2025-H1", key=KEY, geography=GEOGRAPHY,
        core_dir=home.core, intake_dir=home.intake, reports_dir=home.reports, now=now, quarantine_dir=(home.root / "quarantaine"),
    )  # fmt: skip


def _purge(home: Home, days: int = 0, now: datetime = NOW):
    return purge(home.inbox, home.intake, home.deletions, retention_days=days, now=now, held_dir=home.bewaard)


def test_accepted_records_enter_core_and_the_audit_says_so(home):
    result = _process(home)
    assert [o.opgenomen for o in result.files] == [True]
    audit = load_audit(home.intake)
    assert audit["opgenomen"].tolist() == [True] and audit["quarantaine"].isna().all()
    assert (home.core / "2025-H1" / "GM0358" / audit["core_bestand"].iloc[0]).is_file()  # the record names the file


def test_records_are_written_fast_to_write_and_read_whole(home):
    """The records are LZ4 without column statistics (always read whole, never filtered on a value):
    nothing of a column's values, such as its smallest and largest pseudonym, is kept beside them."""
    _process(home)
    written = pq.ParquetFile(next((home.core / "2025-H1" / "GM0358").glob("*.parquet")))
    columns = [written.metadata.row_group(0).column(i) for i in range(written.metadata.num_columns)]
    assert all(c.compression.startswith("LZ4") for c in columns)
    assert not any(c.is_stats_set for c in columns)
    assert written.read().num_rows == 30


def test_records_that_fail_the_core_contract_never_enter_core(home, monkeypatch):
    """Issue 13 (2): a BSN column that survived minimisation. Before: written to core/, raw deleted,
    then the check failed. Now: checked in memory, quarantined, raw kept, audit says not taken in."""
    real = filecheck.minimise

    def leaky(valid, **options):
        core = real(valid, **options)
        core["bsn"] = valid["bsn"].to_numpy()
        return core

    monkeypatch.setattr(filecheck, "minimise", leaky)
    result = _process(home)
    outcome = result.files[0]
    assert outcome.oordeel == "goedgekeurd" and not outcome.opgenomen and result.quarantined == [outcome]
    assert not any(home.core.rglob("*.parquet"))
    held = list((home.root / "quarantaine").rglob("*.parquet"))
    assert len(held) == 1 and "bsn" in pd.read_parquet(held[0]).columns
    note = held[0].with_suffix(".txt").read_text(encoding="utf-8")
    assert "core-contract" in note and "bsn" in note and "gmsd run" in note
    audit = load_audit(home.intake)
    assert audit["opgenomen"].tolist() == [False] and audit["quarantaine"].iloc[0] == str(held[0])
    assert "interne fout" in audit["melding"].iloc[0] and "u hoeft niets te doen" in audit["melding"].iloc[0]
    # The raw delivery stays in the inbox for a rerun after the fix; retention leaves it alone.
    _purge(home)
    assert (home.inbox / "GM0358" / "2025-H1" / "wmo.csv").is_file()
    page = write_operator_page(home.intake, home.reports).read_text(encoding="utf-8")
    assert "in quarantaine" in page and str(held[0]) in page
    # After the fix, a rerun takes the delivery in.
    monkeypatch.setattr(filecheck, "minimise", real)
    rerun = _process(home, NOW + timedelta(minutes=5)).files[0]
    assert rerun.opgenomen and (home.core / "2025-H1" / "GM0358" / rerun.core_bestand).is_file()


def test_a_delivery_refused_for_its_manifest_leaves_the_inbox_and_its_deletion_is_recorded(home):
    folder = home.inbox / "GM0358" / "2025-H1"
    (folder / "manifest.yaml").write_text(MANIFEST.format(code="GM0363"), encoding="utf-8")
    result = _process(home)
    assert {o.bestand for o in result.files} == {"manifest.yaml", "wmo.csv"}
    assert all(o.oordeel == "afgekeurd" and o.regel == "manifest" and o.sha256 for o in result.files)
    summary = _purge(home)
    assert not folder.exists() and scan_inbox(home.inbox) == {}  # never re-rejected on the next run
    deleted = load_deletions(home.deletions)
    assert set(deleted["bestand"]) == {"wmo.csv", "manifest.yaml"} and len(summary.deleted) == 2


def test_within_the_retention_period_processed_files_wait_outside_the_inbox(home):
    _process(home)
    summary = _purge(home, days=30, now=NOW + timedelta(days=1))
    assert summary.deleted == [] and scan_inbox(home.inbox) == {}  # not taken in again by the next run
    assert {p.name for p in summary.kept_retention} == {"wmo.csv", "manifest.yaml"}
    assert all(p.is_relative_to(home.bewaard) for p in summary.kept_retention)
    later = _purge(home, days=30, now=NOW + timedelta(days=31))
    assert {r["bestand"] for r in later.deleted} == {"wmo.csv", "manifest.yaml"}
    assert not any(p.is_file() for p in home.bewaard.rglob("*"))


def test_deliveries_are_batched_largest_first_and_small_enough_to_end_the_round_together(tmp_path):
    """The intake's workers take batches from a queue: every delivery in exactly one batch, the
    largest first, and no batch (other than a single large delivery) above its share of the round,
    so the last batches are small and the workers finish close together."""
    sizes = {"GM0363": 9_000_000, "GM0599": 6_000_000, "GM0034": 700_000, **{f"GM{1000 + i}": 100_000 + i for i in range(40)}}
    deliveries = []
    for code, size in sizes.items():
        folder = tmp_path / code / "2026-H1"
        folder.mkdir(parents=True)
        (folder / "wmo.csv").write_bytes(b"x" * size)
        deliveries.append((folder, code, "2026-H1"))
    batches = _batches(deliveries, workers=2)
    flat = [delivery for batch in batches for delivery in batch]
    assert sorted(flat) == sorted(deliveries)
    assert [d[1] for d in batches[0]] == ["GM0363"] and [d[1] for d in batches[1]] == ["GM0599"]
    weight = {code: size + BYTES_PER_FILE for code, size in sizes.items()}  # one file each
    limit = sum(weight.values()) // (2 * BATCHES_PER_WORKER)
    for batch in batches:
        assert len(batch) == 1 or sum(weight[d[1]] for d in batch[:-1]) < limit
    assert len(batches[-1]) < 10 and len(batches) >= 2 * 4


def test_the_audit_trail_reads_back_typed_for_accepted_and_refused_deliveries(home):
    """What the warehouse and the operator page read: counts as integers, consent as true/false or
    empty (a refused manifest says nothing about consent), one processing time, the report's name."""
    accepted = _process(home)
    folder = home.inbox / "GM0358" / "2025-H1"
    (folder / "manifest.yaml").write_text(MANIFEST.format(code="GM0363"), encoding="utf-8")
    _process(home, NOW + timedelta(minutes=5))
    audit = load_audit(home.intake)
    assert len(audit) == 3 and audit["rijen_gelezen"].dtype == "int64" and audit["rijen_gelezen"].iloc[0] == 30
    assert audit["rijen_geaccepteerd"].tolist()[0] == 30 - accepted.files[0].rijen_afgekeurd
    assert audit["publicatie_basis"].iloc[0] == True and audit["publicatie_facultatief"].iloc[0] == False  # noqa: E712
    assert audit["publicatie_basis"].iloc[1:].isna().all() and audit["opgenomen"].tolist() == [True, False, False]
    assert audit["verwerkt_op"].tolist()[1:] == [pd.Timestamp(NOW + timedelta(minutes=5)).tz_localize(None)] * 2
    assert audit["rapport"].iloc[0] == Path(accepted.files[0].rapport).name and audit["key_id"].eq(KEY.key_id).all()
