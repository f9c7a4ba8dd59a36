"""The single writer of `warehouse.duckdb`: what analysts and the site read, in one file.

Built from what earlier steps left on disk — the concept figures (`concept/`), the immutable
releases (`releases/`), the audit trail, the deletion records and the reference data — so a build
can always be repeated, and after a crash the next build serves whatever releases exist. Only one
process writes at a time (a file lock, released by the kernel even after `kill -9`); the new file is
built beside the old one and renamed into place, so readers always see a complete warehouse.

Schemas: `publish` (what anyone may read: the latest release per periode, benchmark, peer groups,
releases, revisions), `concept` (the latest round's figures, operator only), `audit` (the trail of
every delivery and deletion) and `ref` (regions and population). Microdata never enter the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from clearinghouse.audit import load_audit
from clearinghouse.intake import empty_audit_frame
from clearinghouse.ownership import exclusive, warehouse_lock_path
from clearinghouse.retention import load_deletions
from indicators.benchmark import INPUT_COLUMNS as BENCHMARK_INPUT
from indicators.benchmark import benchmark
from contracts import publish
from indicators.catalogus import catalogue_table, load_catalogue
from indicators.concept import (
    benchmark_path,
    groups_path,
    indicatoren_path,
    read_concept,
    read_concept_benchmark,
    read_concept_groups,
)
from indicators.peers import peer_groups
from indicators.releases import REVISION_COLUMNS, latest_figure_files, load_published
from vocabulary import files
from vocabulary.home import Home
from vocabulary.periode import sorted_codes
from vocabulary.reference import gemeenten, population

class WarehouseError(RuntimeError):
    pass


@dataclass(frozen=True)
class ParquetFiles:
    """A table DuckDB reads straight from Parquet files, in this order (no round trip through pandas)."""

    paths: tuple[Path, ...]

    def sql(self) -> str:
        listed = ", ".join("'" + str(path).replace("'", "''") + "'" for path in self.paths)
        return f"(SELECT * FROM read_parquet([{listed}], union_by_name = true))"


Source = pd.DataFrame | ParquetFiles


@dataclass
class WarehouseSummary:
    path: Path
    concept_rows: int
    published_rows: int
    releases: list[str]
    deliveries: int

    def note(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        """Remember what the round summary reports about a table just written (read back from `con`)."""
        if name == "publish.releases":
            self.releases = [str(r) for (r,) in con.execute(f"SELECT release_id FROM {name}").fetchall()]
        elif name in ("concept.indicatoren", "publish.indicatoren", "audit.leveringen"):
            rows = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
            if name == "concept.indicatoren":
                self.concept_rows = rows
            elif name == "publish.indicatoren":
                self.published_rows = rows
            else:
                self.deliveries = rows


def _empty(columns: list[str], numeric: tuple[str, ...] = ()) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in numeric else "string") for c in columns})


def _rows(path: Path) -> int:
    return pq.ParquetFile(path).metadata.num_rows if path.is_file() else 0


def _written_after(first: Path, *later: Path) -> bool:
    return all(path.stat().st_mtime_ns >= first.stat().st_mtime_ns for path in later)


def _same_benchmark_input(published: pd.DataFrame, concept: pd.DataFrame) -> bool:
    """Whether peer groups and benchmark of `published` are those of `concept` (both: BENCHMARK_INPUT columns).

    Peer groups depend on the set of gemeenten, the benchmark on the gemeente-level cells (one per
    indicator, periode and gemeente) and not on their order: a release holds one periode, so the
    latest releases together list the concept's cells periode by periode.
    """
    if set(published["gemeente_code"].unique()) != set(concept["gemeente_code"].unique()):
        return False
    key = ["indicator_id", "periode", "gemeente_code"]
    cells = [frame[frame["regio_niveau"] == "gemeente"].sort_values(key, kind="stable", ignore_index=True) for frame in (published, concept)]
    return cells[0].equals(cells[1])


GEMEENTE_CELLS = [("regio_niveau", "==", "gemeente")]


def tables(home: Home) -> Iterator[tuple[str, Source]]:
    """Every table of the warehouse, by schema-qualified name, from what lies on disk.

    One table at a time, so the writer can drop each after writing it: with 13 periodes of history
    the concept and published figures together no longer have to fit in memory at once. What lies
    on disk as Parquet in its final form (the concept figures, the published figures) DuckDB reads
    itself; only what must be computed goes through pandas.
    """
    concept_derived = False  # the concept's peer groups and benchmark on disk belong to its figures
    if _rows(indicatoren_path(home)):
        yield "concept.indicatoren", ParquetFiles((indicatoren_path(home),))
        has_benchmark, has_groups = benchmark_path(home).is_file(), groups_path(home).is_file()
        yield "concept.benchmark", ParquetFiles((benchmark_path(home),)) if has_benchmark else read_concept_benchmark(home)
        yield "concept.peergroepen", ParquetFiles((groups_path(home),)) if has_groups else read_concept_groups(home)
        concept_derived = has_benchmark and has_groups and _written_after(indicatoren_path(home), benchmark_path(home), groups_path(home))
    else:  # no concept figures: typed empty tables, as before
        concept = read_concept(home)
        concept_gemeenten = concept["gemeente_code"]
        yield "concept.indicatoren", concept
        yield "concept.benchmark", benchmark(concept, peer_groups(concept_gemeenten))
        yield "concept.peergroepen", peer_groups(concept_gemeenten)
    # The benchmark and the peer groups read only the gemeenten' own figures (benchmark.sql), not
    # their wijken: with 13 periodes that is a tenth of the rows.
    released, releases, revisies = load_published(home.releases, columns=BENCHMARK_INPUT, filters=GEMEENTE_CELLS)
    if released.empty:
        released = read_concept(home).head(0)
        yield "publish.indicatoren", released
    else:
        yield "publish.indicatoren", ParquetFiles(tuple(latest_figure_files(home.releases, releases)))
    if concept_derived and not released.empty and _same_benchmark_input(
            released, pd.read_parquet(indicatoren_path(home), columns=BENCHMARK_INPUT, filters=GEMEENTE_CELLS)):
        # What the benchmark and the peer groups read of the published figures is the concept's (as
        # right after publishing it), and build_concept computed them from the concept with the same
        # functions: they are taken from disk, not computed again.
        del released
        yield "publish.benchmark", ParquetFiles((benchmark_path(home),))
        yield "publish.peergroepen", ParquetFiles((groups_path(home),))
    else:
        groups = peer_groups(released["gemeente_code"].unique())  # only gemeenten with published figures are members
        yield "publish.benchmark", benchmark(released, groups)
        del released
        yield "publish.peergroepen", groups
    if releases.empty:
        releases = pd.DataFrame({c: pd.Series(dtype="object") for c in publish.column_names("publish.releases")})
    yield "publish.releases", releases
    yield "publish.indicatoren_catalogus", catalogue_table(load_catalogue())
    yield "publish.revisies", _empty(REVISION_COLUMNS, numeric=("waarde_oud", "waarde_nieuw", "verschil")) if revisies.empty else revisies
    audit = load_audit(home.intake)
    yield "audit.leveringen", audit if len(audit) else empty_audit_frame()
    yield "audit.verwijderingen", load_deletions(home.deletions)
    yield "ref.regio", population().merge(gemeenten()[["gemeente_code", "provincie_naam"]], on="gemeente_code", how="left")


WRITER_MEMORY = "1GB"  # DuckDB's share while writing; pandas frames it reads are zero-copy


def write_warehouse(path: Path, frames: Iterable[tuple[str, Source]]) -> WarehouseSummary:
    """Write `frames` as a complete new DuckDB file at `path` (atomically: built beside it, renamed)."""
    with files.atomic_path(path) as temporary:
        summary = _write_file(temporary, frames)
    summary.path = Path(path)
    return summary


def _write_file(path: Path, frames: Iterable[tuple[str, Source]]) -> WarehouseSummary:
    """Write `frames` into a new DuckDB file at `path`, complete and checkpointed when this returns."""
    summary = WarehouseSummary(Path(path), 0, 0, [], 0)
    con = duckdb.connect(str(path), config={"memory_limit": WRITER_MEMORY})
    try:
        for schema in publish.SCHEMAS:
            con.execute(f"CREATE SCHEMA {schema}")
        for name, frame in frames:
            if isinstance(frame, ParquetFiles):
                con.execute(publish.create_sql(name, frame.sql()))
            else:
                con.register("frame_df", frame)
                con.execute(publish.create_sql(name, "frame_df"))
                con.unregister("frame_df")
            del frame  # before the next table is made, not after
            summary.note(con, name)
        publish.write_comments(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return summary


def build_warehouse(home: Home, *, wait_seconds: float = 600.0) -> WarehouseSummary:
    """Rebuild `warehouse.duckdb` from disk, as the one writer (waits for another writer, then says so).

    A build started ahead (`start_warehouse`) from the same files as are on disk now is moved into
    place instead of building again."""
    with exclusive(warehouse_lock_path(home.root), what="warehouse bouwen", wait_seconds=wait_seconds):
        files.remove_stale_temporaries(home.root)
        ahead = _finished_ahead(home)
        if ahead is not None:
            return ahead
        return write_warehouse(home.warehouse, tables(home))


# A build ahead: while a command waits for the concept's quality check (GX, on the other core, about
# a second and a half), the warehouse that follows it is built in a thread of the command, into a
# file of its own beside the warehouse. The warehouse step then takes that file if every file it was
# built from is unchanged (their paths, sizes, modification times), and builds as before otherwise.
# A check that fails leaves the file unused: it is removed when the command ends (or, after a kill,
# by the next command's clean-up of temporaries).
_AHEAD: dict[str, object] = {}


@dataclass
class _AheadBuild:
    stamp: tuple
    temporary: Path
    future: Future


@contextmanager
def built_ahead() -> Iterator[None]:
    """Let `start_warehouse` build ahead in this block (for `gmsd run`, whose round ends with checks
    and then the warehouse); whatever was built ahead and not used is removed at the end."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warehouse-vooruit")
    _AHEAD["executor"] = executor
    try:
        yield
    finally:
        _AHEAD.pop("executor", None)
        _discard(_AHEAD.pop("build", None))
        executor.shutdown(wait=True)


