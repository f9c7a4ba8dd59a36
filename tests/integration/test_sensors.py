"""The Dagster sensors: new deliveries become partition runs; finished intake becomes one publish run."""

from __future__ import annotations

import os
import secrets
import shutil

import dagster as dg
import pytest

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from vocabulary.home import SAMPLE_DIR, Home
from pipelines.definitions import defs
from pipelines.resources import Clearinghouse
from pipelines.sensors import inbox_sensor, publish_sensor


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, secrets.token_hex(32))
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    home = Home(tmp_path / "home").ensure()
    shutil.copytree(SAMPLE_DIR / "inbox" / "GM0060" / "2025-H1", home.inbox / "GM0060" / "2025-H1")
    (home.root / "reference").mkdir()
    shutil.copy2(SAMPLE_DIR / "geo" / "pc6hnr20240801_gwb.csv", home.root / "reference")
    (home.inbox / "GM0060" / "notes").mkdir()  # not a periode: ignored
    return home


def test_inbox_sensor_requests_a_run_per_new_or_changed_delivery(home):
    resources = {"clearinghouse": Clearinghouse(home_path=str(home.root))}
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources=resources)
        result = inbox_sensor(context)
        assert [request.partition_key for request in result.run_requests] == ["GM0060|2025-H1"]
        added = {tuple(request.partition_keys) for request in result.dynamic_partitions_requests}
        assert ("GM0060",) in added and ("2025-H1",) in added

        again = inbox_sensor(dg.build_sensor_context(instance=instance, resources=resources, cursor=context.cursor))
        assert isinstance(again, dg.SkipReason)

        manifest = home.inbox / "GM0060" / "2025-H1" / "manifest.yaml"
        # A re-delivery: newer than anything in the folder (a checkout does not order file times).
        stamp = max(path.stat().st_mtime for path in manifest.parent.iterdir()) + 10
        os.utime(manifest, (stamp, stamp))
        changed = inbox_sensor(dg.build_sensor_context(instance=instance, resources=resources, cursor=context.cursor))
        assert [request.partition_key for request in changed.run_requests] == ["GM0060|2025-H1"]


def test_publish_sensor_waits_for_intake_then_requests_one_publish(home):
    resources = {"clearinghouse": Clearinghouse(home_path=str(home.root))}
    with dg.instance_for_test() as instance:
        assert isinstance(publish_sensor(dg.build_sensor_context(instance=instance)), dg.SkipReason)
        instance.add_dynamic_partitions("gemeente", ["GM0060"])
        instance.add_dynamic_partitions("periode", ["2025-H1"])
        intake = defs.resolve_job_def("intake")
        result = intake.execute_in_process(
            instance=instance,
            partition_key=dg.MultiPartitionKey({"gemeente": "GM0060", "periode": "2025-H1"}),
            resources=resources,
        )
        assert result.success
        assert (home.core / "2025-H1" / "GM0060" / "wmo.parquet").is_file()
        context = dg.build_sensor_context(instance=instance)
        request = publish_sensor(context)
        assert isinstance(request, dg.RunRequest)
        assert isinstance(publish_sensor(dg.build_sensor_context(instance=instance, cursor=context.cursor)), dg.SkipReason)
