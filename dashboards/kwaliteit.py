"""The data-quality pages as part of the site: the Data Docs wrapped in the site's frame, in Dutch.

`indicators.quality` writes the Great Expectations Data Docs into `<home>/kwaliteit/` (its own
Dutch index, GX's suite and validation pages, made offline). Here each page's body is put inside
the site's header, menu and footer, GX's English headings are put into Dutch, and only the HTML
pages are copied: GX's `static/` folder (about 4 MB of fonts, GIFs and logos) is referenced by no
page after the offline clean-up, so it is not shipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from markupsafe import Markup

_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.IGNORECASE | re.DOTALL)
_STYLE = re.compile(r"<style\b.*?</style>", re.IGNORECASE | re.DOTALL)
_NAVIGATION = re.compile(r"<nav\b", re.IGNORECASE)
_MAIN = re.compile(r"</?main\b[^>]*>", re.IGNORECASE)
_FOOTER_TAG = re.compile(r"<footer\b.*?</footer>", re.IGNORECASE | re.DOTALL)

# What GX writes in English on its pages, and what a Dutch reader sees instead.
DUTCH = {
    "Great Expectations Version": "Versie van Great Expectations",
    "Great Expectations": "Great Expectations",  # the product's name, not "Great Controles"
    "Batch Parameters": "Parameters van de gegevens",
    "Data asset": "Gegevensbron",
    "Expectation Validation Result": "Resultaat van de controle",
    "Evaluates whether a batch of data matches expectations.": "Controleert of de gegevens aan de verwachtingen voldoen.",
    "Table of Contents": "Inhoud",
    "Unsuccessful Expectations": "Mislukte controles",
    "Successful Expectations": "Geslaagde controles",
    "Evaluated Expectations": "Uitgevoerde controles",
    "Success Percent": "Percentage geslaagd",
    "Observed Value": "Gevonden waarde",
    "Expectation Suite:": "Verzameling controles:",
    "Expectation Suite": "Verzameling controles",
    "Table-Level Expectations": "Controles op de hele tabel",
    "Expectation": "Controle",
    "Overview": "Overzicht",
    "Statistics": "Statistiek",
    "Run Name": "Naam van de run",
    "Run Time": "Tijdstip",
    "Batch Markers": "Kenmerken van de gegevens",
    "Batch Spec": "Gegevensbron",
    "Status:": "Status:",
    "Succeeded": "Geslaagd",
    "Failed": "Mislukt",
    "Validations": "Controles",
    "Expectation Suites": "Verzamelingen controles",
    "Show more info...": "Meer informatie",
    "unexpected": "onverwacht",
    "not null": "niet leeg",
}
_ENGLISH = re.compile("|".join(re.escape(k) for k in sorted(DUTCH, key=len, reverse=True)))


def _dutch_text(html: str) -> str:
    """Translate GX's fixed English phrases in text nodes only (never inside tags or attributes)."""
    parts = re.split(r"(<[^>]+>)", html)
    return "".join(part if part.startswith("<") else _ENGLISH.sub(lambda m: DUTCH[m.group(0)], part) for part in parts)


def body_of(html: str) -> tuple[str, Markup]:
    """(title, cleaned body) of a Data Docs page: no scripts, no styles, no own landmarks."""
    title_match = _TITLE.search(html)
    title = re.sub(r"\s+", " ", title_match.group(1)).strip() if title_match else "Datakwaliteit"
    match = _BODY.search(html)
    body = match.group(1) if match else html
    body = _SCRIPT.sub("", body)
    body = _STYLE.sub("", body)
    body = _FOOTER_TAG.sub("", body)
    body = _MAIN.sub("", body)  # the site frame has the one <main>
    body = _NAVIGATION.sub('<nav aria-label="Navigatie van het kwaliteitsrapport"', body)
    return _dutch_text(title).replace(" – gmsd", ""), Markup(_dutch_text(body))


def copy_wrapped(source: Path, target: Path, write: Callable[[str, str, Markup], None]) -> list[str]:
    """Wrap every HTML page under `source` and write it at the same place under `target` via
    `write(relative_path, title, body)`; returns the relative paths. Nothing else is copied."""
    source = Path(source)
    if not (source / "index.html").is_file():
        raise ValueError(f"De map met kwaliteitsrapporten heeft geen index.html: {source}.")
    written = []
    for page in sorted(source.rglob("*.html")):
        relative = page.relative_to(source)
        if relative.parts[0] == "static":
            continue
        title, body = body_of(page.read_text(encoding="utf-8", errors="replace"))
        write((Path(target.name) / relative).as_posix(), title, body)
        written.append(relative.as_posix())
    return written
