"""Data quality of the published tables: Great Expectations suites plus offline Data Docs.

`check_published` validates `publish.indicatoren` (and, when given, `publish.benchmark`)
with Great Expectations (GX) 1.x suites. Every expectation carries a Dutch explanation (`uitleg`):
it is the expectation's text in the Data Docs (GX `description`, which replaces GX's generated
English sentence on the suite and validation pages) and is returned in `QualityResult.results`.

Which checks are plain GX expectations and which need help, honestly:

* nulls, sets, regexes, ranges, uniqueness: built-in GX expectations on the table itself;
* value ranges per eenheid (with one pair expectation tying each indicator to its catalogue
  eenheid) and the secret rules (geheim → waarde leeg, niet geheim → waarde
  gevuld, teller leeg → geheim): built-in expectations with a GX `row_condition`;
* "teller is a multiple of 5": GX has no modulo expectation, so the validated copy gets a derived
  column `teller_rest_5` (teller % 5, empty where teller is secret) that must be 0;
* completeness ("every published gemeente has every indicator of every domein it delivered"):
  GX has no natural expectation across groups, so pandas builds a derived table
  `indicatoren_volledigheid` (one row per expected gemeente × periode × indicator, with
  `aanwezig`) and a GX expectation requires `aanwezig` to be true. It appears in the Data Docs as
  its own suite and batch.

The table is evolving: when it has `periode_soort`, year periodes ('2025') are accepted beside
half-years; medians in dagen publish no teller, so "teller leeg → geheim" excludes them; units
without an upper bound (aantal, dagen) only need a waarde ≥ 0.

GX runs in an *ephemeral* context: suites, results and configuration live in memory only, nothing
is written to the repository or the home directory, and analytics are switched off. Only the Data
Docs are written, into `docs_dir`. Stock Data Docs load Bootstrap, jQuery, Vega, Font Awesome and
logos from CDNs, so offline they show unstyled and, on the index page, empty (its tables are
filled by JavaScript). We therefore post-process the generated pages: every external <link>,
<script>, <img> and `url(http…)` is removed, the (jQuery-dependent) inline scripts go too, links
to outside sites are reduced to their text, a small local stylesheet is injected, and GX's index
is replaced by our own Dutch, script-free index that links to the GX suite and validation pages.
No page under `docs_dir` makes an outside request afterwards (`external_references` checks it).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from clearinghouse import disclosure
from indicators.catalogus import Indicator, load_catalogue
from vocabulary.domeinen import DOMEINEN

# Columns of publish.indicatoren (kept in step with indicators.warehouse.PUBLISH_COLUMNS; not
# imported from there so this module stays light and free of warehouse dependencies).
INDICATOR_COLUMNS = [
    "indicator_id", "periode", "regio_code", "regio_niveau", "regio_naam", "gemeente_code", "teller", "noemer",
    "waarde", "geheim", "geheim_reden", "eenheid", "status", "release",
]  # fmt: skip
BENCHMARK_COLUMNS = ["indicator_id", "periode", "gemeente_code", "eenheid", "groep_soort", "groep_code", "waarde",
                     "groep_mediaan", "groep_p25", "groep_p75", "groep_waarde", "groep_aantal", "rang"]
NOT_NULL = ["indicator_id", "periode", "regio_code", "regio_niveau", "gemeente_code", "geheim", "eenheid", "status", "release"]
LEVELS = ["gemeente", "wijk"]
STATUSES = ["concept", "voorlopig", "nader voorlopig", "definitief"]  # concept: computed, not yet released
SECRET_REASONS = [
    reason
    for reason in (disclosure.KLEIN_AANTAL, disclosure.NOEMER_TE_KLEIN, disclosure.TE_WEINIG_TRAJECTEN, disclosure.AANVULLEND_GEHEIM)
    if reason
]
PERIODE_REGEX = r"^\d{4}-H[12]$"
# When the table has `periode_soort`, year figures ('2025') are published beside half-years.
PERIODE_SOORT_REGEX = {"halfjaar": PERIODE_REGEX, "jaar": r"^\d{4}$"}
REGIO_REGEX = r"^(?:GM\d{4}|WK\d{6})$"
ROUNDING_BASE = disclosure.ROUNDING_BASE
# Allowed range of `waarde` per eenheid; units without an upper bound (aantal, dagen) only need ≥ 0.
RANGES: dict[str, tuple[float, float | None]] = {"pct": (0.0, 100.0), "per_1000": (0.0, 1000.0)}
EENHEID_TEKST = {"pct": "een percentage", "per_1000": "een aantal per 1.000", "aantal": "een aantal", "dagen": "een aantal dagen"}

COMPLETENESS_TABLE = "indicatoren_volledigheid"
TEMPLATE_DIR = Path(__file__).with_name("templates")
# Names GX writes into the docs folder; only these are removed before a rebuild.
GX_DOCS_ENTRIES = ("index.html", "expectations", "validations", "static")
MAX_EXAMPLES = 10
TIMEZONE = ZoneInfo("Europe/Amsterdam")


@dataclass
class QualityResult:
    success: bool
    results: list[dict] = field(default_factory=list)  # see `check_published`
    docs_index: Path | None = None  # index.html of the built Data Docs, inside docs_dir

    def failures(self) -> list[dict]:
        return [r for r in self.results if not r["success"]]


# --------------------------------------------------------------------------------------------
# Suites


def _gx():
    """Import GX lazily (slow import) with analytics off before anything of it runs."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations as gx

    return gx


