"""`gmsd user add/disable` and `gmsd portal`: accounts, and no start without a pseudonymisation key."""

from __future__ import annotations

import secrets

import pytest
import uvicorn
from typer.testing import CliRunner

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from gmsd.cli import app
from portal.security import verify_password
from portal.store import Store
from vocabulary.home import Home

runner = CliRunner()


@pytest.fixture()
def no_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def test_user_add_disable_and_refusals(tmp_path):
    home = tmp_path / "home"
    secret = tmp_path / "wachtwoord.txt"
    secret.write_text("een-lang-genoeg-wachtwoord\n")
    result = runner.invoke(app, ["user", "add", "--gebruiker", "piet", "--gemeente", "GM0358", "--wachtwoord-bestand", str(secret), "--home", str(home)])
    assert result.exit_code == 0, result.output
    account = Store(home / "portal.sqlite3").account("piet")
    assert account.gemeente_code == "GM0358" and not account.beheerder and account.actief
    assert account.wachtwoord_hash.startswith("$argon2id$") and verify_password(account.wachtwoord_hash, "een-lang-genoeg-wachtwoord")

    again = runner.invoke(app, ["user", "add", "--gebruiker", "piet", "--gemeente", "GM0358", "--wachtwoord-bestand", str(secret), "--home", str(home)])
    assert again.exit_code == 2 and "bestaat al" in again.output
    unknown = runner.invoke(app, ["user", "add", "--gebruiker", "jan", "--gemeente", "GM9999", "--wachtwoord-bestand", str(secret), "--home", str(home)])
    assert unknown.exit_code == 2 and "geen bekende gemeentecode" in unknown.output
    short = tmp_path / "kort.txt"
    short.write_text("kort")
    weak = runner.invoke(app, ["user", "add", "--gebruiker", "jan", "--gemeente", "GM0358", "--wachtwoord-bestand", str(short), "--home", str(home)])
    assert weak.exit_code == 2 and "minstens" in weak.output
    prompted = runner.invoke(app, ["user", "add", "--gebruiker", "beheer", "--beheerder", "--home", str(home)],
                             input="een-ander-lang-wachtwoord\neen-ander-lang-wachtwoord\n")
    assert prompted.exit_code == 0, prompted.output
    assert Store(home / "portal.sqlite3").account("beheer").beheerder
    mismatch = runner.invoke(app, ["user", "add", "--gebruiker", "kees", "--gemeente", "GM0197", "--home", str(home)],
                             input="een-ander-lang-wachtwoord\nanders-getypt-wachtwoord\n")
    assert mismatch.exit_code == 2 and "niet gelijk" in mismatch.output

    disabled = runner.invoke(app, ["user", "disable", "piet", "--home", str(home)])
    assert disabled.exit_code == 0
    assert not Store(home / "portal.sqlite3").account("piet").actief
    assert runner.invoke(app, ["user", "disable", "niemand", "--home", str(home)]).exit_code == 2


def test_portal_refuses_to_start_without_a_key(tmp_path, no_key, monkeypatch):
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("must not start"))
    result = runner.invoke(app, ["portal", "--home", str(tmp_path / "home")])
    assert result.exit_code == 2
    assert "geen pseudonimiseringssleutel" in result.output


def test_portal_demo_uses_the_demo_key_and_listens_on_localhost(tmp_path, no_key, monkeypatch):
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.update(kwargs, app=app))
    result = runner.invoke(app, ["portal", "--demo", "--home", str(tmp_path / "home"), "--max-mb", "5", "--venster-tot", "2030-01-31"])
    assert result.exit_code == 0, result.output
    assert Home(tmp_path / "home").demo_key_file.exists()
    assert started["host"] == "127.0.0.1" and started["proxy_headers"] is False
    config = started["app"].state.config
    assert config.max_upload_bytes == 5 * 1024 * 1024
    assert config.window_end.year == 2030 and config.window_start is None


def test_portal_with_a_key_and_proxy_headers(tmp_path, no_key, monkeypatch):
    monkeypatch.setenv(KEY_ENV, secrets.token_hex(32))
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.update(kwargs, app=app))
    result = runner.invoke(app, ["portal", "--home", str(tmp_path / "home"), "--proxy-headers", "--secure-cookies", "--port", "9000"])
    assert result.exit_code == 0, result.output
    assert started["forwarded_allow_ips"] == "127.0.0.1" and started["port"] == 9000
    assert started["app"].state.config.cookie_name == "__Host-gmsd_sessie"
