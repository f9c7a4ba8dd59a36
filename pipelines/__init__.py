"""Dagster wiring only: partitions, resources, thin assets, checks and sensors.

All logic lives in `clearinghouse`, `contracts`, `indicators` and `dashboards`; an asset here reads
its inputs, calls one plain function, and reports what happened.
"""
