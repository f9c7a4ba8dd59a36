"""The quality report in headless Chromium: every kind of problem, accessible and saying what to fix.

For each report (tests.fixtures.reports): axe-core finds nothing serious or critical (WCAG 2.1
A/AA), the page has its landmarks and one h1, the verdict and "Wat nu?" are visible, and every
link to a gegevenswoordenboek entry lands on that entry. Uses the system Chromium.
"""

from __future__ import annotations

import pytest

from tests.fixtures.accessibility import axe_findings, serious
from tests.fixtures.chromium import requires_chromium
from tests.fixtures.reports import CASES, write_reports

pytestmark = [pytest.mark.browser, requires_chromium]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return write_reports(tmp_path_factory.mktemp("rapporten"))


@pytest.fixture()
def page(browser):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    yield page
    page.close()


@pytest.mark.parametrize("case", list(CASES))
def test_report_is_accessible_and_complete(page, reports, case):
    page.goto(reports[case].as_uri())
    assert serious(axe_findings(page)) == []
    assert page.locator("main").count() == 1 and page.locator("header").count() == 1 and page.locator("footer").count() == 1
    assert page.locator("h1").count() == 1
    verdict = page.locator("#kop-oordeel").inner_text()
    assert verdict.startswith("Oordeel: Bestand ")
    assert page.get_by_role("heading", name="Wat nu?").is_visible()
    assert page.locator(".watnu li").count() >= 1


def test_planted_accessibility_problem_is_found(page, reports):
    """The axe check can fail: an image without alt text and an unlabeled input are found."""
    page.goto(reports["afwijkingen"].as_uri())
    page.evaluate("""() => { const m = document.querySelector('main');
        m.insertAdjacentHTML('beforeend', '<img src="x.png"><input type="text">'); }""")
    assert {finding["id"] for finding in serious(axe_findings(page))} & {"image-alt", "label"}


def test_links_to_the_dictionary_land_on_the_entry(page, reports):
    page.goto(reports["afwijkingen"].as_uri())
    links = page.locator('a[href^="#woordenboek-"]')
    assert links.count() >= 3
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")
        assert page.locator(target).count() == 1, target
    page.locator('a[href="#woordenboek-voorziening"]').first.click()
    entry = page.locator("#woordenboek-voorziening")
    assert entry.is_visible() and "overige beschermd wonen en opvang" in entry.inner_text()


def test_rejected_file_says_it_cannot_be_delivered_and_why(page, reports):
    page.goto(reports["kolom-ontbreekt"].as_uri())
    text = page.locator("main").inner_text()
    assert "Bestand afgekeurd" in text and "kan zo niet worden aangeleverd" in text
    assert "bedoelt u datum_einde?" in text.replace("`", "") and "EINDDATUM" in text
    page.goto(reports["te-veel-fouten"].as_uri())
    text = page.locator("main").inner_text()
    assert "12 met een fout" in text and "5 %-regel" in text and "12,0 %" in text


def test_phone_width_has_no_sideways_scrolling_of_the_page(browser, reports):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(reports["afwijkingen"].as_uri())
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.close()
    assert overflow <= 1
