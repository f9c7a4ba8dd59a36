"""`gmsd check`: the gemeente's local pre-check — verdict, exit code, report next to the file."""

import pandas as pd
from typer.testing import CliRunner

from gmsd.cli import app
from tests.fixtures.deliveries import fake_bsns, wmo_row

runner = CliRunner()


def _write(tmp_path, rows, name="GM0358_2025-H1_wmo.csv"):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, sep=";", index=False, encoding="cp1252")
    return path


def test_good_file_exits_0_and_writes_report(tmp_path, monkeypatch):
    monkeypatch.delenv("GMSD_PSEUDONYM_KEY", raising=False)
    path = _write(tmp_path, [wmo_row(b) for b in fake_bsns(30)])
    result = runner.invoke(app, ["check", str(path), "--gemeente", "0358", "--periode", "2025-H1"])
    assert result.exit_code == 0, result.output
    assert "goedgekeurd" in result.output
    report = tmp_path / "GM0358_2025-H1_wmo.rapport.html"
    assert report.exists() and "Kwaliteitsrapport" in report.read_text(encoding="utf-8")


def test_rows_with_problems_exit_1_and_the_report_masks_the_bsn(tmp_path):
    bsns = fake_bsns(40)
    rows = [wmo_row(b) for b in bsns]
    wrong = bsns[0][:8] + str((int(bsns[0][8]) + 1) % 10)
    rows[0]["bsn"] = wrong
    path = _write(tmp_path, rows)
    result = runner.invoke(app, ["check", str(path), "--gemeente", "GM0358", "--periode", "2025-H1", "--rapport", str(tmp_path / "r")])
    assert result.exit_code == 1, result.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    csv = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "11-proef" in html and wrong not in html and wrong not in csv and wrong[-4:] in html


def test_wrong_gemeente_or_missing_column_exits_2_with_a_reason(tmp_path):
    path = _write(tmp_path, [wmo_row(b) for b in fake_bsns(10)])
    result = runner.invoke(app, ["check", str(path), "--gemeente", "GM0363", "--periode", "2025-H1"])
    assert result.exit_code == 2 and "andere gemeente" in result.output
    rows = [{k: v for k, v in wmo_row(b).items() if k != "voorziening"} for b in fake_bsns(10)]
    path = _write(tmp_path, rows, name="wmo2.csv")
    result = runner.invoke(app, ["check", str(path), "--gemeente", "GM0358", "--periode", "2025-H1"])
    assert result.exit_code == 2 and "voorziening" in result.output


def test_unclear_domein_is_asked_for(tmp_path):
    path = _write(tmp_path, [wmo_row(b) for b in fake_bsns(3)], name="export.csv")
    result = runner.invoke(app, ["check", str(path), "--gemeente", "GM0358", "--periode", "2025-H1"])
    assert result.exit_code == 2 and "--domein" in result.output


def test_a_folder_is_refused_with_what_to_give_instead(tmp_path):
    """Once `gmsd check DIR` said the existing folder did not exist."""
    result = runner.invoke(app, ["check", str(tmp_path), "--gemeente", "GM0358", "--periode", "2025-H1"])
    assert result.exit_code == 2 and "is een map" in result.output and "bestaat niet" not in result.output
