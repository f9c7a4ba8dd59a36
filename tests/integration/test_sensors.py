"""The Dagster sensors: new deliveries become intake runs per box; finished intake becomes one concept run."""

from __future__ import annotations

import os
import secrets

import dagster as dg
import pytest

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from pipelines.definitions import defs
from pipelines.partitions import RANGE_END, RANGE_START
from pipelines.resources import Clearinghouse
from pipelines.sensors import concept_sensor, inbox_sensor
from tests.fixtures.homes import sample_home


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, secrets.token_hex(32))
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    home = sample_home(tmp_path / "home", ["GM0060", "GM0059"], periode="2025-H1")
    (home.inbox / "GM0060" / "notes").mkdir()  # not a periode: ignored
    return home


def test_inbox_sensor_requests_one_run_per_box_of_new_or_changed_deliveries(home):
    resources = {"clearinghouse": Clearinghouse(home_path=str(home.root))}
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources=resources)
        result = inbox_sensor(context)
        assert [(r.tags[RANGE_START], r.tags[RANGE_END]) for r in result.run_requests] == [("GM0059|2025-H1", "GM0060|2025-H1")]
        added = {tuple(request.partition_keys) for request in result.dynamic_partitions_requests}
        assert ("GM0059", "GM0060") in added and ("2025-H1",) in added
        for request in result.dynamic_partitions_requests:
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))

        again = inbox_sensor(dg.build_sensor_context(instance=instance, resources=resources, cursor=context.cursor))
        assert isinstance(again, dg.SkipReason)

        manifest = home.inbox / "GM0060" / "2025-H1" / "manifest.yaml"
        # A re-delivery (a run of just that partition): newer than anything in the folder.
        stamp = max(path.stat().st_mtime for path in manifest.parent.iterdir()) + 10
        os.utime(manifest, (stamp, stamp))
        changed = inbox_sensor(dg.build_sensor_context(instance=instance, resources=resources, cursor=context.cursor))
        assert [(r.tags[RANGE_START], r.tags[RANGE_END]) for r in changed.run_requests] == [("GM0060|2025-H1", "GM0060|2025-H1")]


def test_a_box_run_processes_every_delivery_and_marks_each_partition(home):
    resources = {"clearinghouse": Clearinghouse(home_path=str(home.root), workers=1)}
    with dg.instance_for_test() as instance:
        assert isinstance(concept_sensor(dg.build_sensor_context(instance=instance)), dg.SkipReason)
        instance.add_dynamic_partitions("gemeente", ["GM0059", "GM0060"])
        instance.add_dynamic_partitions("periode", ["2025-H1"])
        intake = defs.resolve_job_def("verwerken")
        result = intake.execute_in_process(
            instance=instance, resources=resources, tags={RANGE_START: "GM0059|2025-H1", RANGE_END: "GM0060|2025-H1"}
        )
        assert result.success
        assert list((home.core / "2025-H1" / "GM0060").glob("wmo-*.parquet"))
        assert (home.tellingen / "2025-H1" / "GM0059.parquet").is_file()
        materialized = instance.get_materialized_partitions(dg.AssetKey("core_trajecten"))
        assert materialized == {"GM0059|2025-H1", "GM0060|2025-H1"}
        checks = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("core_trajecten"), "aanlevering_goedgekeurd"), limit=10
        )
        assert {record.partition for record in checks} == {"GM0059|2025-H1", "GM0060|2025-H1"}
        # Intake finished: one concept run is requested, once.
        context = dg.build_sensor_context(instance=instance)
        request = concept_sensor(context)
        assert isinstance(request, dg.RunRequest)
        assert isinstance(concept_sensor(dg.build_sensor_context(instance=instance, cursor=context.cursor)), dg.SkipReason)
