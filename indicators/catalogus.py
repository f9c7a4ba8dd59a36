"""The indicator catalogus: declarations read from `catalogus.yaml`, validated on load.

One declaration per indicator keeps the definition, the Dutch texts the site shows and the SQL the
warehouse runs in one place, so what a raadslid reads is what the code computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from contracts.publish import CATALOGUS, EENHEDEN, REGIO_NIVEAUS, RICHTINGEN
from vocabulary import files
from vocabulary.domeinen import INDICATOR_DOMEINEN
from vocabulary.periode import Periode, PeriodeError
from vocabulary.reference import POPULATION_GROUPS, SOURCE_CREDIT

CATALOGUE_PATH = Path(__file__).with_name("catalogus.yaml")

# Per eenheid (the published vocabulary, contracts.publish.EENHEDEN): label for readers and factor.
UNITS = {"pct": ("%", 100.0), "per_1000": ("per 1.000", 1000.0), "aantal": ("aantal", 1.0), "dagen": ("dagen", 1.0)}
COUNT_KINDS = ("personen", "huishoudens", "trajecten", "mediaan", "bevolking")
LEVELS = REGIO_NIVEAUS
KANTTEKENING_SOORTEN = ("trendbreuk", "opmerking")
RICHTING_TEKST = {
    "hoger_is_beter": "hoger is beter",
    "lager_is_beter": "lager is beter",
    "neutraal": "hoger of lager is op zichzelf niet beter of slechter",
}
BRON_AANLEVERING = "aanlevering van de gemeente via de clearinghouse"


@dataclass(frozen=True)
class Count:
    """A numerator or denominator: unique persons meeting conditions, or a population group."""

    omschrijving: str
    soort: str  # one of COUNT_KINDS
    voorwaarde: str | None = None  # SQL over trajecten: which trajecten count
    ook: tuple[str, ...] = ()  # the person/household must also have a traject meeting each of these
    niet: tuple[str, ...] = ()  # ... and none meeting any of these (same periode and gemeente)
    min_domeinen: int | None = None  # ... and trajecten in at least this many domeinen
    groep: str | None = None  # bevolking: population group
    expressie: str | None = None  # mediaan: SQL expression per traject (e.g. days between two dates)


@dataclass(frozen=True)
class Kanttekening:
    """A caveat readers should see next to the figures: for one periode, or for all (periode None)."""

    periode: str | None
    soort: str  # 'trendbreuk' (figures before and after are not comparable) | 'opmerking'
    tekst: str  # Dutch

    def geldt_voor(self, periode: str) -> bool:
        return self.periode is None or self.periode == periode


@dataclass(frozen=True)
class Indicator:
    id: str
    titel: str
    omschrijving: str
    domein: str
    gegevensset: str  # 'basis' | 'facultatief'
    eenheid: str
    teller: Count
    noemer: Count | None  # None for counts (eenheid aantal) and medians (eenheid dagen)
    min_noemer: int
    niveaus: tuple[str, ...]
    matrix: dict[str, str] = field(default_factory=dict)
    jaar: bool = True  # also a year figure (unique persons over both halves)
    reeks: str | None = None  # indicators that split one total (e.g. wmo_hoofdgroep_per_1000)
    categorie: str | None = None  # this indicator's part of the reeks, in Dutch
    optelbaar: bool = False  # the reeks' tellers add up to one published total (secondary suppression)
    richting: str = "neutraal"  # one of RICHTINGEN: how a reader should read a higher value
    kanttekeningen: tuple[Kanttekening, ...] = ()

    @property
    def geheimhouding(self) -> str:
        """The disclosure rule this indicator follows, in Dutch (for the site and the dictionary)."""
        if self.eenheid == "dagen":
            return f"Mediaan; alleen gepubliceerd als hij over minstens {self.min_noemer} trajecten gaat."
        rule = "Aantallen afgerond op veelvouden van 5; 0 tot en met 7 is geheim (.)."
        if self.noemer is not None:
            rule += f" Geen waarde als de noemer kleiner is dan {self.min_noemer}."
        return rule

    @property
    def factor(self) -> float:
        return UNITS[self.eenheid][1]

    @property
    def eenheid_label(self) -> str:
        return UNITS[self.eenheid][0]

    @property
    def verandering_label(self) -> str:
        """The unit of a change between periodes: a percentage changes in procentpunten."""
        return "procentpunten" if self.eenheid == "pct" else self.eenheid_label

    @property
    def matrixcel(self) -> str:
        return f"{self.matrix.get('domein', '')} × {self.matrix.get('functie', '')}" if self.matrix else ""

    @property
    def bron(self) -> str:
        if self.noemer is not None and self.noemer.soort == "bevolking":
            geschat = "; leeftijdsgroep geschat uit de landelijke leeftijdsverdeling" if self.noemer.groep != "inwoners" else ""
            return f"Teller: {BRON_AANLEVERING}. Noemer: {SOURCE_CREDIT.removeprefix('Bevolking: ')}{geschat}."
        return f"{'Teller en noemer' if self.noemer is not None else 'Telling'}: {BRON_AANLEVERING}."

    def kanttekeningen_voor(self, periode: str) -> tuple[Kanttekening, ...]:
        return tuple(k for k in self.kanttekeningen if k.geldt_voor(periode))


class CatalogueError(ValueError):
    pass


def _count(raw: dict, where: str) -> Count:
    soort = raw.get("soort")
    if soort not in COUNT_KINDS:
        raise CatalogueError(f"{where}: unknown soort {soort!r}")
    if soort == "bevolking":
        if raw.get("groep") not in POPULATION_GROUPS:
            raise CatalogueError(f"{where}: unknown population group {raw.get('groep')!r}")
        return Count(raw["omschrijving"], soort, groep=raw["groep"])
    if soort in ("personen", "huishoudens") and not raw.get("voorwaarde"):
        raise CatalogueError(f"{where}: '{soort}' needs a voorwaarde")
    if soort == "mediaan" and not raw.get("expressie"):
        raise CatalogueError(f"{where}: 'mediaan' needs an expressie")
    return Count(
        raw["omschrijving"],
        soort,
        voorwaarde=raw.get("voorwaarde"),
        ook=tuple(raw.get("ook", ())),
        niet=tuple(raw.get("niet", ())),
        min_domeinen=raw.get("min_domeinen"),
        expressie=raw.get("expressie"),
    )


def _kanttekeningen(raw: object, ident: str) -> tuple[Kanttekening, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise CatalogueError(f"{ident}: kanttekeningen must be a list")
    out = []
    for item in raw:
        if not isinstance(item, dict) or set(item) - {"periode", "soort", "tekst"}:
            raise CatalogueError(f"{ident}: a kanttekening has periode (optional), soort and tekst, got {item!r}")
        if item.get("soort") not in KANTTEKENING_SOORTEN:
            raise CatalogueError(f"{ident}: kanttekening soort must be one of {KANTTEKENING_SOORTEN}, got {item.get('soort')!r}")
        if not str(item.get("tekst") or "").strip():
            raise CatalogueError(f"{ident}: a kanttekening needs a tekst")
        periode = item.get("periode")
        if periode is not None:
            try:
                periode = Periode.parse(periode).code
            except PeriodeError as exc:
                raise CatalogueError(f"{ident}: kanttekening periode: {exc}") from exc
        if item["soort"] == "trendbreuk" and periode is None:
            raise CatalogueError(f"{ident}: a trendbreuk happens in one periode; give its periode")
        out.append(Kanttekening(periode, item["soort"], str(item["tekst"]).strip()))
    return tuple(out)


def parse_catalogue(entries: list[dict]) -> tuple[Indicator, ...]:
    seen: set[str] = set()
    out = []
    for raw in entries:
        ident = raw.get("id", "?")
        if ident in seen:
            raise CatalogueError(f"indicator {ident} is declared twice")
        seen.add(ident)
        if raw.get("eenheid") not in UNITS:
            raise CatalogueError(f"{ident}: unknown eenheid {raw.get('eenheid')!r}")
        if raw.get("domein") not in INDICATOR_DOMEINEN:
            raise CatalogueError(f"{ident}: unknown domein {raw.get('domein')!r}")
        if raw.get("gegevensset") not in ("basis", "facultatief"):
            raise CatalogueError(f"{ident}: gegevensset must be basis or facultatief")
        levels = tuple(raw.get("niveaus", LEVELS))
        if not set(levels) <= set(LEVELS):
            raise CatalogueError(f"{ident}: unknown niveau in {levels}")
        teller = _count(raw["teller"], f"{ident}.teller")
        noemer = _count(raw["noemer"], f"{ident}.noemer") if raw.get("noemer") else None
        if (noemer is None) != (raw["eenheid"] in ("aantal", "dagen")):
            raise CatalogueError(f"{ident}: eenheid aantal/dagen has no noemer, pct/per_1000 needs one")
        if raw["eenheid"] == "dagen" and teller.soort != "mediaan":
            raise CatalogueError(f"{ident}: eenheid dagen needs a mediaan teller")
        if raw.get("richting") not in RICHTINGEN:
            raise CatalogueError(f"{ident}: richting must be one of {', '.join(RICHTINGEN)}, got {raw.get('richting')!r}")
        out.append(
            Indicator(
                id=ident,
                titel=raw["titel"],
                omschrijving=raw["omschrijving"],
                domein=raw["domein"],
                gegevensset=raw["gegevensset"],
                eenheid=raw["eenheid"],
                teller=teller,
                noemer=noemer,
                min_noemer=int(raw.get("min_noemer", 0)),
                niveaus=levels,
                matrix=dict(raw.get("matrix", {})),
                jaar=bool(raw.get("jaar", teller.soort in ("personen", "huishoudens"))),
                reeks=raw.get("reeks"),
                categorie=raw.get("categorie"),
                optelbaar=bool(raw.get("reeks_optelbaar", False)),
                richting=raw["richting"],
                kanttekeningen=_kanttekeningen(raw.get("kanttekeningen"), ident),
            )
        )
    return tuple(out)


@lru_cache(maxsize=2)
def load_catalogue(path: Path = CATALOGUE_PATH) -> tuple[Indicator, ...]:
    with open(path, encoding="utf-8") as handle:
        return parse_catalogue(files.load_yaml(handle))


def by_id(path: Path = CATALOGUE_PATH) -> dict[str, Indicator]:
    return {indicator.id: indicator for indicator in load_catalogue(path)}


def catalogue_table(catalogue: tuple[Indicator, ...]) -> pd.DataFrame:
    """publish.indicatoren_catalogus: one row per indicator, for analysts and downloads."""
    rows = [
        {
            "id": i.id,
            "titel": i.titel,
            "domein": i.domein,
            "eenheid": i.eenheid,
            "richting": i.richting,
            "definitie": i.omschrijving,
            "teller": i.teller.omschrijving,
            "noemer": i.noemer.omschrijving if i.noemer is not None else None,
            "bron": i.bron,
            "matrixcel": i.matrixcel or None,
            "jaarcijfer": i.jaar,
            "geheimhouding": i.geheimhouding,
            "kanttekeningen": "; ".join(
                f"{k.periode or 'alle periodes'} ({k.soort}): {k.tekst}" for k in i.kanttekeningen
            ) or None,
        }
        for i in catalogue
    ]
    return pd.DataFrame(rows, columns=list(CATALOGUS.kolomnamen))
