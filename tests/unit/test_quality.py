"""Great Expectations checks of the published tables, and their Data Docs working offline."""

from __future__ import annotations

import gc
import os
import re
import signal
from functools import partial

import numpy as np
import pandas as pd
import pytest

from contracts.publish import column_names
from indicators.benchmark import benchmark as peer_benchmark
from indicators.catalogus import load_catalogue
from indicators.peers import peer_groups
from indicators.quality import check_published, checked_ahead, completeness_table, external_references, start_check
from indicators.quality import runner as quality_runner

IDS = ("jeugd_pct", "jb_pct", "wmo_per_1000")  # two jeugd indicators and one wmo (per 1.000)
REGIONS = [
    ("GM0358", "gemeente", "Aalsmeer", "GM0358", 9000),
    ("WK035801", "wijk", "Aalsmeer-Centrum", "GM0358", 3000),
    ("WK035802", "wijk", "Kudelstaart", "GM0358", 6000),
    ("GM0363", "gemeente", "Amsterdam", "GM0363", 200000),
    ("WK036301", "wijk", "Burgwallen-Oude Zijde", "GM0363", 800),
    ("WK036302", "wijk", "Burgwallen-Nieuwe Zijde", "GM0363", 60),
]
FACTOR = {"pct": 100.0, "per_1000": 1000.0}
# Tags a browser would fetch from: any http(s) (or protocol-relative) URL in src/href of these is a leak.
FETCHING = re.compile(r"<(?:link|script|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)


@pytest.fixture(scope="module")
def catalogue():
    indicators = tuple(i for i in load_catalogue() if i.id in IDS)
    assert {i.id for i in indicators} == set(IDS)
    return indicators


def indicatoren(catalogue) -> pd.DataFrame:
    """A small valid publish.indicatoren: 2 gemeenten with 2 wijken, 2 periodes, 3 indicators."""
    unit = {i.id: i.eenheid for i in catalogue}
    rows = []
    for indicator_id in IDS:
        for periode in ("2024-H2", "2025-H1"):
            for step, (code, niveau, naam, gemeente, noemer) in enumerate(REGIONS):
                teller = float(5 * (step + 2) * (3 if indicator_id == "wmo_per_1000" else 1))
                row = dict(
                    indicator_id=indicator_id, periode=periode, periode_soort="halfjaar", regio_code=code, regio_niveau=niveau, regio_naam=naam,
                    gemeente_code=gemeente, teller=teller, noemer=float(noemer), geheim=False, geheim_reden=None,
                    eenheid=unit[indicator_id], status="voorlopig", release="2025-09",
                )  # fmt: skip
                row["waarde"] = round(teller / noemer * FACTOR[unit[indicator_id]], 1)
                if code == "WK036301":  # a small count: secret
                    row.update(teller=np.nan, waarde=np.nan, geheim=True, geheim_reden="klein aantal")
                if code == "WK036302":  # denominator below the minimum: secret, teller still published
                    row.update(waarde=np.nan, geheim=True, geheim_reden="noemer te klein")
                rows.append(row)
    df = pd.DataFrame(rows)
    df["teller"] = df["teller"].astype("Int64")  # as the warehouse returns it (pd.NA when secret)
    df["noemer"] = df["noemer"].astype("Int64")
    return df[list(column_names("publish.indicatoren"))]


def groups(df: pd.DataFrame) -> pd.DataFrame:
    return peer_groups(df["gemeente_code"])


def benchmark(df: pd.DataFrame) -> pd.DataFrame:
    return peer_benchmark(df, groups(df))


def broken(catalogue) -> pd.DataFrame:
    df = indicatoren(catalogue)
    first = lambda mask: df.index[mask][0]  # noqa: E731
    is_ = lambda col, value: df[col] == value  # noqa: E731
    df.loc[first(is_("indicator_id", "wmo_per_1000") & is_("regio_code", "GM0358")), "teller"] = 12
    df.loc[first(is_("indicator_id", "jeugd_pct") & is_("regio_code", "WK035801")), "waarde"] = 130.0
    df.loc[first(is_("indicator_id", "jb_pct") & is_("regio_code", "WK036301")), "waarde"] = 5.0  # secret with a value
    df.loc[first(is_("indicator_id", "wmo_per_1000") & is_("regio_code", "WK035801")), "eenheid"] = "aantal"  # not its unit
    missing = is_("indicator_id", "jb_pct") & is_("gemeente_code", "GM0363") & is_("periode", "2025-H1")
    return df[~missing].reset_index(drop=True)


@pytest.fixture(scope="module")
def valid(tmp_path_factory, catalogue):
    workdir = tmp_path_factory.mktemp("werk")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workdir)  # GX must leave nothing behind in the working directory
        df = indicatoren(catalogue)
        result = check_published(
            {"indicatoren": df, "benchmark": benchmark(df), "peergroepen": groups(df)}, docs_dir=workdir / "kwaliteit",
            catalogue=catalogue,
        )
    return workdir, result


