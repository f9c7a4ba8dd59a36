"""The static dashboard site: publish.indicatoren in, a folder of HTML pages out.

Plain Python (no Dagster), so the same function serves the pipeline asset, the CLI and the tests.

Why a static site: the published figures change once per release, readers (raadsleden, the
public) need no login, and a folder of files can be put on any web server or opened from disk.
Everything the pages need lives in the folder itself — plotly.min.js is written once and loaded
by relative path — so the site works offline from file:// and never asks a CDN for anything.

Only what is in `indicatoren` is shown: that table holds just the gemeenten that consented to
publication, after disclosure control. The site adds nothing but the benchmark of all gemeenten,
which is computed from published, non-secret counts only (see `benchmark`).

Publication is atomic: the site is built in a hidden sibling folder and swapped into place, so a
failure at any point leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from dashboards import charts
from dashboards.format import SECRET, fmt_count, fmt_datetime, fmt_number, fmt_periode, is_secret
from indicators.catalogue import UNITS, Indicator, load_catalogue

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
TIMEZONE = ZoneInfo("Europe/Amsterdam")

REQUIRED_COLUMNS = (
    "indicator_id", "periode", "regio_code", "regio_niveau", "regio_naam", "gemeente_code",
    "teller", "noemer", "waarde", "geheim", "geheim_reden", "eenheid",
)  # fmt: skip
SAFE_CODE = re.compile(r"[A-Za-z0-9_-]+")

BENCHMARK_UITLEG = (
    "‘Alle gemeenten’ is het gewogen gemiddelde van de gemeenten in deze monitor: de som van hun "
    "tellers gedeeld door de som van hun noemers, per periode. Alleen gemeenten met een gepubliceerde "
    "(niet-geheime) waarde tellen mee; grote gemeenten wegen daardoor zwaarder dan kleine."
)


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
        )

    @classmethod
    def unknown(cls, indicator_id: str, eenheid: str) -> IndicatorView:
        """An indicator in the data but not (any more) in the catalogue: show it, plainly."""
        label, factor = UNITS.get(eenheid, (eenheid, 1.0))
        return cls(indicator_id, indicator_id, "", eenheid, label, factor, "", "", None)


# --------------------------------------------------------------------------------------------
# Data preparation


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
    bad = sorted({code for code in df["gemeente_code"] if not SAFE_CODE.fullmatch(code)})
    if bad:
        raise ValueError(f"Ongeldige gemeentecode(s) in de indicatoren: {', '.join(bad)}.")
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


def benchmark(df: pd.DataFrame, factors: dict[str, float]) -> pd.DataFrame:
    """The 'Alle gemeenten' figure per indicator and periode: sum(teller) / sum(noemer) × factor.

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
# Table cells


def _cell(text: str, *, secret: bool = False, reason: str | None = None, first: bool = False) -> dict:
    classes = ["getal"] + (["geheim"] if secret else []) + (["eerste"] if first else [])
    title = f"Geheim: {reason}" if secret and reason else ("Geheim" if secret else None)
    return {"text": text, "class": " ".join(classes), "title": title}


def _value_cell(row, **kwargs) -> dict:
    if row is None:
        return _cell("–", **kwargs) | {"title": "Geen gegevens"}
    if is_secret(row):
        return _cell(SECRET, secret=True, reason=row.get("geheim_reden"), **kwargs)
    return _cell(fmt_number(row["waarde"], 1), **kwargs)


def _count_cell(row, column: str, **kwargs) -> dict:
    if row is None:
        return _cell("–", **kwargs) | {"title": "Geen gegevens"}
    value = row[column]
    if pd.isna(value):
        return _cell(SECRET, secret=True, reason=row.get("geheim_reden"), **kwargs)
    return _cell(fmt_count(value), **kwargs)


def _bench_cell(bench: pd.DataFrame, indicator_id: str, periode: str) -> dict:
    match = bench[(bench["indicator_id"] == indicator_id) & (bench["periode"] == periode)]
    if match.empty or pd.isna(match["waarde"].iloc[0]):
        return _cell(SECRET, secret=True, reason="geen gepubliceerde waarden")
    return _cell(fmt_number(match["waarde"].iloc[0], 1))


