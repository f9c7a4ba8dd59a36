"""Locating addresses: exact on postcode + huisnummer, else the postcode's dominant buurt, and only
inside the delivering gemeente; the prepared form that later commands open finds the same places."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from clearinghouse.geography import Geography, forget_geography, geography_for
from vocabulary.home import Home
from vocabulary.reference import read_pc6_table
PC6_TABLE_NAME = "pc6hnr20240801_gwb.csv"

ROWS = [  # postcode, huisnummer, buurt, wijk, gemeente
    ("1011AB", 1, "BU03630001", "WK036300", "GM0363"),
    ("1011AB", 2, "BU03630001", "WK036300", "GM0363"),
    ("1011AB", 3, "BU03630102", "WK036301", "GM0363"),  # the postcode spans two buurten; 0001 has most
    ("1011AB", 3, "BU03639999", "WK036399", "GM0363"),  # a second row for one address: the first counts
    ("7121AA", 10, "BU01970000", "WK019700", "GM0197"),
    ("7121AA", 12, "BU01970100", "WK019701", "GM0197"),  # a tie of one address each: the lowest buurt code
]


def _table() -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=["postcode", "huisnummer", "buurt_code", "wijk_code", "gemeente_code"])
    return frame.astype({"huisnummer": "Int64"})


def _locate(geography: Geography, rows: list[tuple], gemeente: str | list[str]) -> list[tuple]:
    postcode = pd.Series([r[0] for r in rows], dtype="string")
    huisnummer = pd.Series([r[1] for r in rows], dtype="Int64")
    located = geography.locate(postcode, huisnummer, np.asarray(gemeente) if isinstance(gemeente, list) else gemeente)
    return [(None if pd.isna(b) else b, None if pd.isna(w) else w) for b, w in zip(located.buurt_code, located.wijk_code)]


QUESTIONS = [
    ("1011AB", 3),  # exact: its first row
    ("1011AB", 99),  # number unknown: the postcode's dominant buurt
    ("1011AB", None),  # no number: the same
    ("7121AA", None),  # tie: the lowest buurt code
    ("9999ZZ", 1),  # unknown postcode
    ("1011 AB", 1),  # not a canonical PC6
    ("7121AA", 10),  # exact, but of another gemeente than the one delivering (GM0363)
]


def test_an_address_is_found_exactly_then_by_postcode_and_only_inside_the_gemeente():
    found = _locate(Geography.from_table(_table()), QUESTIONS, "GM0363")
    assert found == [
        ("BU03630102", "WK036301"),
        ("BU03630001", "WK036300"),
        ("BU03630001", "WK036300"),
        (None, None),  # 7121AA lies in GM0197, not in the delivering GM0363
        (None, None),
        (None, None),
        (None, None),
    ]
    per_row = _locate(Geography.from_table(_table()), QUESTIONS, ["GM0363"] * 3 + ["GM0197"] * 2 + ["GM0363", "GM0197"])
    assert per_row[3] == ("BU01970000", "WK019700") and per_row[6] == ("BU01970000", "WK019700")


def test_the_prepared_form_is_opened_by_later_commands_and_finds_the_same(tmp_path, monkeypatch):
    monkeypatch.delenv("GMSD_PC6_TABLE", raising=False)
    home = Home(tmp_path).ensure()
    home.reference.mkdir(parents=True, exist_ok=True)
    table = home.reference / PC6_TABLE_NAME
    frame = _table()
    frame.rename(columns={"postcode": "PC6", "huisnummer": "Huisnummer", "buurt_code": "Buurt2024", "wijk_code": "Wijk2024",
                          "gemeente_code": "Gemeente2024"}).assign(
        Buurt2024=frame["buurt_code"].str[2:], Wijk2024=frame["wijk_code"].str[2:], Gemeente2024=frame["gemeente_code"].str[2:]
    ).to_csv(table, sep=";", index=False)  # fmt: skip
    forget_geography()
    first = geography_for(home)
    prepared = [p for p in (home.reference / ".voorbereid").iterdir()]
    assert len(prepared) == 1 and isinstance(first.exact_keys, np.memmap)  # what every later command opens
    forget_geography()
    again = geography_for(home)  # a new process: opens the prepared form
    assert _locate(again, QUESTIONS, "GM0363") == _locate(Geography.from_table(_table()), QUESTIONS, "GM0363")

    # A new version of the table (another address) is prepared anew; the old prepared form goes.
    with open(table, "a", encoding="utf-8") as handle:
        handle.write("9999ZZ;1;03630001;036300;0363\n")
    os.utime(table, ns=(1, 1))
    forget_geography()
    newer = geography_for(home)
    assert _locate(newer, [("9999ZZ", 1)], "GM0363") == [("BU03630001", "WK036300")]
    assert len(list((home.reference / ".voorbereid").iterdir())) == 1


def test_the_cbs_table_is_read_with_codes_padded_and_odd_house_numbers_empty(tmp_path):
    path = tmp_path / PC6_TABLE_NAME
    path.write_text("\ufeffPC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024\n1011 ab;12;3630001;36300;363\n1011AB;12a;3630001;36300;363\n"
                    "1011AB;;3630001;36300;363\n", encoding="utf-8")  # fmt: skip
    table = read_pc6_table(path)
    assert table["postcode"].tolist() == ["1011AB"] * 3
    assert table["huisnummer"].tolist() == [12, pd.NA, pd.NA] and str(table["huisnummer"].dtype) == "Int64"
    assert set(table["buurt_code"]) == {"BU03630001"} and set(table["wijk_code"]) == {"WK036300"} and set(table["gemeente_code"]) == {"GM0363"}
    digits_only = tmp_path / "alleen_cijfers.csv"
    digits_only.write_text("PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024\n1011AB;7;3630001;36300;363\n1011AB;;3630001;36300;363\n")
    assert read_pc6_table(digits_only)["huisnummer"].tolist() == [7, pd.NA]


def test_a_row_without_codes_is_never_the_dominant_place_and_an_empty_table_finds_nothing():
    rows = pd.DataFrame({
        "postcode": ["2000XX", "2000XX", "2000XX", "2000XX"], "huisnummer": pd.array([1, 2, 3, 4], dtype="Int64"),
        "buurt_code": [None, None, None, "BU05990001"], "wijk_code": ["WK059900"] * 4, "gemeente_code": ["GM0599"] * 4,
    })  # fmt: skip
    geography = Geography.from_table(rows)
    assert _locate(geography, [("2000XX", None), ("2000XX", 4)], "GM0599") == [("BU05990001", "WK059900")] * 2
    empty = Geography.from_table(rows.iloc[:0])
    assert _locate(empty, [("2000XX", 1), ("1011AB", None)], "GM0599") == [(None, None), (None, None)]


def test_places_with_equally_many_addresses_and_one_buurt_code_go_to_the_first_of_their_codes():
    """A buurt code listed under two wijken (inconsistent source data) still gives one answer, the
    same every time: the place whose codes sort first."""
    rows = pd.DataFrame({
        "postcode": ["3000AA"] * 2, "huisnummer": pd.array([1, 2], dtype="Int64"),
        "buurt_code": ["BU05990002"] * 2, "wijk_code": ["WK059902", "WK059901"], "gemeente_code": ["GM0599"] * 2,
    })  # fmt: skip
    for table in (rows, rows.iloc[::-1].reset_index(drop=True)):
        assert _locate(Geography.from_table(table), [("3000AA", None)], "GM0599") == [("BU05990002", "WK059901")]


def test_only_a_canonical_pc6_becomes_a_number():
    from clearinghouse.geography import postcode_numbers

    cells = ["1234AB", "1000AA", "9999ZZ", "1234ab", "0123AB", "1234 AB", "1234ABC", "", None, "١٢٣٤AB", "1234ÄB", "1234A"]
    numbers = postcode_numbers(pd.Series(cells, dtype="string")).tolist()
    assert numbers[:3] == [1234 * 676 + 0 * 26 + 1, 1000 * 676, 9999 * 676 + 25 * 26 + 25]
    assert numbers[3:] == [-1] * 9
    assert postcode_numbers(pd.Series(cells, dtype=object)).tolist() == numbers and postcode_numbers(pd.Series([], dtype="string")).tolist() == []


def test_one_code_written_two_ways_is_one_place_whether_read_from_the_file_or_a_frame(tmp_path):
    """CBS writes codes without leading zeros, and a hand-edited table may add spaces or the zeros:
    ` 363`, `363` and `0363` are one gemeente, so one place, however the table is read."""
    path = tmp_path / PC6_TABLE_NAME
    path.write_text("PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024\n1011AB;1;3630001;36300;363\n1011AB;2;03630001; 36300;0363\n"
                    "1011AB;3;3630001;036300; 363\n1011AC;1;3630002;36300;363\n", encoding="utf-8")  # fmt: skip
    from_file = Geography.from_file(path)
    from_frame = Geography.from_table(read_pc6_table(path))
    for name in ("exact_keys", "exact_places", "postcode_keys", "postcode_places", "buurt_code", "wijk_code", "gemeente_code"):
        assert np.array_equal(getattr(from_file, name), getattr(from_frame, name)), name
    assert from_file.buurt_code.tolist() == ["BU03630001", "BU03630002", ""]
    assert set(from_file.exact_places.tolist()) == {0, 1}
    assert _locate(from_file, [("1011AB", 2), ("1011AB", None), ("1011AC", 9)], "GM0363") == [
        ("BU03630001", "WK036300"), ("BU03630001", "WK036300"), ("BU03630002", "WK036300")]


def test_a_postcode_table_that_cannot_be_used_says_so_in_dutch_and_prepares_nothing(tmp_path, monkeypatch):
    import pytest

    from clearinghouse.geography import GeographyError

    monkeypatch.delenv("GMSD_PC6_TABLE", raising=False)
    home = Home(tmp_path).ensure()
    home.reference.mkdir(parents=True, exist_ok=True)
    table = home.reference / PC6_TABLE_NAME
    table.write_bytes("PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024\n1011AB;1;3630001;36300;363\n".encode() + b"1011AC;2;\xdf;1;1\n")
    forget_geography()
    with pytest.raises(GeographyError, match="niet te lezen: er staan tekens in die geen UTF-8 zijn. Zet het CBS-bestand"):
        geography_for(home)
    table.write_text("Postcode;Nummer\n1011AB;1\n", encoding="utf-8")
    with pytest.raises(GeographyError, match="geen CBS postcode-huisnummertabel; kolommen ontbreken"):
        geography_for(home)
    assert not (home.reference / ".voorbereid").exists() or not any((home.reference / ".voorbereid").iterdir())
    monkeypatch.setenv("GMSD_PC6_TABLE", str(tmp_path / "nergens.csv"))
    with pytest.raises(GeographyError, match="wijst naar .*nergens.csv, maar daar staat geen bestand"):
        geography_for(home)