@pytest.fixture(scope="module")
def failing(tmp_path_factory, catalogue):
    docs = tmp_path_factory.mktemp("fout") / "kwaliteit"
    return check_published({"indicatoren": broken(catalogue)}, docs_dir=docs, catalogue=catalogue)


def test_valid_table_passes_every_expectation(valid):
    _, result = valid
    assert result.success, [r for r in result.results if not r["success"]]
    tables = {r["table"] for r in result.results}
    assert tables == {"indicatoren", "indicatoren_volledigheid", "benchmark", "peergroepen"}
    for entry in result.results:
        assert set(entry) >= {"table", "expectation", "kolom", "success", "uitleg", "onverwacht"}
        assert entry["uitleg"] and entry["onverwacht"] == 0
    checked = {(r["table"], r["expectation"], r["kolom"]) for r in result.results}
    for column in ("indicator_id", "periode", "periode_soort", "regio_code", "regio_niveau", "gemeente_code", "geheim",
                   "eenheid", "status", "release"):  # fmt: skip
        assert ("indicatoren", "expect_column_values_to_not_be_null", column) in checked
    assert ("indicatoren", "expect_compound_columns_to_be_unique", "indicator_id, periode, regio_code") in checked
    ranges = [r for r in result.results if r["table"] == "indicatoren" and r["controle"] == "bereik"]
    assert sorted(r["voorwaarde"] for r in ranges) == ["eenheid == 'pct'", "eenheid == 'per_1000'"]
    assert ("indicatoren", "expect_column_values_to_be_in_set", "indicator_eenheid") in checked  # each indicator its catalogue eenheid


def test_docs_are_built_inside_docs_dir_and_offline_clean(valid):
    workdir, result = valid
    docs = workdir / "kwaliteit"
    assert result.docs_index == docs / "index.html" and result.docs_index.is_file()
    assert sorted(p.name for p in workdir.iterdir()) == ["kwaliteit"]  # no GX project, no uncommitted/ folder
    pages = list(docs.rglob("*.html"))
    assert len(pages) >= 9  # our index + a suite page and a validation page per table
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not FETCHING.findall(text), page
        assert not re.search(r"url\(\s*[\"']?\s*(?:https?:)?//", text), page
        assert "<script" not in text, page
    assert external_references(docs) == []
    index = result.docs_index.read_text(encoding="utf-8")
    assert "Datakwaliteit" in index and "alle controles geslaagd" in index
    for link in re.findall(r'<a\b[^>]*href="([^"#]+)"', index):
        assert (docs / link).is_file(), link
    suite = (docs / "expectations" / "indicatoren.html").read_text(encoding="utf-8")
    assert "Elke gepubliceerde teller is afgerond op een veelvoud van 5" in suite  # Dutch text in the Data Docs


def test_docs_ship_no_unused_assets_and_speak_dutch(valid):
    workdir, _ = valid
    docs = workdir / "kwaliteit"
    files = [p for p in docs.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".html"}  # GX's fonts, logos and GIFs (about 4 MB) are gone
    assert sum(p.stat().st_size for p in files) < 1_000_000
    for page in docs.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert '<html lang="nl"' in text, page
        assert "onclick" not in text and "Show All" not in text and "Table of Contents" not in text, page
    validation = next((docs / "validations" / "indicatoren").rglob("*.html")).read_text(encoding="utf-8")
    assert "Uitkomst van de controle" in validation and "Mislukte controles" in validation


