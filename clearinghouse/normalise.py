"""Turn a delivery's raw text cells into typed, canonical values the contract can check.

Canonicalisation follows the spec and the ways real exports differ: `0363` → `GM0363`; an 8-digit
BSN whose leading zero Excel dropped → 9 digits; postcode upper-case without space; `X` → `O`;
single-digit codes Excel turned into numbers (`1` → `01`); dates in the three spec formats with
unknown day/month in birth dates; decimal comma. A non-empty cell that cannot be read is recorded
as a parse failure (so the report can name it) and becomes missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vocabulary.periode import Periode

DATE_COLUMNS = ("datum_aanvraag", "datum_start", "datum_einde")
INT_COLUMNS = ("huisnummer", "zrm_start", "zrm_einde", "clientervaring")
FLOAT_COLUMNS = ("intensiteit_uren_week", "kosten_euro")
BSN_COLUMNS = ("bsn", "bsn_gezagdrager")
TWO_DIGIT_CODES = ("voorziening", "verwijzer", "reden_einde")
UPPER_CODES = ("herkomst", "iq_indicatie", "voorziening", "leveringsvorm", "erkende_interventie", "aanbieder_id")


@dataclass
class Normalised:
    """The typed frame plus, per column, the rows whose non-empty value could not be read."""

    frame: pd.DataFrame
    raw: pd.DataFrame
    parse_failures: dict[str, pd.Series] = field(default_factory=dict)


def _empty_to_na(values: pd.Series) -> pd.Series:
    values = values.astype("string")
    return values.mask(values == "")


def parse_dates(values: pd.Series, *, allow_unknown_parts: bool = False) -> pd.Series:
    """Parse `JJJJMMDD`, `JJJJ-MM-DD` or `DD-MM-JJJJ` (also with `/`, and `D-M-JJJJ`); unparseable → NaT.

    With allow_unknown_parts (birth dates), `JJJJMM00` means day unknown (the 15th is used) and
    `JJJJ0000` month unknown (1 July is used): the middle of what is known, for age only.
    """
    text = _empty_to_na(values).str.replace("/", "-", regex=False)
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    compact = text.str.fullmatch(r"\d{8}").fillna(False)
    if allow_unknown_parts:
        month_unknown = compact & text.str.endswith("0000").fillna(False)
        day_unknown = compact & text.str.endswith("00").fillna(False) & ~month_unknown
        text = text.mask(month_unknown, text.str[:4] + "0701")
        text = text.mask(day_unknown, text.str[:6] + "15")
    # Dutch Excel writes D-M-JJJJ without leading zeros (`1-2-2025`): pad to DD-MM-JJJJ.
    short = text.str.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}").fillna(False)
    if short.any():
        parts = text[short].str.split("-", expand=True)
        text = text.mask(short, parts[0].str.zfill(2) + "-" + parts[1].str.zfill(2) + "-" + parts[2])
    for pattern, fmt in ((r"\d{8}", "%Y%m%d"), (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"), (r"\d{2}-\d{2}-\d{4}", "%d-%m-%Y")):
        mask = text.str.fullmatch(pattern).fillna(False)
        if mask.any():
            result[mask] = pd.to_datetime(text[mask], format=fmt, errors="coerce")
    # Excel sometimes adds a time: `2024-03-01 00:00:00`.
    with_time = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00(:00)?").fillna(False)
    if with_time.any():
        result[with_time] = pd.to_datetime(text[with_time].str[:10], format="%Y-%m-%d", errors="coerce")
    return result


def canonical_bsn(values: pd.Series) -> pd.Series:
    """Strip spaces and dots, left-pad an 8-digit BSN to 9 digits. Other shapes are left for the contract."""
    text = _empty_to_na(values)
    # A number column exported with a gap (float) writes `12345678.0`; dropping the dot below would
    # turn it into the different BSN `123456780`. Drop such a `.0` fraction first.
    text = text.str.replace(r"^(\d{7,9})\.0+$", r"\1", regex=True)
    text = text.str.replace(r"[\s.]", "", regex=True)
    # `000000000` (unknown) in a number column arrives as `0`: keep it the unknown marker.
    text = text.mask(text.str.fullmatch(r"0{1,8}").fillna(False), "000000000")
    return text.mask(text.str.fullmatch(r"\d{8}").fillna(False), "0" + text)


def canonical_gemeentecode(values: pd.Series) -> pd.Series:
    text = _empty_to_na(values).str.upper().str.replace(" ", "", regex=False)
    digits = text.str.fullmatch(r"\d{1,4}").fillna(False)
    return text.mask(digits, "GM" + text.str.zfill(4))


def canonical_gemeentecode_text(text: str) -> str | None:
    """One gemeentecode as typed by a person (`GM0363`, `gm363`, `0363`) → `GM0363`, or None if it is not one."""
    code = canonical_gemeentecode(pd.Series([str(text)])).iloc[0]
    return code if isinstance(code, str) and len(code) == 6 and code.startswith("GM") and code[2:].isdigit() else None


def canonical_postcode(values: pd.Series) -> pd.Series:
    return _empty_to_na(values).str.replace(r"\s+", "", regex=True).str.upper()


def _parse_numbers(values: pd.Series, *, integer: bool) -> tuple[pd.Series, pd.Series]:
    text = _empty_to_na(values)
    if not integer:
        # Decimal comma; a dot before a comma is a thousands separator (1.234,50).
        both = text.str.contains(",", regex=False).fillna(False) & text.str.contains(".", regex=False).fillna(False)
        text = text.mask(both, text.str.replace(".", "", regex=False))
        text = text.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text, errors="coerce")
    failed = text.notna() & numbers.isna()
    if integer:
        whole = numbers.notna() & (numbers % 1 == 0)
        failed |= numbers.notna() & ~whole
        numbers = numbers.where(whole).astype("Int64")
    else:
        numbers = numbers.astype("float64")
    return numbers, failed


def normalise(raw: pd.DataFrame, *, periode: Periode) -> Normalised:
    """Typed, canonical copy of `raw` (already tidied by `reading.read_table`)."""
    out = pd.DataFrame(index=raw.index)
    failures: dict[str, pd.Series] = {}
    for column in raw.columns:
        values = raw[column]
        if column == "gemeentecode":
            out[column] = canonical_gemeentecode(values)
        elif column in BSN_COLUMNS:
            out[column] = canonical_bsn(values)
        elif column == "postcode":
            out[column] = canonical_postcode(values)
        elif column == "geboortedatum" or column in DATE_COLUMNS:
            parsed = parse_dates(values, allow_unknown_parts=column == "geboortedatum")
            failures[column] = (values != "") & parsed.isna()
            out[column] = parsed
        elif column == "huisnummer":
            # A toevoeging (12a, 12-2) does not change the buurt: keep the number.
            digits = values.str.extract(r"^(\d+)", expand=False).fillna("")
            out[column], failures[column] = _parse_numbers(digits, integer=True)
            failures[column] |= (values != "") & (digits == "")
        elif column in INT_COLUMNS:
            out[column], failures[column] = _parse_numbers(values, integer=True)
        elif column in FLOAT_COLUMNS:
            out[column], failures[column] = _parse_numbers(values, integer=False)
        elif column == "geslacht":
            out[column] = _empty_to_na(values).str.upper().replace({"X": "O"})
        elif column == "resultaat":
            out[column] = _empty_to_na(values).str.lower()
        else:
            text = _empty_to_na(values)
            if column in UPPER_CODES:
                text = text.str.upper()
            if column in TWO_DIGIT_CODES:
                text = text.mask(text.str.fullmatch(r"\d").fillna(False), text.str.zfill(2))
            if column == "aanbieder_id":
                # An AGB/KvK number that lost its leading zero in Excel (7 digits): restore it, as for BSN.
                text = text.mask(text.str.fullmatch(r"\d{7}").fillna(False), "0" + text)
            out[column] = text
    out["_periode_start"] = periode.start
    out["_periode_einde"] = periode.einde
    out["_leeftijd"] = age_at(out["geboortedatum"], periode.einde) if "geboortedatum" in out else pd.NA
    failures = {column: mask for column, mask in failures.items() if mask.any()}
    return Normalised(out, raw, failures)


def age_at(birth: pd.Series, when: pd.Timestamp) -> pd.Series:
    """Age in whole years on `when` (vectorised; NaT → <NA>)."""
    years = when.year - birth.dt.year
    had_birthday = (birth.dt.month < when.month) | ((birth.dt.month == when.month) & (birth.dt.day <= when.day))
    age = years - np.where(had_birthday, 0, 1)
    return pd.Series(age, index=birth.index).astype("Int64").where(birth.notna())
