"""Watch the inbox: a new or changed delivery folder becomes a run for its partition.

`inbox/<gemeentecode>/<periode>/` with a manifest is a delivery. New gemeenten and periodes are
added as dynamic partitions the first time they appear.
"""


import json

import dagster as dg

from pipelines.partitions import delivery_key, gemeente_partitions, periode_partitions
from pipelines.resources import Clearinghouse
from gmsd.inbox import scan_inbox

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