def test_each_planted_problem_is_reported(failing):
    assert not failing.success
    failed = {(r["table"], r["expectation"], r["kolom"], r["voorwaarde"]): r for r in failing.results if not r["success"]}
    expected = {
        ("indicatoren", "expect_column_values_to_be_in_set", "teller_rest_5", None),  # teller 12
        ("indicatoren", "expect_column_values_to_be_between", "waarde", "eenheid == 'pct'"),  # 130 %
        ("indicatoren", "expect_column_values_to_be_null", "waarde", "geheim == True"),  # secret with a waarde
        ("indicatoren", "expect_column_values_to_be_in_set", "indicator_eenheid", None),  # wmo_per_1000 as aantal
        ("indicatoren_volledigheid", "expect_column_values_to_be_in_set", "aanwezig", None),  # gemeente missing
    }
    assert set(failed) == expected
    for entry in failed.values():
        assert entry["onverwacht"] == 1 and entry["uitleg"]
    assert failed[("indicatoren", "expect_column_values_to_be_in_set", "teller_rest_5", None)]["controle"] == "veelvoud_van_5"
    assert failed[("indicatoren_volledigheid", "expect_column_values_to_be_in_set", "aanwezig", None)]["voorbeelden"] == [
        "GM0363 2025-H1 jb_pct"
    ]
    index = failing.docs_index.read_text(encoding="utf-8")
    assert "niet alle controles geslaagd" in index and "GM0363 2025-H1 jb_pct" in index


def test_completeness_expects_every_indicator_of_a_delivered_domein(catalogue):
    df = indicatoren(catalogue)
    table = completeness_table(df, catalogue)
    assert len(table) == 2 * 2 * 3 and table["aanwezig"].all()
    only_jeugd = df[~((df["gemeente_code"] == "GM0358") & (df["indicator_id"] == "wmo_per_1000"))]
    table = completeness_table(only_jeugd, catalogue)  # GM0358 delivered no wmo: nothing expected there
    assert len(table) == 2 * 2 * 3 - 2 and table["aanwezig"].all()
    no_gemeente_row = df[~((df["regio_code"] == "GM0358") & (df["indicator_id"] == "jb_pct"))]
    missing = completeness_table(no_gemeente_row, catalogue).query("not aanwezig")
    assert sorted(missing["periode"]) == ["2024-H2", "2025-H1"] and set(missing["gemeente_code"]) == {"GM0358"}


def test_year_periodes_are_only_expected_to_have_year_indicators():
    catalogue = load_catalogue()
    rows = pd.DataFrame(
        {"indicator_id": ["wmo_per_1000", "wmo_per_1000", "instroom_wmo"], "periode": ["2024", "2024-H2", "2024-H2"],
         "regio_niveau": "gemeente", "gemeente_code": "GM0358"}
    )
    table = completeness_table(rows, catalogue)
    year = table[table["periode"] == "2024"]
    assert "instroom_wmo" not in set(year["indicator_id"]) and "doorlooptijd_wmo_dagen" not in set(year["indicator_id"])
    assert "wmo_per_1000" in set(year["indicator_id"])
    assert "instroom_wmo" in set(table[table["periode"] == "2024-H2"]["indicator_id"])


def test_comparison_rules_and_consent_are_checked_in_benchmark_and_peergroepen(tmp_path, catalogue):
    df = indicatoren(catalogue)
    bench = benchmark(df)
    members = groups(df)
    assert check_published({"indicatoren": df, "benchmark": bench, "peergroepen": members}, catalogue=catalogue).success
    bad_bench = bench.copy()
    bad_bench.loc[0, ["groep_p25", "groep_p75"]] = [1.0, 2.0]  # a band over fewer than 5 values
    bad_bench.loc[1, "gemeente_code"] = "GM0197"  # a gemeente without published figures
    own_group = members[members["voor_gemeente_code"].notna()].head(1)
    bad_groups = pd.concat([
        members,
        own_group.assign(gemeente_code=own_group["voor_gemeente_code"]),  # a gemeente in its own group
        own_group.assign(gemeente_code="GM0197", gemeente_naam="Aalten"),  # a gemeente without consent
    ])  # fmt: skip
    result = check_published({"indicatoren": df, "benchmark": bad_bench, "peergroepen": bad_groups}, catalogue=catalogue)
    failed = {(r["table"], r["controle"]) for r in result.failures()}
    assert failed == {
        ("benchmark", "geen_band_bij_kleine_groep"),
        ("benchmark", "alleen_gepubliceerde_gemeenten"),
        ("peergroepen", "niet_in_eigen_groep"),
        ("peergroepen", "leden_met_toestemming"),
    }


