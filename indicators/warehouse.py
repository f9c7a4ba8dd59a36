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
from clearinghouse.retention import load_deletions
from clearinghouse.disclosure import protect, secondary_suppression
from vocabulary.reference import gemeenten, population
from indicators.benchmark import benchmark
from indicators.catalogus import Indicator, load_catalogue
from indicators.peers import peer_groups
from indicators.releases import REVISION_COLUMNS, load_published
from indicators.compute import raw_cells, register_trajecten
from vocabulary.periode import sorted_codes

PUBLISH_COLUMNS = [
    "indicator_id", "periode", "periode_soort", "regio_code", "regio_niveau", "regio_naam", "gemeente_code", "teller", "noemer",
    "waarde", "geheim", "geheim_reden", "eenheid", "status", "release",
]  # fmt: skip

COMMENTS = {
    "publish.indicatoren": "Gepubliceerde indicatoren per gemeente en wijk per periode, na geheimhouding. "
    "Aantallen zijn afgerond op veelvouden van 5; 0-7 is geheim. Details tellen niet altijd op tot totalen.",
    "publish.indicatoren.indicator_id": "Indicator uit de catalogus (indicators/catalogus.yaml)",
    "publish.indicatoren.periode": "Halfjaar (2025-H1) of jaar (2025; unieke personen over het hele jaar)",
    "publish.indicatoren.periode_soort": "halfjaar of jaar",
    "publish.indicatoren.regio_code": "CBS-code van de regio (GMxxxx of WKxxxxxx)",
    "publish.indicatoren.regio_niveau": "gemeente of wijk",
    "publish.indicatoren.regio_naam": "Naam van de regio",
    "publish.indicatoren.gemeente_code": "Gemeente waartoe de regio behoort",
    "publish.indicatoren.teller": "Aantal personen (afgerond op 5); leeg = geheim",
    "publish.indicatoren.noemer": "Noemer (afgerond aantal personen of CBS-bevolking); leeg = geheim",
    "publish.indicatoren.waarde": "Waarde in de eenheid van de indicator; leeg = geheim of noemer te klein",
    "publish.indicatoren.geheim": "Waar als de waarde niet gepubliceerd wordt (weergave: .)",
    "publish.indicatoren.geheim_reden": "klein aantal of noemer te klein",
    "publish.indicatoren.eenheid": "pct (procent), per_1000, aantal (telling) of dagen (mediaan)",
    "publish.indicatoren.status": "voorlopig, nader voorlopig of definitief",
    "publish.releases": "Elke publicatie (release) met periode, status, tijdstip, aantal cijfers en aantal herziene cijfers",
    "publish.revisies": "Cijfers die tussen twee releases van dezelfde periode veranderden, met oude en nieuwe waarde",
    "concept.indicatoren": "Conceptcijfers van de laatste verwerking (na geheimhouding, nog niet gepubliceerd; alleen voor de beheerder)",
    "publish.indicatoren.release": "Publicatie waarin dit cijfer verscheen",
    "publish.benchmark": "Per indicator, periode en gemeente: de eigen waarde naast die van de vergelijkingsgroepen "
    "(Nederland, provincie, gemeentegrootte, vergelijkbare gemeenten). Alleen berekend uit gepubliceerde, niet-geheime cijfers.",
    "publish.benchmark.groep_soort": "nederland, provincie, grootteklasse of vergelijkbaar",
    "publish.benchmark.groep_code": "Code van de groep (NL, PV-<provincie>, GK1-GK8, VG-<gemeente>)",
    "publish.benchmark.groep_naam": "Naam van de groep",
    "publish.benchmark.waarde": "Waarde van de gemeente zelf (leeg = geheim)",
    "publish.benchmark.groep_mediaan": "Mediaan van de gepubliceerde waarden van de gemeenten in de groep",
    "publish.benchmark.groep_p25": "25e percentiel in de groep",
    "publish.benchmark.groep_p75": "75e percentiel in de groep",
    "publish.benchmark.groep_waarde": "Waarde van de groep als geheel: som van de tellers gedeeld door som van de noemers (gepubliceerde cijfers)",
    "publish.benchmark.groep_aantal": "Aantal gemeenten in de groep met een gepubliceerde waarde",
    "publish.benchmark.rang": "Plaats van de gemeente in de groep (1 = hoogste waarde)",
    "publish.benchmark.vorige_periode": "De periode waarmee vergeleken wordt",
    "publish.benchmark.verandering": "Waarde min de waarde in de vorige periode",
    "publish.peergroepen": "Welke gemeente in welke vergelijkingsgroep zit (berekend uit CBS-gegevens over inwoners, dichtheid en woningen)",
    "audit.leveringen": "Elke aangeleverde file met oordeel, aantallen en controlegetal (geen persoonsgegevens)",
    "audit.verwijderingen": "Elk verwijderd ruw aanleverbestand: naam, controlegetal (SHA-256), verwerkt_op, verwijderd_op en reden",
    "ref.regio": "Regio's met inwoners (CBS KWB 2024) en geschatte leeftijdsgroepen",
}


