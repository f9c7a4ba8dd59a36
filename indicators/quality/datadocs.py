"""Great Expectations Data Docs made fit to publish: offline, in Dutch, without unused assets.

Stock Data Docs load Bootstrap, jQuery, Vega, Font Awesome and logos from CDNs, so offline they
show unstyled and, on the index page, empty (its tables are filled by JavaScript). GX also copies
about 4 MB of fonts, logos and animated GIFs that no page uses. After GX has built the docs:

- every external <link>, <script>, <img> and `url(http…)` is removed, the (jQuery-dependent)
  inline scripts and the filter buttons that needed them go too, links to outside sites are
  reduced to their text, and a small local stylesheet is injected (`make_offline`);
- GX's English labels are put in Dutch and the pages declare `lang="nl"`;
- every file no page refers to is deleted (`prune_unreferenced`);
- GX's index is replaced by our own Dutch, script-free index that links to the suite and
  validation pages (`write_index`), so `<docs_dir>/index.html` is the entry point the site links.

No page under the docs folder makes an outside request afterwards (`external_references` checks it).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from vocabulary.formatting import TIMEZONE, fmt_datetime, fmt_int
from vocabulary.periode import sort_key

TEMPLATE_DIR = Path(__file__).with_name("templates")
OFFLINE_CSS = TEMPLATE_DIR / "kwaliteit.css"
PAGE_SUFFIXES = (".html", ".htm")

_EXTERNAL = r"""["']?\s*(?:https?:)?//"""
_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*" + _EXTERNAL + r"[^>]*>", re.I)
_EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*" + _EXTERNAL + r"[^>]*>\s*</script>", re.I)
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.I | re.S)
_EXTERNAL_IMG = re.compile(r"<img\b[^>]*\bsrc\s*=\s*" + _EXTERNAL + r"[^>]*>", re.I)
_EXTERNAL_ANCHOR = re.compile(r"<a\b[^>]*\bhref\s*=\s*" + _EXTERNAL + r"[^>]*>(.*?)</a>", re.I | re.S)
_EXTERNAL_URL = re.compile(r"url\(\s*" + _EXTERNAL + r"[^)]*\)", re.I)
_EXTERNAL_IMPORT = re.compile(r"@import\s+(?:url\()?\s*" + _EXTERNAL + r"[^;]*;", re.I)
_FOOTER = re.compile(r"<footer\b.*?</footer>", re.I | re.S)
_ANY_EXTERNAL_ATTR = re.compile(r"""\b(src|href|srcset|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*["']?""", re.I)
_EVENT_HANDLER = re.compile(r"""\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*')""", re.I)
_REFERENCE = re.compile(
    r"""(?:<(?:link|script|img|iframe|source|embed|object|a)\b[^>]*\b(?:src|href|srcset|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+["']?(?:url\()?\s*["']?(?:https?:)?//)""",
    re.I,
)
_LOCAL_REFERENCE = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']([^"'#?]+)|url\(\s*["']?([^"')#?]+))""", re.I)
_TITLE = re.compile(r"<title>.*?</title>", re.I | re.S)
_HTML_TAG = re.compile(r"<html(?![^>]*\blang=)([^>]*)>", re.I)
_ICON = re.compile(r"<link\b[^>]*\brel\s*=\s*[\"'][^\"']*icon[^>]*>", re.I)  # GX gets the depth wrong on deep pages

# GX's interface text (whole text nodes) in Dutch.
DUTCH = {
    "Home": "Datakwaliteit",
    "Overview": "Overzicht",
    "Status": "Uitkomst",
    "Status:": "Uitkomst:",
    "Expectation": "Controle",
    "Observed Value": "Gevonden",
    "Table-Level Expectations": "Controles op de hele tabel",
    "Expectation Validation Result": "Uitkomst van de controle",
    "Evaluates whether a batch of data matches expectations.": "Of de gepubliceerde tabel aan alle controles voldoet.",
    "Expectation Suite:": "Controleset:",
    "Expectation Suite": "Controleset",
    "Succeeded": "Geslaagd",
    "Failed": "Mislukt",
    "Statistics": "Telling",
    "Evaluated Expectations": "Uitgevoerde controles",
    "Successful Expectations": "Geslaagde controles",
    "Unsuccessful Expectations": "Mislukte controles",
    "Success Percent": "Percentage geslaagd",
    "Show more info...": "Meer technische gegevens…",
    "Info": "Gegevens",
    "Run Name": "Naam van de run",
    "Run Time": "Tijdstip (UTC)",
    "Table of Contents": "Inhoud",
    "Data asset: None": "",
    "Expectation Suite Overview": "Overzicht van de controleset",
    "Expectations": "Controles",
    "Notes": "Toelichting",
    "Great Expectations Version": "Versie van Great Expectations",
    "Batch Markers": "Kenmerken van de batch",
    "Batch Parameters": "Parameters van de batch",
    "Batch Spec": "Beschrijving van de batch",
}
_TEXT_NODE = re.compile(r">(\s*)([^<>]+?)(\s*)<")
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)% (unexpected|not null)")


def _dutch_text(match: re.Match) -> str:
    text = match.group(2)
    text = DUTCH.get(text, text)
    text = _PERCENT.sub(lambda m: f"{m.group(1).replace('.', ',')}% {'onverwacht' if m.group(2) == 'unexpected' else 'gevuld'}", text)
    return f">{match.group(1)}{text}{match.group(3)}<"


