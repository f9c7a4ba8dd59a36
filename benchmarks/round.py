"""Benchmark a delivery round with the real commands, against the DuckDB floor. Run by hand, never in CI.

    uv run --frozen python benchmarks/round.py --scenario landelijk                 # national half-year
    uv run --frozen python benchmarks/round.py --scenario landelijk --schaal 3      # x3 rows (and --schaal 10)
    uv run --frozen python benchmarks/round.py --scenario landelijk --vorm een      # the round as gmsd run --publiceer
    uv run --frozen python benchmarks/round.py --scenario heraanlevering --werkmap /tmp/b1   # gmsd run --publiceer
    uv run --frozen python benchmarks/round.py --scenario heraanlevering --vorm twee --werkmap /tmp/b1  # run + publish
    uv run --frozen python benchmarks/round.py --scenario geschiedenis              # 13 national periodes
    uv run --frozen python benchmarks/round.py --scenario check                     # gmsd check, 50,000 rows

Every stage is its own process (benchmarks/measure.py): `gmsd generate … --home H`, the DuckDB
floor on the same files (benchmarks/floor.py, before the intake deletes them), `gmsd run --home H`,
`gmsd publish --home H` (with `--vorm een` the operator's one command instead, `gmsd run --publiceer
--home H`: one start-up, the warehouse built once). The harness only calls the commands, so it measures whatever engine the
checkout has. It prints one table per run and writes it as Markdown and JSON to
benchmarks/resultaten/ (docs/benchmarks.md quotes them). `--stappen genereer,vloer` measures the
generator and the floor only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from figures import DEFAULT_TABLE, changed, published_hashes
from measure import Stage, run_stage

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "resultaten"
GMSD = [sys.executable, "-m", "gmsd"]
FLOOR = [sys.executable, str(Path(__file__).resolve().parent / "floor.py")]
HISTORY = [f"{year}-H{half}" for year in range(2020, 2027) for half in (1, 2)][:13]  # 2020-H1 … 2026-H1
ALL_STEPS = ("genereer", "vloer", "run", "publiceer")
OPTIONAL_STEPS = ("privacy",)  # gmsd audit-privacy of the home after the round: ~2 min at national scale
FORMS = {"een": "één opdracht, gmsd run --publiceer", "twee": "twee opdrachten, gmsd run + gmsd publish"}  # --vorm
TARGET_RATIO = 20
TARGET_REDELIVERY_SECONDS = 15
TARGET_CHECK_SECONDS = 3
TARGET_PEAK_GIB = 4


@dataclass
class Run:
    scenario: str
    title: str
    stages: list[Stage] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)  # verdicts under the table


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "commit": os.popen(f"git -C {REPO} rev-parse --short HEAD").read().strip(),
    }


def nl(number: float, decimals: int = 0) -> str:
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


class Bench:
    """One benchmark invocation: a work folder with a home and a key, and the stages run in it."""

    def __init__(self, workdir: Path, steps: tuple[str, ...], *, one_command: bool = False):
        self.workdir = workdir
        self.home = workdir / "home"
        self.steps = steps
        self.one_command = one_command  # the round and its publication as `gmsd run --publiceer`
        key = workdir / "sleutel.key"
        if not key.exists():
            key.write_text(secrets.token_hex(32) + "\n")
            key.chmod(0o600)
        self.env = {k: v for k, v in os.environ.items() if k not in ("GMSD_PSEUDONYM_KEY", "GMSD_HOME", "GMSD_PC6_TABLE")}
        self.env["GMSD_PSEUDONYM_KEY_FILE"] = str(key)

    def stage(self, run: Run, name: str, command: list[str], rows: int | None = None) -> Stage:
        log = self.workdir / "logs" / f"{len(run.stages) + 1:02d}-{name.replace(' ', '-')}.log"
        print(f"… {name}: {' '.join(command[2:] if command[:2] == GMSD[:2] else command)}", flush=True)
        stage = run_stage(name, command, log=log, env=self.env, rows=rows)
        run.stages.append(stage)
        if stage.exit_code not in (0, 1) or (stage.exit_code == 1 and not name.startswith("gmsd check")):
            print(f"   exitcode {stage.exit_code}; zie {log}:\n" + "".join(log.read_text(errors="replace").splitlines(True)[-15:]), flush=True)
        return stage

    def national_round(self, run: Run, periodes: list[str], schaal: float, label: str = "") -> dict | None:
        """generate → floor → run → publish on the home; returns the floor's figures."""
        floor = None
        if "genereer" in self.steps:
            command = [*GMSD, "generate", "--landelijk", "--home", str(self.home), "--schaal", f"{schaal:g}"]
            for periode in periodes:
                command += ["--periode", periode]
            self.stage(run, f"genereer{label}", command)
        if "vloer" in self.steps:
            out = self.workdir / f"vloer{label.replace(' ', '-')}.json"
            stage = self.stage(run, f"vloer DuckDB{label}", [*FLOOR, "--inbox", str(self.home / "inbox"), "--json", str(out)])
            if stage.exit_code == 0:
                floor = json.loads(out.read_text())
                rows = floor["rows"] + floor["xlsx_rows_left_out"]
                stage.rows = floor["rows"]
                for earlier in run.stages:
                    if earlier.name == f"genereer{label}":
                        earlier.rows = rows
        rows = floor and floor["rows"] + floor["xlsx_rows_left_out"]
        sources = self.workdir / f"bron{label.replace(' ', '-')}"
        if "privacy" in self.steps and "run" in self.steps:  # the raw deliveries, before gmsd run takes them in
            shutil.rmtree(sources, ignore_errors=True)
            shutil.copytree(self.home / "inbox", sources)
        if self.one_command and "run" in self.steps and "publiceer" in self.steps:
            self.stage(run, f"gmsd run --publiceer{label}", [*GMSD, "run", "--publiceer", "--home", str(self.home)], rows=rows)
        else:
            if "run" in self.steps:
                self.stage(run, f"gmsd run{label}", [*GMSD, "run", "--home", str(self.home)], rows=rows)
            if "publiceer" in self.steps:
                self.stage(run, f"gmsd publish{label}", [*GMSD, "publish", "--home", str(self.home)], rows=rows)
        if "privacy" in self.steps:
            if not sources.is_dir():
                sys.exit(f"Fout: geen kopie van de aanleveringen in {sources}; de stap privacy hoort bij de stap run.")
            self.stage(run, f"gmsd audit-privacy{label}", [*GMSD, "audit-privacy", "--home", str(self.home), "--bron", str(sources)])
        return floor