# --------------------------------------------------------------------------------------------
# Pages


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


def _write_dictionary(env: Environment, target: Path, common: dict) -> Path:
    """gegevenswoordenboek.html: the delivery rules, generated from the same contracts the intake runs."""
    from contracts import CONTRACT_VERSION
    from contracts import dictionary

    page = target / "gegevenswoordenboek.html"
    page.write_text(
        env.get_template("gegevenswoordenboek.html.j2").render(
            root="", title="Gegevenswoordenboek", versie=CONTRACT_VERSION, intro=dictionary.INTRO,
            bestanden=dictionary.FILES, oordelen=dictionary.VERDICTS, domeinen=dictionary.sections(),
            codelijsten=dictionary.code_lists(), **common,
        ),
        encoding="utf-8",
    )
    return page


def _index_context(df, views, bench, names, periodes, latest) -> dict:
    gemeente_rows = df[df["regio_niveau"] == "gemeente"]
    latest_rows = gemeente_rows[gemeente_rows["periode"] == latest]
    overview = []
    for code in sorted(names, key=lambda c: (names[c].lower(), c)):
        cells = []
        for view in views:
            match = latest_rows[(latest_rows["gemeente_code"] == code) & (latest_rows["indicator_id"] == view.id)]
            cells.append(_value_cell(match.iloc[0] if len(match) else None))
        overview.append({"code": code, "naam": names[code], "cells": cells})
    totals = [_bench_cell(bench, view.id, latest) for view in views]

    sections = []
    for view in views:
        rows = latest_rows[latest_rows["indicator_id"] == view.id]
        if rows.empty:
            chart = None
        else:
            match = bench[(bench["indicator_id"] == view.id) & (bench["periode"] == latest)]
            value = None if match.empty or pd.isna(match["waarde"].iloc[0]) else float(match["waarde"].iloc[0])
            figure = charts.gemeenten_bar(
                rows,
                title=f"{view.titel} ({view.eenheid_label}), {fmt_periode(latest)}",
                eenheid_label=view.eenheid_label,
                benchmark=value,
            )
            chart = Markup(charts.to_html(figure, f"grafiek-{view.id}-gemeenten"))
        sections.append({"view": view, "chart": chart})
    return {"overview": overview, "totals": totals, "sections": sections, "periodes": periodes}


def _gemeente_context(df, code, naam, views, bench, periodes, latest) -> dict:
    own = df[df["gemeente_code"] == code]
    sections = []
    for view in views:
        rows = own[own["indicator_id"] == view.id]
        if rows.empty:
            continue
        gem = rows[rows["regio_niveau"] == "gemeente"].drop_duplicates("periode", keep="last")
        by_periode = {row["periode"]: row for _, row in gem.iterrows()}
        own_periodes = sorted(set(rows["periode"]))
        trend = [
            {
                "periode": periode,
                "cells": [
                    _count_cell(by_periode.get(periode), "teller"),
                    _count_cell(by_periode.get(periode), "noemer"),
                    _value_cell(by_periode.get(periode)),
                    _bench_cell(bench, view.id, periode),
                ],
            }
            for periode in own_periodes
        ]
        view_bench = bench.loc[bench["indicator_id"] == view.id, ["periode", "waarde"]]
        view_bench = view_bench[view_bench["periode"].isin(own_periodes)]
        trend_chart = Markup(
            charts.to_html(
                charts.periode_bars(
                    gem,
                    view_bench,
                    title=f"{view.titel} ({view.eenheid_label}) per periode",
                    eenheid_label=view.eenheid_label,
                    gemeente_naam=naam,
                    periode_labels={p: fmt_periode(p) for p in own_periodes},
                ),
                f"grafiek-{view.id}-perioden",
            )
        )

        wijk_rows = rows[rows["regio_niveau"] == "wijk"]
        wijken, wijk_chart, wijk_periodes = [], None, []
        if not wijk_rows.empty:
            wijk_periodes = sorted(set(wijk_rows["periode"]))
            lookup = {(r["regio_code"], r["periode"]): r for _, r in wijk_rows.iterrows()}
            wijk_names = (
                wijk_rows.sort_values("periode").drop_duplicates("regio_code", keep="last")
                .sort_values(["regio_naam", "regio_code"])
            )
            for wijk_code, wijk_naam in zip(wijk_names["regio_code"], wijk_names["regio_naam"]):
                cells = []
                for periode in wijk_periodes:
                    row = lookup.get((wijk_code, periode))
                    cells += [_count_cell(row, "teller", first=True), _count_cell(row, "noemer"), _value_cell(row)]
                wijken.append({"code": wijk_code, "naam": wijk_naam, "cells": cells})
            wijk_latest = max(wijk_periodes)
            latest_wijk_rows = wijk_rows[wijk_rows["periode"] == wijk_latest]
            own_latest = by_periode.get(wijk_latest)
            reference = None
            if own_latest is not None and not is_secret(own_latest):
                reference = (naam, float(own_latest["waarde"]))
            wijk_chart = Markup(
                charts.to_html(
                    charts.wijken_bar(
                        latest_wijk_rows,
                        title=f"{view.titel} ({view.eenheid_label}) per wijk, {fmt_periode(wijk_latest)}",
                        eenheid_label=view.eenheid_label,
                        gemeente=reference,
                    ),
                    f"grafiek-{view.id}-wijken",
                )
            )
        sections.append(
            {
                "view": view,
                "trend": trend,
                "trend_chart": trend_chart,
                "wijken": wijken,
                "wijk_periodes": wijk_periodes,
                "wijk_chart": wijk_chart,
            }
        )
    return {"code": code, "naam": naam, "sections": sections, "periodes": periodes}


