"""What a page says about an indicator: title, unit, direction, caveats, definition, source.

The catalogue (`indicators.catalogus`) is the one declaration of every indicator. The published
catalogue table (`publish.indicatoren_catalogus`), when given, wins for the texts a reader sees
(definitie, bron, richting), so the site says exactly what the analysts' download says. Newer
catalogue fields (`richting`, `kanttekeningen`) are read with a default, so the site works with a
catalogue that does not have them yet.

A *block* is what one heading on a gemeente page covers: one indicator, or all indicators of a
reeks (the Wmo hoofdgroepen, the stapeling combinations), shown together.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from indicators.catalogus import UNITS, Indicator
from vocabulary.domeinen import INDICATOR_DOMEINEN, INTEGRAAL, TITELS
from vocabulary.formatting import fmt_number, is_missing
from vocabulary.periode import label as periode_label

BRON = "Gemeentelijke aanlevering via de clearinghouse; bevolking CBS Kerncijfers wijken en buurten 2024."

RICHTINGEN = {
    "hoger_is_beter": "Hoger is beter",
    "lager_is_beter": "Lager is beter",
    "neutraal": "Hoger is niet beter of slechter",
}

PER_INWONERS = "per 1.000 inwoners"  # the unit in which a count is compared with other gemeenten

# How a change is named per unit: a change of a percentage is in procentpunten, not in %.
VERANDERING_EENHEID = {"pct": "procentpunt", "per_1000": "per 1.000", "aantal": "", "dagen": "dagen"}

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


@dataclass(frozen=True)
class Kanttekening:
    """A caveat or trend break of an indicator, for one periode or (periode None) for all."""

    periode: str | None
    soort: str  # trendbreuk | opmerking
    tekst: str

    @property
    def kop(self) -> str:
        what = "Trendbreuk" if self.soort == "trendbreuk" else "Let op"
        return f"{what} ({periode_label(self.periode)})" if self.periode else what


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
    domein: str = INTEGRAAL
    gegevensset: str = "basis"
    reeks: str | None = None
    categorie: str | None = None
    matrix: tuple[tuple[str, str], ...] = ()
    geheimhouding: str = ""
    richting: str | None = None
    kanttekeningen: tuple[Kanttekening, ...] = ()
    definitie: str = ""
    bron: str = BRON

    @classmethod
    def from_catalogue(cls, indicator: Indicator, published: dict | None = None) -> IndicatorView:
        published = published or {}
        notes = tuple(
            Kanttekening(getattr(k, "periode", None), getattr(k, "soort", "opmerking"), getattr(k, "tekst", str(k)))
            for k in getattr(indicator, "kanttekeningen", ()) or ()
        )
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
            richting=_text(published.get("richting")) or getattr(indicator, "richting", None),
            kanttekeningen=notes,
            definitie=_text(published.get("definitie")) or indicator.omschrijving,
            bron=_text(published.get("bron")) or BRON,
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
    def is_count(self) -> bool:
        """A count compares sizes, not rates: never benchmarked against other gemeenten as such."""
        return self.eenheid == "aantal"

    @property
    def per_inwoners(self) -> IndicatorView:
        """A count as it is compared with other gemeenten: per 1.000 inwoners, one decimal
        (publish.benchmark). Same texts; the unit, the unit of a change and the decimals differ."""
        return replace(self, eenheid="per_1000", eenheid_label=PER_INWONERS, factor=1000.0)

    @property
    def decimals(self) -> int:
        """Counts print as whole numbers; rates and medians with one decimal."""
        return 0 if self.is_count else 1

    @property
    def richting_label(self) -> str | None:
        return RICHTINGEN.get(self.richting or "")

    @property
    def verandering_eenheid(self) -> str:
        return VERANDERING_EENHEID.get(self.eenheid, self.eenheid_label)

    def verandering_label(self, value: float | None = None) -> str:
        """'procentpunt' or 'procentpunten' (Dutch: singular only for exactly 1), 'per 1.000', 'dagen'."""
        unit = self.verandering_eenheid
        if unit == "procentpunt" and (value is None or abs(round(value, 1)) != 1):
            return "procentpunten"
        return unit

    def fmt(self, value) -> str:
        return fmt_number(value, self.decimals)

    def oordeel(self, change: float | None) -> str | None:
        """'gunstig' / 'ongunstig' for a change, when the indicator has a direction; else None."""
        if change is None or round(change, self.decimals) == 0 or self.richting not in ("hoger_is_beter", "lager_is_beter"):
            return None
        better = change > 0 if self.richting == "hoger_is_beter" else change < 0
        return "gunstig" if better else "ongunstig"

    def notes_for(self, periodes: list[str]) -> list[Kanttekening]:
        return [k for k in self.kanttekeningen if k.periode is None or k.periode in periodes]

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


def _text(value) -> str | None:
    return None if value is None or is_missing(value) or not str(value).strip() else str(value)


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
    def first(self) -> IndicatorView:
        return self.views[0]

    @property
    def eenheid(self) -> str:
        return self.first.eenheid

    @property
    def eenheid_label(self) -> str:
        return self.first.eenheid_label


def indicator_views(present: list[str], eenheden: dict[str, str], catalogue, published: pd.DataFrame | None) -> list[IndicatorView]:
    """Catalogue order (so pages read the same every release), limited to what has data."""
    texts = {}
    if published is not None and len(published) and "id" in published.columns:
        texts = {str(row["id"]): row for row in published.to_dict("records")}
    views = [IndicatorView.from_catalogue(i, texts.get(i.id)) for i in catalogue if i.id in present]
    known = {view.id for view in views}
    views += [IndicatorView.unknown(i, eenheden[i]) for i in sorted(set(present) - known)]
    return views


def _reeks_titel(reeks: str, views: list[IndicatorView]) -> str:
    if reeks in REEKSEN:
        return REEKSEN[reeks]
    first = views[0].titel
    return first.split(":")[0].strip() if ":" in first else reeks.replace("_", " ").capitalize()


def blocks(views: list[IndicatorView]) -> list[Block]:
    """Views grouped: a reeks becomes one block (in the domein of its members, or integraal when
    they span domeinen), every other indicator a block of its own; ordered by domein."""
    out: list[Block] = []
    by_reeks: dict[str, Block] = {}
    for view in views:
        if view.reeks:
            block = by_reeks.get(view.reeks)
            if block is None:
                block = by_reeks[view.reeks] = Block(view.reeks, "", view.domein)
                out.append(block)
            block.views.append(view)
            if block.domein != view.domein:
                block.domein = INTEGRAAL
        else:
            out.append(Block(view.id, view.titel, view.domein, [view]))
    for block in by_reeks.values():
        block.titel = _reeks_titel(block.key, block.views)
    order = list(INDICATOR_DOMEINEN)
    return sorted(out, key=lambda b: order.index(b.domein) if b.domein in order else len(order))


def domein_titel(domein: str) -> str:
    return TITELS.get(domein, domein)
