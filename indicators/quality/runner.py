"""Run the quality suites on the published tables and summarise every expectation in Dutch.

GX runs in an *ephemeral* context: suites, results and configuration live in memory only, nothing
is written to the repository or the home directory, and analytics are switched off. Only the Data
Docs are written, into `docs_dir`, and then made fit to publish (indicators.quality.datadocs).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Hashable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from clearinghouse.ownership import die_with_parent
from indicators.catalogus import Indicator, load_catalogue
from indicators.quality import datadocs, suites
from indicators.quality.tables import COMPLETENESS_TABLE, compact, completeness_table, validated
from indicators.versie import key_of
from vocabulary import files
from vocabulary.collector import freeze_for_life, paused
from vocabulary.periode import sorted_codes

MAX_EXAMPLES = 10


@dataclass(frozen=True)
class ByPeriode:
    """A table checked one periode at a time (a history of figures: memory bounded by a periode).

    Every rule of the suites holds within a periode (the keys include the periode), so the suite is
    built once from the distinct values over all periodes and run on each periode's rows; the
    results are summed per expectation. Both are functions, called where the check runs."""

    read: Callable[[str | None], pd.DataFrame]  # one periode's rows (None: the whole table)
    distinct: Callable[[str], list]  # the distinct values of one column over all periodes
    # {periode: key of its rows' content} where known: a periode checked before with the same key
    # and the same suite is not read or validated again (see check_published's `reuse_dir`)
    keys: Callable[[], dict[str, str]] | None = None

    def periodes(self) -> list[str]:
        return sorted_codes(v for v in self.distinct("periode") if v is not None)


# A table to check, a function that reads it, or a table read by periode: then the check reads it in
# its own process and no frame is copied from the command to that process (pickling 45 MB of text
# takes a good part of a second).
Table = pd.DataFrame | Callable[[], pd.DataFrame] | ByPeriode


@dataclass
class QualityResult:
    success: bool
    results: list[dict] = field(default_factory=list)  # see `check_published`
    docs_index: Path | None = None  # index.html of the built Data Docs, inside docs_dir

    def failures(self) -> list[dict]:
        return [r for r in self.results if not r["success"]]


def _gx():
    """Import GX lazily (a 2.6 s import) with analytics off before anything of it runs."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations as gx

    return gx


def _import_gx() -> None:
    """The first task of the check's own process (`checked_ahead`): GX imported with the cycle
    collector paused and then frozen, as the command does with its own libraries (import 2.1–2.6
    → 1.9–2.0 CPU-s, on the core the intake shares; the check after it does not pass over GX's
    objects again)."""
    with paused():
        _gx()
        freeze_for_life()


_AHEAD: dict[str, ProcessPoolExecutor] = {}
_STARTED: dict[str, tuple[Hashable, Path | None, tuple | None, Path | None, Future]] = {}  # see start_check


@contextmanager
def checked_ahead() -> Iterator[None]:
    """For a command that checks quality after other work: a process that imports GX right away.

    The import is seconds of fixed cost in every `gmsd run`. Forked now, the process imports GX on
    the other core while the command takes in deliveries and counts; `check_published` inside the
    block then runs there, with GX loaded. Should that process be gone, the check runs here.
    Enter it before taking any lock: the process must not inherit one.
    """
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent,
                               initargs=(os.getpid(),))  # a killed command leaves no idle process behind
    pool.submit(_import_gx)  # starts the process
    _AHEAD["pool"] = pool
    try:
        yield
    finally:
        _AHEAD.pop("pool", None)
        _STARTED.clear()
        pool.shutdown(wait=True, cancel_futures=True)


def start_check(
    tables: Mapping[str, Table], *, stamp: Hashable, docs_dir: Path | None = None, catalogue: tuple[Indicator, ...] | None = None,
    reuse_dir: Path | None = None,
) -> None:
    """Start `check_published` right away in the process of `checked_ahead`, if there is one.

    For a command that writes the tables and then does other work before it checks them: the check
    runs on the other core meanwhile. `stamp` identifies the tables' content (for files: their size
    and modification time); `check_published` with the same stamp, docs_dir and catalogue takes this
    check's result, with another it checks again. That process checks one at a time, in order, so
    a check asked for later also swaps in its Data Docs later.
    """
    pool = _AHEAD.get("pool")
    if pool is None:
        return  # no process of its own: checking now would not overlap anything
    try:
        future = pool.submit(_check, tables, docs_dir, catalogue, reuse_dir)
    except (BrokenProcessPool, RuntimeError):
        return  # the process is gone or shut down: check_published checks itself
    _STARTED["check"] = (stamp, docs_dir, catalogue, reuse_dir, future)


