"""Checks on an uploaded file before anything is written: its name, its type, its first and last bytes.

A name with a folder in it, odd characters, another gemeente's code, an extension the intake does
not read, or content that does not match the extension (a renamed PDF or ZIP) is refused here, so
the intake only ever sees files that could be what they claim to be. The rules of the contents
themselves are the intake's (clearinghouse), and `gmsd check` runs the same ones locally.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

from portal import refusal
from portal.refusal import Refusal

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.()+\-]{0,149}$")
GM_IN_NAME = re.compile(r"GM\d{4}", re.IGNORECASE)

SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"PAR1", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"\x7fELF", b"MZ", b"\x89PNG", b"\xff\xd8\xff", b"BZh", b"7z\xbc\xaf")


def check_file_name(name: str, *, gemeente_code: str) -> str:
    """The file name as it will be stored, or a Refusal (path parts, odd characters, other gemeente, type)."""
    if any(part in name for part in ("/", "\\", "\x00")) or ".." in name or name in (".", ""):
        raise Refusal(
            refusal.PATH_IN_NAME,
            f"De bestandsnaam '{name[:80]}' bevat een map of '..'. Lever alleen een bestandsnaam aan, zonder map.",
            details=name[:200],
        )
    if not NAME_RE.match(name):
        raise Refusal(
            refusal.BAD_NAME,
            f"De bestandsnaam '{name[:80]}' bevat tekens die niet zijn toegestaan. Gebruik letters, cijfers, spatie, '-', '_' en '.'.",
            details=name[:200],
        )
    other = {code.upper() for code in GM_IN_NAME.findall(name)} - {gemeente_code}
    if other:
        raise Refusal(
            refusal.OTHER_GEMEENTE,
            f"De bestandsnaam '{name}' noemt een andere gemeente ({', '.join(sorted(other))}). "
            f"U levert alleen gegevens van {gemeente_code} aan.",
            details=name,
            status=403,
        )
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise Refusal(
            refusal.UNKNOWN_CONTENT,
            f"{name}: dit bestandstype wordt niet aangenomen. Lever CSV (.csv), Excel (.xlsx) of Parquet (.parquet) aan.",
            details=name,
        )
    return name


def check_content(name: str, head: bytes, tail: bytes) -> None:
    """Magic bytes must match the extension (a renamed PDF or ZIP is refused before the intake sees it)."""
    kind = SUFFIXES[Path(name).suffix.lower()]
    ok = {
        "xlsx": head.startswith(b"PK\x03\x04"),
        "parquet": head.startswith(b"PAR1") and tail.endswith(b"PAR1"),
        "csv": not head.startswith(BINARY_MAGIC)
        and (head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head),  # UTF-16: the intake explains it
    }[kind]
    if not ok:
        expected = {"xlsx": "een Excel-werkmap (.xlsx)", "parquet": "een Parquet-bestand", "csv": "een tekstbestand (CSV)"}[kind]
        raise Refusal(
            refusal.UNKNOWN_CONTENT,
            f"{name}: de inhoud is geen {expected}, terwijl de extensie dat wel zegt. "
            "Sla het bestand opnieuw op in het juiste formaat.",
            details=f"{name}: kop {head[:8].hex()}",
        )


def check_size_and_content(name: str, stream: BinaryIO, size: int, max_bytes: int) -> None:
    """Refuse a file that is too large or empty, or whose first and last bytes do not fit its extension."""
    if size > max_bytes:
        raise Refusal(refusal.TOO_LARGE, f"{name} is {size / 1024 / 1024:.1f} MB; het maximum is {max_bytes / 1024 / 1024:g} MB per bestand.",
                      details=f"{name}: {size} bytes", status=413)
    if size == 0:
        raise Refusal(refusal.UNKNOWN_CONTENT, f"{name} is leeg. Kies het juiste bestand.", details=name)
    stream.seek(0)
    head = stream.read(64 * 1024)
    stream.seek(max(size - 8, 0))
    tail = stream.read(8)
    stream.seek(0)
    check_content(name, head, tail)
