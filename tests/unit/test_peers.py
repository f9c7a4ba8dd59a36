"""Peer groups: similar means similar, a gemeente is never in its own group, only participants are members."""

from __future__ import annotations

import pytest

from indicators.peers import groups_of, peer_groups
from vocabulary.reference import gemeente_names, gemeenten

DEMO = ["GM0034", "GM0059", "GM0060", "GM0141", "GM0307", "GM0358", "GM0361", "GM0362", "GM0482", "GM0484",
        "GM0613", "GM1680", "GM1723", "GM1959"]  # the demo's consenting gemeenten (Aalten, GM0197, is not)  # fmt: skip


@pytest.fixture(scope="module")
def national():
    return peer_groups(gemeenten()["gemeente_code"])


def _members(groups, code):
    return set(groups.loc[groups["groep_code"] == code, "gemeente_code"])


def test_with_every_gemeente_in_the_groups_are_national_and_similar_ones_alike(national):
    assert set(national["groep_soort"]) == {"nederland", "provincie", "grootteklasse", "vergelijkbaar"}
    assert _members(national, "NL") == set(gemeenten()["gemeente_code"]) and len(_members(national, "NL")) == 342
    assert set(national.loc[national["groep_code"] == "NL", "groep_naam"]) == {"Nederland"}
    names = gemeente_names()
    ameland = {names[c] for c in _members(national, "VG-GM0060")}
    assert {"Terschelling", "Vlieland", "Texel"} <= ameland  # Wadden islands
    almere = _members(national, "VG-GM0034")
    assert len(almere) == 10 and "GM0060" not in almere and "GM0307" in almere  # Amersfoort, not Ameland
    assert len(_members(national, "PV-GM0358")) == 43  # the other 43 gemeenten of Noord-Holland
    assert national.query("groep_code == 'PV-GM0358'")["groep_naam"].iloc[0] == "andere gemeenten in Noord-Holland (43)"
    assert national.query("groep_code == 'GK-GM0358'")["groep_naam"].iloc[0].startswith("andere gemeenten met 20.000 tot 50.000 inwoners (")


def test_a_gemeente_is_never_in_its_own_comparison_group(national):
    for groups in (national, peer_groups(DEMO)):
        own = groups[groups["voor_gemeente_code"].notna()]
        assert len(own) and (own["gemeente_code"] != own["voor_gemeente_code"]).all()
    aalsmeer = groups_of(national, "GM0358")
    assert set(aalsmeer["groep_soort"]) == {"nederland", "provincie", "grootteklasse", "vergelijkbaar"}
    assert "GM0358" not in set(aalsmeer.loc[aalsmeer["groep_soort"] != "nederland", "gemeente_code"])


def test_only_participants_are_members_and_the_total_says_what_it_is():
    groups = peer_groups(DEMO)
    assert set(groups["gemeente_code"]) == set(DEMO)
    assert "GM0197" not in set(groups["gemeente_code"]) | set(groups["voor_gemeente_code"].dropna())
    assert not groups["groep_naam"].str.contains("Aalten").any()
    assert set(groups.loc[groups["groep_code"] == "NL", "groep_naam"]) == {"alle deelnemende gemeenten (14)"}
    assert not (groups["groep_naam"] == "Nederland").any()
    # Neighbours come from the nationally most similar only: Ameland gets no cities, Almere no island.
    assert _members(groups, "VG-GM0060") <= {"GM1680", "GM1723", "GM0059", "GM1959"}
    assert _members(groups, "VG-GM0034") == {"GM0307", "GM0484", "GM0362", "GM0361"}  # as docs/vergelijken.md says
    assert _members(groups, "VG-GM0358") == {"GM0613"} and not _members(groups, "VG-GM1959")
    for code, naam in groups[["groep_code", "groep_naam"]].drop_duplicates().itertuples(index=False):
        assert naam.endswith(f"({len(_members(groups, code))})"), naam
