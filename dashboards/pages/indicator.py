"""The indicator page: all gemeenten on one indicator, its definition, source and disclosure rule.

A map coloured by the indicator, every published gemeente on one axis (secret ones listed in
the table, never drawn), the figure of all participating gemeenten per periode, and a sortable
table. A count (instroom, uitstroom) is compared per 1.000 inwoners, as publish.benchmark does:
its chart and groups are per 1.000 inwoners, the table has both. An indicator that is secret for
every gemeente says so instead of drawing empty charts.
"""

from __future__ import annotations

import json

from dashboards import charts
from dashboards.cells import Cells, reden
from dashboards.data import SiteData
from dashboards.pages.gemeente import TELLING_NIET_VERGELEKEN, rate_figure
from dashboards.views import PER_INWONERS, IndicatorView, domein_titel
from vocabulary.groepen import BAND_SOORTEN, LABELS
from vocabulary.periode import label as periode_label


def context(data: SiteData, view: IndicatorView) -> tuple[dict, dict]:
    periode = data.latest_of(view.id)
    previous = data.previous_of(view.id, periode)
    # A count is compared per 1.000 inwoners (publish.benchmark): that is what the chart and the groups show.
    rated = view.is_count and data.has_rate(view.id)
    compared = view.per_inwoners if rated else view
    cells = Cells()
    gemeenten = []
    for code in data.codes:
        figure = data.figure(view.id, periode, code)
        if figure is None:
            continue
        before = data.value(view.id, previous, code)
        change = None if figure.waarde is None or before is None else round(figure.waarde - before, view.decimals)
        row = [cells.value(view, figure), cells.change(view, change)]
        waarde = figure.waarde
        if rated:
            waarde = data.rate(view.id, periode, code)
            row.append(cells.value(compared, rate_figure(data, view, periode, code)) if waarde is not None or figure.geheim
                       else cells.missing("Geen aantal inwoners bekend"))
        for soort in BAND_SOORTEN:
            row.append(cells.missing(TELLING_NIET_VERGELEKEN) if view.is_count and not rated
                       else cells.group(compared, data.group(view.id, periode, code, soort)))
        gemeenten.append({"code": code, "naam": data.names[code], "waarde": waarde, "cells": row})
    gemeenten.sort(key=lambda g: (g["waarde"] is None, -(g["waarde"] or 0), g["naam"].lower()))
    shown = [g for g in gemeenten if g["waarde"] is not None]
    totaal_label = data.totaal_label()
    totals = data.rate_totals if rated else data.totaal
    specs: dict[str, dict] = {}
    totaal = totals.get((view.id, periode))
    unit = f" {PER_INWONERS}" if rated else ""
    if shown:
        specs["verdeling"] = charts.verdeling(
            [g["naam"] for g in shown], [g["code"] for g in shown], [g["waarde"] for g in shown],
            titel=f"{view.titel}{unit} ({compared.eenheid_label}), {periode_label(periode)}", eenheid=compared.eenheid_label,
            decimalen=compared.decimals, bestand=f"{view.id}-gemeenten",
            lijnen=[] if (view.is_count and not rated) or totaal is None else [(totaal_label, totaal)], links="../gemeente/",
        )
        if not view.is_count:
            specs["kaart"] = charts.kaart(view.id, periode, titel=view.titel, eenheid=view.eenheid_label,
                                          decimalen=view.decimals, bestand=f"kaart-{view.id}")
    halves = data.halves(view.id)
    trend = [totals.get((view.id, p)) for p in halves]
    if (not view.is_count or rated) and any(t is not None for t in trend):
        specs["totaal"] = charts.trend(
            halves, titel=f"{view.titel}{unit}: {totaal_label} ({compared.eenheid_label})", eenheid=compared.eenheid_label,
            decimalen=compared.decimals, bestand=f"{view.id}-totaal", reeksen=[(totaal_label, charts.TOTAAL, trend)],
            breuken=[(k.periode, k.tekst) for k in view.kanttekeningen if k.soort == "trendbreuk" and k.periode],
        )
    totaal_cells = Cells()
    per_periode = []
    for p in data.indicator_periodes.get(view.id, []):
        count = sum(1 for code in data.codes if data.value(view.id, p, code) is not None)
        row = [totaal_cells.number(view, data.totaal.get((view.id, p)), missing_title="Geen gepubliceerde cijfers")]
        if rated:
            row.append(totaal_cells.number(compared, data.rate_totals.get((view.id, p)), missing_title="Geen gepubliceerde cijfers"))
        per_periode.append({"periode": p, "cells": [*row, totaal_cells.text(str(count))]})
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
        "per_inwoners": rated,
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
