"""Run a round or a publication in this process, as named Dagster runs recorded in the home's instance.

`gmsd demo`, `gmsd run` and `gmsd publish` use this instead of a Dagster daemon: the same jobs the
sensors start (`verwerken`, `conceptcijfers`, `release_maken`, `publiceren`), executed in-process,
recorded in `<home>/dagster/` so `dagster dev` with that DAGSTER_HOME shows them afterwards.

Every command first recovers from an earlier crash (`recover`): temporaries of dead processes are
removed, and runs that a killed process left "started" are marked failed. Locks are file locks that
the kernel releases with their process, so nothing a crash leaves behind can block the next command;
and because the warehouse and the site are rebuilt from what lies on disk, a release that was frozen
but not yet served is served by the next command.
"""

from __future__ import annotations

import logging
import os
import time
from contextlib import ExitStack
from dataclasses import dataclass, field

import dagster as dg

from clearinghouse.inbox import scan_inbox, split_key
from clearinghouse.ownership import command_lock_path, exclusive
from indicators.concept import concept_periodes, read_concept
from indicators.quality import checked_ahead
from indicators.releases import DEFINITIEF, Release, differs_from_release, latest_releases, withdraw
from indicators.warehouse import built_ahead, read_published
from pipelines.assets.publication import site_is_current
from pipelines.definitions import defs
from pipelines.jobs import conceptcijfers, conceptcijfers_berekenen, publiceren, release_maken, verwerken
from pipelines.partitions import boxes, gemeente_partitions, periode_partitions, release_partitions
from pipelines.resources import Clearinghouse
from pipelines.storage import keep_connections_open
from vocabulary import files
from vocabulary.home import Home
from vocabulary.periode import Periode, PeriodeError

DAGSTER_YAML = """\
telemetry:
  enabled: false
"""
PID_TAG = "gmsd/pid"
COMMAND_TAG = "gmsd/opdracht"
ACTIVE = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]

# Dagster's console logger prints every step event, and a failure with its stack trace; the operator
# gets one Dutch line from us instead. Events are still stored in the instance for the UI.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class RoundSummary:
    partitions: int = 0
    failed_partitions: list[str] = field(default_factory=list)
    seconds_intake: float = 0.0
    seconds_publish: float = 0.0
    published: bool = False
    error: str | None = None


class PublishError(RuntimeError):
    """Publishing failed; the message says why and what to do (Dutch). Nothing new is served.

    `refused` is true when the request itself cannot be honoured (unknown or closed periode),
    false when a step failed.
    """

    def __init__(self, message: str, *, refused: bool = False):
        super().__init__(message)
        self.refused = refused


@dataclass
class PublishSummary:
    made: list[Release] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)  # periodes already definitively published and served
    served_again: list[str] = field(default_factory=list)  # frozen earlier but not yet served (a crash): served now
    unchanged: list[str] = field(default_factory=list)  # with changed_only: concept equal to the latest release, not re-released
    seconds: float = 0.0


def instance_for(home: Home) -> dg.DagsterInstance:
    home.dagster.mkdir(parents=True, exist_ok=True)
    config = home.dagster / "dagster.yaml"
    if not config.exists():
        files.write_text(config, DAGSTER_YAML)
    return keep_connections_open(dg.DagsterInstance.from_config(str(home.dagster)))


def recover(home: Home, instance: dg.DagsterInstance) -> list[str]:
    """Undo what a killed process left: its temporaries, and its runs still marked as running."""
    files.remove_stale_temporaries(home.root)
    failed = []
    for record in instance.get_run_records(dg.RunsFilter(statuses=ACTIVE)):
        run = record.dagster_run
        pid = run.tags.get(PID_TAG)
        if pid and pid.isdigit() and not files.process_alive(int(pid)):
            instance.report_run_failed(run, message=f"Het proces {pid} van deze run bestaat niet meer (afgebroken).")
            failed.append(run.run_id)
    return failed


class Interrupted(RuntimeError):
    """The operator stopped the command (Ctrl-C, SIGTERM); the next command finishes the work."""


def _interrupted(result: dg.ExecuteInProcessResult) -> bool:
    """Whether a run failed because it was interrupted (the error, or one of its causes, says so)."""
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error is not None:
                if error.cls_name in ("DagsterExecutionInterruptedError", "KeyboardInterrupt") or "interrupted" in str(error.message).lower():
                    return True
                error = error.cause or error.context
    return False


def _failure_text(result: dg.ExecuteInProcessResult) -> str:
    """The innermost cause of each failure, in one line (Dagster wraps the user's exception)."""
    texts = []
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            user = event.step_failure_data.user_failure_data
            if user is not None and user.description:
                texts.append(user.description)
                continue
            while getattr(error, "cause", None) is not None:
                error = error.cause
            texts.append(str(error.message).strip().splitlines()[-1] if error else "onbekende fout")
    return "; ".join(dict.fromkeys(texts))[:2000] or "onbekende fout"


# A command waits this long for another intake owner or warehouse writer, then says who holds the home.
WAIT_SECONDS = 60.0


