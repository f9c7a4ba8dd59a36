"""Benchmark the intake per stage, against the DuckDB floor. Run by hand (never in CI), e.g.

    uv run --frozen gmsd generate --uit /tmp/gen --schaal 5 --formaat csv
    uv run --frozen python benchmarks/intake.py /tmp/gen [--processen 2] [--per-levering]

Takes every delivery folder under `<map>/inbox/` and the postcode table in `<map>/geo/` (or
`<map>/reference/`), runs the real intake (`process_partitions`: reports, records and audit written
into a temporary home) and prints one Markdown table: seconds and rows/s per stage, the total, the
DuckDB floor (reading the same CSV and Parquet files and counting distinct BSNs per file) and the
ratio. Stage times come from timers wrapped around the intake's own functions; they are CPU seconds
of the intake process (`time.process_time`), so a busy shared machine distorts them less than wall
time; the floor runs DuckDB on one thread so its CPU seconds compare one to one. Wall-clock time of
the whole intake is printed too. `--per-levering` runs `process_partition` once per delivery (the
old way: every file checked on its own); `--processen N` splits the deliveries over N processes.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb

from clearinghouse import filecheck, intake
from clearinghouse.geography import Geography
from clearinghouse.pseudonym import PseudonymKey
from clearinghouse.reading import read_delivery

STAGES = {
    (filecheck, "_open"): "lezen en kolommen (per bestand)",
    (filecheck, "_stack"): "stapelen",
    (filecheck, "normalise"): "normaliseren",
    (filecheck, "validate_files"): "valideren (regels, meldingen)",
    (filecheck, "minimise"): "minimaliseren (HMAC, wijk)",
    (filecheck, "core_contract_problem"): "core-contract in geheugen",
    (intake, "write_report"): "rapporten (HTML, CSV)",
    (intake.files, "write_parquet"): "Parquet schrijven (core, audit)",
}
SECONDS: dict[str, float] = defaultdict(float)


def _timed(function, label):
    def timed(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            SECONDS[label] += time.process_time() - started

    return timed


def _instrument() -> None:
    for (module, name), label in STAGES.items():
        setattr(module, name, _timed(getattr(module, name), label))


def deliveries(root: Path) -> list[Path]:
    return sorted(p for p in (root / "inbox").glob("GM*/*") if p.is_dir())


def floor(folders: list[Path]) -> tuple[float, int]:
    """DuckDB reading every CSV and Parquet file and counting distinct BSNs per file (XLSX it cannot read)."""
    con = duckdb.connect(config={"threads": 1})
    started, files = time.process_time(), 0
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix == ".csv":
                con.execute("SELECT count(DISTINCT bsn) FROM read_csv(?, all_varchar = true, header = true)", [str(path)]).fetchall()
            elif path.suffix == ".parquet":
                con.execute("SELECT count(DISTINCT bsn) FROM read_parquet(?)", [str(path)]).fetchall()
            else:
                continue
            files += 1
    return time.process_time() - started, files


def _run(job: tuple) -> tuple[float, dict[str, float]]:
    folders, table, home, per_delivery = job
    geography = Geography.from_file(table)
    key = PseudonymKey(b"b" * 32, "benchmark")
    options = dict(key=key, geography=geography, core_dir=home / "core", intake_dir=home / "intake", reports_dir=home / "reports")
    SECONDS.clear()
    started = time.process_time()
    if per_delivery:
        for folder in folders:
            intake.process_partition(folder, gemeente_code=folder.parent.name, periode=folder.name, **options)
    else:
        intake.process_partitions([(f, f.parent.name, f.name) for f in folders], **options)
    return time.process_time() - started, dict(SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("map", type=Path, help="output of `gmsd generate --uit MAP`")
    parser.add_argument("--processen", type=int, default=1)
    parser.add_argument("--per-levering", action="store_true")
    args = parser.parse_args()
    _instrument()
    folders = deliveries(args.map)
    table = next(p for folder in ("geo", "reference") for p in (args.map / folder).glob("pc6hnr*_gwb.csv"))
    rows = sum(len(read_delivery(path).frame) for folder in folders for path in folder.iterdir() if not path.name.startswith("manifest"))
    files = sum(1 for folder in folders for path in folder.iterdir() if not path.name.startswith("manifest"))
    seconds_floor, floor_files = floor(folders)
    with tempfile.TemporaryDirectory() as scratch:
        chunks = [folders[i :: args.processen] for i in range(args.processen)]
        jobs = [(chunk, table, Path(scratch) / f"p{i}", args.per_levering) for i, chunk in enumerate(chunks)]
        wall = time.perf_counter()
        if args.processen == 1:
            results = [_run(jobs[0])]
        else:
            with ProcessPoolExecutor(args.processen) as pool:
                results = list(pool.map(_run, jobs))
        seconds_wall = time.perf_counter() - wall
    cpu = sum(total for total, _ in results)
    stages: dict[str, float] = defaultdict(float)
    for _, seconds in results:
        for label, value in seconds.items():
            stages[label] += value
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · {len(folders)} leveringen, "
          f"{files} bestanden, {rows:,} rijen · {'per levering' if args.per_levering else 'alles in één doorgang'} · "
          f"{args.processen} proces(sen) · piek {peak_mb:,.0f} MB (hoofdproces)\n")  # fmt: skip
    print("| stap | CPU-seconden | rijen/s |")
    print("|---|---:|---:|")
    for label in STAGES.values():
        if stages.get(label):
            print(f"| {label} | {stages[label]:.2f} | {rows / stages[label]:,.0f} |")
    print(f"| **intake totaal** | **{cpu:.2f}** | **{rows / cpu:,.0f}** |")
    print(f"| DuckDB-vloer ({floor_files} CSV/Parquet-bestanden lezen + distinct BSN) | {seconds_floor:.2f} | |")
    print(f"\nintake / vloer (CPU): {cpu / seconds_floor:.1f}× · per bestand {1000 * cpu / files:.1f} ms CPU · "
          f"kloktijd {seconds_wall:.1f} s met {args.processen} proces(sen)")  # fmt: skip


if __name__ == "__main__":
    main()
