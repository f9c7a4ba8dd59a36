"""Contract validation: row-level rules, their severity, verdicts and what the report shows."""

import pandas as pd
import pytest

from clearinghouse.normalise import normalise
from vocabulary.periode import Periode
from clearinghouse.validation import validate
from vocabulary.oordelen import AFGEKEURD, FOUT, GOEDGEKEURD, MET_AFWIJKINGEN, WAARSCHUWING
from contracts.delivery import CONTRACTS, CROSS_COLUMN_RULES, elfproef, required_columns
from contracts.regels import rules
from tests.fixtures.deliveries import fake_bsns, fake_bsns_leading_zero, jeugd_row, wmo_row

H1 = Periode.parse("2025-H1")


def _validate(rows, domein="wmo", headers=None):
    raw = pd.DataFrame(rows).astype(str)
    return validate(normalise(raw, periode=H1), domein, headers=headers)


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
    rows[4]["voorziening"] = ""
    rows[5]["geslacht"] = "Q"  # a waarschuwing: the row is not rejected
    result = _validate(rows)
    assert result.rows_rejected == 5
    assert result.verdict() == MET_AFWIJKINGEN  # 5 of 100 is not *more than* 5 %
    by_row = result.failures.groupby("rij")["regel"].apply(set).to_dict()
    assert by_row[2] == {"bsn_elfproef"}
    assert "voorziening_code" in by_row[3]
    assert "einde_na_start" in by_row[4]
    assert "overlapt_periode" in by_row[5]
    assert by_row[6] == {"voorziening_verplicht"}
    assert by_row[7] == {"geslacht_code"} and result.rows_warned == 1
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


def test_a_waarschuwing_keeps_the_row_and_makes_the_value_unknown():
    bsns = fake_bsns(10)
    rows = [wmo_row(b, herkomst="NL") for b in bsns]
    rows[0]["postcode"] = "12345"  # issue 13: this client disappeared from the gemeente's count
    rows[1]["geslacht"] = "Q"
    rows[2]["herkomst"] = "Marokko"
    rows[3]["aanbieder_id"] = "AGB123"
    rows[4]["huisnummer"] = "geen"
    result = _validate(rows)
    assert result.rows_rejected == 0 and result.rows_warned == 5 and result.verdict() == GOEDGEKEURD
    assert len(result.valid) == 10
    valid = result.valid.reset_index(drop=True)
    assert pd.isna(valid.loc[0, "postcode"]) and valid.loc[1, "geslacht"] == "O" and valid.loc[2, "herkomst"] == "ONB"
    assert pd.isna(valid.loc[3, "aanbieder_id"]) and pd.isna(valid.loc[4, "huisnummer"])
    assert set(result.failures["ernst"]) == {WAARSCHUWING}


def test_only_fouten_count_for_the_five_percent_rule():
    rows = [wmo_row(b) for b in fake_bsns(20)]
    for row in rows[:10]:
        row["postcode"] = "onbekend"  # half the file with a waarschuwing
    rows[10]["voorziening"] = "99"  # one fout: 5 %
    result = _validate(rows)
    assert result.rows_rejected == 1 and result.verdict() == MET_AFWIJKINGEN
    rows[11]["voorziening"] = "99"  # two fouten: 10 %
    assert _validate(rows).verdict() == AFGEKEURD


def test_bsn_that_lost_its_zeros_is_repaired_with_a_waarschuwing():
    good = fake_bsns_leading_zero(1, seed=5)
    rows = [wmo_row(b) for b in fake_bsns(5)]
    rows[0]["bsn"] = good[0].lstrip("0")  # 8 (or 7) digits, as Excel shows a number
    rows[1]["bsn"] = "1234567"  # 7 digits that do not become a valid BSN: a fout
    result = _validate(rows)
    findings = result.failures.set_index("rij")
    assert findings.loc[2, "regel"] == "bsn_aangevuld" and findings.loc[2, "ernst"] == WAARSCHUWING
    assert findings.loc[3, "regel"] == "bsn_elfproef" and findings.loc[3, "ernst"] == FOUT
    assert result.valid.loc[0, "bsn"] == good[0]
    assert findings.loc[2, "waarde"].endswith(good[0][-4:]) and good[0].lstrip("0") not in findings.loc[2, "waarde"]


def test_end_before_start_shows_both_dates_with_the_delivered_names():
    rows = [wmo_row(b) for b in fake_bsns(3)]
    rows[1].update(datum_start="01-03-2025", datum_einde="01-02-2025")
    headers = {"datum_start": "Startdatum", "datum_einde": "EINDDATUM"}
    result = _validate(rows, headers=headers)
    finding = result.failures[result.failures["regel"] == "einde_na_start"].iloc[0]
    assert finding["kolom"] == "Startdatum, EINDDATUM"
    assert finding["waarde"] == "Startdatum: 01-03-2025; EINDDATUM: 01-02-2025"


def test_unknown_code_lists_every_allowed_code_with_its_meaning():
    rows = [wmo_row(b) for b in fake_bsns(3)]
    rows[0]["voorziening"] = "99"
    result = _validate(rows, headers={"voorziening": "Product"})
    rule = {r.naam: r for r in rules("wmo")}["voorziening_code"]
    assert result.failures.iloc[0]["melding"].startswith("Kolom `Product` bevat een onbekende code")
    for code in [f"{n:02d}" for n in range(1, 19)]:
        assert f"`{code}` " in rule.verwacht  # all 18, not cut short
    assert "`18` overige beschermd wonen en opvang" in rule.verwacht


def test_a_bad_date_shows_the_value_as_read_and_the_accepted_formats():
    rows = [wmo_row(b) for b in fake_bsns(3)]
    rows[0]["datum_start"] = "31-02-2025"
    result = _validate(rows)
    finding = result.failures.iloc[0]
    assert (finding["regel"], finding["waarde"]) == ("datum_start_onleesbaar", "31-02-2025")
    assert "JJJJMMDD" in {r.naam: r for r in rules("wmo")}["datum_start_onleesbaar"].verwacht


@pytest.mark.parametrize("domein", ["jeugd", "wmo", "participatie"])
def test_every_rule_has_a_severity_and_every_cross_column_check_is_declared(domein):
    schema = CONTRACTS[domein].to_schema()
    assert {check.name for check in schema.checks} <= set(CROSS_COLUMN_RULES)
    for name, column in schema.columns.items():
        assert (column.metadata or {}).get("ernst") in (FOUT, WAARSCHUWING), name
    severities = {rule.naam: rule.ernst for rule in rules(domein)}
    for fout in ("bsn_elfproef", "datum_start_onleesbaar", "voorziening_code", "gemeentecode_formaat", "einde_na_start"):
        assert severities[fout] == FOUT
    for warning in ("postcode_formaat", "geslacht_code", "aanbieder_id_formaat", "bsn_aangevuld", "kosten_euro_bereik"):
        assert severities[warning] == WAARSCHUWING


def test_jeugd_verwijzer_unknown_becomes_07():
    rows = [jeugd_row(b, p) for b, p in zip(fake_bsns(3), fake_bsns(3, seed=4))]
    rows[0]["verwijzer"] = "9"
    result = _validate(rows, domein="jeugd")
    assert result.rows_rejected == 0 and result.valid.iloc[0]["verwijzer"] == "07"
