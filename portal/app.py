"""The portal's web app: log-in, upload, verdicts, history, reports, operator overview.

Server-rendered Dutch HTML (jinja2, autoescaped), no JavaScript: the result page refreshes itself
with a meta refresh until the intake is done. Every POST form carries a CSRF token bound to the
server-side session; every URL or form field naming a gemeente is checked against the account, and
each refusal is written to `weigeringen` before anything touches the disk.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from fastapi import FastAPI, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from vocabulary.reference import gemeente_names
from portal import delivery
from portal.config import TZ, PortalConfig
from portal.delivery import GEMEENTE_RE, PERIODE_RE, REPORT_RE, Refusal, StagedFile
from portal.security import (
    CookieSigner,
    hash_password,
    load_or_create_secret,
    needs_rehash,
    new_token,
    same_token,
    verify_password,
)
from portal.store import Account, Store

log = logging.getLogger("gmsd.portal")

DOMEINEN = ("jeugd", "wmo", "participatie")
STATIC = Path(__file__).parent / "static"

PAGE_CSP = "default-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
# The intake's reports carry their own inline <style> and no scripts.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def default_periode(today: date | None = None) -> str:
    """The half-year that was last completed: the one being delivered now."""
    today = today or datetime.now(TZ).date()
    return f"{today.year - 1}-H2" if today.month <= 6 else f"{today.year}-H1"


def recent_periodes(today: date | None = None, count: int = 5) -> list[str]:
    today = today or datetime.now(TZ).date()
    year, half = today.year, 1 if today.month <= 6 else 2
    out = []
    for _ in range(count):
        out.append(f"{year}-H{half}")
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return out


def periode_started(periode: str, today: date | None = None) -> bool:
    today = today or datetime.now(TZ).date()
    year, half = int(periode[:4]), int(periode[-1])
    return date(year, 1 if half == 1 else 7, 1) <= today


def local_time(value) -> str:
    """UTC (naive or aware, text or timestamp) → Dutch local time '31-12-2025 23:59'."""
    if value is None or value != value:  # noqa: PLR0124 - NaN/NaT
        return ""
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert(TZ).strftime("%d-%m-%Y %H:%M:%S")


def nl_number(value) -> str:
    if value is None or value != value:  # noqa: PLR0124
        return ""
    return f"{int(value):,}".replace(",", ".")


def verdict_css(oordeel: str | None) -> str:
    return {"goedgekeurd": "goedgekeurd", "afgekeurd": "afgekeurd"}.get(oordeel or "", "afwijkingen")


@dataclass
class Context:
    """Who is asking: the session (if any), its account and CSRF token, and the client address."""

    client: str
    session_id: str | None = None
    account: Account | None = None
    csrf: str | None = None
    set_cookie: str | None = None  # a new signed cookie value to send
    clear_cookie: bool = False
    flash: list[str] = field(default_factory=list)


def create_app(config: PortalConfig) -> FastAPI:
    config.home.ensure()
    store = Store(config.db_path)
    store.fail_unfinished_uploads()
    signer = CookieSigner(load_or_create_secret(config.home.keys / "portal-cookie.key"))
    shutil.rmtree(config.staging, ignore_errors=True)  # left-overs of an interrupted upload
    env = Environment(loader=PackageLoader("portal", "templates"), autoescape=select_autoescape(["html"]))
    env.filters.update(tijd=local_time, getal=nl_number, css=verdict_css, q=lambda v: quote(str(v), safe=""))
    env.globals.update(gemeente_naam=lambda code: gemeente_names().get(code, ""))

    # No OpenTelemetry: request data of this portal (URLs, exception texts) must not reach an exporter
    # configured by accident through FASTAPI_OTEL_AUTO_CONFIGURE.
    telemetry_off = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False, "auto_configure": False}
    app = FastAPI(title="GMSD aanleverportaal", docs_url=None, redoc_url=None, openapi_url=None, telemetry=telemetry_off)
    app.state.config, app.state.store = config, store

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        if config.secure_cookies:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    # --- helpers ------------------------------------------------------------------------
    def client_of(request: Request) -> str:
        return request.client.host if request.client else "onbekend"

    def context(request: Request) -> Context:
        ctx = Context(client=client_of(request))
        raw = request.cookies.get(config.cookie_name)
        session_id = signer.unsign(raw)
        if raw and session_id is None:
            store.refuse(gebruiker=None, gemeente_code=None, client=ctx.client, reden="ongeldige sessiecookie",
                         details=f"{request.method} {request.url.path}")
            ctx.clear_cookie = True
            return ctx
        if session_id is None:
            return ctx
        row = store.session(session_id)
        now = time.time()
        if row is None or now - row["laatst_gezien"] > config.session_idle_seconds or now - row["aangemaakt_op"] > config.session_max_seconds:
            if row is not None:
                store.delete_session(session_id)
            ctx.clear_cookie = True
            return ctx
        ctx.session_id, ctx.csrf = session_id, row["csrf"]
        if row["gebruiker"]:
            account = store.account(row["gebruiker"])
            if account is None or not account.actief:
                store.delete_session(session_id)
                ctx.session_id, ctx.csrf, ctx.clear_cookie = None, None, True
                return ctx
            ctx.account = account
        store.touch_session(session_id, now)
        return ctx

    def new_session(ctx: Context, gebruiker: str | None) -> None:
        if ctx.session_id:
            store.delete_session(ctx.session_id)
        session_id = secrets.token_urlsafe(32)
        ctx.session_id, ctx.csrf = session_id, new_token()
        store.create_session(session_id, gebruiker, ctx.csrf, time.time())
        ctx.set_cookie, ctx.clear_cookie = signer.sign(session_id), False

    def finish(ctx: Context, response: Response) -> Response:
        if ctx.set_cookie:
            response.set_cookie(config.cookie_name, ctx.set_cookie, httponly=True, samesite="strict",
                                secure=config.secure_cookies, path="/")
        elif ctx.clear_cookie:
            response.delete_cookie(config.cookie_name, httponly=True, samesite="strict", secure=config.secure_cookies, path="/")
        return response

    def render(ctx: Context, template: str, status: int = 200, **values) -> Response:
        html = env.get_template(template).render(account=ctx.account, csrf=ctx.csrf, flash=ctx.flash, **values)
        return finish(ctx, HTMLResponse(html, status_code=status))

    def redirect(ctx: Context, url: str) -> Response:
        return finish(ctx, RedirectResponse(url, status_code=303))

    def refuse(ctx: Context, refusal: Refusal, *, path: str = "") -> Response:
        account = ctx.account
        store.refuse(gebruiker=account.gebruiker if account else None, gemeente_code=account.gemeente_code if account else None,
                     client=ctx.client, reden=refusal.reden, details=(f"{path} " if path else "") + refusal.details)
        return render(ctx, "melding.html", status=refusal.status, titel="Geweigerd", tekst=refusal.message)

    def forbidden_gemeente(ctx: Context, gemeente_code: str, path: str) -> Response:
        return refuse(ctx, Refusal("andere gemeente", "Geen toegang: deze gegevens horen bij een andere gemeente. "
                                   "Deze poging is vastgelegd.", details=f"gevraagd: {gemeente_code[:20]}", status=403), path=path)

    def csrf_refusal(ctx: Context, path: str) -> Response:
        return refuse(ctx, Refusal("csrf", "Het formulier is verlopen of komt niet van dit portaal. Laad de pagina opnieuw en probeer het nog eens.",
                                   status=403), path=path)

    def not_found(ctx: Context) -> Response:
        return render(ctx, "melding.html", status=404, titel="Niet gevonden", tekst="Deze pagina bestaat niet.")

    # --- pages --------------------------------------------------------------------------
    @app.get("/stijl.css")
    def stylesheet() -> Response:
        return Response((STATIC / "stijl.css").read_text(encoding="utf-8"), media_type="text/css")

    @app.get("/")
    def home(request: Request) -> Response:
        ctx = context(request)
        if ctx.account is None:
            return redirect(ctx, "/inloggen")
        return redirect(ctx, "/beheer" if ctx.account.beheerder else "/aanleveren")

    @app.get("/inloggen")
    def login_form(request: Request) -> Response:
        ctx = context(request)
        if ctx.account is not None:
            return redirect(ctx, "/")
        if ctx.session_id is None:
            now = time.time()
            store.purge_sessions(idle_before=now - config.session_idle_seconds, created_before=now - config.session_max_seconds)
            new_session(ctx, None)  # anonymous: holds the CSRF token of this form
        return render(ctx, "inloggen.html")

    @app.post("/inloggen")
    async def login(request: Request) -> Response:
        ctx = context(request)
        form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
        if ctx.session_id is None or not same_token(ctx.csrf, form.get("csrf")):
            return csrf_refusal(ctx, "/inloggen")
        name = str(form.get("gebruiker") or "").strip()[:100]
        password = str(form.get("wachtwoord") or "")[:1000]
        now = time.time()
        keys = [f"gebruiker:{name.lower()}", f"client:{ctx.client}"]
        locked = max((row["geblokkeerd_tot"] for row in (store.attempt(k) for k in keys) if row), default=0)
        if locked > now:
            store.log(gebruiker=name, gemeente_code=None, client=ctx.client, gebeurtenis="inloggen geblokkeerd")
            wait = int(locked - now) + 1
            ctx.flash.append(f"Te veel mislukte pogingen. Probeer het over {wait} seconden opnieuw." if wait < 120 else
                             f"Te veel mislukte pogingen. Probeer het over {wait // 60 + 1} minuten opnieuw.")
            return render(ctx, "inloggen.html", status=429, gebruiker=name)
        account = store.account(name) if name else None
        ok = await run_in_threadpool(verify_password, account.wachtwoord_hash if account else None, password)
        if not ok or account is None or not account.actief:
            store.record_failure(keys[0], now, threshold=config.account_threshold, base=config.lock_base_seconds,
                                 maximum=config.lock_max_seconds, memory=config.failure_memory_seconds)
            store.record_failure(keys[1], now, threshold=config.client_threshold, base=config.lock_base_seconds,
                                 maximum=config.lock_max_seconds, memory=config.failure_memory_seconds)
            store.log(gebruiker=name, gemeente_code=None, client=ctx.client, gebeurtenis="inloggen mislukt")
            ctx.flash.append("Gebruikersnaam of wachtwoord onjuist.")
            return render(ctx, "inloggen.html", status=401, gebruiker=name)
        store.clear_failures(keys[0])
        if needs_rehash(account.wachtwoord_hash):
            store.set_password(account.gebruiker, await run_in_threadpool(hash_password, password))
        new_session(ctx, account.gebruiker)  # a new id at log-in: no session fixation
        store.purge_sessions(idle_before=now - config.session_idle_seconds, created_before=now - config.session_max_seconds)
        store.log(gebruiker=account.gebruiker, gemeente_code=account.gemeente_code, client=ctx.client, gebeurtenis="ingelogd")
        ctx.account = account
        return redirect(ctx, "/")

    @app.post("/uitloggen")
    async def logout(request: Request) -> Response:
        ctx = context(request)
        form = await request.form(max_files=0, max_fields=5, max_part_size=1024)
        if ctx.session_id is None or not same_token(ctx.csrf, form.get("csrf")):
            return csrf_refusal(ctx, "/uitloggen")
        if ctx.account:
            store.log(gebruiker=ctx.account.gebruiker, gemeente_code=ctx.account.gemeente_code, client=ctx.client, gebeurtenis="uitgelogd")
        store.delete_session(ctx.session_id)
        ctx.session_id, ctx.clear_cookie = None, True
        return redirect(ctx, "/inloggen")

    def upload_page(ctx: Context, status: int = 200, **values) -> Response:
        account = ctx.account
        gemeente = account.gemeente_code
        consent = store.consent(gemeente) if gemeente else {}
        periode = values.pop("periode", None) or default_periode()
        basis, facultatief = (consent[periode][0], consent[periode][1]) if periode in consent else (True, True)
        return render(
            ctx, "aanleveren.html", status=status,
            periodes=recent_periodes(), periode=periode, basis=basis, facultatief=facultatief,
            gemeenten=sorted(gemeente_names().items()) if account.beheerder else [],
            max_mb=config.max_upload_bytes / 1024 / 1024, venster_open=config.window_open(),
            venster=config.window_text() if (config.window_start or config.window_end) else None,
            gesloten=store.closed_periodes(), **values,
        )

    @app.get("/aanleveren")
    def upload_form(request: Request) -> Response:
        ctx = context(request)
        if ctx.account is None:
            return redirect(ctx, "/inloggen")
        return upload_page(ctx)

    @app.post("/aanleveren")
    async def upload(request: Request) -> Response:
        ctx = context(request)
        if ctx.account is None:
            return redirect(ctx, "/inloggen")
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return refuse(ctx, Refusal("ongeldige invoer", "De aanlevering kwam niet volledig binnen (geen lengte opgegeven). Probeer het opnieuw.",
                                       status=411), path="/aanleveren")
        if int(length) > config.max_request_bytes:
            return refuse(ctx, Refusal("bestand te groot", f"De aanlevering is te groot ({int(length) / 1024 / 1024:.1f} MB). "
                                       f"Per bestand is maximaal {config.max_upload_bytes / 1024 / 1024:g} MB toegestaan.",
                                       details=f"content-length {length}", status=413), path="/aanleveren")
        try:
            form = await request.form(max_files=len(DOMEINEN), max_fields=20, max_part_size=64 * 1024)
        except Exception as exc:  # noqa: BLE001 - malformed multipart, too many parts
            return refuse(ctx, Refusal("ongeldige invoer", "Het formulier kon niet worden gelezen. Laad de pagina opnieuw en probeer het nog eens.",
                                       details=str(exc)[:200]), path="/aanleveren")
        try:
            if not same_token(ctx.csrf, form.get("csrf")):
                return csrf_refusal(ctx, "/aanleveren")
            try:
                return await accept_upload(ctx, form)
            except Refusal as refusal:
                return refuse(ctx, refusal, path="/aanleveren")
        finally:
            await form.close()

    async def accept_upload(ctx: Context, form) -> Response:
        account = ctx.account
        gemeente = str(form.get("gemeente") or "").strip().upper()
        if not GEMEENTE_RE.match(gemeente) or (account.beheerder and gemeente not in gemeente_names()):
            raise Refusal("ongeldige invoer", "Kies een geldige gemeente.", details=f"gemeente={gemeente[:20]}")
        if not account.may_see(gemeente):
            raise Refusal("andere gemeente", f"U kunt alleen aanleveren voor uw eigen gemeente ({account.gemeente_code}). "
                          "Deze poging is vastgelegd.", details=f"formulierveld gemeente={gemeente}", status=403)
        if not config.window_open():
            raise Refusal("buiten aanleverperiode", f"Aanleveren is nu niet mogelijk. Het aanlevervenster is {config.window_text()}.",
                          status=403)
        periode = str(form.get("periode") or "").strip().upper()
        if not PERIODE_RE.match(periode):
            raise Refusal("ongeldige invoer", "Kies een periode zoals 2025-H1.", details=f"periode={periode[:20]}")
        if not periode_started(periode):
            raise Refusal("ongeldige invoer", f"Periode {periode} is nog niet begonnen.", details=f"periode={periode}")
        answers = {}
        for name in ("publicatie_basis", "publicatie_facultatief"):
            value = str(form.get(name) or "")
            if value not in ("ja", "nee"):
                raise Refusal("ongeldige invoer", "Kies bij beide vragen over publicatie 'ja' of 'nee'.", details=f"{name}={value[:10]}")
            answers[name] = value == "ja"
        closed = periode in store.closed_periodes()
        stored = store.consent(gemeente).get(periode)
        if closed and stored and (stored[0], stored[1]) != (answers["publicatie_basis"], answers["publicatie_facultatief"]):
            raise Refusal("periode gesloten", f"Periode {periode} is al gepubliceerd; de toestemming kan niet meer worden gewijzigd. "
                          "Lever aan met de bestaande keuzes of neem contact op met de beheerder.")
        uploads: list[tuple[str, UploadFile]] = []
        for domein in DOMEINEN:
            item = form.get(f"bestand_{domein}")
            if isinstance(item, UploadFile) and item.filename:
                uploads.append((domein, item))
            elif isinstance(item, UploadFile) and not item.filename and not item.size:
                continue  # a file field left empty: browsers send it with no name and no content
            elif item not in (None, ""):
                raise Refusal("ongeldige invoer", "Het formulier is ongeldig.", details=f"bestand_{domein} is geen bestand")
        unknown = [key for key in form.keys() if key not in {"csrf", "gemeente", "periode", "publicatie_basis", "publicatie_facultatief",
                                                            *(f"bestand_{d}" for d in DOMEINEN)}]
        if unknown:
            raise Refusal("ongeldige invoer", "Het formulier bevat onbekende velden.", details=", ".join(unknown)[:200])
        if not uploads:
            raise Refusal("ongeldige invoer", "Kies minstens één bestand om aan te leveren.")
        names = [delivery.check_file_name(item.filename, gemeente_code=gemeente) for _, item in uploads]
        if len({n.lower() for n in names}) != len(names):
            raise Refusal("ongeldige invoer", "Twee domeinen hebben hetzelfde bestand. Lever per domein een eigen bestand aan.")
        for name, (_, item) in zip(names, uploads):
            size = item.size if item.size is not None else 0
            if size > config.max_upload_bytes:
                raise Refusal("bestand te groot", f"{name} is {size / 1024 / 1024:.1f} MB; het maximum is "
                              f"{config.max_upload_bytes / 1024 / 1024:g} MB per bestand.", details=f"{name}: {size} bytes", status=413)
            if size == 0:
                raise Refusal("onbekende inhoud", f"{name} is leeg. Kies het juiste bestand.", details=name)
            head = await item.read(64 * 1024)
            await item.seek(max(size - 8, 0))
            tail = await item.read(8)
            await item.seek(0)
            delivery.check_content(name, head, tail)
        if store.pending_upload(gemeente, periode) or delivery.inbox_busy(config, gemeente, periode):
            raise Refusal("aanlevering loopt nog", f"Er wordt al een aanlevering voor {gemeente} {periode} verwerkt. "
                          "Wacht tot die klaar is en probeer het dan opnieuw.", status=409)
        # Every check passed: only now is anything written.
        upload_id = secrets.token_urlsafe(18)
        staged = await run_in_threadpool(stage, upload_id, [(name, domein, item) for name, (domein, item) in zip(names, uploads)])
        if not closed or not stored:
            store.set_consent(gemeente, periode, answers["publicatie_basis"], answers["publicatie_facultatief"], account.gebruiker)
        basis, facultatief = (stored[0], stored[1]) if closed and stored else (answers["publicatie_basis"], answers["publicatie_facultatief"])
        store.add_upload(upload_id, account.gebruiker, gemeente, periode, [s.__dict__ for s in staged])
        store.log(gebruiker=account.gebruiker, gemeente_code=gemeente, client=ctx.client, gebeurtenis="aangeleverd",
                  details=f"{upload_id} {periode}: " + ", ".join(f"{s.domein}={s.bestand} ({s.sha256[:12]})" for s in staged))
        delivery.start_upload(config, store, upload_id, gemeente, periode, staged, basis, facultatief)
        return redirect(ctx, f"/aanlevering/{upload_id}")

    def stage(upload_id: str, items: list[tuple[str, str, UploadFile]]) -> list[StagedFile]:
        folder = config.staging / upload_id
        folder.mkdir(parents=True, exist_ok=False)
        staged = []
        for name, domein, item in items:
            digest, written = hashlib.sha256(), 0
            with open(folder / name, "xb") as out:
                item.file.seek(0)
                for block in iter(lambda: item.file.read(1 << 20), b""):
                    digest.update(block)
                    written += len(block)
                    out.write(block)
            staged.append(StagedFile(bestand=name, domein=domein, bytes=written, sha256=digest.hexdigest()))
        return staged

    @app.get("/aanlevering/{upload_id}")
    def upload_status(request: Request, upload_id: str) -> Response:
        ctx = context(request)
        if ctx.account is None:
            return redirect(ctx, "/inloggen")
        row = store.upload(upload_id) if re.fullmatch(r"[A-Za-z0-9_\-]{10,64}", upload_id) else None
        if row is None:
            return not_found(ctx)
        if not ctx.account.may_see(row["gemeente_code"]):
            return forbidden_gemeente(ctx, row["gemeente_code"], request.url.path)
        return render(ctx, "aanlevering.html", upload=row, bestanden=json.loads(row["bestanden"]),
                      resultaat=json.loads(row["resultaat"]) if row["resultaat"] else [], bezig=row["status"] in ("wachtrij", "bezig"))

    @app.get("/geschiedenis")
    def history_own(request: Request) -> Response:
        ctx = context(request)
        if ctx.account is None:
            return redirect(ctx, "/inloggen")
        return redirect(ctx, "/beheer" if ctx.account.beheerder else f"/geschiedenis/{ctx.account.gemeente_code}")

    @app.get("/geschiedenis/{gemeente}")
    def history(request: Request, gemeente: str) -> Response:
        ctx = context(request)
        if ctx.account is None:
            return redirect(ctx, "/inloggen")
        if not ctx.account.may_see(gemeente):
            return forbidden_gemeente(ctx, gemeente, request.url.path)
        if not GEMEENTE_RE.match(gemeente):
            return not_found(ctx)
        if request.query_params.get("toestemming") == "gewijzigd":
            ctx.flash.append("De toestemming is opgeslagen. Ze gaat mee met de volgende aanlevering voor die periode.")
        audit = delivery.load_audit_for(config, gemeente)
        uploads = store.uploads(gemeente)
        by_stamp = {row["stempel"]: row["gebruiker"] for row in uploads if row["stempel"]}
        rows, in_force, manifest_consent = [], {}, {}
        if not audit.empty:
            for record in audit.sort_values("verwerkt_op", ascending=False).to_dict("records"):
                stamp = str(record.get("rapport") or "").split("_")[0]
                record["door"] = by_stamp.get(stamp)
                rows.append(record)
                if record["geldt"]:
                    in_force[(record["periode"], record["domein"])] = record
                if record["periode"] not in manifest_consent and record["publicatie_basis"] is not None and record["publicatie_basis"] == record["publicatie_basis"]:
                    manifest_consent[record["periode"]] = (bool(record["publicatie_basis"]), bool(record["publicatie_facultatief"]))
        consent = store.consent(gemeente)
        periodes = sorted({r["periode"] for r in rows} | set(consent) | {default_periode()}, reverse=True)
        return render(ctx, "geschiedenis.html", gemeente=gemeente, rows=rows, in_force=in_force, periodes=periodes,
                      domeinen=DOMEINEN, consent=consent, manifest_consent=manifest_consent, gesloten=store.closed_periodes(),
                      open_uploads=[u for u in uploads if u["status"] != "klaar"])

    @app.post("/toestemming")
    async def change_consent(request: Request) -> Response:
        ctx = context(request)
        if ctx.account is None:
            return redirect(ctx, "/inloggen")
        form = await request.form(max_files=0, max_fields=10, max_part_size=1024)
        if not same_token(ctx.csrf, form.get("csrf")):
            return csrf_refusal(ctx, "/toestemming")
        gemeente = str(form.get("gemeente") or "").strip().upper()
        periode = str(form.get("periode") or "").strip().upper()
        if not ctx.account.may_see(gemeente):
            return forbidden_gemeente(ctx, gemeente, "/toestemming")
        values = [str(form.get(name) or "") for name in ("publicatie_basis", "publicatie_facultatief")]
        if not GEMEENTE_RE.match(gemeente) or not PERIODE_RE.match(periode) or any(v not in ("ja", "nee") for v in values):
            return refuse(ctx, Refusal("ongeldige invoer", "Het formulier is ongeldig.", details=f"{gemeente[:10]} {periode[:10]} {values}"),
                          path="/toestemming")
        if periode in store.closed_periodes():
            return refuse(ctx, Refusal("periode gesloten", f"Periode {periode} is al gepubliceerd; de toestemming kan niet meer worden gewijzigd."),
                          path="/toestemming")
        store.set_consent(gemeente, periode, values[0] == "ja", values[1] == "ja", ctx.account.gebruiker)
        store.log(gebruiker=ctx.account.gebruiker, gemeente_code=gemeente, client=ctx.client, gebeurtenis="toestemming gewijzigd",
                  details=f"{periode}: basis={values[0]}, facultatief={values[1]}")
        return redirect(ctx, f"/geschiedenis/{gemeente}?toestemming=gewijzigd")

    @app.get("/rapport/{gemeente}/{periode}/{naam}")
    def report(request: Request, gemeente: str, periode: str, naam: str) -> Response:
        ctx = context(request)
        if ctx.account is None:
            return redirect(ctx, "/inloggen")
        if not ctx.account.may_see(gemeente):
            return forbidden_gemeente(ctx, gemeente, request.url.path)
        if not (GEMEENTE_RE.match(gemeente) and PERIODE_RE.match(periode) and REPORT_RE.match(naam)):
            return not_found(ctx)
        root = config.home.reports.resolve()
        path = (root / gemeente / periode / naam).resolve()
        if not path.is_relative_to(root / gemeente) or not path.is_file():
            return not_found(ctx)
        if naam.endswith(".csv"):
            response = FileResponse(path, media_type="text/csv; charset=utf-8", filename=naam)
        else:
            response = FileResponse(path, media_type="text/html; charset=utf-8")
        response.headers["Content-Security-Policy"] = REPORT_CSP
        return finish(ctx, response)

    @app.get("/beheer")
    def operator(request: Request) -> Response:
        ctx = context(request)
        if ctx.account is None:
            return redirect(ctx, "/inloggen")
        if not ctx.account.beheerder:
            return refuse(ctx, Refusal("geen beheerder", "Deze pagina is alleen voor beheerders. Deze poging is vastgelegd.", status=403),
                          path=request.url.path)
        audit = delivery.load_audit_for(config)
        periode = request.query_params.get("periode") or default_periode()
        if not PERIODE_RE.match(periode):
            periode = default_periode()
        everyone = request.query_params.get("alle") == "1"
        codes = sorted(gemeente_names()) if everyone else store.account_gemeenten()
        status = {}
        if not audit.empty:
            current = audit[(audit["periode"] == periode) & audit["geldt"]]
            for record in current.to_dict("records"):
                status[(record["gemeente_code"], record["domein"])] = record
        missing = [code for code in codes if any((code, d) not in status for d in DOMEINEN)]
        rows = audit.sort_values("verwerkt_op", ascending=False).head(500).to_dict("records") if not audit.empty else []
        periodes = sorted(set(recent_periodes()) | (set(audit["periode"]) if not audit.empty else set()), reverse=True)
        return render(ctx, "beheer.html", rows=rows, periode=periode, periodes=periodes, codes=codes, stand=status,
                      missing=missing, domeinen=DOMEINEN, everyone=everyone, accounts=store.accounts(),
                      weigeringen=store.refusals(100), gesloten=store.closed_periodes(), uploads=store.uploads()[:50])

    @app.post("/beheer/periode")
    async def operator_periode(request: Request) -> Response:
        ctx = context(request)
        if ctx.account is None:
            return redirect(ctx, "/inloggen")
        form = await request.form(max_files=0, max_fields=10, max_part_size=1024)
        if not same_token(ctx.csrf, form.get("csrf")):
            return csrf_refusal(ctx, "/beheer/periode")
        if not ctx.account.beheerder:
            return refuse(ctx, Refusal("geen beheerder", "Alleen beheerders kunnen een periode sluiten. Deze poging is vastgelegd.",
                                       status=403), path="/beheer/periode")
        periode, action = str(form.get("periode") or "").upper(), str(form.get("actie") or "")
        if not PERIODE_RE.match(periode) or action not in ("sluiten", "heropenen"):
            return refuse(ctx, Refusal("ongeldige invoer", "Het formulier is ongeldig."), path="/beheer/periode")
        if action == "sluiten":
            store.close_periode(periode, ctx.account.gebruiker)
        else:
            store.reopen_periode(periode)
        store.log(gebruiker=ctx.account.gebruiker, gemeente_code=None, client=ctx.client, gebeurtenis=f"periode {action}", details=periode)
        return redirect(ctx, f"/beheer?periode={periode}")

    @app.get("/gezond")
    def health() -> Response:
        return PlainTextResponse("ok")

    @app.exception_handler(404)
    async def missing(request: Request, exc) -> Response:
        ctx = context(request)
        return not_found(ctx)

    @app.exception_handler(405)
    async def wrong_method(request: Request, exc) -> Response:
        ctx = context(request)
        return render(ctx, "melding.html", status=405, titel="Niet toegestaan", tekst="Deze handeling is hier niet mogelijk.")

    return app

