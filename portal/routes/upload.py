"""Delivering: choose the periode, confirm a re-delivery of a published one, choose files and consent, upload.

The steps a data officer goes through, one question per page:

1. `/aanleveren` — which half-year (only the periodes open for delivery, each with what is in force
   and whether it is published);
2. `/aanleveren/bestanden?periode=…` — for a published periode first what a re-delivery does (a
   revision in the next release) and a confirmation; then the files per domein and the consent,
   an explicit choice each time with the previous choice shown;
3. `POST /aanleveren` — every check before anything is written; then the files are staged and
   handed to the intake (portal.delivery), and `/aanlevering/<id>` shows the verdicts.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from portal import consent, delivery, refusal
from portal.history import in_force_by_periode, load_audit, report_names
from portal.pages import not_found, redirect, render
from portal.periodes import OpenPeriode, find_open, open_for_delivery
from portal.refusal import Refusal
from portal.session import Visitor, check_csrf, require_access, require_account
from portal.state import state_of
from portal.upload_checks import check_file_name, check_size_and_content
from clearinghouse.reading import DeliveryFileError, check_shape
from vocabulary.domeinen import DOMEINEN
from vocabulary.reference import gemeente_names

router = APIRouter()

CONFIRMED = "bevestigd"
FIELDS = {"csrf", "gemeente", "periode", "herlevering", *consent.FIELDS, *(f"bestand_{d}" for d in DOMEINEN)}
UPLOAD_ID = re.compile(r"[A-Za-z0-9_\-]{10,64}")


def _gemeente(visitor: Visitor, text: str) -> str:
    """The gemeente a delivery is for: the account's own; an operator chooses any."""
    gemeente = (text or visitor.gemeente_code or "").strip().upper()
    if visitor.account.beheerder and gemeente not in gemeente_names():
        raise Refusal(refusal.BAD_INPUT, "Kies een geldige gemeente.", details=f"gemeente={gemeente[:20]}")
    if not visitor.account.may_see(gemeente):
        raise Refusal(refusal.OTHER_GEMEENTE, f"U kunt alleen aanleveren voor uw eigen gemeente ({visitor.gemeente_code}). "
                      "Deze poging is vastgelegd.", details=f"formulierveld gemeente={gemeente[:20]}", status=403)
    return gemeente


def _open_periode(request: Request, periode_text: str) -> OpenPeriode:
    """The periode a delivery is for: one of the periodes open for delivery."""
    config = state_of(request).config
    chosen = find_open(periode_text, config.today(), config.open_half_years, config.home.releases)
    if chosen is None:
        open_codes = ", ".join(p.code for p in open_for_delivery(config.today(), config.open_half_years, config.home.releases))
        raise Refusal(refusal.BAD_INPUT, f"Periode '{str(periode_text)[:20]}' is niet open voor aanlevering. Kies een van: {open_codes}.",
                      details=f"periode={str(periode_text)[:20]}")
    return chosen


def _window_values(request: Request) -> dict:
    config = state_of(request).config
    return {"venster": config.window_text() if config.has_window else None, "venster_open": config.window_open()}


@router.get("/aanleveren")
def choose_periode(request: Request, visitor: Visitor = Depends(require_account)) -> Response:
    state = state_of(request)
    config = state.config
    gemeente = visitor.gemeente_code
    audit = load_audit(config.home, gemeente) if gemeente else None
    return render(
        request, "aanleveren.html",
        periodes=open_for_delivery(config.today(), config.open_half_years, config.home.releases),
        geldend=in_force_by_periode(audit) if audit is not None else {},
        gemeenten=sorted(gemeente_names().items()) if visitor.account.beheerder else [],
        **_window_values(request),
    )


