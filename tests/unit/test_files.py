"""Writing files: whole or not at all, leftovers of dead processes cleared, CSVs without formulas."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from vocabulary import files

ATTACKS = ["=HYPERLINK(\"http://x\",\"klik\")", "=cmd|' /C calc'!A0", "@SUM(1)", "+SUM(1+1)", "-2+3", "\tverborgen", "\rregel"]


def test_every_cell_that_starts_like_a_formula_is_neutralised_and_numbers_stay_numbers(tmp_path):
    frame = pd.DataFrame({
        "tekst": ATTACKS,
        "gemengd": [-5, 3.5, None, True, "=1+1", "gewoon", "a=b"],
        "string": pd.array(["=A1", "ok", None, "-x", "+", "@", "x"], dtype="string"),
        "=kop": [1, 2, 3, 4, 5, 6, 7],
    })
    safe = files.neutralise_formulas(frame)
    assert all(value.startswith("'") for value in safe["tekst"])
    mixed = safe["gemengd"]
    assert mixed.iloc[0] == -5 and mixed.iloc[1] == 3.5 and pd.isna(mixed.iloc[2]) and mixed.iloc[3] is True  # not text: unchanged
    assert safe["gemengd"].iloc[4] == "'=1+1" and safe["gemengd"].iloc[6] == "a=b"
    assert safe["string"].tolist()[:2] == ["'=A1", "ok"] and safe["string"].iloc[3] == "'-x"
    assert list(safe.columns)[-1] == "'=kop"
    written = files.write_csv(frame, tmp_path / "rapport.csv", dutch=True).read_text(encoding="utf-8-sig")
    for attack in ATTACKS:
        assert f";{attack}" not in written and not written.startswith(attack)


def test_an_atomic_write_leaves_the_old_file_when_it_fails(tmp_path):
    target = tmp_path / "figuren.txt"
    files.write_text(target, "oud")
    with pytest.raises(RuntimeError):
        with files.atomic_path(target) as temporary:
            temporary.write_text("half", encoding="utf-8")
            raise RuntimeError("schijf vol")
    assert target.read_text(encoding="utf-8") == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["figuren.txt"]


def test_temporaries_of_dead_processes_are_removed_and_those_of_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    (tmp_path / f".warehouse.duckdb.tmp-{dead}-1").write_text("half")
    (tmp_path / "site").mkdir()
    (tmp_path / f".site.tmp-{dead}-2").mkdir()
    live = tmp_path / f".releases.tmp-{os.getpid()}-3"
    live.mkdir()
    removed = files.remove_stale_temporaries(tmp_path)
    assert {p.name for p in removed} == {f".warehouse.duckdb.tmp-{dead}-1", f".site.tmp-{dead}-2"}
    assert live.exists() and (tmp_path / "site").exists()


def test_a_replaced_folder_swaps_in_whole_and_its_old_files_are_all_removed(tmp_path):
    site = tmp_path / "site"
    keep = tmp_path / "elders.txt"
    keep.write_text("blijft")
    for i in range(150):  # enough files for the removal to use its threads
        (site / f"map{i % 3}").mkdir(parents=True, exist_ok=True)
        (site / f"map{i % 3}" / f"pagina{i}.html").write_text(str(i))
    (site / "link.txt").symlink_to(keep)
    (site / "maplink").symlink_to(tmp_path, target_is_directory=True)
    with files.replaced_folder(site) as building:
        (building / "index.html").write_text("nieuw")
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elders.txt", "site"]  # no backup left; a link's target stays
    assert keep.read_text() == "blijft"
    files.remove_folder(tmp_path / "bestaat-niet")  # nothing to remove: no error


def test_an_immutable_folder_is_never_overwritten(tmp_path):
    with files.new_folder(tmp_path / "2025-H1-r1") as staging:
        (staging / "release.json").write_text("{}")
    with pytest.raises(FileExistsError):
        with files.new_folder(tmp_path / "2025-H1-r1") as staging:
            (staging / "release.json").write_text("anders")
    assert (tmp_path / "2025-H1-r1" / "release.json").read_text() == "{}"


def test_a_large_csv_written_in_slices_is_the_csv_of_the_whole_table(tmp_path, monkeypatch):
    frame = pd.DataFrame({"regio": ["GM0001", "=1+1", "WK000101", None, "x"], "waarde": [1.5, None, 3.25, 4.0, -2.0],
                          "geheim": pd.array([True, False, None, True, False], dtype="boolean")})
    whole = files.write_csv(frame, tmp_path / "heel.csv", dutch=True).read_bytes()
    monkeypatch.setattr(files, "CSV_SLICE_ROWS", 2)
    sliced = files.write_csv(frame, tmp_path / "plakken.csv", dutch=True).read_bytes()
    assert sliced == whole and sliced.count(b"regio;waarde;geheim") == 1 and b"'=1+1" in sliced
    assert files.write_csv(frame.head(0), tmp_path / "leeg.csv", dutch=True).read_text(encoding="utf-8-sig") == "regio;waarde;geheim\n"


def _frames_for_both_paths() -> dict[str, pd.DataFrame]:
    text = ATTACKS + ["gewoon", "met;puntkomma", 'met "aanhalingstekens"', "twee\nregels", "", "a=b", " =spatie eerst"]
    rows = len(text)
    return {
        "report": pd.DataFrame({
            "rij": pd.array([None, *range(2, rows + 1)], dtype="Int64"),
            "kolom": pd.Series(text, dtype=object),
            "waarde": pd.Series([None, float("nan"), pd.NA, *text[3:]], dtype=object),
            "regel": pd.Series(text[::-1], dtype="str"),
            "ernst": pd.array([None, *text[1:]], dtype="string"),
            "=kop": list(range(rows)),
        }),
        "booleans": pd.DataFrame({"ja": pd.array([True, False, None] * 3, dtype="boolean"), "nee": [True, False, True] * 3,
                                  "tekst": ["=1", "x", None] * 3}),
        "empty": pd.DataFrame({"kolom": pd.Series([], dtype=object), "rij": pd.Series([], dtype="int64")}),
        "one-empty-cell": pd.DataFrame({"kolom": [""]}),
        "not-plain": pd.DataFrame({"tekst": ["=1", "x"], "getal": [1.5, None], "gemengd": [True, "=2"]}),
    }


@pytest.mark.parametrize("dutch", [True, False])
@pytest.mark.parametrize("name", list(_frames_for_both_paths()))
def test_a_small_csv_written_cell_by_cell_is_the_csv_pandas_writes(tmp_path, monkeypatch, name, dutch):
    frame = _frames_for_both_paths()[name]
    assert (files._plain_cells(frame, dutch=dutch) is not None) == (name != "not-plain" and (dutch or name != "booleans"))
    fast = files.write_csv(frame, tmp_path / "snel.csv", dutch=dutch).read_bytes()
    monkeypatch.setattr(files, "SMALL_FRAME_ROWS", -1)  # every frame through pandas
    general = files.write_csv(frame, tmp_path / "algemeen.csv", dutch=dutch).read_bytes()
    assert fast == general
    if name == "report":
        assert b"'=HYPERLINK" in fast and b"'\tverborgen" in fast and b"'=kop" in fast and b"\n=" not in fast


@pytest.mark.parametrize("dutch", [True, False])
@pytest.mark.parametrize("name", list(_frames_for_both_paths()))
def test_a_small_csv_written_from_rows_is_the_csv_of_their_frame(tmp_path, name, dutch):
    """`write_csv_rows` (a report's rows, no DataFrame) writes what `write_csv` writes of the same
    rows as a frame, or nothing when a cell is of a kind it does not write itself."""
    frame = _frames_for_both_paths()[name]
    rows = [list(row) for row in zip(*(frame[column].tolist() for column in frame.columns))]
    written = files.write_csv_rows(list(frame.columns), rows, tmp_path / "rijen.csv", dutch=dutch)
    plain = name not in ("not-plain", "booleans")  # true/false cells: the frame's way (a column's type decides)
    assert (written is not None) == plain and (tmp_path / "rijen.csv").exists() == plain
    if plain:
        assert written.read_bytes() == files.write_csv(frame, tmp_path / "frame.csv", dutch=dutch).read_bytes()


@pytest.mark.parametrize("name", list(_frames_for_both_paths()))
def test_neutralising_cell_by_cell_gives_the_frame_of_the_vectorised_path(name):
    frame = _frames_for_both_paths()[name].assign(gemengd=lambda f: pd.Series([-5, "=1+1", None, True, "a"] * 3)[: len(f)].to_numpy())
    by_cell = files.neutralise_formulas(frame, cell_by_cell=True)
    by_column = files.neutralise_formulas(frame, cell_by_cell=False)
    pd.testing.assert_frame_equal(by_cell, by_column)
    for column in by_cell:
        assert [type(value) for value in by_cell[column]] == [type(value) for value in by_column[column]]


def test_parquet_parts_concatenate_in_order_each_its_own_row_group(tmp_path):
    """The concept figures of 13 periodes are written periode by periode: the file must be the
    parts in order, with one type per column, and a filter on the periode reads one part."""
    import pyarrow.parquet as pq

    parts = [
        pd.DataFrame({"periode": "2024-H2", "teller": [5.0, None], "reden": [None, None]}),  # text column without values
        pd.DataFrame({"periode": "2025-H1", "teller": [10.0, 15.0], "reden": ["klein aantal", None]}),
    ]
    paths = [files.write_parquet(part, tmp_path / f"deel-{i}.parquet") for i, part in enumerate(parts)]
    target = tmp_path / "alles.parquet"
    assert files.concatenate_parquet(paths, target) == 4
    found = pd.read_parquet(target)
    assert found["periode"].tolist() == ["2024-H2", "2024-H2", "2025-H1", "2025-H1"]
    assert found["reden"].tolist()[2] == "klein aantal" and found["teller"].dtype == "float64"
    assert pq.ParquetFile(target).num_row_groups == 2
    one = pd.read_parquet(target, filters=[("periode", "==", "2025-H1")])
    assert one["teller"].tolist() == [10.0, 15.0]
    assert set(files.parquet_distinct(target, "reden")) == {"klein aantal", None}
    assert not list(tmp_path.glob(".*tmp*"))
