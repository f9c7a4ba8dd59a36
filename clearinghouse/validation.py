"""Check a normalised delivery against its contract and turn the outcome into a verdict.

Each rule of the contract (`contracts.regels`) runs as one vectorised pandera check over a whole
column (or, for rules over several columns, over the frame) and yields a mask of the rows that break
it. A rule's severity decides what happens to those rows: a *fout* rejects the row; a
*waarschuwing* makes the value unknown (`O`, `ONB`, `07` or empty, as the contract declares) and the
row still counts. Every finding goes to the report with its row number, the column as delivered,
the value (masked: never a full BSN) and the reason in Dutch. Only fouten count for the verdict: a
file with more than the configured share of rejected rows is rejected as a whole (spec: 5 %).

pandera's own `validate()` is not used for delivered rows: for a rule over several columns it lists
every column of every failing row (1.7 million failure cases for a 100,000-row file with a date
problem in half its rows), which took seconds, and its bookkeeping costs ~1.5 ms per check call;
the checks themselves take microseconds (see `contracts.checking`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from clearinghouse.masking import mask_values
from clearinghouse.normalise import Normalised
from contracts.checking import dtype_matches, passes
from contracts.delivery import CONTRACTS, elfproef
from contracts.regels import BSN_REPAIRED, Regel, rules
from vocabulary.oordelen import AFGEKEURD, FOUT, GOEDGEKEURD, MET_AFWIJKINGEN

DEFAULT_MAX_REJECTED_SHARE = 0.05

FAILURE_COLUMNS = ["rij", "kolom", "waarde", "regel", "ernst", "melding"]
HELPER_LABELS = {"_leeftijd": "leeftijd (berekend)"}

# Within one column, the first broken rule is the one reported: an empty or unreadable cell is not
# also "not the right format", and a BSN of the wrong shape is not also "fails the 11-proef".
_ORDER = {"verplicht": 0, "onleesbaar": 1, "formaat": 2, "code": 3, "bereik": 4, "controle": 5, "aangevuld": 6}


@dataclass
class Validation:
    valid: pd.DataFrame | None  # accepted rows of the normalised frame; values with a waarschuwing made unknown
    failures: pd.DataFrame  # one row per finding: rij, kolom, waarde (masked), regel, ernst, melding
    rows_read: int
    rows_rejected: int  # rows with at least one fout
    rows_warned: int = 0  # accepted rows with at least one waarschuwing

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - self.rows_rejected

    def verdict(self, max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE) -> str:
        if self.rows_read == 0 or self.rows_rejected > max_rejected_share * self.rows_read:
            return AFGEKEURD
        return MET_AFWIJKINGEN if self.rows_rejected else GOEDGEKEURD


@cache
def _failures_template() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="int64" if column == "rij" else object) for column in FAILURE_COLUMNS})


def empty_failures() -> pd.DataFrame:
    # A copy of one empty frame: building six Series per file cost ~0.4 ms, a thousand times a round.
    return _failures_template().copy()


def _assert_types(frame: pd.DataFrame, domein: str) -> None:
    """The normaliser makes every column the contract's type; a mismatch is a bug here, not in the delivery."""
    for name, column in CONTRACTS[domein].to_schema().columns.items():
        if name in frame and not dtype_matches(column, frame[name]):
            raise TypeError(f"normalised column {name} has type {frame[name].dtype}, the contract expects {column.dtype}")


def _broken_rules(normalised: Normalised, domein: str) -> list[tuple[Regel, np.ndarray]]:
    """(rule, rows that break it as a bool array) for every rule with at least one such row, in report order."""
    frame = normalised.frame
    schema = CONTRACTS[domein].to_schema()
    by_kind = {(rule.kolom, rule.soort): rule for rule in rules(domein) if rule.soort != "samenhang"}
    by_name = {rule.naam: rule for rule in rules(domein)}
    found: list[tuple[Regel, np.ndarray]] = []
    for name, column in schema.columns.items():
        if name not in frame:
            continue
        values = frame[name]
        taken = np.zeros(len(frame), dtype=bool)  # rows already reported for this column

        def add(rule: Regel | None, mask: np.ndarray) -> np.ndarray:
            mask = mask & ~taken
            if rule is not None and mask.any():
                found.append((rule, mask))
                return taken | mask
            return taken

        if name in normalised.parse_failures:
            taken = add(by_kind.get((name, "onleesbaar")), normalised.parse_failures[name].to_numpy(dtype=bool))
        if not column.nullable:
            taken = add(by_kind.get((name, "verplicht")), values.isna().to_numpy(dtype=bool))
        range_rows = np.zeros(len(frame), dtype=bool)
        for check in column.checks:
            failing = ~passes(check, values)
            if check.name in ("greater_than_or_equal_to", "less_than_or_equal_to", "in_range"):
                range_rows |= failing
            elif check.name == "str_matches":
                taken = add(by_kind.get((name, "formaat")), failing)
            elif check.name == "isin":
                taken = add(by_kind.get((name, "code")), failing)
            else:
                taken = add(by_name.get(check.name), failing)
        taken = add(by_kind.get((name, "bereik")), range_rows)
        if name in normalised.repairs:
            repaired = normalised.repairs[name].to_numpy(dtype=bool)
            passing = np.zeros(len(values), dtype=bool)  # the 11-proef of the few repaired BSNs only
            if repaired.any():
                passing[repaired] = elfproef(values[repaired]).to_numpy(dtype=bool)
            add(by_kind.get((name, BSN_REPAIRED)), passing)
    for check in schema.checks:
        failing = ~passes(check, frame)
        if failing.any():
            found.append((by_name[check.name], failing))
    found.sort(key=lambda pair: (pair[0].soort == "samenhang", _ORDER.get(pair[0].soort, 9)))
    return found


