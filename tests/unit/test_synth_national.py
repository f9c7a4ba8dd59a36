"""The generator at national scale and into a home folder: the committed sample stays as it is,
postcodes never collide, the postcode table is only added to, and processes do not change files."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from clearinghouse.geography import Geography, forget_geography, geography_for, pc6_table_path
from clearinghouse.inbox import scan_inbox
from clearinghouse.reading import read_table
from gmsd.cli import app
from gmsd.synth import PC6_TABLE_NAME, Destination, PostcodeTableConflict, generate, make_addresses
from gmsd.synth.addresses import LETTERS, PC4_PER_GEMEENTE, pc4_block, world_rng
from gmsd.synth.styles import consent, export_style
from vocabulary.home import SAMPLE_DIR, Home
from vocabulary.reference import gemeenten, kwb_gemeenten, kwb_wijken, read_pc6_table

runner = CliRunner()


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_regenerating_sample_gemeenten_gives_the_committed_files_byte_for_byte(tmp_path):
    # Aalsmeer (`;`, BOM, spaced postcodes), Aalten (Dutch Excel export, no consent), Ameland (XLSX),
    # in the sample's order (the postcode table follows it).
    chosen = ["GM0358", "GM0197", "GM0060"]
    generate(tmp_path, gemeenten=chosen)
    made = _digests(tmp_path / "inbox")
    committed = {k: v for k, v in _digests(SAMPLE_DIR / "inbox").items() if k.split("/")[0] in chosen}
    assert made == committed and len(made) == 3 * 2 * 4  # 2 periodes x (3 files + manifest)
    table = (tmp_path / "geo" / PC6_TABLE_NAME).read_text().splitlines()
    sample_table = (SAMPLE_DIR / "geo" / PC6_TABLE_NAME).read_text().splitlines()
    wanted = {code[2:].lstrip("0") for code in chosen}
    assert table[0] == sample_table[0]
    assert table[1:] == [line for line in sample_table[1:] if line.rsplit(";", 1)[1] in wanted]


def test_national_postcodes_are_valid_and_never_collide():
    wijken = kwb_wijken().assign(inwoners=lambda f: f.inwoners.fillna(0).astype("int64"))
    owner: dict[str, str] = {}
    for index, code in enumerate(gemeenten().gemeente_code):
        table = make_addresses(code, index, wijken[wijken.gemeentecode == code], world_rng(code)).table
        postcodes = table.postcode.unique()
        assert all(re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", p) and p[4:] not in ("SA", "SD", "SS") for p in postcodes)
        pc4 = np.array([int(p[:4]) for p in postcodes])
        assert pc4.min() >= 1000 + 25 * index and pc4.max() < 1000 + 25 * (index + 1) <= 10_000
        clash = [p for p in postcodes if owner.setdefault(p, code) != code]
        assert not clash, (code, clash[:3])
    assert len(owner) > 90_000  # ~1.8 million addresses in ~94,000 PC6s
    assert PC4_PER_GEMEENTE * len(LETTERS) * 8 > 931_298 / 10  # the largest gemeente fits its block


def test_the_national_round_has_every_export_variant_and_some_gemeenten_without_consent():
    inwoners = dict(zip(kwb_gemeenten().gemeentecode, kwb_gemeenten().inwoners.fillna(0).astype(int)))
    codes = list(gemeenten().gemeente_code)
    styles = [export_style(i, inwoners[code], "gemengd") for i, code in enumerate(codes)]
    kinds = pd.Series([s.extension + ("-excel" if s.excel_numbers else "") + ("-" + s.header_style) for s in styles])
    assert {"csv-lower", "csv-upper", "csv-excel-title-spaced", "parquet-lower", "xlsx-lower"} <= set(kinds)
    assert (kinds == "xlsx-lower").sum() >= 5 and (kinds == "csv-excel-title-spaced").sum() >= 5
    refused = [code for i, code in enumerate(codes) if not consent(i).basis]
    not_facultatief = [code for i, code in enumerate(codes) if consent(i).basis and not consent(i).facultatief]
    assert "GM0197" in refused and 3 <= len(refused) <= 10
    assert "GM0361" in not_facultatief and 3 <= len(not_facultatief) <= 10
    for i, code in enumerate(codes):
        if consent(i).basis and not consent(i).facultatief:
            assert styles[i].facultatief, code  # delivers facultatieve gegevens it does not publish


def test_the_number_of_processes_does_not_change_a_file(tmp_path):
    chosen = ["GM0088", "GM0096", "GM0277", "GM0060"]  # the four smallest: a pool from four gemeenten
    one, two = tmp_path / "een", tmp_path / "twee"
    first = generate(one, gemeenten=chosen, periodes=["2026-H1"], processes=1)
    second = generate(two, gemeenten=chosen, periodes=["2026-H1"], processes=2)
    assert (first.processes, second.processes) == (1, 2)
    assert _digests(one) == _digests(two)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Home:
    home = Home(tmp_path_factory.mktemp("home"))
    generate(Destination.home(home), gemeenten=["GM0060", "GM0088"], periodes=["2026-H1"])
    return home


def test_generating_into_a_home_puts_deliveries_where_the_intake_looks(home):
    assert set(scan_inbox(home.inbox)) == {"GM0060/2026-H1", "GM0088/2026-H1"}
    assert pc6_table_path(home) == home.reference / PC6_TABLE_NAME
    assert not list(home.root.rglob("*.tmp-*"))  # staging folders are gone


def test_the_generator_prepares_the_table_it_wrote_so_the_intake_opens_it_ready(home, monkeypatch):
    def parse_again(*_args, **_kwargs):
        raise AssertionError("the intake parsed the postcode table again")

    monkeypatch.setattr(Geography, "from_file", parse_again)
    monkeypatch.delenv("GMSD_PC6_TABLE", raising=False)
    forget_geography()  # as a new `gmsd run` process
    geography = geography_for(home)
    assert isinstance(geography.exact_keys, np.memmap)  # the prepared form, opened memory-mapped
    assert {"GM0060", "GM0088"} <= set(np.asarray(geography.gemeente_code))
    forget_geography()


def test_the_sample_layout_gets_no_prepared_form(tmp_path):
    generate(tmp_path, gemeenten=["GM0088"], periodes=["2026-H1"])
    assert not (tmp_path / "geo" / ".voorbereid").exists()  # data/sample stays as committed


def test_a_redelivery_lands_on_addresses_already_in_the_table(home):
    table = home.reference / PC6_TABLE_NAME
    before = table.read_bytes()
    summary = generate(Destination.home(home), gemeenten=["GM0060"], periodes=["2026-H1"], seed=7)
    assert summary.postcode_table.added == 0 and table.read_bytes() == before  # nothing to add: untouched
    geography = Geography.from_file(table)
    delivered = read_table(home.inbox / "GM0060" / "2026-H1" / "GM0060_2026-H1_wmo.xlsx")
    located = geography.locate(delivered["postcode"].fillna(""), None, "GM0060")
    assert located.wijk_code.notna().mean() > 0.97  # the rest: no or an unknown postcode, on purpose


def test_the_postcode_table_keeps_what_is_there_and_gains_a_new_gemeente(home, tmp_path):
    table = home.reference / PC6_TABLE_NAME
    before = table.read_text()
    summary = generate(Destination.home(home), gemeenten=["GM0096"], periodes=["2026-H1"])
    after = table.read_text()
    assert after.startswith(before) and summary.postcode_table.added > 0
    codes = set(read_pc6_table(table).gemeente_code)
    assert codes == {"GM0060", "GM0088", "GM0096"}


def test_a_real_postcode_table_is_not_mixed_with_synthetic_addresses(tmp_path):
    reference = tmp_path / "reference"
    reference.mkdir()
    real = reference / "pc6hnr20250801_gwb.csv"  # newer than the generator's: this is the one in use
    first_address = f"{pc4_block(list(gemeenten().gemeente_code).index('GM0088'))}AA;1"  # Schiermonnikoog's first
    real.write_text(f"PC6;Huisnummer;Buurt2025;Wijk2025;Gemeente2025\r\n{first_address};3630000;36300;363\r\n")
    with pytest.raises(PostcodeTableConflict, match="andere buurt"):
        generate(Destination(tmp_path / "inbox", reference), gemeenten=["GM0088"], periodes=["2026-H1"])
    assert real.read_text().count("\n") == 2
    assert not (tmp_path / "inbox").exists()  # nothing delivered against a table that cannot place it


def test_appending_follows_the_tables_own_columns_and_line_ends(tmp_path):
    reference = tmp_path / "reference"
    reference.mkdir()
    own = reference / "pc6hnr20250801_gwb.csv"
    own.write_bytes(b"\xef\xbb\xbfGemeente2025;PC6;Huisnummer;Wijk2025;Buurt2025\r\n363;1011AB;1;36300;3630000")
    generate(Destination(tmp_path / "inbox", reference), gemeenten=["GM0088"], periodes=["2026-H1"])
    lines = own.read_bytes().split(b"\r\n")
    assert lines[1] == b"363;1011AB;1;36300;3630000" and lines[-1] == b""
    assert re.fullmatch(rb"88;\d{4}[A-Z]{2};\d+;\d+;\d+", lines[2])
    placed = read_pc6_table(own)
    assert set(placed.gemeente_code) == {"GM0363", "GM0088"} and placed.wijk_code.str.startswith("WK0088").sum() > 50


def test_generate_needs_one_destination_and_one_choice_of_gemeenten(tmp_path):
    result = runner.invoke(app, ["generate"])
    assert result.exit_code == 2 and "--uit" in result.output and "--home" in result.output
    result = runner.invoke(app, ["generate", "--uit", str(tmp_path / "a"), "--home", str(tmp_path / "b")])
    assert result.exit_code == 2 and "precies één bestemming" in result.output
    result = runner.invoke(app, ["generate", "--home", str(tmp_path / "b"), "--landelijk", "--gemeente", "GM0060"])
    assert result.exit_code == 2 and "niet allebei" in result.output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
