"""The audit trail is read once per change: later reads in the same process are copies, and a
delivery recorded meanwhile (or a file removed) is always in the next read."""

import os
from datetime import datetime

import pandas as pd

from clearinghouse.audit import load_audit
from vocabulary import files


def _record(intake_dir, gemeente_code: str, stamp: str, rows: int = 1) -> None:
    frame = pd.DataFrame({
        "gemeente_code": [gemeente_code], "periode": ["2026-H1"], "domein": ["wmo"], "bestand": [f"{gemeente_code}_wmo.csv"],
        "rijen_gelezen": [rows], "oordeel": ["goedgekeurd"], "verwerkt_op": [datetime(2026, 7, 1, 12, int(stamp[-2:]))],
    })  # fmt: skip
    files.write_parquet(frame, intake_dir / "2026-H1" / gemeente_code / f"{stamp}.parquet")


def test_a_read_is_a_copy_the_caller_may_change(tmp_path):
    _record(tmp_path, "GM0014", "20260701T1201")
    first = load_audit(tmp_path)
    first.loc[0, "oordeel"] = "afgekeurd"
    first["extra"] = 1
    again = load_audit(tmp_path)
    assert again.loc[0, "oordeel"] == "goedgekeurd"
    assert "extra" not in again


def test_a_new_changed_or_removed_record_is_in_the_next_read(tmp_path):
    _record(tmp_path, "GM0014", "20260701T1201")
    assert list(load_audit(tmp_path)["gemeente_code"]) == ["GM0014"]
    _record(tmp_path, "GM0034", "20260701T1202")
    assert list(load_audit(tmp_path)["gemeente_code"]) == ["GM0014", "GM0034"]
    _record(tmp_path, "GM0034", "20260701T1202", rows=7)  # the same name written again
    assert list(load_audit(tmp_path)["rijen_gelezen"]) == [1, 7]
    os.remove(tmp_path / "2026-H1" / "GM0014" / "20260701T1201.parquet")
    assert list(load_audit(tmp_path)["gemeente_code"]) == ["GM0034"]
    os.remove(tmp_path / "2026-H1" / "GM0034" / "20260701T1202.parquet")
    assert load_audit(tmp_path).empty
