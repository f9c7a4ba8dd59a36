"""The wijk page of a gemeente: per block a sortable table of its wijken in the latest half-year.

A page of its own so the gemeente page stays light (Amsterdam has 110 wijken × 40 indicators).
There are no wijk boundaries offline, so there is no wijk map: a table sorts, a fake map misleads.
A wijk that differs more than 25 % from its gemeente is marked with ▲/▼ and words, not colour alone.
Counts (instroom, uitstroom) are not marked: a bigger wijk simply has more.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from dashboards.cells import Cells, signed
from dashboards.data import Figure, SiteData
from dashboards.views import Block
from vocabulary.formatting import fmt_number

WIJK_MARGE = 0.25  # a wijk stands out when it differs more than 25 % from its gemeente


def _mark(cell: Markup, value: float | None, reference: float | None, naam: str, decimals: int) -> tuple[Markup, bool]:
    if value is None or reference is None or reference == 0:
        return cell, False
    difference = value - reference
    if abs(difference) <= WIJK_MARGE * abs(reference) or abs(difference) < 0.1:
        return cell, False
    hoger = difference > 0
    word = "hoger" if hoger else "lager"
    html = (f'<td class="getal opvallend {word}" title="Opvallend {word} dan {escape(naam)} '
            f'({fmt_number(reference, decimals)})">{"▲" if hoger else "▼"} {fmt_number(value, decimals)}'
            f'<span class="sr"> (opvallend {word} dan {escape(naam)})</span></td>')
    return Markup(html), True


def table(data: SiteData, block: Block, code: str, naam: str, root: str) -> dict | None:
    views = [v for v in block.views if data.wijken.get((code, v.id))]
    if not views:
        return None
    cells = Cells()
    periode = data.wijk_periode[views[0].id]
    by_wijk: dict[str, dict[str, Figure]] = {}
    names: dict[str, str] = {}
    for view in views:
        for wijk, figure in data.wijken[(code, view.id)]:
            by_wijk.setdefault(wijk, {})[view.id] = figure
            names[wijk] = figure.naam
    mark = not block.first.is_count
    single = len(views) == 1 and not block.is_reeks
    view = views[0]
    if single and view.has_ratio:
        headers = ["Teller", "Noemer", f"Waarde ({view.eenheid_label})", f"Verschil met {naam} ({view.verandering_label()})"]
    elif single:
        headers = [f"Waarde ({view.eenheid_label})"]
    else:
        headers = [v.label for v in views]
    reference = {v.id: data.value(v.id, periode, code) for v in views}
    rows, opvallend = [], False
    for wijk in sorted(by_wijk, key=lambda w: (names[w].lower(), w)):
        row = []
        for v in views:
            figure = by_wijk[wijk].get(v.id)
            if single and v.has_ratio:
                row += [cells.count(figure, "teller"), cells.count(figure, "noemer")]
            cell = cells.value(v, figure, missing="–")
            value = None if figure is None else figure.waarde
            if mark:
                cell, marked = _mark(cell, value, reference[v.id], naam, v.decimals)
                opvallend |= marked
            row.append(cell)
            if single and v.has_ratio:
                ref = reference[v.id]
                row.append(cells.text(signed(value - ref, v.decimals)) if value is not None and ref is not None
                           else cells.missing("Niet te berekenen"))
        rows.append({"naam": names[wijk], "cells": row})
    return {"block": block, "periode": periode, "headers": headers, "rows": rows, "noot": cells.noot(root),
            "markeert": mark, "opvallend": opvallend}


def context(data: SiteData, code: str, root: str = "../") -> dict | None:
    """Context of wijken/<code>.html, or None when the gemeente has no wijk figures."""
    naam = data.names[code]
    if code not in data.wijk_indicators:
        return None
    tables = [t for block in data.blocks if (t := table(data, block, code, naam, root)) is not None]
    if not tables:
        return None
    return {"code": code, "naam": naam, "tabellen": tables, "aantal_wijken": data.wijk_count.get(code, 0)}
