"""Downloads: the published tables of the current release, and each earlier release's as an archive.

The site is given one downloads folder. Its files are the downloads of the current release;
each sub-folder named after a release id (`2025-H1-r1/`) holds that release's files and becomes
its archive on the releases page. The whole folder is copied into the site as `downloads/`, so a
file keeps its link for as long as the release is listed.

`archive_releases` fills such a folder from the home's immutable release folders (the pipeline
calls it before building the site): each release's frozen `indicatoren` and `revisies`, as
Parquet and as Dutch CSV (`;`, decimal comma, formulas neutralised).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import duckdb

from vocabulary.csv_duckdb import copy_csv, parquet_source
from vocabulary.formatting import fmt_number

SOORTEN = {".csv": "CSV", ".parquet": "Parquet", ".json": "JSON", ".xlsx": "Excel"}
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def _size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{fmt_number(max(size / 1024, 0.1), 1)} kB"
    return f"{fmt_number(size / 1024 / 1024, 1)} MB"


def _place(source: Path, target: Path, link: bool) -> None:
    """`target` with the bytes of `source`: a hard link when `link` (no copy; for files that are never
    written again, as a release, the archive cache and the pipeline's own export folder), else a copy.
    A file system without hard links gets the copy."""
    if link:
        try:
            target.unlink(missing_ok=True)
            os.link(source, target)
            return
        except OSError:
            pass
    shutil.copyfile(source, target)


def _describe(path: Path, href: str) -> dict:
    suffix = path.suffix.lower()
    toelichting = ""
    if suffix == ".csv":
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline()
        toelichting = "puntkomma als scheidingsteken, komma als decimaalteken" if ";" in header else "komma als scheidingsteken"
    elif suffix == ".parquet":
        toelichting = "kolomtypen behouden; te lezen met onder meer R, Python en DuckDB"
    return {"naam": path.stem.replace("_", " "), "href": href, "bestand": path.name, "soort": SOORTEN.get(suffix, suffix.lstrip(".").upper()),
            "grootte": _size_text(path.stat().st_size), "toelichting": toelichting}


def copy_downloads(source: Path | None, site: Path, *, link: bool = False) -> tuple[list[dict], dict[str, list[dict]]]:
    """Copy `source` into `site/downloads/`; returns (current files, {release_id: archived files}).

    `link`: hard links instead of copies, for a `source` that nothing writes into again (the
    pipeline's own export folder, itself linked to immutable files): a reader gets the same bytes."""
    if source is None:
        return [], {}
    source = Path(source)
    if not source.is_dir():
        raise ValueError(f"De map met downloads bestaat niet: {source}.")
    target = site / "downloads"
    current, archive = [], {}
    for path in sorted(source.iterdir()):
        if path.name.startswith("."):
            continue
        if SAFE_NAME.search(path.name):
            raise ValueError(f"Ongeldige bestandsnaam in de downloads: {path.name!r} (alleen letters, cijfers, punt, - en _).")
        if path.is_file():
            target.mkdir(exist_ok=True)
            _place(path, target / path.name, link)
            current.append(_describe(target / path.name, f"downloads/{path.name}"))
        elif path.is_dir():
            files = [f for f in sorted(path.iterdir()) if f.is_file() and not f.name.startswith(".") and not SAFE_NAME.search(f.name)]
            (target / path.name).mkdir(parents=True, exist_ok=True)
            for file in files:
                _place(file, target / path.name / file.name, link)
            archive[path.name] = [_describe(target / path.name / f.name, f"downloads/{path.name}/{f.name}") for f in files]
    return current, archive


def _dutch_csv(parquet: Path, target: Path) -> None:
    with duckdb.connect() as con:
        copy_csv(con, parquet_source(parquet), target, dutch=True)


def archive_releases(releases_dir: Path, folder: Path, *, cache: Path | None = None, link: bool = False) -> list[str]:
    """Write every release's frozen tables into `folder/<release_id>/` (Parquet and Dutch CSV).

    A release never changes, so with a `cache` folder its Dutch CSV is made once and copied by every
    later build; with `link`, the release's Parquet and the cached CSV are hard links, not copies
    (neither is ever written again: a release is immutable and a cached CSV is written atomically,
    once). The cache is keyed by the release's own `release.json`, not only its id: a release
    that was withdrawn (publishing failed) gives its id to the next one, which must not get its CSV.
    """
    written, in_use = [], set()
    for meta in sorted(Path(releases_dir).glob("*/release.json")):
        release = meta.parent
        target = Path(folder) / release.name
        target.mkdir(parents=True, exist_ok=True)
        cached_dir = None
        if cache is not None:
            cached_dir = Path(cache) / f"{release.name}-{hashlib.sha256(meta.read_bytes()).hexdigest()[:16]}"
            in_use.add(cached_dir.name)
        for table in ("indicatoren", "revisies"):
            parquet = release / f"{table}.parquet"
            if not parquet.is_file():
                continue
            _place(parquet, target / f"{table}.parquet", link)
            csv = target / f"{table}.csv"
            if cached_dir is None:
                _dutch_csv(parquet, csv)
                continue
            if not (cached_dir / csv.name).is_file():
                _dutch_csv(parquet, cached_dir / csv.name)
            _place(cached_dir / csv.name, csv, link)
        written.append(release.name)
    if cache is not None and Path(cache).is_dir():
        for stale in Path(cache).iterdir():
            if stale.name not in in_use:
                shutil.rmtree(stale, ignore_errors=True)
    return written
