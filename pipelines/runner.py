"""Run a whole delivery round in this one process: every partition, then the single writer.

`gmsd demo` and `gmsd run` use this instead of a Dagster daemon: one Python process, Dagster's
in-process executor, one run per partition (no process start per partition), and the warehouse
written once at the end by one writer. Runs are recorded in the home folder's Dagster instance,
so `dagster dev` with the same DAGSTER_HOME shows them afterwards.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from clearinghouse.reports import write_operator_page
from clearinghouse.inbox import scan_inbox
from vocabulary.reference import gemeente_names
from vocabulary.home import Home
from pipelines.assets import core_trajecten, geheimhouding_klopt, kwaliteit_gepubliceerd, out_indicatoren, out_site
from pipelines.partitions import delivery_key, gemeente_partitions, periode_partitions
from pipelines.resources import Clearinghouse

# The warehouse has one writer at a time: assets in a pool share its limit (pool "warehouse").
DAGSTER_YAML = """\
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
"""

# Dagster's console logger prints every step event at DEBUG; a round of 700 partitions would
# bury the summary the operator needs. Events are still stored in the instance for the UI.
QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class RoundSummary:
    partitions: int = 0
    failed_partitions: list[str] = field(default_factory=list)
    seconds_intake: float = 0.0
    seconds_publish: float = 0.0
    published: bool = False
    error: str | None = None


def instance_for(home: Home) -> dg.DagsterInstance:
    home.dagster.mkdir(parents=True, exist_ok=True)
    config = home.dagster / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    return dg.DagsterInstance.from_config(str(home.dagster))


def run_round(home: Home, *, deliveries: list[str] | None = None, quiet: bool = True, publish: bool = True) -> RoundSummary:
    """Process `deliveries` ('GMxxxx/periode'; default: everything in the inbox), then publish.

    `publish=False` runs the intake only (the portal: a verdict within seconds, publication later).
    """
    if quiet:
        logging.getLogger("dagster").setLevel(logging.WARNING)
    deliveries = sorted(scan_inbox(home.inbox)) if deliveries is None else deliveries
    summary = RoundSummary(partitions=len(deliveries))
    resources = {"clearinghouse": Clearinghouse(home_path=str(home.root), beheerpagina_per_levering=False)}
    with instance_for(home) as instance:
        instance.add_dynamic_partitions(gemeente_partitions.name, sorted({d.split("/")[0] for d in deliveries}))
        instance.add_dynamic_partitions(periode_partitions.name, sorted({d.split("/")[1] for d in deliveries}))
        started = time.perf_counter()
        for delivery in deliveries:
            result = dg.materialize(
                [core_trajecten],
                partition_key=delivery_key(*delivery.split("/")),
                instance=instance,
                resources=resources,
                raise_on_error=False,
                run_config=QUIET_RUN_CONFIG if quiet else None,
            )
            if not result.success:
                summary.failed_partitions.append(delivery)
        if deliveries:
            write_operator_page(home.intake, home.reports, names=gemeente_names())
        summary.seconds_intake = time.perf_counter() - started
        if not publish:
            return summary
        started = time.perf_counter()
        result = dg.materialize(
            [core_trajecten, out_indicatoren, out_site, geheimhouding_klopt, kwaliteit_gepubliceerd],
            selection=[out_indicatoren, out_site],
            instance=instance,
            resources=resources,
            raise_on_error=False,
            run_config=QUIET_RUN_CONFIG if quiet else None,
        )
        summary.seconds_publish = time.perf_counter() - started
        summary.published = result.success
        if not result.success:
            failures = [event for event in result.all_events if event.is_step_failure]
            summary.error = "; ".join(_failure_text(event.step_failure_data.error) for event in failures)[:2000] or "onbekende fout"
    return summary


def _failure_text(error) -> str:
    """The innermost cause of a step failure: Dagster wraps the user's exception in its own."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return str(error.message).strip()


def sample_deliveries(inbox: Path) -> list[str]:
    return sorted(scan_inbox(inbox))