def _engine_verdict(run: Run, floor: dict | None, label: str = "") -> None:
    one = [s for s in run.stages if s.name == f"gmsd run --publiceer{label}"]  # the round and its publication in one command
    engine = one or [s for s in run.stages if s.name in (f"gmsd run{label}", f"gmsd publish{label}")]  # or in two
    if floor:
        run.facts["vloer_s"] = floor["seconds_scaled_to_all_rows"]
        run.facts["rijen"] = floor["rows"] + floor["xlsx_rows_left_out"]
        run.lines.append(
            f"Vloer: DuckDB leest {nl(floor['files'])} CSV- en Parquetbestanden ({nl(floor['rows'])} regels) in "
            f"{nl(floor['seconds'], 2)} s op {floor['threads']} threads; {floor['xlsx_files_left_out']} XLSX-bestanden "
            f"({nl(floor['xlsx_rows_left_out'])} regels) kan DuckDB niet lezen: de vloer is naar alle regels opgeschaald "
            f"tot {nl(floor['seconds_scaled_to_all_rows'], 2)} s."
        )
    if (len(engine) == 2 or one) and floor:
        seconds = sum(s.seconds for s in engine)
        ratio = seconds / floor["seconds_scaled_to_all_rows"]
        peak = max(max(s.peak_tree_pss_mb, s.peak_rss_mb) for s in engine)
        ok = all(s.exit_code == 0 for s in engine)
        run.facts.update(run_publish_s=seconds, ratio=round(ratio, 1), piek_mb=peak, motor_ok=ok, vorm="een" if one else "twee")
        run.lines.append(
            f"{'run --publiceer' if one else 'run + publish'}: {nl(seconds, 1)} s = **{nl(ratio, 1)}× de vloer** (doel ≤ {TARGET_RATIO}×); piek geheugen "
            f"{nl(peak)} MB (doel ≤ {TARGET_PEAK_GIB} GiB){'' if ok else '; LET OP: niet alles is verwerkt (exitcode)'}."
        )
        # CPU seconds against CPU seconds, scaled to all rows as the wall time is: a second view that
        # a busy machine distorts less than the ratio of two wall times (the floor's is about 1 s).
        floor_stage = next((s for s in run.stages if s.name == f"vloer DuckDB{label}"), None)
        if floor_stage and floor_stage.cpu_seconds and floor["rows"]:
            floor_cpu = floor_stage.cpu_seconds * run.facts["rijen"] / floor["rows"]
            cpu = sum(s.cpu_seconds for s in engine)
            run.facts.update(cpu_s=round(cpu, 1), vloer_cpu_s=round(floor_cpu, 2), cpu_ratio=round(cpu / floor_cpu, 1))
            run.lines.append(
                f"CPU: {nl(cpu, 1)} CPU-s tegen {nl(floor_cpu, 2)} CPU-s van het vloerproces (opstarten inbegrepen, opgeschaald naar "
                f"alle regels) = {nl(cpu / floor_cpu, 1)}× (geen doel; minder gevoelig voor de drukte van de machine)."
            )


