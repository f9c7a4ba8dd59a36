"""Read a delivery file as gemeenten really send it, into a table of stripped strings.

Gemeenten export from many case systems, often through Excel: CSV with `,` or `;`, UTF-8 with or
without BOM or Windows-1252, XLSX, Parquet. This module only gets the cells out faithfully; what the
values mean is the normaliser's job. Structural problems raise `DeliveryFileError` with a Dutch
message a data officer can act on.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

# Far larger than any real delivery (Almere's biggest domein is a few MB): refuse before parsing.
MAX_FILE_BYTES = 512 * 1024 * 1024

CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


class DeliveryFileError(ValueError):
    """The file as a whole cannot be used; the message says why and what to do (in Dutch)."""


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1252" and any(ch in text for ch in "\x81\x8d\x8f\x90\x9d"):
            break  # bytes that Windows-1252 leaves undefined: not really cp1252
        return text
    raise DeliveryFileError(
        f"{name}: de tekenset van het bestand is onbekend. Sla het bestand op als CSV in UTF-8 of Windows-1252."
    )


def _sniff_delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def read_csv_bytes(data: bytes, name: str) -> pd.DataFrame:
    text = _decode(data, name)
    if "\x00" in text[:4096]:
        raise DeliveryFileError(f"{name}: dit is geen tekstbestand (CSV). Lever CSV, XLSX of Parquet aan.")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise DeliveryFileError(f"{name}: het bestand is leeg. Lever het bestand opnieuw aan met een kopregel en gegevens.")
    delimiter = _sniff_delimiter(first_line)
    try:
        # header=None: pandas then refuses a row with more fields than the first instead of
        # silently shifting it into an index or dropping cells.
        cells = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise DeliveryFileError(
            f"{name}: het bestand is geen geldige tabel ({exc}). Controleer of elke regel evenveel kolommen heeft."
        ) from exc
    frame = cells.iloc[1:].reset_index(drop=True).fillna("")
    frame.columns = [str(value) for value in cells.iloc[0].fillna("")]
    return frame


def read_excel_bytes(data: bytes, name: str) -> pd.DataFrame:
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise DeliveryFileError(f"{name}: het Excel-bestand kan niet worden gelezen ({type(exc).__name__}). Sla het opnieuw op als .xlsx.") from exc
    return frame


def read_parquet_bytes(data: bytes, name: str) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:
        raise DeliveryFileError(f"{name}: het Parquet-bestand kan niet worden gelezen ({type(exc).__name__}).") from exc
    # Cells as text, exactly as for CSV, so one normaliser serves every format.
    return frame.astype("string").fillna("").astype(str)


def read_table(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> pd.DataFrame:
    """Read a delivery file into a DataFrame of stripped strings with lower-cased column names.

    Empty cells are empty strings; fully empty trailing rows and columns (Excel leftovers) are dropped.
    """
    name = path.name
    size = path.stat().st_size
    if size == 0:
        raise DeliveryFileError(f"{name}: het bestand is leeg. Lever het bestand opnieuw aan met een kopregel en gegevens.")
    if size > max_bytes:
        raise DeliveryFileError(
            f"{name}: het bestand is {size / 1e6:.0f} MB, veel groter dan een echte aanlevering "
            f"(maximum {max_bytes / 1e6:.0f} MB). Controleer of u het juiste bestand levert."
        )
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        frame = read_csv_bytes(data, name)
    elif suffix in EXCEL_SUFFIXES:
        frame = read_excel_bytes(data, name)
    elif suffix in PARQUET_SUFFIXES:
        frame = read_parquet_bytes(data, name)
    else:
        raise DeliveryFileError(
            f"{name}: bestandstype '{suffix or '(geen)'}' wordt niet ondersteund. Lever CSV, XLSX of Parquet aan."
        )
    return tidy(frame)


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip cells and headers, lower-case headers, drop empty trailing rows/columns."""
    frame = frame.copy()
    names = [str(column).strip().lower() for column in frame.columns]
    frame.columns = [name if name else f"unnamed: {i}" for i, name in enumerate(names)]
    frame = frame.astype(str).apply(lambda column: column.str.strip())
    empty_columns = [c for c in frame.columns if (c == "" or c.startswith("unnamed:")) and (frame[c] == "").all()]
    frame = frame.drop(columns=empty_columns)
    if frame.columns.duplicated().any():
        duplicates = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise DeliveryFileError(f"kolom(men) {', '.join(duplicates)} komen meer dan eens voor. Houd één kolom per gegeven.")
    if len(frame.columns):
        frame = frame[~(frame == "").all(axis=1)]
    return frame.reset_index(drop=True)
