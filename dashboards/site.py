"""The static dashboard site: publish.indicatoren (+ benchmark, releases, revisions) in, a folder of HTML out.

Plain Python (no Dagster), so the same function serves the pipeline asset, the CLI and the tests.

Why a static site: the published figures change once per release, readers (raadsleden, the
public) need no login, and a folder of files can be put on any web server or opened from disk.
Everything the pages need lives in the folder itself — plotly.min.js is written once and loaded
by relative path, only by pages that have a chart — so the site works offline from file:// and
never asks a CDN for anything.

Pages (all Dutch):

- ``index.html``: what the monitor is, a gemeente selector, national headline figures, the
  release and its status, the list of releases, and every indicator by domein;
- ``gemeente/index.html``: all published gemeenten (also the no-JavaScript target of the selector);
- ``gemeente/<GM>.html``: every indicator the gemeente has, by domein, a reeks as one block: the
  value, the band of comparable gemeenten and of gemeenten of the same size, Nederland, the trend
  (one compact chart per block, tables for the rest) and a sortable wijk table per block;
- ``indicator/<id>.html``: all gemeenten on one chart, the definition, formula, source, VISD
  matrix cell and disclosure rule;
- ``datakwaliteit.html`` (links to ``kwaliteit/index.html``, the copied Data Docs), ``downloads.html``
  (files copied to ``downloads/``), ``revisies.html`` (only when figures were revised) and
  ``gegevenswoordenboek.html``.

Only what is in `indicatoren` is shown: that table holds just the gemeenten that consented to
publication, after disclosure control. Benchmark and revision rows of any other gemeente or
region are dropped before anything is rendered, and every secret row loses its value in
`_prepare`, so neither tables nor chart data can show it.

Publication is atomic: the site is built in a hidden sibling folder and swapped into place, so a
failure at any point leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from contracts import CONTRACT_VERSION, dictionary
from dashboards import charts
from vocabulary.formatting import SECRET, fmt_count, fmt_datetime, fmt_number, fmt_periode, is_missing, is_secret
from indicators.catalogus import UNITS, Indicator, load_catalogue

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
TIMEZONE = ZoneInfo("Europe/Amsterdam")
ASSETS = ("style.css", "locale-nl.js", "site.js", "favicon.svg")

REQUIRED_COLUMNS = (
    "indicator_id", "periode", "regio_code", "regio_niveau", "regio_naam", "gemeente_code",
    "teller", "noemer", "waarde", "geheim", "geheim_reden", "eenheid",
)  # fmt: skip
SAFE_CODE = re.compile(r"[A-Za-z0-9_-]+")
YEAR = re.compile(r"\d{4}")

BENCHMARK_UITLEG = (
    "‘Nederland’ is het gewogen cijfer van alle gemeenten in deze monitor samen: de som van hun "
    "tellers gedeeld door de som van hun noemers. ‘Vergelijkbare gemeenten’ en ‘gemeenten van "
    "dezelfde grootte’ tonen de mediaan en de middelste helft (25e tot 75e percentiel) van die groep."
)
BRON = "Gemeentelijke aanlevering via de clearinghouse; bevolking CBS KWB 2024."
DOMEINEN = {"jeugd": "Jeugd", "wmo": "Wmo", "participatie": "Participatie", "integraal": "Domeinoverstijgend"}
REEKSEN = {
    "wmo_hoofdgroep_per_1000": "Wmo-cliënten per hoofdgroep",
    "stapeling_combinatie_pct": "Stapeling naar combinatie van domeinen (personen)",
    "stapeling_huishoudens_combinatie_pct": "Stapeling naar combinatie van domeinen (huishoudens)",
    "doorlooptijd_dagen": "Doorlooptijd van aanvraag tot start",
    "instroom": "Instroom: gestarte trajecten",
    "uitstroom": "Uitstroom: beëindigde trajecten",
    "resultaat_pct": "Doel behaald",
    "zrm_verbetering_pct": "Zelfredzaamheid verbeterd",
}
HEADLINES = ("jeugd_pct", "wmo_per_1000", "bijstand_per_1000", "stapeling_pct")
GROEPEN = {
    "vergelijkbaar": "Vergelijkbare gemeenten",
    "grootteklasse": "Gemeenten van dezelfde grootte",
    "provincie": "Gemeenten in dezelfde provincie",
    "nederland": "Nederland",
}
BAND_GROUPS = ("vergelijkbaar", "grootteklasse")
WIJK_MARGE = 0.25  # a wijk stands out when it differs more than 25 % from its gemeente
BENCHMARK_COLUMNS = (
    "indicator_id", "periode", "gemeente_code", "groep_soort", "groep_code", "groep_naam",
    "groep_mediaan", "groep_p25", "groep_p75", "groep_waarde", "groep_aantal",
)  # fmt: skip


@dataclass
class SiteSummary:
    """What was published: the pages (final paths, after the swap) and the gemeenten covered."""

    pages: list[Path]
    gemeenten: list[str]
    out_dir: Path
    index: Path


@dataclass(frozen=True)
class IndicatorView:
    """The texts and unit of one indicator as the pages need them."""

    id: str
    titel: str
    omschrijving: str
    eenheid: str
    eenheid_label: str
    factor: float
    teller: str
    noemer: str
    min_noemer: int | None
    wijken: bool = True
    domein: str = "integraal"
    gegevensset: str = "basis"
    reeks: str | None = None
    categorie: str | None = None
    matrix: tuple[tuple[str, str], ...] = ()
    geheimhouding: str = ""

    @classmethod
    def from_catalogue(cls, indicator: Indicator) -> IndicatorView:
        return cls(
            id=indicator.id,
            titel=indicator.titel,
            omschrijving=indicator.omschrijving,
            eenheid=indicator.eenheid,
            eenheid_label=indicator.eenheid_label,
            factor=indicator.factor,
            teller=indicator.teller.omschrijving,
            noemer=indicator.noemer.omschrijving if indicator.noemer is not None else "",
            min_noemer=indicator.min_noemer,
            wijken="wijk" in indicator.niveaus,
            domein=indicator.domein,
            gegevensset=indicator.gegevensset,
            reeks=indicator.reeks,
            categorie=indicator.categorie,
            matrix=tuple(indicator.matrix.items()),
            geheimhouding=indicator.geheimhouding,
        )

    @classmethod
    def unknown(cls, indicator_id: str, eenheid: str) -> IndicatorView:
        """An indicator in the data but not (any more) in the catalogue: show it, plainly."""
        label, factor = UNITS.get(eenheid, (eenheid, 1.0))
        return cls(indicator_id, indicator_id, "", eenheid, label, factor, "", "", None)

    @property
    def label(self) -> str:
        """Short name inside its block: the category of a reeks, else the title."""
        return self.categorie or self.titel

    @property
    def has_ratio(self) -> bool:
        return self.eenheid in ("pct", "per_1000")

    @property
    def formule(self) -> str:
        if self.eenheid == "pct":
            return "teller / noemer × 100"
        if self.eenheid == "per_1000":
            return "teller / noemer × 1.000"
        if self.eenheid == "aantal":
            return "het aantal uit de teller (geen noemer)"
        if self.eenheid == "dagen":
            return "de mediaan van de teller, in dagen (geen noemer)"
        return f"teller / noemer × {fmt_number(self.factor)}"


@dataclass
class Block:
    """One indicator, or the indicators of one reeks, shown together."""

    key: str
    titel: str
    domein: str
    views: list[IndicatorView] = field(default_factory=list)

    @property
    def is_reeks(self) -> bool:
        return len(self.views) > 1 or self.views[0].reeks is not None

    @property
    def eenheid(self) -> str:
        return self.views[0].eenheid

    @property
    def eenheid_label(self) -> str:
        return self.views[0].eenheid_label


# --------------------------------------------------------------------------------------------
# Data preparation


def _periode_key(periode: str) -> tuple:
    """2024-H1, 2024-H2, 2024 (the year), 2025-H1: halves before their year figure."""
    year, _, half = str(periode).partition("-H")
    if year.isdigit():
        return (int(year), int(half) if half.isdigit() else 3, "")
    return (9999, 9, str(periode))


def _is_halfjaar(periode: str) -> bool:
    return not YEAR.fullmatch(str(periode))


def _prepare(indicatoren: pd.DataFrame) -> pd.DataFrame:
    """Normalise dtypes and blank every secret value, whatever arrives.

    DuckDB gives float NaN, the disclosure step nullable Float64 with <NA>; the pages want one
    form. A row flagged secret (or with a missing flag) loses its `waarde` here, so no later
    step can show or chart it by mistake.
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in indicatoren.columns]
    if missing:
        raise ValueError(f"De tabel met indicatoren mist kolommen: {', '.join(missing)}.")
    df = indicatoren.copy()
    for column in ("teller", "noemer", "waarde"):
        df[column] = pd.to_numeric(df[column], errors="coerce").astype("float64")
    df["geheim"] = df["geheim"].astype("boolean").fillna(True).astype(bool) | df["waarde"].isna()
    df.loc[df["geheim"], "waarde"] = float("nan")
    for column in ("indicator_id", "periode", "regio_code", "regio_niveau", "gemeente_code", "eenheid"):
        df[column] = df[column].astype(str)
    df["regio_naam"] = df["regio_naam"].fillna(df["regio_code"]).astype(str)
    df["geheim_reden"] = df["geheim_reden"].astype(object).where(df["geheim_reden"].notna(), None)
    if "periode_soort" in df.columns:
        soort = df["periode_soort"].astype(object).where(df["periode_soort"].notna(), None)
        derived = df["periode"].map(lambda p: "halfjaar" if _is_halfjaar(p) else "jaar")
        df["periode_soort"] = soort.fillna(derived).astype(str)
    else:
        df["periode_soort"] = df["periode"].map(lambda p: "halfjaar" if _is_halfjaar(p) else "jaar")
    for column, what in (("gemeente_code", "gemeentecode"), ("indicator_id", "indicator")):
        bad = sorted({code for code in df[column] if not SAFE_CODE.fullmatch(code)})
        if bad:
            raise ValueError(f"Ongeldige {what}(s) in de indicatoren: {', '.join(bad)}.")
    return df


