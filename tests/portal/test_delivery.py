"""The vertical slice over HTTP: log in, upload, verdicts within seconds, report, history, consent."""

from __future__ import annotations

import re

import yaml

from portal import delivery
from tests.fixtures.portal import PERIODE, csrf_of, good_file, upload, wait_for_upload


def test_upload_gives_verdicts_reports_and_history(portal, as_user, first_delivery):
    client = as_user("aalsmeer")
    location, page = first_delivery
    assert location.startswith("/aanlevering/")
    verdicts = dict(re.findall(r'data-domein="(\w+)">.*?class="(?:goedgekeurd|afwijkingen|afgekeurd)">([^<]+)<', page, re.S))
    assert verdicts["wmo"].startswith("goedgekeurd"), page
    assert verdicts["jeugd"] == "afgekeurd", page
    assert "300" in page

    # The raw files are gone (the intake's retention), the manifest listed only these two files.
    assert not (portal.home.inbox / "GM0358" / PERIODE).exists()
    assert not any(portal.config.staging.glob("*/*"))

    report = re.search(r'href="(/rapport/GM0358/2025-H1/[^"]+_jeugd\.html)"', page).group(1)
    shown = client.get(report)
    assert shown.status_code == 200 and "afgekeurd" in shown.text
    assert "default-src 'none'" in shown.headers["content-security-policy"]
    csv = client.get(report[:-5] + ".csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]

    history = client.get("/geschiedenis/GM0358").text
    assert "GM0358_2025-H1_wmo.csv" in history and "GM0358_2025-H1_jeugd.csv" in history
    assert re.search(r'data-domein="wmo" data-geldt="ja"', history)
    assert re.search(r'data-domein="jeugd" data-geldt="nee"', history)
    # The consent of the upload is stored and shown (and was written into the manifest: the audit has it).
    assert "basis: ja, facultatief: nee" in history


def test_consent_change_is_stored_and_goes_into_the_next_manifest(portal, as_user, monkeypatch):
    client = as_user("aalsmeer")
    page = client.get("/geschiedenis/GM0358")
    response = client.post("/toestemming", data={"csrf": csrf_of(page.text), "gemeente": "GM0358", "periode": "2024-H2",
                                                 "publicatie_basis": "nee", "publicatie_facultatief": "nee"})
    assert response.status_code == 303
    assert portal.store.consent("GM0358")["2024-H2"][:2] == (False, False)

    written = {}
    original = delivery.manifest_text

    def capture(*args, **kwargs):
        written["text"] = original(*args, **kwargs)
        return written["text"]

    monkeypatch.setattr(delivery, "manifest_text", capture)
    response = upload(client, {"participatie": ("participatie.csv", good_file("participatie"))}, basis="nee", facultatief="ja")
    assert response.status_code == 303
    page = wait_for_upload(client, response.headers["location"])
    assert "goedgekeurd" in page
    manifest = yaml.safe_load(written["text"])
    assert manifest == {"gemeentecode": "GM0358", "periode": PERIODE, "bestanden": [{"bestand": "participatie.csv", "domein": "participatie"}],
                        "publicatie_basis": "nee", "publicatie_facultatief": "ja"}
