"""The gemeente page: every indicator of one gemeente, by domein, next to its comparison groups.

Per block (an indicator, or a reeks as one block): the key figures (value, change since the
previous half-year in the unit of a change, the median of each comparison group with its P25–P75
band where the group is large enough, and all participating gemeenten together), one chart with
its caveats and a "Bron en toelichting", and the figures per periode. The groups are named by
the data (`groep_naam`) and their members are listed at the top of the page.
"""

from __future__ import annotations

import re
from dataclasses import replace

from markupsafe import Markup, escape

from dashboards import charts
from dashboards.cells import Cells
from dashboards.data import Figure, Groep, SiteData
from dashboards.views import PER_INWONERS, Block, IndicatorView, domein_titel
from vocabulary.domeinen import INDICATOR_DOMEINEN
from vocabulary.groepen import BAND_SOORTEN, GROOTTEKLASSE, LABELS, NEDERLAND, VERGELIJKBAAR
from vocabulary.periode import label as periode_label
from vocabulary.periode import sort_key

SOORTEN_OP_PAGINA = (*BAND_SOORTEN, NEDERLAND)  # vergelijkbaar, grootteklasse, nederland
TELLING_NIET_VERGELEKEN = "Aantallen worden niet met andere gemeenten vergeleken: een grotere gemeente heeft vanzelf meer."
TELLING_PER_INWONERS = "Een aantal wordt per 1.000 inwoners vergeleken: zie de regel eronder."
PER_1000 = "per-1000"  # suffix of the chart id and file name of a count's comparison per 1.000 inwoners
LIST_LIMIT = 12  # longer member lists fold away
# The kind of each group as the page names it; the group itself is named by the data (groep_naam).
# The kind "nederland" is all participating gemeenten: "Nederland" only when the data says so.
SOORT_LABELS = {**LABELS, NEDERLAND: "Alle deelnemende gemeenten"}


def group_file(groep_code: str) -> str:
    """The page that lists the members of a large group (a size class, all participating gemeenten)."""
    return "groep/" + re.sub(r"[^A-Za-z0-9_-]", "_", groep_code) + ".html"


def groepen(data: SiteData, code: str, root: str) -> list[dict]:
    """The comparison groups of a gemeente as the page names them: label from the data, members
    (the gemeente itself excluded), linked to their pages. A large group links to its own member
    page instead of repeating hundreds of names on every gemeente page."""
    out = []
    for soort in SOORTEN_OP_PAGINA:
        naam, groep_code = data.group_name(code, soort), data.group_code(code, soort)
        if naam is None:
            continue
        peers = data.peers(code, soort)
        kort = len(peers) <= LIST_LIMIT
        leden = [{"code": c, "naam": data.names[c], "href": f"{root}gemeente/{c}.html"} for c in peers] if kort else []
        out.append({"soort": soort, "soort_label": SOORT_LABELS.get(soort, soort), "naam": naam, "leden": leden,
                    "kort": kort, "aantal": len(peers), "href": f"{root}{group_file(groep_code)}" if groep_code else None})
    return out


def long_groups(data: SiteData) -> list[dict]:
    """Context of every group page: the large groups shown on gemeente pages, with all members."""
    seen: dict[str, dict] = {}
    for code in data.codes:
        for soort in SOORTEN_OP_PAGINA:
            groep_code = data.group_code(code, soort)
            members = data.members.get(groep_code or "", [])
            if groep_code and groep_code not in seen and len(members) > LIST_LIMIT:
                seen[groep_code] = {"file": group_file(groep_code), "naam": data.group_name(code, soort),
                                    "soort_label": SOORT_LABELS.get(soort, soort),
                                    "leden": [{"code": c, "naam": data.names[c]} for c in members]}
    return list(seen.values())


def _group_header(data: SiteData, code: str, soort: str) -> str:
    return data.group_name(code, soort) or SOORT_LABELS.get(soort, soort)


def _change(data: SiteData, view: IndicatorView, code: str, periode: str | None) -> tuple[float | None, str | None]:
    previous = data.previous_of(view.id, periode)
    own, before = data.value(view.id, periode, code), data.value(view.id, previous, code)
    if own is None or before is None:
        return None, previous
    return round(own - before, view.decimals), previous


def rate_figure(data: SiteData, view: IndicatorView, periode: str | None, code: str) -> Figure | None:
    """A count's figure per 1.000 inwoners (secret when the count is; None when not delivered)."""
    figure = data.figure(view.id, periode, code)
    if figure is None or figure.waarde is None:
        return figure
    return replace(figure, waarde=data.rate(view.id, periode, code))


