"""Dagster's SQLite event log, with its connections kept open: the event log of a home.

Dagster's `SqliteEventLogStorage` makes a new SQLAlchemy engine for every event it stores and
closes its connection afterwards. Measured on this machine that costs ~9 ms per event: the engine
(and with it SQLAlchemy's cache of compiled statements) is rebuilt each time, and closing the last
connection to a WAL database checkpoints it. A national round stores over a thousand events (per
delivery partition a planned and a reported materialisation and a check), about 10 s in all.

This subclass keeps an engine per database file (the index, and the latest runs' files), with
SQLAlchemy's default pool for a SQLite file (`QueuePool`: connections stay open and are handed to
any thread, one at a time, as the parent's lock already serialises every use), and commits with
`synchronous=NORMAL`, which in WAL mode still survives a killed process (only a power cut can lose
the last commits). Measured: ~2.1 ms per event. The database files, their schema and what is
stored are Dagster's own: the UI (`dagster dev`) and the default class read the same folder.

`keep_connections_open` puts it in place of the default class in an instance the home's
`dagster.yaml` configured (pipelines.runner.instance_for), at the folder that instance resolved. It is
not named in the yaml, because a class configured there needs the folder spelled out, and the home
folder may move. A deployment with Postgres (`deploy/dagster.yaml`) is left as it is.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS, SqliteEventLogStorage
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine


def _durable_against_kills(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Engines kept open at most: the index and the latest runs' databases (every run has its own file;
# a process that runs many, such as the test suite or 13 periodes, would otherwise hold them all).
KEPT_ENGINES = 8


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with an engine per shard and its connections kept open."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables_found: set[str] = set()
        super().__init__(base_dir, inst_data)

    def has_table(self, table_name: str) -> bool:
        # The parent builds a new engine to look (it asks before storing every check result, ~2 ms
        # each); a table once there stays there while this storage lives (`wipe` forgets them).
        if table_name in self._tables_found:
            return True
        found = super().has_table(table_name)
        if found:
            self._tables_found.add(table_name)
        return found

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
        else:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            event.listen(engine, "connect", _durable_against_kills)
            self._engines[shard] = engine
            while len(self._engines) > KEPT_ENGINES:  # the least recently used goes (called under the lock)
                self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # As the parent's, but the engine (and its open connection) stays for the next event.
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _close_engines(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def wipe(self) -> None:
        self._tables_found.clear()
        self._close_engines()  # the parent deletes the run databases: no connection may hold them
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._close_engines()


def keep_connections_open(instance: dg.DagsterInstance) -> dg.DagsterInstance:
    """Store `instance`'s events with `KeptOpenSqliteEventLogStorage` when it has Dagster's default
    SQLite event log; otherwise (Postgres, or a Dagster whose internals moved) leave it unchanged."""
    default = getattr(instance, "_event_storage", None)
    if type(default) is not SqliteEventLogStorage or not isinstance(getattr(default, "_base_dir", None), str):
        return instance
    kept_open = KeptOpenSqliteEventLogStorage(default._base_dir, inst_data=default.inst_data)
    kept_open.register_instance(instance)
    instance._event_storage = kept_open
    default.dispose()
    return instance
