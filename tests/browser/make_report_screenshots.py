"""Screenshots of the quality report for a file with each kind of problem: docs/screenshots/rapport-*.png.

    uv run --frozen python -m tests.browser.make_report_screenshots

Writes the reports of tests.fixtures.reports (fake data) into a temporary folder and photographs
each whole page in headless system Chromium (never a downloaded browser).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.fixtures.chromium import CHROMIUM, FLAGS
from tests.fixtures.reports import write_reports

TARGET = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        reports = write_reports(Path(folder))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        for case, html in reports.items():
            page.goto(html.as_uri())
            target = TARGET / f"rapport-{case}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
