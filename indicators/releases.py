"""Releases: immutable, numbered publications of a periode's figures, with their status and revisions.

The warehouse build computes *concept* figures (schema `concept`, operator only) on every round.
`gmsd publish --periode 2025-H1` freezes the concept figures of that periode into a release folder
`releases/<release_id>/` (written once, never edited: a later release is a new folder). The
`publish` schema and the site show, per periode, the latest release, plus the list of releases and
what changed between them (revisions), so a reader can see that a figure was revised and by how much.

Status (CBS practice): the first release of a periode is *voorlopig*; a later one is *nader
voorlopig*; a release made at least a year after the end of the periode, or one the operator marks
definitive, is *definitief* — after that the periode is closed for new releases.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from vocabulary import files
from vocabulary.periode import Periode

VOORLOPIG, NADER_VOORLOPIG, DEFINITIEF = "voorlopig", "nader voorlopig", "definitief"
RELEASE_COLUMNS = ["release_id", "periode", "status", "gepubliceerd_op", "cijfers", "herzien", "vorige_release"]
REVISION_COLUMNS = [
    "indicator_id", "periode", "regio_code", "regio_naam", "release_oud", "release_nieuw", "waarde_oud", "waarde_nieuw", "verschil",
]  # fmt: skip


class ReleaseError(ValueError):
    """Publishing is not possible; the message says why and what to do (Dutch)."""


@dataclass(frozen=True)
class Release:
    release_id: str
    periode: str
    status: str
    cijfers: int
    herzien: int
    path: Path


def list_releases(releases_dir: Path) -> pd.DataFrame:
    """Every release, oldest first (RELEASE_COLUMNS)."""
    rows = []
    for meta in sorted(Path(releases_dir).glob("*/release.json")):
        rows.append(json.loads(meta.read_text(encoding="utf-8")))
    frame = pd.DataFrame(rows, columns=RELEASE_COLUMNS)
    frame["gepubliceerd_op"] = pd.to_datetime(frame["gepubliceerd_op"])
    return frame.sort_values("gepubliceerd_op").reset_index(drop=True)


def latest_releases(releases_dir: Path) -> dict[str, Release]:
    """The latest release of every periode that has one."""
    history = list_releases(releases_dir)
    latest = {}
    for row in history.groupby("periode").tail(1).itertuples(index=False):
        latest[row.periode] = Release(row.release_id, row.periode, row.status, int(row.cijfers), int(row.herzien),
                                      Path(releases_dir) / row.release_id)
    return latest


def status_for(periode: str, now: datetime, earlier: pd.DataFrame, *, definitief: bool = False) -> str:
    if definitief or pd.Timestamp(now).tz_localize(None) >= Periode.parse(periode).einde + pd.DateOffset(years=1):
        return DEFINITIEF
    return NADER_VOORLOPIG if len(earlier) else VOORLOPIG


def revisions(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Published figures that differ between two releases of a periode (value or secrecy)."""
    keys = ["indicator_id", "periode", "regio_code"]
    merged = old[keys + ["waarde", "release"]].merge(
        new[keys + ["regio_naam", "waarde", "release"]], on=keys, how="outer", suffixes=("_oud", "_nieuw")
    )
    before = pd.to_numeric(merged["waarde_oud"], errors="coerce")
    after = pd.to_numeric(merged["waarde_nieuw"], errors="coerce")
    changed = ~((before == after) | (before.isna() & after.isna()))
    out = merged[changed].assign(waarde_oud=before[changed], waarde_nieuw=after[changed], verschil=(after - before)[changed].round(1))
    out["release_oud"] = out["release_oud"].fillna(old["release"].iloc[0] if len(old) else None)
    out["release_nieuw"] = out["release_nieuw"].fillna(new["release"].iloc[0] if len(new) else None)
    return out[REVISION_COLUMNS].reset_index(drop=True)


