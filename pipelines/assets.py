"""Assets: core_trajecten (per delivery) → out_indicatoren (warehouse, single writer) → out_site."""


import tempfile
from pathlib import Path

import dagster as dg
import pandas as pd

from clearinghouse.inbox import delivery_key, take_in
from clearinghouse.intake import core_path
from vocabulary.oordelen import AFGEKEURD
from contracts.core import CoreTraject
from dashboards.downloads import archive_releases
from dashboards.site import build_site
from indicators.checks import disclosure_violations
from indicators.export import export_published, published_tables
from indicators.quality import check_published
from indicators.warehouse import build_warehouse, read_concept, read_published
from pipelines.partitions import delivery_partitions
from pipelines.resources import Clearinghouse

CORE_CONTRACT_CHECK = "voldoet_aan_core_contract"


@dg.asset(
    partitions_def=delivery_partitions,
    group_name="clearinghouse",
    check_specs=[dg.AssetCheckSpec(CORE_CONTRACT_CHECK, asset="core_trajecten", blocking=True,
                                   description="De gepseudonimiseerde records voldoen aan contracts.core.CoreTraject (geen BSN, geboortedatum of postcode).")],
    description="Pseudonymised, minimised trajecten of one delivery (gemeente × periode), as Parquet per domein.",
)
def core_trajecten(context: dg.AssetExecutionContext, clearinghouse: Clearinghouse):
    keys = context.partition_key.keys_by_dimension
    gemeente_code, periode = keys["gemeente"], keys["periode"]
    home = clearinghouse.home
    intake = take_in(
        home,
        [delivery_key(gemeente_code, periode)],
        key=clearinghouse.key(),
        who=f"Dagster-run {context.run.run_id[:8]}",
        wait_seconds=clearinghouse.wait_seconds,
        retention_days=clearinghouse.retention_days(),
        max_rejected_share=clearinghouse.max_rejected_share,
        operator_page=clearinghouse.beheerpagina_per_levering,
    )
    if not intake.results:
        raise dg.Failure(f"Geen aanlevering voor {gemeente_code} {periode} in de inbox (al verwerkt?).")
    result = intake.results[0]
    problems = []
    for outcome in result.accepted:
        stored = pd.read_parquet(core_path(home.core, periode, gemeente_code, outcome.domein))
        try:
            CoreTraject.validate(stored, lazy=True)
        except Exception as exc:  # pandera SchemaErrors: report, and block downstream
            problems.append(f"{outcome.domein}: {str(exc)[:500]}")
    verdicts = {outcome.domein or outcome.bestand: outcome.oordeel for outcome in result.files}
    for outcome in result.files:
        if outcome.oordeel == AFGEKEURD:
            context.log.warning(f"{gemeente_code} {periode} {outcome.bestand}: {outcome.melding}")
    return dg.MaterializeResult(
        metadata={
            "oordelen": dg.MetadataValue.json(verdicts),
            "rijen_geaccepteerd": sum(o.rijen_geaccepteerd for o in result.files),
            "rijen_afgekeurd": sum(o.rijen_afgekeurd for o in result.files),
            "ruwe_bestanden_verwijderd": len(intake.deleted),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=CORE_CONTRACT_CHECK,
                passed=not problems,
                metadata={"problemen": dg.MetadataValue.json(problems)},
            )
        ],
    )


@dg.asset(
    deps=[core_trajecten],
    group_name="warehouse",
    pool="warehouse",
    description="Writes warehouse.duckdb (single writer): publish.indicatoren after disclosure control, audit.leveringen, ref.regio.",
)
def out_indicatoren(context: dg.AssetExecutionContext, clearinghouse: Clearinghouse) -> dg.MaterializeResult:
    home = clearinghouse.home
    summary = build_warehouse(
        core_dir=home.core,
        intake_dir=home.intake,
        warehouse_path=home.warehouse,
        deletions_dir=home.deletions,
        releases_dir=home.releases,
        rounding_secret=clearinghouse.key().derive("afronding"),
    )
    return dg.MaterializeResult(
        metadata={
            "rijen": summary.indicator_rows,
            "gemeenten_gepubliceerd": len(summary.gemeenten_published),
            "gemeenten_niet_gepubliceerd": dg.MetadataValue.json(summary.gemeenten_withheld),
            "warehouse": dg.MetadataValue.path(str(summary.path)),
        }
    )


@dg.asset_check(asset=out_indicatoren, blocking=True, description="Geheimhouding klopt in de gepubliceerde tabel.")
def geheimhouding_klopt(clearinghouse: Clearinghouse) -> dg.AssetCheckResult:
    home = clearinghouse.home
    violations = [f"concept: {v}" for v in disclosure_violations(read_concept(home.warehouse))]
    violations += [f"publish: {v}" for v in disclosure_violations(read_published(home.warehouse))]
    return dg.AssetCheckResult(passed=not violations, metadata={"overtredingen": dg.MetadataValue.json(violations[:20])})


@dg.asset_check(asset=out_indicatoren, blocking=True, description="Great Expectations: de gepubliceerde tabel voldoet aan de kwaliteitsregels; Data Docs voor de site.")
def kwaliteit_gepubliceerd(clearinghouse: Clearinghouse) -> dg.AssetCheckResult:
    home = clearinghouse.home
    # The concept figures are what a release freezes: checking them checks every release at its making.
    tables = {"indicatoren": read_concept(home.warehouse), "benchmark": read_published(home.warehouse, "concept.benchmark")}
    result = check_published(tables, docs_dir=home.quality_docs)
    failed = [r for r in result.results if not r["success"]]
    return dg.AssetCheckResult(
        passed=result.success,
        metadata={
            "controles": len(result.results),
            "mislukt": dg.MetadataValue.json([{k: str(r.get(k)) for k in ("table", "controle", "kolom", "uitleg", "onverwacht")} for r in failed[:20]]),
            "data_docs": dg.MetadataValue.path(str(result.docs_index)),
        },
    )


@dg.asset(deps=[out_indicatoren], group_name="publicatie", description="The static dashboard site (Plotly, Dutch) of the latest releases.")
def out_site(clearinghouse: Clearinghouse) -> dg.MaterializeResult:
    home = clearinghouse.home
    published = read_published(home.warehouse)
    if published.empty:
        # Nothing released yet: the previous site (if any) stays; `gmsd publish` makes a release.
        return dg.MaterializeResult(metadata={"paginas": 0, "opmerking": "nog geen release; site ongewijzigd"})
    with tempfile.TemporaryDirectory(dir=home.root) as scratch:
        downloads = Path(scratch) / "downloads"
        export_published(home.warehouse, downloads, formaat="parquet")
        export_published(home.warehouse, downloads, formaat="csv", nederlands=True)
        archive_releases(home.releases, downloads)
        summary = build_site(
            published_tables(home.warehouse),
            home.site,
            downloads=downloads,
            quality_docs=home.quality_docs if (home.quality_docs / "index.html").exists() else None,
        )
    return dg.MaterializeResult(metadata={"paginas": len(summary.pages), "index": dg.MetadataValue.path(str(summary.index))})
