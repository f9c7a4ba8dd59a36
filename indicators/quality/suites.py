"""The Great Expectations suites of the published tables, each expectation with a Dutch `uitleg`.

Column sets, columns that must be filled and allowed values come from the one declaration of the
published tables (contracts.publish), so the checks cannot drift from what the warehouse writes.
The `uitleg` is the expectation's text in the Data Docs (GX `description`, which replaces GX's
generated English sentence) and is returned in every result.

Plain GX expectations do the work: nulls, sets, regexes, ranges and uniqueness on the table; rules
that hold for some rows only (units, secrets, small groups) use a GX `row_condition`; rules GX
cannot express use a derived column or table (indicators.quality.tables). Units without an upper
bound (aantal, dagen) only need a waarde ≥ 0; medians in dagen publish no teller.

`gx` (the lazily imported great_expectations module) is passed in: importing it takes seconds.
"""

from __future__ import annotations

from contracts.publish import BENCHMARK, INDICATOREN, PEERGROEPEN, Tabel, opsomming
from indicators.benchmark import MIN_FOR_BAND, MIN_FOR_COMPARISON
from indicators.catalogus import Indicator
from vocabulary.periode import HALFJAAR_PATTERN, JAAR_PATTERN

PERIODE_PATTERNS = {"halfjaar": HALFJAAR_PATTERN, "jaar": JAAR_PATTERN}
REGIO_REGEX = r"^(?:GM\d{4}|WK\w{6})$"
# Allowed range of `waarde` per eenheid; units without an upper bound (aantal, dagen) only need ≥ 0.
RANGES: dict[str, tuple[float, float | None]] = {"pct": (0.0, 100.0), "per_1000": (0.0, 1000.0)}
EENHEID_TEKST = {"pct": "een percentage", "per_1000": "een aantal per 1.000", "aantal": "een aantal", "dagen": "een aantal dagen"}


def expectation(gx, kind: str, controle: str, *, uitleg: str, **kwargs):
    """A GX expectation whose Data Docs text is the Dutch `uitleg`; failures to run count as failures."""
    cls = getattr(gx.expectations, kind)
    return cls(**kwargs, description=uitleg, catch_exceptions=True, meta={"attributes": {"uitleg": uitleg, "controle": controle}})


def declared(gx, table: Tabel, wat: str) -> list:
    """From the declaration: the columns, the columns filled in every row, and the allowed values."""
    ex = [
        expectation(
            gx, "ExpectTableColumnsToMatchSet", "kolommen", column_set=list(table.kolomnamen), exact_match=False,
            uitleg=f"{wat} heeft alle gepubliceerde kolommen: {', '.join(table.kolomnamen)}.",
        )
    ]  # fmt: skip
    for kolom in table.kolommen:
        if kolom.verplicht:
            ex.append(expectation(
                gx, "ExpectColumnValuesToNotBeNull", "niet_leeg", column=kolom.naam,
                uitleg=f"Kolom {kolom.naam} is in elke rij gevuld. {kolom.omschrijving}",
            ))  # fmt: skip
        if kolom.waarden:
            ex.append(expectation(
                gx, "ExpectColumnValuesToBeInSet", f"waarden_{kolom.naam}", column=kolom.naam, value_set=list(kolom.waarden),
                uitleg=f"Kolom {kolom.naam} bevat alleen {opsomming(tuple(repr(v) for v in kolom.waarden))}"
                + ("." if kolom.verplicht else " (of is leeg)."),
            ))  # fmt: skip
    ex.append(expectation(
        gx, "ExpectCompoundColumnsToBeUnique", "uniek", column_list=list(table.sleutel),
        uitleg=f"Per {opsomming(table.sleutel, 'en')} staat er precies één rij in de tabel.",
    ))  # fmt: skip
    return ex


