"""Fixtures of the portal tests: one running portal for the package, logged-in clients, one delivery.

One server for the whole package (start-up and the first intake import cost seconds): a tmp home
with the sample postcode table, a random pseudonymisation key in the environment, two gemeente
accounts (GM0358 Aalsmeer, GM0197 Aalten) and an operator. Small limits so refusals are cheap to
provoke: 200 kB per file, lock-out after 3 failed log-ins per account and 6 per client address.
The helpers and data live in tests/fixtures/portal.py.
"""

from __future__ import annotations

import secrets

import pytest

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from tests.fixtures.portal import Portal, bad_file, good_file, login, make_app, make_config, make_home, serve, upload, wait_for_upload

MAX_BYTES = 200 * 1024


@pytest.fixture(scope="package")
def portal(tmp_path_factory) -> Portal:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(KEY_ENV, secrets.token_hex(32))
        mp.delenv(KEY_FILE_ENV, raising=False)
        home = make_home(tmp_path_factory.mktemp("portal") / "home")
        config = make_config(home, max_upload_bytes=MAX_BYTES, account_threshold=3, client_threshold=6, lock_base_seconds=60)
        app = make_app(config)
        with serve(app) as url:
            yield Portal(url=url, home=home, store=app.state.store, config=config)


@pytest.fixture()
def as_user(portal):
    """Logged-in clients, closed afterwards: as_user('aalsmeer')."""
    clients = []

    def make(user: str):
        client = portal.client()
        response = login(client, user)
        assert response.status_code == 303, response.text
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


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
