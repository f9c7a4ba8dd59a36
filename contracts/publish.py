"""The published tables, declared once: columns, types, Dutch descriptions, allowed values and keys.

Analysts read the `publish` schema (DuckDB, and the Parquet/CSV downloads made from it) and the site
reads the same tables. Everything that needs their shape takes it from `TABLES`, so the places
cannot disagree (they did: three hand-written lists differed on `periode_soort`):

- the warehouse creates every table with exactly the declared columns and types (`create_sql`)
  and writes the descriptions as DuckDB comments (`write_comments`);
- the Great Expectations suites (indicators/quality/) check the declared column sets, the columns
  that must be filled and the allowed values;
- the site asks `column_names(...)` for the columns it reads;
- docs/analysts.md's table section is generated from `TABLES` (indicators/documentation.py).

The vocabularies of the published columns (reasons for secrecy, units, directions, statuses) are
declared here too; the code that produces the values (clearinghouse.disclosure, the catalogus)
imports them, so a new value cannot appear without its description.
"""

from __future__ import annotations

from dataclasses import dataclass

from vocabulary.groepen import SOORTEN as GROEP_SOORTEN
from vocabulary.periode import HALFJAAR, JAAR

TEKST, GEHEEL_GETAL, GETAL, JA_NEE, TIJDSTIP = "VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "TIMESTAMP"
TYPE_NAMEN = {TEKST: "tekst", GEHEEL_GETAL: "geheel getal", GETAL: "getal", JA_NEE: "ja/nee", TIJDSTIP: "tijdstip"}

# Why a figure is secret (clearinghouse.disclosure sets these; docs/disclosure.md explains them).
KLEIN_AANTAL = "klein aantal"
NOEMER_TE_KLEIN = "noemer te klein"
TE_WEINIG_TRAJECTEN = "te weinig trajecten"
AANVULLEND_GEHEIM = "aanvullend geheim"
GEHEIM_REDENEN: tuple[str, ...] = (KLEIN_AANTAL, NOEMER_TE_KLEIN, TE_WEINIG_TRAJECTEN, AANVULLEND_GEHEIM)

EENHEDEN: tuple[str, ...] = ("pct", "per_1000", "aantal", "dagen")
RICHTINGEN: tuple[str, ...] = ("hoger_is_beter", "lager_is_beter", "neutraal")
REGIO_NIVEAUS: tuple[str, ...] = ("gemeente", "wijk")
PERIODE_SOORTEN: tuple[str, ...] = (HALFJAAR, JAAR)
STATUSSEN: tuple[str, ...] = ("concept", "voorlopig", "nader voorlopig", "definitief")  # concept: not yet released


def opsomming(values: tuple[str, ...], voegwoord: str = "of") -> str:
    """'a, b of c' (Dutch enumeration; `voegwoord` 'en' for 'a, b en c')."""
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + f" {voegwoord} " + values[-1]


@dataclass(frozen=True)
class Kolom:
    naam: str
    type: str  # a DuckDB type: TEKST, GEHEEL_GETAL, GETAL, JA_NEE or TIJDSTIP
    omschrijving: str  # Dutch, ends with a full stop
    verplicht: bool = False  # filled in every row
    waarden: tuple[str, ...] = ()  # the only values the column may hold (besides empty, unless verplicht)

    @property
    def toelichting(self) -> str:
        """The description with its allowed values: the DuckDB comment and the documentation text."""
        if not self.waarden:
            return self.omschrijving
        return f"{self.omschrijving} Waarden: {opsomming(self.waarden)}."


@dataclass(frozen=True)
class Tabel:
    naam: str  # schema.tabel
    omschrijving: str
    kolommen: tuple[Kolom, ...]
    sleutel: tuple[str, ...]  # the columns that identify a row

    @property
    def kolomnamen(self) -> tuple[str, ...]:
        return tuple(k.naam for k in self.kolommen)

    def kolom(self, naam: str) -> Kolom:
        return next(k for k in self.kolommen if k.naam == naam)


