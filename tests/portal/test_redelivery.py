"""The portal guides a delivery: the periode is chosen from the open ones, consent is asked every time,
and a re-delivery of a published periode is explained and confirmed first.

Its own portal and home (module scope), because these tests publish releases: the shared portal's
periodes must stay unpublished for the other tests.
"""

from __future__ import annotations

import re
import secrets

import pytest

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from tests.fixtures.portal import (
    Portal, csrf_of, good_file, login, make_app, make_config, make_home, publish, serve, snapshot, upload, wait_for_upload,
)


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Portal:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(KEY_ENV, secrets.token_hex(32))
        mp.delenv(KEY_FILE_ENV, raising=False)
        home = make_home(tmp_path_factory.mktemp("herlevering") / "home")
        config = make_config(home)
        app = make_app(config)
        with serve(app) as url:
            yield Portal(url=url, home=home, store=app.state.store, config=config)


@pytest.fixture()
def aalsmeer(portal):
    with portal.client() as client:
        assert login(client, "aalsmeer").status_code == 303
        yield client


def main_of(html: str) -> str:
    """The page's own content (not the help block), with runs of white space as one space."""
    return " ".join(html[html.index("<main>"):html.index("</main>")].split())


def refusal_reasons(portal) -> list[str]:
    return [row["reden"] for row in portal.store.refusals(1000)]


def test_the_periode_is_chosen_from_the_periodes_open_for_delivery(portal, aalsmeer):
    page = aalsmeer.get("/aanleveren")
    assert page.status_code == 200
    offered = re.findall(r'type="radio" id="periode-[^"]+" name="periode" value="([^"]+)"', page.text)
    # The clock says 1 December 2025: the last completed half-year first, then three for corrections.
    assert offered == ["2025-H1", "2024-H2", "2024-H1", "2023-H2"]
    assert 'type="text"' not in main_of(page.text)  # nothing to type
    assert "1e halfjaar 2025" in page.text
    before = snapshot(portal.home.root)
    for periode in ("2025-H2", "2022-H1", "2025"):  # running, too old, a year
        count = len(refusal_reasons(portal))
        response = upload(aalsmeer, {"wmo": ("GM0358_wmo.csv", good_file())}, periode=periode)
        assert response.status_code == 400 and "niet open voor aanlevering" in response.text
        assert "2025-H1" in response.text  # it names the periodes that are open
        assert refusal_reasons(portal)[0] == "ongeldige invoer" and len(refusal_reasons(portal)) == count + 1
    assert snapshot(portal.home.root) == before


def test_consent_is_asked_every_time_never_pre_set_and_the_previous_choice_is_shown(portal, aalsmeer):
    form = aalsmeer.get("/aanleveren/bestanden", params={"periode": "2025-H1"})
    assert form.status_code == 200
    consent = form.text[form.text.index('id="toestemming"'):form.text.index("</fieldset>", form.text.index('id="toestemming"'))]
    assert len(re.findall(r'name="publicatie_(?:basis|facultatief)"', consent)) == 4
    assert "checked" not in consent
    assert "nog geen keuze gemaakt" in consent
    assert "manifest" not in main_of(form.text).lower()
    assert "welk bestand bij welk domein hoort" in form.text  # what the delivery records, in plain words

    count = len(refusal_reasons(portal))
    missing = upload(aalsmeer, {"wmo": ("GM0358_2025-H1_wmo.csv", good_file())}, basis=None, facultatief=None)
    assert missing.status_code == 400 and "Kies bij beide vragen" in missing.text
    assert len(refusal_reasons(portal)) == count + 1

    response = upload(aalsmeer, {"wmo": ("GM0358_2025-H1_wmo.csv", good_file())}, basis="nee", facultatief="ja")
    assert response.status_code == 303
    assert "goedgekeurd" in wait_for_upload(aalsmeer, response.headers["location"])
    again = aalsmeer.get("/aanleveren/bestanden", params={"periode": "2025-H1"}).text
    consent = again[again.index('id="toestemming"'):again.index("</fieldset>", again.index('id="toestemming"'))]
    assert "Uw vorige keuze voor 2025-H1: <strong>basis: nee, facultatief: ja</strong>" in consent
    assert "checked" not in consent  # shown, still not pre-set


