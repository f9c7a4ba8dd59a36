"""Screenshots of the portal for the documentation: docs/screenshots/portal-*.png.

    uv run python -m tests.portal.make_screenshots

Starts the real portal on a temporary home (random pseudonymisation key, today's date), generates
synthetic deliveries of Aalsmeer for the two latest completed half-years (`gmsd generate`), lets
its data officer deliver in headless system Chromium (never a downloaded browser) — the older
half-year, which is then published, and for the newer one a good and a rejected file — and
photographs the steps: choosing the periode, the upload form, the verdicts, the re-delivery
question and the history.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from playwright.sync_api import sync_playwright

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from tests.fixtures.chromium import CHROMIUM, FLAGS
from gmsd.synth import generate
from portal.periodes import current_periode
from tests.fixtures.portal import make_app, make_config, make_home, publish, serve
from tests.fixtures.portal_browser import choose_periode, deliver, fill_upload_form, log_in

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "docs" / "screenshots"


def _files(folder: Path, current: str, previous: str) -> dict[str, Path]:
    """Synthetic CSV files: both domeinen of `previous`, and for `current` a good wmo and a jeugd file
    in which every BSN is broken (rejected as a whole)."""
    generate(folder, gemeenten=["GM0358"], periodes=[previous, current], formaat="csv")
    inbox = folder / "inbox" / "GM0358"
    broken = inbox / current / f"GM0358_{current}_jeugd.csv"
    frame = pd.read_csv(broken, sep=None, engine="python", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    bsn = next(column for column in frame.columns if column.strip().lower() == "bsn")
    frame[bsn] = "12345"
    frame.to_csv(broken, sep=";", index=False)
    return {
        "wmo": inbox / current / f"GM0358_{current}_wmo.csv",
        "jeugd": broken,
        "wmo-vorige": inbox / previous / f"GM0358_{previous}_wmo.csv",
        "jeugd-vorige": inbox / previous / f"GM0358_{previous}_jeugd.csv",
    }


def main() -> int:
    if not CHROMIUM:
        print("Chromium ontbreekt (apt-get install -y chromium).", file=sys.stderr)
        return 1
    os.environ[KEY_ENV] = secrets.token_hex(32)
    os.environ.pop(KEY_FILE_ENV, None)
    TARGET.mkdir(parents=True, exist_ok=True)
    current = current_periode(datetime.now(timezone.utc).date())
    previous = current.previous()
    with tempfile.TemporaryDirectory() as folder:
        home = make_home(Path(folder) / "home")
        files = _files(Path(folder) / "bestanden", current.code, previous.code)
        app = make_app(make_config(home, clock=lambda: datetime.now(timezone.utc)), {"aalsmeer": "GM0358"})
        with serve(app) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="nl-NL")
            log_in(page, url, "aalsmeer")
            deliver(page, url, previous.code, {"wmo": files["wmo-vorige"], "jeugd": files["jeugd-vorige"]}, basis="ja", facultatief="ja")
            publish(home, previous.code, when=datetime.now(timezone.utc))
            page.goto(url + "/aanleveren")
            page.screenshot(path=str(TARGET / "portal-aanleveren.png"), full_page=True)
            choose_periode(page, url, current.code)
            fill_upload_form(page, {"wmo": files["wmo"], "jeugd": files["jeugd"]}, basis="ja", facultatief="nee")
            page.screenshot(path=str(TARGET / "portal-bestanden.png"), full_page=True)
            page.click("#versturen")
            page.wait_for_selector("#oordelen", timeout=90_000)
            page.screenshot(path=str(TARGET / "portal-oordeel.png"), full_page=True)
            choose_periode(page, url, previous.code)
            page.screenshot(path=str(TARGET / "portal-herlevering.png"), full_page=True)
            page.goto(url + "/geschiedenis/GM0358")
            page.screenshot(path=str(TARGET / "portal-geschiedenis.png"), full_page=True)
            browser.close()
    print(f"Geschreven: {', '.join(sorted(p.name for p in TARGET.glob('portal-*.png')))} in {TARGET}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