def _indicator_views(df: pd.DataFrame, catalogue) -> list[IndicatorView]:
    """Catalogue order (so pages read the same every release), limited to what has data."""
    present = list(dict.fromkeys(df["indicator_id"]))
    views = [IndicatorView.from_catalogue(i) for i in catalogue if i.id in present]
    known = {view.id for view in views}
    for indicator_id in sorted(set(present) - known):
        eenheid = df.loc[df["indicator_id"] == indicator_id, "eenheid"].iloc[0]
        views.append(IndicatorView.unknown(indicator_id, eenheid))
    return views


def _reeks_titel(reeks: str, views: list[IndicatorView]) -> str:
    if reeks in REEKSEN:
        return REEKSEN[reeks]
    first = views[0].titel
    return first.split(":")[0].strip() if ":" in first else reeks.replace("_", " ").capitalize()


def _blocks(views: list[IndicatorView]) -> list[Block]:
    """Views grouped: a reeks becomes one block (in the domein of its members, or
    'Domeinoverstijgend' when they span domeinen), every other indicator a block of its own."""
    blocks: list[Block] = []
    by_reeks: dict[str, Block] = {}
    for view in views:
        if view.reeks:
            block = by_reeks.get(view.reeks)
            if block is None:
                block = by_reeks[view.reeks] = Block(view.reeks, "", view.domein)
                blocks.append(block)
            block.views.append(view)
            if block.domein != view.domein:
                block.domein = "integraal"
        else:
            blocks.append(Block(view.id, view.titel, view.domein, [view]))
    for block in by_reeks.values():
        block.titel = _reeks_titel(block.key, block.views)
    order = list(DOMEINEN)
    return sorted(blocks, key=lambda b: order.index(b.domein) if b.domein in order else len(order))


