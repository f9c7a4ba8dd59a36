"""Dutch formatting of numbers, dates and times, for everything a person reads.

Readers are raadsleden, data officers and operators: they read "12,3" and "1.250", never "12.3" or
"1,250", and times in Dutch local time (Europe/Amsterdam), never UTC.
Python's `locale` module depends on what the machine has installed, so the formatting is done
by hand here and is the same on every machine. Anything that is not a publishable number
(secret, missing, NaN, <NA>) is shown as ".", the CBS convention for "geheim".
"""

from __future__ import annotations

import math
from functools import lru_cache
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from vocabulary.periode import label as _periode_label

TIMEZONE = ZoneInfo("Europe/Amsterdam")

SECRET = "."

MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def is_missing(value: Any) -> bool:
    """True for None, NaN, pd.NA and pd.NaT: anything that is not a number to show."""
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def fmt_number(value: Any, decimals: int = 0) -> str:
    """`value` with a decimal comma and a dot between thousands, or "." when missing.

    >>> fmt_number(1234567.891, 1)
    '1.234.567,9'
    """
    # A float needs no pandas check (NaN fails isfinite below): a national site formats a million numbers.
    if type(value) is not float and is_missing(value):
        return SECRET
    number = float(value)
    if not math.isfinite(number):
        return SECRET
    return _fmt_finite(number, decimals)


@lru_cache(maxsize=1 << 16)
def _fmt_finite(number: float, decimals: int) -> str:
    """`fmt_number` of a finite float; remembered, as a site shows the same few thousand values
    again and again (0.0 and -0.0 share an entry: both print without a minus)."""
    text = f"{number:,.{decimals}f}"  # 1,234,567.9
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if text[0] == "-" and float(text[1:].replace(".", "").replace(",", ".")) == 0:
        text = text[1:]  # no "-0,0"
    return text


def _get(row: Any, key: str) -> Any:
    """Field of a dict, a pandas row (Series) or a namedtuple from itertuples()."""
    if isinstance(row, Mapping) or hasattr(row, "get"):
        return row.get(key)
    return getattr(row, key, None)


def is_secret(row: Any) -> bool:
    """A row is secret when flagged so, or when it has no publishable value."""
    flag = _get(row, "geheim")
    return (not is_missing(flag) and bool(flag)) or is_missing(_get(row, "waarde"))


def fmt_waarde(row: Any, decimals: int = 1) -> str:
    """The row's `waarde` in Dutch notation, or "." when the row is secret or has no value.

    The secret flag wins over a value that happens to be present, so a mistake upstream can
    never put a secret figure on the site.
    """
    if is_secret(row):
        return SECRET
    return fmt_number(_get(row, "waarde"), decimals)


def fmt_count(value: Any) -> str:
    """A (rounded) count such as teller or noemer: whole number, "." when secret."""
    return fmt_number(value, 0)


def fmt_datetime(moment: datetime) -> str:
    """'1 november 2026, 14:05' (Dutch month names independent of the machine's locale)."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def fmt_periode(periode: str) -> str:
    """'2025-H1' → '1e halfjaar 2025', '2025' → '2025'; anything else is returned unchanged."""
    return _periode_label(periode)


def fmt_int(value: Any) -> str:
    """A whole number with a dot between thousands (12.345); empty text when missing."""
    if is_missing(value):
        return ""
    return fmt_number(value, 0)


def fmt_decimal(value: float, decimals: int = 1) -> str:
    """A decimal with a comma (2,5) for running text such as timings; no secret marker."""
    return f"{value:.{decimals}f}".replace(".", ",")


def local_time(value: Any) -> pd.Timestamp | None:
    """A moment as Dutch local time; naive values are taken as UTC (how the system stores them)."""
    if value is None or is_missing(value):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert(TIMEZONE)


def fmt_local_datetime(value: Any, *, seconds: bool = False) -> str:
    """'31-12-2025 23:59' in Dutch local time; empty text when missing."""
    stamp = local_time(value)
    if stamp is None:
        return ""
    return stamp.strftime("%d-%m-%Y %H:%M:%S" if seconds else "%d-%m-%Y %H:%M")