def _expectation(gx, kind: str, controle: str, *, uitleg: str, **kwargs):
    """A GX expectation whose Data Docs text is the Dutch `uitleg` (GX's `description` replaces the
    generated English sentence on suite and validation pages); failures to run count as failures."""
    cls = getattr(gx.expectations, kind)
    return cls(
        **kwargs, description=uitleg, catch_exceptions=True, meta={"attributes": {"uitleg": uitleg, "controle": controle}}
    )


def _indicatoren_expectations(gx, catalogue: tuple[Indicator, ...], present: list[str], columns: set[str]) -> list:
    from great_expectations.expectations.row_conditions import Column

    ids = sorted(i.id for i in catalogue)
    by_soort = "periode_soort" in columns
    ex = []
    ex.append(_expectation(
        gx, "ExpectTableColumnsToMatchSet", "kolommen",
        uitleg="De tabel heeft alle gepubliceerde kolommen: " + ", ".join(INDICATOR_COLUMNS) + ".",
        column_set=INDICATOR_COLUMNS, exact_match=False,
    ))  # fmt: skip
    for column in NOT_NULL:
        ex.append(_expectation(
            gx, "ExpectColumnValuesToNotBeNull", "niet_leeg", column=column,
            uitleg=f"Kolom {column} is in elke rij gevuld; zonder {column} is een cijfer niet te plaatsen.",
        ))  # fmt: skip
    ex += [
        _expectation(
            gx, "ExpectColumnValuesToBeInSet", "in_catalogus", column="indicator_id", value_set=ids,
            uitleg="Elke indicator staat in de indicatorcatalogus (indicators/catalogus.yaml), zodat de site "
            "er een titel, omschrijving en eenheid bij heeft.",
        ),
        _expectation(
            gx, "ExpectColumnValuesToBeInSet", "regio_niveau", column="regio_niveau", value_set=LEVELS,
            uitleg="Het regioniveau is gemeente of wijk.",
        ),
        *(
            [
                _expectation(
                    gx, "ExpectColumnValuesToBeInSet", "periode_soort", column="periode_soort",
                    value_set=list(PERIODE_SOORT_REGEX),
                    uitleg="De soort periode is halfjaar of jaar.",
                ),
                *(
                    _expectation(
                        gx, "ExpectColumnValuesToMatchRegex", "periode_vorm", column="periode", regex=regex,
                        row_condition=Column("periode_soort") == soort,
                        uitleg="Een halfjaar heeft de vorm JJJJ-H1 of JJJJ-H2, bijvoorbeeld 2025-H1."
                        if soort == "halfjaar" else "Een jaar heeft de vorm JJJJ, bijvoorbeeld 2025.",
                    )
                    for soort, regex in PERIODE_SOORT_REGEX.items()
                ),
            ]
            if by_soort
            else [
                _expectation(
                    gx, "ExpectColumnValuesToMatchRegex", "periode_vorm", column="periode", regex=PERIODE_REGEX,
                    uitleg="De periode is een halfjaar in de vorm JJJJ-H1 of JJJJ-H2, bijvoorbeeld 2025-H1.",
                )
            ]
        ),
        _expectation(
            gx, "ExpectColumnValuesToMatchRegex", "regio_code_vorm", column="regio_code", regex=REGIO_REGEX,
            uitleg="De regiocode is een CBS-code: GM met 4 cijfers (gemeente) of WK met 6 cijfers (wijk).",
        ),
        _expectation(
            gx, "ExpectColumnPairValuesToBeEqual", "gemeente_is_eigen_gemeente",
            column_A="regio_code", column_B="gemeente_code", row_condition=Column("regio_niveau") == "gemeente",
            uitleg="Op gemeenteniveau is de regiocode gelijk aan de gemeentecode.",
        ),
        _expectation(
            gx, "ExpectColumnValuesToBeInSet", "status_waarden", column="status", value_set=STATUSES,
            uitleg="De status is concept (nog niet gepubliceerd), voorlopig, nader voorlopig of definitief.",
        ),
        _expectation(
            gx, "ExpectColumnValuesToBeInSet", "veelvoud_van_5", column="teller_rest_5", value_set=[0],
            uitleg="Elke gepubliceerde teller is afgerond op een veelvoud van 5 (geheimhouding). Afgeleide kolom "
            "teller_rest_5 = teller modulo 5; lege (geheime) tellers tellen niet mee.",
        ),
        _expectation(
            gx, "ExpectColumnValuesToBeBetween", "niet_negatief", column="teller", min_value=0,
            uitleg="De teller is niet negatief; leeg mag (geheim).",
        ),
        _expectation(
            gx, "ExpectColumnValuesToBeBetween", "niet_negatief", column="noemer", min_value=0,
            uitleg="De noemer is niet negatief; leeg mag (geheim).",
        ),
        _expectation(
            gx, "ExpectColumnValuesToBeNull", "geheim_zonder_waarde", column="waarde",
            row_condition=Column("geheim") == True,  # noqa: E712 - a GX condition, not a Python test
            uitleg="Een geheim cijfer heeft geen waarde: waar geheim waar is, is de waarde leeg (op de site: .).",
        ),
        _expectation(
            gx, "ExpectColumnValuesToNotBeNull", "open_met_waarde", column="waarde",
            row_condition=Column("geheim") == False,  # noqa: E712
            uitleg="Een niet-geheim cijfer heeft een waarde: de waarde is alleen leeg als het cijfer geheim is.",
        ),
        _expectation(
            gx, "ExpectColumnValuesToBeInSet", "lege_teller_is_geheim", column="geheim", value_set=[True],
            row_condition=Column("teller").is_null() & (Column("eenheid") != "dagen"),
            uitleg="Een lege (geheime) teller maakt het hele cijfer geheim (behalve bij een mediaan in dagen, "
            "die geen teller publiceert).",
        ),
        _expectation(
            gx, "ExpectColumnValuesToBeInSet", "geheim_reden", column="geheim_reden", value_set=SECRET_REASONS,
            uitleg="De reden van geheimhouding is " + " of ".join(f"'{r}'" for r in SECRET_REASONS)
            + " (leeg als het cijfer niet geheim is).",
        ),
        _expectation(
            gx, "ExpectColumnValuesToNotBeNull", "geheim_met_reden", column="geheim_reden",
            row_condition=Column("geheim") == True,  # noqa: E712
            uitleg="Elk geheim cijfer heeft een reden van geheimhouding.",
        ),
        _expectation(
            gx, "ExpectCompoundColumnsToBeUnique", "uniek", column_list=["regio_code", "indicator_id", "periode"],
            uitleg="Per regio, indicator en periode staat er precies één cijfer in de tabel.",
        ),
    ]  # fmt: skip
    ex += _range_expectations(gx, catalogue, present, unit_column=True)
    return ex


