"""Check a normalised delivery against its contract and turn the outcome into a verdict.

Row-level problems reject only their rows (the gemeente sees each with row number, column, masked
value and a reason in Dutch); a file with more than the configured share of rejected rows is
rejected as a whole (spec: default 5 %).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import pandera.pandas as pa

from clearinghouse.masking import mask_value
from clearinghouse.normalise import Normalised
from contracts.delivery import CONTRACTS
from vocabulary.oordelen import AFGEKEURD, GOEDGEKEURD, MET_AFWIJKINGEN

DEFAULT_MAX_REJECTED_SHARE = 0.05

FAILURE_COLUMNS = ["rij", "kolom", "waarde", "regel", "melding"]


@dataclass
class Validation:
    valid: pd.DataFrame  # accepted rows of the normalised frame
    failures: pd.DataFrame  # one row per (row, rule): rij, kolom, waarde (masked), regel, melding
    rows_read: int
    rows_rejected: int

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - self.rows_rejected

    def verdict(self, max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE) -> str:
        if self.rows_read == 0 or self.rows_rejected > max_rejected_share * self.rows_read:
            return AFGEKEURD
        return MET_AFWIJKINGEN if self.rows_rejected else GOEDGEKEURD


@lru_cache(maxsize=8)
def _rule_names(domein: str) -> dict[str, str]:
    """Dutch error text → rule name, for the contract's own (named) checks."""
    schema = CONTRACTS[domein].to_schema()
    checks = list(schema.checks) + [check for column in schema.columns.values() for check in column.checks]
    # pandera sometimes reports a class-based check under its method name (`_bsn_elfproef`):
    # strip the underscore so a rule has one name in every report.
    return {
        str(check.error): check.name.lstrip("_")
        for check in checks
        if check.error and check.name and not str(check.error).startswith(check.name)
    }


def _describe(check: str, column: str, domein: str) -> tuple[str, str]:
    """(rule id, Dutch message) for a pandera failure case."""
    check = str(check)
    if check in _rule_names(domein):
        return _rule_names(domein)[check], check
    if check == "not_nullable":
        return f"{column}_verplicht", f"{column} is leeg, maar verplicht"
    if check.startswith("str_matches"):
        return f"{column}_formaat", f"{column} heeft niet het juiste formaat"
    if check.startswith("isin"):
        allowed = re.findall(r"'([^']*)'", check)
        shown = ", ".join(allowed[:12]) + (" …" if len(allowed) > 12 else "")
        return f"{column}_code", f"{column} bevat een onbekende code (toegestaan: {shown})"
    if check.startswith(("greater_than", "less_than", "in_range")):
        return f"{column}_bereik", f"{column} valt buiten het toegestane bereik"
    if check.startswith("dtype"):
        return f"{column}_type", f"{column} heeft een onverwacht gegevenstype"
    return re.sub(r"\W+", "_", check.lower())[:40], check


def validate(normalised: Normalised, domein: str, *, row_offset: int = 2) -> Validation:
    """Run the domein's contract lazily. `row_offset`: file row of the first data row (header = 1)."""
    frame = normalised.frame
    records: list[dict] = []
    for column, failed in normalised.parse_failures.items():
        for index in failed[failed].index:
            records.append(
                {
                    "index": index,
                    "kolom": column,
                    "waarde": mask_value(column, normalised.raw.at[index, column]),
                    "regel": f"{column}_onleesbaar",
                    "melding": f"{column} kan niet worden gelezen (verwacht: {'een datum' if 'datum' in column else 'een getal'})",
                }
            )
    try:
        CONTRACTS[domein].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        cases = cases[cases["index"].notna()]
        dataframe_level = cases["schema_context"] == "DataFrameSchema"
        # A dataframe check lists every column of a failing row; report it once, on its first column.
        cases = pd.concat([cases[~dataframe_level], cases[dataframe_level].drop_duplicates(["check", "index"])])
        for case in cases.itertuples(index=False):
            index = int(case.index)
            column = str(case.column)
            rule, message = _describe(case.check, column, domein)
            if case.schema_context == "DataFrameSchema":
                column, value = "", ""
            else:
                raw_value = normalised.raw.at[index, column] if column in normalised.raw else case.failure_case
                value = mask_value(column, raw_value)
            if rule.endswith("_verplicht") and column in normalised.parse_failures and normalised.parse_failures[column].get(index, False):
                continue  # already reported as unreadable
            records.append({"index": index, "kolom": column, "waarde": value, "regel": rule, "melding": message})
    failures = pd.DataFrame.from_records(records, columns=["index", "kolom", "waarde", "regel", "melding"])
    rejected_index = pd.Index(failures["index"].unique())
    failures.insert(0, "rij", failures.pop("index").astype("int64") + row_offset)
    failures = failures.sort_values(["rij", "kolom"], kind="stable").reset_index(drop=True)
    return Validation(
        valid=frame.drop(index=rejected_index),
        failures=failures[FAILURE_COLUMNS],
        rows_read=len(frame),
        rows_rejected=len(rejected_index),
    )