# Columns that recur across tables: described once, applied wherever no specific comment exists.
COMMON_COLUMN_COMMENTS = {
    "indicator_id": "Indicator uit de catalogus (indicators/catalogus.yaml)",
    "periode": "Halfjaar (2025-H1) of jaar (2025)",
    "gemeente_code": "CBS-gemeentecode (GMxxxx)",
    "regio_naam": "Naam van de regio",
    "eenheid": "pct, per_1000, aantal of dagen",
    "groep_soort": "nederland, provincie, grootteklasse of vergelijkbaar",
    "groep_code": "Code van de groep (NL, PV-<provincie>, GK1-GK8, VG-<gemeente>)",
    "groep_naam": "Naam van de groep",
    "release_id": "Release: periode en volgnummer, bijvoorbeeld 2025-H1-r2",
    "gepubliceerd_op": "Tijdstip van publicatie (UTC)",
    "cijfers": "Aantal cijfers in de release",
    "herzien": "Aantal cijfers dat veranderde ten opzichte van de vorige release van de periode",
    "vorige_release": "De vorige release van dezelfde periode",
    "release_oud": "Release met de oude waarde",
    "release_nieuw": "Release met de nieuwe waarde",
    "waarde_oud": "Waarde in de oude release (leeg = geheim of niet gepubliceerd)",
    "waarde_nieuw": "Waarde in de nieuwe release (leeg = geheim of niet gepubliceerd)",
    "verschil": "Nieuwe min oude waarde",
}


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
    groups = peer_groups()
    if releases.empty:
        releases = pd.DataFrame({c: pd.Series(dtype="string") for c in ("release_id", "periode", "status", "vorige_release")})
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
            "concept.benchmark": benchmark(indicatoren, groups),
            "publish.indicatoren": released,
            "publish.benchmark": benchmark(released, groups),
            "publish.peergroepen": groups,
            "publish.releases": releases,
            "publish.revisies": revisies,
            "audit.leveringen": audit if len(audit) else pd.DataFrame({"gemeente_code": pd.Series(dtype=str)}),
            "audit.verwijderingen": load_deletions(deletions_dir),
            "ref.regio": regions,
        }
        for name, frame in tables.items():
            con.register("frame_df", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame_df")
            con.unregister("frame_df")
        for target, text in COMMENTS.items():
            kind = "COLUMN" if target.count(".") == 2 else "TABLE"
            con.execute(f"COMMENT ON {kind} {target} IS '{text.replace(chr(39), chr(39) * 2)}'")
        for schema, table, column in con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE schema_name = 'publish' AND comment IS NULL"
        ).fetchall():
            text = COMMON_COLUMN_COMMENTS.get(column) or COMMENTS.get(f"publish.indicatoren.{column}")
            if text:
                con.execute(f"COMMENT ON COLUMN {schema}.{table}.{column} IS '{text.replace(chr(39), chr(39) * 2)}'")
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
