"""`gmsd` as a process: it ends without tearing its interpreter down (`gmsd.cli.main`), yet every
line is delivered, the exit status is the command's, and exit handlers still run."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb

from vocabulary.home import Home


def _gmsd(home, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GMSD_")}
    return subprocess.run([sys.executable, "-m", "gmsd.cli", *args, "--home", str(home)], env=env, capture_output=True,
                          text=True, timeout=120)


def test_output_and_exit_status_survive_the_fast_exit(tmp_path):
    home = Home(tmp_path / "home").ensure()
    duckdb.connect(str(home.warehouse)).close()  # an empty warehouse is enough to query
    rows = _gmsd(home.root, "sql", "SELECT range AS getal FROM range(20000)", "--csv")
    assert rows.returncode == 0, rows.stderr
    assert rows.stdout.splitlines()[-1] == "19999" and len(rows.stdout.splitlines()) == 20001  # all of it, flushed

    refused = _gmsd(home.root, "publish")  # no concept figures yet, no key: a Dutch refusal, status 2
    assert refused.returncode == 2 and "sleutel" in refused.stdout + refused.stderr

    missing = _gmsd(home.root, "sql", "SELECT * FROM bestaat_niet")
    assert missing.returncode != 0 and "bestaat_niet" in missing.stdout + missing.stderr


def test_exit_handlers_run_before_the_process_ends(tmp_path):
    """A temporary folder made by TemporaryDirectory is removed by its exit handler, as in an ordinary exit."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import sys, tempfile, gmsd.cli\n"
        "keep = tempfile.TemporaryDirectory(dir=sys.argv[1])\n"
        "sys.argv = ['gmsd', '--help']\n"
        "gmsd.cli.main()\n"
    )
    done = subprocess.run([sys.executable, str(probe), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Gemeentelijke Monitor" in done.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["probe.py"]
