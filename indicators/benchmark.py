"""Benchmark each gemeente against its peer groups: median, P25–P75, group value, rank, change.

Input is the *published* indicator table (after disclosure control, consenting gemeenten only)
and the peer groups (indicators.peers, built from the same gemeenten), so nothing here can reveal
a secret cell or a gemeente without consent: every statistic is a function of figures anyone can
already read, plus public CBS population figures. Rules a reader relies on:

- a gemeente is compared with its own comparison groups, whose members never include itself; the
  nederland group is the total of all participants and does include it;
- rates, not sizes: an indicator that is a count (instroom, uitstroom) is compared per 1.000
  inwoners (CBS KWB), so the benchmark row's `eenheid` is per_1000;
- a statistic over too few values says nothing: with fewer than MIN_FOR_BAND values no P25–P75,
  with fewer than MIN_FOR_COMPARISON no group statistic and no rank at all;
- the group value is pooled (sum of published tellers over sum of noemers), the way each
  gemeente's own rate is computed; a secret value counts for nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from contracts.publish import BENCHMARK
from vocabulary.periode import Periode, register_macros, sorted_codes
from vocabulary.reference import population

BENCHMARK_COLUMNS = list(BENCHMARK.kolomnamen)
MIN_FOR_BAND = 5  # P25 and P75 need at least this many values in the group
MIN_FOR_COMPARISON = 2  # a group of one value is not a comparison
# The columns of the indicator table the benchmark reads (a caller may read only these).
INPUT_COLUMNS = ["indicator_id", "periode", "gemeente_code", "regio_niveau", "regio_naam", "eenheid", "geheim", "teller", "noemer", "waarde"]


BENCHMARK_SQL = (Path(__file__).with_name("sql") / "benchmark.sql").read_text(encoding="utf-8")


def benchmark(indicatoren: pd.DataFrame, groups: pd.DataFrame, *, periodes: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per indicator × periode × published gemeente × group it is compared with (BENCHMARK_COLUMNS).

    `groups`: publish.peergroepen (indicators.peers.peer_groups) of the gemeenten in `indicatoren`.
    `periodes`: only these periodes' rows (default: every periode in `indicatoren`); the previous
    periode of each, where `indicatoren` has it, gives the change.
    """
    if indicatoren.empty or groups.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in BENCHMARK_COLUMNS})
    # Only gemeenten are compared (benchmark.sql): the wijk rows, four in five, are left out here.
    indicatoren = indicatoren[indicatoren["regio_niveau"] == "gemeente"]
    cells = indicatoren[INPUT_COLUMNS[:7]].copy()
    for column in INPUT_COLUMNS[7:]:
        cells[column] = pd.to_numeric(indicatoren[column], errors="coerce").astype("float64")
    cells["geheim"] = cells["geheim"].astype(bool)
    inwoners = population().query("regio_niveau == 'gemeente'")[["gemeente_code", "inwoners"]]
    con = duckdb.connect()
    parts = []
    try:
        register_macros(con)
        con.register("groups", groups)
        con.register("inwoners", inwoners)
        # One periode at a time (with its previous periode, for the change): memory is bounded by a
        # periode, not by the history — 13 national periodes at once took 3.7 GB, one takes ~0.4 GB.
        for periode in sorted_codes(cells["periode"].unique() if periodes is None else set(periodes) & set(cells["periode"])):
            wanted = {periode, Periode.parse(periode).previous().code}
            con.register("cells", cells[cells["periode"].isin(wanted)])
            parts.append(con.execute(
                BENCHMARK_SQL, {"band": MIN_FOR_BAND, "vergelijking": MIN_FOR_COMPARISON, "periodes": [periode]}
            ).df())
            con.unregister("cells")
    finally:
        con.close()
    if not parts:
        return benchmark(indicatoren.head(0), groups)
    order = ["indicator_id", "periode", "gemeente_code", "groep_soort", "groep_code"]  # as the query sorts one periode
    frame = pd.concat(parts, ignore_index=True).sort_values(order, ignore_index=True)
    frame["rang"] = frame["rang"].astype("Int64")
    frame["groep_aantal"] = frame["groep_aantal"].astype("int64")
    return frame[BENCHMARK_COLUMNS]
