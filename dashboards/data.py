"""The published tables, checked, normalised and indexed once for every page of the site.

Only what is in `publish.indicatoren` is shown: that table holds just the gemeenten that
consented to publication, after disclosure control. Benchmark, peer-group and revision rows of
any other gemeente are dropped here, before anything is rendered, and every secret row loses its
value in `prepare`, so neither a table nor the chart data of a page can show it.

Built for the national round (342 gemeenten, 3,393 wijken, ~40 indicators, several periodes:
some 600,000 rows): everything is done with vectorised pandas and one pass of plain tuples into
dictionaries; no per-row pandas access.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from contracts import publish
from dashboards.views import Block, IndicatorView, blocks, indicator_views
from vocabulary import periode as periodes
from vocabulary.groepen import NEDERLAND, VERGELIJKBAAR
from vocabulary.reference import gemeenten as all_gemeenten

# The columns the site reads, as declared once in contracts/publish.py.
REQUIRED_COLUMNS = publish.INDICATOREN.kolomnamen
BENCHMARK_COLUMNS = publish.BENCHMARK.kolomnamen
SAFE_CODE = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class Figure:
    """A published figure of one region: `waarde` None when secret (then `reden` says why)."""

    waarde: float | None
    geheim: bool
    reden: str | None
    teller: float | None
    noemer: float | None
    naam: str = ""


@dataclass(frozen=True, slots=True)
class Groep:
    """One comparison group of one gemeente for one indicator and periode (publish.benchmark)."""

    soort: str
    code: str
    naam: str
    mediaan: float | None
    p25: float | None
    p75: float | None
    waarde: float | None
    aantal: int

    @property
    def comparable(self) -> bool:
        """A group of fewer than 2 gemeenten with a figure is not a comparison."""
        return self.aantal >= 2 and (self.mediaan is not None or self.waarde is not None)

    @property
    def has_band(self) -> bool:
        return self.comparable and self.p25 is not None and self.p75 is not None


class InputError(ValueError):
    """A published table the site cannot use; the message says what is wrong (Dutch)."""


def _lists(frame: pd.DataFrame, *columns: str) -> list[list]:
    """Columns as plain Python lists: iterating pandas' Arrow-backed strings row by row is slow.

    Equal texts are one object in a list: `tolist` makes a new string for every cell, and the keys
    of the site's lookups (indicator, periode, gemeente, group) repeat in every row: with 13
    periodes published that was about a gigabyte of copies of a few thousand texts."""
    return [_shared(frame[column]) if isinstance(frame[column].dtype, pd.StringDtype) else frame[column].tolist()
            for column in columns]


def _shared(values: pd.Series) -> list:
    """`values.tolist()` of a text column, with one object per distinct text."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(uniques.tolist(), dtype=object)[codes].tolist()


def _none(value) -> float | None:
    return None if value is None or value != value else float(value)


def _optional(values: pd.Series) -> list[float | None]:
    """A float column as a list of floats with None for NaN: `_none` done vectorised, as a
    national build converts some 600,000 values and a call per value costs a good part of a second."""
    return _optional_array(values.to_numpy(dtype="float64", na_value=np.nan))


def _optional_array(numbers: np.ndarray) -> list[float | None]:
    return np.where(np.isnan(numbers), None, numbers).tolist()