def scenario_landelijk(bench: Bench, args) -> Run:
    periodes = args.periode or ["2026-H1"]
    run = Run("landelijk", f"Landelijk ×{args.schaal:g} ({', '.join(periodes)}), 342 gemeenten; {FORMS[args.vorm]}")
    floor = bench.national_round(run, periodes, args.schaal)
    run.facts.update(schaal=args.schaal, periodes=periodes)
    _engine_verdict(run, floor)
    _privacy_verdict(run)
    return run


def _privacy_verdict(run: Run) -> None:
    for audit in (s for s in run.stages if s.name.startswith("gmsd audit-privacy")):
        run.facts["privacy_schoon"] = audit.exit_code == 0
        outcome = "niets gevonden" if audit.exit_code == 0 else f"LET OP: vondst of fout (exitcode {audit.exit_code}), zie het log"
        run.lines.append(f"Privacy-audit van de thuismap na de ronde: {outcome}, in {nl(audit.seconds, 1)} s.")


def scenario_geschiedenis(bench: Bench, args) -> Run:
    run = Run("geschiedenis", f"13 landelijke periodes ({HISTORY[0]} … {HISTORY[-1]}), ×{args.schaal:g}; {FORMS[args.vorm]}")
    floor = bench.national_round(run, HISTORY, args.schaal)
    run.facts.update(schaal=args.schaal, periodes=HISTORY)
    _engine_verdict(run, floor)
    _privacy_verdict(run)
    one = _last_result("landelijk", args.schaal)
    engine_peak = run.facts.get("piek_mb")
    if one and one["facts"].get("piek_mb") and engine_peak:
        run.lines.append(
            f"Geheugen: piek {nl(engine_peak)} MB voor 13 periodes tegen {nl(one['facts']['piek_mb'])} MB voor één periode "
            f"({one['file']}): {nl(engine_peak / one['facts']['piek_mb'], 1)}× (begrensd door één periode = dicht bij 1×)."
        )
    return run


