"""Concept figures: the raw counts of the deliveries in force, after disclosure control, with consent.

Every round ends here: the counts of every gemeente and periode (indicators.tellingen) are joined
with consent (clearinghouse.consent), protected (clearinghouse.disclosure: rounding, small counts,
small denominators, secondary suppression) and compared with peer groups (indicators.benchmark).
The result is written to `concept/` as Parquet: what the operator checks and what a release freezes.
Nothing here is public until `gmsd publish` makes a release of it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clearinghouse.audit import core_files_in_force, in_force, load_audit
from clearinghouse.consent import consent_in_force, load_decisions
from clearinghouse.disclosure import protect, secondary_suppression
from contracts import publish
from indicators.benchmark import benchmark
from indicators.catalogus import Indicator, load_catalogue
from indicators.peers import peer_groups
from indicators.tellingen import compute_counts, counts_digest, counts_path, read_counts
from indicators.versie import key_of
from vocabulary import files
from vocabulary.home import Home
from vocabulary.periode import Periode, sorted_codes

PUBLISH_COLUMNS = list(publish.INDICATOREN.kolomnamen)
CONCEPT = "concept"


@dataclass
class ConceptSummary:
    rows: int
    gemeenten_published: list[str]
    gemeenten_withheld: list[str]
    periodes: list[str]


def indicatoren_path(home: Home) -> Path:
    return home.concept / "indicatoren.parquet"


def benchmark_path(home: Home) -> Path:
    return home.concept / "benchmark.parquet"


def groups_path(home: Home) -> Path:
    return home.concept / "peergroepen.parquet"


def count_partitions(home: Home, partitions: Iterable[tuple[str, str]], catalogue: Iterable[Indicator] | None = None) -> list[Path]:
    """Recompute the stored counts of these (gemeente, halfjaar) partitions from their records in force."""
    audit = load_audit(home.intake)
    return compute_counts(core_files_in_force(audit, home.core), partitions, home.tellingen, catalogue or load_catalogue())


def stale_partitions(home: Home, audit: pd.DataFrame) -> list[tuple[str, str]]:
    """(gemeente, halfjaar) partitions in force whose stored counts are missing or older than their
    latest delivery record — e.g. a round that was killed between intake and counting."""
    stale = []
    for gemeente_code, periode in sorted(partitions_in_force(audit)):
        if Periode.parse(periode).is_jaar:
            continue
        records = list((home.intake / periode / gemeente_code).glob("*.parquet"))
        counts = counts_path(home.tellingen, periode, gemeente_code)
        newest = max((r.stat().st_mtime for r in records), default=0.0)
        if not counts.is_file() or counts.stat().st_mtime < newest:
            stale.append((gemeente_code, periode))
    return stale


def partitions_in_force(audit: pd.DataFrame) -> set[tuple[str, str]]:
    """(gemeente, periode) pairs with a delivery in force, and the years whose both halves are in force."""
    if audit.empty:
        return set()
    current = audit[in_force(audit)]
    halves = set(zip(current["gemeente_code"], current["periode"]))
    years = {(g, Periode.parse(p).year.code) for g, p in halves}
    return halves | {(g, y) for g, y in years if all((g, h.code) in halves for h in Periode.parse(y).halves)}


def protected_figures(counts: pd.DataFrame, consent: pd.DataFrame, *, rounding_secret: bytes, catalogue: tuple[Indicator, ...]) -> tuple[pd.DataFrame, list[str]]:
    """Protected figures (PUBLISH_COLUMNS) of the gemeenten that consented; also the withheld gemeente codes."""
    cells = counts.merge(consent, on=["gemeente_code", "periode"], how="left")
    basis = cells["publicatie_basis"].fillna(False).astype(bool)
    facultatief_ok = cells["publicatie_facultatief"].fillna(False).astype(bool)
    facultatief = {i.id for i in catalogue if i.gegevensset == "facultatief"}
    allowed = basis & (~cells["indicator_id"].isin(facultatief) | facultatief_ok)
    withheld = sorted(cells.loc[~basis, "gemeente_code"].unique())
    protected = protect(cells[allowed].drop(columns=["publicatie_basis", "publicatie_facultatief"]), secret=rounding_secret)
    protected = secondary_suppression(protected.reset_index(drop=True), {i.id: i.reeks for i in catalogue if i.optelbaar})
    protected["status"] = CONCEPT
    protected["release"] = CONCEPT
    out = protected[PUBLISH_COLUMNS].sort_values(["indicator_id", "periode", "gemeente_code", "regio_niveau", "regio_code"])
    return out.reset_index(drop=True), withheld


def parts_folder(home: Home) -> Path:
    """Each periode's figures and comparisons as computed last, named by the key of their inputs."""
    return home.concept / "delen"


