"""Masking in reports: a whole column masked gives what each cell masked on its own gives."""

import pandas as pd
import pytest

from clearinghouse import masking
from clearinghouse.masking import EMPTY, mask_value, mask_values

CELLS = [
    "123456782", " 123456782", "12345678", "1234", "", None, pd.NA, "nan", "NaT", "<NA>", "2024-13-01", "01-02-1987",
    "1234 AB", "1234AB", "12 3", "AB", "GM0363", "tel 06-12345678", "x" * 80, "ëñ 123456789 ü", "123456789012",
]
COLUMNS = ["bsn", "bsn_gezagdrager", "postcode", "geboortedatum", "datum_start", "voorziening", "gemeentecode"]


@pytest.mark.parametrize("cell_by_cell", [True, False], ids=["cel-voor-cel", "per-kolom"])
@pytest.mark.parametrize("column", COLUMNS)
def test_a_column_is_masked_as_each_of_its_cells(column, cell_by_cell, monkeypatch):
    monkeypatch.setattr(masking, "CELL_BY_CELL", len(CELLS) if cell_by_cell else 0)
    values = pd.Series(CELLS, index=range(10, 10 + len(CELLS)), dtype="string")
    masked = mask_values(column, values)
    assert masked.index.equals(values.index) and masked.dtype == object
    assert masked.tolist() == [mask_value(column, None if pd.isna(cell) else cell) for cell in CELLS]


def test_no_bsn_survives_masking_in_either_way(monkeypatch):
    values = pd.Series(["123456782", "bsn 987654321"], dtype="string")
    for limit in (0, 10):
        monkeypatch.setattr(masking, "CELL_BY_CELL", limit)
        for column in ("bsn", "voorziening"):
            shown = mask_values(column, values).tolist()
            assert not any("123456782" in s or "987654321" in s for s in shown)
            assert EMPTY not in shown
