"""Writing what the generator made: delivery folders and the postcode table, so a reader never sees
half of either.

A delivery folder (`inbox/<GM>/<periode>/`: one file per domein and the manifest) is built beside
its place and renamed in whole (vocabulary.files.replaced_folder), so an intake that scans the
inbox at the same moment sees the old delivery or the new one, never a part. Files are the same
bytes on every run: XLSX carries a fixed export moment instead of the clock.

The postcode table is only ever added to: the addresses of the generated gemeenten are appended
to the table in the folder (the newest `pc6hnr*_gwb.csv`, which the intake uses), rows already
there are kept as they are, and an address the table places in another buurt is refused (that is
a real CBS table, or another generator's, and mixing them would put clients in the wrong wijk).
"""

from __future__ import annotations

import fcntl
import io
import os
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import yaml

from gmsd.synth.addresses import cbs_columns, pc6_table_cbs
from gmsd.synth.styles import Consent, ExportStyle
from vocabulary.files import atomic_path, replaced_folder
from vocabulary.formatting import fmt_int
from vocabulary.periode import Periode
from vocabulary.reference import PC6_TABLE_GLOB, read_pc6_table

PC6_TABLE_NAME = "pc6hnr20240801_gwb.csv"


def export_moment(periode: Periode) -> datetime:
    """When the gemeente exported its files: the first morning after the periode (fixed, not the clock)."""
    return datetime.combine(periode.einde.date() + timedelta(days=1), datetime.min.time()).replace(hour=9)


def _fixed_xlsx(data: bytes, moment: datetime) -> bytes:
    """The same workbook with `moment` as its creation time and as the time of every zip entry."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                for tag in ("created", "modified"):
                    start = text.index(f"<dcterms:{tag} ")
                    end = text.index(f"</dcterms:{tag}>", start)
                    opening = text.index(">", start) + 1
                    text = text[:opening] + stamp + text[end:]
                content = text.encode("utf-8")
            info = zipfile.ZipInfo(entry.filename, date_time=moment.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, content)
    return out.getvalue()


def write_delivery_file(frame: pd.DataFrame, path: Path, style: ExportStyle, moment: datetime) -> None:
    """One domein's file in the gemeente's format."""
    if style.extension == "parquet":
        frame.astype("string").to_parquet(path, index=False, compression="zstd")
    elif style.extension == "xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name="Aanlevering")
        path.write_bytes(_fixed_xlsx(buffer.getvalue(), moment))
    else:
        frame.to_csv(path, sep=style.sep, index=False, encoding=style.encoding, lineterminator="\r\n" if style.encoding == "cp1252" else "\n")


def write_delivery(
    folder: Path, gemeente_code: str, periode: Periode, frames: dict[str, pd.DataFrame], style: ExportStyle, consent: Consent
) -> int:
    """Put one delivery (a file per domein and the manifest) in `folder` at once; returns its size in bytes."""
    moment = export_moment(periode)
    with replaced_folder(folder) as staging:
        files = []
        for domein, frame in frames.items():
            name = f"{gemeente_code}_{periode.code}_{domein}.{style.extension}"
            write_delivery_file(frame, staging / name, style, moment)
            files.append({"bestand": name, "domein": domein})
        manifest = {
            "gemeentecode": gemeente_code,
            "periode": periode.code,
            "bestanden": files,
            "publicatie_basis": "ja" if consent.basis else "nee",
            "publicatie_facultatief": "ja" if consent.facultatief else "nee",
        }
        (staging / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8")
        size = sum(path.stat().st_size for path in staging.iterdir())
    return size


# --------------------------------------------------------------------------------------------
# The postcode table
# --------------------------------------------------------------------------------------------


class PostcodeTableConflict(ValueError):
    """The table in the folder places generated addresses elsewhere (Dutch message)."""


@dataclass(frozen=True)
class PostcodeTableUpdate:
    path: Path
    added: int
    total: int


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One generator at a time adds to a folder's postcode table (a lock on the folder itself)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _header_roles(header: str) -> list[str]:
    """The role of each column of a CBS header line (pc6, huisnummer, buurt, wijk, gemeente)."""
    roles = []
    for column in header.lstrip("\ufeff").strip().split(";"):
        name = column.strip().lower()
        role = next((r for r in ("pc6", "huisnummer", "buurt", "wijk", "gemeente") if name.startswith(r)), None)
        if role is None:
            raise PostcodeTableConflict(f"onbekende kolom '{column}' in de postcodetabel; verwacht PC6;Huisnummer;BuurtJJJJ;WijkJJJJ;GemeenteJJJJ.")
        roles.append(role)
    return roles


def _as_text(table: pd.DataFrame, roles: list[str], line_end: str) -> str:
    cbs = pc6_table_cbs(table)
    by_role = dict(zip(("pc6", "huisnummer", "buurt", "wijk", "gemeente"), cbs.columns))
    return cbs[[by_role[role] for role in roles]].to_csv(sep=";", index=False, header=False, lineterminator=line_end)


def add_to_postcode_table(folder: Path, addresses: pd.DataFrame) -> PostcodeTableUpdate:
    """Append the `addresses` (postcode, huisnummer, buurt_code, wijk_code, gemeente_code) that the
    folder's postcode table lacks; create the table if there is none. Written atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        existing = sorted(folder.glob(PC6_TABLE_GLOB))
        if not existing:
            target = folder / PC6_TABLE_NAME
            with atomic_path(target) as temporary:
                with open(temporary, "w", encoding="utf-8", newline="") as out:
                    out.write(";".join(cbs_columns()) + "\n")
                    out.write(_as_text(addresses, ["pc6", "huisnummer", "buurt", "wijk", "gemeente"], "\n"))
            return PostcodeTableUpdate(target, len(addresses), len(addresses))
        target = existing[-1]
        with open(target, "rb") as handle:
            first = handle.readline()
        line_end = "\r\n" if first.endswith(b"\r\n") else "\n"
        roles = _header_roles(first.decode("utf-8-sig"))
        present = read_pc6_table(target)
        keys = ["postcode", "huisnummer"]
        generated = addresses.assign(huisnummer=addresses.huisnummer.astype("Int64"))
        matched = generated.merge(present.drop_duplicates(keys), on=keys, how="left", suffixes=("", "_tabel"), indicator=True)
        known = matched["_merge"] == "both"
        elsewhere = known & (matched.buurt_code != matched.buurt_code_tabel)
        if elsewhere.any():
            example = matched[elsewhere].iloc[0]
            raise PostcodeTableConflict(
                f"{target} plaatst {fmt_int(int(elsewhere.sum()))} gegenereerde adressen in een andere buurt (bijvoorbeeld "
                f"{example.postcode} {example.huisnummer}: {example.buurt_code_tabel} in plaats van {example.buurt_code}). "
                "Dit is een echte CBS-tabel of een tabel van een andere generator; genereer in een andere map."
            )
        fresh = addresses[~known.to_numpy()]
        if fresh.empty:
            return PostcodeTableUpdate(target, 0, len(present))
        with atomic_path(target) as temporary:
            shutil.copyfile(target, temporary)
            with open(temporary, "rb+") as out:
                out.seek(0, 2)
                if out.tell() > 0:
                    out.seek(-1, 2)
                    if out.read(1) != b"\n":
                        out.write(line_end.encode())
                out.write(_as_text(fresh, roles, line_end).encode("utf-8"))
        return PostcodeTableUpdate(target, len(fresh), len(present) + len(fresh))
