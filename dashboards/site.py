"""The static dashboard site: the published tables in, a folder of Dutch HTML out, swapped in atomically.

`build_site` is the one entry point (the `out_site` asset, the CLI and the tests call it). It
takes the published tables as DataFrames, keyed by their name in the `publish` schema:
`indicatoren` and `benchmark` are required; `peergroepen`, `releases`, `revisies` and
`indicatoren_catalogus` are used when present. Plus a downloads folder and the quality docs folder.

Why a static site: the published figures change once per release, readers (raadsleden, the public)
need no login, and a folder of files can be put on any web server or opened from disk. Everything
a page needs is in the folder (no CDN, no web fonts, no outside request), so it works offline;
the charts are drawn in the browser by the vendored Plotly.js from small JSON specs.

The site is built in a temporary folder beside `out_dir` and swapped into place
(`vocabulary.files.replaced_folder`): a failure at any point leaves the previous site as it was.
See docs/site.md for the pages and their contents.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from clearinghouse.ownership import die_with_parent
from contracts import CONTRACT_VERSION, dictionary
from dashboards import kaart, kwaliteit
from dashboards.data import InputError, SiteData
from dashboards.downloads import copy_downloads
from dashboards.pages import factsheet, gemeente, home, indicator, releases, wijken
from dashboards.render import PLOTLY_SCRIPTS, Writer
from indicators.catalogus import load_catalogue
from vocabulary.collector import frozen, paused
from vocabulary.files import replaced_folder
from vocabulary.formatting import TIMEZONE, fmt_datetime

HERE = Path(__file__).parent
STATIC = HERE / "static"
ASSETS = ("site.js", "grafiek.js", "grafiek-plotly.js", "grafiek-kaart.js", "vergelijk.js", "favicon.svg")
STYLESHEETS = ("nlds/skip-link.css", "nlds/link.css", "nlds/data-badge.css", "style.css")
WORKERS = max(1, min(4, os.cpu_count() or 1))  # processes for the gemeente pages
MIN_FOR_WORKERS = 40  # below this many gemeenten starting processes costs more than it saves
VENDOR = STATIC / "vendor"  # Plotly.js, copied unchanged from the npm registry (vendor/README.md)

__all__ = ["InputError", "SiteSummary", "build_site"]


@dataclass
class SiteSummary:
    """What was published: the pages (final paths), the gemeenten covered, the folder and its index."""

    pages: list[Path]
    gemeenten: list[str]
    out_dir: Path
    index: Path


def _release_label(data: SiteData, table: pd.DataFrame | None) -> tuple[str, str]:
    """(release, status) of the figures shown: the releases in publish.indicatoren and their status."""
    label = ", ".join(data.releases_shown) or "concept"
    status = ", ".join(data.statuses)
    if table is not None and len(table) and {"release_id", "status"} <= set(table.columns):
        shown = table[table["release_id"].astype(str).isin(data.releases_shown)]
        if len(shown):
            status = ", ".join(sorted(set(shown["status"].dropna().astype(str))))
    return label, status


def plotly_locale_script() -> str:
    """plotly.js-locales' nl.js (a CommonJS module) as a browser script that registers it with Plotly."""
    module = (VENDOR / "plotly-locale-nl.js").read_text(encoding="utf-8")
    return ("/* plotly.js-locales nl.js (MIT, Plotly, Inc.; see vendor/README.md), registered with Plotly. */\n"
            "(function () {\nvar module = { exports: {} };\n" + module + "\nwindow.Plotly.register(module.exports);\n})();\n")


def _write_assets(data: SiteData, target: Path) -> None:
    for asset in ASSETS:
        shutil.copyfile(STATIC / asset, target / asset)
    plotly, locale = PLOTLY_SCRIPTS
    shutil.copyfile(VENDOR / plotly, target / plotly)
    (target / locale).write_text(plotly_locale_script(), encoding="utf-8")
    css = "\n".join((STATIC / name).read_text(encoding="utf-8") for name in STYLESHEETS)
    (target / "style.css").write_text(css, encoding="utf-8")
    (target / "kaart.js").write_text(kaart.script(), encoding="utf-8")
    (target / "zoekindex.js").write_text(home.search_index(data), encoding="utf-8")
    (target / "data").mkdir()
    for view in data.views:
        (target / "data" / f"{view.id}.js").write_text(indicator.data_script(data, view), encoding="utf-8")