def _render(df: pd.DataFrame, target: Path, *, release: str, catalogue, generated_at: datetime) -> tuple[list[Path], list[str]]:
    """Write the whole site into `target` (an empty folder); return the pages and gemeente codes."""
    views = _indicator_views(df, catalogue)
    bench = benchmark(df, {view.id: view.factor for view in views})
    names = _gemeente_names(df)
    periodes = sorted(set(df["periode"]))
    latest = periodes[-1]
    statuses = sorted({str(s) for s in df["status"].dropna()}) if "status" in df.columns else []

    env = _environment()
    common = {
        "release": release,
        "generated": fmt_datetime(generated_at),
        "generated_iso": generated_at.isoformat(timespec="minutes"),
        "status": ", ".join(statuses),
        "latest": latest,
        "benchmark_uitleg": BENCHMARK_UITLEG,
        "aantal_gemeenten": len(names),
    }

    (target / "gemeente").mkdir(parents=True)
    (target / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    for asset in ("style.css", "locale-nl.js"):
        shutil.copyfile(STATIC / asset, target / asset)

    pages: list[Path] = []
    index = target / "index.html"
    index.write_text(
        env.get_template("index.html.j2").render(
            root="", title="Overzicht", views=views, **common,
            **_index_context(df, views, bench, names, periodes, latest),
        ),
        encoding="utf-8",
    )
    pages.append(index)
    pages.append(_write_dictionary(env, target, common))
    codes = sorted(names)
    template = env.get_template("gemeente.html.j2")
    for code in codes:
        page = target / "gemeente" / f"{code}.html"
        page.write_text(
            template.render(
                root="../", title=names[code], views=views, **common,
                **_gemeente_context(df, code, names[code], views, bench, periodes, latest),
            ),
            encoding="utf-8",
        )
        pages.append(page)
    return pages, codes


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
) -> SiteSummary:
    """Build the dashboard site for `indicatoren` (publish.indicatoren) into `out_dir`, atomically.

    Raises ValueError (Dutch message) when there is nothing to publish; the old site then stays.
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
        pages, codes = _render(df, temporary, release=release, catalogue=catalogue, generated_at=generated_at)
        _swap(temporary, out_dir)
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
    final_pages = [out_dir / page.relative_to(temporary) for page in pages]
    return SiteSummary(pages=final_pages, gemeenten=codes, out_dir=out_dir, index=out_dir / "index.html")