def _rate_row(data: SiteData, view: IndicatorView, code: str, periode: str | None, cells: Cells) -> dict:
    """The row under a count: the same figure per 1.000 inwoners, beside the groups' medians per 1.000 inwoners."""
    rate = view.per_inwoners
    previous = data.previous_of(view.id, periode)
    own, before = data.rate(view.id, periode, code), data.rate(view.id, previous, code)
    change = None if own is None or before is None else round(own - before, rate.decimals)
    title = f"Ten opzichte van {periode_label(previous)}" if previous else ""
    figure = rate_figure(data, view, periode, code)
    value = cells.missing("Geen aantal inwoners bekend") if figure is not None and not figure.geheim and own is None \
        else cells.value(rate, figure)
    row = [value, cells.change(rate, change, title=title)]
    row += [cells.group(rate, data.group(view.id, periode, code, soort)) for soort in BAND_SOORTEN]
    nederland = data.nederland(view.id, periode, code)
    row.append(cells.number(rate, nederland.waarde if nederland else None, missing_title="Geen cijfer voor de hele groep"))
    naam = Markup(f'{escape(view.label)}<br><span class="toelichting">{PER_INWONERS}</span>')
    return {"view": rate, "naam": naam, "periode": periode, "cells": row}


def kern_rows(data: SiteData, block: Block, code: str, cells: Cells) -> list[dict]:
    """Latest half-year per indicator: value, change, the groups, all participating gemeenten.
    A count is compared per 1.000 inwoners, in a row of its own right under it."""
    rows = []
    for view in block.views:
        periode = data.latest_of(view.id)
        change, previous = _change(data, view, code, periode)
        title = f"Ten opzichte van {periode_label(previous)}" if previous else ""
        row = [cells.value(view, data.figure(view.id, periode, code)), cells.change(view, change, title=title)]
        rated = view.is_count and data.has_rate(view.id)
        if view.is_count:
            row += [cells.missing(TELLING_PER_INWONERS if rated else TELLING_NIET_VERGELEKEN)] * (len(BAND_SOORTEN) + 1)
        else:
            row += [cells.group(view, data.group(view.id, periode, code, soort)) for soort in BAND_SOORTEN]
            nederland = data.nederland(view.id, periode, code)
            row.append(cells.number(view, nederland.waarde if nederland else None, missing_title="Geen cijfer voor de hele groep"))
        rows.append({"view": view, "naam": view.label, "periode": periode, "cells": row})
        if rated:
            rows.append(_rate_row(data, view, code, periode, cells))
    return rows


def own_indicators(data: SiteData, code: str) -> set[str]:
    """The indicators the gemeente has a figure for, for itself or for a wijk: the blocks on its page."""
    return data.gemeente_indicators.get(code, set()) | data.wijk_indicators.get(code, set())


def kern_by_block(data: SiteData, code: str) -> dict[str, tuple[list[dict], Cells]]:
    """block key → the key-figure rows of that block (`kern_rows`) and the cells that made them, for
    every block on the gemeente page. The factsheet shows the same rows, so they are made once."""
    own = own_indicators(data, code)
    out = {}
    for block in data.blocks:
        if any(v.id in own for v in block.views):
            cells = Cells()
            out[block.key] = (kern_rows(data, block, code, cells), cells)
    return out


def _comparison(data: SiteData, view: IndicatorView, code: str, halves: list[str]) -> tuple[str | None, list[Groep | None]]:
    """The first group kind that is a real comparison in some half-year (vergelijkbaar, else same size)."""
    for soort in BAND_SOORTEN:
        groups = [data.group(view.id, p, code, soort) for p in halves]
        if any(g is not None and g.comparable for g in groups):
            return soort, [g if g is not None and g.comparable else None for g in groups]
    return None, []


def _compared_trend(data: SiteData, view: IndicatorView, code: str, naam: str, halves: list[str], own: list[float | None], *,
                    titel: str, label: str, decimalen: int, bestand: str, breuken: list[tuple[str, str]]) -> tuple[dict, str]:
    """The gemeente's line beside its group's median (with the P25–P75 band where the data has it)
    and all participating gemeenten together: a rate, or a count per 1.000 inwoners."""
    reeksen = [(naam, charts.EIGEN, own)]
    band = None
    caption = f"{titel} ({label}) in {naam} per halfjaar"
    soort, groups = _comparison(data, view, code, halves)
    if soort is not None:
        groep_naam = next(g.naam for g in groups if g is not None)
        reeksen.append((f"{groep_naam} (mediaan)", charts.GROEP, [g.mediaan if g else None for g in groups]))
        if any(g is not None and g.has_band for g in groups):
            band = (f"{groep_naam}: middelste helft (P25–P75)", [g.p25 if g and g.has_band else None for g in groups],
                    [g.p75 if g and g.has_band else None for g in groups])
        caption += f", met de mediaan{' en de middelste helft' if band else ''} van de groep ‘{groep_naam}’"
    totals = [data.nederland(view.id, p, code) for p in halves]
    if any(t is not None for t in totals):
        totaal_naam = next(t.naam for t in totals if t is not None)
        reeksen.append((totaal_naam, charts.TOTAAL, [t.waarde if t else None for t in totals]))
        caption += f" en ‘{totaal_naam}’ samen"
    spec = charts.trend(halves, titel=f"{titel} ({label})", eenheid=label, decimalen=decimalen, bestand=bestand,
                        reeksen=reeksen, band=band, breuken=breuken)
    return spec, caption + ". Een ontbrekend punt is geheim of niet geleverd; de tabel hieronder geeft alle cijfers."