def _context(gx, docs_dir: Path | None):
    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig

    sites = {}
    if docs_dir is not None:
        sites["kwaliteit"] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def _examples(result: dict, index_columns: list[str]) -> list[str]:
    found = []
    for item in result.get("partial_unexpected_index_list") or []:
        if isinstance(item, dict):
            found.append(" ".join(str(item.get(c)) for c in index_columns if c in item))
    if not found:
        for value in result.get("partial_unexpected_list") or []:
            found.append(", ".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else str(value))
    return found[:MAX_EXAMPLES]


def _condition_text(condition) -> str | None:
    """A GX row condition (stored as a dict in the expectation kwargs) as short readable text."""
    if condition is None:
        return None
    if hasattr(condition, "dict"):
        condition = condition.dict()
    if isinstance(condition, str):
        return condition
    kind = condition.get("type")
    if kind in ("and", "or"):
        return f" {kind.upper()} ".join(_condition_text(c) or "" for c in condition.get("conditions", []))
    column = (condition.get("column") or {}).get("name")
    if kind == "nullity":
        return f"{column} is leeg" if condition.get("is_null") else f"{column} is gevuld"
    return f"{column} {condition.get('operator')} {condition.get('parameter')!r}"


def _exception_message(info) -> str | None:
    """GX keeps exceptions either flat or per metric ({metric id: {exception_message: ...}})."""
    if not isinstance(info, dict):
        return None
    if info.get("exception_message"):
        return str(info["exception_message"])
    messages = [str(v["exception_message"]) for v in info.values() if isinstance(v, dict) and v.get("exception_message")]
    return "; ".join(dict.fromkeys(messages)) or None


def _column_of(kwargs: dict) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    return None


def _added(before: list[dict], more: list[dict]) -> list[dict]:
    """The summaries of one suite over two sets of rows (e.g. two periodes), expectation by expectation."""
    return [
        {**a, "success": a["success"] and b["success"], "onverwacht": a["onverwacht"] + b["onverwacht"],
         "voorbeelden": (a["voorbeelden"] + b["voorbeelden"])[:MAX_EXAMPLES], "fout": a["fout"] or b["fout"]}
        for a, b in zip(before, more, strict=True)
    ]  # fmt: skip


def _summarise(table: str, validation, index_columns: list[str]) -> list[dict]:
    out = []
    for evr in validation.results:
        config = evr.expectation_config
        attributes = (config.meta or {}).get("attributes", {})
        result = evr.result or {}
        count = result.get("unexpected_count")
        out.append(
            {
                "table": table,
                "expectation": config.type,
                "kolom": _column_of(config.kwargs),
                "success": bool(evr.success),
                "uitleg": attributes.get("uitleg", ""),
                "onverwacht": int(count) if count is not None else (0 if evr.success else 1),
                "controle": attributes.get("controle"),
                "voorwaarde": _condition_text(config.kwargs.get("row_condition")),
                "voorbeelden": _examples(result, index_columns),
                "fout": _exception_message(evr.exception_info),
            }
        )
    return out


@dataclass
class _Plan:
    """One table's suite, and its frames to validate: one per periode for a table read by periode."""

    table: str  # the name in results and Data Docs
    expectations: list
    index_columns: list[str]  # identify unexpected rows in results and docs
    omschrijving: str


def _distinct(table: pd.DataFrame | ByPeriode, column: str) -> list:
    if isinstance(table, ByPeriode):
        return sorted(v for v in table.distinct(column) if v is not None)
    return sorted(set(table[column].dropna())) if column in table else []


@dataclass(frozen=True)
class _Reused:
    """One table's results on one periode's rows, kept from an earlier check (`reuse_dir`)."""

    folder: Path  # <reuse_dir>/<table>/<periode>-<key>/: samenvatting.json and the page (pagina/)
    summary: list[dict]
    rows: int


@dataclass
class _Fresh:
    """One table's results on one periode's rows, validated now: kept for the next check when keyed."""

    table: str
    periode: str
    folder: Path | None  # where to keep them (None: not keyed)
    summary: list[dict]
    rows: int


SUMMARY_FILE = "samenvatting.json"
PAGE_FOLDER = "pagina"


def _reused(folder: Path | None) -> _Reused | None:
    if folder is None:
        return None
    try:
        stored = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # not checked before (or a folder left incomplete: new_folder makes none)
    return _Reused(folder, stored["samenvatting"], stored["rijen"])


