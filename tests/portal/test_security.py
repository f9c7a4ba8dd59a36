"""Security of the running portal over HTTP: CSRF, sessions, cookies, file names, sizes, content,
brute force, the delivery window, and one gemeente never reaching another's data.

Every refusal must say why in Dutch, land in the `weigeringen` table, and change nothing on disk.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from portal import lockout
from portal.config import parse_moment
from portal.security import hash_password
from tests.fixtures.portal import (
    PASSWORD, PERIODE, csrf_of, good_file, login, make_app, make_config, make_home, serve, snapshot, upload,
)


def main_of(html: str) -> str:
    return html[html.index("<main>"):html.index("</main>")]


def refusals(portal) -> list:
    return list(portal.store.refusals(1000))


@pytest.fixture()
def unchanged(portal):
    """Asserts afterwards that no file under the home appeared, vanished or changed size."""
    before = snapshot(portal.home.root)
    yield
    assert snapshot(portal.home.root) == before


def assert_refused(portal, response, count_before: int, reden: str, status: int | None = None) -> None:
    if status is not None:
        assert response.status_code == status, response.text
    assert 'id="weigering"' in response.text  # a page with a Dutch explanation
    new = refusals(portal)[: len(refusals(portal)) - count_before]
    assert any(row["reden"] == reden for row in new), [dict(r) for r in new]


# --- CSRF -----------------------------------------------------------------------------------

def test_post_without_or_with_a_wrong_csrf_token_is_refused(portal, as_user, unchanged):
    client = as_user("aalsmeer")
    consent_before = portal.store.consent("GM0358")
    count = len(refusals(portal))
    response = upload(client, {"wmo": ("wmo.csv", good_file())}, csrf="")
    assert_refused(portal, response, count, "csrf", 403)
    count = len(refusals(portal))
    response = upload(client, {"wmo": ("wmo.csv", good_file())}, csrf="geraden-token")
    assert_refused(portal, response, count, "csrf", 403)
    for path, data in (("/toestemming", {"gemeente": "GM0358", "periode": PERIODE, "publicatie_basis": "nee", "publicatie_facultatief": "nee"}),
                       ("/uitloggen", {})):
        count = len(refusals(portal))
        assert_refused(portal, client.post(path, data=data), count, "csrf", 403)
    assert portal.store.consent("GM0358") == consent_before  # not changed by the refused POST
    assert client.get("/aanleveren").status_code == 200  # still logged in: the refused log-out did nothing


def test_login_without_csrf_token_is_refused(portal):
    with portal.client() as client:
        count = len(refusals(portal))
        response = client.post("/inloggen", data={"gebruiker": "aalsmeer", "wachtwoord": PASSWORD})
        assert_refused(portal, response, count, "csrf", 403)
        assert portal.config.cookie_name not in response.cookies or client.get("/aanleveren").status_code == 303


# --- sessions and cookies -------------------------------------------------------------------

def test_session_id_is_rotated_at_login_against_fixation(portal):
    name = portal.config.cookie_name
    with portal.client() as attacker, portal.client() as victim:
        attacker.get("/inloggen")
        planted = attacker.cookies[name]
        victim.cookies.set(name, planted, domain="127.0.0.1")  # the attacker plants his pre-login session in the victim's browser
        page = victim.get("/inloggen")
        response = victim.post("/inloggen", data={"csrf": csrf_of(page.text), "gebruiker": "aalsmeer", "wachtwoord": PASSWORD})
        assert response.status_code == 303
        after = victim.cookies[name]
        assert after != planted and after.split(".")[0] != planted.split(".")[0]
        assert victim.get("/geschiedenis/GM0358").status_code == 200
        # The planted id is dead: the attacker is not logged in as the victim.
        response = attacker.get("/geschiedenis/GM0358")
        assert response.status_code == 303 and response.headers["location"] == "/inloggen"


def test_session_cookie_attributes(portal):
    with portal.client() as client:
        response = client.get("/inloggen")
        header = response.headers["set-cookie"].lower()
        assert "httponly" in header and "samesite=strict" in header and "path=/" in header
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("forge", ["flip-signature", "other-id", "random", "no-signature"])
def test_tampered_or_forged_cookie_is_refused(portal, as_user, forge):
    name = portal.config.cookie_name
    client = as_user("aalsmeer")
    valid = client.cookies[name]
    session_id, signature = valid.split(".")
    forged = {
        "flip-signature": f"{session_id}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        "other-id": f"{session_id[:-1]}{'x' if session_id[-1] != 'x' else 'y'}.{signature}",
        "random": "aGFja2Vy.aGFja2Vy",
        "no-signature": session_id,
    }[forge]
    with portal.client() as intruder:
        intruder.cookies.set(name, forged, domain="127.0.0.1")
        count = len(refusals(portal))
        response = intruder.get("/geschiedenis/GM0358")
        assert response.status_code == 303 and response.headers["location"] == "/inloggen"
        assert any(r["reden"] == "ongeldige sessiecookie" for r in refusals(portal)[: len(refusals(portal)) - count])
    assert client.get("/geschiedenis/GM0358").status_code == 200  # the real session is untouched


def test_logout_ends_the_session_on_the_server(portal):
    name = portal.config.cookie_name
    with portal.client() as client:
        login(client, "aalsmeer")
        cookie = client.cookies[name]
        page = client.get("/aanleveren")
        assert client.post("/uitloggen", data={"csrf": csrf_of(page.text)}).status_code == 303
    with portal.client() as replay:
        replay.cookies.set(name, cookie, domain="127.0.0.1")  # a copied cookie is worthless after log-out
        assert replay.get("/aanleveren").status_code == 303


# --- file names, sizes, content --------------------------------------------------------------

@pytest.mark.parametrize("name", ["../x.csv", "a/b.csv", "..\\x.csv", "/etc/passwd.csv", "..", ".manifest.csv"])
def test_path_traversal_file_names_are_refused(portal, as_user, unchanged, name):
    client = as_user("aalsmeer")
    count = len(refusals(portal))
    response = upload(client, {"wmo": (name, good_file())})
    assert response.status_code == 400, response.text
    assert_refused(portal, response, count, refusals(portal)[0]["reden"])
    assert refusals(portal)[0]["reden"] in ("bestandsnaam met map", "ongeldige bestandsnaam")
    assert not (portal.home.inbox / "GM0358").exists()
    assert not (portal.home.root / "x.csv").exists() and not (portal.home.inbox / "x.csv").exists()


def test_oversized_file_is_refused(portal, as_user, unchanged):
    client = as_user("aalsmeer")
    big = good_file("wmo", 3000)
    assert len(big) > portal.config.max_upload_bytes
    count = len(refusals(portal))
    response = upload(client, {"wmo": ("GM0358_wmo.csv", big)})
    assert_refused(portal, response, count, "bestand te groot", 413)
    assert "MB" in response.text


def test_absurdly_wide_file_is_refused_before_it_is_queued(portal, as_user, unchanged):
    """Issue 13 (6): a small file with a header of 20,000 columns would block the intake behind it."""
    client = as_user("aalsmeer")
    wide = (";".join("k" for _ in range(20_000)) + "\n1\n").encode()  # 20,000 columns in 40 kB
    assert len(wide) < portal.config.max_upload_bytes
    count = len(refusals(portal))
    response = upload(client, {"wmo": ("GM0358_wmo.csv", wide)})
    assert_refused(portal, response, count, "onbruikbare vorm", 400)
    assert "kolommen" in response.text
    assert not any(portal.config.staging.glob("*/*")) if portal.config.staging.exists() else True


def test_request_larger_than_allowed_is_refused_before_reading_it(portal, as_user, unchanged):
    client = as_user("aalsmeer")
    huge = b"a;b\n" * (portal.config.max_request_bytes // 4 + 1000)
    count = len(refusals(portal))
    response = upload(client, {"wmo": ("wmo.csv", huge)})
    assert_refused(portal, response, count, "bestand te groot", 413)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("wmo.csv", b"%PDF-1.7\n" + b"x" * 100),  # a PDF renamed to .csv
        ("wmo.xlsx", b"GEMEENTECODE;BSN\nGM0358;1\n"),  # text renamed to .xlsx
        ("wmo.parquet", b"PK\x03\x04" + b"x" * 100),  # a zip renamed to .parquet
        ("wmo.exe", b"MZ" + b"x" * 100),  # unknown extension
        ("wmo.csv", b"GEMEENTECODE\x00;BSN\n"),  # binary NULs in a "CSV"
        ("wmo.csv", b""),  # empty
    ],
)
def test_unknown_content_is_refused(portal, as_user, unchanged, name, content):
    client = as_user("aalsmeer")
    count = len(refusals(portal))
    response = upload(client, {"wmo": (name, content)})
    assert_refused(portal, response, count, "onbekende inhoud", 400)


def test_unknown_form_fields_and_periodes_are_refused(portal, as_user, unchanged):
    client = as_user("aalsmeer")
    for kwargs in ({"periode": "../2025-H1"}, {"periode": "2099-H1"}, {"basis": "misschien"}, {"extra": {"domein": "wmo"}}):
        count = len(refusals(portal))
        response = upload(client, {"wmo": ("wmo.csv", good_file())}, **kwargs)
        assert_refused(portal, response, count, "ongeldige invoer", 400)


# --- brute force -----------------------------------------------------------------------------

def test_repeated_failed_logins_lock_the_account_with_a_growing_delay(portal):
    portal.store.add_account("doelwit", "GM0358", False, hash_password(PASSWORD))
    with portal.client() as client:
        for _ in range(portal.config.account_threshold):
            assert login(client, "doelwit", "fout-wachtwoord-123").status_code == 401
        locked = login(client, "doelwit")  # now even the right password is refused
        assert locked.status_code == 429 and "Te veel mislukte pogingen" in locked.text
        first = lockout.state(portal.store, "gebruiker:doelwit")
        assert first["geblokkeerd_tot"] - first["laatste"] == pytest.approx(portal.config.lock_base_seconds)
        # Time passes (the lock expires), one more wrong guess: the next lock is twice as long.
        with portal.store.connect() as con:
            con.execute("UPDATE inlogpogingen SET geblokkeerd_tot = 0 WHERE sleutel = 'gebruiker:doelwit'")
        assert login(client, "doelwit", "nog-een-fout-wachtwoord").status_code == 401
        second = lockout.state(portal.store, "gebruiker:doelwit")
        assert second["geblokkeerd_tot"] - second["laatste"] == pytest.approx(2 * portal.config.lock_base_seconds)
        assert login(client, "doelwit").status_code == 429
        # After the lock-out a successful log-in clears the account's counter.
        with portal.store.connect() as con:
            con.execute("UPDATE inlogpogingen SET geblokkeerd_tot = 0 WHERE sleutel = 'gebruiker:doelwit'")
        assert login(client, "doelwit").status_code == 303
        assert lockout.state(portal.store, "gebruiker:doelwit") is None


def test_repeated_failed_logins_from_one_client_lock_that_client(portal):
    attacker = {"X-Forwarded-For": "203.0.113.77"}  # uvicorn trusts the proxy on 127.0.0.1
    with portal.client() as client:
        for attempt in range(portal.config.client_threshold):
            assert login(client, f"bestaat-niet-{attempt}", "raden", headers=attacker).status_code == 401
        locked = login(client, "aalsmeer", headers=attacker)
        assert locked.status_code == 429
    with portal.client() as other:  # another address is not affected
        assert login(other, "aalsmeer").status_code == 303


def test_unknown_user_and_wrong_password_get_the_same_answer(portal):
    with portal.client() as client:
        unknown = login(client, "niemand-hier", "wat-dan-ook-123", headers={"X-Forwarded-For": "203.0.113.5"})
        wrong = login(client, "aalten", "wat-dan-ook-123", headers={"X-Forwarded-For": "203.0.113.5"})
        assert unknown.status_code == wrong.status_code == 401
        assert "Gebruikersnaam of wachtwoord onjuist" in unknown.text and "Gebruikersnaam of wachtwoord onjuist" in wrong.text
    lockout.forget(portal.store, "gebruiker:aalten")


def test_disabled_account_cannot_log_in_and_loses_its_session(portal):
    portal.store.add_account("vertrokken", "GM0358", False, hash_password(PASSWORD))
    with portal.client() as client:
        assert login(client, "vertrokken").status_code == 303
        assert client.get("/aanleveren").status_code == 200
        portal.store.set_active("vertrokken", False)
        assert client.get("/aanleveren").status_code == 303
        assert login(client, "vertrokken", headers={"X-Forwarded-For": "203.0.113.6"}).status_code == 401


# --- one gemeente never reaches another ------------------------------------------------------

def test_other_gemeente_cannot_read_history_reports_or_results(portal, as_user, first_delivery, unchanged):
    location, page = first_delivery
    reports = re.findall(r'href="(/rapport/GM0358/[^"]+)"', page)
    assert reports
    aalsmeer, aalten = as_user("aalsmeer"), as_user("aalten")
    assert aalsmeer.get(reports[0]).status_code == 200
    for url in ["/geschiedenis/GM0358", location, *reports, "/rapport/GM0358/2025-H1/../../GM0197/x.html", "/beheer"]:
        count = len(refusals(portal))
        response = aalten.get(url)
        assert response.status_code in (403, 404), url
        shown = main_of(response.text)  # the page's own content (not the help block every page has)
        assert "GM0358_2025-H1" not in response.text and "afgekeurd" not in shown.replace("Geweigerd", "")
        if response.status_code == 403:
            new = refusals(portal)[: len(refusals(portal)) - count]
            assert new and new[0]["gebruiker"] == "aalten" and new[0]["gemeente_code"] == "GM0197"
            assert new[0]["reden"] in ("andere gemeente", "geen beheerder")
    own = aalten.get("/geschiedenis/GM0197")
    assert own.status_code == 200 and "GM0358_2025-H1" not in own.text


def test_other_gemeente_cannot_upload_or_change_consent_by_editing_form_fields(portal, as_user, unchanged):
    aalten = as_user("aalten")
    consent_before = portal.store.consent("GM0358")
    count = len(refusals(portal))
    response = upload(aalten, {"wmo": ("wmo.csv", good_file())}, gemeente="GM0358")
    assert_refused(portal, response, count, "andere gemeente", 403)
    count = len(refusals(portal))
    response = upload(aalten, {"wmo": ("GM0358_2025-H1_wmo.csv", good_file())}, gemeente="GM0197")  # a file name of another gemeente
    assert_refused(portal, response, count, "andere gemeente", 403)
    page = aalten.get("/geschiedenis/GM0197")
    count = len(refusals(portal))
    response = aalten.post("/toestemming", data={"csrf": csrf_of(page.text), "gemeente": "GM0358", "periode": PERIODE,
                                                 "publicatie_basis": "nee", "publicatie_facultatief": "nee"})
    assert_refused(portal, response, count, "andere gemeente", 403)
    assert portal.store.consent("GM0358") == consent_before
    assert not (portal.home.inbox / "GM0358").exists()


def test_operator_sees_all_gemeenten_and_who_still_has_to_deliver(portal, as_user, first_delivery):
    beheer = as_user("beheer")
    page = beheer.get(f"/beheer?periode={PERIODE}")
    assert page.status_code == 200
    assert "GM0358_2025-H1_wmo.csv" in page.text
    status = page.text[page.text.index('id="status"'):page.text.index("</table>", page.text.index('id="status"'))]
    assert re.search(r'class="ontbreekt"><td><a href="/geschiedenis/GM0197">', status)  # Aalten delivered nothing
    assert "Weigeringen" in page.text
    assert beheer.get("/geschiedenis/GM0358").status_code == 200


# --- delivery window ---------------------------------------------------------------------------

def test_upload_outside_the_delivery_window_is_refused(tmp_path):
    home = make_home(tmp_path / "home")
    config = make_config(home, window_start=parse_moment("2020-01-01"), window_end=parse_moment("2020-03-31", end=True))
    app = make_app(config, {"aalsmeer": "GM0358"})
    with serve(app) as url, httpx.Client(base_url=url) as client:
        assert login(client, "aalsmeer").status_code == 303
        assert "Aanleveren is nu niet mogelijk" in client.get("/aanleveren").text
        before = snapshot(home.root)
        response = upload(client, {"wmo": ("wmo.csv", good_file())})
        assert response.status_code == 403 and "aanlevervenster" in response.text
        assert snapshot(home.root) == before
        assert app.state.store.refusals()[0]["reden"] == "buiten aanleverperiode"


def test_reports_are_not_served_statically(portal, as_user, first_delivery):
    client = as_user("aalsmeer")
    for url in ("/reports/GM0358/", "/var/reports/index.html", "/rapport/GM0358/2025-H1/index.html", "/portal.sqlite3"):
        assert client.get(url).status_code == 404


# --- the lock-out cannot be raced (issue 13, item 4) ------------------------------------------

def _parallel_logins(portal, attempts: list[tuple[str, str, str]]) -> list[int]:
    """Log in with every (user, password, client address) at the same moment; the status codes."""
    clients = [portal.client() for _ in attempts]
    try:
        forms = [client.get("/inloggen", headers={"X-Forwarded-For": address}) for client, (_, _, address) in zip(clients, attempts)]
        start = threading.Barrier(len(attempts))

        def attempt(index: int) -> int:
            client, (user, password, address) = clients[index], attempts[index]
            start.wait()
            return client.post("/inloggen", data={"csrf": csrf_of(forms[index].text), "gebruiker": user, "wachtwoord": password},
                               headers={"X-Forwarded-For": address}).status_code

        with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
            return list(pool.map(attempt, range(len(attempts))))
    finally:
        for client in clients:
            client.close()


def test_parallel_wrong_passwords_get_at_most_the_threshold_of_guesses(portal):
    portal.store.add_account("gelijktijdig", "GM0358", False, hash_password(PASSWORD))
    # Twelve guesses at once, each from its own address, so only the account's lock-out can stop them.
    statuses = _parallel_logins(portal, [("gelijktijdig", f"geraden-{i}-wachtwoord", f"198.51.100.{i + 1}") for i in range(12)])
    checked = statuses.count(401)
    assert checked <= portal.config.account_threshold, statuses
    assert statuses.count(429) == 12 - checked and checked >= 1
    assert lockout.state(portal.store, "gebruiker:gelijktijdig")["mislukt"] == checked
    with portal.client() as client:  # the account is locked now, even for the right password
        assert login(client, "gelijktijdig", headers={"X-Forwarded-For": "198.51.100.99"}).status_code == 429


def test_parallel_guesses_from_one_address_get_at_most_its_threshold(portal):
    address = "203.0.113.200"
    statuses = _parallel_logins(portal, [(f"iemand-anders-{i}", "raden-raden-raden", address) for i in range(12)])
    assert statuses.count(401) <= portal.config.client_threshold, statuses
    assert statuses.count(401) + statuses.count(429) == 12


def test_successful_log_ins_do_not_count_against_the_address(portal):
    address = {"X-Forwarded-For": "203.0.113.201"}
    with portal.client() as client:
        for _ in range(portal.config.client_threshold + 2):
            assert login(client, "aalten", headers=address).status_code == 303
            client.cookies.clear()
    assert lockout.state(portal.store, "client:203.0.113.201")["mislukt"] == 0


# --- CSV files are safe to open in a spreadsheet (issue 13, item 5) ------------------------------

def test_report_csv_is_served_with_formulas_neutralised(portal, as_user):
    folder = portal.home.reports / "GM0358" / "2024-H1"
    folder.mkdir(parents=True, exist_ok=True)
    name = "20240101T000000000000Z_wmo.csv"
    attack = ["=HYPERLINK(\"http://example.invalid\";\"klik\")", "=cmd|' /C calc'!A0", "@SUM(1)", "+SUM(1+1)", "-2+3", "\tx"]
    lines = ["rij;kolom;waarde;reden"] + [f"{i + 2};bsn;\"{value.replace(chr(34), chr(34) * 2)}\";test" for i, value in enumerate(attack)]
    (folder / name).write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    response = as_user("aalsmeer").get(f"/rapport/GM0358/2024-H1/{name}")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    served = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert served[0] == ["rij", "kolom", "waarde", "reden"]
    assert [row[2] for row in served[1:]] == ["'" + value for value in attack]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in served for cell in row)
