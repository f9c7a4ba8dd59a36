"""The indicator catalogue: declarations read from `catalogus.yaml`, validated on load.

One declaration per indicator keeps the definition, the Dutch texts the site shows and the SQL the
warehouse runs in one place, so what a raadslid reads is what the code computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from gmsd.reference import POPULATION_GROUPS

CATALOGUE_PATH = Path(__file__).with_name("catalogus.yaml")

UNITS = {"pct": ("%", 100.0), "per_1000": ("per 1.000", 1000.0)}
DOMAINS = ("jeugd", "wmo", "participatie", "integraal")
LEVELS = ("gemeente", "wijk")


@dataclass(frozen=True)
class Count:
    """A numerator or denominator: unique persons meeting conditions, or a population group."""

    omschrijving: str
    soort: str  # 'personen' | 'bevolking'
    voorwaarde: str | None = None
    ook: tuple[str, ...] = ()
    groep: str | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    titel: str
    omschrijving: str
    domein: str
    gegevensset: str  # 'basis' | 'facultatief'
    eenheid: str
    teller: Count
    noemer: Count
    min_noemer: int
    niveaus: tuple[str, ...]
    matrix: dict[str, str] = field(default_factory=dict)

    @property
    def factor(self) -> float:
        return UNITS[self.eenheid][1]

    @property
    def eenheid_label(self) -> str:
        return UNITS[self.eenheid][0]


class CatalogueError(ValueError):
    pass


def _count(raw: dict, where: str) -> Count:
    soort = raw.get("soort")
    if soort == "personen":
        if not raw.get("voorwaarde"):
            raise CatalogueError(f"{where}: 'personen' needs a voorwaarde")
        return Count(raw["omschrijving"], soort, voorwaarde=raw["voorwaarde"], ook=tuple(raw.get("ook", ())))
    if soort == "bevolking":
        if raw.get("groep") not in POPULATION_GROUPS:
            raise CatalogueError(f"{where}: unknown population group {raw.get('groep')!r}")
        return Count(raw["omschrijving"], soort, groep=raw["groep"])
    raise CatalogueError(f"{where}: unknown soort {soort!r}")


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
        if raw.get("domein") not in DOMAINS:
            raise CatalogueError(f"{ident}: unknown domein {raw.get('domein')!r}")
        if raw.get("gegevensset") not in ("basis", "facultatief"):
            raise CatalogueError(f"{ident}: gegevensset must be basis or facultatief")
        levels = tuple(raw.get("niveaus", LEVELS))
        if not set(levels) <= set(LEVELS):
            raise CatalogueError(f"{ident}: unknown niveau in {levels}")
        out.append(
            Indicator(
                id=ident,
                titel=raw["titel"],
                omschrijving=raw["omschrijving"],
                domein=raw["domein"],
                gegevensset=raw["gegevensset"],
                eenheid=raw["eenheid"],
                teller=_count(raw["teller"], f"{ident}.teller"),
                noemer=_count(raw["noemer"], f"{ident}.noemer"),
                min_noemer=int(raw["min_noemer"]),
                niveaus=levels,
                matrix=dict(raw.get("matrix", {})),
            )
        )
    return tuple(out)


@lru_cache(maxsize=2)
def load_catalogue(path: Path = CATALOGUE_PATH) -> tuple[Indicator, ...]:
    with open(path, encoding="utf-8") as handle:
        return parse_catalogue(yaml.safe_load(handle))


def by_id(path: Path = CATALOGUE_PATH) -> dict[str, Indicator]:
    return {indicator.id: indicator for indicator in load_catalogue(path)}