def _execute(instance, home: Home, job_name: str, *, command: str, tags: dict | None = None, partition_key: str | None = None,
             run_config: dict | None = None, quiet: bool = True) -> dg.ExecuteInProcessResult:
    config = dict(QUIET) if quiet else {}
    if run_config:
        config.update(run_config)
    result = defs.resolve_job_def(job_name).execute_in_process(
        instance=instance,
        resources={"clearinghouse": Clearinghouse(home_path=str(home.root), wait_seconds=WAIT_SECONDS)},
        tags={PID_TAG: str(os.getpid()), COMMAND_TAG: command, **(tags or {})},
        partition_key=partition_key,
        run_config=config or None,
        raise_on_error=False,
    )
    if not result.success and _interrupted(result):
        raise Interrupted(f"afgebroken tijdens {job_name} (run {result.run_id[:8]}); de volgende opdracht maakt het werk af.")
    return result


def run_round(home: Home, *, deliveries: list[str] | None = None, quiet: bool = True, command: str = "gmsd run") -> RoundSummary:
    """Process `deliveries` ('GMxxxx/periode'; default: everything in the inbox), then the concept figures.

    Raises clearinghouse.ownership.Busy when another command holds the home longer than WAIT_SECONDS.
    """
    if quiet:
        logging.getLogger("dagster").setLevel(logging.CRITICAL)
    # The concept figures' quality check comes last; GX is imported for it meanwhile, in a process of
    # its own; while it checks, the warehouse that follows is built in a thread (used if it passes).
    with (checked_ahead(), exclusive(command_lock_path(home.root), what=command, wait_seconds=WAIT_SECONDS),
          instance_for(home) as instance, built_ahead()):
        return _round(home, instance, deliveries, quiet=quiet, command=command, concept_job=conceptcijfers.name)


def _round(home: Home, instance: dg.DagsterInstance, deliveries: list[str] | None, *, quiet: bool, command: str,
           concept_job: str) -> RoundSummary:
    recover(home, instance)
    deliveries = sorted(scan_inbox(home.inbox)) if deliveries is None else deliveries  # after the wait: what is left
    summary = RoundSummary(partitions=len(deliveries))
    started = time.perf_counter()
    if deliveries:
        pairs = [split_key(item) for item in deliveries]
        instance.add_dynamic_partitions(gemeente_partitions.name, sorted({g for g, _ in pairs}))
        instance.add_dynamic_partitions(periode_partitions.name, sorted({p for _, p in pairs}))
        order = list(instance.get_dynamic_partitions(gemeente_partitions.name))
        for box in boxes(pairs, order):
            result = _execute(instance, home, verwerken.name, command=command, tags=box.tags, quiet=quiet)
            if not result.success:
                summary.failed_partitions.append(f"{box.periode} {box.first}–{box.last}: {_failure_text(result)}")
    summary.seconds_intake = time.perf_counter() - started
    started = time.perf_counter()
    result = _execute(instance, home, concept_job, command=command, quiet=quiet)
    summary.seconds_publish = time.perf_counter() - started
    summary.published = result.success
    if not result.success:
        summary.error = _failure_text(result)
    return summary


def run_and_publish(home: Home, *, changed_only: bool = True, quiet: bool = True,
                    command: str = "gmsd run --publiceer") -> tuple[RoundSummary, PublishSummary | None]:
    """A round, then at once a release of what it changed, and the warehouse and site built once.

    What `gmsd run` followed by `gmsd publish` does, in one process: one start-up, one lock, one
    Dagster instance, and the warehouse built once (the round's concept job, `conceptcijfers_berekenen`,
    leaves it to `publiceren`). With `changed_only`, only periodes whose concept figures differ from
    their latest release get a new release (a re-delivery of one periode does not re-release the
    others); otherwise every periode that `publish` would take. Nothing is released when a delivery
    could not be processed or a blocking check refused the concept figures; the warehouse then shows
    the concept figures as after `gmsd run` (after a refused check it stays as it was, as there). A
    kill between the steps converges: the next such command finds the concept differing from the
    latest release and releases it, or serves a release that was frozen but not served.
    Returns the round's summary and the publication's (None when nothing was published).
    """
    if quiet:
        logging.getLogger("dagster").setLevel(logging.CRITICAL)
    with ExitStack() as ahead:
        ahead.enter_context(checked_ahead())  # before the lock: the GX process must not inherit it
        with exclusive(command_lock_path(home.root), what=command, wait_seconds=WAIT_SECONDS), instance_for(home) as instance:
            summary = _round(home, instance, None, quiet=quiet, command=command, concept_job=conceptcijfers_berekenen.name)
            ahead.close()  # the quality check is done: its process ends before the site forks workers
            if not summary.published:  # a blocking check refused the concept figures: as after `gmsd run`, nothing more
                return summary, None
            if summary.failed_partitions:  # nothing half-processed is released; the concept figures reach the warehouse
                _execute(instance, home, publiceren.name, command=command, quiet=quiet)
                return summary, None
            started = time.perf_counter()
            try:
                publication = _publish(home, None, instance=instance, definitief=False, quiet=quiet, changed_only=changed_only,
                                       command=command)
            except PublishError:  # the new releases are withdrawn; concept.* still as after `gmsd run`
                _execute(instance, home, publiceren.name, command=command, quiet=quiet)
                raise
            publication.seconds = time.perf_counter() - started
            return summary, publication