def _compared_bars(data: SiteData, views: list[IndicatorView], code: str, naam: str, periode: str, values: list[float | None], *,
                   titel: str, label: str, decimalen: int, bestand: str) -> tuple[dict, str]:
    """The categories of a reeks in one periode: the gemeente beside its group's median and all gemeenten together."""
    reeksen = [(naam, charts.EIGEN, values)]
    caption = f"{titel} ({label}) in {naam}, {periode_label(periode)}"
    for soort in BAND_SOORTEN:
        groups = [data.group(v.id, periode, code, soort) for v in views]
        if any(g is not None and g.comparable and g.mediaan is not None for g in groups):
            groep_naam = next(g.naam for g in groups if g is not None)
            reeksen.append((f"{groep_naam} (mediaan)", charts.GROEP,
                            [g.mediaan if g is not None and g.comparable else None for g in groups]))
            caption += f", naast de mediaan van de groep ‘{groep_naam}’"
            break
    totals = [data.nederland(v.id, periode, code) for v in views]
    if any(t is not None for t in totals):
        totaal_naam = next(t.naam for t in totals if t is not None)
        reeksen.append((totaal_naam, charts.TOTAAL, [t.waarde if t else None for t in totals]))
        caption += f"{' en' if len(reeksen) > 2 else ', naast'} {totaal_naam}"
    spec = charts.staven([v.label for v in views], titel=f"{titel} ({label}), {periode_label(periode)}", eenheid=label,
                         decimalen=decimalen, bestand=bestand, reeksen=reeksen)
    return spec, caption + ". Een punt (.) is geheim of niet geleverd; de tabel ‘Kerncijfers’ hierboven geeft dezelfde cijfers."


def block_charts(data: SiteData, block: Block, code: str, naam: str) -> tuple[list[tuple[str, dict, str]], str]:
    """The charts of a block as (id, spec, caption), and a sentence saying why there is none when
    every own figure is secret. A count gets a second chart: its comparison per 1.000 inwoners."""
    views, label = block.views, block.eenheid_label
    halves = data.periodes_of_block(block)
    if not any(data.value(v.id, p, code) is not None for v in views for p in halves):
        return [], (f"Alle cijfers van {naam} voor ‘{block.titel}’ zijn geheim of niet geleverd; daarom is er geen grafiek. "
                    "De tabel hieronder zegt per periode waarom.")
    key, bestand, view = f"g-{block.key}", f"{code}-{block.key}", block.first
    breuken = [(k.periode, k.tekst) for v in views for k in v.kanttekeningen if k.soort == "trendbreuk" and k.periode]
    rated = [v for v in views if v.is_count and data.has_rate(v.id)]
    out = []
    if not block.is_reeks and not view.is_count:
        return [(key, *_compared_trend(data, view, code, naam, halves, [data.value(view.id, p, code) for p in halves],
                                       titel=view.titel, label=label, decimalen=view.decimals, bestand=bestand, breuken=breuken))], ""
    if view.is_count:
        series = {v.label: [data.value(v.id, p, code) for p in halves] for v in views}
        spec = charts.lijnen(halves, series, titel=f"{block.titel} in {naam}", eenheid=label, decimalen=0, bestand=bestand)
        spec["breuken"] = [{"x": halves.index(p), "tekst": t} for p, t in breuken if p in halves]
        out.append((key, spec, f"{block.titel} in {naam} per halfjaar{', per categorie' if block.is_reeks else ''}. "
                               "De tabel hieronder geeft alle cijfers."))
        if rated and not block.is_reeks:
            own = [data.rate(view.id, p, code) for p in halves]
            if any(v is not None for v in own):
                out.append((f"{key}-{PER_1000}", *_compared_trend(
                    data, view, code, naam, halves, own, titel=view.titel, label=PER_INWONERS,
                    decimalen=1, bestand=f"{bestand}-{PER_1000}", breuken=breuken)))
        elif rated:
            periode = max((data.latest_of(v.id) for v in rated if data.latest_of(v.id)), key=sort_key)
            own = [data.rate(v.id, periode, code) for v in rated]
            if any(v is not None for v in own):
                out.append((f"{key}-{PER_1000}", *_compared_bars(
                    data, rated, code, naam, periode, own, titel=block.titel, label=PER_INWONERS,
                    decimalen=1, bestand=f"{bestand}-{PER_1000}")))
        return out, ""
    periode = max((data.latest_of(v.id) for v in views if data.latest_of(v.id)), key=sort_key)
    return [(key, *_compared_bars(data, views, code, naam, periode, [data.value(v.id, periode, code) for v in views],
                                  titel=block.titel, label=label, decimalen=view.decimals, bestand=bestand))], ""