def publish_release(
    concept: pd.DataFrame,
    releases_dir: Path,
    periode: str,
    *,
    now: datetime | None = None,
    definitief: bool = False,
) -> Release:
    """Freeze the concept figures of `periode` into a new release folder (atomically, never overwriting)."""
    now = now or datetime.now(timezone.utc)
    periode = Periode.parse(periode).code
    figures = concept[concept["periode"] == periode].copy()
    if figures.empty:
        available = ", ".join(sorted(set(concept["periode"]))) or "geen"
        raise ReleaseError(f"Er zijn geen conceptcijfers voor periode {periode}. Beschikbaar: {available}.")
    releases_dir = Path(releases_dir)
    releases_dir.mkdir(parents=True, exist_ok=True)
    history = list_releases(releases_dir)
    earlier = history[history["periode"] == periode]
    if len(earlier) and earlier["status"].iloc[-1] == DEFINITIEF:
        raise ReleaseError(
            f"Periode {periode} is al definitief gepubliceerd ({earlier['release_id'].iloc[-1]}); een definitieve release wordt niet meer herzien."
        )
    release_id = f"{periode}-r{len(earlier) + 1}"
    status = status_for(periode, now, earlier, definitief=definitief)
    figures["release"] = release_id
    figures["status"] = status
    previous = None
    if len(earlier):
        previous = pd.read_parquet(releases_dir / earlier["release_id"].iloc[-1] / "indicatoren.parquet")
    changed = revisions(previous, figures) if previous is not None else pd.DataFrame(columns=REVISION_COLUMNS)
    meta = {
        "release_id": release_id,
        "periode": periode,
        "status": status,
        "gepubliceerd_op": pd.Timestamp(now).tz_convert("UTC").tz_localize(None).isoformat(),
        "cijfers": int(len(figures)),
        "herzien": int(len(changed)),
        "vorige_release": earlier["release_id"].iloc[-1] if len(earlier) else None,
    }
    try:
        with files.new_folder(releases_dir / release_id) as staging:  # never overwrites: a release is immutable
            figures.to_parquet(staging / "indicatoren.parquet", index=False)
            changed.to_parquet(staging / "revisies.parquet", index=False)
            (staging / "release.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as exc:
        raise ReleaseError(f"Release {release_id} kon niet worden geschreven ({exc}); er is niets veranderd.") from exc
    return Release(release_id, periode, status, meta["cijfers"], meta["herzien"], releases_dir / release_id)


def differs_from_release(concept: pd.DataFrame, release: Release | None) -> bool:
    """Whether the concept figures of the release's periode differ from what the release froze.

    Every column a release stores from the concept counts (teller, noemer, waarde, geheim, ...),
    not only the published value: a figure whose value stayed while its counts moved is a new
    release too. No release yet: the figures differ from nothing published.
    """
    if release is None:
        return True
    figures = concept[concept["periode"] == release.periode]
    frozen = pd.read_parquet(release.path / "indicatoren.parquet")
    columns = [c for c in figures.columns if c not in ("release", "status")]
    if set(columns) != {c for c in frozen.columns if c not in ("release", "status")} or len(figures) != len(frozen):
        return True
    keys = ["indicator_id", "periode", "regio_code"]
    a = figures[columns].sort_values(keys).reset_index(drop=True)
    b = frozen[columns].sort_values(keys).reset_index(drop=True)
    return not a.equals(b.astype(a.dtypes.to_dict()))


def withdraw(release: Release) -> None:
    """Remove a release that could not be served (publishing failed after it was written)."""
    shutil.rmtree(release.path, ignore_errors=True)


def latest_figure_files(releases_dir: Path, history: pd.DataFrame) -> list[Path]:
    """The indicatoren file of the latest release per periode (`history`: list_releases), oldest periode first."""
    return [Path(releases_dir) / rid / "indicatoren.parquet" for rid in history.groupby("periode").tail(1)["release_id"]]


def load_published(releases_dir: Path, columns: list[str] | None = None, filters: list[tuple] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(indicatoren of the latest release per periode, all releases, all revisions); `columns`: only
    these figures' columns; `filters`: only these figures' rows (a Parquet filter)."""
    history = list_releases(releases_dir)
    if history.empty:
        return pd.DataFrame(), history, pd.DataFrame(columns=REVISION_COLUMNS)
    figures = pd.concat([pd.read_parquet(path, columns=columns, filters=filters) for path in latest_figure_files(releases_dir, history)],
                        ignore_index=True)  # fmt: skip
    revised = [pd.read_parquet(Path(releases_dir) / rid / "revisies.parquet") for rid in history["release_id"]]
    revised = [frame for frame in revised if len(frame)]
    all_revisions = pd.concat(revised, ignore_index=True) if revised else pd.DataFrame(columns=REVISION_COLUMNS)
    for column in ("waarde_oud", "waarde_nieuw", "verschil"):
        all_revisions[column] = pd.to_numeric(all_revisions[column], errors="coerce").astype("float64")
    return figures, history, all_revisions
