"""The Dagster code location: `dg dev` / `dagster dev -m pipelines.definitions`."""

import dagster as dg

from pipelines.assets import core_trajecten, geheimhouding_klopt, kwaliteit_gepubliceerd, out_indicatoren, out_site
from pipelines.resources import Clearinghouse
from pipelines.sensors import inbox_sensor, intake_job, publish_job, publish_sensor

defs = dg.Definitions(
    assets=[core_trajecten, out_indicatoren, out_site],
    asset_checks=[geheimhouding_klopt, kwaliteit_gepubliceerd],
    jobs=[intake_job, publish_job],
    sensors=[inbox_sensor, publish_sensor],
    resources={"clearinghouse": Clearinghouse()},
)
