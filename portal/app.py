"""The portal's web app: one FastAPI application made of routers, with security headers and refusals.

Server-rendered Dutch HTML (jinja2, autoescaped), no JavaScript: the result page refreshes itself
with a meta refresh until the intake is done. Who is asking, and whether a form's CSRF token is
right, are dependencies (portal.session) that every route declares; a `Refusal` raised anywhere is
written to `weigeringen` by one handler here, before anything touches the disk.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from portal.config import PortalConfig
from portal.pages import environment, message, not_found, redirect, render
from portal.refusal import Refusal
from portal.routes import guidance, history, login, operator, reports, upload
from portal.security import CookieSigner, load_or_create_secret
from portal.session import LoginRequired, current_visitor
from portal.state import PortalState
from portal.store import Store

log = logging.getLogger("gmsd.portal")

STYLESHEET = Path(__file__).parent / "static" / "style.css"

PAGE_CSP = "default-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"


def _security_headers(app: FastAPI, secure_cookies: bool) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        if secure_cookies:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(Refusal)
    async def refused(request: Request, exc: Refusal) -> Response:
        visitor = current_visitor(request)
        request.app.state.portal.store.refuse(
            gebruiker=visitor.gebruiker, gemeente_code=visitor.gemeente_code, client=visitor.client, reden=exc.reden,
            details=f"{request.url.path} {exc.details}".strip(),
        )
        return render(request, exc.template or "melding.html", status=exc.status, titel="Geweigerd", tekst=exc.message, **exc.values)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return redirect(request, "/inloggen")

    @app.exception_handler(404)
    async def missing(request: Request, exc) -> Response:
        return not_found(request)

    @app.exception_handler(405)
    async def wrong_method(request: Request, exc) -> Response:
        return message(request, "Niet toegestaan", "Deze handeling is hier niet mogelijk.", 405)


def create_app(config: PortalConfig) -> FastAPI:
    config.home.ensure()
    store = Store(config.db_path)
    store.fail_unfinished_uploads()
    shutil.rmtree(config.staging, ignore_errors=True)  # left-overs of an interrupted upload
    state = PortalState(config, store, CookieSigner(load_or_create_secret(config.home.keys / "portal-cookie.key")), environment())

    # No OpenTelemetry: request data of this portal (URLs, exception texts) must not reach an exporter
    # configured by accident through FASTAPI_OTEL_AUTO_CONFIGURE.
    telemetry_off = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False, "auto_configure": False}
    app = FastAPI(title="GMSD aanleverportaal", docs_url=None, redoc_url=None, openapi_url=None, telemetry=telemetry_off)
    app.state.portal = state
    app.state.config, app.state.store = config, store  # for the command and tests
    _security_headers(app, config.secure_cookies)
    _handlers(app)
    for module in (login, upload, history, reports, guidance, operator):
        app.include_router(module.router)

    @app.get("/style.css")
    def stylesheet() -> Response:
        return Response(STYLESHEET.read_text(encoding="utf-8"), media_type="text/css")

    @app.get("/gezond")
    def health() -> Response:
        return PlainTextResponse("ok")

    return app
