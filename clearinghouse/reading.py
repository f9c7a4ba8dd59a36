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
    # UTF-16/32 (Excel's "Unicode-tekst") is not a spec encoding; without this check its NUL bytes
    # were reported as "geen tekstbestand", which sends the data officer the wrong way.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DeliveryFileError(
            f"{name}: het bestand is opgeslagen als UTF-16 (Unicode-tekst); die tekenset wordt niet ondersteund. "
            "Sla het bestand op als CSV in UTF-8 of Windows-1252."
        )
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


# Files that are clearly something else under a .csv name: say what they are, not "tekenset onbekend".
_MAGIC = {b"PK\x03\x04": "een Excel-werkmap of ander ZIP-bestand", b"%PDF": "een PDF-bestand", b"PAR1": "een Parquet-bestand",
          b"\xd0\xcf\x11\xe0": "een oud Excel- of Word-bestand (.xls/.doc)"}


def _parse_csv(text: str, delimiter: str, name: str) -> list[list[str]]:
    def rows(strict: bool) -> list[list[str]]:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict) if row]

    try:
        return rows(strict=True)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            # A quote that is never closed swallows every later line into one cell: refuse the
            # file rather than silently lose rows (a delivery replaces the earlier one as a whole).
            raise DeliveryFileError(
                f"{name}: het bestand is geen geldige tabel: een aanhalingsteken (\") wordt niet afgesloten, "
                "waardoor de rest van het bestand in één cel zou vallen. Controleer de aanhalingstekens."
            ) from exc
    try:
        return rows(strict=False)  # stray quotes inside a cell (`"ab"c`): read leniently, as Excel does
    except csv.Error as exc:
        raise DeliveryFileError(
            f"{name}: het bestand is geen geldige tabel ({exc}). Controleer aanhalingstekens en scheidingstekens."
        ) from exc


def read_csv_bytes(data: bytes, name: str) -> pd.DataFrame:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise DeliveryFileError(
                f"{name}: dit is geen tekstbestand (CSV) maar {what}. Lever CSV, XLSX of Parquet aan, met de juiste extensie."
            )
    text = _decode(data, name)
    if "\x00" in text:
        raise DeliveryFileError(f"{name}: dit is geen tekstbestand (CSV). Lever CSV, XLSX of Parquet aan.")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise DeliveryFileError(f"{name}: het bestand is leeg. Lever het bestand opnieuw aan met een kopregel en gegevens.")
    delimiter = _sniff_delimiter(first_line)
    # The csv module, not pandas: pandas refused a row with more fields than the header even when
    # the extra fields were empty (exports that end every data row with `;;;`), and its error text
    # was English. Extra *empty* fields are Excel leftovers and dropped; extra fields with a value
    # are a ragged table and refuse the file, naming the line.
    rows = _parse_csv(text, delimiter, name)
    # Empty rows above the header (`;;;;` from Excel) would make the header look empty: skip them.
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise DeliveryFileError(f"{name}: het bestand is leeg. Lever het bestand opnieuw aan met een kopregel en gegevens.")
    header, body = rows[0], rows[1:]
    width = len(header)
    for number, row in enumerate(body, start=2):
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                raise DeliveryFileError(
                    f"{name}: het bestand is geen geldige tabel: gegevensregel {number - 1} heeft {len(row)} velden, "
                    f"de kopregel {width}. Controleer of elke regel evenveel kolommen heeft "
                    f"(scheidingsteken '{delimiter}' in een waarde zonder aanhalingstekens?)."
                )
            del row[width:]
        elif len(row) < width:
            row.extend([""] * (width - len(row)))
    return pd.DataFrame(body, columns=header, dtype=object)


def read_excel_bytes(data: bytes, name: str) -> pd.DataFrame:
    try:
        # header=None, as for CSV: pandas would otherwise rename a repeated column to `bsn.1`
        # (silently ignored) instead of letting tidy() refuse the duplicate.
        cells = pd.read_excel(
            io.BytesIO(data), sheet_name=0, header=None, dtype=str, keep_default_na=False, engine="openpyxl"
        )
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise DeliveryFileError(f"{name}: het Excel-bestand kan niet worden gelezen ({type(exc).__name__}). Sla het opnieuw op als .xlsx.") from exc
    cells = cells.fillna("")
    filled = cells.apply(lambda column: column.astype(str).str.strip() != "").any(axis=1)
    cells = cells[filled.cummax()]  # empty rows above the header, as for CSV
    if cells.empty:
        raise DeliveryFileError(f"{name}: het eerste werkblad is leeg. Zet de gegevens met een kopregel op het eerste werkblad.")
    frame = cells.iloc[1:].reset_index(drop=True).fillna("")
    frame.columns = [str(value) for value in cells.iloc[0].fillna("")]
    return frame


def _parquet_text(values: pd.Series) -> pd.Series:
    """A Parquet column as text. Whole numbers in a float column (an integer column with a gap
    becomes float64) are written without `.0`: `12345678.0` would otherwise reach the normaliser,
    whose BSN clean-up drops dots and made it the *different* BSN `123456780`."""
    text = values.astype("string")
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values % 1 == 0) & (values.abs() < 1e15)
        text = values.where(whole).astype("Int64").astype("string").where(whole, text)
    return text


def read_parquet_bytes(data: bytes, name: str) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:
        raise DeliveryFileError(f"{name}: het Parquet-bestand kan niet worden gelezen ({type(exc).__name__}).") from exc
    # Cells as text, exactly as for CSV, so one normaliser serves every format.
    return frame.apply(_parquet_text).fillna("").astype(str)


def read_table(path: Path, *, max_bytes: int | None = None) -> pd.DataFrame:
    """Read a delivery file into a DataFrame of stripped strings with lower-cased column names.

    Empty cells are empty strings; fully empty trailing rows and columns (Excel leftovers) are dropped.
    `max_bytes` defaults to MAX_FILE_BYTES, looked up at call time (a default argument froze the value
    at import, so changing the configured limit had no effect).
    """
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
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
