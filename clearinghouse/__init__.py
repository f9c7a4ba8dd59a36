"""The trusted clearinghouse: read, validate, pseudonymise, minimise, locate and aggregate deliveries.

Plain Python with no Dagster import: each step takes a DataFrame and returns one, so it can be
tested on its own and run from a Dagster asset, the `gmsd` command or a notebook alike.
"""