def test_a_declared_column_that_is_missing_fails_the_check(catalogue):
    df = indicatoren(catalogue).drop(columns=["periode_soort"])
    result = check_published({"indicatoren": df}, catalogue=catalogue)
    assert ("indicatoren", "kolommen") in {(r["table"], r["controle"]) for r in result.failures()}


def test_a_check_ahead_runs_in_its_own_process_finds_the_same_and_survives_its_loss(failing, catalogue, tmp_path):
    """`gmsd run` imports GX in a process of its own while it takes in deliveries; the check must then
    find exactly what it finds in the command's own process, and still run if that process dies."""
    with checked_ahead():
        pool = quality_runner._AHEAD["pool"]
        worker = pool.submit(os.getpid).result()
        assert worker != os.getpid()
        ahead = check_published({"indicatoren": broken(catalogue)}, docs_dir=tmp_path / "vooraf", catalogue=catalogue)
        assert ahead.results == failing.results and not ahead.success
        read_there = check_published({"indicatoren": partial(broken, catalogue)}, catalogue=catalogue)  # read in that process
        assert read_there.results == failing.results
        assert (tmp_path / "vooraf" / "index.html").is_file()
        os.kill(worker, signal.SIGKILL)
        after_loss = check_published({"indicatoren": broken(catalogue)}, catalogue=catalogue)
        assert after_loss.results == failing.results
    assert not quality_runner._AHEAD


def _collector_state() -> tuple[bool, int]:
    return gc.isenabled(), gc.get_freeze_count()


def test_the_check_ahead_imports_gx_with_the_collector_paused_and_keeps_it_frozen():
    """GX's ~2 s import in the check's own process: afterwards its objects are out of the cycle
    collector's passes (frozen) and the collector is on again for the checks."""
    assert gc.get_freeze_count() == 0  # this process froze nothing: a count there is the import's
    with checked_ahead():
        enabled, frozen_there = quality_runner._AHEAD["pool"].submit(_collector_state).result()
    assert enabled and frozen_there > 100_000


VOLATILE = {"id", "validation_id", "ge_load_time", "run_time", "validation_time"}  # fresh in every run


def _stable(value):
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def _validations(monkeypatch, tables, catalogue) -> tuple[list[dict], dict]:
    """The results of a check and GX's own validation results (without run ids and times)."""
    gx_results = {}
    summarise = quality_runner._summarise

    def keep(table, validation, index_columns):
        gx_results[table] = _stable(validation.to_json_dict())
        return summarise(table, validation, index_columns)

    monkeypatch.setattr(quality_runner, "_summarise", keep)
    result = check_published(tables, catalogue=catalogue)
    return result.results, gx_results


def test_the_fast_check_finds_exactly_what_the_plain_check_finds(monkeypatch, catalogue):
    """GX validates text columns as categoricals (tables.compact) and filters once per row condition
    (runner._filter_once) because that is faster; every result, GX's own ones included, must be what
    plain text columns and GX's own filtering give, on passing and failing tables."""
    df = indicatoren(catalogue)
    gaps = df.copy()  # missing values in the columns row conditions and column pairs look at
    gaps.loc[0, "eenheid"] = None
    gaps.loc[1, "regio_niveau"] = None
    gaps.loc[2, "gemeente_code"] = "GM0363"  # a gemeente row whose regio_code is another gemeente's
    gaps.loc[3, "periode_soort"] = "jaar"
    gaps["geheim"] = gaps["geheim"].astype(object)
    gaps.loc[4, "geheim"] = None
    gaps.loc[5, "regio_code"] = "XX01"
    bad_bench = benchmark(df)
    bad_bench.loc[0, ["groep_p25", "groep_p75"]] = [1.0, 2.0]
    bad_bench.loc[1, "gemeente_code"] = "GM0197"
    bad_bench.loc[2, "eenheid"] = None
    members = groups(df)
    own = members[members["voor_gemeente_code"].notna()].head(1)
    bad_groups = pd.concat([members, own.assign(gemeente_code=own["voor_gemeente_code"])])
    cases = [
        {"indicatoren": df, "benchmark": benchmark(df), "peergroepen": members},
        {"indicatoren": broken(catalogue)},
        {"indicatoren": gaps, "benchmark": bad_bench, "peergroepen": bad_groups},
    ]
    for number, tables in enumerate(cases):
        with monkeypatch.context() as patch:
            fast = _validations(patch, tables, catalogue)
        with monkeypatch.context() as patch:
            patch.setattr(quality_runner, "compact", lambda frame: frame)
            patch.setattr(quality_runner, "_filter_once", lambda engine: None)
            plain = _validations(patch, tables, catalogue)
        assert fast == plain
        assert all(r["success"] for r in plain[0]) == (number == 0)


