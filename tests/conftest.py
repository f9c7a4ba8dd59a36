"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest

from tests.fixtures.chromium import CHROMIUM, FLAGS


@pytest.fixture(scope="module")
def browser():
    """The system Chromium, headless, one per test module (see tests/chromium.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()