def _range_expectations(gx, catalogue: tuple[Indicator, ...], present: list[str], *, unit_column: bool) -> list:
    """Per eenheid in the table: waarde within the unit's range.

    With an `eenheid` column (indicatoren) the batch is filtered on it and one pair expectation ties
    every indicator to its catalogue eenheid, so together they bound every indicator; without it
    (benchmark) the filter is the catalogue's indicators of that eenheid.
    """
    from great_expectations.expectations.row_conditions import Column

    info = {indicator.id: indicator for indicator in catalogue}
    known = [i for i in present if i in info]
    ex = []
    if unit_column and known:
        ex.append(_expectation(
            gx, "ExpectColumnPairValuesToBeInSet", "eenheid_volgens_catalogus", column_A="indicator_id",
            column_B="eenheid", value_pairs_set=[(i, info[i].eenheid) for i in known],
            uitleg="Elke indicator heeft de eenheid uit de catalogus (pct, per_1000, aantal of dagen).",
        ))  # fmt: skip
    for unit in sorted({info[i].eenheid for i in known}):
        ids = [i for i in known if info[i].eenheid == unit]
        low, high = RANGES.get(unit, (0.0, None))
        bound = f"tussen {low:g} en {high:g}" if high is not None else f"minstens {low:g}"
        what = EENHEID_TEKST.get(unit, unit)
        if unit_column:
            condition = Column("eenheid") == unit
            uitleg = f"Een waarde met eenheid {unit} is {what}: de waarde ligt {bound} ({len(ids)} indicatoren)."
        else:
            condition = Column("indicator_id").is_in(ids)
            uitleg = f"De benchmark van een indicator met eenheid {unit} is {what}: de waarde ligt {bound} ({len(ids)} indicatoren)."
        ex.append(_expectation(
            gx, "ExpectColumnValuesToBeBetween", "bereik", column="waarde", min_value=low, max_value=high,
            row_condition=condition, uitleg=uitleg,
        ))  # fmt: skip
    return ex