def _served(home: Home) -> set[str]:
    if not home.warehouse.exists():
        return set()
    releases = read_published(home.warehouse, "publish.releases")
    return set(releases["release_id"].astype(str)) if len(releases) else set()


def publish(home: Home, periodes: list[str] | None = None, *, definitief: bool = False, quiet: bool = True,
            changed_only: bool = False, command: str = "gmsd publish") -> PublishSummary:
    """Freeze a release of the concept figures of each periode, then rebuild warehouse and site.

    Without `periodes`: every concept periode that is not yet definitively published. With
    `changed_only`, of those only the periodes whose concept figures differ from their latest
    release, and the warehouse and site are rebuilt even when no periode changed. If a step
    fails, the new releases are withdrawn and the previous publication stays served. Raises
    clearinghouse.ownership.Busy when another command holds the home longer than WAIT_SECONDS.
    """
    if quiet:
        logging.getLogger("dagster").setLevel(logging.CRITICAL)
    with exclusive(command_lock_path(home.root), what=command, wait_seconds=WAIT_SECONDS), instance_for(home) as instance:
        recover(home, instance)
        started = time.perf_counter()
        summary = _publish(home, periodes, instance=instance, definitief=definitief, quiet=quiet, changed_only=changed_only,
                           command=command)
        summary.seconds = time.perf_counter() - started
        return summary


def _publish(home: Home, periodes: list[str] | None, *, instance: dg.DagsterInstance, definitief: bool, quiet: bool,
             changed_only: bool, command: str) -> PublishSummary:
    """`publish` within the caller's lock and instance, after its recovery."""
    available = concept_periodes(home)  # each periode's figures are read when compared (memory of one periode)
    if not available and not changed_only:  # with changed_only: nothing changed, as below
        raise PublishError(f"er zijn nog geen conceptcijfers in {home.root}. Verwerk eerst aanleveringen (`gmsd run` of `gmsd demo`).", refused=True)
    try:
        asked = [Periode.parse(p).code for p in periodes] if periodes else None
    except PeriodeError as exc:
        raise PublishError(str(exc), refused=True) from exc
    summary = PublishSummary()
    latest = latest_releases(home.releases)
    served = _served(home)
    site_current = site_is_current(home)
    chosen = []
    for periode in asked or available:
        last = latest.get(periode)
        if last is not None and last.status == DEFINITIEF:
            if last.release_id in served:
                summary.closed.append(periode)
            else:
                summary.served_again.append(last.release_id)
            continue
        if periode not in available:
            raise PublishError(f"er zijn geen conceptcijfers voor periode {periode}. Beschikbaar: {', '.join(available)}.", refused=True)
        compared = last is not None and (changed_only or last.release_id not in served or not site_current)
        differs = not compared or differs_from_release(read_concept(home, periode), last)  # (read only when it matters)
        if last is not None and (last.release_id not in served or not site_current) and not differs:
            # Frozen (or served by the warehouse only) when a command was killed, and the concept
            # figures are still what it froze: served now, not released a second time.
            summary.served_again.append(last.release_id)
            continue
        if changed_only and not differs:
            summary.unchanged.append(periode)
            continue
        chosen.append(periode)
    if summary.closed and not site_current:  # served by the warehouse, but the site was not finished
        summary.served_again += [latest[periode].release_id for periode in summary.closed]
        summary.closed = []
    if asked and summary.closed and not chosen and not summary.served_again:
        last = latest[summary.closed[0]]
        raise PublishError(
            f"Periode {summary.closed[0]} is al definitief gepubliceerd ({last.release_id}); een definitieve release wordt niet meer herzien.",
            refused=True,
        )
    if not chosen and not summary.served_again:
        if changed_only:  # no new release; the warehouse still gets the new concept and audit tables
            result = _execute(instance, home, publiceren.name, command=command, quiet=quiet)
            if not result.success:
                raise PublishError(f"het warehouse is niet bijgewerkt: {_failure_text(result)}. De vorige publicatie blijft staan; los de oorzaak op en draai de opdracht opnieuw.")
        return summary
    instance.add_dynamic_partitions(release_partitions.name, chosen)
    try:
        for periode in chosen:
            result = _execute(instance, home, release_maken.name, command=command, partition_key=periode,
                              run_config={"ops": {"release": {"config": {"definitief": definitief}}}}, quiet=quiet)
            if not result.success:
                raise PublishError(f"de release van {periode} is niet gemaakt: {_failure_text(result)}")
            summary.made.append(latest_releases(home.releases)[periode])
        result = _execute(instance, home, publiceren.name, command=command, quiet=quiet)
        if not result.success:
            raise PublishError(f"publiceren is mislukt: {_failure_text(result)}. De releases zijn ingetrokken; de vorige publicatie blijft staan.")
    except PublishError:
        for made in summary.made:
            withdraw(made)
        raise
    return summary
