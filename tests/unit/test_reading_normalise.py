"""Reading real-world exports and canonicalising their values."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from clearinghouse.normalise import _all_shaped, _shaped_dates, _shaped_dates_ascii, age_at, canonical_bsn, canonical_gemeentecode, normalise, parse_dates
from vocabulary.periode import Periode
from clearinghouse.reading import DeliveryFileError, check_shape, read_table

HEADER = "gemeentecode;bsn;geboortedatum;geslacht;postcode;aanbieder_id;datum_start;datum_einde;voorziening;leveringsvorm;kosten_euro"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [",", ";"])
def test_reads_csv_in_every_spec_encoding_and_separator(tmp_path, encoding, sep):
    text = HEADER.replace(";", sep) + "\n" + sep.join(["GM0358", "123456782", "19400101", "V", "1431AB", "12345678", "2025-01-01", "", "02", "ZIN", "Café"]) + "\n"
    path = tmp_path / "wmo.csv"
    path.write_bytes(text.encode(encoding))
    frame = read_table(path)
    assert list(frame.columns)[:2] == ["gemeentecode", "bsn"]
    assert frame.loc[0, "kosten_euro"] == "Café"


def test_headers_are_matched_case_insensitively_and_trailing_empties_dropped(tmp_path):
    path = tmp_path / "wmo.csv"
    path.write_text(" GemeenteCode ;BSN;;\nGM0358;123456782;;\n;;;\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["gemeentecode", "bsn"]
    assert len(frame) == 1


def test_reads_xlsx_and_parquet(tmp_path):
    frame = pd.DataFrame({"BSN": ["012345672"], "Geslacht": ["M"]})
    frame.to_excel(tmp_path / "a.xlsx", index=False)
    frame.to_parquet(tmp_path / "a.parquet")
    for name in ("a.xlsx", "a.parquet"):
        read = read_table(tmp_path / name)
        assert read.loc[0, "bsn"] == "012345672" and read.loc[0, "geslacht"] == "M"


@pytest.mark.parametrize(
    "content, message",
    [(b"", "leeg"), (b"\x00\x01\x02binary" * 10, "geen tekstbestand"), (b"a,b\n1,2,3,4\n", "geen geldige tabel")],
)
def test_structural_problems_raise_a_dutch_message(tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(DeliveryFileError, match=message):
        read_table(path)


def test_unknown_file_type_is_refused(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(DeliveryFileError, match="wordt niet ondersteund"):
        read_table(path)


def test_dates_in_the_three_spec_formats_and_unknown_parts():
    values = pd.Series(["20240315", "2024-03-15", "15-03-2024", "20240300", "20240000", "2024-13-01", "", "gisteren"])
    parsed = parse_dates(values, allow_unknown_parts=True)
    assert list(parsed[:3].dt.strftime("%Y-%m-%d")) == ["2024-03-15"] * 3
    assert parsed[3] == pd.Timestamp("2024-03-15") and parsed[4] == pd.Timestamp("2024-07-01")
    assert parsed[5:].isna().all()
    assert parse_dates(pd.Series(["20240300"])).isna().all()  # unknown day only allowed for birth dates


def test_bsn_and_gemeente_canonicalisation():
    assert list(canonical_bsn(pd.Series(["12345678", " 123456782 ", "1234.56.782", ""])).fillna("NA")) == [
        "012345678", "123456782", "123456782", "NA"
    ]
    assert list(canonical_gemeentecode(pd.Series(["0363", "gm0363", "363", "GM0363"]))) == ["GM0363"] * 4


def test_normalise_types_codes_postcodes_and_decimal_comma():
    raw = pd.DataFrame(
        {"gemeentecode": ["358"], "bsn": ["12345678"], "geboortedatum": ["01-07-1950"], "geslacht": ["x"],
         "postcode": ["1431 ab"], "voorziening": ["2"], "kosten_euro": ["1.234,50"], "huisnummer": ["12a"]}
    )
    out = normalise(raw, periode=Periode.parse("2025-H1")).frame
    row = out.iloc[0]
    assert (row.gemeentecode, row.bsn, row.geslacht, row.postcode, row.voorziening) == ("GM0358", "012345678", "O", "1431AB", "02")
    assert row.kosten_euro == pytest.approx(1234.50)
    assert row.huisnummer == 12
    assert row._leeftijd == 74  # born 1 July 1950, age on 30 June 2025


def test_unreadable_values_are_recorded_not_silently_dropped():
    raw = pd.DataFrame({"geboortedatum": ["19500101"], "datum_start": ["morgen"], "kosten_euro": ["veel"]})
    normalised = normalise(raw, periode=Periode.parse("2025-H1"))
    assert set(normalised.parse_failures) == {"datum_start", "kosten_euro"}


def test_age_at_periode_end():
    births = pd.Series(pd.to_datetime(["2007-06-30", "2007-07-01", None]))
    assert list(age_at(births, pd.Timestamp("2025-06-30")).astype("object").fillna(-1)) == [18, 17, -1]


def test_periode_bounds():
    assert Periode.parse("2024-H2").start == pd.Timestamp("2024-07-01")
    assert Periode.parse("2024-H2").einde == pd.Timestamp("2024-12-31")
    assert Periode.parse("2025-H1").previous().code == "2024-H2"
    with pytest.raises(ValueError, match="geen geldige periode"):
        Periode.parse("2025-Q1")


def test_dutch_excel_short_dates_and_agb_without_leading_zero():
    from clearinghouse.normalise import parse_dates

    parsed = parse_dates(pd.Series(["1-2-2025", "01-02-2025", "31-12-2024", "1-13-2025"]))
    assert parsed.iloc[0] == pd.Timestamp("2025-02-01") == parsed.iloc[1]
    assert parsed.iloc[2] == pd.Timestamp("2024-12-31")
    assert pd.isna(parsed.iloc[3])  # month 13: unreadable, reported, not guessed


def test_agb_code_that_lost_its_leading_zero_is_restored():
    from tests.fixtures.deliveries import fake_bsns, wmo_row

    raw = pd.DataFrame([wmo_row(fake_bsns(1)[0], aanbieder_id="1234567"), wmo_row(fake_bsns(2)[1], aanbieder_id="GEMEENTE")])
    frame = normalise(raw, periode=Periode.parse("2025-H1")).frame
    assert frame["aanbieder_id"].tolist() == ["01234567", "GEMEENTE"]


def test_absurd_shapes_are_refused_before_any_row_is_read(tmp_path):
    """Issue 13 (6): a 9.9 MB CSV with 1,000,000 header columns ran `gmsd check` past 300 s and 7 GB.
    `check_shape` (for an upload, before it is queued) and the intake refuse it with a Dutch message."""
    wide = tmp_path / "breed.csv"
    wide.write_text(",".join(f"kolom{i}" for i in range(1_000_000)) + "\n" + "1,2\n", encoding="utf-8")
    with pytest.raises(DeliveryFileError, match="tekens lang"):
        check_shape(wide)
    with pytest.raises(DeliveryFileError, match="tekens lang"):
        read_table(wide)
    many = tmp_path / "veel.csv"
    many.write_text(";".join("k" for _ in range(5_000)) + "\n", encoding="utf-8")
    with pytest.raises(DeliveryFileError, match="5.000 kolommen"):
        check_shape(many)
    normal = tmp_path / "wmo.csv"
    normal.write_text(HEADER + "\n" + "GM0358;123456782;19400101;V;1431AB;12345678;2025-01-01;;02;ZIN;\n", encoding="utf-8")
    check_shape(normal)  # a real delivery passes


_DATE_CELLS = [
    "20240229", "20230229", "20240230", "20241301", "20240000", "20240100", "20240015", "00000000", "99991231",
    "2024-02-29", "2023-02-29", "2024-04-31", "2024-00-10", "2024-12-00", "1900-02-29", "2000-02-29",
    "29-02-2024", "29-02-2023", "31-12-1999", "00-01-2024", "01-13-2024", "1-2-2025", "2024/03/01",
    "2024-03-01 00:00:00", "2024-03-0a", "202403011", "2024031", "----------", "2024--03-1", "", " 20240301",
]


@pytest.mark.parametrize("unknown_parts", [False, True])
def test_ascii_date_fast_path_matches_the_general_path(unknown_parts):
    """Dates in an ASCII column are read from Arrow's bytes with NumPy; they must equal the general
    path's Arrow text kernels, also for impossible days, unknown parts, nulls and a sliced array."""
    rng = np.random.default_rng(11)
    digits = rng.integers(0, 10, size=(3000, 8)).astype(str)
    made = ["".join(row) for row in digits]
    made += [f"{m[:4]}-{m[4:6]}-{m[6:]}" for m in made[:1000]] + [f"{m[6:]}-{m[4:6]}-{m[:4]}" for m in made[1000:2000]]
    cells = _DATE_CELLS + [None] + made + [f"{y:04d}{mo:02d}{d:02d}" for y in (1999, 2000, 2024) for mo in range(14) for d in range(33)]
    text = pa.array(cells, type=pa.large_string())
    chunked = pa.chunked_array([text.slice(0, 40), text.slice(40, 0), text.slice(40)])
    empty = pa.array([], type=pa.large_string())
    for array in (text, text.slice(7, 2500), chunked, pa.array([None, None], type=pa.large_string()), empty, pa.chunked_array([], type=pa.large_string())):
        fast = _shaped_dates_ascii(array, unknown_parts)
        assert fast is not None
        np.testing.assert_array_equal(fast[0], _shaped_dates(array, unknown_parts))
        assert fast[1] == _all_shaped(array)
    for cells in (["20240101", "2024-01-01", "01-01-2024", None], ["20240101", "2024-1-01"], ["1-2-2025"], ["2024031"]):
        array = pa.array(cells, type=pa.large_string())
        assert _shaped_dates_ascii(array, unknown_parts)[1] == _all_shaped(array)


def test_ascii_date_fast_path_leaves_doubtful_columns_to_the_general_path():
    # Unicode digits pass `utf8_is_digit` (Arrow) but are not ASCII; dashes in other places than a
    # format's pass the general path's shape test. Either way the general path decides.
    for cell in ("2024-٠١-01", "٢٠٢٤0101", "12-34-5-78", "2024-0--01"):
        assert _shaped_dates_ascii(pa.array(["20240101", cell], type=pa.large_string()), False) is None
        assert _shaped_dates_ascii(pa.chunked_array([["20240101"], [cell]], type=pa.large_string()), False) is None