PARTS_KEY = b"gmsd.concept.delen"  # in indicatoren.parquet and benchmark.parquet: {periode: key of its part}
WITHHELD_KEY = b"gmsd.concept.ingehouden"  # in a part of the figures: the gemeenten withheld (no consent)


def build_concept(home: Home, *, rounding_secret: bytes, catalogue: tuple[Indicator, ...] | None = None) -> ConceptSummary:
    """Write `concept/indicatoren.parquet`, `peergroepen.parquet` and `benchmark.parquet` from the counts in force.

    One periode at a time, each into a part of its own (`concept/delen/`): disclosure control and
    consent work within a periode, the benchmark needs a periode and the one before it, and the
    peer groups only the set of gemeenten with figures. Memory is bounded by a periode, not by the
    history (13 national periodes at once took 2.2 GB). A part is named by the key of everything it
    is computed from (the counts' bytes, consent, the rounding secret, the catalogue, the code:
    indicators.versie), so a part whose inputs did not change is reused: a re-delivery in a long
    history recomputes its own periode (and the comparison of the periode after it), not all of
    them. The files are periode by periode, in the order of `sorted_codes`, and within a periode as
    before (indicator, gemeente, regio); each names its parts' keys (PARTS_KEY), which the checks use
    to reuse their results per periode."""
    catalogue = catalogue or load_catalogue()
    audit = load_audit(home.intake)
    stale = stale_partitions(home, audit)
    if stale:
        compute_counts(core_files_in_force(audit, home.core), stale, home.tellingen, catalogue)
    partitions: dict[str, list[tuple[str, str]]] = {}
    for gemeente_code, periode in sorted(partitions_in_force(audit)):
        partitions.setdefault(periode, []).append((gemeente_code, periode))
    periodes = sorted_codes(partitions)
    consent = consent_in_force(audit, load_decisions(home.toestemmingen))
    folder = parts_folder(home)
    folder.mkdir(parents=True, exist_ok=True)
    common = [repr(catalogue), hmac.new(rounding_secret, b"gmsd.concept.delen", "sha256").hexdigest()]
    published: set[str] = set()
    withheld: set[str] = set()
    rows: dict[str, int] = {}
    parts: dict[str, tuple[str, Path]] = {}  # periode: (key, part)
    for periode in periodes:
        key = key_of("indicatoren", periode, *common, counts_digest(home.tellingen, partitions[periode]),
                     _consent_of(consent, partitions[periode]))
        part = folder / f"indicatoren-{periode}-{key}.parquet"
        if not part.is_file():
            figures, kept_out = _protected(home, partitions[periode], consent, rounding_secret, catalogue)
            table = pa.Table.from_pandas(figures, preserve_index=False)
            files.write_parquet(table.replace_schema_metadata({**table.schema.metadata, WITHHELD_KEY: json.dumps(kept_out).encode()}), part)
        published.update(v for v in files.parquet_distinct(part, "gemeente_code") if v is not None)
        footer = pq.ParquetFile(part)
        withheld.update(json.loads(footer.schema_arrow.metadata[WITHHELD_KEY]))
        rows[periode] = footer.metadata.num_rows
        parts[periode] = (key, part)
    shown = {periode: found for periode, found in parts.items() if rows[periode]}
    groups = peer_groups(sorted(published))  # only gemeenten with figures are members
    groups_key = hashlib.blake2b(pd.util.hash_pandas_object(groups, index=False).to_numpy().tobytes(), digest_size=16).hexdigest()
    compared: dict[str, tuple[str, Path]] = {}
    for periode, (key, part) in shown.items():
        previous = shown.get(Periode.parse(periode).previous().code)
        benchmark_key = key_of("benchmark", periode, key, previous[0] if previous else None, groups_key)
        target = folder / f"benchmark-{periode}-{benchmark_key}.parquet"
        if not target.is_file():
            figures = pd.read_parquet(part)
            if previous is not None:  # for the change since the previous periode
                figures = pd.concat([pd.read_parquet(previous[1]), figures], ignore_index=True)
            files.write_parquet(benchmark(figures, groups, periodes=[periode]), target)
        if pq.read_metadata(target).num_rows:
            compared[periode] = (benchmark_key, target)
    if not shown:  # empty tables, with their columns
        empty = _protected(home, [], consent, rounding_secret, catalogue)[0]
        shown[""] = (key_of("leeg"), files.write_parquet(empty, folder / "indicatoren-leeg.parquet"))
    if not compared:
        compared[""] = (key_of("leeg"), files.write_parquet(benchmark(pd.read_parquet(next(iter(shown.values()))[1]).head(0), groups),
                                                folder / "benchmark-leeg.parquet"))
    _concatenated(shown, indicatoren_path(home))
    files.write_parquet(groups, groups_path(home))
    _concatenated(compared, benchmark_path(home))
    used = {path.name for _, path in [*parts.values(), *shown.values(), *compared.values()]}
    for path in folder.iterdir():  # parts of earlier inputs, and any a killed process left half-written
        if path.name not in used:
            path.unlink(missing_ok=True)
    return ConceptSummary(sum(rows.values()), sorted(published), sorted(withheld), sorted(p for p in periodes if rows[p]))


