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
problem in half its rows), which took seconds; the checks themselves take milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandera.engines import pandas_engine

from clearinghouse.masking import mask_values
from clearinghouse.normalise import Normalised
from contracts.delivery import CONTRACTS, elfproef
from contracts.regels import BSN_REPAIRED, Regel, rules
from vocabulary.oordelen import AFGEKEURD, FOUT, GOEDGEKEURD, MET_AFWIJKINGEN, WAARSCHUWING

DEFAULT_MAX_REJECTED_SHARE = 0.05

FAILURE_COLUMNS = ["rij", "kolom", "waarde", "regel", "ernst", "melding"]
HELPER_LABELS = {"_leeftijd": "leeftijd (berekend)"}

# Within one column, the first broken rule is the one reported: an empty or unreadable cell is not
# also "not the right format", and a BSN of the wrong shape is not also "fails the 11-proef".
_ORDER = {"verplicht": 0, "onleesbaar": 1, "formaat": 2, "code": 3, "bereik": 4, "controle": 5, "aangevuld": 6}


@dataclass
class Validation:
    valid: pd.DataFrame  # accepted rows of the normalised frame; values with a waarschuwing made unknown
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


def empty_failures() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="int64" if column == "rij" else object) for column in FAILURE_COLUMNS})


def _failing(check, values, index: pd.Index) -> pd.Series:
    """Rows that break a pandera check (a check skips empty cells: those pass)."""
    output = check(values).check_output
    if isinstance(output, pd.DataFrame):
        output = output.all(axis=1)
    return ~output.reindex(index, fill_value=True).astype(bool)


def _assert_types(frame: pd.DataFrame, domein: str) -> None:
    """The normaliser makes every column the contract's type; a mismatch is a bug here, not in the delivery."""
    for name, column in CONTRACTS[domein].to_schema().columns.items():
        if name in frame and not column.dtype.check(pandas_engine.Engine.dtype(frame[name].dtype)):
            raise TypeError(f"normalised column {name} has type {frame[name].dtype}, the contract expects {column.dtype}")


def _broken_rules(normalised: Normalised, domein: str) -> list[tuple[Regel, pd.Series]]:
    """(rule, rows that break it) for every rule with at least one such row, in report order."""
    frame = normalised.frame
    schema = CONTRACTS[domein].to_schema()
    by_kind = {(rule.kolom, rule.soort): rule for rule in rules(domein) if rule.soort != "samenhang"}
    by_name = {rule.naam: rule for rule in rules(domein)}
    found: list[tuple[Regel, pd.Series]] = []
    for name, column in schema.columns.items():
        if name not in frame:
            continue
        values = frame[name]
        taken = pd.Series(False, index=frame.index)  # rows already reported for this column

        def add(rule: Regel | None, mask: pd.Series) -> None:
            nonlocal taken
            mask = mask & ~taken
            if rule is not None and mask.any():
                found.append((rule, mask))
                taken = taken | mask

        unreadable = normalised.parse_failures.get(name, pd.Series(False, index=frame.index))
        add(by_kind.get((name, "onleesbaar")), unreadable)
        if not column.nullable:
            add(by_kind.get((name, "verplicht")), values.isna())
        range_rows = pd.Series(False, index=frame.index)
        for check in column.checks:
            failing = _failing(check, values, frame.index)
            if check.name in ("greater_than_or_equal_to", "less_than_or_equal_to", "in_range"):
                range_rows |= failing
            elif check.name == "str_matches":
                add(by_kind.get((name, "formaat")), failing)
            elif check.name == "isin":
                add(by_kind.get((name, "code")), failing)
            else:
                add(by_name.get(check.name), failing)
        add(by_kind.get((name, "bereik")), range_rows)
        if name in normalised.repairs:
            add(by_kind.get((name, BSN_REPAIRED)), normalised.repairs[name] & elfproef(values))
    for check in schema.checks:
        failing = _failing(check, frame, frame.index)
        if failing.any():
            found.append((by_name[check.name], failing))
    found.sort(key=lambda pair: (pair[0].soort == "samenhang", _ORDER.get(pair[0].soort, 9)))
    return found


def _shown_value(rule: Regel, rows: pd.Index, normalised: Normalised, headers: dict[str, str]) -> pd.Series:
    """What the report shows as the value: the cell as delivered (masked); for a rule over several
    columns every column's value, `naam: waarde; naam: waarde` (end before start shows both dates)."""
    raw, frame = normalised.raw, normalised.frame

    def cells(column: str) -> pd.Series:
        if column in raw:
            return mask_values(column, raw.loc[rows, column])
        if column in frame:
            return frame.loc[rows, column].astype("string").fillna("(leeg)").astype(object)
        return pd.Series("(geen kolom)", index=rows, dtype=object)

    if rule.soort != "samenhang":
        return cells(rule.kolom)
    parts = [label + ": " + cells(column).astype(str) for column, label in zip(rule.kolommen, _labels(rule.kolommen, headers))]
    shown = parts[0]
    for part in parts[1:]:
        shown = shown + "; " + part
    return shown


def _labels(columns: tuple[str, ...], headers: dict[str, str]) -> list[str]:
    return [HELPER_LABELS.get(column) or headers.get(column, column) for column in columns]


def validate(normalised: Normalised, domein: str, *, headers: dict[str, str] | None = None, row_offset: int = 2) -> Validation:
    """Run the domein's contract. `row_offset` + index = the row number in the file (see `reading.Delivered`);
    `headers` are the column names as delivered, for the report."""
    headers = headers or {}
    frame = normalised.frame.copy()
    _assert_types(frame, domein)
    rejected = np.zeros(len(frame), dtype=bool)
    warned = np.zeros(len(frame), dtype=bool)
    findings = []
    for rule, mask in _broken_rules(normalised, domein):
        rows = mask.index[mask.to_numpy()]
        findings.append(
            pd.DataFrame(
                {
                    "rij": rows.to_numpy(dtype="int64") + row_offset,
                    "kolom": ", ".join(_labels(rule.kolommen, headers)),
                    "waarde": _shown_value(rule, rows, normalised, headers).to_numpy(dtype=object),
                    "regel": rule.naam,
                    "ernst": rule.ernst,
                    "melding": rule.melding(headers),
                }
            )
        )
        if rule.ernst == FOUT:
            rejected |= mask.to_numpy()
        else:
            warned |= mask.to_numpy()
            if rule.soort != BSN_REPAIRED and rule.kolom in frame:  # a repaired BSN keeps its repaired value
                frame.loc[mask, rule.kolom] = pd.NA if rule.onbekend is None else rule.onbekend
    failures = pd.concat(findings, ignore_index=True) if findings else empty_failures()
    failures = failures.sort_values(["rij", "ernst", "kolom"], kind="stable").reset_index(drop=True)
    return Validation(
        valid=frame[~rejected],
        failures=failures[FAILURE_COLUMNS],
        rows_read=len(frame),
        rows_rejected=int(rejected.sum()),
        rows_warned=int((warned & ~rejected).sum()),
    )


def severity_counts(failures: pd.DataFrame) -> dict[str, int]:
    """Number of findings per severity (fout, waarschuwing)."""
    counts = failures["ernst"].value_counts() if len(failures) else pd.Series(dtype="int64")
    return {ernst: int(counts.get(ernst, 0)) for ernst in (FOUT, WAARSCHUWING)}
