"""Every page guides the data officer: the gegevenswoordenboek, a template per domein, `gmsd check`.

And what it links is right: the dictionary lists every column the intake reads, and a template as
downloaded passes the portal's own intake.
"""

from __future__ import annotations

import re

import pytest

from contracts.delivery import delivered_columns
from contracts.dictionary import code_lists
from tests.fixtures.portal import upload, wait_for_upload
from vocabulary.domeinen import DOMEINEN


def assert_guides(html: str, gemeente: str, periode: str) -> None:
    assert 'href="/gegevenswoordenboek"' in html
    for domein in DOMEINEN:
        for suffix in ("csv", "xlsx"):
            assert f'href="/sjabloon/{domein}.{suffix}?periode={periode}' in html, (domein, suffix)
    assert f"gmsd check {gemeente}_{periode}_wmo.csv --gemeente {gemeente} --periode {periode}" in html
    assert "Er gaat daarbij niets over het internet" in html


@pytest.mark.parametrize("path", ["/aanleveren", "/geschiedenis/GM0358", "/gegevenswoordenboek", "/aanleveren/bestanden?periode=2024-H1"])
def test_every_page_links_the_dictionary_templates_and_the_local_check(as_user, path):
    page = as_user("aalsmeer").get(path)
    assert page.status_code == 200
    periode = "2024-H1" if "periode=" in path else "2025-H1"  # the chosen periode, else the one being delivered now
    assert_guides(page.text, "GM0358", periode)


def test_result_and_refusal_pages_guide_too(as_user, first_delivery):
    client = as_user("aalsmeer")
    location, _ = first_delivery
    assert_guides(client.get(location).text, "GM0358", "2025-H1")
    refused = client.get("/geschiedenis/GM0197")
    assert refused.status_code == 403
    assert_guides(refused.text, "GM0358", "2025-H1")


def test_dictionary_lists_every_delivered_column_and_code(as_user):
    page = as_user("aalsmeer").get("/gegevenswoordenboek").text
    for domein in DOMEINEN:
        for column in delivered_columns(domein):
            assert f'id="{domein}-{column}"' in page, (domein, column)
    for name, codes in code_lists():
        assert f'id="codelijst-{name}"' in page
        for code, _ in codes:
            assert f"<code>{code.replace('<', '&lt;').replace('>', '&gt;')}</code>" in page


def test_a_downloaded_template_passes_the_portal_intake(as_user):
    client = as_user("aalten")
    response = client.get("/sjabloon/wmo.csv", params={"periode": "2024-H1"})
    assert response.status_code == 200
    assert 'filename="GM0197_2024-H1_wmo_sjabloon.csv"' in response.headers["content-disposition"]
    header, row = response.content.decode("utf-8-sig").splitlines()
    assert header.split(";") == list(delivered_columns("wmo")) and row.startswith("GM0197;123456782;")
    xlsx = client.get("/sjabloon/jeugd.xlsx", params={"periode": "2024-H1"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK\x03\x04")
    assert client.get("/sjabloon/onbekend.csv").status_code == 404
    assert client.get("/sjabloon/wmo.exe").status_code == 404

    sent = upload(client, {"wmo": ("GM0197_2024-H1_wmo.csv", response.content), "jeugd": ("GM0197_2024-H1_jeugd.xlsx", xlsx.content)},
                  gemeente="GM0197", periode="2024-H1")
    assert sent.status_code == 303, sent.text
    result = wait_for_upload(client, sent.headers["location"])
    verdicts = dict(re.findall(r'data-domein="(\w+)">.*?class="(?:goedgekeurd|afwijkingen|afgekeurd)">([^<]+)<', result, re.S))
    assert verdicts == {"wmo": "goedgekeurd", "jeugd": "goedgekeurd"}, result
