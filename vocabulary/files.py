"""Writing files so that a reader, or a crash, never sees half of one.

Every artefact the system writes — pseudonymised Parquet, audit records, reports, releases, the
warehouse, the site — is written beside its target under a temporary name and renamed into place
(a rename within one folder is atomic). A process killed half-way leaves only a temporary that
`remove_stale_temporaries` clears on the next run. CSV files are written through `write_csv`,
which neutralises spreadsheet formulas (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

TEMP_MARK = ".tmp-"
_TEMP_NAME = re.compile(r"^\..+\.tmp-(\d+)(?:-\d+)?$")
_counter = 0


def temporary_beside(target: Path) -> Path:
    """A name for a temporary beside `target` (`remove_stale_temporaries` clears it once its process is gone)."""
    global _counter
    _counter += 1
    return Path(target).with_name(f".{Path(target).name}{TEMP_MARK}{os.getpid()}-{_counter}")


def identity(path: Path | str) -> tuple:
    """A file as it is now: (path, inode, size, modification time), or (path, None) when there is
    none. Every file here is written whole and renamed into place, so a changed file has a new one:
    what a cache or a piece of work started ahead compares to know it still holds."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return str(path), None
    return str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns


def identities_under(folder: Path) -> list[tuple]:
    """`identity` of every file in `folder` and its sub-folders, in path order (none if there is no folder)."""
    return sorted(identity(os.path.join(root, name)) for root, _, names in os.walk(folder) for name in names)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`; renamed onto `target` when the block succeeds, removed if not."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_beside(target)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
        Path(f"{temporary}.wal").unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> Path:
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)
    return Path(target)


def write_text(target: Path, text: str) -> Path:
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return Path(target)


def rows_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Rows (dicts with a value per field of `schema`) as an Arrow table of that schema, a missing
    value (None, NaT, <NA>) null: for the small records written one per delivery, where building
    a DataFrame each time cost more than the rows."""
    return pa.table({f.name: pa.array([row[f.name] for row in rows], type=f.type, from_pandas=True) for f in schema}, schema=schema)


def write_parquet(frame: pd.DataFrame | pa.Table, target: Path, *, compression: str = "snappy", statistics: bool = True) -> Path:
    """A DataFrame (without its index) or an Arrow table as Parquet, written atomically.

    Snappy by default, which every Parquet reader knows; files only this system reads (the
    pseudonymised records) may take "lz4" (LZ4_RAW): ~15 % less time to write, read as fast by DuckDB.
    Without `statistics` no column's minimum and maximum are stored: a third less time to write for
    files that are always read whole, never filtered on a value."""
    with atomic_path(target) as temporary:
        if isinstance(frame, pa.Table):
            pq.write_table(frame, temporary, compression=compression, write_statistics=statistics)
        else:
            frame.to_parquet(temporary, index=False, compression=compression, write_statistics=statistics)
    return Path(target)


def conform_table(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table` with the columns of `schema`, in its order and of its types (missing columns null)."""
    for field in schema:
        if field.name not in table.column_names:
            table = table.append_column(field.name, pa.nulls(len(table), field.type))
    table = table.select(schema.names)
    return table if table.schema == schema else table.cast(schema)


def concatenate_parquet(parts: list[Path], target: Path, *, metadata: dict[bytes, bytes] | None = None) -> int:
    """The rows of these Parquet files, in this order, as one file written atomically; their columns
    unified by name and type (as `pa.unify_schemas` does), the pandas metadata of the first kept
    and the parts' other metadata replaced by `metadata`.

    One part is in memory at a time, and each part becomes its own row group(s): a reader that
    filters on what tells the parts apart (e.g. the periode) skips the other parts. Returns the rows."""
    schema = pa.unify_schemas([pq.read_schema(part) for part in parts], promote_options="permissive")
    pandas_metadata = {k: v for k, v in (schema.metadata or {}).items() if k == b"pandas"}
    schema = schema.with_metadata({**pandas_metadata, **(metadata or {})})
    rows = 0
    with atomic_path(target) as temporary, pq.ParquetWriter(temporary, schema, compression="snappy") as writer:
        for part in parts:
            table = conform_table(pq.read_table(part), schema)
            writer.write_table(table)
            rows += len(table)
    return rows


def parquet_distinct(path: Path, column: str) -> list:
    """The distinct values of one column of a Parquet file (None included if any), read one row
    group at a time: memory bounded by a row group, not by the file."""
    found = pq.ParquetFile(path)
    values: set = set()
    for group in range(found.num_row_groups):
        values.update(found.read_row_group(group, columns=[column]).column(0).unique().to_pylist())
    return list(values)


@contextmanager
def scratch_folder(beside: Path) -> Iterator[Path]:
    """A temporary folder named beside `beside`, removed when the block ends; one left by a killed
    process is removed by `remove_stale_temporaries` (a plain `tempfile` folder would stay for ever)."""
    path = temporary_beside(beside)
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def new_folder(target: Path) -> Iterator[Path]:
    """A temporary folder that becomes `target` when the block succeeds; `target` must not exist yet
    (an immutable folder, such as a release, is never overwritten: FileExistsError)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = temporary_beside(target)
    staging.mkdir()
    try:
        yield staging
        if target.exists():
            raise FileExistsError(target)
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


