"""The start page and the search index every page uses.

Home: what the monitor is, search and a gemeente selector that work without JavaScript, the
headline figures of all participating gemeenten together (called "Nederland" only when all
gemeenten take part), a map, the release and its status, and every indicator by domein.
"""

from __future__ import annotations

import json

from dashboards import charts
from dashboards.data import SiteData
from dashboards.views import domein_titel
from vocabulary.domeinen import INDICATOR_DOMEINEN
from vocabulary.formatting import SECRET

HEADLINES = ("jeugd_pct", "wmo_per_1000", "bijstand_per_1000", "stapeling_pct")


def domeinen(data: SiteData) -> list[dict]:
    out = []
    for domein in INDICATOR_DOMEINEN:
        items = [b for b in data.blocks if b.domein == domein]
        if items:
            out.append({"id": f"domein-{domein}", "titel": domein_titel(domein), "blocks": items})
    return out


def headlines(data: SiteData) -> list[dict]:
    ids = [i for i in HEADLINES if i in data.view_by_id] or [v.id for v in data.views if v.has_ratio][:4]
    out = []
    for indicator_id in ids:
        view = data.view_by_id[indicator_id]
        periode = data.latest_of(indicator_id)
        value = data.totaal.get((indicator_id, periode))
        previous = data.previous_of(indicator_id, periode)
        before = data.totaal.get((indicator_id, previous)) if previous else None
        change = None if value is None or before is None else round(value - before, view.decimals)
        out.append({
            "view": view,
            "periode": periode,
            "waarde": view.fmt(value) if value is not None else SECRET,
            "vorige": None if before is None else {"periode": previous, "waarde": view.fmt(before)},
            "verandering": change,
            "oordeel": view.oordeel(change),
        })
    return out


def context(data: SiteData) -> tuple[dict, dict]:
    specs = {}
    kaartbaar = [v for v in data.views if not v.is_count]
    if kaartbaar:
        first = next((data.view_by_id[i] for i in HEADLINES if i in data.view_by_id), kaartbaar[0])
        specs["kaart"] = charts.kaart(first.id, data.latest_of(first.id), titel=first.titel, eenheid=first.eenheid_label,
                                      decimalen=first.decimals, bestand="kaart",
                                      keuze=[{"id": v.id, "titel": v.titel} for v in kaartbaar])
    page = {
        "gemeenten": [{"code": c, "naam": data.names[c]} for c in data.by_name],
        "headlines": headlines(data),
        "domeinen": domeinen(data),
    }
    return page, specs


def search_index(data: SiteData) -> str:
    """zoekindex.js: every gemeente and indicator by name, for the search box, the map and the compare tool."""
    index = {
        "gemeenten": [[c, data.names[c]] for c in data.by_name],
        "indicatoren": [[v.id, v.titel, domein_titel(v.domein), v.eenheid_label, v.decimals] for v in data.views],
    }
    return "window.GMSD_ZOEK = " + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n"
