"""Releases: immutable, numbered, with CBS status and the revisions between them."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import pytest

from indicators.concept import indicatoren_path, read_concept
from indicators.releases import (
    DEFINITIEF, NADER_VOORLOPIG, VOORLOPIG, ReleaseError, differs_from_release, latest_releases, list_releases, load_published, publish_release,
)
from vocabulary import files
from vocabulary.home import Home

NOW = datetime(2025, 9, 1, tzinfo=timezone.utc)


def _concept(waarde_wk=12.5, periode="2025-H1"):
    return pd.DataFrame(
        {"indicator_id": "wmo_per_1000", "periode": periode, "regio_code": ["GM0358", "WK035800"],
         "regio_naam": ["Aalsmeer", "Centrum"], "waarde": [71.1, waarde_wk], "teller": [2365.0, 40.0],
         "release": "concept", "status": "concept"}
    )


def test_first_release_is_voorlopig_then_nader_voorlopig_with_revisions(tmp_path):
    first = publish_release(_concept(), tmp_path, "2025-H1", now=NOW)
    assert (first.release_id, first.status, first.herzien) == ("2025-H1-r1", VOORLOPIG, 0)
    second = publish_release(_concept(waarde_wk=15.0), tmp_path, "2025-H1", now=NOW)
    assert (second.release_id, second.status, second.herzien) == ("2025-H1-r2", NADER_VOORLOPIG, 1)
    figures, history, revisions = load_published(tmp_path)
    assert set(figures["release"]) == {"2025-H1-r2"} and figures["status"].eq(NADER_VOORLOPIG).all()
    assert history["release_id"].tolist() == ["2025-H1-r1", "2025-H1-r2"]
    change = revisions.iloc[0]
    assert (change["regio_code"], change["waarde_oud"], change["waarde_nieuw"], change["verschil"]) == ("WK035800", 12.5, 15.0, 2.5)
    # The first release is untouched.
    assert pd.read_parquet(tmp_path / "2025-H1-r1" / "indicatoren.parquet")["waarde"].tolist() == [71.1, 12.5]


def test_definitief_after_a_year_or_on_request_and_then_closed(tmp_path):
    late = datetime(2026, 7, 1, tzinfo=timezone.utc)
    assert publish_release(_concept(), tmp_path, "2025-H1", now=late).status == DEFINITIEF
    with pytest.raises(ReleaseError, match="definitief"):
        publish_release(_concept(), tmp_path, "2025-H1", now=late)
    assert publish_release(_concept(periode="2024-H2"), tmp_path, "2024-H2", now=NOW, definitief=True).status == DEFINITIEF
    assert len(list_releases(tmp_path)) == 2


def test_a_periode_without_figures_is_refused_in_dutch(tmp_path):
    with pytest.raises(ReleaseError, match="geen conceptcijfers voor periode 2023-H1"):
        publish_release(_concept(), tmp_path, "2023-H1", now=NOW)
    assert list_releases(tmp_path).empty


def test_a_concept_differs_from_its_release_in_any_stored_column_not_in_order_or_other_periodes(tmp_path):
    """What `gmsd run --publiceer` re-releases: a periode whose concept figures moved, nothing else."""
    assert differs_from_release(_concept(), None)  # never released
    publish_release(_concept(), tmp_path, "2025-H1", now=NOW)
    publish_release(_concept(periode="2024-H2"), tmp_path, "2024-H2", now=NOW)
    latest = latest_releases(tmp_path)
    both = pd.concat([_concept(), _concept(periode="2024-H2")], ignore_index=True)
    assert not differs_from_release(both, latest["2025-H1"])
    assert not differs_from_release(both.iloc[::-1], latest["2025-H1"])  # row order is no change
    counts_moved = both.copy()
    counts_moved.loc[1, "teller"] = 45.0  # same value, other count: still a revision to release
    assert differs_from_release(counts_moved, latest["2025-H1"]) and not differs_from_release(counts_moved, latest["2024-H2"])
    assert differs_from_release(both.drop(index=1), latest["2025-H1"])  # a figure gone
    assert differs_from_release(_concept(waarde_wk=15.0), latest["2025-H1"])


def test_a_release_reads_the_concept_of_its_own_periode_and_freezes_the_same_files(tmp_path):
    """The release step reads only its periode's concept figures: the release is byte for byte the
    one made from the whole concept, and a periode without figures reads nothing."""
    home = Home(tmp_path / "home")
    files.write_parquet(pd.concat([_concept(), _concept(periode="2024-H2"), _concept(periode="2025")], ignore_index=True),
                        indicatoren_path(home))
    own = read_concept(home, periode="2024-H2")
    whole = read_concept(home)
    pd.testing.assert_frame_equal(own, whole[whole["periode"] == "2024-H2"].reset_index(drop=True))
    assert read_concept(home, periode="2023-H1").empty and list(read_concept(home, periode="2023-H1").columns) == list(whole.columns)
    from_own = publish_release(own, tmp_path / "a", "2024-H2", now=NOW)
    from_whole = publish_release(whole, tmp_path / "b", "2024-H2", now=NOW)
    for name in ("indicatoren.parquet", "revisies.parquet", "release.json"):
        assert (from_own.path / name).read_bytes() == (from_whole.path / name).read_bytes()