def trend_table(data: SiteData, block: Block, code: str, naam: str) -> dict:
    """Every periode (half-years and years) of the block, as a table: the charts' text alternative."""
    cells = Cells()
    views, view = block.views, block.first
    all_periodes = data.all_periodes_of_block(block)
    single = not block.is_reeks
    rated = view.is_count and data.has_rate(view.id)
    if single:
        headers = (["Teller", "Noemer"] if view.has_ratio else []) + [f"{naam} ({view.eenheid_label})"]
        if rated:
            headers.append(f"{naam} ({PER_INWONERS})")
        if not view.is_count or rated:
            unit = f" ({PER_INWONERS})" if rated else ""
            headers += [f"{_group_header(data, code, VERGELIJKBAAR)}: mediaan (P25–P75){unit}", _group_header(data, code, NEDERLAND) + unit]
    else:
        headers = [v.label for v in views]
    rows = []
    for periode in all_periodes:
        if single:
            figure = data.figure(view.id, periode, code)
            row = [cells.count(figure, "teller"), cells.count(figure, "noemer")] if view.has_ratio else []
            row.append(cells.value(view, figure))
            shown = view.per_inwoners if rated else view
            if rated:
                row.append(cells.value(shown, rate_figure(data, view, periode, code)))
            if not view.is_count or rated:
                nederland = data.nederland(view.id, periode, code)
                row += [cells.group(shown, data.group(view.id, periode, code, VERGELIJKBAAR)),
                        cells.number(shown, nederland.waarde if nederland else None)]
        else:
            row = [cells.value(v, data.figure(v.id, periode, code)) for v in views]
        rows.append({"periode": periode, "cells": row})
    return {"headers": headers, "rows": rows, "cells": cells}


def context(data: SiteData, code: str, root: str = "../", kern: dict[str, tuple[list[dict], Cells]] | None = None) -> tuple[dict, dict]:
    """(template context, chart specs by id) of gemeente/<code>.html; `kern`: `kern_by_block`, when already made."""
    naam = data.names[code]
    own = own_indicators(data, code)
    kern = kern_by_block(data, code) if kern is None else kern
    specs: dict[str, dict] = {}
    domeinen = []
    headers = {soort: _group_header(data, code, soort) for soort in SOORTEN_OP_PAGINA}
    for domein in INDICATOR_DOMEINEN:
        items = []
        for block in data.blocks:
            if block.domein != domein or not any(v.id in own for v in block.views):
                continue
            rows, cells = kern[block.key]
            grafieken, melding = block_charts(data, block, code, naam)
            specs.update((key, spec) for key, spec, _ in grafieken)
            periodes_shown = data.all_periodes_of_block(block)
            items.append({
                "block": block,
                "kern": rows,
                "kern_noot": cells.noot(root),
                "per_inwoners": any(v.is_count and data.has_rate(v.id) for v in block.views),
                "grafieken": [(key, caption) for key, _, caption in grafieken],
                "melding": melding,
                "kanttekeningen": [k for v in block.views for k in v.notes_for(periodes_shown)],
                "trend": trend_table(data, block, code, naam),
                "wijken": sum(len(data.wijken.get((code, v.id), [])) for v in block.views) > 0,
            })
        if items:
            domeinen.append({"id": f"domein-{domein}", "titel": domein_titel(domein), "blocks": items})
    peers = data.peers(code, VERGELIJKBAAR)
    kaart_view = next((v for v in data.views if v.id in own and not v.is_count), data.views[0])
    specs["kaart"] = charts.kaart(
        kaart_view.id, data.latest_of(kaart_view.id), titel=kaart_view.titel, eenheid=kaart_view.eenheid_label,
        decimalen=kaart_view.decimals, bestand=f"kaart-{code}", eigen=code, peers=peers,
        keuze=[{"id": v.id, "titel": v.titel} for v in data.views if not v.is_count and v.id in own],
    )
    niet = [v for v in data.views if v.id not in own]
    page = {
        "code": code, "naam": naam, "domeinen": domeinen, "niet_geleverd": niet, "groepen": groepen(data, code, root),
        "headers": headers, "peers": peers, "heeft_wijken": code in data.wijk_indicators,
        "vergelijk": ",".join([code, *peers[:4]]), "vergelijk_indicator": kaart_view.id,
        "grootteklasse": data.group_name(code, GROOTTEKLASSE),
    }
    return page, specs