def benchmark(df: pd.DataFrame, factors: dict[str, float]) -> pd.DataFrame:
    """The pooled figure of all gemeenten per indicator and periode: sum(teller) / sum(noemer) × factor.

    Pooled (weighted) rather than a median, so it is the rate of the monitor's population as a
    whole and agrees with how each gemeente's own rate is computed. It only uses gemeente rows
    whose value is published (not secret), so it reveals nothing the tables don't already show.
    Columns: indicator_id, periode, teller, noemer, gemeenten, waarde.
    """
    rows = df[(df["regio_niveau"] == "gemeente") & ~df["geheim"] & df["teller"].notna() & df["noemer"].notna()]
    grouped = (
        rows.groupby(["indicator_id", "periode"], as_index=False)
        .agg(teller=("teller", "sum"), noemer=("noemer", "sum"), gemeenten=("gemeente_code", "nunique"))
    )
    factor = grouped["indicator_id"].map(factors).astype("float64")
    grouped["waarde"] = (grouped["teller"] / grouped["noemer"].where(grouped["noemer"] > 0) * factor).round(1)
    return grouped


def simple_benchmark(df: pd.DataFrame, factors: dict[str, float]) -> pd.DataFrame:
    """A benchmark in the shape of publish.benchmark, for when none is given: group 'nederland' only.

    Per indicator and periode: median and P25–P75 of the published gemeente values, and as
    `groep_waarde` the pooled figure of `benchmark` (for counts and medians, which have no noemer:
    the median). One row per gemeente that has a row, like publish.benchmark.
    """
    gemeente = df[df["regio_niveau"] == "gemeente"]
    published = gemeente[~gemeente["geheim"]]
    stats = (
        published.groupby(["indicator_id", "periode"])["waarde"]
        .agg(groep_mediaan="median", groep_p25=lambda s: s.quantile(0.25), groep_p75=lambda s: s.quantile(0.75),
             groep_aantal="count")
        .reset_index()
    )
    pooled = benchmark(df, factors)[["indicator_id", "periode", "waarde"]].rename(columns={"waarde": "groep_waarde"})
    stats = stats.merge(pooled, on=["indicator_id", "periode"], how="left")
    stats["groep_waarde"] = stats["groep_waarde"].fillna(stats["groep_mediaan"])
    for column in ("groep_mediaan", "groep_p25", "groep_p75", "groep_waarde"):
        stats[column] = stats[column].round(1)
    rows = gemeente[["indicator_id", "periode", "gemeente_code"]].drop_duplicates()
    out = rows.merge(stats, on=["indicator_id", "periode"], how="inner")
    out["groep_soort"], out["groep_code"], out["groep_naam"] = "nederland", "NL", "Nederland (gemeenten in de monitor)"
    return out[list(BENCHMARK_COLUMNS)]


def _gemeente_names(df: pd.DataFrame) -> dict[str, str]:
    """Name per gemeente code, from its own gemeente-level rows (latest periode wins)."""
    names: dict[str, str] = {}
    rows = df[df["regio_niveau"] == "gemeente"].sort_values("periode")
    for code, naam in zip(rows["gemeente_code"], rows["regio_naam"]):
        names[code] = naam
    for code in df["gemeente_code"].unique():
        names.setdefault(code, code)
    return names


# --------------------------------------------------------------------------------------------
# Table cells: dicts the templates render with the `cell` macro (text, class, title, abbr, sr).


def _cell(text: str, *, secret: bool = False, reason: str | None = None, first: bool = False, kind: str = "getal") -> dict:
    classes = [kind] + (["geheim"] if secret else []) + (["eerste"] if first else [])
    cell = {"text": text, "class": " ".join(classes), "title": None, "abbr": None, "sr": None}
    if secret:
        cell["abbr"] = f"Geheim: {reason}" if reason else "Geheim"
    return cell


def _secret_cell(reason=None, **kwargs) -> dict:
    return _cell(SECRET, secret=True, reason=reason if isinstance(reason, str) and reason else None, **kwargs)


def _missing_cell(text: str = "–", title: str = "Geen cijfer", **kwargs) -> dict:
    return _cell(text, **kwargs) | {"title": title}


def _niet_geleverd(**kwargs) -> dict:
    cell = _cell("niet geleverd", **kwargs)
    cell["class"] += " ontbreekt"
    cell["title"] = "Deze gemeente heeft dit cijfer niet geleverd."
    return cell


def _value_cell(row, *, missing: str = "niet geleverd", **kwargs) -> dict:
    if row is None:
        return _niet_geleverd(**kwargs) if missing == "niet geleverd" else _missing_cell(**kwargs)
    if is_secret(row):
        return _secret_cell(row.get("geheim_reden"), **kwargs)
    return _cell(fmt_number(row["waarde"], 1), **kwargs)


def _count_cell(row, column: str, **kwargs) -> dict:
    if row is None:
        return _missing_cell(**kwargs)
    value = row[column]
    if is_missing(value):
        return _secret_cell(row.get("geheim_reden"), **kwargs)
    return _cell(fmt_count(value), **kwargs)


def _number_cell(value, *, decimals: int = 1, missing_title: str = "Geen vergelijking beschikbaar") -> dict:
    if value is None or is_missing(value):
        return _missing_cell(title=missing_title)
    return _cell(fmt_number(value, decimals))


def _band_text(stats: dict | None) -> str | None:
    if stats is None or is_missing(stats.get("groep_mediaan")):
        return None
    text = fmt_number(stats["groep_mediaan"], 1)
    if not is_missing(stats.get("groep_p25")) and not is_missing(stats.get("groep_p75")):
        text += f" ({fmt_number(stats['groep_p25'], 1)}–{fmt_number(stats['groep_p75'], 1)})"
    return text


def _band_cell(stats: dict | None) -> dict:
    text = _band_text(stats)
    if text is None:
        return _missing_cell(title="Geen vergelijking beschikbaar")
    cell = _cell(text)
    cell["title"] = f"{stats.get('groep_naam') or ''}: mediaan (25e–75e percentiel)".strip(": ")
    return cell


def _signed(value: float) -> str:
    text = fmt_number(value, 1)
    return text if text.startswith("-") or text == "0,0" else f"+{text}"