def test_redelivery_of_a_published_periode_is_explained_and_confirmed_first(portal, aalsmeer):
    release = publish(portal.home, "2024-H2")
    publish(portal.home, "2024")  # the year figures too
    question = aalsmeer.get("/aanleveren/bestanden", params={"periode": "2024-H2"})
    assert question.status_code == 200
    text = main_of(question.text)
    assert "is al gepubliceerd" in text and release in text and "voorlopig" in text
    assert "volgende release" in text and "herziening" in text and "jaarcijfers 2024" in text
    assert "in zijn geheel" in text  # a re-delivery replaces the file as a whole
    assert 'type="file"' not in text and 'id="bevestigen"' in text

    # Posting the files without the confirmation changes nothing and shows the question again.
    before = snapshot(portal.home.root)
    count = len(refusal_reasons(portal))
    unconfirmed = upload(aalsmeer, {"wmo": ("GM0358_2024-H2_wmo.csv", good_file(periode="2024-H2"))}, periode="2024-H2")
    assert unconfirmed.status_code == 409 and 'id="bevestigen"' in unconfirmed.text and "Er is niets aangeleverd" in unconfirmed.text
    assert refusal_reasons(portal)[0] == "herlevering niet bevestigd" and len(refusal_reasons(portal)) == count + 1
    assert snapshot(portal.home.root) == before

    confirmed_form = aalsmeer.get("/aanleveren/bestanden", params={"periode": "2024-H2", "herlevering": "bevestigd"})
    assert 'type="file"' in confirmed_form.text and 'name="herlevering" value="bevestigd"' in confirmed_form.text
    response = upload(aalsmeer, {"wmo": ("GM0358_2024-H2_wmo.csv", good_file(periode="2024-H2"))}, periode="2024-H2",
                      basis="ja", facultatief="ja", extra={"herlevering": "bevestigd"})
    assert response.status_code == 303, response.text
    assert "goedgekeurd" in wait_for_upload(aalsmeer, response.headers["location"])
    with portal.store.connect() as con:
        logged = con.execute("SELECT details FROM logboek WHERE gebeurtenis = 'aangeleverd' ORDER BY id DESC").fetchone()["details"]
    assert "2024-H2" in logged and f"Herlevering na publicatie (voorlopig, {release}) bevestigd" in logged


def test_consent_of_a_published_periode_is_fixed_for_the_gemeente(portal, aalsmeer):
    # After the previous test: 2024-H2 is published and a delivery with basis ja, facultatief ja is in force.
    form = aalsmeer.get("/aanleveren/bestanden", params={"periode": "2024-H2", "herlevering": "bevestigd"}).text
    assert "ligt vast sinds de publicatie: <strong>basis: ja, facultatief: ja</strong>" in form
    assert 'name="publicatie_basis"' not in form
    before = snapshot(portal.home.root)
    changed = upload(aalsmeer, {"wmo": ("GM0358_2024-H2_wmo.csv", good_file(periode="2024-H2"))}, periode="2024-H2",
                     basis="nee", facultatief="nee", extra={"herlevering": "bevestigd"})
    assert changed.status_code == 400 and refusal_reasons(portal)[0] == "toestemming ligt vast"
    page = aalsmeer.get("/geschiedenis/GM0358").text
    assert re.search(r'data-periode="2024-H2">.*?ligt vast sinds de publicatie', page, re.S)
    response = aalsmeer.post("/toestemming", data={"csrf": csrf_of(page), "gemeente": "GM0358", "periode": "2024-H2",
                                                   "publicatie_basis": "nee", "publicatie_facultatief": "nee"})
    assert response.status_code == 400 and refusal_reasons(portal)[0] == "toestemming ligt vast"
    assert snapshot(portal.home.root) == before
    # An operator can still record a change (at the gemeente's request); it is logged as made after publication.
    with portal.client() as beheer:
        assert login(beheer, "beheer").status_code == 303
        page = beheer.get("/geschiedenis/GM0358").text
        response = beheer.post("/toestemming", data={"csrf": csrf_of(page), "gemeente": "GM0358", "periode": "2024-H2",
                                                     "publicatie_basis": "nee", "publicatie_facultatief": "nee"})
        assert response.status_code == 303
    with portal.store.connect() as con:
        row = con.execute("SELECT gebruiker, details FROM logboek WHERE gebeurtenis = 'toestemming gewijzigd' ORDER BY id DESC").fetchone()
    assert row["gebruiker"] == "beheer" and "2024-H2" in row["details"] and "na publicatie" in row["details"]