def start_warehouse(home: Home) -> None:
    """Start building the warehouse from what is on disk now, if a `built_ahead` block is active."""
    executor = _AHEAD.get("executor")
    if executor is None:
        return
    _discard(_AHEAD.pop("build", None))
    stamp = _inputs_stamp(home)
    temporary = files.temporary_beside(home.warehouse)
    _AHEAD["build"] = _AheadBuild(stamp, temporary, executor.submit(_write_file, temporary, tables(home)))


def _finished_ahead(home: Home) -> WarehouseSummary | None:
    """The build started ahead, moved into place, if it succeeded and its files are those on disk now."""
    build = _AHEAD.pop("build", None)
    if build is None:
        return None
    try:
        summary = build.future.result()
    except Exception:  # noqa: BLE001 — whatever went wrong ahead, the build that follows reports it
        _discard(build)
        return None
    if build.stamp != _inputs_stamp(home):  # (another home's build has other paths in its stamp)
        _discard(build)
        return None
    os.replace(build.temporary, home.warehouse)
    summary.path = home.warehouse
    return summary


def _discard(build: _AheadBuild | None) -> None:
    if build is None:
        return
    try:
        build.future.result()  # the thread is done with the file before it goes
    except Exception:  # noqa: BLE001 — an unused build: its error does not matter
        pass
    build.temporary.unlink(missing_ok=True)
    Path(f"{build.temporary}.wal").unlink(missing_ok=True)


