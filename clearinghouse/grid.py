"""Cells as a reader gets them out of a delivery file, before tidying, and the limits every reader holds.

Shared by the CSV reader (`clearinghouse.csv_cells`), the XLSX and Parquet reader
(`clearinghouse.workbook_cells`) and the tidying in `clearinghouse.reading`, so that a file is
refused with the same Dutch words whatever its format.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vocabulary.formatting import fmt_int

# Absurd shapes are refused before parsing, in little time and memory.
# A delivery has about 25 columns; a case-system export with extra columns a few dozen more.
MAX_COLUMNS = 1_000
# A line of 1,000 ordinary cells is ~20 kB; a cell of free text a few hundred characters.
MAX_LINE_BYTES = 200_000
MAX_CELL_CHARS = 10_000
# Unpacked size of an XLSX: ~10x its file size for real workbooks; far more is a "zip bomb".
MAX_XLSX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024
LINE_BREAKS = ("\n", "\r")


class DeliveryFileError(ValueError):
    """The file as a whole cannot be used; the message says why and what to do (in Dutch)."""


@dataclass
class Grid:
    """Cells before tidying: the header cells, one stripped string array per column, each row's sheet row number."""

    header: list[str]
    columns: list[pa.Array]
    rows: np.ndarray


def empty_file(name: str) -> DeliveryFileError:
    return DeliveryFileError(f"{name}: het bestand is leeg. Lever het bestand opnieuw aan met een kopregel en gegevens.")


def too_wide(name: str, columns: int) -> DeliveryFileError:
    return DeliveryFileError(
        f"{name}: de kopregel heeft {fmt_int(columns)} kolommen; een aanlevering heeft er hooguit enkele tientallen "
        f"(grens {fmt_int(MAX_COLUMNS)}). Controleer of u het juiste bestand levert en of het scheidingsteken klopt."
    )


def rows_to_grid(rows: list[list[str]], name: str, delimiter: str = ";") -> Grid:
    """Python rows (csv module, Excel) to a grid: empty rows above the header skipped, ragged rows repaired or refused."""
    # Empty rows above the header (`;;;;` from Excel) would make the header look empty: skip them.
    skipped = 0
    while skipped < len(rows) and not any(str(cell).strip() for cell in rows[skipped]):
        skipped += 1
    if skipped == len(rows):
        raise empty_file(name)
    header, body = rows[skipped], rows[skipped + 1 :]
    width = len(header)
    if width > MAX_COLUMNS:
        raise too_wide(name, width)
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
    return Grid([str(cell) for cell in header], [pc.utf8_trim_whitespace(column) for column in columns], np.arange(len(body)) + skipped + 2)