def indicatoren_expectations(gx, catalogue: tuple[Indicator, ...], present: list[str], units: list[str]) -> list:
    from great_expectations.expectations.row_conditions import Column

    ex = declared(gx, INDICATOREN, "De tabel indicatoren")
    ex += [
        expectation(
            gx, "ExpectColumnValuesToBeInSet", "in_catalogus", column="indicator_id", value_set=sorted(i.id for i in catalogue),
            uitleg="Elke indicator staat in de indicatorcatalogus (indicators/catalogus.yaml), zodat de site "
            "er een titel, omschrijving en eenheid bij heeft.",
        ),
        *(
            expectation(
                gx, "ExpectColumnValuesToMatchRegex", "periode_vorm", column="periode", regex=regex,
                row_condition=Column("periode_soort") == soort,
                uitleg="Een halfjaar heeft de vorm JJJJ-H1 of JJJJ-H2, bijvoorbeeld 2025-H1."
                if soort == "halfjaar" else "Een jaar heeft de vorm JJJJ, bijvoorbeeld 2025.",
            )
            for soort, regex in PERIODE_PATTERNS.items()
        ),
        expectation(
            gx, "ExpectColumnValuesToMatchRegex", "regio_code_vorm", column="regio_code", regex=REGIO_REGEX,
            uitleg="De regiocode is een CBS-code: GM met 4 cijfers (gemeente) of WK met 6 tekens (wijk).",
        ),
        expectation(
            gx, "ExpectColumnPairValuesToBeEqual", "gemeente_is_eigen_gemeente",
            column_A="regio_code", column_B="gemeente_code", row_condition=Column("regio_niveau") == "gemeente",
            uitleg="Op gemeenteniveau is de regiocode gelijk aan de gemeentecode.",
        ),
        expectation(
            gx, "ExpectColumnValuesToBeInSet", "veelvoud_van_5", column="teller_rest_5", value_set=[0],
            uitleg="Elke gepubliceerde teller is afgerond op een veelvoud van 5 (geheimhouding). Afgeleide kolom "
            "teller_rest_5 = teller modulo 5; lege (geheime) tellers tellen niet mee.",
        ),
        expectation(gx, "ExpectColumnValuesToBeBetween", "niet_negatief", column="teller", min_value=0,
                    uitleg="De teller is niet negatief; leeg mag (geheim)."),
        expectation(gx, "ExpectColumnValuesToBeBetween", "niet_negatief", column="noemer", min_value=0,
                    uitleg="De noemer is niet negatief; leeg mag (geheim)."),
        expectation(
            gx, "ExpectColumnValuesToBeNull", "geheim_zonder_waarde", column="waarde",
            row_condition=Column("geheim") == True,  # noqa: E712 - a GX condition, not a Python test
            uitleg="Een geheim cijfer heeft geen waarde: waar geheim waar is, is de waarde leeg (op de site: .).",
        ),
        expectation(
            gx, "ExpectColumnValuesToNotBeNull", "open_met_waarde", column="waarde",
            row_condition=Column("geheim") == False,  # noqa: E712
            uitleg="Een niet-geheim cijfer heeft een waarde: de waarde is alleen leeg als het cijfer geheim is.",
        ),
        expectation(
            gx, "ExpectColumnValuesToBeInSet", "lege_teller_is_geheim", column="geheim", value_set=[True],
            row_condition=Column("teller").is_null() & (Column("eenheid") != "dagen"),
            uitleg="Een lege (geheime) teller maakt het hele cijfer geheim (behalve bij een mediaan in dagen, "
            "die geen teller publiceert).",
        ),
        expectation(
            gx, "ExpectColumnValuesToNotBeNull", "geheim_met_reden", column="geheim_reden",
            row_condition=Column("geheim") == True,  # noqa: E712
            uitleg="Elk geheim cijfer heeft een reden van geheimhouding.",
        ),
    ]  # fmt: skip
    return ex + unit_expectations(gx, catalogue, present) + range_expectations(gx, units, "Een waarde")


def unit_expectations(gx, catalogue: tuple[Indicator, ...], present: list[str]) -> list:
    """Every indicator has its catalogue eenheid: with the ranges per eenheid this bounds every indicator."""
    info = {indicator.id: indicator for indicator in catalogue}
    known = [i for i in present if i in info]
    if not known:
        return []
    # One derived column `indicator_eenheid` (tables.validated) instead of GX's column-pair
    # expectation, which walks the table row by row in pandas (~7 s for a national release).
    return [
        expectation(
            gx, "ExpectColumnValuesToBeInSet", "eenheid_volgens_catalogus", column="indicator_eenheid",
            value_set=[f"{i}|{info[i].eenheid}" for i in known],
            uitleg="Elke indicator heeft de eenheid uit de catalogus (pct, per_1000, aantal of dagen). "
            "Afgeleide kolom indicator_eenheid = indicator_id|eenheid.",
        )
    ]  # fmt: skip


