"""Show values in reports without revealing who they are about.

Reports go back to the gemeente and sit in the operator's home folder; the spec allows a masked BSN
(`*****6782`) and nothing more. Postcodes are cut to PC4 (`1234**`), birth dates to the year.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d")


def mask_value(column: str, value: object) -> str:
    text = "" if value is None else str(value)
    if text in ("", "<NA>", "nan", "NaT"):
        return "(leeg)"
    if column.startswith("bsn"):
        return "*" * max(len(text) - 4, 1) + text[-4:] if len(text) > 4 else "*" * len(text)
    if column == "postcode":
        compact = text.replace(" ", "")
        return compact[:4] + "**" if len(compact) >= 4 else "****"
    if column == "geboortedatum":
        year = re.search(r"(19|20)\d{2}", text)
        return (year.group(0) if year else "????") + "-**-**"
    # Any other cell that looks like a BSN (9 digits) is masked too: a BSN in the wrong column.
    if len(_DIGITS.findall(text)) >= 9:
        return "*" * (len(text) - 4) + text[-4:]
    return text[:60]
