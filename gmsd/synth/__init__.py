"""Synthetic deliveries on real geography: the generator behind `data/sample/` and the benchmarks.

Why synthetic: the monitor handles the most sensitive data a gemeente holds, so nothing real may
enter the repository. The generator keeps what makes the data useful for testing real behaviour:
real gemeente and wijk codes and populations (CBS KWB 2024, all 342 gemeenten), client numbers at
the national rates the spec quotes, the same people in several domeinen and periodes (for
stapeling and trends), and the ways real exports differ (separators, encodings, date formats,
Excel's lost leading zero, Parquet, XLSX, a little dirt).

The modules, in the order the work happens:

- `generator`: the entry point `generate` — which gemeenten, one job per gemeente, a process pool;
- `addresses`: synthetic addresses in real wijken, in a PC4 block per gemeente;
- `clients` and `people`: who the clients are and their trajecten over the periodes;
- `styles` and `rows`: how each gemeente exports, the delivered rows with their dirt;
- `writing`: delivery folders put in place whole, the postcode table only ever added to.
"""

from gmsd.synth.addresses import Addresses, make_addresses
from gmsd.synth.generator import (
    DEFAULT_PERIODES,
    DEFAULT_SEED,
    SAMPLE_GEMEENTEN,
    Destination,
    GenerateSummary,
    generate,
)
from gmsd.synth.people import fake_bsns
from gmsd.synth.styles import FORMATS
from gmsd.synth.writing import PC6_TABLE_NAME, PostcodeTableConflict

__all__ = [
    "DEFAULT_PERIODES",
    "DEFAULT_SEED",
    "FORMATS",
    "PC6_TABLE_NAME",
    "SAMPLE_GEMEENTEN",
    "Addresses",
    "Destination",
    "GenerateSummary",
    "PostcodeTableConflict",
    "fake_bsns",
    "generate",
    "make_addresses",
]
