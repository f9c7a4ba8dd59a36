"""Read-only questions to the warehouse, for analysts (`gmsd sql`) and the operator.

The connection is read-only and cannot reach outside the database: with DuckDB's
`enable_external_access = false` and `lock_configuration = true` a query cannot read a file
(`read_text('/etc/hostname')`), write one (`COPY … TO`), attach another database, install an
extension from the network, or switch those settings back on.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

SAFE_CONFIG = {"enable_external_access": False, "lock_configuration": True}


class QueryError(ValueError):
    """The query cannot be run; the message says why (Dutch)."""


def read_only_connection(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(warehouse), read_only=True, config=dict(SAFE_CONFIG))


def run_query(warehouse: Path, sql: str) -> pd.DataFrame:
    """The result of one SQL query on the warehouse, read-only and sealed off from files and network."""
    try:
        with read_only_connection(warehouse) as con:
            result = con.sql(sql)
            if result is None:
                raise QueryError("de opdracht gaf geen resultaat; alleen SELECT-vragen zijn zinvol (het warehouse is alleen-lezen).")
            return result.df()
    except duckdb.PermissionException as exc:
        raise QueryError(
            "deze opdracht mag niet: het warehouse is alleen te lezen en kan geen bestanden of netwerk bereiken "
            f"({str(exc).splitlines()[0]})."
        ) from exc
    except duckdb.Error as exc:
        raise QueryError(f"de SQL kon niet worden uitgevoerd: {str(exc).splitlines()[0]}") from exc
