"""An attacker's view of what is published: no small count, no recoverable secret, no hidden gemeente.

Builds the concept figures of four sample gemeenten (Aalten without consent) straight through the
clearinghouse, the counts and the concept stage, then attacks them with the raw counts at hand.
"""

from __future__ import annotations

import secrets
import shutil

import duckdb
import pandas as pd
import pytest

from clearinghouse.disclosure import AANVULLEND_GEHEIM, KLEIN_AANTAL, additive_group_keys
from clearinghouse.geography import Geography
from clearinghouse.intake import process_partition
from clearinghouse.pseudonym import PseudonymKey
from indicators.catalogus import load_catalogue
from indicators import checks as checks_module
from indicators import concept as concept_module
from indicators import versie
from indicators.checks import concept_violations, disclosure_violations, violations_per_periode
from indicators.concept import (
    benchmark_path,
    build_concept,
    concept_by_periode,
    concept_periodes,
    count_partitions,
    groups_path,
    indicatoren_path,
    read_concept,
    read_concept_groups,
)
from indicators.tellingen import read_counts
from vocabulary import files
from vocabulary.home import SAMPLE_DIR, Home

GEMEENTEN = ["GM0358", "GM0197", "GM0060", "GM1723"]
SECRET = b"rounding-secret-for-tests"


def _concept(home: Home) -> pd.DataFrame:
    partitions = [(folder.parent.name, folder.name) for folder in sorted(home.core.glob("*/*"))]
    count_partitions(home, [(g, p) for p, g in partitions])
    build_concept(home, rounding_secret=SECRET)
    return read_concept(home)


def _groups(table: pd.DataFrame, reeksen: dict[str, str]) -> list[pd.Index]:
    """Every additive group (details that add up to a published total) as an index of rows."""
    found = []
    for key in additive_group_keys(table, reeksen):
        found += [index for _, index in key.dropna().groupby(key.dropna()).groups.items() if len(index) > 1]
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = Home(tmp_path_factory.mktemp("attack") / "home").ensure()
    key = PseudonymKey(secrets.token_bytes(32), "test")
    geography = Geography.from_file(SAMPLE_DIR / "geo" / "pc6hnr20240801_gwb.csv")
    for code in GEMEENTEN:
        for folder in sorted((SAMPLE_DIR / "inbox" / code).iterdir()):
            process_partition(folder, gemeente_code=code, periode=folder.name, key=key, geography=geography,
                              core_dir=home.core, intake_dir=home.intake, reports_dir=home.reports)
    concept = _concept(home)
    raw = read_counts(home.tellingen)
    return home, concept, raw


def test_no_published_count_is_small(world):
    _, concept, raw = world
    merged = concept.merge(raw, on=["indicator_id", "periode", "regio_code"], suffixes=("", "_raw"))
    counts = merged[merged["eenheid"] != "dagen"]
    shown = counts[counts["teller"].notna()]
    assert len(shown) > 300
    assert (shown["teller_ruw"] >= 8).all()
    assert ((shown["teller"] - shown["teller_ruw"]).abs() <= 4).all()  # rounding moves at most 4
    small = counts[(counts["teller_ruw"] >= 1) & (counts["teller_ruw"] <= 7)]
    assert len(small) > 100 and small["geheim"].all()


def test_no_secret_cell_is_recoverable_from_its_group(world):
    """Solve each additive relation (details sum to the total) with rounding bounds: every secret keeps a range."""
    _, concept, raw = world
    table = concept.reset_index(drop=True)
    totals = table[table["regio_niveau"] == "gemeente"].set_index(["indicator_id", "periode", "gemeente_code"])["teller"]
    reeksen = {i.id: i.reeks for i in load_catalogue() if i.optelbaar}
    checked = 0
    for index in _groups(table, reeksen):
        group = table.loc[index]
        secret = group["geheim"].astype(bool)
        if not secret.any():
            continue
        assert secret.sum() >= 2, group[["indicator_id", "periode", "regio_code", "geheim_reden"]]
        first = group.iloc[0]
        if group["indicator_id"].nunique() == 1:  # the wijken of one gemeente: the gemeente figure is the total
            total = totals.get((first["indicator_id"], first["periode"], first["gemeente_code"]))
        else:  # the categories of a reeks in one region: they share the noemer as their total
            total = first["noemer"]
        if total is None or pd.isna(total):
            continue
        published = group.loc[~secret, "teller"].astype(float)
        hidden_max = sum(7 if reason == KLEIN_AANTAL else total + 4 for reason in group.loc[secret, "geheim_reden"])
        for _, cell in group[secret].iterrows():
            own_max = 7 if cell["geheim_reden"] == KLEIN_AANTAL else total + 4
            others_max = hidden_max - own_max
            low = max(0.0, (total - 4) - (published + 4).sum() - others_max)
            high = min(own_max, (total + 4) - (published - 4).clip(lower=0).sum())
            assert high - low >= 1, (cell["indicator_id"], cell["regio_code"], low, high)
            checked += 1
    assert checked > 50
    assert (table["geheim_reden"] == AANVULLEND_GEHEIM).any()  # secondary suppression did happen


