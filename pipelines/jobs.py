"""The jobs an operator runs (by name in the Dagster UI, and from `gmsd run` / `gmsd publish`)."""

from __future__ import annotations

import dagster as dg

verwerken = dg.define_asset_job(
    "verwerken",
    selection=["core_trajecten"],
    description="Aanleveringen uit de inbox verwerken: controleren, pseudonimiseren, minimaliseren, tellen. "
    "Eén run per blok aanleveringen (gemeenten × periode).",
)
conceptcijfers = dg.define_asset_job(
    "conceptcijfers",
    selection=["concept_indicatoren", "warehouse", "site"],
    description="Conceptcijfers berekenen (geheimhouding, toestemming, vergelijking) met blokkerende controles, "
    "en het warehouse bijwerken; de site alleen als de releases veranderden.",
)
conceptcijfers_berekenen = dg.define_asset_job(
    "conceptcijfers_berekenen",
    selection=["concept_indicatoren"],
    description="Alleen de conceptcijfers met hun blokkerende controles, zonder warehouse en site: voor `gmsd run --publiceer` "
    "en `gmsd demo`, waar `release_maken` en `publiceren` meteen volgen en het warehouse één keer bouwen.",
)
release_maken = dg.define_asset_job(
    "release_maken",
    selection=["release"],
    partitions_def=None,
    description="Een release maken van de conceptcijfers van één periode (onveranderlijk).",
)
publiceren = dg.define_asset_job(
    "publiceren",
    selection=["warehouse", "site"],
    description="Warehouse en site opnieuw bouwen uit de releases op schijf (na `release_maken`, of na een onderbreking).",
)

JOBS = [verwerken, conceptcijfers, conceptcijfers_berekenen, release_maken, publiceren]