def prepare(indicatoren: pd.DataFrame) -> pd.DataFrame:
    """Normalise dtypes and blank every secret value, whatever arrives.

    DuckDB gives float NaN, the disclosure step nullable Float64 with <NA>; the pages want one
    form. A row flagged secret (or with a missing flag, or without a value) loses its `waarde`
    here, so no later step can show or chart it by mistake.
    """
    if indicatoren is None or len(indicatoren) == 0:
        raise InputError("Er zijn geen gepubliceerde indicatoren: er is niets om te publiceren. De bestaande site blijft ongewijzigd.")
    missing = [column for column in REQUIRED_COLUMNS if column not in indicatoren.columns]
    if missing:
        raise InputError(f"De tabel met indicatoren mist kolommen: {', '.join(missing)}.")
    df = indicatoren[[c for c in indicatoren.columns if c in (*REQUIRED_COLUMNS, "periode_soort", "status", "release")]].copy()
    for column in ("teller", "noemer", "waarde"):
        df[column] = pd.to_numeric(df[column], errors="coerce").astype("float64")
    df["geheim"] = df["geheim"].astype("boolean").fillna(True).astype(bool) | df["waarde"].isna()
    df.loc[df["geheim"], "waarde"] = np.nan
    for column in ("indicator_id", "periode", "regio_code", "regio_niveau", "gemeente_code", "eenheid"):
        df[column] = df[column].astype(str)
    df["regio_naam"] = df["regio_naam"].astype(object).where(df["regio_naam"].notna(), df["regio_code"]).astype(str)
    df["geheim_reden"] = df["geheim_reden"].astype(object).where(df["geheim_reden"].notna(), None)
    for column, what in (("gemeente_code", "gemeentecode"), ("indicator_id", "indicator"), ("periode", "periode")):
        bad = sorted(code for code in df[column].unique() if not SAFE_CODE.fullmatch(code))
        if bad:
            raise InputError(f"Ongeldige {what}(s) in de indicatoren: {', '.join(bad[:10])}.")
    return df


def pooled(df: pd.DataFrame) -> pd.DataFrame:
    """The figure of all published gemeenten together per indicator and periode.

    Pooled (sum of tellers over sum of noemers, × the unit's factor) rather than a median, so it
    is the rate of the monitor's population as a whole, computed like each gemeente's own rate;
    for counts the sum. Only published (not secret) gemeente rows count, so it reveals nothing the
    tables don't already show. Columns: indicator_id, periode, teller, noemer, gemeenten, waarde.
    """
    rows = df[(df["regio_niveau"] == "gemeente") & ~df["geheim"] & df["teller"].notna()]
    grouped = rows.groupby(["indicator_id", "periode", "eenheid"], as_index=False).agg(
        teller=("teller", "sum"), noemer=("noemer", "sum"), gemeenten=("gemeente_code", "nunique")
    )
    factor = grouped["eenheid"].map({"pct": 100.0, "per_1000": 1000.0}).astype("float64")
    rate = grouped["teller"] / grouped["noemer"].where(grouped["noemer"] > 0) * factor
    grouped["waarde"] = rate.where(factor.notna(), grouped["teller"].where(grouped["eenheid"] == "aantal")).round(1)
    return grouped.drop(columns="eenheid")


