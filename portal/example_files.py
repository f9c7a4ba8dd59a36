"""Template files per domein: the delivered columns as a header and one example row, as CSV and XLSX.

The header is `contracts.delivery.delivered_columns(domein)` — the columns the intake reads, in its
order — so a template can never ask for a column the contract does not know. The example row is
obviously fake (BSN 123456782, the textbook test number; aanbieder 12345678; "Voorbeeldaanbieder
(nep)") yet passes every check for the gemeente and periode it is made for, so a data officer sees
each format at work and can replace the row with real ones. The CSV is what Dutch Excel writes
(`;`, UTF-8 with BOM); in the XLSX every cell is text, so Excel keeps BSNs' leading zeros.
"""

from __future__ import annotations

from io import BytesIO

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from contracts.delivery import delivered_columns
from vocabulary.files import csv_bytes, neutralise_formulas
from vocabulary.periode import Periode

FAKE_BSN = "123456782"  # passes the 11-proef; the well-known example number, never a person's
FAKE_BSN_GEZAGDRAGER = "111222333"
SUFFIXES = ("csv", "xlsx")

_BIRTH = {"jeugd": "2015-01-01", "wmo": "1950-01-01", "participatie": "1980-01-01"}
_OWN = {
    "jeugd": {"bsn_gezagdrager": FAKE_BSN_GEZAGDRAGER, "iq_indicatie": "ONB", "voorziening": "02", "leveringsvorm": "ZIN",
              "verwijzer": "01", "erkende_interventie": "N", "geslacht": "M"},
    "wmo": {"voorziening": "02", "leveringsvorm": "ZIN"},
    "participatie": {"voorziening": "P02", "aanbieder_id": "GEMEENTE", "aanbieder_naam": "Gemeente (voorbeeld)"},
}


def file_name(domein: str, gemeente_code: str, periode: Periode, suffix: str) -> str:
    return f"{gemeente_code}_{periode.code}_{domein}_sjabloon.{suffix}"


def example_row(domein: str, gemeente_code: str, periode: Periode) -> dict[str, str]:
    """One fake traject that ran in `periode` and ended in it (so every facultatief column can be shown)."""
    start = periode.start
    row = {
        "gemeentecode": gemeente_code,
        "bsn": FAKE_BSN,
        "geboortedatum": _BIRTH[domein],
        "geslacht": "V",
        "postcode": "1234AB",
        "huisnummer": "1",
        "herkomst": "ONB",
        "aanbieder_id": "12345678",
        "aanbieder_naam": "Voorbeeldaanbieder (nep)",
        "datum_aanvraag": (start + pd.Timedelta(days=1)).strftime("%Y-%m-%d"),
        "datum_start": (start + pd.Timedelta(days=14)).strftime("%Y-%m-%d"),
        "datum_einde": (start + pd.Timedelta(days=90)).strftime("%Y-%m-%d"),
        "reden_einde": "01",
        "resultaat": "behaald",
        "zrm_start": "2",
        "zrm_einde": "3",
        "clientervaring": "4",
        "intensiteit_uren_week": "2,5",
        "kosten_euro": "1250,00",
    }
    row.update(_OWN[domein])
    return row


def template_frame(domein: str, gemeente_code: str, periode: Periode) -> pd.DataFrame:
    """Header = the delivered columns of `domein`; one example row (empty where it has no value)."""
    columns = list(delivered_columns(domein))
    row = example_row(domein, gemeente_code, periode)
    return pd.DataFrame([[row.get(column, "") for column in columns]], columns=columns, dtype="string")


def template_csv(domein: str, gemeente_code: str, periode: Periode) -> bytes:
    return csv_bytes(template_frame(domein, gemeente_code, periode), dutch=True)


def template_xlsx(domein: str, gemeente_code: str, periode: Periode) -> bytes:
    frame = neutralise_formulas(template_frame(domein, gemeente_code, periode))
    book = Workbook()
    sheet = book.active
    sheet.title = domein
    sheet.append(list(frame.columns))
    sheet.append([str(value) for value in frame.iloc[0]])
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column) + 2)
        sheet.column_dimensions[letter].number_format = "@"  # new cells typed in this column stay text
        for cell in sheet[letter]:
            cell.number_format = "@"
        sheet[f"{letter}1"].font = Font(bold=True)
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def template(domein: str, gemeente_code: str, periode: Periode, suffix: str) -> bytes:
    return template_csv(domein, gemeente_code, periode) if suffix == "csv" else template_xlsx(domein, gemeente_code, periode)
