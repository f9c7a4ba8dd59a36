"""The benchmark: statistics from published figures of the other members only, rates not sizes, no
statistic over too few values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators.benchmark import BENCHMARK_COLUMNS, benchmark
from vocabulary.reference import population

# Real gemeente codes, so that counts can be turned into rates with the CBS population.
CODES = ["GM0358", "GM0361", "GM0362", "GM0363", "GM0384", "GM0394"]  # Aalsmeer … Haarlemmermeer


def _published(values: dict[str, tuple[float, float, bool]], periode="2025-H1", indicator="wmo_per_1000", eenheid="per_1000"):
    factor = {"pct": 100, "per_1000": 1000}.get(eenheid)
    rows = []
    for code, (teller, noemer, secret) in values.items():
        waarde = teller if eenheid == "aantal" else round(teller / noemer * factor, 1)
        rows.append({"indicator_id": indicator, "periode": periode, "regio_code": code, "regio_niveau": "gemeente",
                     "regio_naam": code, "gemeente_code": code, "teller": teller, "noemer": noemer,
                     "waarde": np.nan if secret else waarde, "geheim": secret, "eenheid": eenheid})  # fmt: skip
    return pd.DataFrame(rows)


def _groups(groups: dict[str, tuple[str | None, list[str]]]) -> pd.DataFrame:
    """{groep_code: (voor_gemeente_code, members)} as publish.peergroepen rows."""
    rows = []
    for code, (voor, members) in groups.items():
        soort = "nederland" if voor is None else "vergelijkbaar"
        rows += [{"groep_code": code, "groep_soort": soort, "groep_naam": code, "voor_gemeente_code": voor,
                  "gemeente_code": m, "gemeente_naam": m} for m in members]  # fmt: skip
    return pd.DataFrame(rows)


def test_a_gemeente_is_compared_with_the_others_and_the_total_includes_it():
    values = {c: (50.0 + 10 * i, 1000.0, False) for i, c in enumerate(CODES)}  # waarden 50, 60, ..., 100 per 1.000
    groups = _groups({"NL": (None, CODES), "VG-GM0358": ("GM0358", CODES[1:]), "VG-GM0361": ("GM0361", ["GM0358", "GM0362", "GM0363"])})
    out = benchmark(_published(values), groups).set_index(["gemeente_code", "groep_code"])
    own = out.loc[("GM0358", "VG-GM0358")]
    assert own["waarde"] == 50.0 and own["groep_aantal"] == 5
    assert own["groep_mediaan"] == 80.0  # median of 60…100 — without Aalsmeer itself (with it: 75)
    assert own["groep_p25"] == 70.0 and own["groep_p75"] == 90.0
    assert own["groep_waarde"] == 80.0  # pooled: 400 / 5000 × 1000
    assert own["rang"] == 6  # below all five others
    small = out.loc[("GM0361", "VG-GM0361")]
    assert small["groep_aantal"] == 3 and small["groep_mediaan"] == 70.0 and small["rang"] == 3  # 50, 70, 80 vs 60
    assert pd.isna(small["groep_p25"]) and pd.isna(small["groep_p75"])  # no band over fewer than 5 values
    total = out.loc[("GM0358", "NL")]
    assert total["groep_aantal"] == 6 and total["groep_mediaan"] == 75.0 and total["rang"] == 6
    assert set(out.index) == {("GM0358", "VG-GM0358"), ("GM0361", "VG-GM0361")} | {(c, "NL") for c in CODES}
    assert list(benchmark(_published(values), groups).columns) == BENCHMARK_COLUMNS


def test_a_group_of_one_is_not_a_comparison():
    values = {"GM0358": (60.0, 1000.0, False), "GM0361": (70.0, 1000.0, False), "GM0362": (np.nan, 1000.0, True)}
    groups = _groups({"VG-GM0358": ("GM0358", ["GM0361"]), "VG-GM0361": ("GM0361", ["GM0358", "GM0362"])})
    out = benchmark(_published(values), groups).set_index("groep_code")
    for code in ("VG-GM0358", "VG-GM0361"):  # one member; or two, of which one secret: one value either way
        row = out.loc[code]
        assert row["groep_aantal"] == 1
        assert row[["groep_mediaan", "groep_p25", "groep_p75", "groep_waarde", "rang"]].isna().all(), row


def test_secret_values_count_for_nobody_and_change_is_against_the_previous_periode():
    groups = _groups({"NL": (None, CODES[:4])})
    now = _published({"GM0358": (100, 1000, False), "GM0361": (50, 1000, False), "GM0362": (np.nan, 1000, True), "GM0363": (300, 1000, False)})
    before = _published({"GM0358": (90, 1000, False)}, periode="2024-H2")
    out = benchmark(pd.concat([before, now]), groups).query("periode == '2025-H1'").set_index("gemeente_code")
    assert out.loc["GM0358", "groep_mediaan"] == 100.0 and out.loc["GM0358", "groep_aantal"] == 3
    assert out.loc["GM0358", "groep_waarde"] == pytest.approx(450 / 3000 * 1000, abs=0.05)  # GM0362 (secret) left out
    assert out.loc["GM0363", "rang"] == 1 and out.loc["GM0358", "rang"] == 2 and pd.isna(out.loc["GM0362", "rang"])
    assert out.loc["GM0358", "verandering"] == 10.0 and pd.isna(out.loc["GM0361", "verandering"])
    assert pd.isna(out.loc["GM0362", "waarde"]) and out.loc["GM0358", "vorige_periode"] == "2024-H2"


def test_counts_are_compared_per_1000_inwoners_not_as_sizes():
    inwoners = population().set_index("regio_code")["inwoners"]
    counts = {"GM0358": (400.0, np.nan, False), "GM0363": (9000.0, np.nan, False), "GM0394": (1700.0, np.nan, False)}
    groups = _groups({"NL": (None, list(counts))})
    out = benchmark(_published(counts, indicator="instroom_wmo", eenheid="aantal"), groups).set_index("gemeente_code")
    assert set(out["eenheid"]) == {"per_1000"}
    for code, (teller, _, _) in counts.items():
        assert out.loc[code, "waarde"] == pytest.approx(round(teller / inwoners[code] * 1000, 1))
    pooled = sum(t for t, _, _ in counts.values()) / sum(inwoners[c] for c in counts) * 1000
    assert out.loc["GM0358", "groep_waarde"] == pytest.approx(pooled, abs=0.05)
    # Amsterdam has by far the most trajecten, Aalsmeer the most per inwoner: the rank follows the rate.
    assert out.loc["GM0358", "rang"] == 1 and out.loc["GM0363", "rang"] == 3


def test_group_figures_equal_a_direct_computation_over_the_other_members():
    """Random groups, ties and secrets: every figure as if computed from the other members' values alone
    (rounded to one decimal, half away from zero, hence the tolerance)."""
    rng = np.random.default_rng(7)
    codes = list(population().query("regio_niveau == 'gemeente'")["regio_code"][:30])
    values = {c: (float(rng.integers(1, 8) * 5), 100.0, bool(rng.random() < 0.2)) for c in codes}  # many ties
    figures = _published(values, eenheid="pct")
    spec = {"NL": (None, codes)}
    for code in codes[:12]:
        others = [c for c in codes if c != code]
        spec[f"VG-{code}"] = (code, list(rng.choice(others, size=int(rng.integers(1, 12)), replace=False)))
        spec[f"PV-{code}"] = (code, [c for c in codes[:10] if c != code] if code in codes[:10] else others[:3])
    out = benchmark(figures, _groups(spec)).set_index(["gemeente_code", "groep_code"])
    value = figures.set_index("gemeente_code")["waarde"]
    teller = figures.set_index("gemeente_code")["teller"]
    checked = 0
    for group, (voor, members) in spec.items():
        for code in ([voor] if voor else members):
            row = out.loc[(code, group)]
            shown = value[list(members)].dropna()
            assert row["groep_aantal"] == len(shown), (code, group)
            if len(shown) >= 2:
                assert row["groep_mediaan"] == pytest.approx(shown.median(), abs=0.051), (code, group)
                pooled = teller[shown.index].sum() / (100.0 * len(shown)) * 100
                assert row["groep_waarde"] == pytest.approx(pooled, abs=0.051), (code, group)
                if not pd.isna(value[code]):
                    assert row["rang"] == 1 + (shown[shown.index != code] > value[code]).sum(), (code, group)
            if len(shown) >= 5:
                assert row["groep_p25"] == pytest.approx(shown.quantile(0.25), abs=0.051), (code, group)
                assert row["groep_p75"] == pytest.approx(shown.quantile(0.75), abs=0.051), (code, group)
            checked += 1
    assert checked > 50