def test_a_check_started_ahead_is_taken_only_for_the_same_stamp(failing, catalogue, tmp_path):
    """`start_check` checks as soon as the tables are written; `check_published` takes that result only
    when stamp, docs_dir and catalogue are the same (the tables as they are now), else it checks again."""
    valid_tables = {"indicatoren": partial(indicatoren, catalogue)}
    with checked_ahead():
        start_check({"indicatoren": partial(broken, catalogue)}, stamp="geschreven", docs_dir=tmp_path / "a", catalogue=catalogue)
        taken = check_published(valid_tables, docs_dir=tmp_path / "a", catalogue=catalogue, stamp="geschreven")
        assert taken.results == failing.results  # the started check's result (on the tables it was started on)
        assert (tmp_path / "a" / "index.html").is_file()
        start_check({"indicatoren": partial(broken, catalogue)}, stamp="geschreven", docs_dir=tmp_path / "b", catalogue=catalogue)
        again = check_published(valid_tables, docs_dir=tmp_path / "b", catalogue=catalogue, stamp="daarna herschreven")
        assert again.success  # another stamp: checked again, and its Data Docs swapped in last
        assert "niet alle controles geslaagd" not in (tmp_path / "b" / "index.html").read_text(encoding="utf-8")
        assert not quality_runner._STARTED
    start_check({"indicatoren": partial(broken, catalogue)}, stamp="x", catalogue=catalogue)  # no process of its own: nothing
    assert not quality_runner._STARTED


def test_a_row_without_gemeente_or_periode_is_reported_not_a_crash(catalogue):
    """Once, a missing gemeente_code made the derived completeness table raise (sorting text with NaN):
    the blocking check then failed with a stack trace instead of saying which rows are wrong."""
    df = indicatoren(catalogue)
    df.loc[0, "gemeente_code"] = None
    df.loc[1, "periode"] = None
    result = check_published({"indicatoren": df}, catalogue=catalogue)
    assert not result.success
    failed = {(r["table"], r["kolom"]) for r in result.failures() if r["fout"] is None}
    assert ("indicatoren", "gemeente_code") in failed and ("indicatoren", "periode") in failed