REMOVERS = 8  # threads that unlink the files of a removed folder


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass  # gone already, or left to rmtree


def remove_folder(folder: Path) -> None:
    """Remove a folder and everything in it, ignoring errors, as `shutil.rmtree(folder, ignore_errors=True)`.

    Its files are unlinked by a few threads at once: on a disk that discards freed blocks, each
    unlink of a file that reached the disk waits a few milliseconds (some 1-4 s for the 1,400
    pages of a national site, one at a time, almost no CPU); side by side the waits overlap.
    """
    paths = [os.path.join(parent, name) for parent, _, names in os.walk(folder) for name in names]
    if len(paths) > 64:
        with ThreadPoolExecutor(max_workers=REMOVERS) as pool:
            for _ in pool.map(_unlink, paths, chunksize=32):
                pass
    shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def replaced_folder(target: Path) -> Iterator[Path]:
    """A temporary folder that replaces `target` (if any) when the block succeeds.

    The old folder is renamed aside, the new one renamed in, the old one removed: both renames are
    atomic, and if the second fails the old folder is put back.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    built = temporary_beside(target)
    built.mkdir()
    try:
        yield built
        backup = temporary_beside(target)
        had_old = target.exists()
        if had_old:
            os.rename(target, backup)
        try:
            os.rename(built, target)
        except BaseException:
            if had_old:
                os.rename(backup, target)
            raise
        if had_old:
            remove_folder(backup)
    finally:
        shutil.rmtree(built, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporaries (files or folders) under `folder` left by processes that no longer run."""
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for path in folder.rglob(f".*{TEMP_MARK}*"):
        match = _TEMP_NAME.match(path.name.removesuffix(".wal"))
        if not match or int(match.group(1)) == os.getpid() or process_alive(int(match.group(1))):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


# libyaml's safe loader where PyYAML has it: the same safe subset of YAML, ~8× faster (manifests,
# the indicator catalogue).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str | bytes | object) -> object:
    """YAML text (or an open file) as Python data, by the safe loader; yaml.YAMLError when it is not YAML."""
    return yaml.load(text, Loader=_SAFE_LOADER)


# OWASP CSV injection: a cell starting with one of these is run as a formula by Excel and others.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PATTERN = "[" + re.escape("".join(FORMULA_START)) + "]"


def neutralise_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would read as a formula with `'`; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# Up to this many rows a frame is neutralised cell by cell: each pandas column operation has a fixed
# cost (a fraction of a millisecond) that outweighs the cells of a small frame, such as a quality
# report of a few dozen rows (a national round writes a thousand of them).
SMALL_FRAME_ROWS = 10_000


def _neutralised_cells(values: pd.Series) -> list | None:
    """The column's cells with every text cell that starts like a formula prefixed; None when none does.

    Only `str` cells count as text (as `type(...) == str` in the vectorised path): numbers, booleans
    and missing values in an object column stay exactly what they are."""
    cells = values.tolist()
    if not any(type(value) is str and value.startswith(FORMULA_START) for value in cells):
        return None
    return ["'" + value if type(value) is str and value.startswith(FORMULA_START) else value for value in cells]


def neutralise_formulas(frame: pd.DataFrame, *, cell_by_cell: bool | None = None) -> pd.DataFrame:
    """A copy in which every text cell that starts like a formula is neutralised (numbers stay numbers).

    `cell_by_cell`: neutralise in Python per cell (fast for small frames) or per column with pandas
    (fast for large ones); by default chosen by the number of rows. Both give the same frame."""
    out = frame.copy()
    if cell_by_cell is None:
        cell_by_cell = len(out) <= SMALL_FRAME_ROWS
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            if cell_by_cell:
                cells = _neutralised_cells(values)
                if cells is not None:
                    out[column] = pd.Series(cells, index=values.index, dtype=values.dtype)
                continue
            # Vectorised: only text cells that start like a formula change (a national table has
            # a million cells; numbers and booleans in an object column stay what they are).
            is_text = values.map(type).eq(str) if pd.api.types.is_object_dtype(values) else values.notna()
            starts = values.where(is_text).astype("string").str.match(FORMULA_PATTERN).fillna(False).astype(bool)
            if starts.any():
                out[column] = values.where(~starts, "'" + values.where(starts).astype("string"))
    out.columns = [neutralise_cell(str(column)) for column in out.columns]
    return out


