"""Read a delivery file as gemeenten really send it, into a table of stripped strings.

Gemeenten export from many case systems, often through Excel: CSV with `,` or `;`, UTF-8 with or
without BOM or Windows-1252, XLSX, Parquet. This module only gets the cells out faithfully; what the
values mean is the normaliser's job. Structural problems raise `DeliveryFileError` with a Dutch
message a data officer can act on.

Speed: a CSV is parsed column-wise by Arrow (a national round is millions of rows). Arrow is lenient
where the spec wants a refusal or a repair, so a file that Arrow reads in any doubtful way — a row
with another number of fields than the header (Excel's trailing `;;`), an odd number of quote
characters (a quote that is never closed), a line break in the very last cell — is read again, row
by row, with Python's csv module, whose exact behaviour the corpus and property tests pin down.
Absurd shapes (a million columns, a 10 MB line, a 1 MB cell, an XLSX that unpacks to gigabytes) are
refused before any parsing, in little time and memory.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from openpyxl import load_workbook

from vocabulary.formatting import fmt_int

# Far larger than any real delivery (Almere's biggest domein is a few MB): refuse before parsing.
MAX_FILE_BYTES = 512 * 1024 * 1024
# A delivery has about 25 columns; a case-system export with extra columns a few dozen more.
MAX_COLUMNS = 1_000
# A line of 1,000 ordinary cells is ~20 kB; a cell of free text a few hundred characters.
MAX_LINE_BYTES = 200_000
MAX_CELL_CHARS = 10_000
# Unpacked size of an XLSX: ~10x its file size for real workbooks; far more is a "zip bomb".
MAX_XLSX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024

CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx"}
PARQUET_SUFFIXES = {".parquet", ".pq"}

LINE_BREAKS = ("\n", "\r")


class DeliveryFileError(ValueError):
    """The file as a whole cannot be used; the message says why and what to do (in Dutch)."""


@dataclass
class Delivered:
    """A delivery file's cells: stripped strings, lower-cased column names.

    `frame.index` is the row's number as a spreadsheet shows it, minus 2 (so the first data row
    under a header on row 1 has index 0 and is reported as row 2). `headers` maps each column to its
    header as delivered (stripped, original capitals), for reports in the gemeente's own words.
    `sha256` is the file's checksum (computed from the bytes read, so the file is read once).
    """

    frame: pd.DataFrame
    headers: dict[str, str]
    sha256: str = ""
    table: pa.Table | None = None  # the same cells as an Arrow table (for stacking many files without copies)


@dataclass
class _Grid:
    """Cells before tidying: the header cells, one stripped string array per column, each row's sheet row number."""

    header: list[str]
    columns: list[pa.Array]
    rows: np.ndarray


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (for files that are not read as a delivery)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _empty_file(name: str) -> DeliveryFileError:
    return DeliveryFileError(f"{name}: het bestand is leeg. Lever het bestand opnieuw aan met een kopregel en gegevens.")


def _too_wide(name: str, columns: int) -> DeliveryFileError:
    return DeliveryFileError(
        f"{name}: de kopregel heeft {fmt_int(columns)} kolommen; een aanlevering heeft er hooguit enkele tientallen "
        f"(grens {fmt_int(MAX_COLUMNS)}). Controleer of u het juiste bestand levert en of het scheidingsteken klopt."
    )


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> tuple[str, bytes]:
    """The text, and the same text as UTF-8 bytes without BOM (what Arrow reads)."""
    # UTF-16/32 (Excel's "Unicode-tekst") is not a spec encoding; without this check its NUL bytes
    # were reported as "geen tekstbestand", which sends the data officer the wrong way.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DeliveryFileError(
            f"{name}: het bestand is opgeslagen als UTF-16 (Unicode-tekst); die tekenset wordt niet ondersteund. "
            "Sla het bestand op als CSV in UTF-8 of Windows-1252."
        )
    try:
        text = data.decode("utf-8-sig")
        return text, data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is None or any(ch in text for ch in "\x81\x8d\x8f\x90\x9d"):  # bytes cp1252 leaves undefined
        raise DeliveryFileError(
            f"{name}: de tekenset van het bestand is onbekend. Sla het bestand op als CSV in UTF-8 of Windows-1252."
        )
    return text, text.encode("utf-8")


def _sniff_delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


# Files that are clearly something else under a .csv name: say what they are, not "tekenset onbekend".
_MAGIC = {b"PK\x03\x04": "een Excel-werkmap of ander ZIP-bestand", b"%PDF": "een PDF-bestand", b"PAR1": "een Parquet-bestand",
          b"\xd0\xcf\x11\xe0": "een oud Excel- of Word-bestand (.xls/.doc)"}


