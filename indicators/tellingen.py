"""Raw indicator counts per gemeente × periode, computed in DuckDB from the pseudonymised records.

Each catalogus declaration becomes one query, rendered from the SQL templates in `indicators/sql/`
(named CTEs that read like the definition). Persons (or households) are counted once per region: a
person in two wijken in one periode counts in both wijken but once for the gemeente. Periodes are
every half-year delivered and the year (`2025`) where a gemeente delivered both halves of a domein.

Counts are stored per gemeente and periode (`tellingen/<periode>/<GM>.parquet`): a count only ever
depends on one gemeente's records, so a re-delivery recomputes that gemeente alone, and national
figures, peer groups and disclosure control run over these small tables. They are *raw* counts:
they never leave the clearinghouse before `clearinghouse.disclosure.protect` has run.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from indicators.catalogus import Count, Indicator
from vocabulary import files
from vocabulary.duckdb_frames import like_duckdb
from vocabulary.domeinen import DOMEINEN, INTEGRAAL
from vocabulary.periode import HALFJAAR, JAAR, Periode, register_macros
from vocabulary.reference import population

SQL_DIR = Path(__file__).with_name("sql")
_SQL = Environment(loader=FileSystemLoader(SQL_DIR), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)

CELL_COLUMNS = [
    "indicator_id", "periode", "periode_soort", "regio_code", "regio_niveau", "regio_naam", "gemeente_code",
    "teller_ruw", "teller_sleutel", "noemer_ruw", "noemer_sleutel", "noemer_is_bevolking", "factor", "min_noemer",
    "eenheid",
]  # fmt: skip
SOURCES = {HALFJAAR: "trajecten", JAAR: "trajecten_in_jaar"}
COUNT_MEMORY = "1GB"
UNITS = {"personen": "persoon", "huishoudens": "huishouden"}


def load_trajecten(con: duckdb.DuckDBPyConnection, bestanden: list[str], bestanden_jaar: list[str] | None = None, *,
                   union_by_name: bool = True) -> None:
    """Views `trajecten` (of `bestanden`) and `trajecten_in_jaar` (of `bestanden_jaar`, default the
    same) over core files: read by each query, never copied — microdata stay in their files.

    `union_by_name=False` takes the columns of the first file and finds them by name in the others:
    no schema of every file read up front (half a second for a national round's thousand files),
    but an error when the files' columns differ — see `_cells_of_files`."""
    register_macros(con)
    # File lists are passed as data (DuckDB's relation API), never formatted into SQL text.
    con.read_parquet(bestanden, union_by_name=union_by_name).create_view("geleverd", replace=True)
    con.read_parquet(bestanden_jaar or bestanden, union_by_name=union_by_name).create_view("geleverd_jaar", replace=True)
    for statement in (SQL_DIR / "trajecten.sql").read_text(encoding="utf-8").split(";"):
        if statement.strip():
            con.execute(statement)


def count_key(count: Count) -> str:
    """A stable identifier of a count's definition (same definition → same disclosure rounding)."""
    text = "|".join(
        [count.soort, count.voorwaarde or "", "|".join(count.ook), "|".join(count.niet), str(count.min_domeinen or ""),
         count.groep or "", count.expressie or ""]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _unit_counts_sql(counts: list[Count], eenheid: str, bron: str) -> str:
    """One query for all person (or household) counts: one bit per domein and per distinct condition."""
    conditions = list(dict.fromkeys(c for count in counts for c in (count.voorwaarde, *count.ook, *count.niet)))
    domein_bit = {domein: 1 << i for i, domein in enumerate(DOMEINEN)}
    bit = {condition: 1 << (len(DOMEINEN) + i) for i, condition in enumerate(conditions)}
    if len(domein_bit) + len(bit) > 63:
        raise ValueError(f"{len(domein_bit) + len(bit)} kenmerken passen niet in één BIGINT (hoogstens 63): splits de telling van {eenheid}")
    bits = [{"sql": f"domein = '{domein}'", "value": value} for domein, value in domein_bit.items()]
    bits += [{"sql": f"coalesce(({condition}), FALSE)", "value": value} for condition, value in bit.items()]

    def has(unit: str, condition: str) -> str:
        return f"({unit}kenmerken & {bit[condition]} <> 0)"

    def domeinen(unit: str) -> str:
        return "(" + " + ".join(f"({unit}kenmerken & {value} <> 0)::INTEGER" for value in domein_bit.values()) + ")"

    rendered = []
    for count in counts:
        gemeente = [has("", count.voorwaarde)] + [has("", c) for c in count.ook] + [f"NOT {has('', c)}" for c in count.niet]
        wijk = [has("w.", count.voorwaarde)] + [has("g.", c) for c in count.ook] + [f"NOT {has('g.', c)}" for c in count.niet]
        if count.min_domeinen:
            gemeente.append(f"{domeinen('')} >= {int(count.min_domeinen)}")
            wijk.append(f"{domeinen('g.')} >= {int(count.min_domeinen)}")
        rendered.append({"key": count_key(count), "in_gemeente": " AND ".join(gemeente), "in_wijk": " AND ".join(wijk)})
    return _SQL.get_template("eenheden.sql.j2").render(bron=bron, eenheid=eenheid, bits=bits, counts=rendered)


def _trajecten_sql(counts: list[Count], bron: str) -> str:
    measures = [
        {"key": count_key(c), "soort": c.soort, "voorwaarde": c.voorwaarde or "TRUE", "expressie": c.expressie} for c in counts
    ]
    return _SQL.get_template("trajecten_maten.sql.j2").render(bron=bron, measures=measures)


def count_queries(counts: Iterable[Count], bron: str) -> list[str]:
    """The SQL that computes `counts` over `bron`: one query per kind of count, whatever their number."""
    counts = list({count_key(c): c for c in counts}.values())
    queries = [
        _unit_counts_sql([c for c in counts if c.soort == soort], eenheid, bron)
        for soort, eenheid in UNITS.items()
        if any(c.soort == soort for c in counts)
    ]
    if any(c.soort in ("trajecten", "mediaan") for c in counts):
        queries.append(_trajecten_sql([c for c in counts if c.soort in ("trajecten", "mediaan")], bron))
    return queries


def _long(con, counts: list[Count], bron: str) -> pd.DataFrame:
    """(periode, gemeente_code, regio_code, sleutel, aantal, mediaan) for every count over `bron`."""
    keys = ["periode", "gemeente_code", "regio_code"]
    frames = []
    for sql in count_queries(counts, bron):
        wide = con.execute(sql).df()
        medians = [c for c in wide.columns if c.endswith(":mediaan")]
        long = wide.drop(columns=medians).melt(id_vars=keys, var_name="sleutel", value_name="aantal")
        if medians:
            middle = wide[keys + medians].melt(id_vars=keys, var_name="sleutel", value_name="mediaan")
            middle["sleutel"] = middle["sleutel"].str.removesuffix(":mediaan")
            long = long.merge(middle, on=keys + ["sleutel"], how="left")
        frames.append(long)
    if not frames:
        return pd.DataFrame(columns=keys + ["sleutel", "aantal", "mediaan"])
    out = pd.concat(frames, ignore_index=True)
    if "mediaan" not in out:
        out["mediaan"] = float("nan")
    return out


def _scope(delivered: pd.DataFrame, domein: str) -> pd.DataFrame:
    """(periode, gemeente_code) where an indicator of `domein` can be computed: the domein was
    delivered, or for integraal indicators all three domeinen (otherwise 'alleen wmo' would be wrong)."""
    if domein != INTEGRAAL:
        return delivered[delivered["domein"] == domein][["periode", "gemeente_code"]].drop_duplicates()
    complete = delivered.groupby(["periode", "gemeente_code"])["domein"].nunique()
    return complete[complete == len(DOMEINEN)].reset_index()[["periode", "gemeente_code"]]


def _constants(indicator: Indicator, soort: str) -> dict:
    """The columns of an indicator's cells that are the same in every cell."""
    median = indicator.teller.soort == "mediaan"
    return {
        "indicator_id": indicator.id,
        "periode_soort": soort,
        "teller_sleutel": count_key(indicator.teller),
        "noemer_sleutel": count_key(indicator.noemer) if indicator.noemer is not None else "",
        "noemer_is_bevolking": not median and indicator.noemer is not None and indicator.noemer.soort == "bevolking",
        "factor": float(indicator.factor),
        "min_noemer": int(indicator.min_noemer),
        "eenheid": indicator.eenheid,
    }


def _soort_cells(indicators: list[Indicator], regions: pd.DataFrame, delivered: pd.DataFrame, counted: pd.DataFrame,
                 soort: str) -> tuple[pd.DataFrame, pd.DataFrame, list[pd.Series], list[pd.Series]] | None:
    """The cells of `indicators` for one kind of periode, computed for all indicators at once.

    Returns the per-row columns (periode, regions), the per-indicator constants (one row per cell),
    and teller_ruw and noemer_ruw as one Series per indicator, each of the dtype it has on its own
    (a median is float, a count int, a missing noemer NA): concatenated by the caller with every
    other kind of periode, they give the columns the dtypes of one frame per indicator."""
    keys = ["periode", "gemeente_code", "regio_code"]
    # Every region of every gemeente in scope, per domein (the same for all indicators of a domein).
    bases = {}
    for domein in dict.fromkeys(i.domein for i in indicators):
        scope = _scope(delivered, domein)
        if not scope.empty:
            bases[domein] = scope.merge(regions, on="gemeente_code", how="inner")
    if not bases:
        return None
    starts = dict(zip(bases, np.cumsum([0] + [len(b) for b in bases.values()])))
    niveaus = {domein: base["regio_niveau"].to_numpy() for domein, base in bases.items()}
    rows, owners, found = [], [], []
    for indicator in indicators:
        if indicator.domein not in bases:
            continue
        hit = np.flatnonzero(np.isin(niveaus[indicator.domein], list(indicator.niveaus))) + starts[indicator.domein]
        if len(hit):
            rows.append(hit)
            owners.append(np.full(len(hit), len(found)))
            found.append(indicator)
    if not found:
        return None
    owner = np.concatenate(owners)
    base = pd.concat(list(bases.values()), ignore_index=True).take(np.concatenate(rows)).reset_index(drop=True)
    constants = pd.DataFrame([_constants(i, soort) for i in found]).take(owner).reset_index(drop=True)
    # Teller and noemer of every cell at once: a region without any client counts 0.
    lookup = counted[keys + ["sleutel", "aantal", "mediaan"]]
    teller = base[keys].assign(sleutel=constants["teller_sleutel"]).merge(lookup, on=keys + ["sleutel"], how="left")
    noemer = base[keys].assign(sleutel=constants["noemer_sleutel"]).merge(lookup[keys + ["sleutel", "aantal"]], on=keys + ["sleutel"], how="left")
    teller_aantal = teller["aantal"].fillna(0).astype("int64").to_numpy()
    teller_mediaan = teller["mediaan"].astype("float64").to_numpy()
    noemer_aantal = noemer["aantal"].fillna(0).astype("int64").to_numpy()
    tellers, noemers = [], []
    ends = np.cumsum([len(r) for r in rows])
    for indicator, end, size in zip(found, ends, (len(r) for r in rows)):
        part = slice(end - size, end)
        if indicator.teller.soort == "mediaan":
            # A median: its value is the figure, the number of trajecten is the (protected) base.
            tellers.append(pd.Series(teller_mediaan[part], dtype="float64"))
            noemers.append(pd.Series(teller_aantal[part], dtype="int64"))
            continue
        tellers.append(pd.Series(teller_aantal[part], dtype="int64"))
        if indicator.noemer is None:
            noemers.append(pd.Series([pd.NA] * size, dtype="object"))
        elif indicator.noemer.soort == "bevolking":
            noemers.append(base[indicator.noemer.groep].iloc[part].reset_index(drop=True))
        else:
            noemers.append(pd.Series(noemer_aantal[part], dtype="int64"))
    return base[keys + ["regio_niveau", "regio_naam"]], constants, tellers, noemers


def _counted(count: Count | None) -> bool:
    return count is not None and count.soort != "bevolking"


def cells(con: duckdb.DuckDBPyConnection, catalogue: Iterable[Indicator], regions: pd.DataFrame | None = None, *,
          years: bool = True) -> pd.DataFrame:
    """One row per indicator × periode × region for every gemeente in the loaded trajecten that
    delivered the indicator's domein (CELL_COLUMNS). Regions without any client get a count of 0
    (secret after disclosure control, never missing). For medians teller_ruw is the median and
    noemer_ruw the number of trajecten it is taken over. Rows per kind of periode, then per
    indicator in catalogue order, then per periode and gemeente in scope, then per region."""
    catalogue = tuple(catalogue)
    regions = population() if regions is None else regions
    parts = []
    for soort, bron in SOURCES.items():
        if soort == JAAR and not years:
            continue
        indicators = [i for i in catalogue if soort == HALFJAAR or i.jaar]
        counts = [c for i in indicators for c in (i.teller, i.noemer) if _counted(c)]
        counted = _long(con, counts, bron)
        delivered = con.execute(f"SELECT DISTINCT periode, gemeente_code, domein FROM {bron} ORDER BY ALL").df()  # rows in a stable order
        found = _soort_cells(indicators, regions, delivered, counted, soort)
        if found is not None:
            parts.append(found)
    if not parts:
        return pd.DataFrame(columns=CELL_COLUMNS)
    out = pd.concat([p[0] for p in parts], ignore_index=True)
    constants = pd.concat([p[1] for p in parts], ignore_index=True)
    for column in constants.columns:
        out[column] = constants[column]
    out["teller_ruw"] = pd.concat([s for p in parts for s in p[2]], ignore_index=True)
    out["noemer_ruw"] = pd.concat([s for p in parts for s in p[3]], ignore_index=True)
    return out[CELL_COLUMNS]


def counts_path(tellingen_dir: Path, periode: str, gemeente_code: str) -> Path:
    return Path(tellingen_dir) / periode / f"{gemeente_code}.parquet"


def _cells_of_files(bestanden: list[str], bestanden_jaar: list[str], catalogue: tuple[Indicator, ...], *, years: bool) -> pd.DataFrame:
    """`cells` over these core files. The files of one contract version have the same columns, so
    they are read as such first; files of different versions (an older delivery still in force)
    make DuckDB stop with an error, and are then read with their columns unified by name."""
    try:
        return _cells_read(bestanden, bestanden_jaar, catalogue, years=years, union_by_name=False)
    except duckdb.Error:
        return _cells_read(bestanden, bestanden_jaar, catalogue, years=years, union_by_name=True)


def _cells_read(bestanden: list[str], bestanden_jaar: list[str], catalogue: tuple[Indicator, ...], *, years: bool,
                union_by_name: bool) -> pd.DataFrame:
    # Bounded memory: DuckDB spills to disk rather than grow past this (a national half-year of
    # records is counted in about 1 GB).
    con = duckdb.connect(config={"memory_limit": COUNT_MEMORY})
    try:
        load_trajecten(con, bestanden, bestanden_jaar, union_by_name=union_by_name)
        return cells(con, catalogue, years=years)
    finally:
        con.close()


def compute_counts(
    core_files: dict[tuple[str, str], list[Path]],
    partitions: Iterable[tuple[str, str]],
    tellingen_dir: Path,
    catalogue: Iterable[Indicator],
) -> list[Path]:
    """Compute and store the counts of `partitions` ((gemeente, halfjaar) pairs), and of their years.

    `core_files`: the core files in force per (gemeente, halfjaar), for every partition known (the
    other half of a year is read for year figures). A partition without files in force gets its
    counts removed (nothing of it is counted any more). Returns the files written.
    """
    catalogue = tuple(catalogue)
    wanted = sorted(set(partitions))
    with_files = [p for p in wanted if core_files.get(p)]
    for gemeente_code, periode in wanted:
        if not core_files.get((gemeente_code, periode)):
            path = counts_path(tellingen_dir, periode, gemeente_code)
            if path.is_file():  # counts no longer in force leave no copy behind in a national file either
                path.unlink()
                national_path(tellingen_dir, periode).unlink(missing_ok=True)
    if not with_files:
        return []
    # The other half of each partition's year, where delivered, for the year figures.
    halves = {(g, h.code) for g, p in with_files for h in Periode.parse(p).year.halves}
    bestanden = sorted(str(path) for key in with_files for path in core_files[key])
    bestanden_jaar = sorted(str(path) for key in halves for path in core_files.get(key, []))
    # A year figure needs both halves of a gemeente: without any such pair there is none to count.
    years = any((g, h.code) in core_files for g, p in with_files for h in Periode.parse(p).year.halves if h.code != p)
    found = _cells_of_files(bestanden, bestanden_jaar, catalogue, years=years)
    written = []
    targets = set(with_files) | {(g, Periode.parse(p).year.code) for g, p in with_files}
    for (periode, gemeente_code), group in found.groupby(["periode", "gemeente_code"], sort=True):
        if (gemeente_code, periode) in targets:
            written.append(files.write_parquet(group.reset_index(drop=True), counts_path(tellingen_dir, periode, gemeente_code)))
    return written


NATIONAL = "landelijk-{periode}.parquet"  # every partition's counts of one periode in one file (a cache: see `read_counts`)
_LEGACY_NATIONAL = "landelijk.parquet"  # the one cache of all periodes that homes of before 3 Dec 2026 have
_NATIONAL_KEY = b"gmsd.tellingen.landelijk"


def national_path(tellingen_dir: Path, periode: str) -> Path:
    return Path(tellingen_dir) / NATIONAL.format(periode=periode)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _read_national(path: Path) -> tuple[pa.Table, dict[str, tuple[str, int, int, pa.Schema]]] | None:
    """The combined table and, per partition file in it, (digest, first row, rows, the file's own schema)."""
    try:
        table = pq.read_table(path)
        key = json.loads(table.schema.metadata[_NATIONAL_KEY])
        schemas = [pa.ipc.read_schema(pa.py_buffer(base64.b64decode(s))) for s in key["schemas"]]
        index = {name: (digest, first, rows, schemas[schema]) for name, digest, first, rows, schema in key["partitions"]}
    except (OSError, KeyError, TypeError, ValueError, pa.ArrowException):
        return None  # missing or unreadable: rebuilt from the partition files
    return table.replace_schema_metadata(None), index


def _combined(tellingen_dir: Path, paths: list[Path]) -> pa.Table:
    """The counts of these files in this order, as one Arrow table with the columns' types unified
    by name (as DuckDB's `union_by_name` does).

    Each periode's files are read through that periode's national file (`landelijk-<periode>.parquet`):
    from it where a partition's file is unchanged — known by the digest of its bytes, not by a
    timestamp — and from the partition file otherwise. One file per periode, so that reading one
    periode (the concept step does one at a time) reads no other periode's counts, and a
    re-delivery rewrites only its own periode's file."""
    Path(tellingen_dir, _LEGACY_NATIONAL).unlink(missing_ok=True)  # superseded by the files per periode
    by_periode: dict[str, list[Path]] = {}
    for path in paths:
        by_periode.setdefault(path.parent.name, []).append(path)
    pieces: dict[Path, tuple[pa.Table, pa.Schema]] = {}
    for periode, periode_paths in by_periode.items():
        pieces.update(_periode_pieces(tellingen_dir, periode_paths, national_path(tellingen_dir, periode)))
    unified = pa.unify_schemas([pieces[path][1] for path in paths], promote_options="permissive")
    return pa.concat_tables([files.conform_table(pieces[path][0], unified) for path in paths])


def _periode_pieces(tellingen_dir: Path, paths: list[Path], target: Path) -> dict[Path, tuple[pa.Table, pa.Schema]]:
    """Each file's rows with the file's own schema, through the national file `target` of their periode."""
    found = _read_national(target)
    try:
        return _assemble(tellingen_dir, paths, target, found)
    except pa.ArrowException:
        if found is None:
            raise
        return _assemble(tellingen_dir, paths, target, None)  # rows of the national file that do not fit: not used


def _assemble(tellingen_dir: Path, paths: list[Path], target: Path,
              found: tuple[pa.Table, dict[str, tuple[str, int, int, pa.Schema]]] | None) -> dict[Path, tuple[pa.Table, pa.Schema]]:
    """The national file is rewritten (atomically, key and rows in one file) when a partition had to
    be read from its own file: whatever was killed when, the next read compares digests again and
    never uses a row of a file that has changed since."""
    cached, index = found if found is not None else (None, {})
    pieces, entries, changed = {}, [], found is None
    for path in paths:
        name = path.relative_to(tellingen_dir).as_posix()
        data = path.read_bytes()
        digest = _digest(data)
        entry = index.get(name)
        if entry is not None and entry[0] == digest:
            schema = entry[3]
            piece = files.conform_table(cached.slice(entry[1], entry[2]), schema)  # back to the file's own types
        else:
            changed = True
            piece = pq.ParquetFile(pa.BufferReader(data)).read()  # half the time of read_table for a small file
            schema = piece.schema.remove_metadata()
            piece = piece.replace_schema_metadata(None)
        pieces[path] = (piece, schema)
        entries.append((name, digest, schema))
    if changed:  # (a read of fewer partitions, all unchanged, leaves the national file as it is)
        unified = pa.unify_schemas([schema for *_, schema in entries], promote_options="permissive")
        table = pa.concat_tables([files.conform_table(pieces[path][0], unified) for path in paths])
        _write_national(target, table, entries, [len(pieces[path][0]) for path in paths])
    return pieces


def _write_national(target: Path, table: pa.Table, entries: list[tuple[str, str, pa.Schema]], rows: list[int]) -> None:
    codes = [base64.b64encode(schema.serialize().to_pybytes()).decode("ascii") for *_, schema in entries]
    schemas = list(dict.fromkeys(codes))
    first = np.concatenate([[0], np.cumsum(rows)]).tolist()
    partitions = [[name, digest, first[i], rows[i], schemas.index(codes[i])] for i, (name, digest, _) in enumerate(entries)]
    key = json.dumps({"schemas": schemas, "partitions": partitions})
    files.write_parquet(table.replace_schema_metadata({_NATIONAL_KEY: key.encode("utf-8")}), target)


def counts_digest(tellingen_dir: Path, partitions: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """What the stored counts of `partitions` are: (file, digest of its bytes) per partition with
    counts, in order. Digests, not timestamps: a count stored again with the same rows is the same
    count (every counts file of 13 national periodes in ~0.3 s)."""
    found = []
    for gemeente_code, periode in partitions:
        path = counts_path(tellingen_dir, periode, gemeente_code)
        try:
            found.append((f"{periode}/{gemeente_code}", _digest(path.read_bytes())))
        except FileNotFoundError:
            continue
    return found


def read_counts(tellingen_dir: Path, partitions: Iterable[tuple[str, str]] | None = None) -> pd.DataFrame:
    """The stored counts of `partitions` ((gemeente, periode) pairs, half-years or years; default all):
    the files' rows in this order, their columns unified by name; read through
    the national file, so that a round reads only the partitions that changed since the last."""
    tellingen_dir = Path(tellingen_dir)
    if partitions is None:
        paths = sorted(tellingen_dir.glob("*/*.parquet"))
    else:
        paths = [path for g, p in partitions if (path := counts_path(tellingen_dir, p, g)).is_file()]
    if not paths:
        return pd.DataFrame(columns=CELL_COLUMNS)
    return like_duckdb(_combined(tellingen_dir, paths))  # as DuckDB's `.df()` gave them (what this returned before)
