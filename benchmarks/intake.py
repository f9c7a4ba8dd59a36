"""Benchmark the intake per stage, against the DuckDB floor. Run by hand (never in CI), e.g.

    uv run --frozen gmsd generate --uit /tmp/gen --schaal 5 --formaat csv
    uv run --frozen python benchmarks/intake.py /tmp/gen

Takes every delivery folder under `<map>/inbox/` and the postcode table in `<map>/geo/`, and
1. times each stage of `check_file` on every file (read, normalise, validate, minimise incl. HMAC
   and geography, core contract), by calling the same functions in the same order;
2. runs the real `process_partition` for every delivery (reports and audit records included, into a
   temporary home) and times it end to end, per file and per process;
3. measures the floor: DuckDB reading the same files and counting distinct BSNs per file.
Prints one Markdown table: rows, seconds and rows/s per stage, the floor, and the ratio.

Seconds are CPU seconds of this process (`time.process_time`), so that a busy shared machine does
not distort them; the floor runs DuckDB with one thread, so its CPU seconds compare one to one.
Wall-clock seconds of the whole intake are printed as well.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import secrets
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from clearinghouse.geography import Geography
from clearinghouse.intake import core_contract_problem, process_partition
from clearinghouse.manifest import read_manifest
from clearinghouse.minimise import minimise
from clearinghouse.normalise import normalise
from clearinghouse.pseudonym import PseudonymKey
from clearinghouse.reading import read_delivery
from clearinghouse.validation import validate
from vocabulary.periode import Periode


def deliveries(root: Path) -> list[Path]:
    return sorted(p for p in (root / "inbox").glob("GM*/*") if p.is_dir())


def stages(folders: list[Path], key: PseudonymKey, geography: Geography) -> tuple[dict[str, float], int, int]:
    seconds: dict[str, float] = defaultdict(float)
    rows = files = 0
    for folder in folders:
        gemeente, periode = folder.parent.name, Periode.halfjaar(folder.name)
        for entry in read_manifest(folder, gemeente_code=gemeente, periode=periode.code).bestanden:
            files += 1
            moments = [time.process_time()]
            delivered = read_delivery(folder / entry.bestand)
            moments.append(time.process_time())
            normalised = normalise(delivered.frame, periode=periode)
            moments.append(time.process_time())
            validation = validate(normalised, entry.domein, headers=delivered.headers)
            moments.append(time.process_time())
            core = minimise(validation.valid, domein=entry.domein, gemeente_code=gemeente, periode=periode.code, key=key, geography=geography)
            moments.append(time.process_time())
            assert core_contract_problem(core) is None
            moments.append(time.process_time())
            for name, start, end in zip(("lezen", "normaliseren", "valideren", "minimaliseren (HMAC, wijk)", "core-contract"), moments, moments[1:]):
                seconds[name] += end - start
            rows += len(delivered.frame)
    return seconds, rows, files


def floor(folders: list[Path]) -> float:
    """DuckDB reading every file and counting distinct BSNs per file (CSV and Parquet; the floor of any intake)."""
    started = time.process_time()
    con = duckdb.connect(config={"threads": 1})
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix == ".csv":
                con.execute("SELECT count(DISTINCT bsn) FROM read_csv(?, all_varchar = true, header = true)", [str(path)]).fetchall()
            elif path.suffix == ".parquet":
                con.execute("SELECT count(DISTINCT bsn) FROM read_parquet(?)", [str(path)]).fetchall()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("map", type=Path, help="output of `gmsd generate --uit MAP`")
    args = parser.parse_args()
    folders = deliveries(args.map)
    geography = Geography.from_file(next((args.map / "geo").glob("pc6hnr*_gwb.csv")))
    key = PseudonymKey(secrets.token_bytes(32), "benchmark")
    seconds_floor = floor(folders)
    per_stage, rows, files = stages(folders, key, geography)
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        started, wall = time.process_time(), time.perf_counter()
        for folder in folders:
            process_partition(folder, gemeente_code=folder.parent.name, periode=folder.name, key=key, geography=geography,
                              core_dir=home / "core", intake_dir=home / "intake", reports_dir=home / "reports")  # fmt: skip
        seconds_total, seconds_wall = time.process_time() - started, time.perf_counter() - wall
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · {len(folders)} leveringen, "
          f"{files} bestanden, {rows:,} rijen · piek {peak_mb:,.0f} MB\n")  # fmt: skip
    print("| stap | seconden | rijen/s |")
    print("|---|---:|---:|")
    for name, value in per_stage.items():
        print(f"| {name} | {value:.2f} | {rows / value:,.0f} |")
    print(f"| som van de stappen | {sum(per_stage.values()):.2f} | {rows / sum(per_stage.values()):,.0f} |")
    print(f"| process_partition (alles, incl. rapporten en audit) | {seconds_total:.2f} | {rows / seconds_total:,.0f} |")
    print(f"| DuckDB-vloer (lezen + distinct BSN per bestand) | {seconds_floor:.2f} | {rows / seconds_floor:,.0f} |")
    print(f"\nverhouding intake / vloer: {seconds_total / seconds_floor:.1f}× · per bestand {1000 * seconds_total / files:.0f} ms CPU"
          f" · klok: {seconds_wall:.1f} s")


if __name__ == "__main__":
    main()
