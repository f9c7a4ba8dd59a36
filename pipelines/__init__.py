"""Dagster wiring only: partitions, resources, thin assets, checks, jobs, sensors, in-process runner.

All logic lives in `clearinghouse`, `contracts`, `indicators` and `dashboards`; an asset here reads
its inputs, calls one plain function, and reports what happened.
"""

import warnings

import dagster as dg

# Per-partition asset checks are a Dagster preview feature; it is what makes a rejected delivery
# visible per partition, and its API is pinned with the Dagster version in pyproject.toml.
warnings.filterwarnings("ignore", category=dg.PreviewWarning)
warnings.filterwarnings("ignore", category=dg.BetaWarning)
