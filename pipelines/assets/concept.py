"""`concept_indicatoren`: the counts in force → disclosure control, consent, benchmark; with the checks that
block a release: secrecy holds and the Great Expectations quality rules pass."""


from functools import partial

import dagster as dg

from indicators.checks import checks_folder, concept_violations
from indicators.concept import (
    benchmark_path,
    build_concept,
    concept_distinct,
    concept_part_keys,
    groups_path,
    indicatoren_path,
    read_concept,
    read_concept_benchmark,
    read_concept_groups,
)
from indicators.quality import ByPeriode, check_published, start_check
from indicators.warehouse import start_warehouse
from pipelines.assets.common import OWNER, TAGS
from pipelines.assets.intake import core_trajecten
from pipelines.resources import Clearinghouse
from vocabulary import files
from vocabulary.home import Home


@dg.asset(
    deps=[core_trajecten],
    group_name="indicatoren",
    kinds={"parquet", "duckdb"},
    owners=[OWNER],
    tags=TAGS,
    description="Conceptcijfers: alle indicatoren per gemeente en wijk per periode na geheimhouding (afronding, kleine aantallen, "
    "aanvullende geheimhouding), alleen van gemeenten met toestemming, met de vergelijking per groep. Nog niet openbaar: "
    "een release (`gmsd publish`) legt ze vast.",
)
def concept_indicatoren(clearinghouse: Clearinghouse) -> dg.MaterializeResult:
    home = clearinghouse.home
    with dg.raise_execution_interrupts():
        summary = build_concept(home, rounding_secret=clearinghouse.rounding_secret())
    # The quality check (kwaliteit_concept) starts now, beside the secrecy check, in GX's own process;
    # in `gmsd run` the warehouse that follows the checks is built meanwhile (used only if they pass).
    start_check(_quality_tables(home), stamp=_stamp(home), docs_dir=home.quality_docs, reuse_dir=quality_reuse_dir(home))
    start_warehouse(home)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": summary.rows,
            "conceptcijfers": summary.rows,
            "gemeenten_met_cijfers": len(summary.gemeenten_published),
            "gemeenten_zonder_toestemming": len(summary.gemeenten_withheld),
            "periodes": ", ".join(summary.periodes),
        }
    )


def _quality_tables(home: Home) -> dict:
    """The concept tables, read where the check runs (see checked_ahead), not copied there; the
    figures and the benchmark one periode at a time (memory bounded by a periode, not the history)."""
    return {
        "indicatoren": ByPeriode(partial(read_concept, home), partial(concept_distinct, home, "indicatoren"),
                                 partial(concept_part_keys, home, "indicatoren")),
        "benchmark": ByPeriode(partial(read_concept_benchmark, home), partial(concept_distinct, home, "benchmark"),
                               partial(concept_part_keys, home, "benchmark")),
        "peergroepen": partial(read_concept_groups, home),
    }  # fmt: skip


def quality_reuse_dir(home: Home):
    """Where the quality check keeps each periode's results for the next round (concept/controles/kwaliteit)."""
    return checks_folder(home, "kwaliteit")


def _stamp(home: Home) -> tuple:
    """The concept files as they are now: a check started on other files is not this check."""
    return tuple(files.identity(path) for path in (indicatoren_path(home), benchmark_path(home), groups_path(home)))


@dg.asset_check(
    asset=concept_indicatoren,
    blocking=True,
    description="Geheimhouding klopt: tellers afgerond op 5, 0–7 geheim, geen waarde op een te kleine noemer, "
    "geen groep met precies één geheim detail.",
)
def geheimhouding_klopt(clearinghouse: Clearinghouse) -> dg.AssetCheckResult:
    violations = concept_violations(clearinghouse.home)
    return dg.AssetCheckResult(
        passed=not violations,
        metadata={"overtredingen": len(violations)},
        description="; ".join(violations)[:1000] or None,
    )


@dg.asset_check(
    asset=concept_indicatoren,
    blocking=True,
    description="Great Expectations: de conceptcijfers (wat een release vastlegt) voldoen aan de kwaliteitsregels; Data Docs voor de site.",
)
def kwaliteit_concept(clearinghouse: Clearinghouse) -> dg.AssetCheckResult:
    home = clearinghouse.home
    with dg.raise_execution_interrupts():
        result = check_published(_quality_tables(home), docs_dir=home.quality_docs, stamp=_stamp(home), reuse_dir=quality_reuse_dir(home))
    failed = result.failures()
    return dg.AssetCheckResult(
        passed=result.success,
        metadata={"controles": len(result.results), "mislukt": len(failed), "data_docs": dg.MetadataValue.path(str(result.docs_index))},
        description="; ".join(f"{r.get('table')}: {r.get('uitleg')}" for r in failed[:10])[:1000] or None,
    )