def _has_secret(cells) -> bool:
    return any("geheim" in c["class"].split() for c in cells)


# --------------------------------------------------------------------------------------------
# The published data, indexed for the pages


class SiteData:
    """Lookups over the prepared table and the benchmark, shared by every page."""

    def __init__(self, df: pd.DataFrame, views: list[IndicatorView], bench: pd.DataFrame):
        self.df = df
        self.views = views
        self.view_by_id = {view.id: view for view in views}
        self.blocks = _blocks(views)
        self.names = _gemeente_names(df)
        self.codes = sorted(self.names)
        self.periodes = sorted(set(df["periode"]), key=_periode_key)
        halves = [p for p in self.periodes if _is_halfjaar(p)]
        self.latest = (halves or self.periodes)[-1]
        self.rows: dict[tuple[str, str, str], dict] = {}
        self.wijk_rows: dict[tuple[str, str], list[dict]] = defaultdict(list)  # (gemeente, indicator)
        self.indicator_periodes: dict[str, list[str]] = defaultdict(list)
        records = df.to_dict("records")
        seen_periodes: dict[str, set[str]] = defaultdict(set)
        for row in records:
            self.rows[(row["indicator_id"], row["periode"], row["regio_code"])] = row
            seen_periodes[row["indicator_id"]].add(row["periode"])
            if row["regio_niveau"] == "wijk":
                self.wijk_rows[(row["gemeente_code"], row["indicator_id"])].append(row)
        for indicator_id, periodes in seen_periodes.items():
            self.indicator_periodes[indicator_id] = sorted(periodes, key=_periode_key)
        self.gemeente_indicators: dict[str, set[str]] = defaultdict(set)
        for row in records:
            if row["regio_niveau"] == "gemeente":
                self.gemeente_indicators[row["gemeente_code"]].add(row["indicator_id"])
        self.bench: dict[tuple[str, str, str, str], dict] = {}
        self.nederland: dict[tuple[str, str], dict] = {}
        for row in bench.to_dict("records"):
            key = (str(row["indicator_id"]), str(row["periode"]), str(row["gemeente_code"]), str(row["groep_soort"]))
            self.bench[key] = row
            if row["groep_soort"] == "nederland":
                self.nederland[(key[0], key[1])] = row

    def row(self, indicator_id: str, periode: str, regio_code: str) -> dict | None:
        return self.rows.get((indicator_id, periode, regio_code))

    def halves(self, indicator_id: str) -> list[str]:
        periodes = self.indicator_periodes.get(indicator_id, [])
        return [p for p in periodes if _is_halfjaar(p)] or periodes

    def latest_of(self, indicator_id: str) -> str | None:
        halves = self.halves(indicator_id)
        return halves[-1] if halves else None

    def nl_value(self, indicator_id: str, periode: str) -> float | None:
        """Nederland: the pooled group value; for a median (dagen), which cannot be pooled, the median."""
        row = self.nederland.get((indicator_id, periode))
        if row is None:
            return None
        value = row.get("groep_waarde")
        view = self.view_by_id.get(indicator_id)
        if is_missing(value) and view is not None and view.eenheid == "dagen":
            value = row.get("groep_mediaan")
        return None if is_missing(value) else float(value)

    def group(self, indicator_id: str, periode: str, code: str, soort: str) -> dict | None:
        return self.bench.get((indicator_id, periode, code, soort))

    def own_value(self, indicator_id: str, periode: str, code: str) -> float | None:
        row = self.row(indicator_id, periode, code)
        return None if row is None or is_secret(row) else float(row["waarde"])


