"""Screenshots of the site for the documentation, desktop (1100 px) and phone (390 px), in docs/screenshots/.

    uv run python -m tests.browser.make_screenshots [WAREHOUSE]

Builds the site from WAREHOUSE (a warehouse.duckdb, read-only) into a temporary folder, or, without
one, from the national-sized test tables (every gemeente on the map), and photographs the home page,
a gemeente page (its groups and map, its comparison with chosen gemeenten, a block with its chart, the
counts per 1.000 inwoners), an indicator page and the releases page in headless system Chromium
(never downloaded).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from dashboards.site import build_site
from indicators.export import published_tables
from tests.fixtures.chromium import CHROMIUM, DRAWN, FLAGS
from tests.fixtures.published import RELEASES, REVISIONS, national_tables

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "docs" / "screenshots"
GEMEENTE = "GM0358"
CHOSEN = "GM0358,GM0362,GM0363,GM0384,GM0394"

SHOTS = [  # name, path, element to scroll to (None: top), full page
    ("home", "index.html", None),
    ("gemeente-kaart", f"gemeente/{GEMEENTE}.html", "#groepen-kop"),
    ("gemeente-vergelijking", f"gemeente/{GEMEENTE}.html?vergelijk={CHOSEN}&indicator=wmo_per_1000", "#vergelijk-kop"),
    ("gemeente-blok", f"gemeente/{GEMEENTE}.html", "#wmo_per_1000"),
    ("gemeente-aantallen", f"gemeente/{GEMEENTE}.html", "#instroom"),
    ("indicator", "indicator/wmo_per_1000.html", None),
    ("indicator-gemeenten", "indicator/wmo_per_1000.html", "[data-grafiek=verdeling]"),
    ("releases", "releases.html", None),
]


def _tables(argv: list[str]) -> dict:
    if argv and Path(argv[0]).is_file():
        return published_tables(Path(argv[0]))
    return {**national_tables(), "releases": RELEASES, "revisies": REVISIONS}


def main(argv: list[str]) -> int:
    if not CHROMIUM:
        print("Chromium ontbreekt (apt-get install -y chromium).", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        summary = build_site(_tables(argv), Path(folder) / "site")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for width, suffix in ((1100, ""), (390, "-390")):
                context = browser.new_context(viewport={"width": width, "height": 1200 if width > 500 else 844},
                                              device_scale_factor=1 if width > 500 else 2, is_mobile=width < 500)
                page = context.new_page()
                for name, path, anchor in SHOTS:
                    page.goto(summary.out_dir.joinpath(path.split("?")[0]).as_uri() + ("?" + path.split("?")[1] if "?" in path else ""))
                    page.wait_for_load_state("load")
                    charts = page.locator("[data-grafiek], .vergelijk").count()
                    if charts:  # every chart drawn: a Plotly chart with traces, or the SVG map
                        page.wait_for_function(f"({DRAWN}) >= {charts}", timeout=30_000)
                    if anchor:
                        page.evaluate(f"() => document.querySelector('{anchor}').scrollIntoView()")
                    page.wait_for_timeout(400)
                    page.screenshot(path=str(TARGET / f"{name}{suffix}.png"))
                context.close()
            browser.close()
    print(f"Geschreven: {len(SHOTS) * 2} schermafdrukken in {TARGET}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