def test_gemeente_without_consent_cannot_be_derived_from_anything_published(world):
    home, concept, _ = world
    assert "GM0197" not in set(concept["gemeente_code"])
    members = read_concept_groups(home)["gemeente_code"]
    assert sorted(set(members)) == ["GM0060", "GM0358", "GM1723"]  # Aalten is in no group
    # Differencing attack: change Aalten's records completely; nothing published may change.
    altered = Home(home.root.parent / "altered")
    shutil.copytree(home.core, altered.core)
    shutil.copytree(home.intake, altered.intake)
    for path in altered.core.glob("*/GM0197/*.parquet"):
        frame = pd.read_parquet(path)
        frame.iloc[: len(frame) // 3].to_parquet(path)
    _concept(altered)
    for name in ("indicatoren.parquet", benchmark_path(home).name, groups_path(home).name):
        before = duckdb.execute("FROM read_parquet($path) ORDER BY ALL", {"path": str(home.concept / name)}).df()
        after = duckdb.execute("FROM read_parquet($path) ORDER BY ALL", {"path": str(altered.concept / name)}).df()
        pd.testing.assert_frame_equal(before, after)


def test_rates_and_medians_only_on_large_enough_bases_and_the_check_agrees(world):
    _, concept, _ = world
    minimum = {i.id: i.min_noemer for i in load_catalogue()}
    shown = concept[concept["waarde"].notna() & concept["eenheid"].isin(["pct", "per_1000", "dagen"])]
    assert (shown["noemer"] >= shown["indicator_id"].map(minimum)).all()
    assert disclosure_violations(concept) == []


def test_the_check_of_a_history_goes_periode_by_periode_and_names_the_periode(world, tmp_path):
    """The blocking secrecy check reads one periode at a time; a broken figure in any periode is found."""
    home, concept, _ = world
    periodes = concept_periodes(home)
    assert len(periodes) >= 2 and periodes == sorted(set(concept["periode"]), key=lambda p: (p[:4], p[5:] or "H3"))
    assert [p for p, _ in concept_by_periode(home)] == periodes
    assert violations_per_periode(concept_by_periode(home)) == []
    broken = Home(tmp_path / "broken")
    figures = read_concept(home)
    last = figures.index[(figures["periode"] == periodes[-1]) & figures["teller"].gt(0)][0]
    figures.loc[last, "teller"] += 1  # no longer a multiple of 5
    files.write_parquet(figures, indicatoren_path(broken))
    assert violations_per_periode(concept_by_periode(broken)) == [f"{periodes[-1]}: 1 tellers zijn geen veelvoud van 5"]


def test_a_periode_whose_inputs_did_not_change_is_reused_and_equals_a_fresh_build(world, tmp_path, monkeypatch):
    """A re-delivery in a long history: the concept step recomputes the periodes whose counts changed
    (and the comparison of the periode after), the secrecy check checks them, and the files are what
    a build from nothing gives. Another rounding secret recomputes everything."""
    home, _, _ = world
    copy = Home(tmp_path / "kopie")
    shutil.copytree(home.root, copy.root)
    protected, checked = [], []
    real_protected, real_read = concept_module._protected, checks_module.read_concept
    monkeypatch.setattr(concept_module, "_protected", lambda h, partitions, *a: (protected.append({p for _, p in partitions}), real_protected(h, partitions, *a))[1])
    monkeypatch.setattr(checks_module, "read_concept", lambda h, periode=None: (checked.append(periode), real_read(h, periode))[1])
    periodes = concept_periodes(copy)
    build_concept(copy, rounding_secret=SECRET)
    assert protected == [] and concept_violations(copy) == [] and len(checked) == len(periodes)  # the world's build: none
    checked.clear()
    assert concept_violations(copy) == [] and checked == []

    last = periodes[-1] if "-" in periodes[-1] else periodes[-2]  # the latest half-year
    for path in copy.core.glob(f"{last}/GM0358/*.parquet"):  # GM0358 re-delivers it with fewer clients
        frame = pd.read_parquet(path)
        frame.iloc[: len(frame) // 2].to_parquet(path)
    count_partitions(copy, [("GM0358", last)])
    build_concept(copy, rounding_secret=SECRET)
    year = last[:4]
    assert [periode for found in protected for periode in found] == [p for p in periodes if p in (last, year)]
    assert concept_violations(copy) == [] and sorted(checked) == sorted(p for p in periodes if p in (last, year))
    assert not read_concept(copy).equals(read_concept(home))

    fresh = Home(tmp_path / "opnieuw")
    shutil.copytree(copy.root, fresh.root)
    shutil.rmtree(concept_module.parts_folder(fresh))
    build_concept(fresh, rounding_secret=SECRET)
    for path in (indicatoren_path, benchmark_path, groups_path):
        pd.testing.assert_frame_equal(pd.read_parquet(path(copy)), pd.read_parquet(path(fresh)), check_exact=True)
    assert sorted(p.name for p in concept_module.parts_folder(copy).iterdir()) == sorted(p.name for p in concept_module.parts_folder(fresh).iterdir())

    protected.clear()
    build_concept(copy, rounding_secret=b"another-secret")
    assert sorted(periode for found in protected for periode in found) == sorted(periodes)

    protected.clear()  # other code (an upgrade, a changed rule or reference table): every periode again
    monkeypatch.setattr(versie, "code_version", lambda: "another version of the code")
    build_concept(copy, rounding_secret=b"another-secret")
    assert sorted(periode for found in protected for periode in found) == sorted(periodes)
