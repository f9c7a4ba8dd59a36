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

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from clearinghouse.audit import load_audit
from clearinghouse.ownership import exclusive, warehouse_lock_path
from clearinghouse.retention import load_deletions
from indicators.benchmark import benchmark
from indicators.concept import PUBLISH_COLUMNS, read_concept, read_concept_benchmark
from indicators.peers import peer_groups
from indicators.releases import REVISION_COLUMNS, load_published
from vocabulary import files
from vocabulary.home import Home
from vocabulary.periode import sorted_codes
from vocabulary.reference import gemeenten, population

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
    concept_rows: int
    published_rows: int
    releases: list[str]
    deliveries: int


def _empty(columns: list[str], numeric: tuple[str, ...] = ()) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in numeric else "string") for c in columns})


def tables(home: Home) -> dict[str, pd.DataFrame]:
    """Every table of the warehouse, by schema-qualified name, from what lies on disk."""
    concept = read_concept(home)
    released, releases, revisies = load_published(home.releases)
    released = released[PUBLISH_COLUMNS] if not released.empty else concept.head(0)
    if releases.empty:
        releases = _empty(["release_id", "periode", "status", "vorige_release"])
    if revisies.empty:
        revisies = _empty(REVISION_COLUMNS, numeric=("waarde_oud", "waarde_nieuw", "verschil"))
    groups = peer_groups()
    audit = load_audit(home.intake)
    regions = population().merge(gemeenten()[["gemeente_code", "provincie_naam"]], on="gemeente_code", how="left")
    return {
        "concept.indicatoren": concept,
        "concept.benchmark": read_concept_benchmark(home) if len(concept) else benchmark(concept, groups),
        "publish.indicatoren": released,
        "publish.benchmark": benchmark(released, groups),
        "publish.peergroepen": groups,
        "publish.releases": releases,
        "publish.revisies": revisies,
        "audit.leveringen": audit if len(audit) else pd.DataFrame({"gemeente_code": pd.Series(dtype=str)}),
        "audit.verwijderingen": load_deletions(home.deletions),
        "ref.regio": regions,
    }


def _comment(con: duckdb.DuckDBPyConnection, kind: str, target: str, text: str) -> None:
    con.execute(f"COMMENT ON {kind} {target} IS '{text.replace(chr(39), chr(39) * 2)}'")


def write_warehouse(path: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Write `frames` as a complete new DuckDB file at `path` (atomically: built beside it, renamed)."""
    with files.atomic_path(path) as temporary:
        con = duckdb.connect(str(temporary))
        try:
            for schema in sorted({name.split(".")[0] for name in frames}):
                con.execute(f"CREATE SCHEMA {schema}")
            for name, frame in frames.items():
                con.register("frame_df", frame)
                con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame_df")
                con.unregister("frame_df")
            for target, text in COMMENTS.items():
                _comment(con, "COLUMN" if target.count(".") == 2 else "TABLE", target, text)
            for schema, table, column in con.execute(
                "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE schema_name = 'publish' AND comment IS NULL"
            ).fetchall():
                text = COMMON_COLUMN_COMMENTS.get(column) or COMMENTS.get(f"publish.indicatoren.{column}")
                if text:
                    _comment(con, "COLUMN", f"{schema}.{table}.{column}", text)
            con.execute("CHECKPOINT")
        finally:
            con.close()


def build_warehouse(home: Home, *, wait_seconds: float = 600.0) -> WarehouseSummary:
    """Rebuild `warehouse.duckdb` from disk, as the one writer (waits for another writer, then says so)."""
    with exclusive(warehouse_lock_path(home.root), what="warehouse bouwen", wait_seconds=wait_seconds):
        files.remove_stale_temporaries(home.root)
        frames = tables(home)
        write_warehouse(home.warehouse, frames)
    releases = frames["publish.releases"]
    return WarehouseSummary(
        home.warehouse,
        len(frames["concept.indicatoren"]),
        len(frames["publish.indicatoren"]),
        [str(r) for r in releases["release_id"]] if len(releases) else [],
        len(frames["audit.leveringen"]),
    )


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