def _render(data: SiteData, tables: Mapping[str, pd.DataFrame], target: Path, *, generated_at: datetime,
            downloads: Path | None, quality_docs: Path | None, link_downloads: bool = False) -> list[Path]:
    """Write every page into `target`; returns them in a fixed order (the other pages, then the gemeente pages by share)."""
    release, status = _release_label(data, tables.get("releases"))
    writer = Writer(target, {
        "release": release,
        "status": status,
        "generated": fmt_datetime(generated_at),
        "generated_iso": generated_at.isoformat(timespec="minutes"),
        "latest": data.latest,
        "totaal_label": data.totaal_label(),
        "aantal_gemeenten": len(data.codes),
        "has_quality": quality_docs is not None,
        "kaart_bron": kaart.CREDIT,
    })
    shares = [data.codes[i::WORKERS] for i in range(WORKERS)] if len(data.codes) >= MIN_FOR_WORKERS else [data.codes]
    if len(shares) == 1:
        _site_pages(data, tables, writer, downloads=downloads, quality_docs=quality_docs, link_downloads=link_downloads)
        writer.pages.extend(_gemeente_pages(data.codes, writer, data))
        return writer.pages
    # The gemeente pages are most of a national build; the data are read-only, so forked workers
    # share them (through this module, not pickled) and each writes its own pages. They start
    # first, and this process writes the other pages meanwhile: on two cores nothing waits.
    for name in GEMEENTE_TEMPLATES:
        writer.env.get_template(name)  # compiled once here, not once per worker
    _FORKED["writer"], _FORKED["data"] = writer, data
    try:
        with ProcessPoolExecutor(max_workers=len(shares), mp_context=multiprocessing.get_context("fork"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            started = [pool.submit(_gemeente_pages, share) for share in shares]
            _site_pages(data, tables, writer, downloads=downloads, quality_docs=quality_docs, link_downloads=link_downloads)
            for future in started:
                writer.pages.extend(future.result())
    finally:
        _FORKED.clear()
    return writer.pages


def _site_pages(data: SiteData, tables: Mapping[str, pd.DataFrame], writer: Writer, *, downloads: Path | None,
                quality_docs: Path | None, link_downloads: bool = False) -> None:
    """Everything but the gemeente pages: assets, downloads, quality docs, home, indicator, group and release pages."""
    target = writer.target
    _write_assets(data, target)
    files, archive = copy_downloads(downloads, target, link=link_downloads)
    if quality_docs is not None:
        kwaliteit.copy_wrapped(Path(quality_docs), target / "kwaliteit", lambda relative, title, body: writer.write(
            relative, "kwaliteit.html.j2", title=title, body=body))

    page, specs = home.context(data)
    writer.write("index.html", "index.html.j2", title="Home", specs=specs, **page)
    writer.write("gemeente/index.html", "gemeenten.html.j2", title="Alle gemeenten",
                 gemeenten=[{"code": c, "naam": data.names[c]} for c in data.by_name])
    writer.write("zoeken.html", "zoeken.html.j2", title="Zoeken", gemeenten=[{"code": c, "naam": data.names[c]} for c in data.by_name],
                 domeinen=home.domeinen(data))
    writer.write("vergelijk.html", "vergelijk.html.j2", title="Vergelijk gemeenten", specs={}, vergelijker=True,
                 gemeenten=[{"code": c, "naam": data.names[c]} for c in data.by_name], views=data.views,
                 standaard_indicator=next((v.id for v in data.views if not v.is_count), data.views[0].id))
    writer.write("over-de-cijfers.html", "over-de-cijfers.html.j2", title="Over de cijfers")
    writer.write("releases.html", "releases.html.j2", title="Releases",
                 **releases.context(data, tables.get("releases"), tables.get("revisies"), archive))
    writer.write("downloads.html", "downloads.html.j2", title="Downloads", bestanden=files, archief=bool(archive))
    writer.write("datakwaliteit.html", "datakwaliteit.html.j2", title="Datakwaliteit")
    writer.write("gegevenswoordenboek.html", "gegevenswoordenboek.html.j2", title="Gegevenswoordenboek",
                 versie=CONTRACT_VERSION, intro=dictionary.INTRO, bestanden=dictionary.FILES, oordelen=dictionary.VERDICTS,
                 domeinen=dictionary.sections(), codelijsten=dictionary.code_lists())
    for groep in gemeente.long_groups(data):
        writer.write(groep.pop("file"), "groep.html.j2", title=groep["naam"], **groep)
    for view in data.views:
        page, specs = indicator.context(data, view)
        writer.write(f"indicator/{view.id}.html", "indicator.html.j2", title=view.titel, specs=specs, **page)


_FORKED: dict = {}  # what forked page workers inherit from the building process
GEMEENTE_TEMPLATES = ("gemeente.html.j2", "factsheet.html.j2", "wijken.html.j2", "base.html.j2", "_macros.html.j2", "_groepen.html.j2")


def _gemeente_pages(codes: list[str], writer: Writer | None = None, data: SiteData | None = None) -> list[Path]:
    """Every page of these gemeenten: the gemeente page, its factsheet and its wijken."""
    writer = writer or _FORKED["writer"]
    data = data or _FORKED["data"]
    before = len(writer.pages)
    for code in codes:
        kern = gemeente.kern_by_block(data, code)  # the same key figures on the gemeente page and the factsheet
        page, specs = gemeente.context(data, code, kern=kern)
        writer.write(f"gemeente/{code}.html", "gemeente.html.j2", title=data.names[code], specs=specs, vergelijker=True, **page)
        writer.write(f"gemeente/{code}-factsheet.html", "factsheet.html.j2", title=f"Factsheet {data.names[code]}",
                     **factsheet.context(data, code, kern=kern))
        wijk_page = wijken.context(data, code)
        if wijk_page is not None:
            writer.write(f"wijken/{code}.html", "wijken.html.j2", title=f"Wijken van {data.names[code]}", **wijk_page)
    return writer.pages[before:]


def build_site(
    tables: Mapping[str, pd.DataFrame],
    out_dir: Path,
    *,
    downloads: Path | None = None,
    quality_docs: Path | None = None,
    catalogue=None,
    generated_at: datetime | None = None,
    before_pages: Callable[[], object] | None = None,
    link_downloads: bool = False,
) -> SiteSummary:
    """Build the site for the published `tables` into `out_dir`, atomically.

    `tables`: {"indicatoren": publish.indicatoren, "benchmark": publish.benchmark, and optionally
    "peergroepen", "releases", "revisies", "indicatoren_catalogus"}; `downloads`: a folder whose
    files are offered on downloads.html and whose sub-folders (named after a release) are that
    release's archive; `quality_docs`: the Data Docs folder (with index.html), wrapped into
    kwaliteit/. `before_pages` is called once the tables are read, before the first page is
    written: the pipeline exports the downloads meanwhile and waits for them there.
    `link_downloads`: the downloads are hard-linked into the site, not copied (only for a folder
    whose files are never written again, as the pipeline's own export folder). Raises
    InputError (a ValueError, Dutch message) when there is nothing to publish or a table is
    unusable; the old site then stays.
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    with paused():  # ~300,000 lookups without cycles: no collector passes over them while they are made
        data = SiteData(dict(tables), catalogue)
    # The pages read the figures and the benchmark through `data` only: the frames go (with 13
    # periodes published some 250 MB), before the page workers are forked.
    tables = {name: tables[name] for name in ("releases", "revisies") if name in tables}
    if before_pages is not None:
        before_pages()
    generated_at = generated_at or datetime.now(TIMEZONE)
    out_dir = Path(out_dir)
    with replaced_folder(out_dir) as target, frozen():
        pages = _render(data, tables, target, generated_at=generated_at, downloads=downloads, quality_docs=quality_docs,
                        link_downloads=link_downloads)
        relative = [page.relative_to(target) for page in pages]
    return SiteSummary(pages=[out_dir / r for r in relative], gemeenten=data.codes, out_dir=out_dir, index=out_dir / "index.html")
