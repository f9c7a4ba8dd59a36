"""Sensors: new deliveries become intake runs; finished intake becomes one concept run.

`inbox_sensor`: a folder `inbox/<gemeentecode>/<periode>/` with a manifest is a delivery; new or
changed ones become `verwerken` runs, one per box of partitions (a whole round is one run, a
re-delivery a run of one partition). New gemeenten and periodes are added as dynamic partitions.

`concept_sensor`: once intake runs have finished and none is still queued or running, one
`conceptcijfers` run recomputes the concept figures — coalescing matters at national scale: a round
of 342 deliveries gives one concept run, not 342. Publishing stays an explicit act (`gmsd publish`).
"""


import json
from datetime import datetime, timezone

import dagster as dg

from clearinghouse.inbox import scan_inbox, split_key
from pipelines.jobs import conceptcijfers, verwerken
from pipelines.partitions import boxes, gemeente_partitions, periode_partitions
from pipelines.resources import Clearinghouse

ACTIVE = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


@dg.sensor(
    job=verwerken,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Kijkt elke 30 s in inbox/: een nieuwe of gewijzigde aanlevering (map met manifest) wordt een verwerkingsrun.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, clearinghouse: Clearinghouse):
    seen: dict[str, float] = json.loads(context.cursor) if context.cursor else {}
    deliveries = scan_inbox(clearinghouse.home.inbox)
    new = {key: stamp for key, stamp in deliveries.items() if seen.get(key) != stamp}
    if not new:
        return dg.SkipReason("Geen nieuwe aanleveringen in de inbox.")
    pairs = [split_key(key) for key in new]
    known = set(context.instance.get_dynamic_partitions(gemeente_partitions.name))
    order = list(context.instance.get_dynamic_partitions(gemeente_partitions.name)) + sorted({g for g, _ in pairs} - known)
    stamp = max(new.values())
    runs = [dg.RunRequest(run_key=f"{box.periode}:{box.first}-{box.last}@{stamp}", tags=box.tags) for box in boxes(pairs, order)]
    context.update_cursor(json.dumps({**seen, **new}))
    return dg.SensorResult(
        run_requests=runs,
        dynamic_partitions_requests=[
            gemeente_partitions.build_add_request(sorted({g for g, _ in pairs})),
            periode_partitions.build_add_request(sorted({p for _, p in pairs})),
        ],
    )


@dg.sensor(
    job=conceptcijfers,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Start één conceptcijfers-run zodra alle verwerkingsruns klaar zijn (niet één per aanlevering).",
)
def concept_sensor(context: dg.SensorEvaluationContext):
    instance = context.instance
    if instance.get_run_records(dg.RunsFilter(job_name=verwerken.name, statuses=ACTIVE), limit=1):
        return dg.SkipReason("Er worden nog aanleveringen verwerkt; de conceptcijfers wachten tot die klaar zijn.")
    if instance.get_run_records(dg.RunsFilter(job_name=conceptcijfers.name, statuses=ACTIVE), limit=1):
        return dg.SkipReason("Er loopt al een conceptcijfers-run.")
    since = float(context.cursor) if context.cursor else 0.0
    finished = instance.get_run_records(
        dg.RunsFilter(job_name=verwerken.name, statuses=[dg.DagsterRunStatus.SUCCESS],
                      updated_after=datetime.fromtimestamp(since, tz=timezone.utc)),
        limit=1, order_by="update_timestamp", ascending=False,
    )
    if not finished:
        return dg.SkipReason("Geen nieuw verwerkte aanleveringen sinds de laatste conceptcijfers.")
    newest = finished[0].update_timestamp.timestamp()
    context.update_cursor(str(newest))
    return dg.RunRequest(run_key=f"conceptcijfers@{newest}")