def _labels(columns: tuple[str, ...], headers: dict[str, str]) -> list[str]:
    return [HELPER_LABELS.get(column) or headers.get(column, column) for column in columns]


def _per_file(texts: list[str], files: np.ndarray) -> np.ndarray:
    """One text per file (computed once per file, not per row), spread over the rows of each file."""
    return np.array(texts, dtype=object)[files]


def _shown_value(rule: Regel, positions: np.ndarray, files: np.ndarray, normalised: Normalised, headers: list[dict[str, str]]) -> np.ndarray:
    """What the report shows as the value: the cell as delivered (masked); for a rule over several
    columns every column's value, `naam: waarde; naam: waarde` (end before start shows both dates)."""
    raw, frame = normalised.raw, normalised.frame

    def cells(column: str) -> pd.Series:
        if column in raw:
            return mask_values(column, raw[column].iloc[positions])
        if column in frame:
            return frame[column].iloc[positions].astype("string").fillna("(leeg)").astype(object)
        return pd.Series("(geen kolom)", index=raw.index[positions], dtype=object)

    if rule.soort != "samenhang":
        return cells(rule.kolom).to_numpy(dtype=object)
    shown = None
    for column in rule.kolommen:
        label = _per_file([_labels((column,), h)[0] for h in headers], files)
        part = label + ": " + cells(column).to_numpy(dtype=object).astype(str).astype(object)
        shown = part if shown is None else shown + "; " + part
    return shown


@dataclass
class ValidatedFiles:
    """Several files checked in one pass: their accepted rows together, and per file its findings and counts."""

    valid: pd.DataFrame  # accepted rows of all files, in file order; values with a waarschuwing made unknown
    valid_files: np.ndarray  # the file (position in `files`) of each accepted row
    files: list[Validation]  # per file; `Validation.valid` is None here (use `valid` and `valid_files`)


def validate_files(
    normalised: Normalised, domein: str, *, files: np.ndarray, headers: list[dict[str, str]], row_numbers: np.ndarray
) -> ValidatedFiles:
    """Run the domein's contract once over the rows of several files (`files`: the file of each row,
    numbered 0..len(headers)-1; `row_numbers`: each row's number in its file; `headers`: per file the
    column names as delivered, for the report). The checks are column operations, so a thousand small
    files cost about what one file of the same total size costs."""
    frame = normalised.frame.copy()
    _assert_types(frame, domein)
    count = len(headers)
    rejected = np.zeros(len(frame), dtype=bool)
    warned = np.zeros(len(frame), dtype=bool)
    findings = []
    for rule, mask in _broken_rules(normalised, domein):
        positions = np.flatnonzero(mask)
        file_of = files[positions]
        findings.append(
            pd.DataFrame(
                {
                    "_bestand": file_of,
                    "rij": row_numbers[positions].astype("int64"),
                    "kolom": _per_file([", ".join(_labels(rule.kolommen, h)) for h in headers], file_of),
                    "waarde": _shown_value(rule, positions, file_of, normalised, headers),
                    "regel": rule.naam,
                    "ernst": rule.ernst,
                    "melding": _per_file([rule.melding(h) for h in headers], file_of),
                }
            )
        )
        if rule.ernst == FOUT:
            rejected |= mask
        else:
            warned |= mask
            if rule.soort != BSN_REPAIRED and rule.kolom in frame:  # a repaired BSN keeps its repaired value
                frame.loc[mask, rule.kolom] = pd.NA if rule.onbekend is None else rule.onbekend
    per_file: list[pd.DataFrame | None] = [None] * count
    if findings:
        found = pd.concat(findings, ignore_index=True).sort_values(["_bestand", "rij", "ernst", "kolom"], kind="stable")
        bounds = np.searchsorted(found["_bestand"].to_numpy(), np.arange(count + 1))
        found = found[FAILURE_COLUMNS]  # selected once, then sliced per file
        for number in np.flatnonzero(np.diff(bounds)):
            per_file[number] = found.iloc[bounds[number] : bounds[number + 1]].reset_index(drop=True)
    per_file = [empty_failures() if failures is None else failures for failures in per_file]
    read = np.bincount(files, minlength=count)
    rejected_rows = np.bincount(files[rejected], minlength=count)
    warned_rows = np.bincount(files[warned & ~rejected], minlength=count)
    return ValidatedFiles(
        valid=frame[~rejected],
        valid_files=files[~rejected],
        files=[
            Validation(None, per_file[i], int(read[i]), int(rejected_rows[i]), int(warned_rows[i]))
            for i in range(count)
        ],
    )


def validate(normalised: Normalised, domein: str, *, headers: dict[str, str] | None = None, row_offset: int = 2) -> Validation:
    """Run the domein's contract on one file. `row_offset` + index = the row number in the file (see
    `reading.Delivered`); `headers` are the column names as delivered, for the report."""
    rows = len(normalised.frame)
    checked = validate_files(
        normalised, domein, files=np.zeros(rows, dtype=np.int64), headers=[headers or {}],
        row_numbers=normalised.frame.index.to_numpy(dtype=np.int64) + row_offset,
    )  # fmt: skip
    result = checked.files[0]
    result.valid = checked.valid
    return result

