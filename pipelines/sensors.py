"""Watch the inbox and publish when the intake is done.

`inbox_sensor`: `inbox/<gemeentecode>/<periode>/` with a manifest is a delivery; a new or changed
folder becomes a run for its partition. New gemeenten and periodes are added as dynamic partitions
the first time they appear.

`publish_sensor`: once intake runs have finished and none is still queued or running, one publish
run rebuilds the warehouse and the site. Coalescing matters at national scale: a round of 700
deliveries should give one warehouse build, not 700. The warehouse asset is also in a concurrency
pool of one (see runner.DAGSTER_YAML), so two publish runs can never write the file at once.
"""

from datetime import datetime, timezone


import json

import dagster as dg

from pipelines.partitions import delivery_key, gemeente_partitions, periode_partitions
from pipelines.resources import Clearinghouse
from clearinghouse.inbox import scan_inbox

intake_job = dg.define_asset_job("intake", selection=["core_trajecten"])
publish_job = dg.define_asset_job("publiceren", selection=["out_indicatoren", "out_site"])


@dg.sensor(job=intake_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext, clearinghouse: Clearinghouse):
    seen: dict[str, float] = json.loads(context.cursor) if context.cursor else {}
    deliveries = scan_inbox(clearinghouse.home.inbox)
    new = {key: stamp for key, stamp in deliveries.items() if seen.get(key) != stamp}
    if not new:
        return dg.SkipReason("Geen nieuwe aanleveringen in de inbox.")
    gemeenten = sorted({key.split("/")[0] for key in new})
    periodes = sorted({key.split("/")[1] for key in new})
    runs = [
        dg.RunRequest(partition_key=delivery_key(*key.split("/")), run_key=f"{key}@{stamp}")
        for key, stamp in sorted(new.items())
    ]
    context.update_cursor(json.dumps({**seen, **new}))
    return dg.SensorResult(
        run_requests=runs,
        dynamic_partitions_requests=[
            gemeente_partitions.build_add_request(gemeenten),
            periode_partitions.build_add_request(periodes),
        ],
    )



ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


@dg.sensor(job=publish_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def publish_sensor(context: dg.SensorEvaluationContext):
    instance = context.instance
    if instance.get_run_records(dg.RunsFilter(job_name=intake_job.name, statuses=ACTIVE), limit=1):
        return dg.SkipReason("Er worden nog aanleveringen verwerkt; publiceren wacht tot die klaar zijn.")
    if instance.get_run_records(dg.RunsFilter(job_name=publish_job.name, statuses=ACTIVE), limit=1):
        return dg.SkipReason("Er loopt al een publicatie.")
    since = float(context.cursor) if context.cursor else 0.0
    finished = instance.get_run_records(
        dg.RunsFilter(
            job_name=intake_job.name,
            statuses=[dg.DagsterRunStatus.SUCCESS],
            updated_after=datetime.fromtimestamp(since, tz=timezone.utc),
        ),
        limit=1,
        order_by="update_timestamp",
        ascending=False,
    )
    if not finished:
        return dg.SkipReason("Geen nieuw verwerkte aanleveringen sinds de laatste publicatie.")
    newest = finished[0].update_timestamp.timestamp()
    context.update_cursor(str(newest))
    return dg.RunRequest(run_key=f"publiceren@{newest}")
