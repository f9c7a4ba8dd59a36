"""Checking files together gives exactly what checking each file alone gives (verdicts, findings,
records): the speed of a national round must not change a single verdict."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt

from clearinghouse.filecheck import FileTask, check_file, check_files
from clearinghouse.geography import Geography
from clearinghouse.pseudonym import PseudonymKey
from tests.fixtures.deliveries import fake_bsns, fake_bsns_leading_zero, jeugd_row, participatie_row, wmo_row
from vocabulary.periode import Periode

H1 = Periode.parse("2025-H1")
KEY = PseudonymKey(b"s" * 32, "test")
GEOGRAPHY = Geography.from_table(
    pd.DataFrame({"postcode": ["1431AB", "1431AB", "2000CD"], "huisnummer": pd.array([1, 2, 1], dtype="Int64"),
                  "buurt_code": ["BU03580100", "BU03580200", "BU03920100"], "wijk_code": ["WK035801", "WK035802", "WK039201"],
                  "gemeente_code": ["GM0358", "GM0358", "GM0392"]})
)  # fmt: skip


def _write(folder, name, rows, *, sep=",", header=lambda c: c):
    frame = pd.DataFrame(rows)
    frame.columns = [header(c) for c in frame.columns]
    path = folder / name
    frame.to_csv(path, sep=sep, index=False)
    return path


def _files(tmp_path):
    a = [wmo_row(b, herkomst="NL") for b in fake_bsns(60, seed=1)]
    a[0]["voorziening"] = "99"
    a[1]["postcode"] = "12345"
    a[2]["bsn"] = fake_bsns_leading_zero(1, seed=2)[0].lstrip("0")
    b = [wmo_row(bb, gemeentecode="GM0392", postcode="2000CD", kosten_euro="12,5") for bb in fake_bsns(40, seed=3)]
    b[3].update(datum_start="2025-03-01", datum_einde="2025-02-01")
    c = [jeugd_row(x, y) for x, y in zip(fake_bsns(30, seed=4), fake_bsns(30, seed=5))]
    c[0]["bsn_gezagdrager"] = ""
    d = [wmo_row(x) for x in fake_bsns(20, seed=6)]
    d[4]["gemeentecode"] = "GM0363"  # another gemeente: the whole file is refused
    e = [wmo_row(x) for x in fake_bsns(20, seed=7)]
    for row in e[:5]:
        row["voorziening"] = "P01"  # 25 %: refused
    f = [participatie_row(x) for x in fake_bsns(25, seed=8)]
    return [
        FileTask(_write(tmp_path, "a.csv", a), "wmo", "GM0358", H1),
        FileTask(_write(tmp_path, "b.csv", b, sep=";", header=str.upper), "wmo", "GM0392", H1),
        FileTask(_write(tmp_path, "c.csv", c), "jeugd", "GM0358", H1),
        FileTask(_write(tmp_path, "d.csv", d), "wmo", "GM0358", H1),
        FileTask(_write(tmp_path, "e.csv", e), "wmo", "GM0358", H1),
        FileTask(_write(tmp_path, "f.csv", f), "participatie", "GM0358", H1),
        FileTask(tmp_path / "ontbreekt.csv", "wmo", "GM0358", H1),
    ]


def test_checking_files_together_equals_checking_each_alone(tmp_path):
    tasks = _files(tmp_path)
    together = check_files(tasks, key=KEY, geography=GEOGRAPHY)
    alone = [check_file(t.path, domein=t.domein, gemeente_code=t.gemeente_code, periode=t.periode, key=KEY, geography=GEOGRAPHY)
             for t in tasks]  # fmt: skip
    assert [o.oordeel for o in together] == ["goedgekeurd met afwijkingen", "goedgekeurd met afwijkingen",
                                             "goedgekeurd met afwijkingen", "afgekeurd", "afgekeurd", "goedgekeurd", "afgekeurd"]  # fmt: skip
    for batch, single in zip(together, alone):
        assert (batch.oordeel, batch.regel, batch.melding) == (single.oordeel, single.regel, single.melding)
        assert (batch.rijen_gelezen, batch.rijen_afgekeurd, batch.rijen_met_waarschuwing) == (
            single.rijen_gelezen, single.rijen_afgekeurd, single.rijen_met_waarschuwing)  # fmt: skip
        pdt.assert_frame_equal(batch.failures.reset_index(drop=True), single.failures.reset_index(drop=True))
        assert (batch.core is None) == (single.core is None)
        if batch.core is not None:
            pdt.assert_frame_equal(batch.core, single.core)
            assert batch.core_probleem is None
    b = together[1]
    assert set(b.failures["kolom"]) == {"DATUM_START, DATUM_EINDE"} and b.core["wijk_code"].eq("WK039201").all()
    assert together[0].core["traject_nummer"].tolist()[:2] == [3, 4]  # row 2 (voorziening 99) was rejected


def test_a_date_with_unicode_digits_or_stray_dashes_is_one_unreadable_cell_not_a_failed_round(tmp_path):
    """Once, `2024-٠١-01` (Arabic-Indic digits) or `12-34-5-78` in a date column made Arrow's number
    cast fail, and every file checked in that group went without a verdict. Now it is one bad cell."""
    rows = [wmo_row(b) for b in fake_bsns(40, seed=11)]
    rows[0]["datum_start"] = "2025-٠١-01"
    rows[1]["datum_start"] = "12-34-5-78"
    other = [wmo_row(b) for b in fake_bsns(30, seed=12)]
    tasks = [FileTask(_write(tmp_path, "vreemd.csv", rows), "wmo", "GM0358", H1), FileTask(_write(tmp_path, "gewoon.csv", other), "wmo", "GM0358", H1)]
    odd, plain = check_files(tasks, key=KEY, geography=GEOGRAPHY)
    assert odd.oordeel is not None and plain.oordeel is not None
    flagged = odd.failures[odd.failures["kolom"] == "datum_start"]
    assert set(flagged["rij"]) == {2, 3}  # the two odd cells, by their row in the file (header = row 1)
    assert plain.core is not None and len(plain.core) == 30
