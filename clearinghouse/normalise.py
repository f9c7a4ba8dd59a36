"""Turn a delivery's raw text cells into typed, canonical values the contract can check.

Canonicalisation follows the spec and the ways real exports differ: `0363` → `GM0363`; a 7- or
8-digit BSN whose leading zeros Excel dropped → 9 digits (recorded as a repair, so the report can
say so); postcode upper-case without space; `X` → `O`; single-digit codes Excel turned into numbers
(`1` → `01`); dates in the three spec formats with unknown day/month in birth dates; decimal comma.
A non-empty cell that cannot be read is recorded as a parse failure (so the report can name it) and
becomes missing.

Every step is a column operation (Arrow compute, NumPy): no Python runs per row, because a
national round is millions of rows. Dates are checked field by field (a 30 February is unreadable,
not the 1st of March as some date parsers make of it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vocabulary.arrow_text import ascii_bytes
from vocabulary.periode import Periode

DATE_COLUMNS = ("datum_aanvraag", "datum_start", "datum_einde")
INT_COLUMNS = ("huisnummer", "zrm_start", "zrm_einde", "clientervaring")
FLOAT_COLUMNS = ("intensiteit_uren_week", "kosten_euro")
BSN_COLUMNS = ("bsn", "bsn_gezagdrager")
TWO_DIGIT_CODES = ("voorziening", "verwijzer", "reden_einde")
UPPER_CODES = ("herkomst", "iq_indicatie", "voorziening", "leveringsvorm", "erkende_interventie", "aanbieder_id")

_INTEGER = r"^[+-]?\d{1,15}(\.0*)?$"
_DECIMAL = r"^[+-]?(\d{1,15}(\.\d*)?|\.\d+)$"
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass
class Normalised:
    """The typed frame; the raw text; per column the rows whose non-empty value could not be read
    (`parse_failures`) and the rows whose value was repaired, such as a BSN with its zeros restored (`repairs`)."""

    frame: pd.DataFrame
    raw: pd.DataFrame
    parse_failures: dict[str, pd.Series] = field(default_factory=dict)
    repairs: dict[str, pd.Series] = field(default_factory=dict)


# ---- Arrow helpers ------------------------------------------------------------------------------


def _text(values: pd.Series) -> pa.Array:
    """A column as Arrow text with empty cells as null."""
    text = pa.array(values, type=pa.large_string(), from_pandas=True)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text)


def _matches(text: pa.Array, pattern: str) -> pa.Array:
    """Boolean per cell (null cells: False)."""
    return pc.fill_null(pc.match_substring_regex(text, pattern), False)


def _replace(text: pa.Array, pattern: str, replacement: str) -> pa.Array:
    return pc.replace_substring_regex(text, pattern=pattern, replacement=replacement)


def _mask(mask: pa.Array | np.ndarray, index: pd.Index) -> pd.Series:
    values = mask.to_numpy(zero_copy_only=False) if isinstance(mask, (pa.Array, pa.ChunkedArray)) else mask
    return pd.Series(np.asarray(values, dtype=bool), index=index)


def _string_series(text: pa.Array, index: pd.Index) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(pc.cast(text, pa.large_string())), index=index)


# ---- dates --------------------------------------------------------------------------------------


def _days(text: pa.Array, year: tuple[int, int], month: tuple[int, int], day: tuple[int, int], *, unknown_parts: bool) -> np.ndarray:
    """datetime64[us] from fixed positions in digit strings; NaT where the day does not exist.

    With `unknown_parts`, day 00 is the 15th and month-and-day 0000 is 1 July (birth dates)."""
    present = pc.is_valid(text).to_numpy(zero_copy_only=False)

    def part(span: tuple[int, int]) -> np.ndarray:
        # Only ASCII digits are a number: a Unicode digit (`٠١`) or a dash in the piece (`5-78`, from
        # `12-34-5-78`) makes the cell unreadable (NaT, reported), never the whole file's intake fail.
        piece = pc.utf8_slice_codeunits(pc.fill_null(text, "00000000000"), span[0], span[1])
        number = pc.match_substring_regex(piece, r"^[0-9]+$").to_numpy(zero_copy_only=False)
        present[:] &= number
        return pc.cast(pc.if_else(pa.array(number), piece, "0"), pa.int64()).to_numpy(zero_copy_only=False)

    years, months, days = part(year), part(month), part(day)
    return _calendar_dates(years, months, days, present, unknown_parts=unknown_parts)


def _calendar_dates(years: np.ndarray, months: np.ndarray, days: np.ndarray, present: np.ndarray, *, unknown_parts: bool) -> np.ndarray:
    """datetime64[us] from year, month and day numbers; NaT where the day does not exist or `present` is False."""
    if unknown_parts:
        month_unknown = (months == 0) & (days == 0)
        months, days = np.where(month_unknown, 7, months), np.where(month_unknown, 1, np.where(days == 0, 15, days))
    leap = ((years % 4 == 0) & (years % 100 != 0)) | (years % 400 == 0)
    month_ok = (months >= 1) & (months <= 12)
    longest = _DAYS_IN_MONTH[np.clip(months - 1, 0, 11)] + ((months == 2) & leap)
    valid = month_ok & (days >= 1) & (days <= longest) & present
    first_of_month = ((years - 1970) * 12 + np.clip(months - 1, 0, 11)).astype("datetime64[M]").astype("datetime64[D]")
    dates = (first_of_month + (np.clip(days, 1, 31) - 1).astype("timedelta64[D]")).astype("datetime64[us]")
    return np.where(valid, dates, np.datetime64("NaT", "us"))


# The three spec formats: where year, month and day sit in the text.
_DATE_SHAPES = (
    ("compact", ((0, 4), (4, 6), (6, 8))),  # JJJJMMDD
    ("iso", ((0, 4), (5, 7), (8, 10))),  # JJJJ-MM-DD
    ("dutch", ((6, 10), (3, 5), (0, 2))),  # DD-MM-JJJJ
)


def _date_shapes(text: pa.Array) -> dict[str, pa.Array]:
    """Per spec format: which cells have exactly its shape (digits and dashes in the right places)."""
    length = pc.utf8_length(text)
    digits = pc.utf8_is_digit(pc.replace_substring(text, "-", ""))

    def dash(at: int) -> pa.Array:
        return pc.equal(pc.utf8_slice_codeunits(text, at, at + 1), "-")

    ten = pc.and_(pc.equal(length, 10), digits)
    return {
        "compact": pc.fill_null(pc.and_(pc.equal(length, 8), pc.utf8_is_digit(text)), False),
        "iso": pc.fill_null(pc.and_(ten, pc.and_(dash(4), dash(7))), False),
        "dutch": pc.fill_null(pc.and_(ten, pc.and_(dash(2), dash(5))), False),
    }


def parse_dates(values: pd.Series, *, allow_unknown_parts: bool = False) -> pd.Series:
    """Parse `JJJJMMDD`, `JJJJ-MM-DD` or `DD-MM-JJJJ` (also with `/`, and `D-M-JJJJ`); unparseable → NaT.

    With allow_unknown_parts (birth dates), `JJJJMM00` means day unknown (the 15th is used) and
    `JJJJ0000` month unknown (1 July is used): the middle of what is known, for age only.
    """
    text = _text(values)
    if pc.any(pc.match_substring(text, "/")).as_py():
        text = pc.replace_substring(text, "/", "-")
    fast = _shaped_dates_ascii(text, allow_unknown_parts)
    if not (fast[1] if fast is not None else _all_shaped(text)):
        # Rarer forms, by pattern: Excel's time (`2024-03-01 00:00:00`), Dutch Excel's `1-2-2025`.
        text = _replace(text, r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$", r"\1")
        text = _replace(text, r"^(\d)-(\d{1,2}-\d{4})$", r"0\1-\2")
        text = _replace(text, r"^(\d{2})-(\d)-(\d{4})$", r"\1-0\2-\3")
        fast = _shaped_dates_ascii(text, allow_unknown_parts)
    result = fast[0] if fast is not None else _shaped_dates(text, allow_unknown_parts)
    return pd.Series(result, index=values.index, dtype="datetime64[us]")


def _all_shaped(text: pa.Array) -> bool:
    """Is every non-empty cell in one of the spec formats (the general way)?"""
    shapes = _date_shapes(text)
    shaped = pc.or_(pc.or_(shapes["compact"], shapes["iso"]), shapes["dutch"])
    return not pc.any(pc.and_(pc.is_valid(text), pc.invert(shaped))).as_py()


def _shaped_dates(text: pa.Array, allow_unknown_parts: bool) -> np.ndarray:
    """The cells in one of the spec formats as dates (the rest NaT): the general way, by Arrow text kernels."""
    shapes = _date_shapes(text)
    result = np.full(len(text), np.datetime64("NaT", "us"))
    for shape, spans in _DATE_SHAPES:
        rows = np.flatnonzero(shapes[shape].to_numpy(zero_copy_only=False))
        if rows.size:  # only the cells of this shape are cut up and read
            result[rows] = _days(pc.take(text, pa.array(rows)), *spans, unknown_parts=allow_unknown_parts and shape == "compact")
    return result


def _bits(flags: np.ndarray) -> np.ndarray:
    """Per row of a (rows, ≤16) bool matrix: the row as a number, bit i = column i."""
    packed = np.packbits(flags, axis=1, bitorder="little").astype(np.uint16)
    return packed[:, 0] | (packed[:, 1] << 8) if packed.shape[1] > 1 else packed[:, 0]


# Per format of 10 characters: the dashes' places as bits.
_DASH_BITS = {"iso": (1 << 4) | (1 << 7), "dutch": (1 << 2) | (1 << 5)}


def _shaped_dates_ascii(text: pa.Array | pa.ChunkedArray, allow_unknown_parts: bool) -> tuple[np.ndarray, bool] | None:
    """(`_shaped_dates`, `_all_shaped`) for a column of ASCII text, read from Arrow's bytes with
    NumPy (a few array operations instead of a dozen text kernels per format). None when the general
    way must decide: non-ASCII text (Unicode digits), or a cell of 10 characters that has dashes in
    other places than a format's (the general way's shape test lets those through)."""
    result = np.full(len(text), np.datetime64("NaT", "us"))
    if len(text) == text.null_count:
        return result, True
    found = ascii_bytes(text)
    if found is None:
        return None
    offsets, data = found
    lengths = np.diff(offsets)
    present = pc.is_valid(text).to_numpy(zero_copy_only=False)
    shaped_count = 0
    for width, formats in ((8, ("compact",)), (10, ("iso", "dutch"))):
        rows = np.flatnonzero(present & (lengths == width))
        if not rows.size:
            continue
        numbers = data[offsets[rows][:, None] + np.arange(width)] - np.uint8(48)  # a digit is 0..9, '-' is 253
        not_digit, dash = _bits(numbers > 9), _bits(numbers == 253)
        for shape in formats:
            pattern = _DASH_BITS.get(shape, 0)
            shaped = (not_digit == pattern) & (dash == pattern)
            if not shaped.any():
                continue
            shaped_count += int(shaped.sum())
            chosen = numbers[shaped].astype(np.int64)

            def field(span: tuple[int, int]) -> np.ndarray:
                value = np.zeros(len(chosen), dtype=np.int64)
                for at in range(*span):
                    value = value * 10 + chosen[:, at]
                return value

            result[rows[shaped]] = _calendar_dates(
                *(field(span) for span in dict(_DATE_SHAPES)[shape]), np.ones(len(chosen), dtype=bool),
                unknown_parts=allow_unknown_parts and shape == "compact",
            )  # fmt: skip
        if width == 10:
            # The general way's shape: a format's dashes, digits or dashes elsewhere, at least one digit.
            loose = ((not_digit & ~dash) == 0) & (not_digit != (1 << 10) - 1)
            loose &= ((dash & _DASH_BITS["iso"]) == _DASH_BITS["iso"]) | ((dash & _DASH_BITS["dutch"]) == _DASH_BITS["dutch"])
            strict = (not_digit == dash) & ((dash == _DASH_BITS["iso"]) | (dash == _DASH_BITS["dutch"]))
            if (loose & ~strict).any():
                return None
    return result, shaped_count == int(present.sum())


# ---- codes and numbers --------------------------------------------------------------------------


def _canonical_bsn_text(values: pd.Series) -> tuple[pa.Array, pa.Array]:
    """(canonical BSN text, whether zeros were added)."""
    text = _text(values)
    nine_digits = pc.and_(pc.equal(pc.utf8_length(text), 9), pc.utf8_is_digit(text))
    if pc.all(pc.fill_null(nine_digits, True)).as_py():
        return text, pa.array(np.zeros(len(text), dtype=bool))  # the common case: nothing to repair
    # A number column exported with a gap (float) writes `12345678.0`; dropping the dot below would
    # turn it into the different BSN `123456780`. Drop such a `.0` fraction first.
    text = _replace(text, r"^(\d{7,9})\.0+$", r"\1")
    text = _replace(text, r"[\s.]", "")
    # `000000000` (unknown) in a number column arrives as `0`: keep it the unknown marker.
    text = _replace(text, r"^0{1,8}$", "000000000")
    # Excel drops every leading zero of a BSN typed as a number: 7 or 8 digits are padded to 9.
    short = _matches(text, r"^\d{7,8}$")
    return pc.if_else(short, pc.utf8_lpad(text, 9, "0"), text), short


def canonical_bsn(values: pd.Series) -> pd.Series:
    """Strip spaces and dots, left-pad a 7- or 8-digit BSN to 9 digits. Other shapes are left for the contract."""
    return _string_series(_canonical_bsn_text(values)[0], values.index)


def _canonical_gemeentecode(text: pa.Array) -> pa.Array:
    text = pc.replace_substring(pc.utf8_upper(text), " ", "")
    if pc.all(pc.fill_null(pc.starts_with(text, "GM"), True)).as_py():
        return text
    return pc.if_else(_matches(text, r"^\d{1,4}$"), pc.binary_join_element_wise(pa.scalar("GM", pa.large_string()), pc.utf8_lpad(text, 4, "0"), pa.scalar("", pa.large_string())), text)


def canonical_gemeentecode(values: pd.Series) -> pd.Series:
    return _string_series(_canonical_gemeentecode(_text(values)), values.index)


def canonical_gemeentecode_text(text: str) -> str | None:
    """One gemeentecode as typed by a person (`GM0363`, `gm363`, `0363`) → `GM0363`, or None if it is not one."""
    code = canonical_gemeentecode(pd.Series([str(text)])).iloc[0]
    return code if isinstance(code, str) and len(code) == 6 and code.startswith("GM") and code[2:].isdigit() else None


def canonical_postcode(values: pd.Series) -> pd.Series:
    text = pc.utf8_upper(_text(values))
    if not pc.all(pc.fill_null(pc.utf8_is_alnum(text), True)).as_py():
        text = _replace(text, r"\s+", "")  # a space (or tab) inside: `1234 AB`
    return _string_series(text, values.index)


def _parse_numbers(values: pd.Series, *, integer: bool) -> tuple[pd.Series, pd.Series]:
    """(numbers, failed): Int64 or float64; `failed` marks non-empty cells that are no number."""
    text = _text(values)
    if not integer:
        # Decimal comma; a dot before a comma is a thousands separator (1.234,50).
        comma = pc.fill_null(pc.match_substring(text, ","), False)
        if pc.any(comma).as_py():  # (most files write a decimal point: nothing to rewrite)
            both = pc.and_(comma, pc.fill_null(pc.match_substring(text, "."), False))
            text = pc.if_else(both, pc.replace_substring(text, ".", ""), text)
            text = pc.replace_substring(text, ",", ".")
    if integer and pc.all(pc.fill_null(pc.utf8_is_digit(text), True)).as_py() and pc.all(
        pc.fill_null(pc.less_equal(pc.utf8_length(text), 15), True)
    ).as_py():
        numbers = pc.cast(text, pa.int64()).to_pandas()  # the common case: plain digits
        numbers.index = values.index
        return numbers.astype("Int64"), pd.Series(False, index=values.index)
    readable = _matches(text, _INTEGER if integer else _DECIMAL)
    chosen = pc.if_else(readable, text, pa.scalar(None, pa.large_string()))
    if pc.any(pc.starts_with(chosen, "+")).as_py():  # (the regular expressions only where they can change a cell)
        chosen = _replace(chosen, r"^\+", "")
    if integer and pc.any(pc.match_substring(chosen, ".")).as_py():
        chosen = _replace(chosen, r"\.0*$", "")
    numbers = pc.cast(chosen, pa.int64() if integer else pa.float64()).to_pandas()
    failed = pc.and_(pc.is_valid(text), pc.invert(readable))
    numbers.index = values.index
    return (numbers.astype("Int64") if integer else numbers.astype("float64")), _mask(failed, values.index)


def _codes(column: str, values: pd.Series) -> pd.Series:
    text = _text(values)
    if column in UPPER_CODES:
        text = pc.utf8_upper(text)
    length = pc.utf8_length(text)
    if column in TWO_DIGIT_CODES and pc.any(pc.equal(length, 1)).as_py():
        text = _replace(text, r"^(\d)$", r"0\1")
    if column == "aanbieder_id" and pc.any(pc.equal(length, 7)).as_py():
        # An AGB/KvK number that lost its leading zero in Excel (7 digits): restore it, as for BSN.
        text = _replace(text, r"^(\d{7})$", r"0\1")
    return _string_series(text, values.index)


def normalise(raw: pd.DataFrame, *, periode: Periode) -> Normalised:
    """Typed, canonical copy of `raw` (already tidied by `reading.read_table`)."""
    out: dict[str, pd.Series] = {}
    failures: dict[str, pd.Series] = {}
    repairs: dict[str, pd.Series] = {}
    index = raw.index
    for column in raw.columns:
        values = raw[column]
        if column == "gemeentecode":
            out[column] = canonical_gemeentecode(values)
        elif column in BSN_COLUMNS:
            text, padded = _canonical_bsn_text(values)
            out[column] = _string_series(text, index)
            repairs[column] = _mask(padded, index)
        elif column == "postcode":
            out[column] = canonical_postcode(values)
        elif column == "geboortedatum" or column in DATE_COLUMNS:
            parsed = parse_dates(values, allow_unknown_parts=column == "geboortedatum")
            failures[column] = _mask(pc.is_valid(_text(values)), index) & parsed.isna()
            out[column] = parsed
        elif column == "huisnummer":
            # A toevoeging (12a, 12-2) does not change the buurt: keep the number.
            text = _text(values)
            if pc.all(pc.fill_null(pc.utf8_is_digit(text), True)).as_py():
                out[column], failures[column] = _parse_numbers(values, integer=True)
            else:
                leading = _matches(text, r"^\d")
                digits = pc.if_else(leading, _replace(text, r"^(\d+).*$", r"\1"), pa.scalar(None, pa.large_string()))
                out[column], failures[column] = _parse_numbers(_string_series(digits, index).fillna(""), integer=True)
                failures[column] |= _mask(pc.and_(pc.is_valid(text), pc.invert(leading)), index)
        elif column in INT_COLUMNS:
            out[column], failures[column] = _parse_numbers(values, integer=True)
        elif column in FLOAT_COLUMNS:
            out[column], failures[column] = _parse_numbers(values, integer=False)
        elif column == "geslacht":
            text = pc.utf8_upper(_text(values))
            out[column] = _string_series(pc.if_else(pc.equal(text, "X"), "O", text), index)
        elif column == "resultaat":
            out[column] = _string_series(pc.utf8_lower(_text(values)), index)
        else:
            out[column] = _codes(column, values)
    frame = pd.DataFrame(out, index=index)
    frame["_periode_start"] = periode.start
    frame["_periode_einde"] = periode.einde
    frame["_leeftijd"] = age_at(frame["geboortedatum"], periode.einde) if "geboortedatum" in frame else pd.NA
    failures = {column: mask for column, mask in failures.items() if mask.any()}
    repairs = {column: mask for column, mask in repairs.items() if mask.any()}
    return Normalised(frame, raw, failures, repairs)


def age_at(birth: pd.Series, when: pd.Timestamp) -> pd.Series:
    """Age in whole years on `when` (vectorised; NaT → <NA>)."""
    years = when.year - birth.dt.year
    had_birthday = (birth.dt.month < when.month) | ((birth.dt.month == when.month) & (birth.dt.day <= when.day))
    age = years - np.where(had_birthday, 0, 1)
    return pd.Series(age, index=birth.index).astype("Int64").where(birth.notna())