def _plans(gx, tables: dict[str, pd.DataFrame | ByPeriode], catalogue: tuple[Indicator, ...], reuse_dir: Path | None = None,
           with_docs: bool = False) -> tuple[list[_Plan], Iterator[tuple[str | None, dict]], Callable[[str, str | None], Path | None]]:
    """The suites, and the frames GX validates (text as categoricals: tables.compact) periode by
    periode: {table name: frame} of one periode (None: a table given whole), one periode in memory.
    With `reuse_dir`, a table read by periode with keys gives, for a periode checked before with the
    same key and suite, its earlier results (`_Reused`) instead of a frame, and that periode's rows
    are not read."""
    indicatoren, bench, groups = tables["indicatoren"], tables.get("benchmark"), tables.get("peergroepen")
    published = _distinct(indicatoren, "gemeente_code")
    indicator_ids, eenheden = _distinct(indicatoren, "indicator_id"), _distinct(indicatoren, "eenheid")
    bench_eenheden = _distinct(bench, "eenheid") if bench is not None else []
    plans = [
        _Plan(
            "indicatoren", suites.indicatoren_expectations(gx, catalogue, indicator_ids, eenheden),
            ["indicator_id", "periode", "regio_code"],
            "Indicatoren per gemeente en wijk per periode zoals een release ze vastlegt (na geheimhouding).",
        ),
        _Plan(
            COMPLETENESS_TABLE, suites.completeness_expectations(gx), ["gemeente_code", "periode", "indicator_id"],
            "Afgeleide tabel: verwachte gemeente × periode × indicator, met aanwezig in publish.indicatoren.",
        ),
    ]  # fmt: skip
    if bench is not None:
        plans.append(_Plan(
            "benchmark", suites.benchmark_expectations(gx, catalogue, published, bench_eenheden),
            ["indicator_id", "periode", "gemeente_code", "groep_code"],
            "Benchmark: elke gemeente naast de groepen waarmee zij vergeleken wordt (publish.benchmark).",
        ))  # fmt: skip
    if groups is not None:
        plans.append(_Plan(
            "peergroepen", suites.peergroepen_expectations(gx, published), ["groep_code", "gemeente_code"],
            "Vergelijkingsgroepen: de leden van elke groep (publish.peergroepen).",
        ))  # fmt: skip
    # What the suites are built from (their code is in the key of every entry: indicators.versie).
    suite_inputs = [repr(catalogue), indicator_ids, eenheden, published, bench_eenheden, MAX_EXAMPLES, with_docs]
    keys = {name: (table.keys() if isinstance(table, ByPeriode) and table.keys is not None and reuse_dir is not None else {})
            for name, table in (("indicatoren", indicatoren), ("benchmark", bench))}

    def entry(table: str, periode: str | None) -> Path | None:
        """The folder that keeps this table's results on this periode's rows (None: not keyed)."""
        content = keys["benchmark" if table == "benchmark" else "indicatoren"].get(periode) if periode else None
        return None if content is None else reuse_dir / table / f"{periode}-{key_of('kwaliteit', table, periode, content, suite_inputs)}"

    def frames() -> Iterator[tuple[str | None, dict]]:
        periodes = (indicatoren.periodes() or [None]) if isinstance(indicatoren, ByPeriode) else [None]  # None: whole
        for periode in periodes:
            batch: dict = {}
            found = {table: _reused(entry(table, periode)) for table in ("indicatoren", COMPLETENESS_TABLE, "benchmark")}
            if found["indicatoren"] is None or found[COMPLETENESS_TABLE] is None:
                frame = indicatoren.read(periode) if isinstance(indicatoren, ByPeriode) else indicatoren
                batch["indicatoren"] = found["indicatoren"] or compact(validated(frame))
                if {"indicator_id", "periode", "gemeente_code", "regio_niveau"} <= set(frame.columns):
                    batch[COMPLETENESS_TABLE] = found[COMPLETENESS_TABLE] or compact(completeness_table(frame, catalogue))
                del frame
            else:
                batch["indicatoren"], batch[COMPLETENESS_TABLE] = found["indicatoren"], found[COMPLETENESS_TABLE]
            if isinstance(bench, ByPeriode) or (bench is not None and periode is periodes[0]):
                batch["benchmark"] = found["benchmark"] or compact(validated(bench.read(periode) if isinstance(bench, ByPeriode) else bench))
            yield periode, batch
        if isinstance(bench, ByPeriode) and periodes != [None]:  # a benchmark periode without figures (should not be)
            for periode in sorted(set(bench.periodes()) - set(periodes)):
                yield periode, {"benchmark": _reused(entry("benchmark", periode)) or compact(validated(bench.read(periode)))}
        if groups is not None:
            yield None, {"peergroepen": compact(validated(groups))}

    return plans, frames(), entry


