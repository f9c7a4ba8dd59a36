"""The cells of an XLSX or Parquet delivery, as text exactly as a CSV gives them, so one normaliser
serves every format. An XLSX that unpacks to gigabytes, or a file with absurdly many columns, is
refused from its metadata before it is read.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from openpyxl import load_workbook

from clearinghouse.grid import MAX_COLUMNS, MAX_XLSX_UNPACKED_BYTES, DeliveryFileError, Grid, rows_to_grid, too_wide


def check_xlsx_shape(data: bytes, name: str) -> None:
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: the Excel reader says so
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise DeliveryFileError(
            f"{name}: het Excel-bestand pakt uit tot {unpacked / 1e9:.0f} GB; zo groot is geen aanlevering. "
            "Controleer of u het juiste bestand levert, of lever CSV aan."
        )
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        width = sheet.max_column
    except Exception:  # openpyxl raises many types for corrupt files; the full read below reports it
        return
    if width and width > MAX_COLUMNS:
        raise too_wide(name, width)


def excel_grid(data: bytes, name: str) -> Grid:
    check_xlsx_shape(data, name)
    try:
        # header=None, as for CSV: pandas would otherwise rename a repeated column to `bsn.1`
        # (silently ignored) instead of letting the tidying refuse the duplicate.
        cells = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=str, keep_default_na=False, engine="calamine")
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise DeliveryFileError(f"{name}: het Excel-bestand kan niet worden gelezen ({type(exc).__name__}). Sla het opnieuw op als .xlsx.") from exc
    cells = cells.fillna("").astype(str)
    if cells.empty or not (cells.apply(lambda column: column.str.strip() != "")).to_numpy().any():
        raise DeliveryFileError(f"{name}: het eerste werkblad is leeg. Zet de gegevens met een kopregel op het eerste werkblad.")
    return rows_to_grid(cells.to_numpy().tolist(), name)


def _parquet_text(values: pd.Series) -> pd.Series:
    """A Parquet column as text. Whole numbers in a float column (an integer column with a gap
    becomes float64) are written without `.0`: `12345678.0` would otherwise reach the normaliser,
    whose BSN clean-up drops dots and made it the *different* BSN `123456780`."""
    text = values.astype("string")
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values % 1 == 0) & (values.abs() < 1e15)
        text = values.where(whole).astype("Int64").astype("string").where(whole, text)
    return text


def check_parquet_width(data: bytes, name: str) -> None:
    """Refuse a Parquet file that is unreadable or absurdly wide, from its metadata alone."""
    try:
        width = pq.ParquetFile(io.BytesIO(data)).metadata.num_columns
    except Exception as exc:
        raise DeliveryFileError(f"{name}: het Parquet-bestand kan niet worden gelezen ({type(exc).__name__}).") from exc
    if width > MAX_COLUMNS:
        raise too_wide(name, width)


def parquet_grid(data: bytes, name: str) -> Grid:
    check_parquet_width(data, name)
    try:
        table = pq.ParquetFile(pa.BufferReader(data)).read()  # read_table's dataset layer costs more than a delivery's rows
    except Exception as exc:
        raise DeliveryFileError(f"{name}: het Parquet-bestand kan niet worden gelezen ({type(exc).__name__}).") from exc
    # A pandas index saved in the file (`__index_level_0__`) is not a delivered column.
    index_columns = {c for c in (table.schema.pandas_metadata or {}).get("index_columns", []) if isinstance(c, str)}
    table = table.select([c for c in table.column_names if c not in index_columns])
    # Cells as text, exactly as for CSV, so one normaliser serves every format. Text columns are
    # used as they are; numbers and dates are written as text the way pandas does (`_parquet_text`).
    columns = []
    for field, column in zip(table.schema, table.columns):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            text = pc.fill_null(column.combine_chunks(), "")
        else:
            values = _parquet_text(column.to_pandas()).fillna("").astype(str)
            text = pa.array(values.to_numpy(dtype=object), type=pa.string())
        columns.append(pc.utf8_trim_whitespace(text))
    return Grid([str(field.name) for field in table.schema], columns, np.arange(table.num_rows) + 2)


# --------------------------------------------------------------------------------------------
# Tidy and read
# --------------------------------------------------------------------------------------------
