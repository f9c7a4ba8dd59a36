"""Screenshots of the site for the documentation: docs/screenshots/home.png and gemeente.png.

    uv run python -m tests.browser.make_screenshots [WAREHOUSE]

Builds the site from WAREHOUSE (a warehouse.duckdb, read-only; default var/warehouse.duckdb) into
a temporary folder — or from the unit-test data when there is no warehouse — and photographs the
home page and the gemeente with the most wijken in headless system Chromium (never downloaded).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from dashboards.site import build_site

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "docs" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _inputs(warehouse: Path) -> tuple[dict, str]:
    if warehouse.is_file():
        import duckdb

        with duckdb.connect(str(warehouse), read_only=True) as con:
            indicatoren = con.sql("FROM publish.indicatoren").df()
            bench = con.sql("FROM publish.benchmark").df()
        release = str(indicatoren["release"].iloc[0]) if "release" in indicatoren else "demo"
        docs = warehouse.parent / "kwaliteit"
        kwargs = dict(benchmark=bench, quality_docs=docs if (docs / "index.html").is_file() else None)
        return dict(indicatoren=indicatoren, release=release, **kwargs), "gemeente"
    from tests.unit.test_site import RELEASES, REVISIONS, benchmark_table, indicatoren

    df = indicatoren()
    return dict(indicatoren=df, release="2025-09", benchmark=benchmark_table(df), releases=RELEASES,
                revisions=REVISIONS), "gemeente"


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    warehouse = Path(argv[0]) if argv else ROOT / "var" / "warehouse.duckdb"
    chromium = os.environ.get("GMSD_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("Chromium ontbreekt (apt-get install -y chromium).", file=sys.stderr)
        return 1
    inputs, _ = _inputs(warehouse)
    df = inputs.pop("indicatoren")
    wijken = df[df["regio_niveau"] == "wijk"].groupby("gemeente_code")["regio_code"].nunique()
    # A gemeente with a readable number of wijken (the median), for a typical page.
    code = wijken.sort_values().index[len(wijken) // 2] if len(wijken) else sorted(df["gemeente_code"])[0]
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        summary = build_site(df, Path(folder) / "site", **inputs)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
            page = browser.new_page(viewport={"width": 1100, "height": 1300})
            page.goto(summary.index.as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(TARGET / "home.png"))
            page.goto((summary.out_dir / "gemeente" / f"{code}.html").as_uri())
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15_000)
            page.evaluate("() => document.querySelector('h2[id^=domein-]').scrollIntoView()")
            page.wait_for_timeout(500)
            page.screenshot(path=str(TARGET / "gemeente.png"))
            browser.close()
    print(f"Geschreven: {TARGET / 'home.png'} en {TARGET / 'gemeente.png'} (gemeente {code}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
