"""The system Chromium for browser tests: Playwright must never download a browser of its own."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("GMSD_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
requires_chromium = pytest.mark.skipif(
    not CHROMIUM, reason="Chromium not installed (apt-get install -y chromium); Playwright must not download one"
)