def _longest_line(data: bytes) -> tuple[int, int]:
    """(length in bytes, 1-based line number) of the longest physical line; vectorised, no copy of the text."""
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero((raw == 10) | (raw == 13))
    bounds = np.concatenate(([-1], ends, [len(raw)]))
    lengths = np.diff(bounds) - 1
    longest = int(np.argmax(lengths))
    return int(lengths[longest]), longest + 1


def _first_line(text: str, name: str) -> str:
    """The first line with content (the header, or Excel's `;;;;` above it), for sniffing the separator."""
    for line in text[: 4 * MAX_LINE_BYTES].splitlines():
        if line.strip():
            return line
    if len(text) > 4 * MAX_LINE_BYTES:
        raise DeliveryFileError(f"{name}: het begin van het bestand bevat geen leesbare kopregel. Lever een CSV met een kopregel aan.")
    raise _empty_file(name)


def _check_csv_shape(text: str, utf8: bytes, name: str) -> str:
    """Refuse absurd shapes before parsing; return the first line with content."""
    length, line = _longest_line(utf8)
    if length > MAX_LINE_BYTES:
        raise DeliveryFileError(
            f"{name}: regel {fmt_int(line)} is {fmt_int(length)} tekens lang; een aanleveringsregel is hooguit enkele "
            f"honderden tekens (grens {fmt_int(MAX_LINE_BYTES)}). Controleer of dit het juiste bestand is en of elke regel "
            "met een regeleinde eindigt."
        )
    first = _first_line(text, name)
    delimiter = _sniff_delimiter(first)
    if first.count(delimiter) + 1 > MAX_COLUMNS:
        raise _too_wide(name, first.count(delimiter) + 1)
    return first


def _parse_csv_module(text: str, delimiter: str, name: str) -> list[list[str]]:
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


def _rows_to_grid(rows: list[list[str]], name: str, delimiter: str = ";") -> _Grid:
    """Python rows (csv module, Excel) to a grid: empty rows above the header skipped, ragged rows repaired or refused."""
    # Empty rows above the header (`;;;;` from Excel) would make the header look empty: skip them.
    skipped = 0
    while skipped < len(rows) and not any(str(cell).strip() for cell in rows[skipped]):
        skipped += 1
    if skipped == len(rows):
        raise _empty_file(name)
    header, body = rows[skipped], rows[skipped + 1 :]
    width = len(header)
    if width > MAX_COLUMNS:
        raise _too_wide(name, width)
    for number, row in enumerate(body, start=2):
        if len(row) > width:
            # Extra *empty* fields are Excel leftovers (`;;;` at the end of data rows) and dropped;
            # extra fields with a value are a ragged table and refuse the file, naming the line.
            if any(str(cell).strip() for cell in row[width:]):
                raise DeliveryFileError(
                    f"{name}: het bestand is geen geldige tabel: gegevensregel {number - 1} heeft {len(row)} velden, "
                    f"de kopregel {width}. Controleer of elke regel evenveel kolommen heeft "
                    f"(scheidingsteken '{delimiter}' in een waarde zonder aanhalingstekens?)."
                )
            del row[width:]
        elif len(row) < width:
            row.extend([""] * (width - len(row)))
    columns = [pa.array(values, type=pa.string()) for values in zip(*body)] if body else [pa.array([], pa.string())] * width
    return _Grid([str(cell) for cell in header], [pc.utf8_trim_whitespace(column) for column in columns], np.arange(len(body)) + skipped + 2)


def _parse_arrow(utf8: bytes, delimiter: str, first_line: str) -> list[pa.Array] | None:
    """Every record as string columns (header included), or None when the file needs the careful reader."""
    width = len(next(csv.reader([first_line], delimiter=delimiter), []))
    invalid: list[object] = []

    def note_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(utf8),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=False, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False, newlines_in_values=True,
                ignore_empty_lines=True, invalid_row_handler=note_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)}, strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )  # fmt: skip
    except (pa.ArrowException, ValueError):
        return None
    if invalid or table.num_rows == 0 or any(not pa.types.is_string(column.type) for column in table.columns):
        return None
    last = table.column(table.num_columns - 1)[-1].as_py()
    if any(mark in last for mark in LINE_BREAKS):
        return None  # possibly a quote never closed: the csv module decides
    return [pc.utf8_trim_whitespace(column.combine_chunks()) for column in table.columns]