def dutch_booleans(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every true/false column as `ja`/`nee` (empty stays empty), as a Dutch reader writes them."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map({True: "ja", False: "nee"}, na_action="ignore").astype("object")
    return out


CSV_SLICE_ROWS = 250_000


def is_missing(value: object) -> bool:
    """An empty cell as pandas sees one (None, <NA>, NaN), without pandas' per-call cost."""
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _plain_cell(value: object) -> str:
    """The text `to_csv` writes for a text cell (formula neutralised), a whole number or an empty
    cell: `str()` of the value. ValueError for any other kind (a float, a date, true/false), whose
    text pandas formats itself."""
    if is_missing(value):
        return ""
    if type(value) is str:
        return neutralise_cell(value)
    if type(value) is int:
        return str(value)
    raise ValueError(f"geen platte cel: {type(value).__name__}")


def _plain_cells(frame: pd.DataFrame, *, dutch: bool) -> list[list[str]] | None:
    """Per column the text `to_csv` writes for each cell, formulas neutralised; None unless every
    column holds plain cells (`_plain_cell`) or, in Dutch, is a true/false column (`ja`/`nee`)."""
    if isinstance(frame.columns, pd.MultiIndex) or not len(frame.columns):
        return None
    columns = []
    for _, values in frame.items():
        dtype, cells = values.dtype, values.tolist()
        if pd.api.types.is_bool_dtype(dtype):
            if not dutch:
                return None
            columns.append(["" if is_missing(value) else "ja" if value else "nee" for value in cells])
        elif pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            try:
                columns.append([_plain_cell(value) for value in cells])
            except ValueError:
                return None
        else:
            return None
    return columns


def _write_plain(out, header: list[str], rows: Iterable, *, dutch: bool) -> None:
    writer = csv.writer(out, delimiter=";" if dutch else ",", lineterminator=os.linesep, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise_cell(column) for column in header])
    writer.writerows(rows)


def write_csv_rows(header: list[str], rows: list[list], target: Path, *, dutch: bool = False) -> Path | None:
    """`write_csv` of a small table given as rows of Python values, without a DataFrame: the same bytes
    as `write_csv` of the frame of these rows when every cell is text, a whole number or empty.
    Returns None, writing nothing, when a cell is of another kind (a float, a date, true/false):
    write the DataFrame with `write_csv` then."""
    try:
        cells = [[_plain_cell(value) for value in row] for row in rows]
    except ValueError:
        return None
    with atomic_path(target) as temporary, open(temporary, "w", encoding="utf-8-sig" if dutch else "utf-8", newline="") as out:
        _write_plain(out, [str(column) for column in header], cells, dutch=dutch)
    return Path(target)


def write_csv(frame: pd.DataFrame, target: Path, *, dutch: bool = False) -> Path:
    """Write a CSV every spreadsheet opens safely: formulas neutralised, written atomically.

    `dutch`: as Dutch Excel expects — `;` between fields, decimal comma, UTF-8 with BOM, and
    true/false as `ja`/`nee`.
    """
    with atomic_path(target) as temporary, open(temporary, "w", encoding="utf-8-sig" if dutch else "utf-8", newline="") as out:
        # A small frame of text and integers (a quality report) is written by the csv module that
        # pandas itself writes with, with the same dialect: the same bytes, without the fixed cost
        # of pandas' operations (tests/unit/test_files.py keeps the two paths equal).
        columns = _plain_cells(frame, dutch=dutch) if len(frame) <= SMALL_FRAME_ROWS else None
        if columns is not None:
            _write_plain(out, [str(column) for column in frame.columns], zip(*columns), dutch=dutch)
            return Path(target)
        # In slices: the safe copy of a national table (millions of rows) never exists whole.
        for start in range(0, max(len(frame), 1), CSV_SLICE_ROWS):
            part = frame.iloc[start:start + CSV_SLICE_ROWS]
            safe = neutralise_formulas(dutch_booleans(part) if dutch else part)
            if dutch:
                safe.to_csv(out, sep=";", decimal=",", index=False, header=start == 0)
            else:
                safe.to_csv(out, index=False, header=start == 0)
    return Path(target)


def csv_bytes(frame: pd.DataFrame, *, dutch: bool = False) -> bytes:
    """The CSV that `write_csv` writes, as bytes for a download: formulas neutralised, same dialects."""
    safe = neutralise_formulas(frame)
    if dutch:
        return safe.to_csv(sep=";", decimal=",", index=False).encode("utf-8-sig")
    return safe.to_csv(index=False).encode("utf-8")