def _benchmark_expectations(gx, catalogue: tuple[Indicator, ...], present: list[str]) -> list:
    """publish.benchmark: each gemeente beside its peer groups (indicators.benchmark)."""
    ids = sorted(i.id for i in catalogue)
    ex = [
        _expectation(
            gx, "ExpectTableColumnsToMatchSet", "kolommen", column_set=BENCHMARK_COLUMNS, exact_match=False,
            uitleg="De benchmark heeft de kolommen " + ", ".join(BENCHMARK_COLUMNS) + ".",
        )
    ]  # fmt: skip
    for column in ("indicator_id", "periode", "gemeente_code", "groep_soort", "groep_code", "groep_aantal"):
        ex.append(_expectation(
            gx, "ExpectColumnValuesToNotBeNull", "gevuld", column=column,
            uitleg=f"Kolom {column} van de benchmark is in elke rij gevuld.",
        ))  # fmt: skip
    ex += [
        _expectation(
            gx, "ExpectColumnValuesToBeInSet", "bekende_indicator", column="indicator_id", value_set=ids,
            uitleg="Elke indicator van de benchmark staat in de indicatorcatalogus.",
        ),
        _expectation(
            gx, "ExpectColumnValuesToBeInSet", "groep_soort", column="groep_soort",
            value_set=["nederland", "provincie", "grootteklasse", "vergelijkbaar"],
            uitleg="Vergelijkingsgroepen zijn Nederland, provincie, gemeentegrootte of vergelijkbare gemeenten.",
        ),
        _expectation(
            gx, "ExpectCompoundColumnsToBeUnique", "uniek", column_list=["indicator_id", "periode", "gemeente_code", "groep_code"],
            uitleg="Per indicator, periode, gemeente en groep is er één rij.",
        ),
        _expectation(
            gx, "ExpectColumnValuesToBeBetween", "rang", column="rang", min_value=1,
            uitleg="De rang in de groep begint bij 1 (hoogste waarde); leeg als de eigen waarde geheim is.",
        ),
        _expectation(
            gx, "ExpectColumnPairValuesAToBeGreaterThanB", "p75_boven_p25", column_A="groep_p75", column_B="groep_p25",
            or_equal=True, ignore_row_if="either_value_is_missing",
            uitleg="Het 75e percentiel van een groep is niet kleiner dan het 25e.",
        ),
    ]  # fmt: skip
    return ex + _range_expectations(gx, catalogue, present, unit_column=True)


