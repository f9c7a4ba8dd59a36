"""Time the site build for a national release and measure what a reader downloads. Run by hand:

    uv run python benchmarks/site_national.py [--uit /tmp/site-national] [--geen-browser]

Builds national-sized published tables (342 gemeenten, 3,393 wijken, every catalogue indicator,
four periodes; `tests/fixtures/published.national_tables`, benchmark from the production code),
times `build_site`, lists the largest pages, and, in headless system Chromium over HTTP, measures
the transfer of a gemeente page on the first visit (with the 1,2 MB Plotly bundle) and of the next
gemeente page (cache warm), and counts axe-core findings per page type. Prints Markdown for docs/site.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import threading
import time
from collections import Counter
from pathlib import Path

from playwright.sync_api import sync_playwright

from dashboards.serve import make_server
from dashboards.site import build_site
from tests.fixtures.accessibility import axe_findings
from tests.fixtures.chromium import CHROMIUM, FLAGS
from tests.fixtures.published import national_tables

PAGE_TYPES = {
    "home": "index.html",
    "gemeente": "gemeente/GM0363.html",
    "wijken": "wijken/GM0363.html",
    "factsheet": "gemeente/GM0363-factsheet.html",
    "indicator": "indicator/wmo_per_1000.html",
    "vergelijk": "vergelijk.html?gemeenten=GM0363,GM0599,GM0344&indicator=jeugd_pct",
    "releases": "releases.html",
    "zoeken": "zoeken.html?q=berg",
}


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f} kB".replace(",", ".")


def _transfer(page, url: str) -> int:
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    sizes: list[int] = []
    session.on("Network.loadingFinished", lambda event: sizes.append(event["encodedDataLength"]))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("document.querySelector('.js-plotly-plot .main-svg .trace')", timeout=30_000)  # Plotly drew
    session.detach()
    return sum(sizes)


def measure_in_browser(site: Path) -> None:
    server = make_server(site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        print("\n| gemeente page | first visit | next visit (other gemeente) |\n|---|---|---|")
        for first, second in (("GM0363", "GM0599"), ("GM0358", "GM0361")):
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            page = context.new_page()
            print(f"| {first} then {second} | {_kb(_transfer(page, base + f'gemeente/{first}.html'))} | "
                  f"{_kb(_transfer(page, base + f'gemeente/{second}.html'))} |")
            context.close()
        print("\n| page type | axe-core findings (impact: count) |\n|---|---|")
        for kind, path in PAGE_TYPES.items():
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            page = context.new_page()
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            counts = Counter(f"{f['impact']} ({f['id']})" for f in axe_findings(page))
            print(f"| {kind} | {', '.join(f'{k}: {v}' for k, v in sorted(counts.items())) or 'geen'} |")
            context.close()
        browser.close()
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uit", type=Path, default=Path("/tmp/site-national"))
    parser.add_argument("--geen-browser", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    tables = national_tables()
    prepared = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    summary = build_site(tables, args.uit)
    built, cpu = time.perf_counter() - start, time.process_time() - cpu
    files = [p for p in args.uit.rglob("*") if p.is_file()]
    sizes = sorted(((p.stat().st_size, p.relative_to(args.uit).as_posix()) for p in summary.pages), reverse=True)
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"Rows: indicatoren {len(tables['indicatoren']):,}, benchmark {len(tables['benchmark']):,}; fixture {prepared:.1f} s")
    print(f"Load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"Site build: {built:.1f} s wall, {cpu:.1f} s CPU, {len(summary.pages):,} pages, {len(files):,} files, "
          f"{_kb(sum(p.stat().st_size for p in files))} in total")
    print("\n| largest pages | size |\n|---|---|")
    for size, name in sizes[:5]:
        print(f"| {name} | {_kb(size)} |")
    gemeente = [s for s, n in sizes if n.startswith("gemeente/GM") and "factsheet" not in n]
    print(f"| gemeente pages: median | {_kb(sorted(gemeente)[len(gemeente) // 2])} |")
    if not args.geen_browser and CHROMIUM:
        measure_in_browser(args.uit)


if __name__ == "__main__":
    main()