@router.get("/aanleveren/bestanden")
def choose_files(request: Request, periode: str = "", gemeente: str = "", herlevering: str = "",
                 visitor: Visitor = Depends(require_account)) -> Response:
    state = state_of(request)
    code, chosen = _gemeente(visitor, gemeente), _open_periode(request, periode)
    audit = load_audit(state.config.home, code)
    fixed = consent.fixed(audit, chosen.code, chosen.gepubliceerd, operator=visitor.account.beheerder)
    values = dict(gemeente=code, keuze=chosen, vast=fixed, geldend=in_force_by_periode(audit), **_window_values(request))
    if chosen.gepubliceerd and herlevering != CONFIRMED:
        return render(request, "herlevering.html", **values)
    previous = consent.previous(state.store, audit, code, chosen.code)
    return render(request, "bestanden.html", vorige=previous, bevestigd=chosen.gepubliceerd,
                  max_mb=state.config.max_mb, **values)


async def upload_form(request: Request, visitor: Visitor = Depends(require_account)) -> AsyncIterator[FormData]:
    """The upload's form: its size is checked before it is read, its CSRF token after; closed afterwards."""
    config = state_of(request).config
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise Refusal(refusal.BAD_INPUT, "De aanlevering kwam niet volledig binnen (geen lengte opgegeven). Probeer het opnieuw.", status=411)
    if int(length) > config.max_request_bytes:
        raise Refusal(refusal.TOO_LARGE, f"De aanlevering is te groot ({int(length) / 1024 / 1024:.1f} MB). "
                      f"Per bestand is maximaal {config.max_mb:g} MB toegestaan.", details=f"content-length {length}", status=413)
    try:
        form = await request.form(max_files=len(DOMEINEN), max_fields=20, max_part_size=64 * 1024)
    except Exception as exc:  # noqa: BLE001 - malformed multipart, too many parts
        raise Refusal(refusal.BAD_INPUT, "Het formulier kon niet worden gelezen. Laad de pagina opnieuw en probeer het nog eens.",
                      details=str(exc)[:200]) from exc
    try:
        check_csrf(visitor, form)
        yield form
    finally:
        await form.close()


def _uploads_of(form: FormData) -> list[tuple[str, UploadFile]]:
    unknown = [key for key in form.keys() if key not in FIELDS]
    if unknown:
        raise Refusal(refusal.BAD_INPUT, "Het formulier bevat onbekende velden.", details=", ".join(unknown)[:200])
    uploads = []
    for domein in DOMEINEN:
        item = form.get(f"bestand_{domein}")
        if isinstance(item, UploadFile) and item.filename:
            uploads.append((domein, item))
        elif isinstance(item, UploadFile) and not item.filename and not item.size:
            continue  # a file field left empty: browsers send it with no name and no content
        elif item not in (None, ""):
            raise Refusal(refusal.BAD_INPUT, "Het formulier is ongeldig.", details=f"bestand_{domein} is geen bestand")
    if not uploads:
        raise Refusal(refusal.BAD_INPUT, "Kies minstens één bestand om aan te leveren.")
    return uploads


def _consent_for(form: FormData, fixed: consent.Keuze | None, periode: str) -> tuple[bool, bool]:
    answers = consent.answers_of(form)
    if fixed is not None:
        if answers is not None and not fixed.same_as(*answers):
            raise Refusal(refusal.CONSENT_FIXED, f"Periode {periode} is al gepubliceerd; uw toestemming ligt vast ({fixed.tekst}) "
                          "en kan niet meer worden gewijzigd. Neem contact op met de beheerder als dit niet klopt.")
        return fixed.basis, fixed.facultatief
    if answers is None:
        raise Refusal(refusal.BAD_INPUT, "Kies bij beide vragen over publicatie 'ja' of 'nee'.",
                      details=", ".join(f"{name}={str(form.get(name) or '')[:10]}" for name in consent.FIELDS))
    return answers