def _k(naam: str, type: str, omschrijving: str, **kwargs) -> Kolom:
    return Kolom(naam, type, omschrijving, **kwargs)


INDICATOR_ID = _k("indicator_id", TEKST, "Indicator uit de catalogus (publish.indicatoren_catalogus).", verplicht=True)
PERIODE = _k(
    "periode", TEKST,
    "Halfjaar (2025-H1) of jaar (2025). Een jaarcijfer telt unieke personen over het hele jaar (niet H1 plus H2) "
    "en verschijnt pas als beide halfjaren van dat jaar zijn aangeleverd en gepubliceerd mogen worden.",
    verplicht=True,
)  # fmt: skip
GEMEENTE_CODE = _k("gemeente_code", TEKST, "CBS-gemeentecode (GMxxxx).", verplicht=True)
REGIO_NAAM = _k("regio_naam", TEKST, "Naam van de regio.")
EENHEID = _k(
    "eenheid", TEKST, "Eenheid van de waarde: procent, per 1.000, aantal (telling) of dagen (mediaan).", verplicht=True, waarden=EENHEDEN
)
GROEP_SOORT = _k("groep_soort", TEKST, "Soort vergelijkingsgroep.", verplicht=True, waarden=GROEP_SOORTEN)
GROEP_CODE = _k(
    "groep_code", TEKST,
    "Code van de groep: NL voor alle deelnemende gemeenten samen; VG-, PV- of GK- gevolgd door de gemeentecode "
    "voor de vergelijkbare gemeenten, de andere gemeenten in de provincie en de andere gemeenten van dezelfde "
    "grootte van die gemeente.",
    verplicht=True,
)  # fmt: skip
GROEP_NAAM = _k(
    "groep_naam", TEKST,
    "Naam van de groep zoals lezers hem zien, met het aantal leden. 'Nederland' alleen als alle gemeenten "
    "meedoen, anders 'alle deelnemende gemeenten (n)'.",
    verplicht=True,
)  # fmt: skip

INDICATOREN = Tabel(
    "publish.indicatoren",
    "Gepubliceerde indicatoren per gemeente en wijk per periode, na geheimhouding, van gemeenten die toestemming "
    "gaven. Aantallen zijn afgerond op veelvouden van 5; 0 tot en met 7 is geheim. Details (wijken, combinaties) "
    "tellen daardoor niet altijd op tot het totaal.",
    (
        INDICATOR_ID,
        PERIODE,
        _k("periode_soort", TEKST, "Soort periode.", verplicht=True, waarden=PERIODE_SOORTEN),
        _k("regio_code", TEKST, "CBS-code van de regio (GMxxxx of WKxxxxxx).", verplicht=True),
        _k("regio_niveau", TEKST, "Niveau van de regio.", verplicht=True, waarden=REGIO_NIVEAUS),
        REGIO_NAAM,
        _k("gemeente_code", TEKST, "Gemeente waartoe de regio behoort (GMxxxx).", verplicht=True),
        _k(
            "teller", GEHEEL_GETAL,
            "Aantal personen, huishoudens of trajecten, afgerond op een veelvoud van 5. Leeg als het geheim is, "
            "en bij een mediaan in dagen (die heeft geen teller).",
        ),
        _k(
            "noemer", GEHEEL_GETAL,
            "Noemer: afgerond aantal personen of trajecten, of het aantal inwoners volgens CBS. Leeg bij een telling "
            "(eenheid aantal) of als hij geheim is. Bij een mediaan: het aantal trajecten waarover hij gaat.",
        ),
        _k("waarde", GETAL, "Waarde in de eenheid van de indicator, op één decimaal. Leeg = geheim."),
        _k("geheim", JA_NEE, "Waar als de waarde niet gepubliceerd wordt (op de site: .).", verplicht=True),
        _k("geheim_reden", TEKST, "Waarom het cijfer geheim is; leeg als het niet geheim is.", waarden=GEHEIM_REDENEN),
        EENHEID,
        _k("status", TEKST, "Status van het cijfer.", verplicht=True, waarden=STATUSSEN),
        _k("release", TEKST, "Publicatie (release) waarin dit cijfer verscheen, bijvoorbeeld 2025-H1-r2.", verplicht=True),
    ),
    ("indicator_id", "periode", "regio_code"),
)  # fmt: skip

