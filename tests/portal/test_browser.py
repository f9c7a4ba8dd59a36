"""The portal in headless Chromium: what a data officer does, end to end, without JavaScript of ours.

Log in, choose the periode, upload a good and a bad file, see both verdicts, open the report,
deliver a fixed file, see the history with the delivery in force; then the other gemeente's officer
cannot see or reach any of it, not even with the direct URLs. And a re-delivery of a published
periode: the question comes before any file is chosen, "no" changes nothing, "yes" leads to the
upload form with the consent fixed, and the history shows both deliveries. Uses the system
Chromium (never a downloaded browser).
"""

from __future__ import annotations

import re
import secrets

import pytest

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from tests.fixtures.chromium import requires_chromium
from tests.fixtures.portal import PERIODE, bad_file, good_file, make_app, make_config, make_home, publish, serve
from tests.fixtures.portal_browser import choose_periode, deliver, fill_upload_form, log_in, send_and_wait, verdict

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
        (files / "GM0358_2024-H2_wmo.csv").write_bytes(good_file("wmo", periode="2024-H2"))
        (files / "fixed").mkdir()
        (files / "fixed" / "GM0358_2025-H1_jeugd.csv").write_bytes(good_file("jeugd"))
        with serve(app) as url:
            yield url, files, home


def test_officer_delivers_fixes_and_the_other_gemeente_sees_nothing(site, browser):
    url, files, _ = site
    officer = browser.new_context()
    page = officer.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    # 1. Log in, deliver a good wmo and a bad jeugd file; both verdicts within seconds.
    log_in(page, url, "aalsmeer")
    deliver(page, url, PERIODE, {"wmo": files / "GM0358_2025-H1_wmo.csv", "jeugd": files / "GM0358_2025-H1_jeugd.csv"})
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
    deliver(page, url, PERIODE, {"jeugd": files / "fixed" / "GM0358_2025-H1_jeugd.csv"})
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


def test_redelivery_of_a_published_periode_is_confirmed_before_the_files_are_chosen(site, browser):
    url, files, home = site
    context = browser.new_context()
    page = context.new_page()
    log_in(page, url, "aalsmeer")
    deliver(page, url, "2024-H2", {"wmo": files / "GM0358_2024-H2_wmo.csv"}, basis="ja", facultatief="ja")
    assert verdict(page, "wmo") == "goedgekeurd"
    release = publish(home, "2024-H2")

    # The periode list says it is published; choosing it asks first, before any file is chosen.
    page.goto(url + "/aanleveren")
    assert "gepubliceerd: voorlopig" in page.locator('label[for="periode-2024-H2"]').inner_text()
    choose_periode(page, url, "2024-H2")
    explanation = page.locator("#herlevering").inner_text()
    assert release in explanation and "volgende release" in explanation and "basis: ja, facultatief: ja" in explanation
    assert page.locator("input[type=file]").count() == 0
    page.click("#annuleren")  # no: back to the periodes, nothing happened
    page.wait_for_url(re.compile(r"/aanleveren$"))

    choose_periode(page, url, "2024-H2")
    page.click("#bevestigen")
    page.wait_for_url(re.compile(r"herlevering=bevestigd"))
    assert "ligt vast sinds de publicatie" in page.locator("#toestemming").inner_text()
    assert page.locator("input[name=publicatie_basis]").count() == 0  # consent of a published periode is fixed
    fill_upload_form(page, {"wmo": files / "GM0358_2024-H2_wmo.csv"}, basis=None, facultatief=None)
    send_and_wait(page)
    assert verdict(page, "wmo") == "goedgekeurd"

    # The history: both 2024-H2 deliveries, by aalsmeer, the newest in force.
    page.goto(url + "/geschiedenis/GM0358")
    redeliveries = page.locator('#aanleveringen tr.levering[data-periode="2024-H2"]')
    assert redeliveries.count() == 2
    assert redeliveries.nth(0).get_attribute("data-geldt") == "ja" and redeliveries.nth(1).get_attribute("data-geldt") == "nee"
    assert "aalsmeer" in page.locator("#aanleveringen tbody.aanlevering").first.inner_text()
    context.close()
