"""The real portal, served by uvicorn in a background thread on a free localhost port.

One server for the whole package (start-up and the first intake import cost seconds): a tmp home
with the sample postcode table, a random pseudonymisation key in the environment, two gemeente
accounts (GM0358 Aalsmeer, GM0197 Aalten) and an operator. Small limits so refusals are cheap to
provoke: 200 kB per file, lock-out after 3 failed log-ins per account and 6 per client address.
uvicorn trusts X-Forwarded-For from 127.0.0.1 here (as behind the nginx proxy), so a test can act
as another client address.
"""

from __future__ import annotations

import re
import secrets
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from vocabulary.home import SAMPLE_DIR, Home

PERIODE = "2025-H1"
PASSWORD = "correct-paard-batterij-nietje"
USERS = {"aalsmeer": "GM0358", "aalten": "GM0197", "beheer": None}
MAX_BYTES = 200 * 1024
SAMPLE = SAMPLE_DIR / "inbox" / "GM0358" / PERIODE


@dataclass
class Portal:
    url: str
    home: Home
    store: object
    config: object

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=60, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: httpx.Client, user: str, password: str = PASSWORD, headers: dict | None = None) -> httpx.Response:
    page = client.get("/inloggen", headers=headers)
    return client.post("/inloggen", data={"csrf": csrf_of(page.text), "gebruiker": user, "wachtwoord": password}, headers=headers)


def sample_lines(domein: str, rows: int = 300) -> list[str]:
    text = (SAMPLE / f"GM0358_{PERIODE}_{domein}.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    return lines[: rows + 1]


def good_file(domein: str = "wmo", rows: int = 300) -> bytes:
    return ("\n".join(sample_lines(domein, rows)) + "\n").encode("utf-8")


def bad_file(domein: str = "jeugd", rows: int = 300) -> bytes:
    """Every BSN broken: the intake rejects the whole file (afgekeurd)."""
    header, *body = sample_lines(domein, rows)
    columns = header.split(";")
    bsn = columns.index("BSN")
    broken = []
    for line in body:
        cells = line.split(";")
        cells[bsn] = "12345"
        broken.append(";".join(cells))
    return ("\n".join([header, *broken]) + "\n").encode("utf-8")


def snapshot(root: Path) -> dict[str, int]:
    """Every file under the home except the portal's own database/logs: path → size (refusals change nothing)."""
    skip = ("portal.sqlite3",)
    return {
        str(p.relative_to(root)): p.stat().st_size
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(skip) and "dagster" not in p.relative_to(root).parts
    }


def wait_for_upload(client: httpx.Client, location: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(location)
        assert page.status_code == 200, page.text
        if 'http-equiv="refresh"' not in page.text:
            return page.text
        time.sleep(0.3)
    raise AssertionError("the intake did not finish in time")


@contextmanager
def serve(app):
    """Run `app` with uvicorn in a daemon thread; yield its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           proxy_headers=True, forwarded_allow_ips="127.0.0.1"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def make_home(root: Path) -> Home:
    home = Home(root).ensure()
    (home.root / "reference").mkdir()
    shutil.copy2(SAMPLE_DIR / "geo" / "pc6hnr20240801_gwb.csv", home.root / "reference")
    return home


@pytest.fixture(scope="package")
def portal(tmp_path_factory) -> Portal:
    from portal.app import create_app
    from portal.config import PortalConfig
    from portal.security import hash_password

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(KEY_ENV, secrets.token_hex(32))
        mp.delenv(KEY_FILE_ENV, raising=False)
        home = make_home(tmp_path_factory.mktemp("portal") / "home")
        config = PortalConfig(home=home, max_upload_bytes=MAX_BYTES, account_threshold=3, client_threshold=6, lock_base_seconds=60)
        app = create_app(config)
        store = app.state.store
        hashed = hash_password(PASSWORD)
        for user, gemeente in USERS.items():
            store.add_account(user, gemeente, gemeente is None, hashed)
        with serve(app) as url:
            yield Portal(url=url, home=home, store=store, config=config)


@pytest.fixture()
def as_user(portal):
    """Logged-in clients, closed afterwards: as_user('aalsmeer')."""
    clients = []

    def make(user: str) -> httpx.Client:
        client = portal.client()
        response = login(client, user)
        assert response.status_code == 303, response.text
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def upload(client, files: dict[str, tuple[str, bytes]], *, gemeente="GM0358", periode=PERIODE, basis="ja", facultatief="nee",
           csrf=None, extra: dict | None = None, headers: dict | None = None):
    """POST the upload form as a browser would (CSRF from the form page unless given)."""
    page = client.get("/aanleveren")
    data = {"csrf": csrf if csrf is not None else csrf_of(page.text), "gemeente": gemeente, "periode": periode,
            "publicatie_basis": basis, "publicatie_facultatief": facultatief, **(extra or {})}
    return client.post("/aanleveren", data=data, headers=headers,
                       files={f"bestand_{d}": (name, content, "text/csv") for d, (name, content) in files.items()})


@pytest.fixture(scope="package")
def first_delivery(portal):
    """Aalsmeer delivers a good wmo file and a bad jeugd file once: (result location, result page)."""
    with portal.client() as client:
        assert login(client, "aalsmeer").status_code == 303
        response = upload(client, {"wmo": ("GM0358_2025-H1_wmo.csv", good_file("wmo")),
                                   "jeugd": ("GM0358_2025-H1_jeugd.csv", bad_file("jeugd"))})
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        return location, wait_for_upload(client, location)