def check_published(
    tables: Mapping[str, Table],
    *,
    docs_dir: Path | None = None,
    catalogue: tuple[Indicator, ...] | None = None,
    stamp: Hashable | None = None,
    reuse_dir: Path | None = None,
) -> QualityResult:
    """Validate the published tables; build offline Data Docs into `docs_dir` when given.

    `tables`: "indicatoren" (publish.indicatoren, required) and optionally "benchmark"
    (publish.benchmark) and "peergroepen" (publish.peergroepen), each a frame or a function that
    reads it (called where the check runs: in the process of `checked_ahead` if there is one).
    With a `stamp`: the result of the check `start_check` started with the same stamp, docs_dir and
    catalogue, if any. Each entry of `results` describes one expectation: table ("indicatoren",
    "benchmark", "peergroepen" or the derived "indicatoren_volledigheid"), expectation (GX type),
    kolom, success, uitleg (Dutch), onverwacht (number of unexpected rows), plus controle (a short
    stable name of the check), voorwaarde (the GX row condition, if any), voorbeelden (up to 10
    unexpected rows or values) and fout (a GX exception message, if the check could not run).

    With `reuse_dir`, the results (and Data Docs page) of each periode of a table read by periode
    with keys (`ByPeriode.keys`) are kept there, and a later check takes them for a periode whose
    key and suite are unchanged instead of validating its rows again: in a history, a re-delivery
    validates its own periode. GX costs ~0.7 s per validation whatever the rows, 57 for 19 periodes.
    The folder keeps only what the latest check used.
    """
    if "indicatoren" not in tables:
        raise ValueError("check_published needs the table 'indicatoren'")
    started = _STARTED.pop("check", None)
    pool = _AHEAD.get("pool")
    if pool is not None:
        try:
            if started is not None and stamp is not None and started[:4] == (stamp, docs_dir, catalogue, reuse_dir):
                return started[4].result()
            return pool.submit(_check, tables, docs_dir, catalogue, reuse_dir).result()
        except BrokenProcessPool:
            _AHEAD.pop("pool", None)  # the process is gone (killed, out of memory): check here
    return _check(tables, docs_dir, catalogue, reuse_dir)


def _check(tables: Mapping[str, Table], docs_dir: Path | None, catalogue: tuple[Indicator, ...] | None,
           reuse_dir: Path | None = None) -> QualityResult:
    tables = {name: table() if callable(table) else table for name, table in tables.items()}
    catalogue = load_catalogue() if catalogue is None else catalogue
    gx = _gx()
    plans, frames, entry = _plans(gx, tables, catalogue, Path(reuse_dir).resolve() if reuse_dir else None, with_docs=docs_dir is not None)
    if docs_dir is None:
        result, _, outcomes = _validate(gx, plans, frames, entry, None)
        _keep(outcomes, None, reuse_dir)
        return result
    # Built aside and swapped in whole: a crash or a second run at the same time never leaves (or
    # reads) half-written docs, and the published docs are always those of one complete check.
    docs_dir = Path(docs_dir).resolve()
    with files.replaced_folder(docs_dir) as building:
        result, sections, outcomes = _validate(gx, plans, frames, entry, building)
        datadocs.make_offline(building)  # (the pages kept from earlier checks are offline already)
        _keep(outcomes, building, reuse_dir)
        datadocs.write_index(building, sections, result.success)
        datadocs.prune_unreferenced(building)
    result.docs_index = docs_dir / "index.html"
    return result


def _keep(outcomes: list[_Reused | _Fresh], building: Path | None, reuse_dir: Path | None) -> None:
    """Keep the keyed results validated now for the next check, put the kept pages of the others in
    the docs being built, and drop every kept result this check did not use."""
    used: set[Path] = set()
    for outcome in outcomes:
        if isinstance(outcome, _Reused):
            used.add(outcome.folder)
            if building is not None and (outcome.folder / PAGE_FOLDER).is_dir():
                page = building / "validations" / outcome.folder.parent.name / outcome.folder.name.rsplit("-", 1)[0]
                shutil.copytree(outcome.folder / PAGE_FOLDER, page)
        elif outcome.folder is not None:
            used.add(outcome.folder)
            try:
                with files.new_folder(outcome.folder) as keeping:
                    page = building / "validations" / outcome.table / outcome.periode if building is not None else None
                    if page is not None and page.is_dir():
                        shutil.copytree(page, keeping / PAGE_FOLDER)
                    summary = {"samenvatting": outcome.summary, "rijen": outcome.rows}
                    (keeping / SUMMARY_FILE).write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
            except FileExistsError:
                pass  # kept already (the same key: the same results)
    if reuse_dir is None or not Path(reuse_dir).is_dir():
        return
    for table in Path(reuse_dir).iterdir():
        for folder in table.iterdir() if table.is_dir() else []:
            if folder.resolve() in used:
                continue
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
            else:
                folder.unlink(missing_ok=True)


