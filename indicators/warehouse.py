"""The single writer of `warehouse.duckdb`: loads per-partition results and publishes indicators.

Partitions write Parquet independently (in parallel, in any process); only this step writes the
DuckDB file, and it builds a complete new file beside the old one and renames it into place, so
analysts always see the last complete warehouse and a failure leaves it untouched.

Schemas in the file: `publish` (what anyone may read: protected indicator figures), `audit` (the
trail of every delivery) and `ref` (regions and population). Microdata stay outside the file, in
the pseudonymised Parquet records, and are never reachable through `publish`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from clearinghouse.audit import load_audit
from contracts import publish
from clearinghouse.retention import load_deletions
from clearinghouse.disclosure import protect, secondary_suppression
from vocabulary.reference import gemeenten, population
from indicators.benchmark import benchmark
from indicators.catalogus import Indicator, catalogue_table, load_catalogue
from indicators.peers import peer_groups
from indicators.releases import REVISION_COLUMNS, load_published
from indicators.compute import raw_cells, register_trajecten
from vocabulary.periode import sorted_codes

PUBLISH_COLUMNS = list(publish.INDICATOREN.kolomnamen)


class WarehouseError(RuntimeError):
    pass


@dataclass
class WarehouseSummary:
    path: Path
    release: str
    indicator_rows: int
    gemeenten_published: list[str]
    gemeenten_withheld: list[str]
    deliveries: int


def consent(audit: pd.DataFrame) -> pd.DataFrame:
    """Consent per (gemeente, periode): the latest delivery's manifest counts (spec)."""
    with_manifest = audit[audit["publicatie_basis"].notna()].sort_values("verwerkt_op")
    latest = with_manifest.drop_duplicates(["gemeente_code", "periode"], keep="last")
    halves = latest[["gemeente_code", "periode", "publicatie_basis", "publicatie_facultatief"]].reset_index(drop=True)
    # A year figure needs consent for both halves: publishing it would otherwise reveal the half without consent.
    years = halves.assign(periode=halves["periode"].str[:4]).groupby(["gemeente_code", "periode"], as_index=False).agg(
        publicatie_basis=("publicatie_basis", "all"), publicatie_facultatief=("publicatie_facultatief", "all"), helften=("periode", "size")
    )
    years = years[years["helften"] == 2].drop(columns="helften")
    return pd.concat([halves, years], ignore_index=True)


def files_by_year(core_files: list[str]) -> dict[str, list[str]]:
    """Partition files (`core/<periode>/<gemeente>/<domein>.parquet`) grouped by the year of their periode."""
    years: dict[str, list[str]] = {}
    for path in core_files:
        years.setdefault(Path(path).parent.parent.name[:4], []).append(path)
    return dict(sorted(years.items()))


def _cells_of_year(files: list[str], catalogue: tuple[Indicator, ...]) -> pd.DataFrame:
    """Raw cells of one year's halves and of the year itself. One year at a time keeps memory bounded
    by a year of records, however many periodes the warehouse holds (a year needs both its halves)."""
    con = duckdb.connect()
    try:
        register_trajecten(con, files)
        return raw_cells(con, catalogue)
    finally:
        con.close()


def published_indicators(
    core_files: list[str],
    audit: pd.DataFrame,
    *,
    release: str,
    status: str,
    catalogue: tuple[Indicator, ...],
    rounding_secret: bytes,
) -> tuple[pd.DataFrame, list[str]]:
    """Protected figures for consenting gemeenten; also the withheld gemeente codes."""
    cells = pd.concat([_cells_of_year(files, catalogue) for files in files_by_year(core_files).values()], ignore_index=True)
    rights = consent(audit)
    cells = cells.merge(rights, on=["gemeente_code", "periode"], how="left")
    facultatief = {i.id for i in catalogue if i.gegevensset == "facultatief"}
    allowed = cells["publicatie_basis"].fillna(False).astype(bool) & (
        ~cells["indicator_id"].isin(facultatief) | cells["publicatie_facultatief"].fillna(False).astype(bool)
    )
    withheld = sorted(set(cells.loc[~cells["publicatie_basis"].fillna(False).astype(bool), "gemeente_code"]))
    protected = protect(cells[allowed].drop(columns=["publicatie_basis", "publicatie_facultatief"]), secret=rounding_secret)
    protected = secondary_suppression(protected.reset_index(drop=True), {i.id: i.reeks for i in catalogue if i.optelbaar})
    protected["status"] = status
    protected["release"] = release
    out = protected[PUBLISH_COLUMNS].sort_values(["indicator_id", "periode", "gemeente_code", "regio_niveau", "regio_code"])
    return out.reset_index(drop=True), withheld


