"""Peer groups and the benchmark: groups from reference data, statistics from published figures only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators.benchmark import benchmark
from indicators.peers import grootteklasse, peer_groups


def test_peer_groups_cover_every_kind_and_neighbours_are_similar():
    groups = peer_groups()
    assert set(groups["groep_soort"]) == {"nederland", "provincie", "grootteklasse", "vergelijkbaar"}
    assert groups.query("groep_soort == 'nederland'")["gemeente_code"].nunique() == 342  # every gemeente of 2025
    almere = groups.query("groep_code == 'VG-GM0034'")["gemeente_code"].tolist()
    assert "GM0034" in almere and len(almere) == 6
    assert "GM0060" not in almere  # Ameland (3.800 inwoners) is not like Almere (226.000)
    assert grootteklasse(33_279)[1] == "20.000 tot 50.000 inwoners"
    assert groups.query("gemeente_code == 'GM0358' and groep_soort == 'provincie'")["groep_naam"].item() == "Noord-Holland"


def _published(values: dict[str, tuple[float, float, bool]], periode="2025-H1"):
    return pd.DataFrame(
        [{"indicator_id": "wmo_per_1000", "periode": periode, "regio_code": code, "regio_niveau": "gemeente",
          "regio_naam": code, "gemeente_code": code, "teller": t, "noemer": n, "waarde": np.nan if secret else round(t / n * 1000, 1),
          "geheim": secret, "eenheid": "per_1000"} for code, (t, n, secret) in values.items()]
    )


def test_benchmark_uses_published_figures_only_and_ranks_within_the_group():
    groups = pd.DataFrame(
        {"gemeente_code": ["A", "B", "C", "D"], "groep_soort": "nederland", "groep_code": "NL", "groep_naam": "Nederland"}
    )
    now = _published({"A": (100, 1000, False), "B": (50, 1000, False), "C": (np.nan, 1000, True), "D": (300, 1000, False)})
    before = _published({"A": (90, 1000, False)}, periode="2024-H2")
    out = benchmark(pd.concat([before, now]), groups).query("periode == '2025-H1'").set_index("gemeente_code")
    assert out.loc["A", "groep_mediaan"] == 100.0 and out.loc["A", "groep_aantal"] == 3
    assert out.loc["A", "groep_waarde"] == pytest.approx(450 / 3000 * 1000, abs=0.05)  # C (secret) left out
    assert out.loc["D", "rang"] == 1 and out.loc["A", "rang"] == 2 and pd.isna(out.loc["C", "rang"])
    assert out.loc["A", "verandering"] == 10.0 and pd.isna(out.loc["B", "verandering"])
    assert pd.isna(out.loc["C", "waarde"])


