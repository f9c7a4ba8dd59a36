"""The portal in headless Chromium: what a data officer does, end to end, without JavaScript of ours.

Log in, upload a good and a bad file, see both verdicts, open the report, deliver a fixed file,
see the history with the delivery in force; then the other gemeente's officer cannot see or reach
any of it, not even with the direct URLs. Uses the system Chromium (never a downloaded browser).
"""

from __future__ import annotations

import re
import secrets

import pytest

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from tests.fixtures.chromium import requires_chromium
from tests.fixtures.portal import PASSWORD, PERIODE, bad_file, good_file, make_app, make_config, make_home, serve

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Its own home and server, so the history holds exactly what this test delivered."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(KEY_ENV, secrets.token_hex(32))
        mp.delenv(KEY_FILE_ENV, raising=False)
        mp.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        root = tmp_path_factory.mktemp("browser")
        home = make_home(root / "home")
        app = make_app(make_config(home), {"aalsmeer": "GM0358", "aalten": "GM0197"})
        files = root / "bestanden"
        files.mkdir()
        (files / "GM0358_2025-H1_wmo.csv").write_bytes(good_file("wmo"))
        (files / "GM0358_2025-H1_jeugd.csv").write_bytes(bad_file("jeugd"))
        (files / "fixed").mkdir()
        (files / "fixed" / "GM0358_2025-H1_jeugd.csv").write_bytes(good_file("jeugd"))
        with serve(app) as url:
            yield url, files


def log_in(page, url: str, user: str) -> None:
    page.goto(url + "/")
    assert page.url.endswith("/inloggen")
    page.fill("#gebruiker", user)
    page.fill("#wachtwoord", PASSWORD)
    page.click("button[type=submit].hoofd")
    page.wait_for_url(re.compile(r"/aanleveren$"))


def deliver(page, url: str, files: dict) -> None:
    page.goto(url + "/aanleveren")
    page.check(f"#periode-{PERIODE}")
    page.click("#verder")
    page.wait_for_url(re.compile(r"/aanleveren/bestanden"))
    for domein, path in files.items():
        page.set_input_files(f"#bestand_{domein}", str(path))
    page.check("input[name=publicatie_basis][value=ja]")
    page.check("input[name=publicatie_facultatief][value=nee]")
    page.click("#versturen")
    page.wait_for_url(re.compile(r"/aanlevering/"))
    page.wait_for_selector("#oordelen", timeout=90_000)  # the page refreshes itself until the intake is done


def verdict(page, domein: str) -> str:
    return page.locator(f'#oordelen tr[data-domein="{domein}"] td').nth(2).inner_text().strip()


def test_officer_delivers_fixes_and_the_other_gemeente_sees_nothing(site, browser):
    url, files = site
    officer = browser.new_context()
    page = officer.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    # 1. Log in, deliver a good wmo and a bad jeugd file; both verdicts within seconds.
    log_in(page, url, "aalsmeer")
    deliver(page, url, {"wmo": files / "GM0358_2025-H1_wmo.csv", "jeugd": files / "GM0358_2025-H1_jeugd.csv"})
    assert verdict(page, "wmo") == "goedgekeurd"
    assert verdict(page, "jeugd") == "afgekeurd"
    result_url = page.url

    # 2. Open the report of the rejected file.
    report_link = page.locator('#oordelen tr[data-domein="jeugd"] a', has_text="rapport")
    report_url = url + report_link.get_attribute("href")
    report_link.click()
    page.wait_for_load_state()
    assert "afgekeurd" in page.content()
    assert "GM0358" in page.content()

    # 3. Deliver the fixed jeugd file only: accepted, and wmo keeps its earlier delivery.
    deliver(page, url, {"jeugd": files / "fixed" / "GM0358_2025-H1_jeugd.csv"})
    assert verdict(page, "jeugd") == "goedgekeurd"
    assert page.locator("#oordelen tr.oordeel").count() == 1

    # 4. The history: three deliveries, the fixed jeugd and the first wmo in force.
    page.click("text=Geschiedenis")
    page.wait_for_url(re.compile(r"/geschiedenis/GM0358$"))
    rows = page.locator("#aanleveringen tr.levering")
    assert rows.count() == 3
    in_force = page.locator('#aanleveringen tr.levering[data-geldt="ja"]')
    assert sorted(in_force.nth(i).get_attribute("data-domein") for i in range(in_force.count())) == ["jeugd", "wmo"]
    rejected = page.locator('#aanleveringen tr.levering[data-domein="jeugd"][data-geldt="nee"]')
    assert rejected.count() == 1 and "afgekeurd" in rejected.inner_text()
    assert re.search(r"[0-9a-f]{64}", page.locator("#aanleveringen").inner_text())  # SHA-256 shown
    assert "basis: ja, facultatief: nee" in page.locator("#toestemming").inner_text()
    history_url = page.url
    assert not problems, problems

    # 5. The other gemeente: own (empty) history, and every direct URL refused.
    other = browser.new_context()
    intruder = other.new_page()
    log_in(intruder, url, "aalten")
    intruder.click("text=Geschiedenis")
    intruder.wait_for_url(re.compile(r"/geschiedenis/GM0197$"))
    assert "GM0358_2025-H1" not in intruder.content()
    assert "Nog geen aanleveringen verwerkt" in intruder.content()
    for target in (history_url, result_url, report_url, report_url[:-5] + ".csv"):
        response = intruder.goto(target) if not target.endswith(".csv") else None
        if response is None:  # a CSV would download: fetch it with the intruder's cookies instead
            response = other.request.get(target)
            assert response.status == 403
            assert "BSN" not in response.text() and "GM0358_2025-H1" not in response.text()
            continue
        assert response.status == 403, target
        assert "Geweigerd" in intruder.content() and "GM0358_2025-H1" not in intruder.content()
    other.close()
    officer.close()