def test_a_definitief_periode_says_its_figures_are_not_revised(portal, aalsmeer):
    publish(portal.home, "2023-H2", definitief=True)
    text = main_of(aalsmeer.get("/aanleveren/bestanden", params={"periode": "2023-H2"}).text)
    assert "definitief" in text and "niet meer herzien" in text and "volgende release van 2023-H2" not in text
    choice = aalsmeer.get("/aanleveren").text
    assert re.search(r"2e halfjaar 2023</strong> \(2023-H2\)\s*<span class=\"klein\">—\s*gepubliceerd: definitief", choice)


def test_the_history_shows_per_delivery_who_when_files_verdict_report_and_what_is_in_force(portal, aalsmeer):
    page = aalsmeer.get("/geschiedenis/GM0358").text
    deliveries = re.findall(r'<tbody class="aanlevering" data-stempel="([^"]+)">(.*?)</tbody>', page, re.S)
    assert len(deliveries) == 2  # 2025-H1 wmo, 2024-H2 wmo (the refused posts never reached the intake)
    newest_stamp, newest = deliveries[0]
    assert 'class="door">aalsmeer<' in newest and "GM0358_2024-H2_wmo.csv" in newest and 'data-geldt="ja"' in newest
    assert re.search(r"\d\d-\d\d-\d{4} \d\d:\d\d:\d\d", newest)  # when, in Dutch local time
    links = re.findall(r'href="(/rapport/GM0358/2024-H2/[^"]+)"', newest)
    assert {link.rsplit(".", 1)[1] for link in links} == {"html", "csv"}
    assert all(newest_stamp in link for link in links)
    for link in links:
        assert aalsmeer.get(link).status_code == 200
    geldend = page[page.index('id="geldend"'):page.index("</table>", page.index('id="geldend"'))]
    assert "GM0358_2024-H2_wmo.csv" in geldend and "GM0358_2025-H1_wmo.csv" in geldend
    assert re.search(r"2024-H2</th>.*?voorlopig", geldend, re.S)  # publication status per periode


def test_an_operator_delivers_on_behalf_of_a_gemeente_and_sees_its_previous_choice(portal):
    with portal.client() as beheer:
        assert login(beheer, "beheer").status_code == 303
        choice = beheer.get("/aanleveren").text
        assert '<select id="gemeente" name="gemeente" required>' in choice and '<option value="GM0358">GM0358 Aalsmeer</option>' in choice
        form = beheer.get("/aanleveren/bestanden", params={"periode": "2025-H1", "gemeente": "GM0358"}).text
        assert '<input type="hidden" name="gemeente" value="GM0358">' in form
        assert "Uw vorige keuze voor 2025-H1: <strong>basis: nee, facultatief: ja</strong>" in form
        assert "gmsd check GM0358_2025-H1_wmo.csv --gemeente GM0358" in form
        assert beheer.get("/aanleveren/bestanden", params={"periode": "2025-H1", "gemeente": "GM9999"}).status_code == 400
