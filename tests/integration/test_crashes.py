"""`kill -9` at any point converges: the next command reaches the state an uninterrupted run reaches.

Each test starts a real `gmsd` process, waits until it is inside a step (a temporary or a new file
appears on disk), kills it with SIGKILL, runs the next command, and compares the published figures
with those of an uninterrupted run of the same deliveries and key (figures are deterministic: the
rounding draws are keyed, not random).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.fixtures.homes import sample_home
from vocabulary.home import Home
from vocabulary.periode import Periode

GEMEENTEN = ("GM0060", "GM0358")
PERIODE = "2025-H1"
KEY = secrets.token_hex(32)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GMSD_")}
    return {**env, "GMSD_PSEUDONYM_KEY": KEY, "GMSD_HOME": str(home)}


def _gmsd(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "gmsd.cli", *args], env=_env(home), capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _fresh_home(root: Path) -> Home:
    return sample_home(root, GEMEENTEN, periode=PERIODE)


def _published(home: Home) -> str:
    """A hash of everything published, except the moment of publication."""
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        figures = con.execute("SELECT * FROM publish.indicatoren ORDER BY ALL").df().to_csv(index=False)
        releases = con.execute("SELECT release_id, periode, status, cijfers, herzien FROM publish.releases ORDER BY ALL").df().to_csv(index=False)
    # The pages of the site (the data quality pages are named after the moment of their check).
    site = sorted(str(p.relative_to(home.site)) for p in home.site.rglob("*.html") if "kwaliteit" not in p.parts)
    return hashlib.sha256((figures + releases + "\n".join(site)).encode()).hexdigest()


def _children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, IndexError):
            continue
        if int(parent) == pid and state != "Z":
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _kill_when(home: Path, args: list[str], moment: Callable[[Path], bool], timeout: float = 300) -> bool:
    """Start `gmsd args`, SIGKILL it as soon as `moment(home)` holds; True if it was killed mid-way.

    Its worker processes (intake, the quality check's, the site's) must die with it: once, the
    quality check's process stayed behind after every killed `gmsd run`, idle, holding ~300 MB."""
    process = subprocess.Popen([sys.executable, "-m", "gmsd.cli", *args], env=_env(home),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if moment(home):
            workers = _children(process.pid)
            process.send_signal(signal.SIGKILL)
            process.wait()
            gone_by = time.monotonic() + 10
            while any(_alive(pid) for pid in workers) and time.monotonic() < gone_by:
                time.sleep(0.05)
            survivors = [pid for pid in workers if _alive(pid)]
            for pid in survivors:
                os.kill(pid, signal.SIGKILL)
            assert not survivors, f"{len(survivors)} worker process(es) outlived the killed command"
            return True
        time.sleep(0.002)
    process.wait()
    return False


def _temporary(pattern: str) -> Callable[[Path], bool]:
    return lambda home: any(home.glob(pattern))


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> str:
    home = _fresh_home(tmp_path_factory.mktemp("crash") / "home")
    _gmsd(home.root, "run")
    _gmsd(home.root, "publish", "--periode", PERIODE)
    return _published(home)


@pytest.mark.parametrize(
    "where, command, moment",
    [
        ("intake", ["run"], _temporary("intake/*/*/*.parquet")),
        ("warehouse build", ["run"], _temporary(".warehouse.duckdb.tmp-*")),
        ("national counts file", ["run"], _temporary("tellingen/landelijk-*.parquet")),
        ("concept figures, periode by periode", ["run"], _temporary("concept/delen/indicatoren-*.parquet")),
        # The raw files leave the inbox while the counts run (two threads beside the step's events).
        ("inbox clean-up beside the counts", ["run"], _temporary("verwijderd/*/*/*.parquet")),
    ],
)
def test_a_killed_round_converges_on_the_next_command(tmp_path, uninterrupted, where, command, moment):
    home = _fresh_home(tmp_path / "home")
    assert _kill_when(home.root, command, moment), f"the process finished before it reached the {where}"
    _gmsd(home.root, "run")
    _gmsd(home.root, "publish", "--periode", PERIODE)
    assert _published(home) == uninterrupted
    assert not list(home.root.glob(".*.tmp-*"))  # the dead process's temporaries are gone


@pytest.mark.parametrize(
    "where, moment",
    [
        ("release frozen, not served", _temporary(f"releases/{PERIODE}-r1/release.json")),
        ("warehouse build", _temporary(".warehouse.duckdb.tmp-*")),
        ("site swap", _temporary(".site.tmp-*")),
    ],
)
def test_a_killed_publication_converges_on_the_next_command(tmp_path, uninterrupted, where, moment):
    home = _fresh_home(tmp_path / "home")
    _gmsd(home.root, "run")
    assert _kill_when(home.root, ["publish", "--periode", PERIODE], moment), f"publish finished before the {where}"
    result = _gmsd(home.root, "publish", "--periode", PERIODE)
    assert _published(home) == uninterrupted, result.stdout
    # A periode is never released twice, and a later run does not block on the dead one.
    assert sorted(p.name for p in home.releases.iterdir()) == [f"{PERIODE}-r1"]
    _gmsd(home.root, "run")
    assert _published(home) == uninterrupted


# The sample's periodes are more than a year past, so their first release is already definitief.
# The half-year that just ended gets a provisional (voorlopig) one, the case of a live monitor.
PROVISIONAL = Periode.containing(date.today()).previous().code


def _provisional_home(root: Path) -> Home:
    home = sample_home(root)
    _gmsd(home.root, "generate", "--gemeente", "GM0358", "--periode", PROVISIONAL, "--home", str(home.root))
    _gmsd(home.root, "run")
    return home


@pytest.fixture(scope="module")
def uninterrupted_provisional(tmp_path_factory) -> str:
    home = _provisional_home(tmp_path_factory.mktemp("voorlopig") / "home")
    _gmsd(home.root, "publish")
    assert sorted(p.name for p in home.releases.iterdir()) == [f"{PROVISIONAL}-r1"]
    return _published(home)


@pytest.mark.parametrize(
    "where, moment",
    [
        ("release frozen, not served", _temporary(f"releases/{PROVISIONAL}-r1/release.json")),
        ("site built after the warehouse served the release", _temporary(".site-downloads.tmp-*")),
        ("site swap", _temporary(".site.tmp-*")),
    ],
)
def test_a_killed_publication_of_a_provisional_release_converges(tmp_path, uninterrupted_provisional, where, moment):
    """Found on the national round (2 Dec 2026, periode 2026-H1): `gmsd publish` killed after it froze
    release r1 made a second release, r2 'nader voorlopig', on the next `gmsd publish`, and left its
    29 MB download folder in the home for ever."""
    home = _provisional_home(tmp_path / "home")
    assert _kill_when(home.root, ["publish"], moment), f"publish finished before the {where}"
    result = _gmsd(home.root, "publish")
    assert _published(home) == uninterrupted_provisional, result.stdout
    assert sorted(p.name for p in home.releases.iterdir()) == [f"{PROVISIONAL}-r1"]
    assert not [p.name for p in home.root.iterdir() if p.name.startswith((".", "tmp")) and "tmp" in p.name]


@pytest.mark.parametrize(
    "where, moment",
    [
        ("concept figures written, checks running", _temporary("concept/indicatoren.parquet")),
        ("release frozen, not served", _temporary(f"releases/{PERIODE}-r1/release.json")),
        ("site swap", _temporary(".site.tmp-*")),
    ],
)
def test_a_killed_run_publiceer_converges_on_the_next_one(tmp_path, uninterrupted, where, moment):
    """`gmsd run --publiceer` killed anywhere: the next one releases what was not released, once, and serves it."""
    home = _fresh_home(tmp_path / "home")
    assert _kill_when(home.root, ["run", "--publiceer"], moment), f"the command finished before the {where}"
    _gmsd(home.root, "run", "--publiceer")
    assert _published(home) == uninterrupted
    assert sorted(p.name for p in home.releases.iterdir()) == [f"{PERIODE}-r1"]
    assert not list(home.root.glob(".*.tmp-*"))


def test_sigterm_stops_a_round_promptly_with_one_dutch_line(tmp_path, uninterrupted):
    """Once, a `gmsd run` ignored SIGTERM (it waited for a slot a dead run held); and Dagster lets a
    step finish before it stops. Now the step is interrupted, the command says so and exits."""
    home = _fresh_home(tmp_path / "home")
    process = subprocess.Popen([sys.executable, "-m", "gmsd.cli", "run"], env=_env(home.root),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while process.poll() is None and not any(home.core.rglob("*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "the round finished before it could be stopped"
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 130, output
    assert "afgebroken" in output and "Traceback" not in output
    _gmsd(home.root, "run")
    _gmsd(home.root, "publish", "--periode", PERIODE)
    assert _published(home) == uninterrupted


def test_two_rounds_at_once_process_every_delivery_once(tmp_path, uninterrupted):
    """Once, two `gmsd run` on one home both processed every delivery (the audit trail doubled).
    Now the second waits for the first (one intake owner per home) and finds nothing left to do."""
    home = _fresh_home(tmp_path / "home")
    first, second = (subprocess.Popen([sys.executable, "-m", "gmsd.cli", "run"], env=_env(home.root),
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2))
    outputs = [process.communicate(timeout=600)[0] for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        counts = con.execute("SELECT gemeente_code, domein, count(*) FROM audit.leveringen GROUP BY ALL ORDER BY ALL").fetchall()
    assert counts == [(code, domein, 1) for code in sorted(GEMEENTEN) for domein in ("jeugd", "participatie", "wmo")]
    _gmsd(home.root, "publish", "--periode", PERIODE)
    assert _published(home) == uninterrupted