def _filter_benchmark(bench: pd.DataFrame | None, df: pd.DataFrame, factors: dict[str, float]) -> pd.DataFrame:
    """The benchmark to show: the given one restricted to published gemeenten and indicators, or a simple one."""
    if bench is None:
        return simple_benchmark(df, factors)
    missing = [c for c in BENCHMARK_COLUMNS if c not in bench.columns]
    if missing:
        raise ValueError(f"De benchmarktabel mist kolommen: {', '.join(missing)}.")
    out = bench[list(BENCHMARK_COLUMNS)].copy()
    for column in ("indicator_id", "periode", "gemeente_code", "groep_soort"):
        out[column] = out[column].astype(str)
    for column in ("groep_mediaan", "groep_p25", "groep_p75", "groep_waarde"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    keep = out["gemeente_code"].isin(set(df["gemeente_code"])) & out["indicator_id"].isin(set(df["indicator_id"]))
    return out[keep]


# --------------------------------------------------------------------------------------------
# Gemeente page


def _wijk_mark(cell: dict, value: float | None, reference: float | None, naam: str) -> dict:
    """Mark a wijk value that differs more than WIJK_MARGE from its gemeente: text, not colour alone."""
    if value is None or reference is None or reference == 0:
        return cell
    difference = value - reference
    if abs(difference) <= WIJK_MARGE * abs(reference) or abs(difference) < 0.1:
        return cell
    hoger = difference > 0
    cell["class"] += " opvallend " + ("hoger" if hoger else "lager")
    cell["text"] = ("▲ " if hoger else "▼ ") + cell["text"]
    cell["sr"] = f" (opvallend {'hoger' if hoger else 'lager'} dan {naam})"
    cell["title"] = f"Opvallend {'hoger' if hoger else 'lager'} dan {naam} ({fmt_number(reference, 1)})"
    return cell


def _wijk_table(data: SiteData, block: Block, code: str, naam: str) -> dict | None:
    views = [v for v in block.views if data.wijk_rows.get((code, v.id))]
    if not views:
        return None
    periodes = {r["periode"] for v in views for r in data.wijk_rows[(code, v.id)]}
    halves = sorted((p for p in periodes if _is_halfjaar(p)), key=_periode_key)
    periode = (halves or sorted(periodes, key=_periode_key))[-1]
    wijken: dict[str, str] = {}
    for view in views:
        for row in data.wijk_rows[(code, view.id)]:
            if row["periode"] == periode:
                wijken[row["regio_code"]] = row["regio_naam"]
    mark = block.eenheid != "aantal"
    single = len(views) == 1 and not block.is_reeks
    view = views[0]
    if single and view.has_ratio:
        headers = ["Teller", "Noemer", f"Waarde ({view.eenheid_label})", f"Verschil met {naam}"]
    elif single:
        headers = [f"Waarde ({view.eenheid_label})"]
    else:
        headers = [v.label for v in views]
    reference = {v.id: data.own_value(v.id, periode, code) for v in views}
    rows = []
    for wijk_code, wijk_naam in sorted(wijken.items(), key=lambda item: (item[1].lower(), item[0])):
        cells = []
        for v in views:
            row = data.row(v.id, periode, wijk_code)
            value = None if row is None or is_secret(row) else float(row["waarde"])
            if single and v.has_ratio:
                cells += [_count_cell(row, "teller"), _count_cell(row, "noemer")]
            cell = _value_cell(row, missing="–")
            if mark:
                cell = _wijk_mark(cell, value, reference[v.id], naam)
            cells.append(cell)
            if single and v.has_ratio:
                ref = reference[v.id]
                cells.append(_cell(_signed(value - ref)) if value is not None and ref is not None
                             else _missing_cell(title="Niet te berekenen"))
        rows.append({"naam": wijk_naam, "cells": cells})
    all_cells = [c for r in rows for c in r["cells"]]
    return {
        "periode": periode,
        "headers": headers,
        "rows": rows,
        "geheim": _has_secret(all_cells),
        "opvallend": any("opvallend" in c["class"] for c in all_cells),
        "markeert": mark,
    }


def _trend_table(data: SiteData, block: Block, code: str, naam: str) -> dict:
    views = block.views
    periodes = sorted({p for v in views for p in data.indicator_periodes[v.id]}, key=_periode_key)
    single = len(views) == 1 and not block.is_reeks
    view = views[0]
    if single:
        headers = (["Teller", "Noemer"] if view.has_ratio else []) + [
            f"{naam} ({view.eenheid_label})", "Vergelijkbare gemeenten: mediaan (P25–P75)", "Nederland"]
    else:
        headers = [v.label for v in views]
    rows = []
    for periode in periodes:
        if single:
            row = data.row(view.id, periode, code)
            cells = [_count_cell(row, "teller"), _count_cell(row, "noemer")] if view.has_ratio else []
            cells += [
                _value_cell(row),
                _band_cell(data.group(view.id, periode, code, "vergelijkbaar")),
                _number_cell(data.nl_value(view.id, periode)),
            ]
        else:
            cells = [_value_cell(data.row(v.id, periode, code)) for v in views]
        rows.append({"periode": periode, "cells": cells})
    return {"headers": headers, "rows": rows, "geheim": _has_secret([c for r in rows for c in r["cells"]])}


def _kern_rows(data: SiteData, block: Block, code: str) -> list[dict]:
    out = []
    for view in block.views:
        periode = data.latest_of(view.id)
        row = data.row(view.id, periode, code)
        halves = data.halves(view.id)
        previous = halves[halves.index(periode) - 1] if periode in halves and halves.index(periode) > 0 else None
        change = None
        own = data.own_value(view.id, periode, code)
        before = data.own_value(view.id, previous, code) if previous else None
        if own is not None and before is not None:
            change = _cell(_signed(own - before))
            change["title"] = f"Ten opzichte van {fmt_periode(previous)} ({fmt_number(before, 1)})"
        else:
            change = _missing_cell(title="Geen vergelijking met de vorige periode mogelijk")
        nl = data.nl_value(view.id, periode) if view.eenheid != "aantal" else None
        out.append({
            "view": view,
            "periode": periode,
            "cells": [
                _value_cell(row),
                change,
                *(_band_cell(data.group(view.id, periode, code, soort)) for soort in BAND_GROUPS),
                _number_cell(nl, missing_title="Niet van toepassing" if view.eenheid == "aantal" else "Geen gegevens"),
            ],
        })
    return out


def _block_chart(data: SiteData, block: Block, code: str, naam: str) -> tuple[Markup, str]:
    """One compact chart per block, and its caption."""
    views = block.views
    label = block.eenheid_label
    if not block.is_reeks:
        view = views[0]
        halves = data.halves(view.id)
        x = [fmt_periode(p) for p in halves]
        own = [data.own_value(view.id, p, code) for p in halves]
        soort = next((s for s in BAND_GROUPS if any(data.group(view.id, p, code, s) for p in halves)), "nederland")
        groups = [data.group(view.id, p, code, soort) or {} for p in halves]
        figure = charts.trend_lines(
            x, own=own, own_name=naam, eenheid_label=label, title=f"{view.titel} ({label})",
            peer_median=[g.get("groep_mediaan") for g in groups],
            peer_p25=[g.get("groep_p25") for g in groups], peer_p75=[g.get("groep_p75") for g in groups],
            peer_name=f"{GROEPEN[soort]} (mediaan)",
            nederland=None if view.eenheid == "aantal" else [data.nl_value(view.id, p) for p in halves],
        )
        caption = (f"{view.titel} in {naam} per halfjaar (blauw), met de mediaan en de middelste helft van "
                   f"{GROEPEN[soort].lower()} (grijs) en Nederland (rood gestippeld). Een ontbrekend punt is geheim "
                   "of niet geleverd; de tabel hieronder geeft alle cijfers.")
        return Markup(charts.to_html(figure, f"grafiek-{block.key}")), caption
    if block.eenheid == "aantal":
        halves = sorted({p for v in views for p in data.halves(v.id)}, key=_periode_key)
        series = {v.label: [data.own_value(v.id, p, code) for p in halves] for v in views}
        figure = charts.category_trend([fmt_periode(p) for p in halves], series, eenheid_label=label,
                                       title=f"{block.titel} in {naam}")
        caption = f"{block.titel} in {naam} per halfjaar, per categorie. De tabel hieronder geeft alle cijfers."
        return Markup(charts.to_html(figure, f"grafiek-{block.key}")), caption
    periode = max((data.latest_of(v.id) for v in views), key=_periode_key)
    figure = charts.category_bars(
        [v.label for v in views], own=[data.own_value(v.id, periode, code) for v in views], own_name=naam,
        eenheid_label=label, title=f"{block.titel} ({label}), {fmt_periode(periode)}",
        compare=[data.nl_value(v.id, periode) for v in views],
    )
    caption = (f"{block.titel} in {naam} (blauw) en Nederland (grijs), {fmt_periode(periode)}. Een punt (.) is "
               "geheim of niet geleverd; de tabel ‘Kerncijfers’ hierboven geeft dezelfde cijfers.")
    return Markup(charts.to_html(figure, f"grafiek-{block.key}")), caption


def _gemeente_context(data: SiteData, code: str) -> dict:
    naam = data.names[code]
    own = data.gemeente_indicators.get(code, set()) | {
        indicator for (gemeente, indicator) in data.wijk_rows if gemeente == code
    }
    domeinen = []
    for domein, titel in DOMEINEN.items():
        blocks = []
        for block in data.blocks:
            if block.domein != domein or not any(v.id in own for v in block.views):
                continue
            kern = _kern_rows(data, block, code)
            chart, caption = _block_chart(data, block, code, naam)
            blocks.append({
                "block": block,
                "kern": kern,
                "kern_geheim": _has_secret([c for r in kern for c in r["cells"]]),
                "chart": chart,
                "caption": caption,
                "trend": _trend_table(data, block, code, naam),
                "wijken": _wijk_table(data, block, code, naam),
            })
        if blocks:
            domeinen.append({"id": f"domein-{domein}", "titel": titel, "blocks": blocks})
    niet = [v for v in data.views if v.id not in own]
    return {"code": code, "naam": naam, "domeinen": domeinen, "niet_geleverd": niet}


# --------------------------------------------------------------------------------------------
# Home, indicator, revisions and downloads pages


def _headlines(data: SiteData) -> list[dict]:
    ids = [i for i in HEADLINES if i in data.view_by_id] or [v.id for v in data.views if v.has_ratio][:4]
    out = []
    for indicator_id in ids:
        view = data.view_by_id[indicator_id]
        periode = data.latest_of(indicator_id)
        value = data.nl_value(indicator_id, periode)
        halves = data.halves(indicator_id)
        previous = halves[-2] if len(halves) > 1 else None
        before = data.nl_value(indicator_id, previous) if previous else None
        out.append({
            "view": view,
            "periode": periode,
            "waarde": fmt_number(value, 1) if value is not None else SECRET,
            "vorige": None if before is None else {"periode": previous, "waarde": fmt_number(before, 1)},
        })
    return out


def _releases_context(releases: pd.DataFrame | None, revised: set[str]) -> list[dict]:
    if releases is None or len(releases) == 0:
        return []
    out = []
    rows = releases.copy()
    rows["_order"] = pd.to_datetime(rows.get("gepubliceerd_op"), errors="coerce")
    for row in rows.sort_values("_order", ascending=False, na_position="last").to_dict("records"):
        moment = row.get("gepubliceerd_op")
        moment = None if is_missing(moment) else pd.Timestamp(moment).to_pydatetime()
        release_id = str(row.get("release_id"))
        herzien = row.get("herzien")
        out.append({
            "id": release_id,
            "anker": "release-" + re.sub(r"[^A-Za-z0-9_-]", "-", release_id),
            "periode": "" if is_missing(row.get("periode")) else fmt_periode(str(row.get("periode"))),
            "status": "" if is_missing(row.get("status")) else str(row.get("status")),
            "gepubliceerd": fmt_datetime(moment) if moment else "–",
            "gepubliceerd_iso": moment.isoformat(timespec="minutes") if moment else "",
            "cijfers": "–" if is_missing(row.get("cijfers")) else fmt_count(row.get("cijfers")),
            "herzien": "–" if is_missing(herzien) else fmt_count(herzien),
            "revisies": release_id in revised,
        })
    return out


def _index_context(data: SiteData, releases: list[dict]) -> dict:
    domeinen = []
    for domein, titel in DOMEINEN.items():
        blocks = [b for b in data.blocks if b.domein == domein]
        if blocks:
            domeinen.append({"id": f"domein-{domein}", "titel": titel, "blocks": blocks})
    return {
        "gemeenten": [{"code": c, "naam": data.names[c]} for c in sorted(data.codes, key=lambda c: (data.names[c].lower(), c))],
        "headlines": _headlines(data),
        "domeinen": domeinen,
        "releases": releases,
    }


def _indicator_context(data: SiteData, view: IndicatorView) -> dict:
    periode = data.latest_of(view.id)
    gemeenten = []
    for code in data.codes:
        row = data.row(view.id, periode, code)
        if row is None or row.get("regio_niveau") != "gemeente":
            continue
        peer = data.group(view.id, periode, code, "vergelijkbaar")
        gemeenten.append({
            "code": code, "naam": data.names[code], "row": row,
            "waarde": data.own_value(view.id, periode, code),
            "peer": peer,
            "cells": [
                _value_cell(row),
                _band_cell(peer),
                _band_cell(data.group(view.id, periode, code, "grootteklasse")),
            ],
        })
    gemeenten.sort(key=lambda g: (g["waarde"] is None, -(g["waarde"] or 0), g["naam"].lower()))
    shown = [g for g in gemeenten if g["waarde"] is not None]
    nl = data.nl_value(view.id, periode) if view.eenheid != "aantal" else None
    chart = None
    if shown:
        figure = charts.gemeenten_dots(
            [g["naam"] for g in shown], [g["waarde"] for g in shown],
            peer_medians=[(g["peer"] or {}).get("groep_mediaan") for g in shown],
            eenheid_label=view.eenheid_label, title=f"{view.titel} ({view.eenheid_label}), {fmt_periode(periode)}",
            nederland=nl,
        )
        chart = Markup(charts.to_html(figure, f"grafiek-{view.id}"))
    nederland = [
        {
            "periode": p,
            "cells": [
                _number_cell(data.nl_value(view.id, p), missing_title="Geen gegevens"),
                _band_cell(data.nederland.get((view.id, p))),
            ],
        }
        for p in data.indicator_periodes[view.id]
    ]
    siblings = [v for v in data.views if view.reeks and v.reeks == view.reeks]
    block = next(b for b in data.blocks if view in b.views)
    return {
        "view": view,
        "block": block,
        "domein_titel": DOMEINEN.get(view.domein, view.domein),
        "periode": periode,
        "gemeenten": gemeenten,
        "verborgen": len(gemeenten) - len(shown),
        "geheim": _has_secret([c for g in gemeenten for c in g["cells"]]),
        "chart": chart,
        "nederland": nederland,
        "siblings": siblings,
        "bron": BRON,
    }


def _revisions_context(revisions: pd.DataFrame | None, data: SiteData) -> list[dict]:
    """Revised figures of published regions only; a figure that is secret now shows no value or difference."""
    if revisions is None or len(revisions) == 0:
        return []
    regions = set(data.df["regio_code"])
    rows = revisions[revisions["regio_code"].astype(str).isin(regions)].copy()
    rows = rows[rows["indicator_id"].astype(str).isin(set(data.view_by_id))]
    if rows.empty:
        return []
    groups: dict[str, list[dict]] = {}
    rows = rows.sort_values(["release_nieuw", "indicator_id", "periode", "regio_code"])
    for row in rows.to_dict("records"):
        view = data.view_by_id[str(row["indicator_id"])]
        current = data.row(view.id, str(row["periode"]), str(row["regio_code"]))
        secret_now = current is not None and is_secret(current)
        old = None if is_missing(row.get("waarde_oud")) else float(row["waarde_oud"])
        new = None if secret_now or is_missing(row.get("waarde_nieuw")) else float(row["waarde_nieuw"])
        verschil = None if old is None or new is None else (
            float(row["verschil"]) if not is_missing(row.get("verschil")) else new - old)
        groups.setdefault(str(row["release_nieuw"]), []).append({
            "view": view,
            "periode": str(row["periode"]),
            "regio": str(row.get("regio_naam") or row["regio_code"]),
            "release_oud": str(row.get("release_oud", "")),
            "cells": [
                _cell(fmt_number(old, 1)) if old is not None else _secret_cell("geen waarde in de vorige release"),
                _cell(fmt_number(new, 1)) if new is not None else _secret_cell(
                    current.get("geheim_reden") if current else None),
                _cell(_signed(verschil)) if verschil is not None else _missing_cell(title="Niet te berekenen"),
            ],
        })
    return [
        {"release": release, "anker": "release-" + re.sub(r"[^A-Za-z0-9_-]", "-", release), "rows": items,
         "geheim": _has_secret([c for r in items for c in r["cells"]])}
        for release, items in sorted(groups.items(), reverse=True)
    ]


def _size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{fmt_number(max(size / 1024, 0.1), 1)} kB"
    return f"{fmt_number(size / 1024 / 1024, 1)} MB"


def _copy_downloads(downloads: dict[str, Path] | None, target: Path) -> list[dict]:
    if not downloads:
        return []
    folder = target / "downloads"
    folder.mkdir()
    out = []
    used: set[str] = set()
    for name, source in downloads.items():
        source = Path(source)
        if not source.is_file():
            raise ValueError(f"Downloadbestand voor ‘{name}’ bestaat niet: {source}.")
        filename = re.sub(r"[^A-Za-z0-9._-]", "_", source.name)
        if filename in used:
            filename = f"{re.sub(r'[^A-Za-z0-9_-]', '_', name)}-{filename}"
        used.add(filename)
        shutil.copyfile(source, folder / filename)
        suffix = source.suffix.lower()
        soort = {".csv": "CSV", ".parquet": "Parquet", ".json": "JSON", ".xlsx": "Excel"}.get(suffix, suffix.lstrip(".").upper())
        toelichting = ""
        if suffix == ".csv":
            with open(source, encoding="utf-8-sig", errors="replace") as handle:
                header = handle.readline()
            toelichting = ("puntkomma als scheidingsteken, komma als decimaalteken" if ";" in header
                           else "komma als scheidingsteken")
        elif suffix == ".parquet":
            toelichting = "kolomtypen behouden; te lezen met onder meer R, Python en DuckDB"
        out.append({"naam": name, "href": f"downloads/{filename}", "bestand": filename, "soort": soort,
                    "grootte": _size_text((folder / filename).stat().st_size), "toelichting": toelichting})
    return out


def _copy_quality_docs(quality_docs: Path | None, target: Path) -> bool:
    if quality_docs is None:
        return False
    source = Path(quality_docs)
    if not (source / "index.html").is_file():
        raise ValueError(f"De map met kwaliteitsrapporten heeft geen index.html: {source}.")
    shutil.copytree(source, target / "kwaliteit")
    return True


# --------------------------------------------------------------------------------------------
# Rendering


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["periode"] = fmt_periode
    env.filters["inline"] = _inline_markup
    return env


def _inline_markup(text: str) -> Markup:
    """The dictionary's light markup (`code`, **bold**) as HTML, after escaping everything else."""
    escaped = str(Markup.escape(text))
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    escaped = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)
    return Markup(escaped)


