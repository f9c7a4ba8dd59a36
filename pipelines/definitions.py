"""The Dagster code location `gmsd`: `uv run dg dev` (or `dagster dev -w workspace.yaml`)."""

import dagster as dg

from pipelines.assets import ASSET_CHECKS, ASSETS
from pipelines.jobs import JOBS
from pipelines.resources import Clearinghouse
from pipelines.sensors import concept_sensor, inbox_sensor

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=ASSET_CHECKS,
    jobs=JOBS,
    sensors=[inbox_sensor, concept_sensor],
    resources={"clearinghouse": Clearinghouse()},
)
