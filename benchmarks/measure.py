"""Run one stage of a benchmark as its own process and measure it: wall time, CPU time, peak memory.

Every stage is a real command (`gmsd generate`, `gmsd run`, `gmsd publish`, `gmsd check`, the
DuckDB floor) started as a subprocess, so its time and memory are its own and not the harness's.
Two peaks are reported, because a stage may start processes of its own (the generator's pool):

- `peak_rss_mb`: the largest resident set of any one process of the stage (exact: the kernel's
  `ru_maxrss` from wait4, which covers the process and every descendant it waited for);
- `peak_tree_pss_mb`: the largest sum over all processes of the stage at one moment of their
  proportional set size (PSS, /proc/<pid>/smaps_rollup), sampled five times a second (a short peak
  between samples can be missed). PSS counts a page shared by n processes as 1/n in each, so
  memory that forked workers share with their parent is counted once; a sum of resident sets
  would count it once per process.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.2


@dataclass
class Stage:
    name: str
    command: list[str]
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    peak_tree_pss_mb: float
    exit_code: int
    log: str
    rows: int | None = None

    @property
    def rows_per_second(self) -> float | None:
        return self.rows / self.seconds if self.rows and self.seconds else None

    def as_dict(self) -> dict:
        return {**asdict(self), "rows_per_second": self.rows_per_second}


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may hold spaces and brackets: the fields after the last ')' are fixed.
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_pss_bytes(root: int) -> int:
    """Proportional set size of `root` and all its descendants now (shared pages counted once)."""
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_bytes(pid)
        todo.extend(tree.get(pid, []))
    return total


def run_stage(name: str, command: list[str], *, log: Path, env: dict[str, str] | None = None, rows: int | None = None) -> Stage:
    """Run `command`, its output to `log`; return its measurements (also when it fails)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    peak = 0
    with open(log, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_pss_bytes(process.pid))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    return Stage(
        name=name,
        command=command,
        seconds=round(seconds, 2),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
        peak_tree_pss_mb=round(peak / 2**20, 1),
        exit_code=process.returncode,
        log=str(log),
        rows=rows,
    )