def _write(env: Environment, target: Path, relative: str, template: str, **context) -> Path:
    page = target / relative
    page.parent.mkdir(parents=True, exist_ok=True)
    root = "../" * relative.count("/")
    context.setdefault("charts", False)
    page.write_text(env.get_template(template).render(root=root, **context), encoding="utf-8")
    return page


def _write_dictionary(env: Environment, target: Path, common: dict) -> Path:
    """gegevenswoordenboek.html: the delivery rules, generated from the same contracts the intake runs."""
    return _write(
        env, target, "gegevenswoordenboek.html", "gegevenswoordenboek.html.j2",
        title="Gegevenswoordenboek", versie=CONTRACT_VERSION, intro=dictionary.INTRO,
        bestanden=dictionary.FILES, oordelen=dictionary.VERDICTS, domeinen=dictionary.sections(),
        codelijsten=dictionary.code_lists(), **common,
    )


def _release_status(df: pd.DataFrame, release: str, releases: pd.DataFrame | None) -> str:
    if releases is not None and len(releases) and "status" in releases.columns:
        match = releases[releases["release_id"].astype(str) == str(release)]
        if len(match) and not is_missing(match["status"].iloc[0]):
            return str(match["status"].iloc[0])
    statuses = sorted({str(s) for s in df["status"].dropna()}) if "status" in df.columns else []
    return ", ".join(statuses)