@router.post("/aanleveren")
def upload(request: Request, visitor: Visitor = Depends(require_account), form: FormData = Depends(upload_form)) -> Response:
    state = state_of(request)
    config, store = state.config, state.store
    gemeente = _gemeente(visitor, str(form.get("gemeente") or ""))
    if not config.window_open():
        raise Refusal(refusal.OUTSIDE_WINDOW, f"Aanleveren is nu niet mogelijk. Het aanlevervenster is {config.window_text()}.", status=403)
    chosen = _open_periode(request, str(form.get("periode") or ""))
    periode = chosen.code
    audit = load_audit(config.home, gemeente)
    fixed = consent.fixed(audit, periode, chosen.gepubliceerd, operator=visitor.account.beheerder)
    if chosen.gepubliceerd and form.get("herlevering") != CONFIRMED:
        raise Refusal(refusal.NOT_CONFIRMED, f"Periode {periode} is al gepubliceerd. Er is niets aangeleverd: lees hieronder wat een "
                      "nieuwe aanlevering betekent, bevestig, en kies de bestanden opnieuw.", status=409,
                      template="herlevering.html", values=dict(gemeente=gemeente, keuze=chosen, vast=fixed, geldend=in_force_by_periode(audit)))
    basis, facultatief = _consent_for(form, fixed, periode)
    uploads = _uploads_of(form)
    names = [check_file_name(item.filename, gemeente_code=gemeente) for _, item in uploads]
    if len({n.lower() for n in names}) != len(names):
        raise Refusal(refusal.BAD_INPUT, "Twee domeinen hebben hetzelfde bestand. Lever per domein een eigen bestand aan.")
    for name, (_, item) in zip(names, uploads):
        check_size_and_content(name, item.file, item.size if item.size is not None else 0, config.max_upload_bytes)
    if store.pending_upload(gemeente, periode) or delivery.inbox_busy(config, gemeente, periode):
        raise Refusal(refusal.BUSY, f"Er wordt al een aanlevering voor {gemeente} {periode} verwerkt. "
                      "Wacht tot die klaar is en probeer het dan opnieuw.", status=409)
    # Every check passed: only now is anything written.
    upload_id = secrets.token_urlsafe(18)
    staged = delivery.stage(config, upload_id, [(name, domein, item.file) for name, (domein, item) in zip(names, uploads)])
    try:  # an absurd shape (a million columns, a line of megabytes) is refused now, not after a queue
        for file in staged:
            check_shape(config.staging / upload_id / file.bestand, max_bytes=config.max_upload_bytes)
    except DeliveryFileError as exc:
        shutil.rmtree(config.staging / upload_id, ignore_errors=True)
        raise Refusal(refusal.BAD_SHAPE, str(exc), details=str(exc)[:200]) from exc
    if fixed is None:
        store.set_consent(gemeente, periode, basis, facultatief, visitor.gebruiker)
    store.add_upload(upload_id, visitor.gebruiker, gemeente, periode, [s.__dict__ for s in staged])
    confirmation = f" Herlevering na publicatie ({chosen.publicatie.status}, {chosen.publicatie.release_id}) bevestigd." if chosen.gepubliceerd else ""
    store.log(gebruiker=visitor.gebruiker, gemeente_code=gemeente, client=visitor.client, gebeurtenis="aangeleverd",
              details=f"{upload_id} {periode}: " + ", ".join(f"{s.domein}={s.bestand} ({s.sha256[:12]})" for s in staged)
              + f"; toestemming basis={'ja' if basis else 'nee'}, facultatief={'ja' if facultatief else 'nee'}." + confirmation)
    delivery.start_upload(config, store, delivery.Upload(upload_id, gemeente, periode, staged, basis, facultatief))
    return redirect(request, f"/aanlevering/{upload_id}")


@router.get("/aanlevering/{upload_id}")
def upload_status(request: Request, upload_id: str, visitor: Visitor = Depends(require_account)) -> Response:
    store = state_of(request).store
    row = store.upload(upload_id) if UPLOAD_ID.fullmatch(upload_id) else None
    if row is None:
        return not_found(request)
    require_access(visitor, row["gemeente_code"])
    results = json.loads(row["resultaat"]) if row["resultaat"] else []
    for record in results:
        record["html"], record["csv"] = report_names(record)
    return render(request, "aanlevering.html", upload=row, bestanden=json.loads(row["bestanden"]), resultaat=results,
                  bezig=row["status"] in ("wachtrij", "bezig"))