BENCHMARK = Tabel(
    "publish.benchmark",
    "Per indicator, periode en gemeente: de eigen waarde naast die van elke vergelijkingsgroep (publish.peergroepen). "
    "Alleen berekend uit gepubliceerde, niet-geheime cijfers van deelnemende gemeenten; een gemeente zit nooit in "
    "haar eigen vergelijkingsgroep (alleen in het totaal van alle deelnemende gemeenten). Aantallen (instroom, "
    "uitstroom) worden vergeleken per 1.000 inwoners.",
    (
        INDICATOR_ID,
        PERIODE,
        GEMEENTE_CODE,
        REGIO_NAAM,
        _k(
            "eenheid", TEKST,
            "Eenheid van waarde en groepscijfers. Een indicator die een aantal is, wordt hier per 1.000 inwoners "
            "vergeleken (per_1000), zodat grote en kleine gemeenten vergelijkbaar zijn.",
            verplicht=True, waarden=("pct", "per_1000", "dagen"),
        ),
        GROEP_SOORT,
        GROEP_CODE,
        GROEP_NAAM,
        _k("waarde", GETAL, "Waarde van de gemeente zelf (leeg = geheim)."),
        _k("groep_mediaan", GETAL, "Mediaan van de gepubliceerde waarden in de groep; leeg als de groep minder dan 2 waarden heeft."),
        _k("groep_p25", GETAL, "25e percentiel in de groep; leeg als de groep minder dan 5 waarden heeft."),
        _k("groep_p75", GETAL, "75e percentiel in de groep; leeg als de groep minder dan 5 waarden heeft."),
        _k(
            "groep_waarde", GETAL,
            "Waarde van de groep als geheel: som van de gepubliceerde tellers gedeeld door som van de noemers. "
            "Leeg bij een mediaan in dagen en als de groep minder dan 2 waarden heeft.",
        ),
        _k("groep_aantal", GEHEEL_GETAL, "Aantal gemeenten in de groep met een gepubliceerde waarde voor deze indicator en periode.", verplicht=True),
        _k("rang", GEHEEL_GETAL, "Plaats van de gemeente tussen de leden van de groep (1 = hoogste waarde); leeg als de eigen waarde geheim is of de groep minder dan 2 waarden heeft."),
        _k("vorige_periode", TEKST, "De periode waarmee vergeleken wordt (het halfjaar of jaar ervoor)."),
        _k("verandering", GETAL, "Waarde min de waarde in de vorige periode; bij een percentage in procentpunten."),
    ),
    ("indicator_id", "periode", "gemeente_code", "groep_code"),
)  # fmt: skip

PEERGROEPEN = Tabel(
    "publish.peergroepen",
    "De leden van elke vergelijkingsgroep: alleen deelnemende gemeenten (met gepubliceerde cijfers). Vergelijkbare "
    "gemeenten zijn gekozen op inwoners, dichtheid, stedelijkheid en woningen per inwoner (CBS KWB 2024); zie "
    "docs/vergelijken.md. Een gemeente is nooit lid van haar eigen vergelijkingsgroep.",
    (
        GROEP_CODE,
        GROEP_SOORT,
        GROEP_NAAM,
        _k(
            "voor_gemeente_code", TEKST,
            "De gemeente die met deze groep vergeleken wordt; leeg bij de groep van alle deelnemende gemeenten, "
            "die voor iedere gemeente geldt.",
        ),
        _k("gemeente_code", TEKST, "Een lid van de groep (GMxxxx).", verplicht=True),
        _k("gemeente_naam", TEKST, "Naam van het lid.", verplicht=True),
    ),
    ("groep_code", "gemeente_code"),
)  # fmt: skip