def _render(
    df: pd.DataFrame,
    target: Path,
    *,
    release: str,
    catalogue,
    generated_at: datetime,
    benchmark: pd.DataFrame | None = None,
    releases: pd.DataFrame | None = None,
    revisions: pd.DataFrame | None = None,
    downloads: dict[str, Path] | None = None,
    quality_docs: Path | None = None,
) -> tuple[list[Path], list[str]]:
    """Write the whole site into `target` (an empty folder); return the pages and gemeente codes."""
    views = _indicator_views(df, catalogue)
    bench = _filter_benchmark(benchmark, df, {view.id: view.factor for view in views})
    data = SiteData(df, views, bench)
    revision_groups = _revisions_context(revisions, data)

    target.mkdir(parents=True)
    (target / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    for asset in ASSETS:
        shutil.copyfile(STATIC / asset, target / asset)
    files = _copy_downloads(downloads, target)
    has_quality = _copy_quality_docs(quality_docs, target)

    env = _environment()
    common = {
        "release": release,
        "generated": fmt_datetime(generated_at),
        "generated_iso": generated_at.isoformat(timespec="minutes"),
        "status": _release_status(df, release, releases),
        "latest": data.latest,
        "benchmark_uitleg": BENCHMARK_UITLEG,
        "aantal_gemeenten": len(data.codes),
        "has_revisions": bool(revision_groups),
        "groepen": GROEPEN,
    }
    releases_list = _releases_context(releases, {group["release"] for group in revision_groups})

    pages = [
        _write(env, target, "index.html", "index.html.j2", title="Home", **common,
               **_index_context(data, releases_list)),
        _write(env, target, "gemeente/index.html", "gemeenten.html.j2", title="Alle gemeenten", **common,
               gemeenten=[{"code": c, "naam": data.names[c]} for c in
                          sorted(data.codes, key=lambda c: (data.names[c].lower(), c))]),
        _write_dictionary(env, target, common),
        _write(env, target, "datakwaliteit.html", "datakwaliteit.html.j2", title="Datakwaliteit",
               has_quality=has_quality, **common),
        _write(env, target, "downloads.html", "downloads.html.j2", title="Downloads", bestanden=files, **common),
    ]
    if revision_groups:
        pages.append(_write(env, target, "revisies.html", "revisies.html.j2", title="Revisies",
                            groepen_revisies=revision_groups, **common))
    for view in views:
        context = _indicator_context(data, view)
        pages.append(_write(env, target, f"indicator/{view.id}.html", "indicator.html.j2", title=view.titel,
                            charts=context["chart"] is not None, **common, **context))
    for code in data.codes:
        pages.append(_write(env, target, f"gemeente/{code}.html", "gemeente.html.j2", title=data.names[code],
                            charts=True, **common, **_gemeente_context(data, code)))
    return pages, data.codes


def _swap(built: Path, out_dir: Path) -> None:
    """Put `built` where `out_dir` is: old site aside, new site in, old site removed.

    Both renames are within one folder (same file system), so each is atomic; if the second
    fails the old site is put back.
    """
    backup = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if backup.exists():
        shutil.rmtree(backup)
    had_old = out_dir.exists()
    if had_old:
        os.rename(out_dir, backup)
    try:
        os.rename(built, out_dir)
    except BaseException:
        if had_old:
            os.rename(backup, out_dir)
        raise
    if had_old:
        shutil.rmtree(backup, ignore_errors=True)


def build_site(
    indicatoren: pd.DataFrame,
    out_dir: Path,
    *,
    release: str,
    catalogue=None,
    generated_at: datetime | None = None,
    benchmark: pd.DataFrame | None = None,
    releases: pd.DataFrame | None = None,
    revisions: pd.DataFrame | None = None,
    downloads: dict[str, Path] | None = None,
    quality_docs: Path | None = None,
) -> SiteSummary:
    """Build the dashboard site for `indicatoren` (publish.indicatoren) into `out_dir`, atomically.

    Optional inputs (each page degrades gracefully without them):

    - `benchmark`: publish.benchmark (groep_soort nederland/provincie/grootteklasse/vergelijkbaar);
      without it a simple 'nederland' benchmark is computed from the published rows
      (`simple_benchmark`), so there are no peer-group bands;
    - `releases`: release_id, periode, status, gepubliceerd_op, cijfers, herzien — listed on the home page;
    - `revisions`: indicator_id, periode, regio_code, regio_naam, release_oud, release_nieuw,
      waarde_oud, waarde_nieuw, verschil — shown on revisies.html (only rows of published regions);
    - `downloads`: name → file, copied into downloads/ and listed on downloads.html;
    - `quality_docs`: a folder with index.html (offline Data Docs), copied to kwaliteit/.

    Raises ValueError (Dutch message) when there is nothing to publish or an input is unusable;
    the old site then stays.
    """
    if indicatoren is None or len(indicatoren) == 0:
        raise ValueError(
            "Er zijn geen gepubliceerde indicatoren: er is niets om te publiceren. De bestaande site blijft ongewijzigd."
        )
    df = _prepare(indicatoren)
    catalogue = load_catalogue() if catalogue is None else catalogue
    generated_at = generated_at or datetime.now(TIMEZONE)
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)

    temporary = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"
    if temporary.exists():
        shutil.rmtree(temporary)
    try:
        pages, codes = _render(
            df, temporary, release=release, catalogue=catalogue, generated_at=generated_at, benchmark=benchmark,
            releases=releases, revisions=revisions, downloads=downloads, quality_docs=quality_docs,
        )
        _swap(temporary, out_dir)
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
    final_pages = [out_dir / page.relative_to(temporary) for page in pages]
    return SiteSummary(pages=final_pages, gemeenten=codes, out_dir=out_dir, index=out_dir / "index.html")
