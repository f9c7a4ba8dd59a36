"""`contracts.checking` runs pandera's checks as column operations; it must reach pandera's own verdict.

Each frame is checked both ways, and the set of (column, check) that fail must be the same. This
also guards the one use of pandera internals (a custom check's function): if a pandera upgrade
changes them, this test fails rather than the intake silently checking less.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from clearinghouse.minimise import minimise
from clearinghouse.normalise import normalise
from clearinghouse.geography import Geography
from clearinghouse.pseudonym import PseudonymKey
from contracts.checking import BUILTIN, _few_distinct, _on_distinct, passes, passes_per_row, violations
from contracts.core import CoreTraject
from contracts.delivery import CONTRACTS
from tests.fixtures.deliveries import fake_bsns, jeugd_row, wmo_row
from vocabulary.periode import Periode

H1 = Periode.parse("2025-H1")
GEOGRAPHY = Geography.from_table(
    pd.DataFrame({"postcode": ["1431AB"], "huisnummer": pd.array([1], dtype="Int64"), "buurt_code": ["BU03580100"],
                  "wijk_code": ["WK035801"], "gemeente_code": ["GM0358"]})
)  # fmt: skip


def _pandera(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> set[tuple[str, str]]:
    """(column, check name) of every failure pandera itself reports."""
    schema = model.to_schema()
    by_error = {str(c.error): c.name for c in schema.checks if c.error}
    by_error.update({str(c.error): c.name for col in schema.columns.values() for c in col.checks if c.error})
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        found = set()
        for case in errors.failure_cases.itertuples(index=False):
            check = str(case.check)
            name = by_error.get(check, check.split("(")[0])
            if name in ("column_in_schema", "column_in_dataframe"):
                column = str(case.failure_case)
            elif case.schema_context == "DataFrameSchema":
                column = model.__name__  # a check over the frame (pandera lists it once per column)
            else:
                column = str(case.column)
            if name.startswith("dtype"):
                name = check
            found.add((column, name))
        return found
    return set()


def _ours(model, frame) -> set[tuple[str, str]]:
    return set(violations(model, frame))


def _delivery(domein: str) -> pd.DataFrame:
    if domein == "jeugd":
        rows = [jeugd_row(b, p) for b, p in zip(fake_bsns(30, seed=1), fake_bsns(30, seed=2))]
        rows[0]["bsn_gezagdrager"] = ""
        rows[1]["verwijzer"] = "9"
    else:
        rows = [wmo_row(b) for b in fake_bsns(30, seed=1)]
    rows[2]["voorziening"] = "99"
    rows[3]["bsn"] = rows[3]["bsn"][:8] + str((int(rows[3]["bsn"][8]) + 1) % 10)
    rows[4].update(datum_start="2025-03-01", datum_einde="2025-02-01")
    rows[5]["postcode"] = "12345"
    rows[6]["geslacht"] = ""
    rows[7]["huisnummer"] = "0"
    rows[8]["geboortedatum"] = "20990101"
    return normalise(pd.DataFrame(rows).astype(str), periode=H1).frame


@pytest.mark.parametrize("domein", ["jeugd", "wmo"])
def test_delivery_checks_match_pandera(domein):
    frame = _delivery(domein)
    expected = _pandera(CONTRACTS[domein], frame)
    assert expected  # the frame does break rules
    assert _ours(CONTRACTS[domein], frame) == expected


def _core() -> pd.DataFrame:
    rows = [wmo_row(b) for b in fake_bsns(20, seed=3)]
    normalised = normalise(pd.DataFrame(rows).astype(str), periode=H1).frame
    return minimise(normalised, domein="wmo", gemeente_code="GM0358", periode="2025-H1", key=PseudonymKey(b"c" * 32, "t"), geography=GEOGRAPHY)


CORRUPTIONS = {
    "clean": lambda core: core,
    "bsn column survived": lambda core: core.assign(bsn="123456782"),
    "pseudonym not hex": lambda core: core.assign(persoon_pseudoniem=pd.array(["zz"] * len(core), dtype="string")),
    "missing column": lambda core: core.drop(columns=["wijk_code"]),
    "code of another domein": lambda core: core.assign(voorziening_code=pd.array(["P01"] * len(core), dtype="string")),
    "empty required": lambda core: core.assign(geslacht_code=pd.array([None] * len(core), dtype="string")),
    "age out of range": lambda core: core.assign(leeftijd=pd.array([130] * len(core), dtype="Int64")),
    "wrong type": lambda core: core.assign(traject_nummer=np.array(["x"] * len(core), dtype=object)),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_core_contract_checks_match_pandera(corruption):
    frame = CORRUPTIONS[corruption](_core())
    expected = _pandera(CoreTraject, frame)
    assert bool(expected) == (corruption != "clean")
    ours = _ours(CoreTraject, frame)
    # pandera also runs the remaining checks of a column of the wrong type (and fails them); we stop there.
    assert {(c, n.split("(")[0]) for c, n in ours} == {(c, n.split("(")[0]) for c, n in expected if not (
        corruption == "wrong type" and c == "traject_nummer" and not n.startswith("dtype"))}


def test_empty_cells_pass_a_column_check_as_in_pandera():
    check = CONTRACTS["wmo"].to_schema().columns["postcode"].checks[0]
    values = pd.Series(["1431AB", None, "12345"], dtype="string")
    assert passes(check, values).tolist() == [True, True, False]


# Text that pandas and Arrow read differently, or that makes pandas choose Python's `re`: non-ASCII
# digits (`\d`), a trailing newline (`$`), vertical tab (`\s`), empty and missing cells, repeats.
_AWKWARD_TEXT = [
    "GM0363", "GM0363", "gm0363", "GM٠٣٦٣", "GM０３６３", "GM0363\n", "123456782", "١٢٣٤٥٦٧٨٩", "12345678\n",
    "1431AB", "1431 AB", "1431\x0bAB", "WK036301", "BU03630101", "WKéé0101", "k0123456789ab", "0" * 32, "a" * 32,
    "A" * 32, "2025-H1", "2025-h1", "01", "1", "ZIN", "zin", "M", "", " ", None, None,
]


def _builtin_column_checks():
    schemas = [CoreTraject.to_schema(), *(model.to_schema() for model in CONTRACTS.values())]
    found = {}
    for schema in schemas:
        for column in schema.columns.values():
            for check in column.checks:
                if check.name in BUILTIN and str(column.dtype).startswith("str"):
                    found[f"{schema.name}.{column.name}.{check.name}"] = check
    return found


BUILTIN_CHECKS = _builtin_column_checks()


@pytest.mark.parametrize("name", sorted(BUILTIN_CHECKS))
@pytest.mark.parametrize("ascii_only", [False, True])
def test_text_checks_on_distinct_values_match_the_check_per_row(name, ascii_only):
    """`passes` runs a built-in check on a text column once per distinct value: each row must get the
    verdict the check per row gives, including the cases where pandas falls back to Python's `re`."""
    check = BUILTIN_CHECKS[name]
    cells = [c for c in _AWKWARD_TEXT if not ascii_only or c is None or (c.isascii() and "\n" not in c)]
    rng = np.random.default_rng(7)
    for values in (cells, list(rng.choice(np.array(cells, dtype=object), 500)), [None, None], [""], ["GM0363"] * 3):
        series = pd.Series(values, dtype="string", index=np.arange(len(values)) * 3 + 5)
        expected = passes_per_row(check, series).tolist()
        distinct = _on_distinct(check, series) | (series.isna().to_numpy() if check.ignore_na else False)
        assert distinct.tolist() == expected, (name, values)
        assert passes(check, series).tolist() == expected, (name, values)


def test_only_repeating_text_is_checked_per_distinct_value():
    assert _few_distinct(pd.Series(["GM0363", "GM0014"] * 5000, dtype="string"))
    assert not _few_distinct(pd.Series([f"{i:032x}" for i in range(10000)], dtype="string"))
