"""The inbox (external) and `core_trajecten`: deliveries in, pseudonymised records and counts out.

One run handles a box of delivery partitions (see pipelines.partitions): it becomes the home's
intake owner (clearinghouse.inbox), processes the deliveries in parallel, recomputes the raw counts
of those partitions (indicators.tellingen), and reports per partition a materialisation with its
numbers and a check "aanlevering goedgekeurd" that warns when a file was rejected, so a rejected
delivery stands out in the partition grid at a glance.
"""


from concurrent.futures import ThreadPoolExecutor

import dagster as dg

from clearinghouse.geography import GeographyError
from clearinghouse.inbox import IntakeResult, delivery_key, intake_owner
from clearinghouse.outcome import PartitionResult
from contracts.core import CoreTraject
from indicators.concept import count_partitions
from pipelines.assets.common import OWNER, TAGS
from pipelines.partitions import delivery_partitions, split_partition_key
from pipelines.resources import Clearinghouse
from vocabulary.oordelen import AFGEKEURD

AANLEVERING_GOEDGEKEURD = "aanlevering_goedgekeurd"
CORE_CONTRACT = "voldoet_aan_core_contract"

inbox = dg.AssetSpec(
    "inbox",
    description="Aanleveringen van gemeenten: inbox/<gemeentecode>/<periode>/ met manifest en bestanden "
    "(ruw, met BSN; na verwerking verwijderd). Gevuld door gemeenten, het portaal of `gmsd generate --home`.",
    group_name="aanlevering",
    kinds={"folder"},
    owners=[OWNER],
    tags=TAGS,
)


def _column_schema() -> dg.TableSchema:
    """The pandera contract of the pseudonymised record as Dagster's column schema."""
    schema = CoreTraject.to_schema()
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, type=str(column.dtype), description=column.description or "",
                           constraints=dg.TableColumnConstraints(nullable=bool(column.nullable)))
            for name, column in schema.columns.items()
        ]
    )


def _partition_metadata(result: PartitionResult) -> dict:
    accepted = [f for f in result.files if f.oordeel != AFGEKEURD]
    return {
        "dagster/row_count": sum(f.rijen_geaccepteerd for f in accepted),
        "bestanden": len(result.files),
        "bestanden_afgekeurd": len(result.files) - len(accepted),
        "rijen_gelezen": sum(f.rijen_gelezen for f in result.files),
        "rijen_afgekeurd": sum(f.rijen_afgekeurd for f in result.files),
        "oordelen": ", ".join(f"{f.domein or f.bestand}: {f.oordeel}" for f in result.files),
    }


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "core_trajecten",
            deps=[inbox],
            partitions_def=delivery_partitions,
            description="Gepseudonimiseerde, geminimaliseerde trajecten per aanlevering (gemeente × periode), Parquet per domein "
            "in core/, en de ruwe tellingen per indicator in tellingen/ (nooit gepubliceerd).",
            group_name="clearinghouse",
            kinds={"parquet", "duckdb", "pandas"},
            owners=[OWNER],
            tags=TAGS,
            metadata={"dagster/column_schema": _column_schema()},
        )
    ],
    partitions_def=delivery_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=True,
    check_specs=[
        dg.AssetCheckSpec(
            AANLEVERING_GOEDGEKEURD, asset="core_trajecten", partitions_def=delivery_partitions,
            description="Per aanlevering: waarschuwt als een bestand is afgekeurd (de vorige goedgekeurde aanlevering blijft dan gelden).",
        ),
        dg.AssetCheckSpec(
            CORE_CONTRACT, asset="core_trajecten", blocking=True,
            description="Geen record komt in core/ dat niet aan contracts.core.CoreTraject voldoet (geen BSN, geboortedatum of postcode); "
            "wat niet voldoet, gaat in quarantaine.",
        ),
    ],
)
def core_trajecten(context: dg.AssetExecutionContext, clearinghouse: Clearinghouse):
    home = clearinghouse.home
    partitions = [split_partition_key(key) for key in context.partition_keys]
    # An operator's Ctrl-C or SIGTERM stops the step at once (Dagster would otherwise finish it):
    # whatever is half-done is recovered by the next command (see pipelines.runner.recover).
    with dg.raise_execution_interrupts(), intake_owner(
        home,
        who=f"Dagster-run {context.run.run_id[:8]} ({context.job_def.name})",
        wait_seconds=clearinghouse.wait_seconds,
        retention_days=clearinghouse.retention_days(),
        max_rejected_share=clearinghouse.max_rejected_share,
        workers=clearinghouse.workers,
    ) as intake:
        try:
            processed = intake.process([delivery_key(g, p) for g, p in partitions], tidy=False)
        except GeographyError as exc:  # the operator's postcode table: a Dutch line, no traceback
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        # Three things that do not touch each other's files, side by side: the counts (DuckDB's
        # threads), the raw files out of the inbox and the operator page, and this thread reporting
        # every partition to Dagster (~2 ms per event in Python; a national round has ~700). Leaving
        # the pool waits for both, also after an error: nothing runs on once the lock is released.
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="na-intake") as beside:
            counted = beside.submit(count_partitions, home, [(r.gemeente_code, r.periode) for r in processed.results])
            tidied = beside.submit(intake.tidy, processed)
            quarantined = _report_partitions(context, processed)
            tidied.result()
            counted.result()
    if processed.resumed:
        context.log.info(f"{len(processed.resumed)} aanlevering(en) waren al verwerkt door een afgebroken run; die zijn alleen afgerond.")
    for item in processed.skipped:
        context.log.warning(f"Geen aanlevering meer in de inbox voor {item} (al verwerkt door een andere run?).")
    yield dg.AssetCheckResult(
        check_name=CORE_CONTRACT, asset_key="core_trajecten", passed=not quarantined,
        metadata={"aanleveringen": len(processed.results), "in_quarantaine": len(quarantined)},
        description="; ".join(quarantined)[:1000] or None,
    )


def _report_partitions(context: dg.AssetExecutionContext, processed: IntakeResult) -> list[str]:
    """Per processed partition a materialisation and the check 'aanlevering goedgekeurd'; returns the
    files whose records went to quarantine."""
    quarantined = []
    for result in processed.results:
        key = f"{result.gemeente_code}|{result.periode}"
        rejected = [f for f in result.files if f.oordeel == AFGEKEURD]
        quarantined += [f"{result.gemeente_code} {result.periode} {f.bestand}" for f in result.files if getattr(f, "quarantaine", False)]
        context.log_event(dg.AssetMaterialization("core_trajecten", partition=key, metadata=_partition_metadata(result)))
        context.log_event(
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey("core_trajecten"), check_name=AANLEVERING_GOEDGEKEURD, partition=key,
                passed=not rejected, severity=dg.AssetCheckSeverity.WARN,
                metadata={"bestanden_afgekeurd": len(rejected), "rijen_afgekeurd": sum(f.rijen_afgekeurd for f in result.files)},
                description="; ".join(f"{f.bestand}: {f.melding}" for f in rejected)[:1000] or None,
            )
        )
    return quarantined
