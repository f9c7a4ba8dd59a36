"""Deliveries are partitioned by gemeente × periode; both dimensions grow as deliveries arrive."""

import dagster as dg

gemeente_partitions = dg.DynamicPartitionsDefinition(name="gemeente")
periode_partitions = dg.DynamicPartitionsDefinition(name="periode")
delivery_partitions = dg.MultiPartitionsDefinition({"gemeente": gemeente_partitions, "periode": periode_partitions})


def delivery_key(gemeente_code: str, periode: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"gemeente": gemeente_code, "periode": periode})
