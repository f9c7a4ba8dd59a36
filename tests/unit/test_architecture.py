"""The structure a newcomer relies on: layers that only point down, and no import hidden in a function.

`lint-imports` checks the contracts in pyproject.toml (layers: vocabulary → contracts →
clearinghouse → indicators → dashboards → pipelines | portal → gmsd; Dagster only in pipelines).
A function-level import of a project module is how a cycle gets hidden, so there are none; the
only function-level imports allowed are of slow third-party libraries named below.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("vocabulary", "contracts", "clearinghouse", "indicators", "dashboards", "pipelines", "portal", "gmsd", "benchmarks")
# Slow imports (Great Expectations takes ~2.6 s) that only the quality check needs.
LAZY_THIRD_PARTY = {"great_expectations"}
# The web stack of the portal (~0.23 s) only for the commands that serve it or manage its accounts:
# every other `gmsd` command would pay for it at start.
# The command's entry point imports the command itself with the cycle collector paused (gmsd/start.py).
LAZY_IN = {"gmsd/commands/portal.py": {"uvicorn", "portal"}, "gmsd/start.py": {"gmsd"}}


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is not installed (it is a dev dependency)"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _function_level_imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    found += [(inner.lineno, alias.name) for alias in inner.names]
                elif isinstance(inner, ast.ImportFrom) and inner.module:
                    found.append((inner.lineno, inner.module))
    return found


def test_no_import_inside_a_function():
    offenders = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            allowed = LAZY_THIRD_PARTY | LAZY_IN.get(str(path.relative_to(ROOT)), set())
            for line, module in _function_level_imports(path):
                if module.split(".")[0] not in allowed:
                    offenders.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not offenders, "imports belong at the top of the module:\n" + "\n".join(offenders)