def _csv_grid(data: bytes, name: str) -> _Grid:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise DeliveryFileError(
                f"{name}: dit is geen tekstbestand (CSV) maar {what}. Lever CSV, XLSX of Parquet aan, met de juiste extensie."
            )
    text, utf8 = _decode(data, name)
    if "\x00" in text:
        raise DeliveryFileError(f"{name}: dit is geen tekstbestand (CSV). Lever CSV, XLSX of Parquet aan.")
    first = _check_csv_shape(text, utf8, name)
    delimiter = _sniff_delimiter(first)
    columns = _parse_arrow(utf8, delimiter, first) if utf8.count(b'"') % 2 == 0 else None
    if columns is None:
        return _rows_to_grid(_parse_csv_module(text, delimiter, name), name, delimiter)
    records = len(columns[0])
    skipped = 0  # Excel's empty rows above the header (`;;;;`)
    while skipped < records and not any(column[skipped].as_py() for column in columns):
        skipped += 1
    if skipped == records:
        raise _empty_file(name)
    header = [column[skipped].as_py() for column in columns]
    body = [column.slice(skipped + 1) for column in columns]
    return _Grid(header, body, np.arange(records - skipped - 1) + skipped + 2)


# --------------------------------------------------------------------------------------------
# XLSX and Parquet
# --------------------------------------------------------------------------------------------


def _check_xlsx_shape(data: bytes, name: str) -> None:
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
        raise _too_wide(name, width)


def _excel_grid(data: bytes, name: str) -> _Grid:
    _check_xlsx_shape(data, name)
    try:
        # header=None, as for CSV: pandas would otherwise rename a repeated column to `bsn.1`
        # (silently ignored) instead of letting the tidying refuse the duplicate.
        cells = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=str, keep_default_na=False, engine="calamine")
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise DeliveryFileError(f"{name}: het Excel-bestand kan niet worden gelezen ({type(exc).__name__}). Sla het opnieuw op als .xlsx.") from exc
    cells = cells.fillna("").astype(str)
    if cells.empty or not (cells.apply(lambda column: column.str.strip() != "")).to_numpy().any():
        raise DeliveryFileError(f"{name}: het eerste werkblad is leeg. Zet de gegevens met een kopregel op het eerste werkblad.")
    return _rows_to_grid(cells.to_numpy().tolist(), name)


def _parquet_text(values: pd.Series) -> pd.Series:
    """A Parquet column as text. Whole numbers in a float column (an integer column with a gap
    becomes float64) are written without `.0`: `12345678.0` would otherwise reach the normaliser,
    whose BSN clean-up drops dots and made it the *different* BSN `123456780`."""
    text = values.astype("string")
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values % 1 == 0) & (values.abs() < 1e15)
        text = values.where(whole).astype("Int64").astype("string").where(whole, text)
    return text


def _check_parquet_width(data: bytes, name: str) -> None:
    """Refuse a Parquet file that is unreadable or absurdly wide, from its metadata alone."""
    try:
        width = pq.ParquetFile(io.BytesIO(data)).metadata.num_columns
    except Exception as exc:
        raise DeliveryFileError(f"{name}: het Parquet-bestand kan niet worden gelezen ({type(exc).__name__}).") from exc
    if width > MAX_COLUMNS:
        raise _too_wide(name, width)


def _parquet_grid(data: bytes, name: str) -> _Grid:
    _check_parquet_width(data, name)
    try:
        table = pq.read_table(io.BytesIO(data))
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
    return _Grid([str(field.name) for field in table.schema], columns, np.arange(table.num_rows) + 2)


# --------------------------------------------------------------------------------------------
# Tidy and read
# --------------------------------------------------------------------------------------------


def _row_has_content(columns: list[pa.Array]) -> np.ndarray:
    """Per row: does any (stripped) cell hold a value."""
    filled = np.zeros(len(columns[0]), dtype=bool)
    for column in columns:
        filled |= pc.greater(pc.binary_length(column), 0).to_numpy(zero_copy_only=False)
    return filled


