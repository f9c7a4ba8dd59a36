"""Publication: a `release` per periode (immutable), the `warehouse` (single writer) and the `site`.

A release freezes the concept figures of one periode; it is refused while a blocking check of the
concept figures has failed. The warehouse and the site are rebuilt from what lies on disk, so a
release that was frozen but not yet served (a crash) is served by the next build.
"""


from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg

from dashboards.downloads import archive_releases
from dashboards.data import shown_rows
from dashboards.site import build_site
from indicators.concept import read_concept
from indicators.export import export_published, published_tables
from indicators.releases import ReleaseError, publish_release
from indicators.warehouse import build_warehouse, read_published
from pipelines.assets.common import OWNER, TAGS
from pipelines.assets.concept import concept_indicatoren, geheimhouding_klopt, kwaliteit_concept
from pipelines.partitions import release_partitions
from pipelines.resources import Clearinghouse
from vocabulary import files



class ReleaseConfig(dg.Config):
    definitief: bool = False


def _failed_concept_checks(instance: dg.DagsterInstance) -> list[str]:
    keys = [check.check_key for check in (geheimhouding_klopt, kwaliteit_concept)]
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    failed = []
    for key in keys:
        record = latest.get(key)
        evaluation = record.event.asset_check_evaluation if record and record.event else None
        if evaluation is not None and not evaluation.passed:
            failed.append(f"{key.name}: {evaluation.description or 'mislukt'}")
    return failed


@dg.asset(
    deps=[concept_indicatoren],
    partitions_def=release_partitions,
    group_name="publicatie",
    kinds={"parquet"},
    owners=[OWNER],
    tags=TAGS,
    description="Een release: de conceptcijfers van één periode, vastgelegd in releases/<periode>-rN/ (onveranderlijk), "
    "met status (voorlopig, nader voorlopig, definitief) en de revisies ten opzichte van de vorige release.",
)
def release(context: dg.AssetExecutionContext, config: ReleaseConfig, clearinghouse: Clearinghouse) -> dg.MaterializeResult:
    failed = _failed_concept_checks(context.instance)
    if failed:
        raise dg.Failure(
            description="De conceptcijfers zijn afgekeurd door een controle; er komt geen release. " + " | ".join(failed)[:1500],
            allow_retries=False,
        )
    home = clearinghouse.home
    try:
        concept = read_concept(home, periode=context.partition_key)
        if concept.empty:  # no figures of this periode: publish_release names the periodes there are
            concept = read_concept(home)
        made = publish_release(concept, home.releases, context.partition_key, definitief=config.definitief)
    except ReleaseError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    return dg.MaterializeResult(
        metadata={"release": made.release_id, "status": made.status, "cijfers": made.cijfers, "herzien": made.herzien,
                  "map": dg.MetadataValue.path(str(made.path))}
    )


@dg.asset(
    deps=[release, concept_indicatoren],
    group_name="publicatie",
    kinds={"duckdb"},
    owners=[OWNER],
    tags=TAGS,
    description="warehouse.duckdb (één schrijver): publish.* = de laatste release per periode met vergelijking, peergroepen, "
    "releases en revisies; concept.* = de conceptcijfers; audit.* = aanleveringen en verwijderingen; ref.regio.",
)
def warehouse(clearinghouse: Clearinghouse) -> dg.MaterializeResult:
    with dg.raise_execution_interrupts():
        summary = build_warehouse(clearinghouse.home, wait_seconds=clearinghouse.wait_seconds)
    return dg.MaterializeResult(
        metadata={
            "gepubliceerde_cijfers": summary.published_rows,
            "conceptcijfers": summary.concept_rows,
            "releases": ", ".join(summary.releases) or "nog geen",
            "aanleverbestanden": summary.deliveries,
            "bestand": dg.MetadataValue.path(str(summary.path)),
        }
    )


def _served_releases(home) -> str:
    if not home.warehouse.exists():
        return ""
    releases = read_published(home.warehouse, "publish.releases")
    return ",".join(sorted(str(r) for r in releases["release_id"])) if len(releases) else ""


def _export_downloads(home, folder: Path) -> None:
    """The downloads of the site: the published tables (Parquet, Dutch CSV) and every release's archive.

    The archive's files are hard links to the immutable release files and the cached CSVs, and the
    site links to this folder's files in turn: some 100 MB that are not copied twice per build."""
    export_published(home.warehouse, folder, formaat="parquet")
    export_published(home.warehouse, folder, formaat="csv", nederlands=True)
    archive_releases(home.releases, folder, cache=home.release_archive_cache, link=True)


def site_is_current(home) -> bool:
    """True when the site shows exactly the releases the warehouse serves."""
    marker = home.site_marker
    served = _served_releases(home)
    return not served or ((home.site / "index.html").is_file() and marker.is_file() and marker.read_text(encoding="utf-8") == served)


@dg.asset(
    deps=[warehouse],
    group_name="publicatie",
    kinds={"plotly", "html"},
    owners=[OWNER],
    tags=TAGS,
    description="De statische site (Nederlands) van de laatste releases: gemeenten, indicatoren, vergelijking, downloads, datakwaliteit. "
    "Alleen opnieuw gebouwd als de releases veranderden.",
)
def site(context: dg.AssetExecutionContext, clearinghouse: Clearinghouse) -> dg.MaterializeResult:
    home = clearinghouse.home
    served = _served_releases(home)
    if not served:
        return dg.MaterializeResult(metadata={"paginas": 0, "opmerking": "nog geen release; site ongewijzigd"})
    if site_is_current(home):
        return dg.MaterializeResult(metadata={"opmerking": "releases ongewijzigd; site ongewijzigd", "releases": served})
    with dg.raise_execution_interrupts(), files.scratch_folder(home.root / "site-downloads") as scratch, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="downloads") as exporting:
        downloads = Path(scratch) / "downloads"
        # The exports are DuckDB and file copies, which run without the GIL: in a thread, on the
        # other core, while this one reads the tables into the site's lookups. The thread is done
        # (shut down) before the page workers are forked.
        exported = exporting.submit(_export_downloads, home, downloads)

        def downloads_ready() -> None:
            exporting.shutdown(wait=True)
            exported.result()

        summary = build_site(
            published_tables(home.warehouse, shown_rows),
            home.site,
            downloads=downloads,
            quality_docs=home.quality_docs if (home.quality_docs / "index.html").exists() else None,
            before_pages=downloads_ready,
            link_downloads=True,
        )
    files.write_text(home.site_marker, served)
    return dg.MaterializeResult(metadata={"paginas": len(summary.pages), "releases": served, "index": dg.MetadataValue.path(str(summary.index))})