RELEASES = Tabel(
    "publish.releases",
    "Elke publicatie (release): periode, status, tijdstip, aantal cijfers en aantal herziene cijfers.",
    (
        _k("release_id", TEKST, "Release: periode en volgnummer, bijvoorbeeld 2025-H1-r2.", verplicht=True),
        PERIODE,
        _k("status", TEKST, "Status van de cijfers in deze release.", verplicht=True, waarden=STATUSSEN[1:]),
        _k("gepubliceerd_op", TIJDSTIP, "Tijdstip van publicatie (UTC).", verplicht=True),
        _k("cijfers", GEHEEL_GETAL, "Aantal cijfers in de release.", verplicht=True),
        _k("herzien", GEHEEL_GETAL, "Aantal cijfers dat veranderde ten opzichte van de vorige release van de periode.", verplicht=True),
        _k("vorige_release", TEKST, "De vorige release van dezelfde periode; leeg bij de eerste."),
    ),
    ("release_id",),
)  # fmt: skip

REVISIES = Tabel(
    "publish.revisies",
    "Cijfers die tussen twee releases van dezelfde periode veranderden, met oude en nieuwe waarde.",
    (
        INDICATOR_ID,
        PERIODE,
        _k("regio_code", TEKST, "CBS-code van de regio (GMxxxx of WKxxxxxx).", verplicht=True),
        REGIO_NAAM,
        _k("release_oud", TEKST, "Release met de oude waarde."),
        _k("release_nieuw", TEKST, "Release met de nieuwe waarde."),
        _k("waarde_oud", GETAL, "Waarde in de oude release (leeg = geheim of niet gepubliceerd)."),
        _k("waarde_nieuw", GETAL, "Waarde in de nieuwe release (leeg = geheim of niet gepubliceerd)."),
        _k("verschil", GETAL, "Nieuwe min oude waarde."),
    ),
    ("indicator_id", "periode", "regio_code", "release_nieuw"),
)  # fmt: skip

CATALOGUS = Tabel(
    "publish.indicatoren_catalogus",
    "Elke indicator met zijn definitie, eenheid en richting, zoals vastgelegd in indicators/catalogus.yaml.",
    (
        _k("id", TEKST, "Indicator (indicator_id in de andere tabellen).", verplicht=True),
        _k("titel", TEKST, "Titel zoals de site hem toont.", verplicht=True),
        _k("domein", TEKST, "Domein: jeugd, wmo, participatie of integraal (domeinoverstijgend).", verplicht=True),
        EENHEID,
        _k(
            "richting", TEKST,
            "Hoe een hogere waarde te lezen is. Neutraal betekent: hoger of lager is op zichzelf niet beter of slechter.",
            verplicht=True, waarden=RICHTINGEN,
        ),
        _k("definitie", TEKST, "Wat de indicator meet.", verplicht=True),
        _k("teller", TEKST, "Wat de teller telt.", verplicht=True),
        _k("noemer", TEKST, "Wat de noemer telt; leeg bij een telling of mediaan."),
        _k("bron", TEKST, "Herkomst van teller en noemer.", verplicht=True),
        _k("matrixcel", TEKST, "Plaats in de VISD-matrix voor horizontale verantwoording: domein × functie."),
        _k(
            "jaarcijfer", JA_NEE,
            "Waar als de indicator ook per jaar verschijnt (unieke personen over het hele jaar, zodra het jaar compleet "
            "is); onwaar voor tellingen en aandelen van trajecten en doorlooptijden, die alleen per halfjaar bestaan.",
            verplicht=True,
        ),
        _k("geheimhouding", TEKST, "De geheimhoudingsregel die voor deze indicator geldt.", verplicht=True),
        _k("kanttekeningen", TEKST, "Kanttekeningen en trendbreuken, met de periode waarvoor ze gelden; leeg als er geen zijn."),
    ),
    ("id",),
)  # fmt: skip

