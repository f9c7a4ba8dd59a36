"""The gemeente map: CBS boundaries (TopoJSON) decoded once, at build time, into SVG path data.

Why not Plotly `geo` or a map library: those fetch a base map or tiles from a CDN, and the site
must work offline from disk. The boundaries are small (the 342 generalised CBS gemeenten of
2025), so the site ships them once as `kaart.js` (path data per gemeente code, cached by the
browser) and `grafiek-kaart.js` colours the paths per indicator. There are no wijk boundaries offline:
wijken get a sortable table, never a fake map.

Projection: the TopoJSON is WGS84 longitude/latitude; at the latitude of the Netherlands a
degree of longitude is cos(52.2°) ≈ 0.61 of a degree of latitude, so x is scaled by that factor
(an equirectangular projection centred on the country). Good enough for a choropleth of one
small country; shapes look as on the CBS maps.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from vocabulary.reference import BOUNDARIES_CREDIT, boundaries_path

WIDTH = 600  # SVG user units; the map scales to its container
LATITUDE = 52.2  # centre of the Netherlands, for the projection

CREDIT = BOUNDARIES_CREDIT


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs are delta-encoded integers; with the transform they become longitude/latitude."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """One ring from arc indices; a negative index ~i means arc i reversed. Shared end points once."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


@lru_cache(maxsize=2)
def paths(source: Path | None = None) -> dict:
    """{"breedte", "hoogte", "gemeenten": {code: {"naam", "d"}}}: SVG path data in whole user units.

    Coordinates are rounded to 0.1 unit (about 30 m on the ground at this size): far finer than
    the generalised boundaries, and it keeps `kaart.js` small.
    """
    topology = json.loads(Path(source or boundaries_path()).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    layer = next(iter(topology["objects"].values()))
    squeeze = math.cos(math.radians(LATITUDE))
    xs = [x * squeeze for arc in arcs for x, _ in arc]
    ys = [y for arc in arcs for _, y in arc]
    left, right, bottom, top = min(xs), max(xs), min(ys), max(ys)
    factor = WIDTH / (right - left)
    height = math.ceil((top - bottom) * factor)

    def project(point: tuple[float, float]) -> tuple[float, float]:
        return round((point[0] * squeeze - left) * factor, 1), round((top - point[1]) * factor, 1)

    gemeenten = {}
    for geometry in layer["geometries"]:
        code = geometry.get("id") or geometry["properties"]["statcode"]
        parts = []
        for polygon in _polygons(geometry):
            for ring in polygon:
                projected = [project(point) for point in _ring(ring, arcs)]
                parts.append(_path(projected))
        gemeenten[code] = {"naam": geometry["properties"].get("statnaam", code), "d": "".join(parts)}
    return {"breedte": WIDTH, "hoogte": height, "gemeenten": gemeenten}


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _path(points: list[tuple[float, float]]) -> str:
    """An SVG ring: absolute move, then relative line steps (shorter), closed; repeated points dropped."""
    start = points[0]
    out = [f"M{_number(start[0])} {_number(start[1])}"]
    previous = start
    steps = []
    for point in points[1:]:
        dx, dy = round(point[0] - previous[0], 1), round(point[1] - previous[1], 1)
        if dx == 0 and dy == 0:
            continue
        steps.append(f"{_number(dx)} {_number(dy)}".replace(" -", "-"))
        previous = (round(previous[0] + dx, 1), round(previous[1] + dy, 1))
    if steps:
        out.append("l" + " ".join(steps))
    out.append("z")
    return "".join(out)


def script() -> str:
    """kaart.js: the map data for grafiek-kaart.js, as a script (a file:// page cannot fetch JSON)."""
    data = paths()
    return "window.GMSD_KAART = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"
