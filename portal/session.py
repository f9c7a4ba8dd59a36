"""Who is asking: the signed session cookie → the server-side session → the account, as dependencies.

Every route declares what it needs and FastAPI resolves it before the route runs:

- `current_visitor`: the session (if any), its account and CSRF token, and the client address;
- `require_account`: a logged-in account, or a redirect to the log-in page (`LoginRequired`);
- `require_operator`: an operator account, or a recorded refusal;
- `CsrfForm(...)`: the POSTed form, read with limits, whose CSRF token must match the session's.

The visitor is kept on `request.state` so that the pages (cookies to set or clear, flash messages)
and the refusal handler see the same one.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from fastapi import Depends, Request
from starlette.datastructures import FormData

from portal import refusal
from portal.refusal import Refusal
from portal.security import new_token, same_token
from portal.state import state_of
from portal.store import Account


class LoginRequired(Exception):
    """The page needs a logged-in account: the handler redirects to the log-in page."""


@dataclass
class Visitor:
    """The session (if any), its account and CSRF token, the client address, and cookie changes to send."""

    client: str
    session_id: str | None = None
    account: Account | None = None
    csrf: str | None = None
    set_cookie: str | None = None  # a new signed cookie value to send
    clear_cookie: bool = False
    flash: list[str] = field(default_factory=list)

    @property
    def gebruiker(self) -> str | None:
        return self.account.gebruiker if self.account else None

    @property
    def gemeente_code(self) -> str | None:
        return self.account.gemeente_code if self.account else None


def _read_visitor(request: Request) -> Visitor:
    state = state_of(request)
    config, store = state.config, state.store
    visitor = Visitor(client=request.client.host if request.client else "onbekend")
    raw = request.cookies.get(config.cookie_name)
    session_id = state.signer.unsign(raw)
    if raw and session_id is None:
        store.refuse(gebruiker=None, gemeente_code=None, client=visitor.client, reden=refusal.BAD_COOKIE,
                     details=f"{request.method} {request.url.path}")
        visitor.clear_cookie = True
        return visitor
    if session_id is None:
        return visitor
    row = store.session(session_id)
    now = time.time()
    if row is None or now - row["laatst_gezien"] > config.session_idle_seconds or now - row["aangemaakt_op"] > config.session_max_seconds:
        if row is not None:
            store.delete_session(session_id)
        visitor.clear_cookie = True
        return visitor
    visitor.session_id, visitor.csrf = session_id, row["csrf"]
    if row["gebruiker"]:
        account = store.account(row["gebruiker"])
        if account is None or not account.actief:
            store.delete_session(session_id)
            visitor.session_id, visitor.csrf, visitor.clear_cookie = None, None, True
            return visitor
        visitor.account = account
    store.touch_session(session_id, now)
    return visitor


def current_visitor(request: Request) -> Visitor:
    """The visitor of this request (read once, then kept on request.state)."""
    visitor = getattr(request.state, "visitor", None)
    if visitor is None:
        visitor = _read_visitor(request)
        request.state.visitor = visitor
    return visitor


def require_account(visitor: Visitor = Depends(current_visitor)) -> Visitor:
    if visitor.account is None:
        raise LoginRequired()
    return visitor


def require_operator(visitor: Visitor = Depends(require_account)) -> Visitor:
    if not visitor.account.beheerder:
        raise refusal.not_operator()
    return visitor


def require_access(visitor: Visitor, gemeente_code: str) -> None:
    """Refuse (and record) a request for another gemeente's data."""
    if not visitor.account.may_see(gemeente_code):
        raise refusal.other_gemeente(gemeente_code)


def check_csrf(visitor: Visitor, form: FormData) -> None:
    """The one CSRF check: the form's token must be the one of the visitor's server-side session."""
    if visitor.session_id is None or not same_token(visitor.csrf, form.get("csrf")):
        raise Refusal(refusal.CSRF, refusal.CSRF_TEXT, status=403)


class CsrfForm:
    """The POSTed form, read within limits; refused unless it carries the session's CSRF token."""

    def __init__(self, *, max_fields: int = 10, max_part_size: int = 1024):
        self.max_fields = max_fields
        self.max_part_size = max_part_size

    async def __call__(self, request: Request, visitor: Visitor = Depends(current_visitor)) -> FormData:
        try:
            form = await request.form(max_files=0, max_fields=self.max_fields, max_part_size=self.max_part_size)
        except Exception as exc:  # noqa: BLE001 - malformed or oversized form: refused like any bad input
            raise Refusal(refusal.BAD_INPUT, "Het formulier kon niet worden gelezen. Laad de pagina opnieuw en probeer het nog eens.",
                          details=str(exc)[:200]) from exc
        check_csrf(visitor, form)
        return form


def new_session(request: Request, visitor: Visitor, gebruiker: str | None) -> None:
    """Start a new server-side session (a new id, also at log-in: no session fixation)."""
    state = state_of(request)
    if visitor.session_id:
        state.store.delete_session(visitor.session_id)
    session_id = secrets.token_urlsafe(32)
    visitor.session_id, visitor.csrf = session_id, new_token()
    state.store.create_session(session_id, gebruiker, visitor.csrf, time.time())
    visitor.set_cookie, visitor.clear_cookie = state.signer.sign(session_id), False


def end_session(request: Request, visitor: Visitor) -> None:
    if visitor.session_id:
        state_of(request).store.delete_session(visitor.session_id)
    visitor.session_id, visitor.account, visitor.clear_cookie = None, None, True


def purge_old_sessions(request: Request) -> None:
    config, now = state_of(request).config, time.time()
    state_of(request).store.purge_sessions(idle_before=now - config.session_idle_seconds, created_before=now - config.session_max_seconds)
