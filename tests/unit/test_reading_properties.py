"""Property tests on the readers and canonicalisers: what any well-formed export must survive."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clearinghouse.intake import check_file
from clearinghouse.normalise import canonical_bsn, canonical_postcode, parse_dates
from vocabulary.periode import Periode
from clearinghouse.reading import DeliveryFileError, read_table
from contracts.delivery import _elfproef_ascii, _elfproef_general, elfproef

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
H1 = Periode.parse("2025-H1")
HEADERS = ["gemeentecode", "bsn", "aanbieder_naam", "postcode", "kosten_euro", "opmerking", "voorziening"]


def _read_bytes(data: bytes, suffix: str = ".csv") -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"levering{suffix}"
        path.write_bytes(data)
        return read_table(path)


# ---- (a) CSV round trip ---------------------------------------------------------------------

TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff")
CP1252_TEXT = st.characters(codec="cp1252", blacklist_characters="\x00")


@st.composite
def tables(draw):
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    alphabet = CP1252_TEXT if encoding == "cp1252" else TEXT
    columns = draw(st.lists(st.sampled_from(HEADERS), min_size=2, max_size=5, unique=True))
    cell = st.text(alphabet, max_size=12)
    rows = draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=8))
    sep = draw(st.sampled_from([",", ";"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return encoding, sep, newline, columns, rows


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@FAST
@given(tables())
def test_csv_cells_read_back_as_written(table):
    encoding, sep, newline, columns, rows = table
    buffer = io.StringIO()
    # Python's writer leaves a bare `\r` unquoted when the line ending is `\n` (Excel quotes it);
    # unquoted it *is* a line break, so quote everything in that case.
    bare_cr = newline == "\n" and any("\r" in value for row in rows for value in row)
    writer = csv.writer(buffer, delimiter=sep, lineterminator=newline, quoting=csv.QUOTE_ALL if bare_cr else csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    if encoding == "cp1252":
        # Bytes that are valid UTF-8 too (`Ã©` in cp1252 is `é` in UTF-8) are read as UTF-8, which the
        # spec's order allows; real Windows-1252 exports with accents are not valid UTF-8.
        assume(data.isascii() or not _is_utf8(data))

    read = _read_bytes(data)

    expected = [[value.strip() for value in row] for row in rows]
    expected = [row for row in expected if any(row)]  # all-empty rows are Excel leftovers, dropped
    assert list(read.columns) == columns
    assert read.to_numpy().tolist() == expected


# ---- never a traceback, whatever arrives ----------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=600), st.sampled_from([".csv", ".xlsx", ".parquet"]))
def test_any_bytes_give_a_table_or_a_dutch_refusal(data, suffix):
    try:
        frame = _read_bytes(data, suffix)
    except DeliveryFileError as exc:
        assert str(exc)
    else:
        assert isinstance(frame, pd.DataFrame)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(TEXT, max_size=10), min_size=11, max_size=11), min_size=1, max_size=5))
def test_check_file_never_crashes_on_garbage_cells(rows):
    columns = ["gemeentecode", "bsn", "geboortedatum", "geslacht", "postcode", "aanbieder_id",
               "datum_start", "datum_einde", "voorziening", "leveringsvorm", "kosten_euro"]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([columns, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wmo.csv"
        path.write_bytes(buffer.getvalue().encode("utf-8"))
        outcome = check_file(path, domein="wmo", gemeente_code="GM0358", periode=H1, key=None, geography=None)
    assert outcome.oordeel in {"goedgekeurd", "goedgekeurd met afwijkingen", "afgekeurd"}


# ---- (b) dates --------------------------------------------------------------------------------

FORMATS = ["%Y%m%d", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


@FAST
@given(st.lists(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)), min_size=1, max_size=20),
       st.booleans())
def test_dates_in_every_spec_format_parse_to_the_same_day(dates, birth):
    expected = [pd.Timestamp(day) for day in dates]
    for fmt in FORMATS:
        parsed = parse_dates(pd.Series([day.strftime(fmt) for day in dates]), allow_unknown_parts=birth)
        assert parsed.tolist() == expected, fmt


# ---- (c) BSN without its leading zero ---------------------------------------------------------


@st.composite
def bsns(draw, leading_zero: bool = False):
    # With a leading zero the next digit is not 0: the spec's Excel case is an 8-digit value.
    head = f"0{draw(st.integers(1, 9))}" if leading_zero else f"{draw(st.integers(1, 9))}{draw(st.integers(0, 9))}"
    stem = head + "".join(str(draw(st.integers(0, 9))) for _ in range(6))
    check = sum(int(d) * w for d, w in zip(stem, range(9, 1, -1))) % 11
    assume(check < 10)
    return stem + str(check)


@FAST
@given(bsns(leading_zero=True), st.sampled_from(["csv", "parquet-int", "parquet-float"]))
def test_eight_digit_bsn_is_the_nine_digit_bsn(bsn, form):
    assert elfproef(pd.Series([bsn])).all()
    short = bsn[1:]
    assert canonical_bsn(pd.Series([short, bsn, f"{short}.0"])).tolist() == [bsn, bsn, bsn]
    assert canonical_bsn(pd.Series(["0", "0.0", "000000000"])).tolist() == ["000000000"] * 3  # unknown, as a number
    frame = pd.DataFrame({"bsn": [short], "geslacht": ["M"]})
    if form == "csv":
        data, suffix = frame.to_csv(index=False).encode(), ".csv"
    else:
        frame["bsn"] = frame["bsn"].astype("int64" if form == "parquet-int" else "float64")
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        data, suffix = buffer.getvalue(), ".parquet"
    read = _read_bytes(data, suffix)
    assert canonical_bsn(read["bsn"]).tolist() == [bsn]


# ---- (d) postcodes ----------------------------------------------------------------------------


@st.composite
def postcodes(draw):
    digits = str(draw(st.integers(1000, 9999)))
    letters = "".join(draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for _ in range(2))
    cased = "".join(ch.lower() if draw(st.booleans()) else ch for ch in letters)
    space = draw(st.sampled_from(["", " "]))
    return digits + letters, f"{digits}{space}{cased}"


@FAST
@given(st.lists(postcodes(), min_size=1, max_size=10))
def test_postcodes_in_any_case_with_or_without_space_normalise(pairs):
    canonical, written = zip(*pairs)
    result = canonical_postcode(pd.Series(written))
    assert result.tolist() == list(canonical)
    assert result.str.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}").all()


# ---- (e) the 11-proef catches every one-digit error ------------------------------------------


@FAST
@given(bsns(), st.integers(0, 8), st.integers(1, 9))
def test_elfproef_rejects_any_one_digit_change(bsn, position, shift):
    assert elfproef(pd.Series([bsn])).all()
    changed = bsn[:position] + str((int(bsn[position]) + shift) % 10) + bsn[position + 1 :]
    assert not elfproef(pd.Series([changed])).any()


def test_elfproef_ascii_fast_path_matches_the_general_path():
    """`elfproef` reads ASCII text from Arrow's bytes; it must agree with the general path (regex and
    code points), and leave non-ASCII text (Unicode digits, which `\\d` matches in Python) to it."""
    rng = np.random.default_rng(5)
    made = ["".join(row) for row in rng.integers(0, 10, size=(5000, 9)).astype(str)]
    cells = made + ["000000000", "123456782", "12345678", "1234567820", "12345678a", "-23456782", " 23456782", "", None, "1234 5678"]
    series = pd.Series(cells, dtype="string", index=np.arange(len(cells)) * 2 + 1)
    for values in (series, series.iloc[3:40], series.iloc[:0], pd.Series(["", None], dtype="string")):
        text = values.astype("string").fillna("")
        assert _elfproef_ascii(text) is not None
        pd.testing.assert_series_equal(elfproef(values), _elfproef_general(text, values.index))
    assert elfproef(series).sum() > 100  # valid BSNs do occur among the random ones
    for cell in ("١٢٣٤٥٦٧٨٢", "12345678é"):
        values = pd.Series(["123456782", cell], dtype="string")
        assert _elfproef_ascii(values) is None
        pd.testing.assert_series_equal(elfproef(values), _elfproef_general(values, values.index))
