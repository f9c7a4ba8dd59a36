"""From an upload to verdicts: check the files, hand them to the intake, collect the outcome.

An upload that passes every check is written to a staging folder under the home, then — in a
background thread, one intake at a time (process-wide lock) — moved into
`inbox/<GMxxxx>/<periode>/` with a manifest.yaml written last, and processed with
`clearinghouse.inbox.intake_owner`: exactly the intake the inbox, `gmsd run` and the sensor use, under the
same lock (one intake owner per home).
The portal learns the verdicts from the intake's own audit records (`intake/<periode>/<GM>/*.parquet`).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from clearinghouse.audit import in_force
from clearinghouse.inbox import Intake, delivery_key, intake_owner
from clearinghouse.ownership import Busy
from portal.config import PortalConfig
from portal.store import Store

log = logging.getLogger("gmsd.portal")

# How long an upload waits for another intake (a sensor run, `gmsd run`) before it says so.
INTAKE_WAIT_SECONDS = 120

GEMEENTE_RE = re.compile(r"^GM\d{4}$")
PERIODE_RE = re.compile(r"^\d{4}-H[12]$")
REPORT_RE = re.compile(r"^\d{8}T\d{12}Z_[a-z]+\.(html|csv)$")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.()+\-]{0,149}$")
GM_IN_NAME = re.compile(r"GM\d{4}", re.IGNORECASE)

SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"PAR1", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"\x7fELF", b"MZ", b"\x89PNG", b"\xff\xd8\xff", b"BZh", b"7z\xbc\xaf")


class Refusal(Exception):
    """An upload or request that is refused: `reden` goes to the audit table, `message` to the user (Dutch)."""

    def __init__(self, reden: str, message: str, details: str = "", status: int = 400):
        super().__init__(message)
        self.reden = reden
        self.message = message
        self.details = details
        self.status = status


@dataclass
class StagedFile:
    bestand: str
    domein: str
    bytes: int
    sha256: str


def check_file_name(name: str, *, gemeente_code: str) -> str:
    """The file name as it will be stored, or a Refusal (path parts, odd characters, other gemeente, type)."""
    if any(part in name for part in ("/", "\\", "\x00")) or ".." in name or name in (".", ""):
        raise Refusal(
            "bestandsnaam met map",
            f"De bestandsnaam '{name[:80]}' bevat een map of '..'. Lever alleen een bestandsnaam aan, zonder map.",
            details=name[:200],
        )
    if not NAME_RE.match(name):
        raise Refusal(
            "ongeldige bestandsnaam",
            f"De bestandsnaam '{name[:80]}' bevat tekens die niet zijn toegestaan. Gebruik letters, cijfers, spatie, '-', '_' en '.'.",
            details=name[:200],
        )
    other = {code.upper() for code in GM_IN_NAME.findall(name)} - {gemeente_code}
    if other:
        raise Refusal(
            "andere gemeente",
            f"De bestandsnaam '{name}' noemt een andere gemeente ({', '.join(sorted(other))}). "
            f"U levert alleen gegevens van {gemeente_code} aan.",
            details=name,
            status=403,
        )
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise Refusal(
            "onbekende inhoud",
            f"{name}: dit bestandstype wordt niet aangenomen. Lever CSV (.csv), Excel (.xlsx) of Parquet (.parquet) aan.",
            details=name,
        )
    return name


def check_content(name: str, head: bytes, tail: bytes) -> None:
    """Magic bytes must match the extension (a renamed PDF or ZIP is refused before the intake sees it)."""
    kind = SUFFIXES[Path(name).suffix.lower()]
    ok = {
        "xlsx": head.startswith(b"PK\x03\x04"),
        "parquet": head.startswith(b"PAR1") and tail.endswith(b"PAR1"),
        "csv": not head.startswith(BINARY_MAGIC)
        and (head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head),  # UTF-16: the intake explains it
    }[kind]
    if not ok:
        expected = {"xlsx": "een Excel-werkmap (.xlsx)", "parquet": "een Parquet-bestand", "csv": "een tekstbestand (CSV)"}[kind]
        raise Refusal(
            "onbekende inhoud",
            f"{name}: de inhoud is geen {expected}, terwijl de extensie dat wel zegt. "
            "Sla het bestand opnieuw op in het juiste formaat.",
            details=f"{name}: kop {head[:8].hex()}",
        )


def inbox_folder(config: PortalConfig, gemeente_code: str, periode: str) -> Path:
    if not (GEMEENTE_RE.match(gemeente_code) and PERIODE_RE.match(periode)):
        raise ValueError("ongeldige gemeente of periode")
    return config.home.inbox / gemeente_code / periode


def inbox_busy(config: PortalConfig, gemeente_code: str, periode: str) -> bool:
    folder = inbox_folder(config, gemeente_code, periode)
    return folder.is_dir() and any(folder.iterdir())


def manifest_text(gemeente_code: str, periode: str, files: list[StagedFile], basis: bool, facultatief: bool) -> str:
    data = {
        "gemeentecode": gemeente_code,
        "periode": periode,
        "bestanden": [{"bestand": f.bestand, "domein": f.domein} for f in files],
        "publicatie_basis": "ja" if basis else "nee",
        "publicatie_facultatief": "ja" if facultatief else "nee",
    }
    return "# Gemaakt door het aanleverportaal\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _intake_files(config: PortalConfig, gemeente_code: str, periode: str) -> set[Path]:
    return set((config.home.intake / periode / gemeente_code).glob("*.parquet"))


def run_upload(config: PortalConfig, store: Store, upload_id: str, gemeente_code: str, periode: str,
               files: list[StagedFile], basis: bool, facultatief: bool) -> None:
    """Body of the background thread: become the home's intake owner, deliver, process, record."""
    staging = config.staging / upload_id
    try:
        with intake_owner(config.home, who=f"aanleverportaal (upload {upload_id[:8]})", wait_seconds=INTAKE_WAIT_SECONDS) as intake:
            _deliver_and_process(config, store, intake, upload_id, gemeente_code, periode, files, basis, facultatief)
    except Busy as exc:
        store.update_upload(upload_id, status="fout", melding=str(exc))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _deliver_and_process(config: PortalConfig, store: Store, intake: Intake, upload_id: str, gemeente_code: str,
                         periode: str, files: list[StagedFile], basis: bool, facultatief: bool) -> None:
    """Move the staged files into the inbox (manifest last), process them, and store the verdicts."""
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
        for staged in files:
            target = folder / staged.bestand
            os.replace(staging / staged.bestand, target)
            written.append(target)
        temporary = folder / ".manifest.yaml.tmp"
        temporary.write_text(manifest_text(gemeente_code, periode, files, basis, facultatief), encoding="utf-8")
        os.replace(temporary, folder / "manifest.yaml")  # last: the inbox sees a complete delivery or none
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


def start_upload(config: PortalConfig, store: Store, upload_id: str, gemeente_code: str, periode: str,
                 files: list[StagedFile], basis: bool, facultatief: bool) -> threading.Thread:
    thread = threading.Thread(
        target=run_upload,
        args=(config, store, upload_id, gemeente_code, periode, files, basis, facultatief),
        name=f"portal-upload-{upload_id[:8]}",
        daemon=True,
    )
    thread.start()
    return thread


def load_audit_for(config: PortalConfig, gemeente_code: str | None = None) -> pd.DataFrame:
    """The intake's audit records (one gemeente, or all), oldest first, with `geldt` (in force)."""
    pattern = f"*/{gemeente_code}/*.parquet" if gemeente_code else "*/*/*.parquet"
    files = sorted(config.home.intake.glob(pattern))
    if not files:
        return pd.DataFrame()
    audit = pd.concat([pd.read_parquet(path) for path in files], ignore_index=True)
    audit = audit.sort_values("verwerkt_op", kind="stable").reset_index(drop=True)
    audit["geldt"] = in_force(audit)
    return audit
