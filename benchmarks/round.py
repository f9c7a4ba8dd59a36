"""Benchmark a whole delivery round: generate synthetic deliveries, run intake → warehouse → site.

Run by hand (not in CI), e.g.

    uv run python benchmarks/round.py --schaal 1            # the sample's size (15 gemeenten, 2 periodes)
    uv run python benchmarks/round.py --schaal 10 --formaat parquet

Prints one Markdown table row with the figures to paste into docs/benchmarks.md. Peak memory is the
maximum resident set size of this process (intake, warehouse and site all run in it).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import secrets
import tempfile
import time
from pathlib import Path

from gmsd.synth import generate
from pipelines.runner import run_round
from vocabulary.home import Home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schaal", type=float, default=1.0)
    parser.add_argument("--formaat", default="gemengd")
    parser.add_argument("--gemeente", action="append")
    parser.add_argument("--periode", action="append")
    parser.add_argument("--werkmap", type=Path, help="keep data here instead of a temporary folder")
    args = parser.parse_args()

    workdir = args.werkmap or Path(tempfile.mkdtemp(prefix="gmsd-bench-"))
    started = time.perf_counter()
    kwargs = {"schaal": args.schaal, "formaat": args.formaat}
    if args.gemeente:
        kwargs["gemeenten"] = args.gemeente
    if args.periode:
        kwargs["periodes"] = args.periode
    summary = generate(workdir / "sample", **kwargs)
    seconds_generate = time.perf_counter() - started
    rows = sum(summary.rows.values())

    home = Home(workdir / "home")
    home.root.mkdir(parents=True, exist_ok=True)
    if home.inbox.exists():
        raise SystemExit(f"{home.inbox} exists already; give an empty --werkmap")
    os.replace(workdir / "sample" / "inbox", home.inbox)
    home.ensure()
    (home.root / "reference").mkdir(exist_ok=True)
    for table in (workdir / "sample" / "geo").glob("pc6hnr*_gwb.csv"):
        (home.root / "reference" / table.name).write_bytes(table.read_bytes())
    os.environ["GMSD_PSEUDONYM_KEY"] = secrets.token_hex(32)
    started = time.perf_counter()
    result = run_round(home)
    total = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    status = "ok" if result.published and not result.failed_partitions else f"FOUT: {result.error or result.failed_partitions}"
    print("| date | machine | schaal | formaat | partitions | rows | generate s | intake s | warehouse+site s | rows/s (intake) | peak MB | status |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {time.strftime('%Y-%m-%d')} | {os.cpu_count()} cores, {platform.python_version()} | {args.schaal:g} | {args.formaat} | "
        f"{result.partitions} | {rows:,} | {seconds_generate:.1f} | {result.seconds_intake:.1f} | {result.seconds_publish:.1f} | "
        f"{rows / max(result.seconds_intake, 1e-9):,.0f} | {peak_mb:,.0f} | {status} |"
    )
    print(f"(total {total:.1f} s; data in {workdir})")


if __name__ == "__main__":
    main()