def shown_rows(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The rows of publish.indicatoren the site reads (for `indicators.export.published_tables`).

    Every page shows a gemeente's figures of every periode, but its wijken only in each
    indicator's latest periode (`SiteData.latest_of`: the latest half-year, or year where it has
    none); the releases page also looks up the current figures of revised regions. The other wijk
    rows — with 13 periodes nearly nine in ten rows of the table — are never read, so the site's
    memory grows with the history of gemeenten, not of wijken. SiteData built from these rows is
    the SiteData of the whole table (tests/unit/test_site.py)."""
    latest = con.execute(
        "SELECT indicator_id || '|' || coalesce(max(periode) FILTER (WHERE periode_soort = 'halfjaar'), max(periode)) "
        "FROM publish.indicatoren GROUP BY indicator_id"
    ).fetchall()
    revised = con.execute("SELECT DISTINCT regio_code FROM publish.revisies WHERE regio_code IS NOT NULL").fetchall()
    shown = "regio_niveau IS DISTINCT FROM 'wijk'"
    shown += " OR list_contains(" + _sql_list(row[0] for row in latest if row[0] is not None) + ", indicator_id || '|' || periode)"
    if revised:
        shown += " OR list_contains(" + _sql_list(row[0] for row in revised) + ", regio_code)"
    return {"indicatoren": shown}


def _sql_list(texts) -> str:
    return "[" + ", ".join("'" + str(text).replace("'", "''") + "'" for text in texts) + "]"


class WijkFigures:
    """(gemeente, indicator) → the figures of its wijken, [(wijk code, Figure)] in table order; [] when none.

    Some 110,000 rows on a national site, and only a gemeente's own pages read its wijken: their
    Figures are made on first use, per gemeente, by the page worker that writes those pages, and
    not one by one before the workers start."""

    def __init__(self, wijk: pd.DataFrame | None = None):
        self._made: dict[str, dict[str, list[tuple[str, Figure]]]] = {}
        self._rows: dict[str, np.ndarray] = {}
        if wijk is None or len(wijk) == 0:
            return
        self._columns = (*_lists(wijk, "indicator_id", "regio_code", "regio_naam", "geheim", "geheim_reden"),
                         *(_optional(wijk[column]) for column in ("waarde", "teller", "noemer")))
        self._rows = wijk.reset_index(drop=True).groupby("gemeente_code", sort=False).indices  # positions in table order

    def _of(self, code: str) -> dict[str, list[tuple[str, Figure]]]:
        made = self._made.get(code)
        if made is None:
            made = self._made[code] = defaultdict(list)
            if code in self._rows:
                indicator, regio, naam, geheim, reden, waarde, teller, noemer = self._columns
                for i in self._rows[code].tolist():
                    made[indicator[i]].append((regio[i], Figure(waarde[i], bool(geheim[i]), reden[i], teller[i], noemer[i], naam[i])))
        return made

    def get(self, key: tuple[str, str], default=None):
        figures = self._of(key[0]).get(key[1])
        return default if figures is None else figures

    def __getitem__(self, key: tuple[str, str]) -> list[tuple[str, Figure]]:
        return self._of(key[0])[key[1]]


class GroupFigures:
    """(indicator, periode, gemeente, groep_soort) → Groep (publish.benchmark), made per gemeente
    and periode on first use.

    The benchmark has a row per gemeente, group, indicator and periode: some 900,000 with 13
    periodes published, made into Groeps up front that was 400 MB. As with WijkFigures, a gemeente's
    Groeps are made by the page worker that writes its pages, and the indicator pages make only
    the periode they show; until then the table is kept as plain columns (texts shared, numbers
    as arrays)."""

    NUMBERS = ("groep_mediaan", "groep_p25", "groep_p75", "groep_waarde")

    def __init__(self, texts: pd.DataFrame | None = None, numbers: dict[str, pd.Series] | None = None):
        self._made: dict[tuple[str, str], dict[tuple[str, str], Groep]] = {}
        self._rows: dict[tuple[str, str], np.ndarray] = {}
        if texts is None or len(texts) == 0:
            return
        self._texts = _lists(texts, "indicator_id", "groep_soort", "groep_code", "groep_naam")
        self._numbers = [numbers[c].to_numpy(dtype="float64", na_value=np.nan) for c in (*self.NUMBERS, "groep_aantal")]
        by = texts.reset_index(drop=True).groupby(["gemeente_code", "periode"], sort=False)
        self._rows = by.indices  # (gemeente, periode) → positions in table order

    def rows(self, mask: np.ndarray) -> list[Groep]:
        """The Groep of each row where `mask` (a boolean array over the table's rows) holds, in table order."""
        return self._groeps(np.flatnonzero(mask)) if self._rows else []

    def _groeps(self, positions: np.ndarray) -> list[Groep]:
        indicator, soort, code, naam = self._texts
        mediaan, p25, p75, waarde = (_optional_array(column[positions]) for column in self._numbers[:4])
        aantal = np.nan_to_num(self._numbers[4][positions], nan=0.0).astype("int64").tolist()
        return [Groep(soort[i], code[i], naam[i], mediaan[j], p25[j], p75[j], waarde[j], aantal[j]) for j, i in enumerate(positions.tolist())]

    def _of(self, gemeente_code: str, periode: str) -> dict[tuple[str, str], Groep]:
        made = self._made.get((gemeente_code, periode))
        if made is None:
            made = self._made[(gemeente_code, periode)] = {}
            positions = self._rows.get((gemeente_code, periode))
            if positions is not None:
                indicator, soort = self._texts[:2]
                for i, groep in zip(positions.tolist(), self._groeps(positions)):
                    made[(indicator[i], soort[i])] = groep
        return made

    def get(self, key: tuple[str, str, str, str], default=None) -> Groep | None:
        return self._of(key[2], key[1]).get((key[0], key[3]), default)


class SiteData:
    """Lookups over the published tables, shared by every page."""

    def __init__(self, tables: dict[str, pd.DataFrame], catalogue):
        df = prepare(tables.get("indicatoren"))
        self.df = df
        present = df["indicator_id"].unique().tolist()
        eenheden = dict(zip(*_lists(df, "indicator_id", "eenheid")))
        self.views: list[IndicatorView] = indicator_views(present, eenheden, catalogue, tables.get("indicatoren_catalogus"))
        self.view_by_id = {view.id: view for view in self.views}
        self.blocks: list[Block] = blocks(self.views)
        self.block_of = {view.id: block for block in self.blocks for view in block.views}

        gemeente = df[df["regio_niveau"] == "gemeente"]
        named = gemeente.sort_values("periode", key=lambda s: s.map(periodes.sort_key))
        self.names: dict[str, str] = dict(zip(*_lists(named, "gemeente_code", "regio_naam")))
        for code in df["gemeente_code"].unique():
            self.names.setdefault(code, code)
        self.codes = sorted(self.names)
        self.by_name = sorted(self.codes, key=lambda c: (self.names[c].lower(), c))
        self.all_in = set(self.codes) >= set(all_gemeenten()["gemeente_code"])

        self.periodes = periodes.sorted_codes(df["periode"].unique())
        halves = [p for p in self.periodes if not periodes.Periode.parse(p).is_jaar]
        self.latest = (halves or self.periodes)[-1]
        self.indicator_periodes: dict[str, list[str]] = {
            indicator: periodes.sorted_codes(group.unique()) for indicator, group in df.groupby("indicator_id")["periode"]
        }
        is_jaar = {p: periodes.Periode.parse(p).is_jaar for p in self.periodes}
        self._halves = {i: [p for p in ps if not is_jaar[p]] or ps for i, ps in self.indicator_periodes.items()}
        self.figures: dict[tuple[str, str, str], Figure] = {}
        self.gemeente_indicators: dict[str, set[str]] = defaultdict(set)
        for row in zip(*_lists(gemeente, "indicator_id", "periode", "regio_code", "geheim", "geheim_reden"),
                       *(_optional(gemeente[column]) for column in ("waarde", "teller", "noemer"))):
            self.figures[(row[0], row[1], row[2])] = Figure(row[5], bool(row[3]), row[4], row[6], row[7])
            self.gemeente_indicators[row[2]].add(row[0])

        self.wijken = WijkFigures()  # (gemeente, indicator) → [(wijk, Figure)]
        self.wijk_indicators: dict[str, set[str]] = defaultdict(set)
        self.wijk_count: dict[str, int] = {}
        self.wijk_periode: dict[str, str] = {}
        wijk = df[df["regio_niveau"] == "wijk"]
        if len(wijk):
            latest = {i: self.latest_of(i) for i in wijk["indicator_id"].unique()}
            wijk = wijk[wijk["periode"].to_numpy() == wijk["indicator_id"].map(latest).to_numpy()]
            self.wijk_periode = latest
            self.wijken = WijkFigures(wijk)
            for code, indicator in zip(*_lists(wijk[["gemeente_code", "indicator_id"]].drop_duplicates(), "gemeente_code", "indicator_id")):
                self.wijk_indicators[code].add(indicator)
            self.wijk_count = wijk.groupby("gemeente_code")["regio_code"].nunique().to_dict()

        self.releases_shown = sorted(set(df["release"].astype(str).unique().tolist())) if "release" in df.columns else []
        self.statuses = sorted(set(df["status"].dropna().astype(str).unique().tolist())) if "status" in df.columns else []
        # A count compared per 1.000 inwoners (publish.benchmark): the gemeente's own figure and all gemeenten together.
        self.rated: set[str] = set()
        self.rates: dict[tuple[str, str, str], float | None] = {}  # (indicator, periode, gemeente)
        self.rate_totals: dict[tuple[str, str], float | None] = {}  # (indicator, periode)
        self.groups = self._index_benchmark(tables.get("benchmark"))
        self._group_cache: dict[tuple[str, str], Groep | None] = {}
        self.members = self._index_members(tables.get("peergroepen"))
        self.totaal = {(r.indicator_id, r.periode): _none(r.waarde) for r in pooled(df).itertuples(index=False)}

    # ---------------------------------------------------------------------------------------

    def _index_benchmark(self, bench: pd.DataFrame | None) -> GroupFigures:
        """publish.benchmark restricted to published gemeenten and indicators. Required: the site
        compares every gemeente with its groups, and this is the one place those figures come from.

        A count (instroom, uitstroom) is compared per 1.000 inwoners: its rows have eenheid
        per_1000, and their `waarde` (the gemeente's own count per 1.000 inwoners, empty when
        secret) and the nederland group's pooled value are kept in `rates` and `rate_totals`."""
        if bench is None:
            raise InputError("De benchmarktabel (publish.benchmark) ontbreekt; de site vergelijkt elke gemeente met haar groepen en heeft die tabel nodig.")
        missing = [c for c in BENCHMARK_COLUMNS if c not in bench.columns]
        if missing:
            raise InputError(f"De benchmarktabel mist kolommen: {', '.join(missing)}.")
        keep = bench["gemeente_code"].astype(str).isin(set(self.codes)) & bench["indicator_id"].astype(str).isin(set(self.view_by_id))
        rows = bench.loc[keep, list(BENCHMARK_COLUMNS)]
        numbers = {c: pd.to_numeric(rows[c], errors="coerce").astype("float64") for c in ("groep_mediaan", "groep_p25", "groep_p75", "groep_waarde", "groep_aantal")}
        texts = rows.astype({c: str for c in ("indicator_id", "periode", "gemeente_code", "groep_soort", "groep_code", "groep_naam")})
        groups = GroupFigures(texts, numbers)
        counts = {view.id for view in self.views if view.is_count}
        per_inwoners = rows["indicator_id"].astype(str).isin(counts) & (rows["eenheid"].astype(str) == "per_1000")
        own = pd.to_numeric(rows.loc[per_inwoners, "waarde"], errors="coerce").astype("float64")
        keys = ("indicator_id", "periode", "gemeente_code", "groep_soort")
        self.rated = set(texts.loc[per_inwoners, "indicator_id"])
        # (One row per indicator, periode, gemeente and kind of group: a gemeente is in one group of each kind.)
        for indicator_id, periode, code, soort, waarde, groep in zip(*_lists(texts[per_inwoners], *keys), own.tolist(),
                                                                    groups.rows(per_inwoners.to_numpy())):  # fmt: skip
            self.rates[(indicator_id, periode, code)] = _none(waarde)
            if soort == NEDERLAND and groep.comparable:
                self.rate_totals[(indicator_id, periode)] = groep.waarde
        return groups

    def _index_members(self, groups: pd.DataFrame | None) -> dict[str, list[str]]:
        """groep_code → published member gemeenten (by name); a gemeente without consent never appears."""
        if groups is None or len(groups) == 0:
            return {}
        rows = groups[groups["gemeente_code"].astype(str).isin(set(self.codes))]
        members: dict[str, list[str]] = defaultdict(list)
        for code, groep in zip(rows["gemeente_code"].astype(str).tolist(), rows["groep_code"].astype(str).tolist()):
            members[groep].append(code)
        return {groep: sorted(set(codes), key=lambda c: (self.names[c].lower(), c)) for groep, codes in members.items()}

    # ---------------------------------------------------------------------------------------

    def figure(self, indicator_id: str, periode: str | None, code: str) -> Figure | None:
        return self.figures.get((indicator_id, periode, code)) if periode else None

    def value(self, indicator_id: str, periode: str | None, code: str) -> float | None:
        figure = self.figure(indicator_id, periode, code)
        return None if figure is None else figure.waarde

    def halves(self, indicator_id: str) -> list[str]:
        """The half-years of an indicator (its years only when it has no half-years), in order."""
        return self._halves.get(indicator_id, [])

    def latest_of(self, indicator_id: str) -> str | None:
        halves = self.halves(indicator_id)
        return halves[-1] if halves else None

    def previous_of(self, indicator_id: str, periode: str | None) -> str | None:
        halves = self.halves(indicator_id)
        if periode not in halves or halves.index(periode) == 0:
            return None
        return halves[halves.index(periode) - 1]

    def periodes_of_block(self, block: Block) -> list[str]:
        """The half-years of any indicator of the block (what its chart shows), in order."""
        return periodes.sorted_codes({p for view in block.views for p in self.halves(view.id)})

    def all_periodes_of_block(self, block: Block) -> list[str]:
        """Half-years and years of the block (what its table shows), in order."""
        return periodes.sorted_codes({p for view in block.views for p in self.indicator_periodes.get(view.id, [])})

    def has_rate(self, indicator_id: str) -> bool:
        """Whether a count is compared per 1.000 inwoners (publish.benchmark has per_1000 rows for it)."""
        return indicator_id in self.rated

    def rate(self, indicator_id: str, periode: str | None, code: str) -> float | None:
        """A count of the gemeente per 1.000 inwoners, as publish.benchmark compares it (None when secret)."""
        return self.rates.get((indicator_id, periode, code)) if periode else None

    def group(self, indicator_id: str, periode: str | None, code: str, soort: str) -> Groep | None:
        return self.groups.get((indicator_id, periode, code, soort)) if periode else None

    def peers(self, code: str, soort: str = VERGELIJKBAAR) -> list[str]:
        """The other members of the gemeente's group of this kind (never the gemeente itself)."""
        groep = self.group_code(code, soort)
        return [c for c in self.members.get(groep, []) if c != code] if groep else []

    def _latest_group(self, code: str, soort: str) -> Groep | None:
        """The gemeente's group of this kind in the latest periode (membership can change over time)."""
        key = (code, soort)
        if key not in self._group_cache:
            found = None
            for periode in reversed(self.periodes):
                found = next((g for v in self.views if (g := self.group(v.id, periode, code, soort)) is not None), None)
                if found is not None:
                    break
            self._group_cache[key] = found
        return self._group_cache[key]

    def group_code(self, code: str, soort: str) -> str | None:
        groep = self._latest_group(code, soort)
        return None if groep is None else groep.code

    def group_name(self, code: str, soort: str) -> str | None:
        groep = self._latest_group(code, soort)
        return None if groep is None else groep.naam

    def totaal_label(self) -> str:
        """What the pooled figure of all published gemeenten is: Nederland only when all are in."""
        return "Nederland" if self.all_in else f"alle deelnemende gemeenten ({len(self.codes)})"

    def nederland(self, indicator_id: str, periode: str | None, code: str) -> Groep | None:
        """All participating gemeenten together: the pooled group value; for a median (dagen), which
        cannot be pooled, the median of the gemeenten."""
        groep = self.group(indicator_id, periode, code, NEDERLAND)
        if groep is None or not groep.comparable:
            return None
        view = self.view_by_id.get(indicator_id)
        if groep.waarde is None and view is not None and view.eenheid == "dagen":
            return replace(groep, waarde=groep.mediaan)
        return groep