def _inputs_stamp(home: Home) -> tuple:
    """Every file `tables` reads from the home, as it is now (the reference data and the catalogue
    are the repository's, the same for the whole command)."""
    concept = [files.identity(path) for path in (indicatoren_path(home), benchmark_path(home), groups_path(home))]
    return tuple(concept + [found for folder in (home.releases, home.intake, home.deletions) for found in files.identities_under(folder)])


def read_published(warehouse_path: Path, table: str = "publish.indicatoren") -> pd.DataFrame:
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        return con.execute(f"SELECT * FROM {table}").df()


@dataclass
class RoundFigures:
    """What the operator sees after a round: verdicts of the deliveries in force, what is published."""

    verdicts: list[tuple[str, int, int, int]]  # oordeel, files, rows read, rows used
    gemeenten_published: int
    gemeenten_delivered: int
    periodes: list[str]
    cells: int
    secret: int
    deleted: int


def round_figures(warehouse_path: Path) -> RoundFigures:
    """Counts for the round summary, read from the warehouse (latest delivery per gemeente, periode, domein)."""
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        verdicts = con.execute(
            """WITH latest AS (
                   SELECT * FROM audit.leveringen
                   QUALIFY row_number() OVER (PARTITION BY gemeente_code, periode, coalesce(domein, bestand)
                                              ORDER BY verwerkt_op DESC) = 1)
               SELECT oordeel, count(*), sum(rijen_gelezen), sum(rijen_geaccepteerd) FROM latest GROUP BY oordeel ORDER BY oordeel"""
        ).fetchall()
        published = con.execute("SELECT count(DISTINCT gemeente_code) FROM publish.indicatoren").fetchone()[0]
        periodes = [row[0] for row in con.execute("SELECT DISTINCT periode FROM publish.indicatoren").fetchall()]
        cells, secret = con.execute("SELECT count(*), count(*) FILTER (WHERE geheim) FROM publish.indicatoren").fetchone()
        delivered = con.execute("SELECT count(DISTINCT gemeente_code) FROM audit.leveringen").fetchone()[0]
        deleted = con.execute("SELECT count(*) FROM audit.verwijderingen").fetchone()[0]
    return RoundFigures(
        [(str(o), int(f), int(r or 0), int(u or 0)) for o, f, r, u in verdicts],
        published, delivered, sorted_codes(periodes), cells, secret or 0, deleted,
    )
