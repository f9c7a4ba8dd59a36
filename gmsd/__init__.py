"""Gemeentelijke Monitor Sociaal Domein: shared settings, reference data and the `gmsd` command.

The domain logic lives in the plain-Python packages `clearinghouse`, `contracts`, `indicators`
and `dashboards`; Dagster wiring lives only in `pipelines`. This package holds what they all
share (where state lives, the reference data) and the command line.
"""
