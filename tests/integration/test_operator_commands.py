"""The operator's commands on a real inbox: `gmsd run` needs a key and makes concept figures only;
`gmsd purge` keeps raw files within the retention period and deletes them after."""

from __future__ import annotations

import secrets

import duckdb
from typer.testing import CliRunner

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from gmsd.cli import app
from tests.fixtures.homes import sample_home
from vocabulary.home import Home

runner = CliRunner()


def said(result) -> str:
    """The command's output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def _home(tmp_path) -> Home:
    return sample_home(tmp_path / "home", ["GM0060"])


def test_run_refuses_without_a_key_and_makes_concept_figures_with_one(tmp_path, monkeypatch):
    home = _home(tmp_path)
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    refused = runner.invoke(app, ["run", "--home", str(home.root)])
    assert refused.exit_code == 2 and "geen pseudonimiseringssleutel" in said(refused)
    assert not home.warehouse.exists() and any(home.inbox.rglob("*.xlsx"))  # nothing touched

    monkeypatch.setenv(KEY_ENV, "kort")
    short = runner.invoke(app, ["run", "--home", str(home.root)])
    assert short.exit_code == 2 and "minimaal 32 bytes" in said(short)

    monkeypatch.setenv(KEY_ENV, secrets.token_hex(32))
    monkeypatch.setenv("GMSD_RETENTIE_DAGEN", "30")
    done = runner.invoke(app, ["run", "--home", str(home.root)])
    assert done.exit_code == 0, done.output
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM concept.indicatoren WHERE gemeente_code = 'GM0060'").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM publish.indicatoren").fetchone()[0] == 0  # no release yet
    # Within the retention period the raw files are kept, out of the inbox (never taken in twice).
    assert any(home.bewaard.rglob("*.xlsx")) and not any(home.inbox.rglob("*.xlsx"))

    kept = runner.invoke(app, ["purge", "--home", str(home.root), "--retentie-dagen", "30"])
    assert kept.exit_code == 0 and "0 ruwe bestanden verwijderd" in said(kept)
    purged = runner.invoke(app, ["purge", "--home", str(home.root), "--retentie-dagen", "0"])
    assert purged.exit_code == 0 and "8 ruwe bestanden verwijderd" in said(purged)  # 6 files + 2 manifests
    assert not any(p.is_file() for p in home.inbox.rglob("*")) and not any(p.is_file() for p in home.bewaard.rglob("*"))


def test_a_round_on_an_empty_home_says_so_in_dutch_without_a_traceback(tmp_path, monkeypatch):
    """Once, `gmsd run` on a home without any delivery built its warehouse with an audit table of one
    column and then crashed on its own summary (a Binder Error with a traceback)."""
    home = Home(tmp_path / "leeg").ensure()
    monkeypatch.setenv(KEY_ENV, secrets.token_hex(32))
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    first = runner.invoke(app, ["run", "--home", str(home.root)])
    assert first.exit_code == 0, first.output
    assert "0 van 0 die aanleverden" in said(first) and "nog niet gepubliceerd" in said(first)
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        columns = {row[0] for row in con.execute("DESCRIBE audit.leveringen").fetchall()}
    assert {"periode", "domein", "oordeel", "rijen_gelezen", "verwerkt_op"} <= columns
    published = runner.invoke(app, ["run", "--publiceer", "--home", str(home.root)])
    assert published.exit_code == 0, published.output
    assert "niets te publiceren" in said(published) and not list(home.releases.glob("*/release.json"))
    # The one-command path on a new home: nothing to release, the warehouse still built, as after `gmsd run`.
    other = Home(tmp_path / "ook-leeg").ensure()
    alone = runner.invoke(app, ["run", "--publiceer", "--home", str(other.root)])
    assert alone.exit_code == 0 and "niets te publiceren" in said(alone), alone.output
    with duckdb.connect(str(other.warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM audit.leveringen").fetchone()[0] == 0
