"""Run a pandera model's checks as plain column operations: the same checks, without the overhead.

pandera's `validate()` costs ~1.5 ms per check call in bookkeeping (copies, index resets, failure
case tables) before any data is looked at, and for a rule over several columns it lists every column
of every failing row. With ~30 checks per file and ~1,000 files in a national round that overhead,
not the checking, was the cost. Here each check's own function runs once on the whole column (or
frame) and yields a boolean mask; dtypes, nullability and strictness are checked from the schema.
`tests/unit/test_checking.py` keeps this equal to pandera's own verdict on the same frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine


# pandera's built-in checks, from their public `statistics` (what pandera itself runs for them).
BUILTIN = {
    "str_matches": lambda values, s: values.str.match(s["pattern"]),
    "isin": lambda values, s: values.isin(s["allowed_values"]),
    "notin": lambda values, s: ~values.isin(s["forbidden_values"]),
    "greater_than_or_equal_to": lambda values, s: values >= s["min_value"],
    "less_than_or_equal_to": lambda values, s: values <= s["max_value"],
    "greater_than": lambda values, s: values > s["min_value"],
    "less_than": lambda values, s: values < s["max_value"],
    "equal_to": lambda values, s: values == s["value"],
}


def _on_distinct(check: pa.Check, values: pd.Series) -> np.ndarray:
    """A built-in check on a text column, run once per distinct value and spread over the rows.

    The built-in checks judge each cell on its own, and the distinct values (with an empty cell if
    there is one) are the same set of cells, so pandas makes the same choices (e.g. Python's `re`
    when a non-ASCII value is present) and each row gets the verdict of its value. Most text columns
    hold a few codes in millions of rows (`key_id`, `periode`, `wijk_code`): a regular expression
    per row was most of the check's cost. `tests/unit/test_checking.py` keeps this equal to
    `passes_per_row` (also for the other built-in checks, which this could run the same way)."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    cells = pd.Series(distinct, dtype=values.dtype)
    if (codes < 0).any():
        cells = pd.concat([cells, pd.Series([pd.NA], dtype=values.dtype)], ignore_index=True)
        codes = np.where(codes < 0, len(cells) - 1, codes)
    output = BUILTIN[check.name](cells, check.statistics)
    return output.to_numpy(dtype=bool, na_value=True)[codes]


def _few_distinct(values: pd.Series, sample: int = 2000) -> bool:
    """Does a text column repeat its values (codes), judged from an evenly spread sample? Counting the
    distinct values of a column of pseudonyms or BSNs costs more than the regular expression saves."""
    step = max(1, len(values) // sample)
    cells = values.iloc[::step]
    return cells.nunique(dropna=False) <= 0.9 * len(cells)


def passes(check: pa.Check, data: pd.Series | pd.DataFrame) -> np.ndarray:
    """Per row (a bool array): does it pass `check`? Empty cells pass a column check, as in pandera (`ignore_na`).

    A regular expression on a text column of codes runs once per distinct value (`_on_distinct`);
    `isin` and comparisons are cheaper per row than counting the distinct values."""
    if (
        check.name == "str_matches" and isinstance(data, pd.Series) and isinstance(data.dtype, pd.StringDtype)
        and len(data) and _few_distinct(data)
    ):  # fmt: skip
        result = _on_distinct(check, data)
        return result | data.isna().to_numpy(dtype=bool) if check.ignore_na else result
    return passes_per_row(check, data)


def passes_per_row(check: pa.Check, data: pd.Series | pd.DataFrame) -> np.ndarray:
    """`passes` by running the check over every row (the general way, for every kind of check and column)."""
    if check.name in BUILTIN:
        output = BUILTIN[check.name](data, check.statistics)
    else:
        # A check of our own (`bsn_elfproef`, `einde_na_start`): pandera keeps its function as
        # `_check_fn`; the equivalence test guards this use of its internals.
        output = check._check_fn(data)
    if isinstance(output, pd.DataFrame):
        output = output.all(axis=1)
    if not isinstance(output, pd.Series):
        return np.full(len(data), bool(output))
    if len(output) != len(data) or not output.index.equals(data.index):
        output = output.reindex(data.index)
    result = output.to_numpy(dtype=bool, na_value=True)
    if isinstance(data, pd.Series) and check.ignore_na:
        result = result | data.isna().to_numpy(dtype=bool)
    return result


def dtype_matches(column: pa.Column, values: pd.Series) -> bool:
    return bool(column.dtype.check(pandas_engine.Engine.dtype(values.dtype)))


def violations(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(column, check) → how many rows (or columns) break it; empty when `frame` conforms to `model`.

    Covers what pandera's `validate()` checks for these models: required and (with strict) undeclared
    columns, dtypes, nullability, every column check and every check over the frame. Never returns a
    value, only names and counts: the caller may log it even when the frame holds personal data.
    """
    schema = model.to_schema()
    found: dict[tuple[str, str], int] = {}
    if schema.strict:
        for name in frame.columns:
            if name not in schema.columns:
                found[str(name), "column_in_schema"] = 1
    for name, column in schema.columns.items():
        if name not in frame:
            if column.required:
                found[name, "column_in_dataframe"] = 1
            continue
        values = frame[name]
        if column.dtype is not None and not dtype_matches(column, values):
            found[name, f"dtype('{column.dtype}')"] = 1
            continue  # checks on a column of the wrong type say nothing more
        if not column.nullable and values.isna().any():
            found[name, "not_nullable"] = int(values.isna().sum())
        if column.unique and values.duplicated().any():
            found[name, "field_uniqueness"] = int(values.duplicated().sum())
        for check in column.checks:
            failing = int((~passes(check, values)).sum())
            if failing:
                found[name, check.name] = failing
    if not any(check == "column_in_dataframe" for _, check in found):
        for check in schema.checks:
            failing = int((~passes(check, frame)).sum())
            if failing:
                found[model.__name__, check.name] = failing
    return found


def summary(found: dict[tuple[str, str], int], limit: int = 5) -> str:
    """`kolom: controle (n×)` for the largest problems, for a message."""
    ordered = sorted(found.items(), key=lambda item: -item[1])[:limit]
    return "; ".join(f"{column}: {check} ({count}×)" for (column, check), count in ordered)

