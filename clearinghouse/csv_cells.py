"""A CSV delivery's cells: the encoding found, the separator sniffed, parsed column-wise by Arrow.

Arrow is lenient where the spec wants a refusal or a repair, so a file that Arrow reads in any
doubtful way — a row with another number of fields than the header (Excel's trailing `;;`), an odd
number of quote characters (a quote that is never closed), a line break in the very last cell — is
read again, row by row, with Python's csv module, whose exact behaviour the corpus and property
tests pin down. A line or a header far beyond any real delivery is refused before parsing.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from clearinghouse.grid import LINE_BREAKS, MAX_COLUMNS, MAX_LINE_BYTES, DeliveryFileError, Grid, empty_file, rows_to_grid, too_wide
from vocabulary.formatting import fmt_int


def decode(data: bytes, name: str) -> tuple[str, bytes]:
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
MAGIC = {b"PK\x03\x04": "een Excel-werkmap of ander ZIP-bestand", b"%PDF": "een PDF-bestand", b"PAR1": "een Parquet-bestand",
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
    raise empty_file(name)


def check_csv_shape(text: str, utf8: bytes, name: str) -> str:
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
        raise too_wide(name, first.count(delimiter) + 1)
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


def csv_grid(data: bytes, name: str) -> Grid:
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise DeliveryFileError(
                f"{name}: dit is geen tekstbestand (CSV) maar {what}. Lever CSV, XLSX of Parquet aan, met de juiste extensie."
            )
    text, utf8 = decode(data, name)
    if "\x00" in text:
        raise DeliveryFileError(f"{name}: dit is geen tekstbestand (CSV). Lever CSV, XLSX of Parquet aan.")
    first = check_csv_shape(text, utf8, name)
    delimiter = _sniff_delimiter(first)
    columns = _parse_arrow(utf8, delimiter, first) if utf8.count(b'"') % 2 == 0 else None
    if columns is None:
        return rows_to_grid(_parse_csv_module(text, delimiter, name), name, delimiter)
    records = len(columns[0])
    skipped = 0  # Excel's empty rows above the header (`;;;;`)
    while skipped < records and not any(column[skipped].as_py() for column in columns):
        skipped += 1
    if skipped == records:
        raise empty_file(name)
    header = [column[skipped].as_py() for column in columns]
    body = [column.slice(skipped + 1) for column in columns]
    return Grid(header, body, np.arange(records - skipped - 1) + skipped + 2)