def scenario_heraanlevering(bench: Bench, args) -> Run:
    periode = (args.periode or ["2026-H1"])[0]
    gemeente = args.gemeente
    run = Run("heraanlevering", f"Heraanlevering van {gemeente} in een landelijke ronde ({periode}, ×{args.schaal:g}; {FORMS[args.vorm]})")
    if not bench.home.joinpath("warehouse.duckdb").exists():
        floor = bench.national_round(run, [periode], args.schaal, label=" (ronde)")
        _engine_verdict(run, floor, label=" (ronde)")
    warehouse = bench.home / "warehouse.duckdb"
    if not warehouse.exists():
        run.lines.append("Geen warehouse: de landelijke ronde is niet verwerkt, dus geen heraanlevering te meten.")
        return run
    before = published_hashes(warehouse, args.tabel)
    bench.stage(run, "genereer heraanlevering", [*GMSD, "generate", "--gemeente", gemeente, "--seed", str(args.seed),
                                                  "--periode", periode, "--home", str(bench.home)])
    out = bench.workdir / "vloer-heraanlevering.json"
    rows = None
    if bench.stage(run, "vloer DuckDB heraanlevering", [*FLOOR, "--inbox", str(bench.home / "inbox"), "--json", str(out)]).exit_code == 0:
        floor = json.loads(out.read_text())
        rows = run.stages[-1].rows = floor["rows"] + floor["xlsx_rows_left_out"]
    if args.vorm == "een":  # the operator's path for a re-delivery: one process, the warehouse built once
        stages = [bench.stage(run, "gmsd run --publiceer heraanlevering", [*GMSD, "run", "--publiceer", "--home", str(bench.home)], rows=rows)]
    else:
        stages = [bench.stage(run, "gmsd run heraanlevering", [*GMSD, "run", "--home", str(bench.home)], rows=rows),
                  bench.stage(run, "gmsd publish heraanlevering", [*GMSD, "publish", "--home", str(bench.home)], rows=rows)]
    after = published_hashes(warehouse, args.tabel)
    different = changed(before, after)
    seconds = sum(stage.seconds for stage in stages)
    others = sorted(set(before) - {gemeente})
    unchanged = [code for code in others if code not in different]
    run.facts.update(gemeente=gemeente, heraanlevering_s=seconds, gewijzigd=different, ongewijzigd=len(unchanged), andere=len(others),
                     vorm=args.vorm)
    run.lines.append(
        f"Heraanlevering ({'gmsd run --publiceer' if args.vorm == 'een' else 'gmsd run + gmsd publish'}): {nl(seconds, 1)} s (doel ≤ {TARGET_REDELIVERY_SECONDS} s). Gepubliceerde cijfers "
        f"({args.tabel}, gemeente- en wijkrijen, hash per gemeente): {len(unchanged)} van de {len(others)} andere gemeenten "
        f"ongewijzigd; gewijzigd: {', '.join(different) or 'geen'}."
    )
    return run


def scenario_check(bench: Bench, args) -> Run:
    rows_wanted = 50_000
    run = Run("check", f"gmsd check van één bestand met {nl(rows_wanted)} regels")
    folder = bench.workdir / "check"
    # Rotterdam's Wmo file of a half-year has ~59,000 rows: its first 50,000, as CSV (what most gemeenten upload).
    bench.stage(run, "genereer", [*GMSD, "generate", "--gemeente", "GM0599", "--periode", "2026-H1", "--formaat", "csv", "--uit", str(folder)])
    source = folder / "inbox" / "GM0599" / "2026-H1" / "GM0599_2026-H1_wmo.csv"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    target = bench.workdir / "GM0599_2026-H1_wmo.csv"
    target.write_text("".join(lines[: rows_wanted + 1]), encoding="utf-8")
    rows = min(rows_wanted, len(lines) - 1)
    stage = bench.stage(run, "gmsd check", [*GMSD, "check", str(target), "--gemeente", "GM0599", "--periode", "2026-H1",
                                            "--rapport", str(bench.workdir / "rapport")], rows=rows)
    run.facts.update(rijen=rows, check_s=stage.seconds, exitcode=stage.exit_code)
    run.lines.append(f"gmsd check: {nl(rows)} regels in {nl(stage.seconds, 2)} s (doel ≤ {TARGET_CHECK_SECONDS} s), exitcode {stage.exit_code} (0/1 = goedgekeurd).")
    return run


SCENARIOS = {"landelijk": scenario_landelijk, "heraanlevering": scenario_heraanlevering, "geschiedenis": scenario_geschiedenis, "check": scenario_check}


def _last_result(scenario: str, schaal: float) -> dict | None:
    for path in sorted(RESULTS.glob(f"*-{scenario}-x{schaal:g}.json"), reverse=True):
        data = json.loads(path.read_text())
        return {**data, "file": path.name}
    return None


