"""Run the quality suites on the published tables and summarise every expectation in Dutch.

GX runs in an *ephemeral* context: suites, results and configuration live in memory only, nothing
is written to the repository or the home directory, and analytics are switched off. Only the Data
Docs are written, into `docs_dir`, and then made fit to publish (indicators.quality.datadocs).
"""

from __future__ import annotations

import json
import multiprocessing
import os
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
_STARTED: dict[str, tuple[Hashable, Path | None, tuple | None, Future]] = {}  # see start_check


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
    tables: Mapping[str, Table], *, stamp: Hashable, docs_dir: Path | None = None, catalogue: tuple[Indicator, ...] | None = None
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
        future = pool.submit(_check, tables, docs_dir, catalogue)
    except (BrokenProcessPool, RuntimeError):
        return  # the process is gone or shut down: check_published checks itself
    _STARTED["check"] = (stamp, docs_dir, catalogue, future)


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


def _plans(gx, tables: dict[str, pd.DataFrame | ByPeriode], catalogue: tuple[Indicator, ...]) -> tuple[list[_Plan], Iterator[tuple[str | None, dict]]]:
    """The suites, and the frames GX validates (text as categoricals: tables.compact) periode by
    periode: {table name: frame} of one periode (None: a table given whole), one periode in memory."""
    indicatoren, bench, groups = tables["indicatoren"], tables.get("benchmark"), tables.get("peergroepen")
    published = _distinct(indicatoren, "gemeente_code")
    plans = [
        _Plan(
            "indicatoren", suites.indicatoren_expectations(gx, catalogue, _distinct(indicatoren, "indicator_id"), _distinct(indicatoren, "eenheid")),
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
            "benchmark", suites.benchmark_expectations(gx, catalogue, published, _distinct(bench, "eenheid")),
            ["indicator_id", "periode", "gemeente_code", "groep_code"],
            "Benchmark: elke gemeente naast de groepen waarmee zij vergeleken wordt (publish.benchmark).",
        ))  # fmt: skip
    if groups is not None:
        plans.append(_Plan(
            "peergroepen", suites.peergroepen_expectations(gx, published), ["groep_code", "gemeente_code"],
            "Vergelijkingsgroepen: de leden van elke groep (publish.peergroepen).",
        ))  # fmt: skip

    def frames() -> Iterator[tuple[str | None, dict]]:
        periodes = (indicatoren.periodes() or [None]) if isinstance(indicatoren, ByPeriode) else [None]  # None: whole
        for periode in periodes:
            frame = indicatoren.read(periode) if isinstance(indicatoren, ByPeriode) else indicatoren
            batch = {"indicatoren": compact(validated(frame))}
            if {"indicator_id", "periode", "gemeente_code", "regio_niveau"} <= set(frame.columns):
                batch[COMPLETENESS_TABLE] = compact(completeness_table(frame, catalogue))
            del frame
            if isinstance(bench, ByPeriode) or (bench is not None and periode is periodes[0]):
                batch["benchmark"] = compact(validated(bench.read(periode) if isinstance(bench, ByPeriode) else bench))
            yield periode, batch
        if isinstance(bench, ByPeriode) and periodes != [None]:  # a benchmark periode without figures (should not be)
            for periode in sorted(set(bench.periodes()) - set(periodes)):
                yield periode, {"benchmark": compact(validated(bench.read(periode)))}
        if groups is not None:
            yield None, {"peergroepen": compact(validated(groups))}

    return plans, frames()


def check_published(
    tables: Mapping[str, Table],
    *,
    docs_dir: Path | None = None,
    catalogue: tuple[Indicator, ...] | None = None,
    stamp: Hashable | None = None,
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
    """
    if "indicatoren" not in tables:
        raise ValueError("check_published needs the table 'indicatoren'")
    started = _STARTED.pop("check", None)
    pool = _AHEAD.get("pool")
    if pool is not None:
        try:
            if started is not None and stamp is not None and started[:3] == (stamp, docs_dir, catalogue):
                return started[3].result()
            return pool.submit(_check, tables, docs_dir, catalogue).result()
        except BrokenProcessPool:
            _AHEAD.pop("pool", None)  # the process is gone (killed, out of memory): check here
    return _check(tables, docs_dir, catalogue)


def _check(tables: Mapping[str, Table], docs_dir: Path | None, catalogue: tuple[Indicator, ...] | None) -> QualityResult:
    tables = {name: table() if callable(table) else table for name, table in tables.items()}
    catalogue = load_catalogue() if catalogue is None else catalogue
    gx = _gx()
    batches = _plans(gx, tables, catalogue)
    if docs_dir is None:
        return _validate(gx, batches, None)[0]
    # Built aside and swapped in whole: a crash or a second run at the same time never leaves (or
    # reads) half-written docs, and the published docs are always those of one complete check.
    docs_dir = Path(docs_dir).resolve()
    with files.replaced_folder(docs_dir) as building:
        result, sections = _validate(gx, batches, building)
        datadocs.make_offline(building)
        datadocs.write_index(building, sections, result.success)
        datadocs.prune_unreferenced(building)
    result.docs_index = docs_dir / "index.html"
    return result


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


def _validate(gx, batches: tuple[list[_Plan], Iterator[tuple[str | None, dict]]], docs_dir: Path | None) -> tuple[QualityResult, list[dict]]:
    """Run every table's suite on each of its frames in one ephemeral context; with `docs_dir`, GX
    writes its Data Docs there (one validation page per table and periode). A table validated per
    periode gets one summary per expectation over all its periodes."""
    from great_expectations.core.run_identifier import RunIdentifier

    plans, frames = batches
    context = _context(gx, docs_dir)
    source = context.data_sources.add_pandas("gmsd")
    _filter_once(source.get_execution_engine())
    definitions, summaries, rows = {}, {}, {}
    for plan in plans:
        suite = context.suites.add(gx.ExpectationSuite(name=plan.table, expectations=plan.expectations))
        data = source.add_dataframe_asset(plan.table).add_batch_definition_whole_dataframe("alles")
        definitions[plan.table] = context.validation_definitions.add(gx.ValidationDefinition(name=plan.table, data=data, suite=suite))
    by_table = {plan.table: plan for plan in plans}
    for periode, batch in frames:
        for table, frame in batch.items():
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
            summary = _summarise(table, validation, [c for c in plan.index_columns if c in frame])
            summaries[table] = summary if table not in summaries else _added(summaries[table], summary)
            rows[table] = rows.get(table, 0) + len(frame)
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
    return QualityResult(success=all(r["success"] for r in results), results=results), sections
