"""Logging in and out: a new session id at log-in, a lock-out that parallel guesses cannot race."""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from portal import lockout
from portal.pages import redirect, render
from portal.security import hash_password, needs_rehash, verify_password
from portal.session import CsrfForm, Visitor, current_visitor, end_session, new_session, purge_old_sessions
from portal.state import state_of

router = APIRouter()


def _wait_text(locked_until: float, now: float) -> str:
    wait = int(locked_until - now) + 1
    if wait < 120:
        return f"Te veel mislukte pogingen. Probeer het over {wait} seconden opnieuw."
    return f"Te veel mislukte pogingen. Probeer het over {wait // 60 + 1} minuten opnieuw."


@router.get("/")
def home(request: Request, visitor: Visitor = Depends(current_visitor)) -> Response:
    if visitor.account is None:
        return redirect(request, "/inloggen")
    return redirect(request, "/beheer" if visitor.account.beheerder else "/aanleveren")


@router.get("/inloggen")
def login_form(request: Request, visitor: Visitor = Depends(current_visitor)) -> Response:
    if visitor.account is not None:
        return redirect(request, "/")
    if visitor.session_id is None:
        purge_old_sessions(request)
        new_session(request, visitor, None)  # anonymous: holds the CSRF token of this form
    return render(request, "inloggen.html")


@router.post("/inloggen")
def login(request: Request, visitor: Visitor = Depends(current_visitor),
          form: FormData = Depends(CsrfForm(max_fields=10, max_part_size=4096))) -> Response:
    state = state_of(request)
    config, store = state.config, state.store
    name = str(form.get("gebruiker") or "").strip()[:100]
    password = str(form.get("wachtwoord") or "")[:1000]
    now = time.time()
    account_key, client_key = lockout.account_key(name), lockout.client_key(visitor.client)
    policy = {"base": config.lock_base_seconds, "maximum": config.lock_max_seconds, "memory": config.failure_memory_seconds}
    guess = lockout.reserve(store, {
        account_key: lockout.Policy(threshold=config.account_threshold, **policy),
        client_key: lockout.Policy(threshold=config.client_threshold, **policy),
    }, now)
    if not guess.admitted:
        store.log(gebruiker=name, gemeente_code=None, client=visitor.client, gebeurtenis="inloggen geblokkeerd")
        visitor.flash.append(_wait_text(guess.locked_until, now))
        return render(request, "inloggen.html", status=429, gebruiker=name)
    account = store.account(name) if name else None
    if not verify_password(account.wachtwoord_hash if account else None, password) or account is None or not account.actief:
        store.log(gebruiker=name, gemeente_code=None, client=visitor.client, gebeurtenis="inloggen mislukt")
        visitor.flash.append("Gebruikersnaam of wachtwoord onjuist.")
        return render(request, "inloggen.html", status=401, gebruiker=name)
    lockout.succeeded(store, guess, clear=account_key)
    if needs_rehash(account.wachtwoord_hash):
        store.set_password(account.gebruiker, hash_password(password))
    new_session(request, visitor, account.gebruiker)  # a new id at log-in: no session fixation
    purge_old_sessions(request)
    store.log(gebruiker=account.gebruiker, gemeente_code=account.gemeente_code, client=visitor.client, gebeurtenis="ingelogd")
    visitor.account = account
    return redirect(request, "/")


@router.post("/uitloggen")
def logout(request: Request, visitor: Visitor = Depends(current_visitor),
           form: FormData = Depends(CsrfForm(max_fields=5, max_part_size=1024))) -> Response:
    if visitor.account:
        state_of(request).store.log(gebruiker=visitor.account.gebruiker, gemeente_code=visitor.account.gemeente_code,
                                    client=visitor.client, gebeurtenis="uitgelogd")
    end_session(request, visitor)
    return redirect(request, "/inloggen")
