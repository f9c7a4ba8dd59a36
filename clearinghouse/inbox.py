"""The inbox folder: `inbox/<gemeentecode>/<periode>/` holds one delivery with its manifest."""

from __future__ import annotations

import re
from pathlib import Path

from clearinghouse.manifest import find_manifest
from vocabulary.periode import HALFJAAR_PATTERN

_GEMEENTE = re.compile(r"^GM\d{4}$")
_PERIODE = re.compile(HALFJAAR_PATTERN)


def scan_inbox(inbox: Path) -> dict[str, float]:
    """'GMxxxx/periode' → latest modification time of anything in the delivery folder."""
    found: dict[str, float] = {}
    if not inbox.is_dir():
        return found
    for gemeente in sorted(inbox.iterdir()):
        if not (gemeente.is_dir() and _GEMEENTE.match(gemeente.name)):
            continue
        for periode in sorted(gemeente.iterdir()):
            if not (periode.is_dir() and _PERIODE.match(periode.name)) or find_manifest(periode) is None:
                continue
            found[f"{gemeente.name}/{periode.name}"] = max(p.stat().st_mtime for p in periode.iterdir())
    return found