def _consent_of(consent: pd.DataFrame, partitions: list[tuple[str, str]]) -> list:
    """The consent rows that decide these partitions' figures, in a fixed order."""
    wanted = consent.set_index(["gemeente_code", "periode"]).reindex(partitions)
    return [[g, p, *(None if pd.isna(v) else bool(v) for v in values)] for (g, p), values in
            zip(wanted.index, wanted[["publicatie_basis", "publicatie_facultatief"]].itertuples(index=False))]


def _concatenated(parts: dict[str, tuple[str, Path]], target: Path) -> None:
    """Join the parts (periode: (key, file)) into `target`, unless it already holds exactly these."""
    keys = json.dumps({periode: key for periode, (key, _) in parts.items()}).encode("utf-8")
    try:
        if (pq.read_schema(target).metadata or {}).get(PARTS_KEY) == keys:
            return
    except (OSError, pa.ArrowException):
        pass  # none yet, or unreadable: written anew
    files.concatenate_parquet([path for _, path in parts.values()], target, metadata={PARTS_KEY: keys})


def _table_path(home: Home, table: str) -> Path:
    return {"indicatoren": indicatoren_path, "benchmark": benchmark_path}[table](home)


def concept_part_keys(home: Home, table: str) -> dict[str, str]:
    """{periode: key of its part} of the concept's "indicatoren" or "benchmark" (none: an older file)."""
    path = _table_path(home, table)
    try:
        found = (pq.read_schema(path).metadata or {}).get(PARTS_KEY)
    except (OSError, pa.ArrowException):
        return {}
    return {periode: key for periode, key in json.loads(found).items() if periode} if found else {}


def _protected(home: Home, partitions: list[tuple[str, str]], consent: pd.DataFrame, rounding_secret: bytes,
               catalogue: tuple[Indicator, ...]) -> tuple[pd.DataFrame, list[str]]:
    return protected_figures(read_counts(home.tellingen, partitions), consent, rounding_secret=rounding_secret, catalogue=catalogue)


def read_concept(home: Home, periode: str | None = None) -> pd.DataFrame:
    """The concept figures; of one periode only when given (a release: with 13 periodes, 0.2 s
    instead of 0.7 s and a thirteenth of the memory for each)."""
    path = indicatoren_path(home)
    if not path.is_file():
        return pd.DataFrame(columns=PUBLISH_COLUMNS)
    return pd.read_parquet(path) if periode is None else pd.read_parquet(path, filters=[("periode", "==", periode)])


def concept_periodes(home: Home) -> list[str]:
    """The periodes of the concept figures, in time order (one column read, not the figures)."""
    return sorted_codes(concept_distinct(home, "indicatoren", "periode"))


def concept_by_periode(home: Home) -> Iterator[tuple[str, pd.DataFrame]]:
    """The concept figures one periode at a time: for a check over the whole history whose rules
    hold within a periode, with memory bounded by a periode (the file keeps each periode together)."""
    for periode in concept_periodes(home):
        yield periode, read_concept(home, periode)


def read_concept_groups(home: Home) -> pd.DataFrame:
    path = groups_path(home)
    return pd.read_parquet(path) if path.is_file() else peer_groups(pd.Series(dtype="string"))


def read_concept_benchmark(home: Home, periode: str | None = None) -> pd.DataFrame:
    path = benchmark_path(home)
    if not path.is_file():
        return pd.DataFrame()
    return pd.read_parquet(path) if periode is None else pd.read_parquet(path, filters=[("periode", "==", periode)])


def concept_distinct(home: Home, table: str, column: str) -> list:
    """The distinct values (not null) of a column of the concept's "indicatoren" or "benchmark" over all periodes."""
    path = _table_path(home, table)
    return [v for v in files.parquet_distinct(path, column) if v is not None] if path.is_file() else []

