"""The indicator page: all gemeenten on one indicator, its definition, source and disclosure rule.

A map coloured by the indicator, every published gemeente on one axis (secret ones listed in
the table, never drawn), the figure of all participating gemeenten per periode, and a sortable
table. An indicator that is secret for every gemeente says so instead of drawing empty charts.
"""

from __future__ import annotations

import json

from dashboards import charts
from dashboards.cells import Cells, reden
from dashboards.data import SiteData
from dashboards.pages.gemeente import TELLING_NIET_VERGELEKEN
from dashboards.views import IndicatorView, domein_titel
from vocabulary.groepen import BAND_SOORTEN, LABELS
from vocabulary.periode import label as periode_label


def context(data: SiteData, view: IndicatorView) -> tuple[dict, dict]:
    periode = data.latest_of(view.id)
    previous = data.previous_of(view.id, periode)
    cells = Cells()
    gemeenten = []
    for code in data.codes:
        figure = data.figure(view.id, periode, code)
        if figure is None:
            continue
        before = data.value(view.id, previous, code)
        change = None if figure.waarde is None or before is None else round(figure.waarde - before, view.decimals)
        row = [cells.value(view, figure), cells.change(view, change)]
        for soort in BAND_SOORTEN:
            row.append(cells.missing(TELLING_NIET_VERGELEKEN) if view.is_count
                       else cells.group(view, data.group(view.id, periode, code, soort)))
        gemeenten.append({"code": code, "naam": data.names[code], "waarde": figure.waarde, "cells": row})
    gemeenten.sort(key=lambda g: (g["waarde"] is None, -(g["waarde"] or 0), g["naam"].lower()))
    shown = [g for g in gemeenten if g["waarde"] is not None]
    totaal_label = data.totaal_label()
    specs: dict[str, dict] = {}
    totaal = data.totaal.get((view.id, periode))
    if shown:
        specs["verdeling"] = charts.verdeling(
            [g["naam"] for g in shown], [g["code"] for g in shown], [g["waarde"] for g in shown],
            titel=f"{view.titel} ({view.eenheid_label}), {periode_label(periode)}", eenheid=view.eenheid_label,
            decimalen=view.decimals, bestand=f"{view.id}-gemeenten",
            lijnen=[] if view.is_count or totaal is None else [(totaal_label, totaal)], links="../gemeente/",
        )
        if not view.is_count:
            specs["kaart"] = charts.kaart(view.id, periode, titel=view.titel, eenheid=view.eenheid_label,
                                          decimalen=view.decimals, bestand=f"kaart-{view.id}")
    halves = data.halves(view.id)
    totals = [data.totaal.get((view.id, p)) for p in halves]
    if not view.is_count and any(t is not None for t in totals):
        specs["totaal"] = charts.trend(
            halves, titel=f"{view.titel}: {totaal_label} ({view.eenheid_label})", eenheid=view.eenheid_label,
            decimalen=view.decimals, bestand=f"{view.id}-totaal", reeksen=[(totaal_label, charts.TOTAAL, totals)],
            breuken=[(k.periode, k.tekst) for k in view.kanttekeningen if k.soort == "trendbreuk" and k.periode],
        )
    totaal_cells = Cells()
    per_periode = []
    for p in data.indicator_periodes.get(view.id, []):
        count = sum(1 for code in data.codes if data.value(view.id, p, code) is not None)
        per_periode.append({"periode": p, "cells": [
            totaal_cells.number(view, data.totaal.get((view.id, p)), missing_title="Geen gepubliceerde cijfers"),
            totaal_cells.text(str(count)),
        ]})
    block = data.block_of[view.id]
    page = {
        "view": view,
        "block": block,
        "domein_titel": domein_titel(view.domein),
        "periode": periode,
        "gemeenten": gemeenten,
        "verborgen": len(gemeenten) - len(shown),
        "alles_geheim": not shown,
        "noot": cells.noot("../"),
        "per_periode": per_periode,
        "siblings": [v for v in data.views if view.reeks and v.reeks == view.reeks],
        "heeft_totaal": "totaal" in specs,
        "kanttekeningen": view.notes_for(data.indicator_periodes.get(view.id, [])),
        "groep_labels": [LABELS[s] for s in BAND_SOORTEN],
    }
    return page, specs


def data_script(data: SiteData, view: IndicatorView) -> str:
    """data/<id>.js: every gemeente's figures of one indicator for the map and the compare tool.

    Per gemeente one entry per periode: the value, the letter of the secret reason (k, n, t, a, g)
    when secret, or null when not delivered; the secret value itself is never in the file.
    """
    all_periodes = data.indicator_periodes.get(view.id, [])
    waarden = {}
    for code in data.codes:
        entries = []
        for p in all_periodes:
            figure = data.figure(view.id, p, code)
            entries.append(None if figure is None else reden(figure.reden)[0] if figure.waarde is None else figure.waarde)
        if any(e is not None for e in entries):
            waarden[code] = entries
    payload = {
        "id": view.id, "titel": view.titel, "eenheid": view.eenheid_label, "decimalen": view.decimals,
        "periodes": all_periodes, "x": [periode_label(p) for p in all_periodes], "xk": [charts.short_label(p) for p in all_periodes],
        "laatste": data.latest_of(view.id), "telling": view.is_count, "richting": view.richting, "w": waarden,
    }
    return "GMSD.data(" + json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + ");\n"
