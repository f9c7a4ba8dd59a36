"""The manifest that comes with a delivery: who delivers, which periode, which files, and consent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd
import yaml

from clearinghouse.normalise import canonical_gemeentecode
from vocabulary.files import load_yaml
from vocabulary.periode import Periode
from vocabulary.codes import DOMEINEN

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml", "manifest.json")


class ManifestError(ValueError):
    """The manifest cannot be used; the message says what is wrong and what to do (Dutch)."""


@dataclass(frozen=True)
class ManifestFile:
    bestand: str
    domein: str


@dataclass(frozen=True)
class Manifest:
    gemeente_code: str
    periode: str
    bestanden: tuple[ManifestFile, ...]
    publicatie_basis: bool
    publicatie_facultatief: bool
    path: Path


def find_manifest(folder: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def _ja_nee(value: object, field: str) -> bool:
    text = str(value).strip().lower()
    if text in ("ja", "j", "true", "yes"):
        return True
    if text in ("nee", "n", "false", "no"):
        return False
    raise ManifestError(f"manifest: '{field}' moet 'ja' of 'nee' zijn, niet '{value}'.")


def read_manifest(folder: Path, *, gemeente_code: str, periode: str) -> Manifest:
    """Read and check the manifest in `folder` against the partition it was delivered for."""
    path = find_manifest(folder)
    if path is None:
        raise ManifestError(
            f"Er is geen manifest gevonden in {folder.name}. Lever naast de bestanden een manifest.yaml aan met "
            "gemeentecode, periode, bestanden en de toestemming voor publicatie."
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text) if path.suffix == ".json" else load_yaml(text)
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ManifestError(f"{path.name} kan niet worden gelezen ({type(exc).__name__}). Controleer de opmaak.") from exc
    if not isinstance(data, dict):
        raise ManifestError(f"{path.name} bevat geen velden. Zie het aanleverformaat voor een voorbeeld.")
    missing = [key for key in ("gemeentecode", "periode", "bestanden", "publicatie_basis", "publicatie_facultatief") if key not in data]
    if missing:
        raise ManifestError(f"{path.name}: de velden {', '.join(missing)} ontbreken.")
    code = canonical_gemeentecode(pd.Series([str(data["gemeentecode"])])).iloc[0]
    if code != gemeente_code:
        raise ManifestError(
            f"{path.name}: gemeentecode {data['gemeentecode']} hoort niet bij deze aanlevering ({gemeente_code}). "
            "Een gemeente levert alleen haar eigen gegevens."
        )
    try:
        manifest_periode = Periode.halfjaar(data["periode"]).code
    except ValueError as exc:
        raise ManifestError(f"{path.name}: {exc}") from exc
    if manifest_periode != periode:
        raise ManifestError(f"{path.name}: periode {manifest_periode} past niet bij de map {periode}. Lever per periode apart aan.")
    entries = data["bestanden"]
    if not isinstance(entries, list) or not entries:
        raise ManifestError(f"{path.name}: 'bestanden' moet een lijst zijn met per bestand 'bestand' en 'domein'.")
    files = []
    for entry in entries:
        if not isinstance(entry, dict) or "bestand" not in entry or "domein" not in entry:
            raise ManifestError(f"{path.name}: elk item onder 'bestanden' heeft 'bestand' en 'domein' nodig.")
        name, domein = str(entry["bestand"]), str(entry["domein"]).strip().lower()
        if PurePath(name).name != name or name.startswith("."):
            raise ManifestError(f"{path.name}: bestandsnaam '{name}' mag geen map bevatten.")
        if domein not in DOMEINEN:
            raise ManifestError(f"{path.name}: domein '{domein}' is onbekend; kies jeugd, wmo of participatie.")
        files.append(ManifestFile(name, domein))
    domeinen = [f.domein for f in files]
    if len(set(domeinen)) != len(domeinen):
        raise ManifestError(f"{path.name}: per domein mag één bestand worden aangeleverd.")
    return Manifest(
        gemeente_code=gemeente_code,
        periode=periode,
        bestanden=tuple(files),
        publicatie_basis=_ja_nee(data["publicatie_basis"], "publicatie_basis"),
        publicatie_facultatief=_ja_nee(data["publicatie_facultatief"], "publicatie_facultatief"),
        path=path,
    )
