"""One Periode for half-years and years, in Python and in DuckDB, agreeing with each other."""

from __future__ import annotations

import duckdb
import pytest

from vocabulary.periode import Periode, PeriodeError, label, register_macros, sorted_codes


@pytest.mark.parametrize("text", ["2025-H1", " 2025-h1 ", "2025-H2", "2025"])
def test_parse_round_trips(text):
    assert Periode.parse(text).code == text.strip().upper()


@pytest.mark.parametrize("text", ["2025-H3", "2025H1", "25-H1", "", "2025-01", "1899"])
def test_parse_refuses_what_is_not_a_periode_in_dutch(text):
    with pytest.raises(PeriodeError, match="geen geldige periode"):
        Periode.parse(text)


def test_a_delivery_periode_is_a_half_year_only():
    with pytest.raises(PeriodeError, match="2025-H1 of 2025-H2"):
        Periode.halfjaar("2025")


def test_previous_and_dates():
    assert Periode.parse("2025-H1").previous().code == "2024-H2"
    assert Periode.parse("2024-H2").previous().code == "2024-H1"
    assert Periode.parse("2025").previous().code == "2024"
    assert str(Periode.parse("2025-H2").start.date()) == "2025-07-01"
    assert str(Periode.parse("2025").einde.date()) == "2025-12-31"


def test_sort_puts_a_year_after_its_halves():
    assert sorted_codes(["2025-H1", "2024", "2024-H2", "2024-H1"]) == ["2024-H1", "2024-H2", "2024", "2025-H1"]


def test_dutch_labels():
    assert label("2025-H1") == "1e halfjaar 2025"
    assert label("2025") == "2025"
    assert label("iets anders") == "iets anders"


@pytest.mark.parametrize("code", ["2024-H1", "2024-H2", "2025"])
def test_duckdb_macros_agree_with_python(code):
    con = duckdb.connect()
    register_macros(con)
    start, einde, vorige, soort = con.execute(
        "SELECT periode_start($p), periode_einde($p), vorige_periode($p), periode_soort($p)", {"p": code}
    ).fetchone()
    periode = Periode.parse(code)
    assert (start, einde) == (periode.start.date(), periode.einde.date())
    assert vorige == periode.previous().code
    assert soort == periode.soort
