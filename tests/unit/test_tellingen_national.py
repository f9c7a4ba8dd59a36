"""`read_counts` reads through one national file per periode (`tellingen/landelijk-<periode>.parquet`)
keyed by the digest of every partition file: it must give what reading the partition files gives,
whatever the state of those files — missing, stale, of other partitions, half-written or garbage."""

import duckdb
import pandas as pd
import pytest

from indicators.tellingen import CELL_COLUMNS, compute_counts, counts_path, national_path, read_counts


def _files(tellingen_dir, partitions):
    """What the partition files hold, read as before the national file (DuckDB, union by name)."""
    paths = [str(path) for g, p in partitions if (path := counts_path(tellingen_dir, p, g)).is_file()]
    con = duckdb.connect()
    return con.execute("SELECT * FROM read_parquet($paths, union_by_name = true)", {"paths": paths}).df()


def _counts(gemeente, periode, n, *, median=False, shift=0):
    frame = pd.DataFrame({
        "indicator_id": [f"i{k}" for k in range(n)], "periode": periode, "periode_soort": "halfjaar",
        "regio_code": [gemeente] + [f"WK{gemeente[2:]}{k:02d}" for k in range(n - 1)], "regio_niveau": ["gemeente"] + ["wijk"] * (n - 1),
        "regio_naam": "x", "gemeente_code": gemeente, "teller_ruw": [k + shift for k in range(n)], "teller_sleutel": "t",
        "noemer_ruw": pd.Series([k * 10 if k % 3 else pd.NA for k in range(n)], dtype="object"), "noemer_sleutel": "n",
        "noemer_is_bevolking": False, "factor": 100.0, "min_noemer": 50, "eenheid": "pct",
    })[CELL_COLUMNS]
    if median:
        frame["teller_ruw"] = frame["teller_ruw"].astype("float64") + 0.5
    return frame


def _write(tellingen_dir, gemeente, periode, frame):
    path = counts_path(tellingen_dir, periode, gemeente)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)


PARTITIONS = [("GM0014", "2025-H1"), ("GM0034", "2025-H1"), ("GM0034", "2025-H2"), ("GM0358", "2025-H2")]
H1, H2 = "2025-H1", "2025-H2"


@pytest.fixture
def tellingen(tmp_path):
    for k, (g, p) in enumerate(PARTITIONS):
        _write(tmp_path, g, p, _counts(g, p, 4 + k, median=g == "GM0358"))  # one file with a float teller
    return tmp_path


def _same(tellingen_dir, partitions=PARTITIONS):
    pd.testing.assert_frame_equal(read_counts(tellingen_dir, partitions), _files(tellingen_dir, partitions))


def test_cold_warm_and_after_a_change_equal_the_partition_files(tellingen):
    _same(tellingen)
    assert national_path(tellingen, H1).is_file() and national_path(tellingen, H2).is_file()
    _same(tellingen)  # from the national files
    _write(tellingen, "GM0034", "2025-H1", _counts("GM0034", "2025-H1", 5, shift=1))  # a re-delivery: same size and shape
    _same(tellingen)  # the stale rows of the national file are not used
    _same(tellingen)


def test_a_subset_and_other_orders(tellingen):
    _same(tellingen)
    _same(tellingen, PARTITIONS[:2])  # only int tellers: int, not the national file's float
    _same(tellingen, list(reversed(PARTITIONS)))
    _same(tellingen, PARTITIONS[1:] + [("GM9999", "2025-H1")])  # a partition without counts is left out
    pd.testing.assert_frame_equal(read_counts(tellingen), _files(tellingen, sorted(PARTITIONS, key=lambda x: (x[1], x[0]))))


def test_a_garbage_or_foreign_national_file_is_not_used(tellingen):
    national_path(tellingen, H1).write_bytes(b"not parquet")
    _same(tellingen)
    _counts("GM0014", "2025-H1", 3).to_parquet(national_path(tellingen, H1))  # no key: not trusted
    _same(tellingen)
    before = national_path(tellingen, H1).read_bytes()
    _same(tellingen)
    assert national_path(tellingen, H1).read_bytes() == before  # nothing changed: not rewritten


def test_a_national_file_of_other_contents_is_not_used(tellingen):
    _same(tellingen)
    kept = national_path(tellingen, H1).read_bytes()
    _write(tellingen, "GM0014", "2025-H1", _counts("GM0014", "2025-H1", 4, shift=7))
    _same(tellingen)
    national_path(tellingen, H1).write_bytes(kept)  # e.g. a copy of an older home, or a write that lost a race
    _same(tellingen)


def test_counts_removed_take_the_national_file_with_them(tellingen):
    read_counts(tellingen, PARTITIONS)
    compute_counts({}, [("GM0014", "2025-H1")], tellingen, [])
    assert not counts_path(tellingen, "2025-H1", "GM0014").exists()
    assert not national_path(tellingen, H1).exists()  # no copy of counts no longer in force
    assert national_path(tellingen, H2).exists()  # the other periode's counts did not change
    _same(tellingen)


def test_nothing_to_read(tmp_path):
    assert list(read_counts(tmp_path, []).columns) == CELL_COLUMNS
    assert not list(tmp_path.glob("landelijk*"))


def test_one_periode_is_read_and_rewritten_without_the_others(tellingen):
    """The concept step reads one periode at a time, and a re-delivery changes one periode: neither
    may read or rewrite another periode's counts (with 13 periodes, that was all of them each time)."""
    _same(tellingen)
    other = national_path(tellingen, H2).read_bytes()
    _write(tellingen, "GM0014", "2025-H1", _counts("GM0014", "2025-H1", 4, shift=3))  # a re-delivery in H1
    national_path(tellingen, H2).write_bytes(b"not parquet")  # were H2's file read, this would rewrite it
    _same(tellingen, PARTITIONS[:2])
    assert national_path(tellingen, H2).read_bytes() == b"not parquet"
    national_path(tellingen, H2).write_bytes(other)
    _same(tellingen)
    assert national_path(tellingen, H2).read_bytes() == other  # unchanged partitions: not rewritten


def test_the_single_national_file_of_an_older_home_is_removed(tellingen):
    (tellingen / "landelijk.parquet").write_bytes(b"every periode's counts, as homes before 3 Dec 2026 kept them")
    _same(tellingen)
    assert not (tellingen / "landelijk.parquet").exists()


def test_rows_that_do_not_fit_their_file_are_not_used(tellingen):
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    _same(tellingen, PARTITIONS[:2])  # int tellers only
    table = pq.read_table(national_path(tellingen, H1))
    teller = pc.add(table.column("teller_ruw").cast("float64"), 0.5)  # not an int any more: cannot be these files' rows
    pq.write_table(table.set_column(table.schema.get_field_index("teller_ruw"), "teller_ruw", teller), national_path(tellingen, H1))
    _same(tellingen, PARTITIONS[:2])