def _without_block(text: str, marker: str) -> str:
    """Remove the <div class="card…"> that holds `marker` (GX's filter buttons need its removed JavaScript)."""
    at = text.find(marker)
    if at < 0:
        return text
    cards = [m.start() for m in re.finditer(r'<div class="card[\s"]', text[:at])]
    if not cards:
        return text
    start = cards[-1]
    depth, position = 0, start
    for tag in re.finditer(r"<(/?)div\b[^>]*>", text[start:], re.I):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            position = start + tag.end()
            return text[:start] + text[position:]
    return text


def _clean_html(text: str, css: str) -> str:
    text = _EXTERNAL_LINK.sub("", text)
    text = _EXTERNAL_SCRIPT.sub("", text)
    # Inline scripts only drive jQuery/Bootstrap widgets that are gone offline; the content is static HTML.
    text = _INLINE_SCRIPT.sub("", text)
    text = _without_block(text, "<strong>Actions</strong>")
    text = _EVENT_HANDLER.sub("", text)
    text = _EXTERNAL_IMG.sub("", text)
    text = _FOOTER.sub("", text)  # GX newsletter call to action
    text = _EXTERNAL_ANCHOR.sub(lambda m: m.group(1), text)
    text = _EXTERNAL_IMPORT.sub("", text)
    text = _EXTERNAL_URL.sub("none", text)
    text = _ANY_EXTERNAL_ATTR.sub("", text)  # anything left over (defensive)
    text = _ICON.sub("", text)
    text = _TITLE.sub("<title>Datakwaliteit – gmsd</title>", text, count=1)
    text = _HTML_TAG.sub(r'<html lang="nl"\1>', text, count=1)
    text = _TEXT_NODE.sub(_dutch_text, text)
    style = f'<link rel="icon" href="data:,">\n<style>/* gmsd: lokale opmaak, geen CDN */\n{css}</style>\n'
    return text.replace("</head>", style + "</head>", 1) if "</head>" in text else style + text


def make_offline(docs_dir: Path) -> None:
    """Strip every outside reference from the Data Docs under `docs_dir`, in Dutch, with local styling."""
    css = OFFLINE_CSS.read_text(encoding="utf-8")
    for path in docs_dir.rglob("*"):
        if path.suffix.lower() in PAGE_SUFFIXES:
            path.write_text(_clean_html(path.read_text(encoding="utf-8"), css), encoding="utf-8")
        elif path.suffix.lower() == ".css":
            text = path.read_text(encoding="utf-8")
            path.write_text(_EXTERNAL_URL.sub("none", _EXTERNAL_IMPORT.sub("", text)), encoding="utf-8")


def prune_unreferenced(docs_dir: Path) -> list[Path]:
    """Delete every file that is not a page and that no page or stylesheet refers to; returns them.

    GX copies fonts, logos and GIFs (about 4 MB) that the cleaned pages no longer use.
    """
    referenced: set[Path] = set()
    for path in docs_dir.rglob("*"):
        if path.suffix.lower() in (*PAGE_SUFFIXES, ".css"):
            for match in _LOCAL_REFERENCE.finditer(path.read_text(encoding="utf-8", errors="replace")):
                target = match.group(1) or match.group(2)
                if target and not re.match(r"^[a-z]+:", target, re.I):
                    referenced.add((path.parent / target.strip()).resolve())
    removed = []
    for path in sorted(docs_dir.rglob("*")):
        if path.is_file() and path.suffix.lower() not in PAGE_SUFFIXES and path.resolve() not in referenced:
            path.unlink()
            removed.append(path)
    for folder in sorted((p for p in docs_dir.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return removed


def external_references(docs_dir: Path) -> list[str]:
    """'file: snippet' for each reference a browser would fetch from outside (should be empty)."""
    found = []
    for path in sorted(docs_dir.rglob("*")):
        if path.suffix.lower() in (*PAGE_SUFFIXES, ".css", ".js", ".svg"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in _REFERENCE.finditer(text):
                found.append(f"{path.relative_to(docs_dir)}: {text[match.start():match.end() + 60]}")
    return found


NO_RUN_NAME = "__none__"  # the run name GX gives a validation run without one


def write_index(docs_dir: Path, sections: list[dict], success: bool) -> Path:
    """Our Dutch index of the checked tables. Each section: table, omschrijving, rijen, results."""
    for section in sections:
        # GX's pages: validations/<table>/<run name>/<time>/…html; a table checked per periode has
        # the periode as run name (one page each), a table checked whole has none (`__none__`).
        pages = {}
        for page in sorted((docs_dir / "validations" / section["table"]).rglob("*.html")):
            pages[page.relative_to(docs_dir / "validations" / section["table"]).parts[0]] = page.relative_to(docs_dir).as_posix()
        whole = pages.pop(NO_RUN_NAME, None)
        suite_page = docs_dir / "expectations" / f"{section['table']}.html"
        section.update(
            rijen=fmt_int(section["rijen"]),
            success=all(r["success"] for r in section["results"]),
            mislukt=sum(not r["success"] for r in section["results"]),
            validatie=whole,
            per_periode=[(periode, pages[periode]) for periode in sorted(pages, key=sort_key)],
            suite=suite_page.relative_to(docs_dir).as_posix() if suite_page.exists() else None,
        )
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html", "j2"]))
    page = env.get_template("kwaliteit_index.html.j2").render(
        success=success,
        sections=sections,
        css=OFFLINE_CSS.read_text(encoding="utf-8"),
        gemaakt=fmt_datetime(datetime.now(TIMEZONE)),
    )
    index = docs_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
