"""The top floor: the `gmsd` command (`gmsd.cli`) and the synthetic-data generator (`gmsd.synth`).

Nothing below imports this package. The work itself lives in the packages below: `vocabulary`,
`contracts`, `clearinghouse`, `indicators`, `dashboards`, and the Dagster wiring in `pipelines`
and the portal in `portal` (see the layers contract in pyproject.toml).
"""
