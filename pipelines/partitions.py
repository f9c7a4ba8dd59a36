"""Partitions: deliveries by gemeente × periode (both grow as deliveries arrive), releases by periode.

A round runs as few Dagster runs as possible: one run per *box* of delivery partitions (a range of
gemeenten × a range of periodes, in the order the dimensions hold them), because every Dagster run
costs time in its storage whatever its size. A national round (all gemeenten, one periode) is one
box; a re-delivery of one gemeente is a box of one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import dagster as dg

gemeente_partitions = dg.DynamicPartitionsDefinition(name="gemeente")
periode_partitions = dg.DynamicPartitionsDefinition(name="periode")
delivery_partitions = dg.MultiPartitionsDefinition({"gemeente": gemeente_partitions, "periode": periode_partitions})
release_partitions = dg.DynamicPartitionsDefinition(name="releaseperiode")

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def partition_key(gemeente_code: str, periode: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"gemeente": gemeente_code, "periode": periode})


def split_partition_key(key: str | dg.MultiPartitionKey) -> tuple[str, str]:
    """'GM0034|2026-H1' (or its MultiPartitionKey) → ('GM0034', '2026-H1')."""
    if isinstance(key, dg.MultiPartitionKey):
        return key.keys_by_dimension["gemeente"], key.keys_by_dimension["periode"]
    gemeente_code, periode = str(key).split("|")
    return gemeente_code, periode


@dataclass(frozen=True)
class Box:
    """A rectangle of delivery partitions: gemeenten first..last (in dimension order) × one periode."""

    first: str
    last: str
    periode: str
    size: int

    @property
    def tags(self) -> dict[str, str]:
        return {RANGE_START: str(partition_key(self.first, self.periode)), RANGE_END: str(partition_key(self.last, self.periode))}


def boxes(deliveries: list[tuple[str, str]], gemeente_order: list[str]) -> list[Box]:
    """Cover exactly `deliveries` ((gemeente, periode) pairs) with boxes: per periode, each run of
    gemeenten that are consecutive in `gemeente_order` (the dimension's order) is one box."""
    position = {code: i for i, code in enumerate(gemeente_order)}
    by_periode: dict[str, list[str]] = defaultdict(list)
    for gemeente_code, periode in set(deliveries):
        by_periode[periode].append(gemeente_code)
    found = []
    for periode in sorted(by_periode):
        codes = sorted(by_periode[periode], key=position.__getitem__)
        start = previous = codes[0]
        size = 1
        for code in codes[1:]:
            if position[code] == position[previous] + 1:
                previous, size = code, size + 1
                continue
            found.append(Box(start, previous, periode, size))
            start = previous = code
            size = 1
        found.append(Box(start, previous, periode, size))
    return found
