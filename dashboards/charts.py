"""Chart specifications: published numbers in, a small JSON-able dict out, drawn in the browser.

The charts are drawn by Plotly.js (`static/grafiek-plotly.js`, with the vendored
`plotly-basic.min.js`) and the map by `static/grafiek-kaart.js` (SVG paths: Plotly's `geo` would
fetch a base map from a CDN). Why specs and not Python Plotly figures: serialising a figure costs
20–50 ms, and a national site has ~7,000 charts; a spec costs microseconds and a few hundred
bytes, and the browser draws it from the one cached Plotly bundle.

Each builder gets only numbers that may be shown (None where a figure is secret or not
delivered), so a secret figure never enters a page's chart data. A missing point is a gap in a
line; a missing bar is an empty bar labelled ".".

Every spec has: `soort` (trend | staven | verdeling | kaart; `lijnen` makes a trend), `titel`,
`eenheid` (the label, e.g. "%"), `decimalen`, and `bestand` (the file name for downloads). Texts are Dutch.
"""

from __future__ import annotations

from vocabulary.periode import Periode, PeriodeError, label as periode_label

# Roles tell grafiek-plotly.js how to draw a series: the gemeente itself stands out, groups are grey.
EIGEN, GROEP, TOTAAL, EXTRA = "eigen", "groep", "totaal", "extra"


def short_label(periode: str) -> str:
    """Axis label that fits a phone: '2025-H1' → 'H1 2025', a year stays '2025'."""
    try:
        parsed = Periode.parse(periode)
    except PeriodeError:
        return str(periode)
    return parsed.code if parsed.is_jaar else f"H{parsed.helft} {parsed.jaar}"


def _clean(values) -> list[float | None]:
    return [None if v is None or v != v else round(float(v), 2) for v in values]


def _base(soort: str, titel: str, eenheid: str, decimalen: int, bestand: str) -> dict:
    return {"soort": soort, "titel": titel, "eenheid": eenheid, "decimalen": decimalen, "bestand": bestand}


def trend(
    periodes: list[str],
    *,
    titel: str,
    eenheid: str,
    decimalen: int,
    bestand: str,
    reeksen: list[tuple[str, str, list[float | None]]],
    band: tuple[str, list[float | None], list[float | None]] | None = None,
    breuken: list[tuple[str, str]] = (),
) -> dict:
    """One indicator over the periodes. `reeksen`: (name, role, values); `band`: (name, low, high),
    drawn only where both ends exist; `breuken`: (periode, text) of trend breaks, marked on the axis."""
    spec = _base("trend", titel, eenheid, decimalen, bestand)
    spec["x"] = [periode_label(p) for p in periodes]
    spec["xk"] = [short_label(p) for p in periodes]
    spec["reeksen"] = [{"naam": naam, "rol": rol, "w": _clean(values)} for naam, rol, values in reeksen]
    if band is not None and any(lo is not None and hi is not None for lo, hi in zip(band[1], band[2])):
        spec["band"] = {"naam": band[0], "laag": _clean(band[1]), "hoog": _clean(band[2])}
    marks = [{"x": periodes.index(p), "tekst": text} for p, text in breuken if p in periodes]
    if marks:
        spec["breuken"] = marks
    return spec


def lijnen(periodes: list[str], series: dict[str, list[float | None]], *, titel: str, eenheid: str, decimalen: int,
           bestand: str) -> dict:
    """Several categories (or gemeenten) over the periodes, one colour each."""
    return trend(periodes, titel=titel, eenheid=eenheid, decimalen=decimalen, bestand=bestand,
                 reeksen=[(naam, EXTRA, values) for naam, values in series.items()])


def staven(categories: list[str], *, titel: str, eenheid: str, decimalen: int, bestand: str,
           reeksen: list[tuple[str, str, list[float | None]]]) -> dict:
    """The categories of one reeks in one periode: the gemeente beside a comparison (horizontal bars)."""
    spec = _base("staven", titel, eenheid, decimalen, bestand)
    spec["categorieen"] = list(categories)
    spec["reeksen"] = [{"naam": naam, "rol": rol, "w": _clean(values)} for naam, rol, values in reeksen]
    return spec


def verdeling(names: list[str], codes: list[str], values: list[float], *, titel: str, eenheid: str, decimalen: int,
              bestand: str, lijnen: list[tuple[str, float]] = (), links: str = "") -> dict:
    """Every published gemeente on one axis, highest first. Secret gemeenten are left out by the
    caller (the table beside the chart lists them). `lijnen`: (label, value) reference lines."""
    spec = _base("verdeling", titel, eenheid, decimalen, bestand)
    spec["namen"], spec["codes"], spec["w"] = list(names), list(codes), _clean(values)
    spec["lijnen"] = [{"naam": naam, "w": round(value, 2)} for naam, value in lijnen if value is not None]
    spec["links"] = links
    return spec


def kaart(indicator_id: str, periode: str, *, titel: str, eenheid: str, decimalen: int, bestand: str,
          eigen: str | None = None, peers: list[str] = (), keuze: list[dict] | None = None) -> dict:
    """A map of all gemeenten coloured by the indicator; values come from `data/<indicator>.js`.
    `eigen` and `peers` are outlined; `keuze` lets the reader pick another indicator."""
    spec = _base("kaart", titel, eenheid, decimalen, bestand)
    spec.update(indicator=indicator_id, periode=periode, eigen=eigen, peers=list(peers))
    if keuze:
        spec["keuze"] = keuze
    return spec