def _completeness_expectations(gx) -> list:
    return [
        _expectation(
            gx, "ExpectColumnValuesToBeInSet", "volledigheid", column="aanwezig", value_set=[True],
            uitleg="Elke gepubliceerde gemeente heeft in elke periode een cijfer op gemeenteniveau voor elke "
            "indicator van elk domein dat zij aanleverde (integrale indicatoren als zij alle domeinen aanleverde; "
            "facultatieve indicatoren alleen als de gemeente er in die periode toestemming voor gaf). Afgeleide tabel: één rij per verwachte gemeente × periode × indicator.",
        )
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------
# Derived tables


def _numeric(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Nullable Int64/Float64 (pd.NA) to float64 (NaN), which every GX metric handles."""
    out = df.copy()
    for column in columns:
        if column in out:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    return out


def _with_remainder(df: pd.DataFrame) -> pd.DataFrame:
    out = _numeric(df, ["teller", "noemer", "waarde", "groep_mediaan", "groep_p25", "groep_p75", "groep_waarde", "rang"])
    if "teller" in out:
        out["teller_rest_5"] = out["teller"] % ROUNDING_BASE
    if "geheim" in out:
        out["geheim"] = out["geheim"].astype("object").where(out["geheim"].notna(), None)
    return out.reset_index(drop=True)


def completeness_table(indicatoren: pd.DataFrame, catalogue: tuple[Indicator, ...]) -> pd.DataFrame:
    """One row per expected (gemeente, periode, indicator) with `aanwezig`.

    A gemeente delivered a domein in a periode when the table has any row of an indicator of that
    domein for it (integraal: when it delivered all other domeinen, as `indicators.compute` scopes
    it); it is then expected to have every basis indicator of that domein, and the
    facultatieve ones when it has any facultatief indicator that periode (consent is per gemeente
    and periode). A year periode (`2025`) only has the indicators declared with `jaar` (unique
    persons over the year); counts of trajecten and medians are per half-year. Present means a gemeente-level row (or any row for wijk-only indicators).
    """
    columns = ["gemeente_code", "periode", "domein", "indicator_id", "aanwezig"]
    info = {indicator.id: indicator for indicator in catalogue}
    known = indicatoren[indicatoren["indicator_id"].isin(info)]
    if known.empty:
        return pd.DataFrame({c: pd.Series(dtype=bool if c == "aanwezig" else object) for c in columns})
    keys = list(zip(known["gemeente_code"], known["periode"], known["indicator_id"], known["regio_niveau"]))
    present = {
        (g, p, i) for g, p, i, niveau in keys if niveau == "gemeente" or "gemeente" not in info[i].niveaus
    }
    delivered = {(g, p, info[i].domein) for g, p, i, _ in keys}
    # integraal indicators need all other domeinen delivered (indicators.compute: 'alleen wmo' needs all three)
    others = list(DOMEINEN)
    for g, p in {(g, p) for g, p, _ in delivered}:
        if all((g, p, d) in delivered for d in others):
            delivered.add((g, p, "integraal"))
    delivered = sorted(delivered)
    facultatief = {(g, p) for g, p, i, _ in keys if info[i].gegevensset == "facultatief"}
    rows = [
        (g, p, d, indicator.id, (g, p, indicator.id) in present)
        for g, p, d in delivered
        for indicator in catalogue
        if indicator.domein == d
        and (indicator.gegevensset == "basis" or (g, p) in facultatief)
        and ("-H" in p or getattr(indicator, "jaar", True))  # a year periode only has the year indicators
    ]
    out = pd.DataFrame(rows, columns=columns)
    out["aanwezig"] = out["aanwezig"].astype(bool)
    return out


# --------------------------------------------------------------------------------------------
# Running


@dataclass
class _Batch:
    table: str  # the name in results and Data Docs
    frame: pd.DataFrame
    expectations: list
    index_columns: list[str]  # identify unexpected rows in results and docs
    omschrijving: str


def _context(gx, docs_dir: Path | None):
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

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


def _summarise(table: str, validation, index_columns: list[str]) -> list[dict]:
    out = []
    for evr in validation.results:
        config = evr.expectation_config
        kwargs = config.kwargs
        attributes = (config.meta or {}).get("attributes", {})
        if "column" in kwargs:
            kolom = kwargs["column"]
        elif "column_list" in kwargs:
            kolom = ", ".join(kwargs["column_list"])
        elif "column_A" in kwargs:
            kolom = f"{kwargs['column_A']}, {kwargs['column_B']}"
        else:
            kolom = None
        condition = kwargs.get("row_condition")
        result = evr.result or {}
        exception = _exception_message(evr.exception_info)
        count = result.get("unexpected_count")
        out.append(
            {
                "table": table,
                "expectation": config.type,
                "kolom": kolom,
                "success": bool(evr.success),
                "uitleg": attributes.get("uitleg", ""),
                "onverwacht": int(count) if count is not None else (0 if evr.success else 1),
                "controle": attributes.get("controle"),
                "voorwaarde": _condition_text(condition),
                "voorbeelden": _examples(result, index_columns),
                "fout": exception,
            }
        )
    return out


def check_published(
    tables: dict[str, pd.DataFrame], *, docs_dir: Path | None = None, catalogue: tuple[Indicator, ...] | None = None
) -> QualityResult:
    """Validate the published tables; build offline Data Docs into `docs_dir` when given.

    `tables`: "indicatoren" (publish.indicatoren, required) and optionally "benchmark"
    (publish.benchmark, from indicators.benchmark). Each entry of `results` describes one expectation: table
    ("indicatoren", "benchmark" or the derived "indicatoren_volledigheid"), expectation (GX type),
    kolom, success, uitleg (Dutch), onverwacht (number of unexpected rows), plus controle (a short
    stable name of the check), voorwaarde (the GX row condition, if any), voorbeelden (up to 10
    unexpected rows or values) and fout (a GX exception message, if the check could not run).
    """
    if "indicatoren" not in tables:
        raise ValueError("check_published needs the table 'indicatoren'")
    catalogue = load_catalogue() if catalogue is None else catalogue
    gx = _gx()

    indicatoren = _with_remainder(tables["indicatoren"])
    present = sorted(set(indicatoren["indicator_id"].dropna())) if "indicator_id" in indicatoren else []
    batches = [
        _Batch(
            "indicatoren", indicatoren, _indicatoren_expectations(gx, catalogue, present, set(indicatoren.columns)),
            [c for c in ("indicator_id", "periode", "regio_code") if c in indicatoren],
            "Indicatoren per gemeente en wijk per periode zoals een release ze vastlegt (na geheimhouding).",
        )
    ]  # fmt: skip
    if {"indicator_id", "periode", "gemeente_code", "regio_niveau"} <= set(indicatoren.columns):
        batches.append(
            _Batch(
                COMPLETENESS_TABLE, completeness_table(indicatoren, catalogue), _completeness_expectations(gx),
                ["gemeente_code", "periode", "indicator_id"],
                "Afgeleide tabel: verwachte gemeente × periode × indicator, met aanwezig in publish.indicatoren.",
            )
        )  # fmt: skip
    if tables.get("benchmark") is not None:
        bench = _with_remainder(tables["benchmark"])
        bench_present = sorted(set(bench["indicator_id"].dropna())) if "indicator_id" in bench else []
        batches.append(
            _Batch(
                "benchmark", bench, _benchmark_expectations(gx, catalogue, bench_present),
                [c for c in ("indicator_id", "periode", "gemeente_code", "groep_code") if c in bench],
                "Benchmark: elke gemeente naast haar vergelijkingsgroepen (publish.benchmark).",
            )
        )  # fmt: skip

    if docs_dir is not None:
        docs_dir = Path(docs_dir).resolve()
        docs_dir.mkdir(parents=True, exist_ok=True)
        for name in GX_DOCS_ENTRIES:
            target = docs_dir / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()

    context = _context(gx, docs_dir)
    source = context.data_sources.add_pandas("gmsd")
    results: list[dict] = []
    summaries = []
    for batch in batches:
        suite = context.suites.add(
            gx.ExpectationSuite(
                name=batch.table,
                expectations=batch.expectations,
            )
        )
        definition = source.add_dataframe_asset(batch.table).add_batch_definition_whole_dataframe("alles")
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=batch.table, data=definition, suite=suite)
        ).run(
            batch_parameters={"dataframe": batch.frame},
            result_format={
                "result_format": "SUMMARY",
                "partial_unexpected_count": MAX_EXAMPLES,
                "unexpected_index_column_names": batch.index_columns,
            },
        )
        summary = _summarise(batch.table, validation, batch.index_columns)
        results += summary
        summaries.append((batch, summary))

    success = all(r["success"] for r in results)
    docs_index = None
    if docs_dir is not None:
        context.build_data_docs()
        make_offline(docs_dir)
        docs_index = _write_index(docs_dir, summaries, success)
    return QualityResult(success=success, results=results, docs_index=docs_index)


# --------------------------------------------------------------------------------------------
# Offline Data Docs

_EXTERNAL = r"""["']?\s*(?:https?:)?//"""
_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*" + _EXTERNAL + r"[^>]*>", re.I)
_EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*" + _EXTERNAL + r"[^>]*>\s*</script>", re.I)
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.I | re.S)
_EXTERNAL_IMG = re.compile(r"<img\b[^>]*\bsrc\s*=\s*" + _EXTERNAL + r"[^>]*>", re.I)
_EXTERNAL_ANCHOR = re.compile(r"<a\b[^>]*\bhref\s*=\s*" + _EXTERNAL + r"[^>]*>(.*?)</a>", re.I | re.S)
_EXTERNAL_URL = re.compile(r"url\(\s*" + _EXTERNAL + r"[^)]*\)", re.I)
_EXTERNAL_IMPORT = re.compile(r"@import\s+(?:url\()?\s*" + _EXTERNAL + r"[^;]*;", re.I)
_FOOTER = re.compile(r"<footer\b.*?</footer>", re.I | re.S)
_ANY_EXTERNAL_ATTR = re.compile(r"""\b(src|href|srcset|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*["']?""", re.I)
_REFERENCE = re.compile(
    r"""(?:<(?:link|script|img|iframe|source|embed|object|a)\b[^>]*\b(?:src|href|srcset|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+["']?(?:url\()?\s*["']?(?:https?:)?//)""",
    re.I,
)
_TITLE = re.compile(r"<title>.*?</title>", re.I | re.S)
_ICON = re.compile(r"<link\b[^>]*\brel\s*=\s*[\"'][^\"']*icon[^>]*>", re.I)  # GX gets the depth wrong on deep pages

OFFLINE_CSS = (TEMPLATE_DIR / "kwaliteit.css") if (TEMPLATE_DIR / "kwaliteit.css").exists() else None


def _offline_css() -> str:
    return OFFLINE_CSS.read_text(encoding="utf-8") if OFFLINE_CSS else ""


def _clean_html(text: str) -> str:
    text = _EXTERNAL_LINK.sub("", text)
    text = _EXTERNAL_SCRIPT.sub("", text)
    # Inline scripts only drive jQuery/Bootstrap widgets that are gone offline; the content is static HTML.
    text = _INLINE_SCRIPT.sub("", text)
    text = _EXTERNAL_IMG.sub("", text)
    text = _FOOTER.sub("", text)  # GX newsletter call to action
    text = _EXTERNAL_ANCHOR.sub(lambda m: m.group(1), text)
    text = _EXTERNAL_IMPORT.sub("", text)
    text = _EXTERNAL_URL.sub("none", text)
    text = _ANY_EXTERNAL_ATTR.sub("", text)  # anything left over (defensive)
    text = _ICON.sub("", text)
    text = _TITLE.sub("<title>Datakwaliteit – gmsd</title>", text, count=1)
    style = f'<link rel="icon" href="data:,">\n<style>/* gmsd: lokale opmaak, geen CDN */\n{_offline_css()}</style>\n'
    return text.replace("</head>", style + "</head>", 1) if "</head>" in text else style + text


def make_offline(docs_dir: Path) -> None:
    """Strip every outside reference from the Data Docs under `docs_dir` and add local styling."""
    for path in docs_dir.rglob("*"):
        if path.suffix.lower() in (".html", ".htm"):
            path.write_text(_clean_html(path.read_text(encoding="utf-8")), encoding="utf-8")
        elif path.suffix.lower() == ".css":
            css = path.read_text(encoding="utf-8")
            path.write_text(_EXTERNAL_URL.sub("none", _EXTERNAL_IMPORT.sub("", css)), encoding="utf-8")


def external_references(docs_dir: Path) -> list[str]:
    """'file: snippet' for each reference a browser would fetch from outside (should be empty)."""
    found = []
    for path in sorted(docs_dir.rglob("*")):
        if path.suffix.lower() in (".html", ".htm", ".css", ".js", ".svg"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in _REFERENCE.finditer(text):
                found.append(f"{path.relative_to(docs_dir)}: {text[match.start():match.end() + 60]}")
    return found


def _write_index(docs_dir: Path, summaries: list[tuple[_Batch, list[dict]]], success: bool) -> Path:
    sections = []
    for batch, summary in summaries:
        validation_pages = sorted((docs_dir / "validations" / batch.table).rglob("*.html"))
        suite_page = docs_dir / "expectations" / f"{batch.table}.html"
        sections.append(
            {
                "table": batch.table,
                "omschrijving": batch.omschrijving,
                "rijen": len(batch.frame),
                "success": all(r["success"] for r in summary),
                "mislukt": sum(not r["success"] for r in summary),
                "results": summary,
                "validatie": validation_pages[-1].relative_to(docs_dir).as_posix() if validation_pages else None,
                "suite": suite_page.relative_to(docs_dir).as_posix() if suite_page.exists() else None,
            }
        )
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html", "j2"]))
    page = env.get_template("kwaliteit_index.html.j2").render(
        success=success,
        sections=sections,
        css=_offline_css(),
        gemaakt=datetime.now(TIMEZONE).strftime("%d-%m-%Y %H:%M"),
    )
    index = docs_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


__all__ = ["QualityResult", "check_published", "completeness_table", "external_references", "make_offline"]