def _tidy(grid: _Grid, name: str) -> Delivered:
    """Strip cells and headers, lower-case headers, drop empty unnamed columns and empty rows, refuse duplicates."""
    delivered = [str(cell).strip() for cell in grid.header]
    names = [header.lower() or f"unnamed: {i}" for i, header in enumerate(delivered)]
    cells = grid.columns
    keep = [
        i for i, (column_name, column) in enumerate(zip(names, cells))
        if not ((column_name == "" or column_name.startswith("unnamed:")) and not pc.any(pc.not_equal(column, "")).as_py())
    ]  # fmt: skip
    names, delivered, cells = [names[i] for i in keep], [delivered[i] for i in keep], [cells[i] for i in keep]
    seen: set[str] = set()
    duplicates = sorted({column_name for column_name in names if column_name in seen or seen.add(column_name)})
    if duplicates:
        raise DeliveryFileError(f"{name}: kolom(men) {', '.join(duplicates)} komen meer dan eens voor. Houd één kolom per gegeven.")
    for column_name, header, column in zip(names, delivered, cells):
        longest = pc.max(pc.utf8_length(column)).as_py() if len(column) else 0
        if longest and longest > MAX_CELL_CHARS:
            raise DeliveryFileError(
                f"{name}: een cel in kolom {header} is {fmt_int(longest)} tekens lang; geen gegeven in een aanlevering is "
                f"zo lang (grens {fmt_int(MAX_CELL_CHARS)}). Controleer de aanhalingstekens en of dit het juiste bestand is."
            )
    rows = grid.rows
    if cells:
        filled = _row_has_content(cells)
        if not filled.all():
            cells = [column.filter(pa.array(filled)) for column in cells]
            rows = rows[filled]
    # One text type for every reader (Arrow's CSV gives `string`, a Parquet file may hold `large_string`).
    table = pa.table([pc.cast(column, pa.large_string()) for column in cells], names=names) if cells else pa.table({})
    frame = table.to_pandas() if cells else pd.DataFrame(index=range(len(rows)))
    frame.index = pd.Index(rows - 2, dtype="int64")
    return Delivered(frame, dict(zip(names, delivered)), table=table)


def read_delivery(path: Path, *, max_bytes: int | None = None) -> Delivered:
    """Read a delivery file (CSV, XLSX or Parquet) into stripped text cells; DeliveryFileError if it cannot be used.

    `max_bytes` defaults to MAX_FILE_BYTES, looked up at call time (a default argument froze the value
    at import, so changing the configured limit had no effect).
    """
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    name = path.name
    size = path.stat().st_size
    if size == 0:
        raise _empty_file(name)
    if size > max_bytes:
        raise DeliveryFileError(
            f"{name}: het bestand is {size / 1e6:.0f} MB, veel groter dan een echte aanlevering "
            f"(maximum {max_bytes / 1e6:.0f} MB). Controleer of u het juiste bestand levert."
        )
    suffix = path.suffix.lower()
    readers = {**dict.fromkeys(CSV_SUFFIXES, _csv_grid), **dict.fromkeys(EXCEL_SUFFIXES, _excel_grid),
               **dict.fromkeys(PARQUET_SUFFIXES, _parquet_grid)}  # fmt: skip
    if suffix not in readers:
        raise DeliveryFileError(
            f"{name}: bestandstype '{suffix or '(geen)'}' wordt niet ondersteund. Lever CSV, XLSX of Parquet aan."
        )
    data = path.read_bytes()
    delivered = _tidy(readers[suffix](data, name), name)
    delivered.sha256 = hashlib.sha256(data).hexdigest()
    return delivered


def check_shape(path: Path, *, max_bytes: int | None = None) -> None:
    """Refuse an absurd file (size, columns, line length, an XLSX that unpacks to gigabytes) in
    milliseconds and little memory, without reading its rows: for an upload, before it is queued.
    Raises DeliveryFileError with the same Dutch message the intake would give."""
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    name, size, suffix = path.name, path.stat().st_size, path.suffix.lower()
    if size > max_bytes:
        raise DeliveryFileError(
            f"{name}: het bestand is {size / 1e6:.0f} MB, veel groter dan een echte aanlevering "
            f"(maximum {max_bytes / 1e6:.0f} MB). Controleer of u het juiste bestand levert."
        )
    if size == 0:
        raise _empty_file(name)
    data = path.read_bytes()
    if suffix in CSV_SUFFIXES and not data.startswith(tuple(_MAGIC)):
        text, utf8 = _decode(data, name)
        _check_csv_shape(text, utf8, name)
    elif suffix in EXCEL_SUFFIXES:
        _check_xlsx_shape(data, name)
    elif suffix in PARQUET_SUFFIXES:
        _check_parquet_width(data, name)


def read_table(path: Path, *, max_bytes: int | None = None) -> pd.DataFrame:
    """Read a delivery file into a DataFrame of stripped strings with lower-cased column names.

    Empty cells are empty strings; fully empty rows and unnamed empty columns (Excel leftovers) are
    dropped; the index is the spreadsheet row number minus 2 (see `Delivered`).
    """
    return read_delivery(path, max_bytes=max_bytes).frame