def table(run: Run, info: dict) -> str:
    header = [
        f"### {run.title}",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}, commit {info['commit']}; {info['cores']} kernen ({info['cpu']}), {nl(info['memory_gib'], 1)} GiB, "
        f"Python {info['python']}, DuckDB {info['duckdb']}; load average bij de start {', '.join(nl(x, 2) for x in info['load_average_at_start'])}.",
        "",
        "| stap | regels | seconden | CPU-seconden | regels/s | piek-RSS grootste proces (MB) | piek geheugen alle processen, PSS (MB) | exitcode |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    body = [
        f"| {s.name} | {nl(s.rows) if s.rows else ''} | {nl(s.seconds, 1)} | {nl(s.cpu_seconds, 1)} | "
        f"{nl(s.rows_per_second) if s.rows_per_second else ''} | {nl(s.peak_rss_mb)} | {nl(s.peak_tree_pss_mb)} | {s.exit_code} |"
        for s in run.stages
    ]
    return "\n".join(header + body + [""] + [f"- {line}" for line in run.lines]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="Meet een ronde met de echte commando's tegen de DuckDB-vloer (met de hand, nooit in CI).")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="landelijk")
    parser.add_argument("--schaal", type=float, default=1.0, help="vermenigvuldigt het aantal cliënten (×3, ×10 voor de schaalcurve)")
    parser.add_argument("--periode", action="append", help="periode(s) van de landelijke ronde (standaard 2026-H1)")
    parser.add_argument("--gemeente", default="GM0034", help="de gemeente die heraanlevert (standaard Almere)")
    parser.add_argument("--seed", type=int, default=7, help="seed van de heraanlevering")
    parser.add_argument("--vorm", choices=("een", "twee"),
                        help="één opdracht (gmsd run --publiceer) of twee (gmsd run + gmsd publish); standaard een voor de "
                        "heraanlevering, twee voor de landelijke ronde en de geschiedenis (zoals issue 12 die meet)")
    parser.add_argument("--tabel", default=DEFAULT_TABLE, help="gepubliceerde tabel voor de hash per gemeente")
    parser.add_argument("--stappen", default=",".join(ALL_STEPS),
                        help=f"welke stappen van de ronde ({','.join(ALL_STEPS)}; en privacy: gmsd audit-privacy na afloop)")
    parser.add_argument("--werkmap", type=Path, help="houd de gegevens hier (anders een tijdelijke map die na afloop weg is)")
    parser.add_argument("--resultaten", type=Path, default=RESULTS, help="waar de Markdown- en JSON-resultaten komen")
    args = parser.parse_args()
    args.vorm = args.vorm or ("een" if args.scenario == "heraanlevering" else "twee")
    steps = tuple(s.strip() for s in args.stappen.split(",") if s.strip())
    if unknown := set(steps) - set(ALL_STEPS) - set(OPTIONAL_STEPS):
        parser.error(f"onbekende stap(pen): {', '.join(sorted(unknown))}; kies uit {', '.join(ALL_STEPS + OPTIONAL_STEPS)}")

    workdir = args.werkmap or Path(tempfile.mkdtemp(prefix="gmsd-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    info = machine()
    try:
        # The re-delivery scenario chooses its own form for the re-delivery; its national round is always two commands.
        one_command = args.vorm == "een" and args.scenario in ("landelijk", "geschiedenis")
        run = SCENARIOS[args.scenario](Bench(workdir, steps, one_command=one_command), args)
    finally:
        if args.werkmap is None:
            shutil.rmtree(workdir, ignore_errors=True)
    text = table(run, info)
    print("\n" + text)
    args.resultaten.mkdir(parents=True, exist_ok=True)
    base = args.resultaten / f"{time.strftime('%Y%m%d-%H%M%S')}-{run.scenario}-x{args.schaal:g}"
    Path(f"{base}.md").write_text(text, encoding="utf-8")
    payload = {"scenario": run.scenario, "title": run.title, "machine": info, "steps": list(steps),
               "stages": [s.as_dict() for s in run.stages], "facts": run.facts, "lines": run.lines}
    Path(f"{base}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Resultaten: {base}.md en .json" + (f"; gegevens in {workdir}" if args.werkmap else ""))


if __name__ == "__main__":
    main()