def range_expectations(gx, units: list[str], wat: str) -> list:
    """Per eenheid in the table: waarde within the unit's range (rows filtered on the eenheid column)."""
    from great_expectations.expectations.row_conditions import Column

    ex = []
    for unit in sorted(set(units)):
        low, high = RANGES.get(unit, (0.0, None))
        bound = f"tussen {low:g} en {high:g}" if high is not None else f"minstens {low:g}"
        ex.append(expectation(
            gx, "ExpectColumnValuesToBeBetween", "bereik", column="waarde", min_value=low, max_value=high,
            row_condition=Column("eenheid") == unit,
            uitleg=f"{wat} met eenheid {unit} is {EENHEID_TEKST.get(unit, unit)}: de waarde ligt {bound}.",
        ))  # fmt: skip
    return ex


def benchmark_expectations(gx, catalogue: tuple[Indicator, ...], published_gemeenten: list[str], units: list[str]) -> list:
    """publish.benchmark: each gemeente beside the groups it is compared with (indicators.benchmark)."""
    from great_expectations.expectations.row_conditions import Column

    ex = declared(gx, BENCHMARK, "De benchmark")
    ex += [
        expectation(
            gx, "ExpectColumnValuesToBeInSet", "bekende_indicator", column="indicator_id", value_set=sorted(i.id for i in catalogue),
            uitleg="Elke indicator van de benchmark staat in de indicatorcatalogus.",
        ),
        expectation(
            gx, "ExpectColumnValuesToBeInSet", "alleen_gepubliceerde_gemeenten", column="gemeente_code",
            value_set=published_gemeenten,
            uitleg="De benchmark gaat alleen over gemeenten met gepubliceerde cijfers (toestemming).",
        ),
        expectation(
            gx, "ExpectColumnValuesToBeBetween", "rang", column="rang", min_value=1,
            uitleg="De rang in de groep begint bij 1 (hoogste waarde); leeg als de eigen waarde geheim is.",
        ),
        expectation(
            gx, "ExpectColumnPairValuesAToBeGreaterThanB", "p75_boven_p25", column_A="groep_p75", column_B="groep_p25",
            or_equal=True, ignore_row_if="either_value_is_missing",
            uitleg="Het 75e percentiel van een groep is niet kleiner dan het 25e.",
        ),
        *(
            expectation(
                gx, "ExpectColumnValuesToBeNull", "geen_band_bij_kleine_groep", column=column,
                row_condition=Column("groep_aantal") < MIN_FOR_BAND,
                uitleg=f"Een groep met minder dan {MIN_FOR_BAND} waarden krijgt geen {column[6:].upper()}: "
                "een band over zo weinig gemeenten zegt niets.",
            )
            for column in ("groep_p25", "groep_p75")
        ),
        *(
            expectation(
                gx, "ExpectColumnValuesToBeNull", "geen_vergelijking_met_een", column=column,
                row_condition=Column("groep_aantal") < MIN_FOR_COMPARISON,
                uitleg=f"Een groep met minder dan {MIN_FOR_COMPARISON} waarden is geen vergelijking: {column} is leeg.",
            )
            for column in ("groep_mediaan", "groep_waarde", "rang")
        ),
    ]  # fmt: skip
    return ex + range_expectations(gx, units, "Een benchmarkwaarde")


def peergroepen_expectations(gx, published_gemeenten: list[str]) -> list:
    """publish.peergroepen: members are published gemeenten, never the gemeente the group is for."""
    ex = declared(gx, PEERGROEPEN, "De tabel peergroepen")
    ex += [
        expectation(
            gx, "ExpectColumnValuesToBeInSet", "leden_met_toestemming", column="gemeente_code", value_set=published_gemeenten,
            uitleg="Elk lid van een vergelijkingsgroep is een gemeente met gepubliceerde cijfers: een gemeente "
            "zonder toestemming zit in geen enkele groep.",
        ),
        expectation(
            gx, "ExpectColumnValuesToBeInSet", "niet_in_eigen_groep", column="eigen_lid", value_set=[False],
            uitleg="Een gemeente is nooit lid van haar eigen vergelijkingsgroep (afgeleide kolom eigen_lid: "
            "lid = de gemeente waarvoor de groep is).",
        ),
    ]  # fmt: skip
    return ex


def completeness_expectations(gx) -> list:
    return [
        expectation(
            gx, "ExpectColumnValuesToBeInSet", "volledigheid", column="aanwezig", value_set=[True],
            uitleg="Elke gepubliceerde gemeente heeft in elke periode een cijfer op gemeenteniveau voor elke "
            "indicator van elk domein dat zij aanleverde (integrale indicatoren als zij alle domeinen aanleverde; "
            "facultatieve indicatoren alleen als de gemeente er in die periode toestemming voor gaf). Afgeleide "
            "tabel: één rij per verwachte gemeente × periode × indicator.",
        )
    ]  # fmt: skip