def _filter_once(engine) -> None:
    """Make GX's pandas engine filter a batch once per row condition instead of once per metric.

    For an expectation with a row condition GX filters the whole batch again for each of its metrics
    (DataFrame.query: 117 filters for 15 conditions in a national release). The filter is a pure
    function of the batch and the condition, so the engine gets the same frame back each time; GX
    already hands out the batch itself, uncopied, for expectations without a condition. Set on this
    one engine only; should GX rename the method, this does nothing and GX filters as before.
    """
    filter_rows = getattr(engine, "_apply_row_condition_filter", None)
    if filter_rows is None:
        return
    done: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}

    def once(data: pd.DataFrame, row_condition, domain_kwargs: dict) -> pd.DataFrame:
        key = json.dumps([row_condition, domain_kwargs.get("condition_parser")], sort_keys=True, default=repr)
        hit = done.get(key)
        if hit is None or hit[0] is not data:  # another batch: filter again
            hit = done[key] = (data, filter_rows(data, row_condition, domain_kwargs))
        return hit[1]

    engine._apply_row_condition_filter = once


def _validate(gx, plans: list[_Plan], frames: Iterator[tuple[str | None, dict]], entry: Callable[[str, str | None], Path | None],
              docs_dir: Path | None) -> tuple[QualityResult, list[dict], list[_Reused | _Fresh]]:
    """Run every table's suite on each of its frames in one ephemeral context; with `docs_dir`, GX
    writes its Data Docs there (one validation page per table and periode). A table validated per
    periode gets one summary per expectation over all its periodes, in periode order, whether a
    periode's results are validated now or kept from an earlier check (`_Reused`)."""
    from great_expectations.core.run_identifier import RunIdentifier

    context = _context(gx, docs_dir)
    source = context.data_sources.add_pandas("gmsd")
    _filter_once(source.get_execution_engine())
    definitions, summaries, rows = {}, {}, {}
    outcomes: list[_Reused | _Fresh] = []
    for plan in plans:
        suite = context.suites.add(gx.ExpectationSuite(name=plan.table, expectations=plan.expectations))
        data = source.add_dataframe_asset(plan.table).add_batch_definition_whole_dataframe("alles")
        definitions[plan.table] = context.validation_definitions.add(gx.ValidationDefinition(name=plan.table, data=data, suite=suite))
    by_table = {plan.table: plan for plan in plans}
    for periode, batch in frames:
        for table, frame in batch.items():
            if isinstance(frame, _Reused):
                summary, count = frame.summary, frame.rows
                outcomes.append(frame)
            else:
                plan = by_table[table]
                validation = definitions[table].run(
                    batch_parameters={"dataframe": frame},
                    result_format={
                        "result_format": "SUMMARY",
                        "partial_unexpected_count": MAX_EXAMPLES,
                        "unexpected_index_column_names": [c for c in plan.index_columns if c in frame],
                    },
                    run_id=RunIdentifier(run_name=periode, run_time=datetime.now(timezone.utc)),  # (else GX reads 2025 as a date)
                )
                summary, count = _summarise(table, validation, [c for c in plan.index_columns if c in frame]), len(frame)
                if periode is not None:
                    outcomes.append(_Fresh(table, periode, entry(table, periode), summary, count))
            summaries[table] = summary if table not in summaries else _added(summaries[table], summary)
            rows[table] = rows.get(table, 0) + count
        del batch
    results: list[dict] = []
    sections = []
    for plan in plans:
        if plan.table not in summaries:
            continue
        results += summaries[plan.table]
        sections.append({"table": plan.table, "omschrijving": plan.omschrijving, "rijen": rows[plan.table], "results": summaries[plan.table]})
    if docs_dir is not None:
        context.build_data_docs(build_index=False)  # datadocs.write_index writes the index, our own
    return QualityResult(success=all(r["success"] for r in results), results=results), sections, outcomes
