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

import dagster as dg

from clearinghouse.inbox import scan_inbox
from clearinghouse.reports import write_operator_page
from indicators.releases import DEFINITIEF, Release, ReleaseError, list_releases, publish_release, withdraw
from indicators.warehouse import read_concept
from vocabulary.home import Home
from vocabulary.periode import Periode, sort_key
from vocabulary.reference import gemeente_names
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


class PublishError(RuntimeError):
    """Publishing failed; the message says why and what to do (Dutch). Nothing new is served.

    `refused` is true when the request itself cannot be honoured (unknown or closed periode),
    false when a rebuild failed.
    """

    def __init__(self, message: str, *, refused: bool = False):
        super().__init__(message)
        self.refused = refused


@dataclass
class PublishSummary:
    made: list[Release] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)  # periodes already definitively published


def publish(home: Home, periodes: list[str] | None = None, *, definitief: bool = False) -> PublishSummary:
    """Freeze releases of the concept figures of `periodes`, then rebuild warehouse and site.

    Without `periodes`: every concept periode that is not yet definitively published. If the rebuild
    fails, the new releases are withdrawn and the previous publication stays served.
    """
    if not home.warehouse.exists():
        raise PublishError(f"er is nog geen warehouse in {home.root}. Verwerk eerst aanleveringen (`gmsd run` of `gmsd demo`).", refused=True)
    concept = read_concept(home.warehouse)
    summary = PublishSummary()
    chosen = [Periode.parse(p).code for p in periodes] if periodes else None
    if not chosen:
        history = list_releases(home.releases)
        closed = set(history.loc[history["status"] == DEFINITIEF, "periode"])
        summary.closed = sorted(closed & set(concept["periode"]), key=sort_key)
        chosen = [p for p in sorted(set(concept["periode"]), key=sort_key) if p not in closed]
    try:
        for periode in chosen:
            summary.made.append(publish_release(concept, home.releases, periode, definitief=definitief))
    except ReleaseError as exc:
        for release in summary.made:
            withdraw(release)
        raise PublishError(str(exc), refused=True) from exc
    if not summary.made:
        return summary
    rebuilt = run_round(home, deliveries=[])
    if not rebuilt.published:
        for release in summary.made:
            withdraw(release)
        raise PublishError(f"publiceren is mislukt: {rebuilt.error}. De releases zijn ingetrokken; de vorige publicatie blijft staan.")
    return summary
