"""The releases page: every release with its status, its moment in Dutch time, what changed, and its files.

A release is immutable; a later release of the same periode records which published figures
changed (publish.revisies). Each release keeps its own downloads as an archive (the downloads
folder's sub-folder named after the release), so a figure quoted from an earlier release can be
checked later. Revised figures are shown only for regions that are published now; a figure that
is secret now shows neither its new value nor the difference. A release lists at most
SHOWN_REVISIONS of them, the largest changes first chosen: a national re-delivery revises some 800
figures (a gemeente, its wijken, the national and peer figures), and the page grew by ~300 kB per
release. The rest is in the release's own `revisies.csv`, which the page links to.
"""

from __future__ import annotations

import re

import pandas as pd

from dashboards.cells import Cells, signed
from dashboards.data import SiteData
from vocabulary.formatting import fmt_count, fmt_datetime, is_missing, local_time
from vocabulary.periode import label as periode_label


SHOWN_REVISIONS = 100


def anchor(release_id: str) -> str:
    return "release-" + re.sub(r"[^A-Za-z0-9_-]", "-", release_id)


def revisions(data: SiteData, revisies: pd.DataFrame | None) -> dict[str, dict]:
    """release_nieuw → {"rows", "noot", "aantal", "meer"}: the revised figures of published regions (at most
    SHOWN_REVISIONS rows; "aantal" all of them, "meer" how many are not shown, as Dutch text)."""
    if revisies is None or len(revisies) == 0:
        return {}
    regions = set(data.df["regio_code"].unique().tolist())
    rows = revisies[revisies["regio_code"].astype(str).isin(regions) & revisies["indicator_id"].astype(str).isin(set(data.view_by_id))]
    if rows.empty:
        return {}
    # Only the current figures of the revised regions are looked up (a re-delivery revises one
    # gemeente's, of the national frame's 120,000); as plain lists: iterating the Arrow-backed
    # columns row by row is slow.
    current_rows = data.df[data.df["regio_code"].isin(set(rows["regio_code"].astype(str)))]
    ids, periodes, regios, geheim, reden = (current_rows[c].tolist() for c in ("indicator_id", "periode", "regio_code", "geheim", "geheim_reden"))
    current = {(i, p, r): g for i, p, r, g in zip(ids, periodes, regios, zip(geheim, reden))}
    out: dict[str, dict] = {}
    for row in rows.sort_values(["release_nieuw", "indicator_id", "periode", "regio_code"]).to_dict("records"):
        view = data.view_by_id[str(row["indicator_id"])]
        group = out.setdefault(str(row["release_nieuw"]), {"rows": [], "cells": Cells()})
        cells = group["cells"]
        now = current.get((view.id, str(row["periode"]), str(row["regio_code"])))
        secret_now = now is not None and bool(now[0])
        old = None if is_missing(row.get("waarde_oud")) else float(row["waarde_oud"])
        new = None if secret_now or is_missing(row.get("waarde_nieuw")) else float(row["waarde_nieuw"])
        verschil = None if old is None or new is None else round(new - old, view.decimals)
        group["rows"].append({
            "grootte": abs(verschil) if verschil is not None else -1.0,
            "view": view,
            "periode": str(row["periode"]),
            "regio": str(row.get("regio_naam") or row["regio_code"]),
            "release_oud": "" if is_missing(row.get("release_oud")) else str(row["release_oud"]),
            "cells": [
                cells.number(view, old, missing_title="Geen waarde in de vorige release"),
                cells.secret(now[1] if now else None) if secret_now else cells.number(view, new, missing_title="Geen waarde"),
                cells.text(signed(verschil, view.decimals)) if verschil is not None else cells.missing("Niet te berekenen"),
            ],
        })
    for group in out.values():
        group["noot"] = group.pop("cells").noot()
        group["meer"] = max(0, len(group["rows"]) - SHOWN_REVISIONS)
        group["aantal"] = fmt_count(len(group["rows"]))
        if group["meer"]:  # the largest changes, in the table's own order
            largest = sorted(range(len(group["rows"])), key=lambda i: -group["rows"][i]["grootte"])[:SHOWN_REVISIONS]
            group["rows"] = [group["rows"][i] for i in sorted(largest)]
        group["meer"] = fmt_count(group["meer"]) if group["meer"] else ""
    return out


def _with_file(group: dict | None, files: list[dict]) -> dict | None:
    """The revisions with the link to the release's own `revisies.csv`, where the rows not shown are."""
    if group is None:
        return None
    return {**group, "bestand": next((f for f in files if f.get("bestand") == "revisies.csv"), None)}


def context(data: SiteData, releases: pd.DataFrame | None, revisies: pd.DataFrame | None, archive: dict[str, list[dict]]) -> dict:
    """Releases newest first, each with its revisions and its archived downloads."""
    revised = revisions(data, revisies)
    items = []
    if releases is not None and len(releases):
        rows = releases.copy()
        rows["_order"] = pd.to_datetime(rows.get("gepubliceerd_op"), errors="coerce")
        for row in rows.sort_values("_order", ascending=False, na_position="last").to_dict("records"):
            release_id = str(row.get("release_id"))
            moment = local_time(row.get("gepubliceerd_op"))
            items.append({
                "id": release_id,
                "anker": anchor(release_id),
                "periode": "" if is_missing(row.get("periode")) else periode_label(str(row["periode"])),
                "status": "" if is_missing(row.get("status")) else str(row["status"]),
                "gepubliceerd": fmt_datetime(moment) if moment is not None else "–",
                "gepubliceerd_iso": moment.isoformat(timespec="minutes") if moment is not None else "",
                "cijfers": "–" if is_missing(row.get("cijfers")) else fmt_count(row["cijfers"]),
                "herzien": "–" if is_missing(row.get("herzien")) else fmt_count(row["herzien"]),
                "vorige": "" if is_missing(row.get("vorige_release")) else str(row["vorige_release"]),
                "revisies": _with_file(revised.get(release_id), archive.get(release_id, [])),
                "bestanden": archive.get(release_id, []),
                "in_site": release_id in data.releases_shown,
            })
    known = {item["id"] for item in items}
    extra = [{"id": r, "anker": anchor(r), **g} for r, g in revised.items() if r not in known]
    return {"releases": items, "losse_revisies": extra}
