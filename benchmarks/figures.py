"""Fingerprints of the published figures per gemeente: proof that a re-delivery changed only its own.

One hash per gemeente over its rows in a published table (default `publish.indicatoren`): the rows
of the gemeente itself and of its wijken, every column except the release's own bookkeeping
(release id, release status, publication time), in a fixed order. National and peer-group figures are left out on
purpose: they include the re-delivering gemeente and may change with it.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

DEFAULT_TABLE = "publish.indicatoren"
# Columns that say which release a row belongs to, not what it says: the release id and its
# status, which a republication changes on every row ("voorlopig" → "nader voorlopig").
BOOKKEEPING = re.compile(r"^(release|status|gepubliceerd|verwerkt|bijgewerkt|gemaakt)|_op$")
OWN_LEVELS = ("gemeente", "wijk")


def published_hashes(warehouse: Path, table: str = DEFAULT_TABLE) -> dict[str, tuple[int, str]]:
    """gemeente_code → (number of rows, md5 of its rows) in `table` of the warehouse."""
    schema, name = table.split(".")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [
            row[0]
            for row in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
                [schema, name],
            ).fetchall()
        ]
        if "gemeente_code" not in columns:
            raise SystemExit(f"{table} heeft geen kolom gemeente_code; kies een andere tabel met --tabel.")
        kept = [c for c in columns if not BOOKKEEPING.search(c)]
        row_text = "concat_ws('|', " + ", ".join(f'coalesce(CAST("{c}" AS VARCHAR), \'∅\')' for c in kept) + ")"
        own = f"WHERE regio_niveau IN {OWN_LEVELS}" if "regio_niveau" in columns else ""
        rows = con.execute(
            f"SELECT gemeente_code, count(*), md5(string_agg({row_text}, chr(10) ORDER BY {row_text})) "
            f"FROM {table} {own} GROUP BY gemeente_code"
        ).fetchall()
    return {code: (count, digest) for code, count, digest in rows if code}


def changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    """Gemeenten whose published rows differ (or appear or disappear)."""
    return sorted(code for code in before.keys() | after.keys() if before.get(code) != after.get(code))
