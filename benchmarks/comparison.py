"""Benchmark the comparison at national scale: peer groups of all 342 gemeenten and their benchmark.

Run by hand (not in CI):

    uv run python benchmarks/comparison.py                  # 342 gemeenten, 40 indicators, 13 periodes
    uv run python benchmarks/comparison.py --periodes 2

The indicator figures are random (10 % secret): only their number matters for the time. Prints the
sizes, the seconds per step and the peak resident memory of this process (frame included).
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from indicators.benchmark import benchmark
from indicators.catalogus import load_catalogue
from indicators.peers import peer_groups
from vocabulary.periode import Periode
from vocabulary.reference import gemeenten, population


def figures(codes: list[str], periodes: list[str], seed: int = 1) -> pd.DataFrame:
    """A published-indicator frame at gemeente level: every gemeente, indicator and periode."""
    catalogue = load_catalogue()
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "indicator_id": np.repeat([i.id for i in catalogue], len(codes) * len(periodes)),
            "periode": np.tile(np.repeat(periodes, len(codes)), len(catalogue)),
            "gemeente_code": np.tile(codes, len(catalogue) * len(periodes)),
        }
    )
    frame["regio_niveau"] = "gemeente"
    frame["regio_naam"] = frame["gemeente_code"]
    frame["eenheid"] = frame["indicator_id"].map({i.id: i.eenheid for i in catalogue})
    frame["teller"] = rng.integers(10, 1000, len(frame)).astype("float64")
    frame["noemer"] = 10_000.0
    frame["waarde"] = frame["teller"] / frame["noemer"] * 1000
    frame["geheim"] = rng.random(len(frame)) < 0.1
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periodes", type=int, default=13)
    args = parser.parse_args()
    codes = list(gemeenten()["gemeente_code"])
    periode, periodes = Periode(2019, 1), []
    for _ in range(args.periodes):
        periodes.append(periode.code)
        periode = periode.next()
    population()  # reference data read once, outside the timings
    started = time.perf_counter()
    groups = peer_groups(codes)
    grouped = time.perf_counter()
    cells = figures(codes, periodes)
    built = time.perf_counter()
    rows = benchmark(cells, groups)
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peergroepen: {len(groups):,} rijen in {grouped - started:.1f} s")
    print(f"benchmark: {len(cells):,} gemeentecijfers → {len(rows):,} rijen in {done - built:.1f} s; piek {peak:,} MB")


if __name__ == "__main__":
    main()
