"""All Dagster definitions load, and the graph is the whole flow as one line, as the operator sees it."""

import dagster as dg

from pipelines.definitions import defs
from pipelines.partitions import delivery_partitions, release_partitions


def test_definitions_load_and_the_flow_is_one_line():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    line = ["inbox", "core_trajecten", "concept_indicatoren", "release", "warehouse", "site"]
    for upstream, downstream in zip(line, line[1:]):
        parents = {key.to_user_string() for key in graph.get(dg.AssetKey(downstream)).parent_keys}
        assert upstream in parents, (upstream, downstream)
    assert defs.resolve_assets_def("core_trajecten").partitions_def == delivery_partitions
    assert defs.resolve_assets_def("release").partitions_def == release_partitions
    checks = {key.name for key in graph.asset_check_keys}
    assert {"aanlevering_goedgekeurd", "voldoet_aan_core_contract", "geheimhouding_klopt", "kwaliteit_concept"} <= checks


def test_the_operator_sees_named_jobs_owners_kinds_and_descriptions():
    jobs = ("verwerken", "conceptcijfers", "conceptcijfers_berekenen", "release_maken", "publiceren")
    assert {job.name for job in defs.resolve_all_job_defs()} >= set(jobs)
    for job in jobs:
        assert defs.resolve_job_def(job).description
    for name in ("inbox_sensor", "concept_sensor"):
        assert defs.resolve_sensor_def(name).description
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.owners == ["team:clearinghouse"], key
        assert node.kinds, key
        assert node.description, key
    schema = graph.get(dg.AssetKey("core_trajecten")).metadata["dagster/column_schema"]
    assert "persoon_pseudoniem" in {column.name for column in schema.columns}
    assert "bsn" not in {column.name for column in schema.columns}


def test_the_concept_job_before_a_publication_runs_the_blocking_checks_and_no_warehouse():
    """`gmsd run --publiceer` computes the concept figures with both blocking checks; publishing builds the warehouse once."""
    steps = set(defs.resolve_job_def("conceptcijfers_berekenen").graph.node_names())
    assert steps == {"concept_indicatoren", "concept_indicatoren_geheimhouding_klopt", "concept_indicatoren_kwaliteit_concept"}
