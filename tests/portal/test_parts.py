"""The portal's parts without a server: lock-out reservations, open periodes, template files, safe CSV."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from clearinghouse.intake import check_file
from contracts.delivery import delivered_columns
from portal import lockout
from portal.accounts import AccountError, gemeente_code, plan_account
from portal.example_files import FAKE_BSN, file_name, template
from portal.periodes import current_periode, open_periodes
from portal.report_files import safe_csv
from portal.store import Store
from vocabulary.domeinen import DOMEINEN
from vocabulary.periode import Periode

POLICY = lockout.Policy(threshold=3, base=30.0, maximum=900.0, memory=3600.0)


def test_reservations_from_many_threads_admit_exactly_the_threshold(tmp_path):
    store = Store(tmp_path / "portal.sqlite3")
    start = threading.Barrier(12)
    now = time.time()

    def guess(_):
        start.wait()
        return lockout.reserve(store, {"gebruiker:doel": POLICY}, now).admitted

    with ThreadPoolExecutor(max_workers=12) as pool:
        admitted = list(pool.map(guess, range(12)))
    assert admitted.count(True) == POLICY.threshold
    row = lockout.state(store, "gebruiker:doel")
    assert row["mislukt"] == POLICY.threshold and row["geblokkeerd_tot"] == pytest.approx(now + POLICY.base)


def test_a_success_gives_the_reservation_back_and_clears_the_account(tmp_path):
    store = Store(tmp_path / "portal.sqlite3")
    keys = {"gebruiker:a": POLICY, "client:x": POLICY}
    now = time.time()
    for _ in range(POLICY.threshold - 1):
        lockout.reserve(store, keys, now)  # two wrong guesses
    last = lockout.reserve(store, keys, now)  # the third would lock both keys ...
    assert last.admitted and lockout.state(store, "client:x")["geblokkeerd_tot"] > now
    lockout.succeeded(store, last, clear="gebruiker:a")  # ... but it was the right password
    assert lockout.state(store, "gebruiker:a") is None
    client = lockout.state(store, "client:x")
    assert client["mislukt"] == POLICY.threshold - 1 and client["geblokkeerd_tot"] <= now


def test_failures_older_than_the_memory_are_forgotten(tmp_path):
    store = Store(tmp_path / "portal.sqlite3")
    for _ in range(POLICY.threshold):
        lockout.reserve(store, {"gebruiker:b": POLICY}, 1000.0)
    assert not lockout.reserve(store, {"gebruiker:b": POLICY}, 1001.0).admitted
    later = lockout.reserve(store, {"gebruiker:b": POLICY}, 1000.0 + POLICY.memory + POLICY.maximum + 1)
    assert later.admitted and lockout.state(store, "gebruiker:b")["mislukt"] == 1


def test_open_periodes_are_the_last_completed_half_years():
    assert current_periode(date(2026, 7, 1)).code == "2026-H1"
    assert current_periode(date(2026, 6, 30)).code == "2025-H2"
    assert [p.code for p in open_periodes(date(2026, 1, 15), 4)] == ["2025-H2", "2025-H1", "2024-H2", "2024-H1"]


@pytest.mark.parametrize("domein", DOMEINEN)
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_template_has_the_contract_columns_and_an_example_row_that_passes_every_check(tmp_path, domein, suffix):
    periode = Periode.halfjaar("2025-H1")
    path = tmp_path / file_name(domein, "GM0358", periode, suffix)
    path.write_bytes(template(domein, "GM0358", periode, suffix))
    if suffix == "csv":
        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        sheet = load_workbook(path).active
        rows = list(sheet.values)
        frame = pd.DataFrame(rows[1:], columns=rows[0])
        assert all(cell.number_format == "@" for cell in sheet[2])  # text cells: Excel keeps leading zeros
    assert list(frame.columns) == list(delivered_columns(domein))
    assert len(frame) == 1 and frame["bsn"].iloc[0] == FAKE_BSN and frame["gemeentecode"].iloc[0] == "GM0358"
    outcome = check_file(path, domein=domein, gemeente_code="GM0358", periode=periode, key=None, geography=None)
    assert outcome.oordeel == "goedgekeurd", outcome.melding
    assert outcome.rijen_geaccepteerd == 1 and outcome.failures.empty  # no error, no warning


def test_safe_csv_neutralises_formulas_and_keeps_the_dialect():
    raw = "\ufeffa;b\n=1+1;gewoon\n\"@SUM(1);x\";-3\n".encode("utf-8")
    safe = safe_csv(raw)
    assert safe.startswith(b"\xef\xbb\xbf")
    assert safe.decode("utf-8-sig") == "a;b\n'=1+1;gewoon\n\"'@SUM(1);x\";'-3\n"  # a cell with ; stays quoted
    assert safe_csv(safe) == safe  # idempotent: a safe file is served unchanged
    comma = safe_csv("a,b\n+x,1\n".encode("cp1252"))
    assert comma == b"a,b\n'+x,1\n"
    assert safe_csv("naam;plaats\nJos\xe9;=x\n".encode("cp1252")).decode("cp1252") == "naam;plaats\nJos\xe9;'=x\n"


def test_account_rules(tmp_path):
    store = Store(tmp_path / "portal.sqlite3")
    assert gemeente_code("gm0358") == "GM0358" and gemeente_code(" 358 ") == "GM0358"
    with pytest.raises(AccountError, match="geen bekende gemeentecode"):
        gemeente_code("GM9999")
    with pytest.raises(AccountError, match="2 tot 64 tekens"):
        plan_account(store, "a b", "GM0358", False)
    with pytest.raises(AccountError, match="--gemeente"):
        plan_account(store, "piet", None, False)
    plan = plan_account(store, "beheer", "GM0358", True)
    assert plan.gemeente_code is None and plan.beheerder and "genegeerd" in plan.notes[0]
