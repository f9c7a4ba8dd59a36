"""All Dagster definitions load, with the partitions, checks and sensor the pipeline relies on."""

import dagster as dg

from pipelines.definitions import defs
from pipelines.partitions import delivery_partitions


def test_definitions_load_and_validate():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"core_trajecten", "out_indicatoren", "out_site"} <= keys
    assert defs.resolve_assets_def("core_trajecten").partitions_def == delivery_partitions
    checks = {key.name for key in graph.asset_check_keys}
    assert {"voldoet_aan_core_contract", "geheimhouding_klopt", "kwaliteit_gepubliceerd"} <= checks
    assert defs.resolve_sensor_def("inbox_sensor") is not None