def build_warehouse(
    *,
    core_dir: Path,
    intake_dir: Path,
    warehouse_path: Path,
    rounding_secret: bytes,
    deletions_dir: Path | None = None,
    releases_dir: Path | None = None,
    release: str = "concept",
    status: str = "concept",
) -> WarehouseSummary:
    core_files = sorted(str(p) for p in core_dir.glob("*/*/*.parquet"))
    if not core_files:
        raise WarehouseError(
            f"Er zijn nog geen goedgekeurde aanleveringen in {core_dir}. Verwerk eerst aanleveringen (gmsd demo of de Dagster-sensor)."
        )
    audit = load_audit(intake_dir)
    catalogue = load_catalogue()
    indicatoren, withheld = published_indicators(
        core_files, audit, release=release, status=status, catalogue=catalogue, rounding_secret=rounding_secret
    )
    regions = population().merge(
        gemeenten()[["gemeente_code", "provincie_naam"]], on="gemeente_code", how="left"
    )

    released, releases, revisies = load_published(releases_dir) if releases_dir else (pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    if released.empty:
        released = indicatoren.head(0)
    released = released[PUBLISH_COLUMNS]
    groups = peer_groups(released["gemeente_code"])  # only gemeenten with published figures are members
    concept_groups = peer_groups(indicatoren["gemeente_code"])
    if releases.empty:
        releases = pd.DataFrame({c: pd.Series(dtype="object") for c in publish.column_names("publish.releases")})
    if revisies.empty:
        revisies = pd.DataFrame({c: pd.Series(dtype="float64" if c.startswith(("waarde", "verschil")) else "string") for c in REVISION_COLUMNS})

    temporary = warehouse_path.with_name(f".{warehouse_path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(temporary))
        for schema in ("publish", "concept", "audit", "ref"):
            con.execute(f"CREATE SCHEMA {schema}")
        tables = {
            "concept.indicatoren": indicatoren,
            "concept.benchmark": benchmark(indicatoren, concept_groups),
            "concept.peergroepen": concept_groups,
            "publish.indicatoren": released,
            "publish.benchmark": benchmark(released, groups),
            "publish.peergroepen": groups,
            "publish.releases": releases,
            "publish.indicatoren_catalogus": catalogue_table(catalogue),
            "publish.revisies": revisies,
            "audit.leveringen": audit if len(audit) else pd.DataFrame({"gemeente_code": pd.Series(dtype=str)}),
            "audit.verwijderingen": load_deletions(deletions_dir),
            "ref.regio": regions,
        }
        for name, frame in tables.items():
            con.register("frame_df", frame)
            con.execute(publish.create_sql(name, "frame_df"))
            con.unregister("frame_df")
        publish.write_comments(con)
        con.close()
        os.replace(temporary, warehouse_path)
    finally:
        temporary.unlink(missing_ok=True)
        Path(str(temporary) + ".wal").unlink(missing_ok=True)
    published = sorted(indicatoren["gemeente_code"].unique())
    return WarehouseSummary(warehouse_path, release, len(indicatoren), published, withheld, len(audit))


def read_published(warehouse_path: Path, table: str = "publish.indicatoren") -> pd.DataFrame:
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        return con.execute(f"SELECT * FROM {table}").df()


def read_concept(warehouse_path: Path) -> pd.DataFrame:
    """The figures of the latest round, after disclosure control, before release (operator only)."""
    return read_published(warehouse_path, "concept.indicatoren")


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