class _History:
    """A table read one periode at a time, remembering what was read (quality_runner.ByPeriode)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame, self.reads = frame, []

    def read(self, periode: str | None) -> pd.DataFrame:
        self.reads.append(periode)
        return self.frame if periode is None else self.frame[self.frame["periode"] == periode].reset_index(drop=True)

    def distinct(self, column: str) -> list:
        return list(self.frame[column].unique())

    def source(self) -> quality_runner.ByPeriode:
        return quality_runner.ByPeriode(self.read, self.distinct)


def test_a_history_checked_periode_by_periode_finds_what_the_whole_check_finds(catalogue, tmp_path):
    """The round checks 13 periodes one at a time (memory of one periode): every expectation's
    outcome and count of unexpected rows is what one check of the whole table gives."""
    df = broken(catalogue)
    bench = benchmark(indicatoren(catalogue))
    bench.loc[bench.index[-1], "rang"] = 0  # a problem in the last periode of the benchmark
    whole = check_published({"indicatoren": df, "benchmark": bench, "peergroepen": groups(df)}, catalogue=catalogue)
    figures, compared = _History(df), _History(bench)
    docs = tmp_path / "kwaliteit"
    by_periode = check_published({"indicatoren": figures.source(), "benchmark": compared.source(), "peergroepen": groups(df)},
                                 docs_dir=docs, catalogue=catalogue)  # fmt: skip
    assert figures.reads == compared.reads == ["2024-H2", "2025-H1"]  # each periode once, never the whole table
    assert not whole.success and not by_periode.success
    without_examples = lambda result: [{k: v for k, v in r.items() if k != "voorbeelden"} for r in result.results]  # noqa: E731
    assert without_examples(by_periode) == without_examples(whole)
    for one, other in zip(whole.results, by_periode.results, strict=True):
        assert sorted(one["voorbeelden"]) == sorted(other["voorbeelden"])  # fewer than 10 each: all of them
    assert {r["table"] for r in by_periode.failures()} >= {"indicatoren", "indicatoren_volledigheid", "benchmark"}
    index = (docs / "index.html").read_text(encoding="utf-8")
    for table in ("indicatoren", "benchmark"):
        for periode in ("2024-H2", "2025-H1"):
            pages = list((docs / "validations" / table / periode).rglob("*.html"))
            assert len(pages) == 1 and pages[0].relative_to(docs).as_posix() in index
    assert "Gecontroleerd per periode" in index


def test_an_empty_history_is_checked_as_its_empty_table(catalogue):
    empty = _History(indicatoren(catalogue).head(0))
    result = check_published({"indicatoren": empty.source()}, catalogue=catalogue)
    assert empty.reads == [None]
    assert result.success and {r["table"] for r in result.results} == {"indicatoren", "indicatoren_volledigheid"}


def test_a_periode_checked_before_is_not_read_or_validated_again(catalogue, tmp_path, monkeypatch):
    """In a history a re-delivery changes one periode: the check reuses the other periodes' results
    and Data Docs pages (kept under their content key and suite), and gives what a full check gives."""
    df = broken(catalogue)
    bench = benchmark(indicatoren(catalogue))
    bench.loc[bench.index[-1], "rang"] = 0
    keys = {"indicatoren": {"2024-H2": "a1", "2025-H1": "b1"}, "benchmark": {"2024-H2": "c1", "2025-H1": "d1"}}

    def sources(frame, compared):
        return {"indicatoren": quality_runner.ByPeriode(frame.read, frame.distinct, lambda: dict(keys["indicatoren"])),
                "benchmark": quality_runner.ByPeriode(compared.read, compared.distinct, lambda: dict(keys["benchmark"])),
                "peergroepen": groups(df)}  # fmt: skip

    full = check_published({"indicatoren": _History(df).source(), "benchmark": _History(bench).source(), "peergroepen": groups(df)},
                           docs_dir=tmp_path / "heel", catalogue=catalogue)  # fmt: skip
    reuse = tmp_path / "hergebruik"
    first = (_History(df), _History(bench))
    assert check_published(sources(*first), docs_dir=tmp_path / "eerst", catalogue=catalogue, reuse_dir=reuse).results == full.results
    assert first[0].reads == first[1].reads == ["2024-H2", "2025-H1"]

    validations = []
    run = quality_runner._Fresh.__init__
    monkeypatch.setattr(quality_runner._Fresh, "__init__", lambda self, *a: (validations.append(a[:2]), run(self, *a))[1])
    again = (_History(df), _History(bench))
    docs = tmp_path / "daarna"
    second = check_published(sources(*again), docs_dir=docs, catalogue=catalogue, reuse_dir=reuse)
    assert again[0].reads == again[1].reads == [] and validations == []  # only the peer groups (a table given whole)
    assert second.results == full.results and not second.success
    index = (docs / "index.html").read_text(encoding="utf-8")
    for table in ("indicatoren", "indicatoren_volledigheid", "benchmark"):
        for periode in ("2024-H2", "2025-H1"):
            pages = list((docs / "validations" / table / periode).rglob("*.html"))
            assert len(pages) == 1 and pages[0].relative_to(docs).as_posix() in index
    assert not external_references(docs)

    keys["benchmark"]["2025-H1"] = "d2"  # that periode's comparison changed: it alone is read and validated again
    changed = (_History(df), _History(bench))
    assert check_published(sources(*changed), docs_dir=docs, catalogue=catalogue, reuse_dir=reuse).results == full.results
    assert changed[0].reads == [] and changed[1].reads == ["2025-H1"] and validations == [("benchmark", "2025-H1")]
    assert sorted(p.name.rsplit("-", 1)[0] for p in (reuse / "benchmark").iterdir()) == ["2024-H2", "2025-H1"]  # the old one dropped

    fewer = df[df["gemeente_code"] != df["gemeente_code"].iloc[0]]  # other gemeenten: another suite, every periode again
    other = (_History(fewer), _History(bench))
    check_published(sources(*other), catalogue=catalogue, reuse_dir=reuse)
    assert other[0].reads == other[1].reads == ["2024-H2", "2025-H1"]
