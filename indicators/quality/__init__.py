"""Data quality of the published tables: Great Expectations suites, their runner, offline Data Docs.

- `suites`: the expectations, each with a Dutch explanation, built from contracts.publish;
- `tables`: derived columns and tables for rules GX cannot express directly;
- `runner`: `check_published` runs the suites and summarises every result;
- `datadocs`: makes GX's Data Docs offline, Dutch and small, with our own index.

Great Expectations is imported only when `check_published` runs (a 2.6 s import), or ahead of it in a
process of its own (`checked_ahead`) by a command that checks after other work; `start_check` starts
a check there as soon as the tables are written.
"""

from indicators.quality.datadocs import external_references, make_offline, prune_unreferenced
from indicators.quality.runner import ByPeriode, QualityResult, check_published, checked_ahead, start_check
from indicators.quality.tables import completeness_table

__all__ = [
    "ByPeriode",
    "QualityResult",
    "check_published",
    "checked_ahead",
    "completeness_table",
    "external_references",
    "make_offline",
    "prune_unreferenced",
    "start_check",
]