TABLES: dict[str, Tabel] = {t.naam: t for t in (INDICATOREN, BENCHMARK, PEERGROEPEN, RELEASES, REVISIES, CATALOGUS)}

# The operator's unreleased copies: the same columns as their published table, another description.
CONCEPT_TABLES: dict[str, tuple[Tabel, str]] = {
    "concept.indicatoren": (
        INDICATOREN,
        "Conceptcijfers van de laatste verwerking (na geheimhouding, nog niet gepubliceerd; alleen voor de beheerder).",
    ),
    "concept.benchmark": (BENCHMARK, "De benchmark van de conceptcijfers (nog niet gepubliceerd; alleen voor de beheerder)."),
    "concept.peergroepen": (
        PEERGROEPEN,
        "De vergelijkingsgroepen van de conceptcijfers: de gemeenten die in de volgende release zouden deelnemen.",
    ),
}

# Tables of the warehouse that are never published: only a description.
OTHER_TABLES: dict[str, str] = {
    "audit.leveringen": "Elke aangeleverde file met oordeel, aantallen en controlegetal (geen persoonsgegevens).",
    "audit.verwijderingen": "Elk verwijderd ruw aanleverbestand: naam, controlegetal (SHA-256), verwerkt_op, verwijderd_op en reden.",
    "ref.regio": "Regio's met inwoners (CBS KWB 2024) en geschatte leeftijdsgroepen.",
}

# The warehouse's schemas, from the names above ("publish", "concept", "audit", "ref").
SCHEMAS: tuple[str, ...] = tuple(sorted({name.split(".")[0] for name in (*TABLES, *CONCEPT_TABLES, *OTHER_TABLES)}))


def table(name: str) -> Tabel:
    """The declaration of a published or concept table ('publish.benchmark', 'concept.indicatoren')."""
    if name in TABLES:
        return TABLES[name]
    if name in CONCEPT_TABLES:
        return CONCEPT_TABLES[name][0]
    raise KeyError(f"{name} is not a declared table")


def column_names(name: str) -> tuple[str, ...]:
    """The columns of a declared table, in order (what the site and the checks read)."""
    return table(name).kolomnamen


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_sql(name: str, source: str) -> str:
    """CREATE TABLE `name` from the registered frame `source`.

    A declared table gets exactly its declared columns, in order and cast to their types (a missing
    column fails the build; an undeclared one is not published). Other tables take `source` as is.
    """
    if name not in TABLES and name not in CONCEPT_TABLES:
        return f"CREATE TABLE {name} AS SELECT * FROM {source}"
    columns = ", ".join(f'CAST("{k.naam}" AS {k.type}) AS "{k.naam}"' for k in table(name).kolommen)
    return f"CREATE TABLE {name} AS SELECT {columns} FROM {source}"


def comments() -> dict[str, str]:
    """Every table ('schema.tabel') and column ('schema.tabel.kolom') description of the warehouse."""
    out: dict[str, str] = {}
    declared = [(t.naam, t, t.omschrijving) for t in TABLES.values()]
    declared += [(name, t, text) for name, (t, text) in CONCEPT_TABLES.items()]
    for name, declaration, text in declared:
        out[name] = text
        for kolom in declaration.kolommen:
            out[f"{name}.{kolom.naam}"] = kolom.toelichting
    out.update(OTHER_TABLES)
    return out


def write_comments(con) -> None:
    """Write the descriptions as DuckDB comments on the tables and columns `con` holds."""
    present = {f"{schema}.{name}" for schema, name in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}
    statements = []
    for target, text in comments().items():
        is_column = target.count(".") == 2
        owner = target.rsplit(".", 1)[0] if is_column else target
        if owner in present:
            statements.append(f"COMMENT ON {'COLUMN' if is_column else 'TABLE'} {target} IS {_quoted(text)};")
    if statements:  # one script, one transaction: not a commit per comment
        con.execute("BEGIN TRANSACTION;\n" + "\n".join(statements) + "\nCOMMIT;")
