"""From an accepted upload to verdicts: stage the files, hand them to the intake, collect the outcome.

An upload that passed every check (portal.upload_checks) is written to a staging folder under the
home, then — in a background thread — moved into `inbox/<GMxxxx>/<periode>/` with a manifest.yaml
written last, and processed as the home's one intake owner (`clearinghouse.inbox.intake_owner`):
exactly the intake the inbox, `gmsd run` and the Dagster sensor use, under the same lock.
The portal learns the verdicts from the intake's own audit records (`intake/<periode>/<GM>/*.parquet`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import yaml

from clearinghouse.inbox import Intake, delivery_key, intake_owner
from clearinghouse.normalise import canonical_gemeentecode_text
from clearinghouse.ownership import Busy
from portal.config import PortalConfig
from portal.store import Store
from vocabulary.files import write_text
from vocabulary.periode import Periode

log = logging.getLogger("gmsd.portal")

# How long an upload waits for another intake (a sensor run, `gmsd run`) before it says so.
INTAKE_WAIT_SECONDS = 120


@dataclass
class StagedFile:
    bestand: str
    domein: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Upload:
    """An upload that passed every check: what goes into the delivery's manifest."""

    upload_id: str
    gemeente_code: str
    periode: str
    files: list[StagedFile]
    basis: bool
    facultatief: bool


def inbox_folder(config: PortalConfig, gemeente_code: str, periode: str) -> Path:
    if canonical_gemeentecode_text(gemeente_code) != gemeente_code:
        raise ValueError(f"ongeldige gemeentecode {gemeente_code!r}")
    return config.home.inbox / gemeente_code / Periode.halfjaar(periode).code


def inbox_busy(config: PortalConfig, gemeente_code: str, periode: str) -> bool:
    folder = inbox_folder(config, gemeente_code, periode)
    return folder.is_dir() and any(folder.iterdir())


def stage(config: PortalConfig, upload_id: str, items: list[tuple[str, str, BinaryIO]]) -> list[StagedFile]:
    """Copy the uploaded files (name, domein, stream) into `staging/<upload_id>/`, with size and SHA-256."""
    folder = config.staging / upload_id
    folder.mkdir(parents=True, exist_ok=False)
    staged = []
    for name, domein, stream in items:
        digest, written = hashlib.sha256(), 0
        with open(folder / name, "xb") as out:
            stream.seek(0)
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
                written += len(block)
                out.write(block)
        staged.append(StagedFile(bestand=name, domein=domein, bytes=written, sha256=digest.hexdigest()))
    return staged


def manifest_text(upload: Upload) -> str:
    """The manifest: who delivers, which periode, which file is which domein, and consent."""
    data = {
        "gemeentecode": upload.gemeente_code,
        "periode": upload.periode,
        "bestanden": [{"bestand": f.bestand, "domein": f.domein} for f in upload.files],
        "publicatie_basis": "ja" if upload.basis else "nee",
        "publicatie_facultatief": "ja" if upload.facultatief else "nee",
    }
    return "# Gemaakt door het aanleverportaal\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _intake_files(config: PortalConfig, gemeente_code: str, periode: str) -> set[Path]:
    return set((config.home.intake / periode / gemeente_code).glob("*.parquet"))


def run_upload(config: PortalConfig, store: Store, upload: Upload) -> None:
    """Body of the background thread: become the home's intake owner, deliver, process, record."""
    try:
        with intake_owner(config.home, who=f"aanleverportaal (upload {upload.upload_id[:8]})", wait_seconds=INTAKE_WAIT_SECONDS) as intake:
            _deliver_and_process(config, store, intake, upload)
    except Busy as exc:
        store.update_upload(upload.upload_id, status="fout", melding=str(exc))
    finally:
        shutil.rmtree(config.staging / upload.upload_id, ignore_errors=True)


def _deliver_and_process(config: PortalConfig, store: Store, intake: Intake, upload: Upload) -> None:
    """Move the staged files into the inbox (manifest last), process them, and store the verdicts."""
    upload_id, gemeente_code, periode = upload.upload_id, upload.gemeente_code, upload.periode
    staging = config.staging / upload_id
    store.update_upload(upload_id, status="bezig")
    folder = inbox_folder(config, gemeente_code, periode)
    written: list[Path] = []
    try:
        if inbox_busy(config, gemeente_code, periode):
            store.update_upload(upload_id, status="fout", melding=(
                "Er staat al een aanlevering voor deze periode in de inbox die nog niet is verwerkt. "
                "Probeer het over enkele minuten opnieuw."))
            return
        folder.mkdir(parents=True, exist_ok=True)
        for staged in upload.files:
            target = folder / staged.bestand
            os.replace(staging / staged.bestand, target)
            written.append(target)
        # Last, and atomically: the inbox sees a complete delivery or none.
        write_text(folder / "manifest.yaml", manifest_text(upload))
        written.append(folder / "manifest.yaml")
        before = _intake_files(config, gemeente_code, periode)
        outcome = intake.process([delivery_key(gemeente_code, periode)])
        new = sorted(_intake_files(config, gemeente_code, periode) - before)
        if not new:
            store.update_upload(upload_id, status="fout", melding=(
                "De verwerking is mislukt; er is geen oordeel gegeven. De beheerder kan dit in het logboek terugvinden. "
                "Lever later opnieuw aan."), resultaat=[])
            store.log(gebruiker=None, gemeente_code=gemeente_code, client=None, gebeurtenis="verwerking mislukt",
                      details=f"upload {upload_id}: niet verwerkt {outcome.skipped}")
            return
        audit = pd.concat([pd.read_parquet(path) for path in new], ignore_index=True)
        rows = json.loads(audit.to_json(orient="records", date_format="iso"))
        store.update_upload(upload_id, status="klaar", resultaat=rows, stempel=new[-1].stem)
    except Exception as exc:  # noqa: BLE001 - the user must see an end state, the log gets the details
        log.exception("upload %s failed", upload_id)
        store.update_upload(upload_id, status="fout", melding="De verwerking is mislukt door een interne fout. Lever later opnieuw aan.")
        store.log(gebruiker=None, gemeente_code=gemeente_code, client=None, gebeurtenis="verwerking mislukt",
                  details=f"upload {upload_id}: {type(exc).__name__}: {exc}")
    finally:
        # Raw files the intake did not get to (it deletes what it processed) are not kept.
        for path in written:
            path.unlink(missing_ok=True)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def start_upload(config: PortalConfig, store: Store, upload: Upload) -> threading.Thread:
    thread = threading.Thread(target=run_upload, args=(config, store, upload), name=f"portal-upload-{upload.upload_id[:8]}", daemon=True)
    thread.start()
    return thread
