"""Contract validation: row-level rules, verdicts and what the report shows."""

import pandas as pd

from clearinghouse.normalise import normalise
from vocabulary.periode import Periode
from clearinghouse.validation import validate
from vocabulary.oordelen import AFGEKEURD, GOEDGEKEURD, MET_AFWIJKINGEN
from contracts.delivery import elfproef, required_columns
from tests.fixtures.deliveries import fake_bsns, wmo_row

H1 = Periode.parse("2025-H1")


def _validate(rows, domein="wmo"):
    raw = pd.DataFrame(rows).astype(str)
    return validate(normalise(raw, periode=H1), domein)


def test_elfproef_vectorised():
    good = fake_bsns(50)
    assert elfproef(pd.Series(good)).all()
    bad = [b[:-1] + str((int(b[-1]) + 1) % 10) for b in good]
    assert not elfproef(pd.Series(bad)).any()
    assert elfproef(pd.Series(["000000000"])).all()
    assert not elfproef(pd.Series(["12345678", "abcdefghi", None])).any()


def test_clean_file_is_goedgekeurd():
    result = _validate([wmo_row(b) for b in fake_bsns(20)])
    assert result.rows_rejected == 0 and result.verdict() == GOEDGEKEURD


def test_each_rule_rejects_its_row_with_a_dutch_reason_and_masked_bsn():
    bsns = fake_bsns(100)
    rows = [wmo_row(b) for b in bsns]
    broken_bsn = bsns[0][:-1] + str((int(bsns[0][-1]) + 1) % 10)
    rows[0]["bsn"] = broken_bsn
    rows[1]["voorziening"] = "99"
    rows[2]["datum_einde"] = "2025-01-01"  # before start
    rows[3]["datum_start"] = "2025-08-01"  # after the periode
    rows[4]["geslacht"] = "Q"
    result = _validate(rows)
    assert result.rows_rejected == 5
    assert result.verdict() == MET_AFWIJKINGEN  # 5 of 100 is not *more than* 5 %
    by_row = result.failures.groupby("rij")["regel"].apply(set).to_dict()
    assert by_row[2] == {"bsn_elfproef"}
    assert "voorziening_code" in by_row[3]
    assert "einde_na_start" in by_row[4]
    assert "overlapt_periode" in by_row[5]
    assert "geslacht_code" in by_row[6]
    shown = result.failures.loc[result.failures["rij"] == 2, "waarde"].iloc[0]
    assert broken_bsn not in shown and shown.endswith(broken_bsn[-4:]) and shown.startswith("*")
    assert result.failures["melding"].str.len().gt(10).all()


def test_verdict_threshold():
    rows = [wmo_row(b) for b in fake_bsns(100)]
    rows[0]["voorziening"] = "99"
    result = _validate(rows)
    assert result.verdict() == MET_AFWIJKINGEN
    assert result.verdict(max_rejected_share=0.0) == AFGEKEURD


def test_jeugd_under_18_needs_gezagdrager_and_age_must_fit_domein():
    kids = fake_bsns(3, seed=7)
    rows = []
    for bsn in kids:
        row = wmo_row(bsn, geboortedatum="20150101", voorziening="01", verwijzer="02")
        row["bsn_gezagdrager"] = fake_bsns(1, seed=9)[0]
        rows.append(row)
    rows[0]["bsn_gezagdrager"] = ""
    rows[1]["geboortedatum"] = "19600101"  # 65: not jeugd
    result = _validate(rows, domein="jeugd")
    rules = set(result.failures["regel"])
    assert {"gezagdrager_bij_minderjarige", "leeftijd_plausibel"} <= rules
    assert result.rows_rejected == 2


def test_unknown_bsn_is_kept():
    result = _validate([wmo_row("000000000")])
    assert result.rows_rejected == 0


def test_required_columns_per_domein():
    assert "verwijzer" in required_columns("jeugd") and "bsn_gezagdrager" in required_columns("jeugd")
    assert "verwijzer" not in required_columns("wmo")
    assert "leveringsvorm" not in required_columns("participatie")
