"""Portal settings: limits, the delivery window, which periodes are open, cookie and lock-out parameters.

Defaults suit a production install behind a TLS proxy; every value can be set from the command
line (`gmsd portal --help`) or the environment (GMSD_PORTAL_*), and tests pass their own (including
the clock, so that "which half-years are open for delivery" does not depend on the day a test runs).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path

from vocabulary.formatting import TIMEZONE, fmt_local_datetime
from vocabulary.home import Home

MAX_MB_ENV = "GMSD_PORTAL_MAX_MB"
WINDOW_START_ENV = "GMSD_PORTAL_VENSTER_VAN"
WINDOW_END_ENV = "GMSD_PORTAL_VENSTER_TOT"
SECURE_COOKIES_ENV = "GMSD_PORTAL_SECURE_COOKIES"

DEFAULT_MAX_MB = 200
DEFAULT_OPEN_HALF_YEARS = 4  # two years: a periode becomes definitief a year after it ends


def parse_moment(text: str | None, *, end: bool = False) -> datetime | None:
    """'2025-07-01' or '2025-07-01T09:00' (Dutch time) → aware datetime; a bare date as end means end of that day."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    try:
        if "T" in text or " " in text:
            moment = datetime.fromisoformat(text)
        else:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.max if end else time.min)
    except ValueError as exc:
        raise ValueError(f"'{text}' is geen geldige datum; gebruik JJJJ-MM-DD of JJJJ-MM-DDTUU:MM.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=TIMEZONE)


def _truthy(value: str | None) -> bool:
    return str(value or "").strip().lower() in ("1", "ja", "true", "yes", "on")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class PortalConfig:
    home: Home
    max_upload_bytes: int = DEFAULT_MAX_MB * 1024 * 1024  # per file
    window_start: datetime | None = None  # deliveries accepted from ...
    window_end: datetime | None = None  # ... up to and including
    open_half_years: int = DEFAULT_OPEN_HALF_YEARS  # completed half-years a gemeente can (re)deliver
    secure_cookies: bool = False  # set behind TLS: cookie gets Secure and the __Host- prefix
    account_threshold: int = 5  # failed log-ins per account before a lock-out
    client_threshold: int = 20  # failed log-ins per client address before a lock-out
    lock_base_seconds: float = 30.0  # first lock-out; doubles with every further failure
    lock_max_seconds: float = 15 * 60.0
    failure_memory_seconds: float = 3600.0  # failures older than this are forgotten
    session_idle_seconds: int = 30 * 60
    session_max_seconds: int = 12 * 3600
    clock: Callable[[], datetime] = field(default=_utc_now, compare=False)  # aware "now"

    @property
    def max_request_bytes(self) -> int:
        """Three files (one per domein) plus the form fields."""
        return 3 * self.max_upload_bytes + 1024 * 1024

    @property
    def max_mb(self) -> float:
        return self.max_upload_bytes / 1024 / 1024

    @property
    def db_path(self) -> Path:
        return self.home.root / "portal.sqlite3"

    @property
    def staging(self) -> Path:
        """Uploads that passed every check wait here (same file system as the inbox) for the intake."""
        return self.home.root / "portal" / "staging"

    @property
    def cookie_name(self) -> str:
        return "__Host-gmsd_sessie" if self.secure_cookies else "gmsd_sessie"

    def today(self) -> date:
        """Today in Dutch local time."""
        return self.clock().astimezone(TIMEZONE).date()

    @property
    def has_window(self) -> bool:
        return self.window_start is not None or self.window_end is not None

    def window_open(self, now: datetime | None = None) -> bool:
        now = now or self.clock()
        if self.window_start and now < self.window_start:
            return False
        if self.window_end and now > self.window_end:
            return False
        return True

    def window_text(self) -> str:
        start = fmt_local_datetime(self.window_start) if self.window_start else "—"
        end = fmt_local_datetime(self.window_end) if self.window_end else "—"
        return f"van {start} tot en met {end}"

    @classmethod
    def from_environment(cls, home: Home, **overrides) -> PortalConfig:
        values: dict = {}
        if os.environ.get(MAX_MB_ENV):
            values["max_upload_bytes"] = int(float(os.environ[MAX_MB_ENV]) * 1024 * 1024)
        values["window_start"] = parse_moment(os.environ.get(WINDOW_START_ENV))
        values["window_end"] = parse_moment(os.environ.get(WINDOW_END_ENV), end=True)
        values["secure_cookies"] = _truthy(os.environ.get(SECURE_COOKIES_ENV))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(home=home, **values)
