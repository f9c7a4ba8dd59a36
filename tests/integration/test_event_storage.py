"""The home's Dagster event log keeps its connections open (pipelines.storage), and stays Dagster's own:
what a `gmsd` command stores, the UI (Dagster's default class on the same folder) reads."""

import threading

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from pipelines.runner import instance_for
from pipelines.storage import KEPT_ENGINES, KeptOpenSqliteEventLogStorage, keep_connections_open
from vocabulary.home import Home

PARTS = dg.StaticPartitionsDefinition(["GM0001", "GM0002", "GM0003"])


@dg.asset(partitions_def=PARTS, backfill_policy=dg.BackfillPolicy.single_run())
def tellingen(context: dg.AssetExecutionContext) -> None:
    for key in context.partition_keys:
        context.log_event(dg.AssetMaterialization("tellingen", partition=key, metadata={"rijen": len(key)}))


def _materialised_partitions(instance: dg.DagsterInstance) -> set[str]:
    return set(instance.get_materialized_partitions(dg.AssetKey("tellingen")))


def test_a_command_stores_events_that_the_ui_reads(tmp_path):
    home = Home(tmp_path / "home").ensure()
    with instance_for(home) as instance:
        assert type(instance.event_log_storage) is KeptOpenSqliteEventLogStorage
        result = dg.materialize([tellingen], instance=instance, tags={
            "dagster/asset_partition_range_start": "GM0001", "dagster/asset_partition_range_end": "GM0003"})
        assert result.success
        assert _materialised_partitions(instance) == {"GM0001", "GM0002", "GM0003"}
        run_id = result.run_id
    # As `dagster dev` opens the home: the default class, on the same files.
    with dg.DagsterInstance.from_config(str(home.dagster)) as ui:
        assert type(ui.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert _materialised_partitions(ui) == {"GM0001", "GM0002", "GM0003"}
        assert ui.get_run_by_id(run_id).is_success
        assert any(record.event_log_entry.dagster_event_type == dg.DagsterEventType.RUN_SUCCESS
                   for record in ui.get_records_for_run(run_id).records)


def test_the_ui_and_a_command_take_turns_on_one_event_log(tmp_path):
    """While a command holds its connections open, another process's instance (the UI) writes and
    reads the same databases; each then sees the other's events."""
    home = Home(tmp_path / "home").ensure()
    with instance_for(home) as command, dg.DagsterInstance.from_config(str(home.dagster)) as ui:
        command.report_runless_asset_event(dg.AssetMaterialization("tellingen", partition="GM0001"))
        ui.report_runless_asset_event(dg.AssetMaterialization("tellingen", partition="GM0002"))
        command.report_runless_asset_event(dg.AssetMaterialization("tellingen", partition="GM0003"))
        assert _materialised_partitions(command) == _materialised_partitions(ui) == {"GM0001", "GM0002", "GM0003"}


def test_events_reported_from_several_threads_are_all_stored(tmp_path):
    home = Home(tmp_path / "home").ensure()
    with instance_for(home) as instance:
        def report(code: str) -> None:
            instance.report_runless_asset_event(dg.AssetMaterialization("tellingen", partition=code))

        threads = [threading.Thread(target=report, args=(code,)) for code in ("GM0001", "GM0002", "GM0003")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert _materialised_partitions(instance) == {"GM0001", "GM0002", "GM0003"}


@dg.asset
def telling() -> None:
    return None


def test_a_process_with_many_runs_keeps_only_the_latest_databases_open(tmp_path):
    """Every run has its own database file; a process running more runs than KEPT_ENGINES closes the
    least recently used, and still reads every run."""
    home = Home(tmp_path / "home").ensure()
    with instance_for(home) as instance:
        runs = [dg.materialize([telling], instance=instance).run_id for _ in range(KEPT_ENGINES + 3)]
        assert len(instance.event_log_storage._engines) <= KEPT_ENGINES
        for run_id in runs:
            assert instance.get_run_by_id(run_id).is_success
            assert instance.get_records_for_run(run_id).records
        assert len(instance.event_log_storage._engines) <= KEPT_ENGINES


def test_an_instance_without_the_default_sqlite_event_log_is_left_as_it_is():
    with dg.DagsterInstance.ephemeral() as instance:
        before = instance.event_log_storage
        assert keep_connections_open(instance).event_log_storage is before


CHECKED = "rijen_kloppen"


@dg.multi_asset(specs=[dg.AssetSpec("gecontroleerd", partitions_def=PARTS)], partitions_def=PARTS, can_subset=True,
                backfill_policy=dg.BackfillPolicy.single_run(),
                check_specs=[dg.AssetCheckSpec(CHECKED, asset="gecontroleerd", partitions_def=PARTS)])
def gecontroleerd(context: dg.AssetExecutionContext):  # as the intake reports its partitions
    for key in context.partition_keys:
        context.log_event(dg.AssetMaterialization("gecontroleerd", partition=key))
        context.log_event(dg.AssetCheckEvaluation(asset_key=dg.AssetKey("gecontroleerd"), check_name=CHECKED, partition=key,
                                                  passed=key != "GM0002", severity=dg.AssetCheckSeverity.WARN))
    yield from ()  # everything is reported per partition above, as the intake does


def test_check_results_per_partition_are_stored_without_looking_for_the_table_each_time(tmp_path, monkeypatch):
    """Dagster asks whether the check table exists before it stores each check result; the kept-open
    log looks once (a new engine each time cost ~2 ms per result), and the UI reads every result."""
    looked = []
    parent = SqliteEventLogStorage.has_table
    monkeypatch.setattr(SqliteEventLogStorage, "has_table", lambda self, name: looked.append(name) or parent(self, name))
    home = Home(tmp_path / "home").ensure()
    with instance_for(home) as instance:
        result = dg.materialize([gecontroleerd], instance=instance, tags={
            "dagster/asset_partition_range_start": "GM0001", "dagster/asset_partition_range_end": "GM0003"})
        assert result.success
    assert looked.count("asset_check_executions") == 1
    monkeypatch.setattr(SqliteEventLogStorage, "has_table", parent)
    with dg.DagsterInstance.from_config(str(home.dagster)) as ui:
        records = ui.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("gecontroleerd"), CHECKED), limit=10)
        assert {r.partition: r.evaluation.passed for r in records if r.evaluation} == {"GM0001": True, "GM0002": False, "GM0003": True}
