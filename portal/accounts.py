"""Portal accounts: who may log in, for which gemeente, and the rules for names and passwords.

`gmsd user …` only parses its options and calls these functions; every rule (the shape of a user
name, a known gemeentecode, one account per name, a strong enough password) lives here, with a
Dutch message that says what to do when it is broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearinghouse.normalise import canonical_gemeentecode_text
from portal.security import hash_password, password_problem
from portal.store import Store
from vocabulary.home import Home
from vocabulary.reference import gemeente_names

USER_NAME = re.compile(r"[A-Za-z0-9._@\-]{2,64}")


class AccountError(ValueError):
    """An account cannot be made or changed; the message says why and what to do (Dutch)."""


@dataclass(frozen=True)
class NewAccount:
    gebruiker: str
    gemeente_code: str | None  # None for an operator
    beheerder: bool
    notes: tuple[str, ...] = ()  # warnings for the person who made it


def store_of(home: Home) -> Store:
    return Store(home.root / "portal.sqlite3")


def gemeente_code(text: str) -> str:
    """A gemeentecode as typed (`GM0358`, `gm0358`, `358`) → `GM0358`, if it is a known gemeente."""
    code = canonical_gemeentecode_text(text.strip())
    if code is None or code not in gemeente_names():
        raise AccountError(f"{text} is geen bekende gemeentecode; gebruik de CBS-code, bijvoorbeeld GM0358.")
    return code


def check_user_name(name: str) -> str:
    if not USER_NAME.fullmatch(name):
        raise AccountError("een gebruikersnaam heeft 2 tot 64 tekens: letters, cijfers, '.', '_', '-' of '@'.")
    return name


def check_password(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    return password


def plan_account(store: Store, gebruiker: str, gemeente: str | None, beheerder: bool) -> NewAccount:
    """Check everything about a new account except its password (so a prompt comes only when it can succeed)."""
    check_user_name(gebruiker)
    code = gemeente_code(gemeente) if gemeente else None
    notes: tuple[str, ...] = ()
    if beheerder and code:
        notes = (f"een beheerder ziet alle gemeenten; --gemeente {code} wordt genegeerd.",)
        code = None
    if not beheerder and not code:
        raise AccountError("geef --gemeente (GM-code) of --beheerder.")
    if store.account(gebruiker) is not None:
        raise AccountError(f"account {gebruiker} bestaat al.")
    return NewAccount(gebruiker, code, beheerder, notes)


def add_account(store: Store, plan: NewAccount, password: str, *, door: str = "cli") -> None:
    check_password(password)
    store.add_account(plan.gebruiker, plan.gemeente_code, plan.beheerder, hash_password(password))
    store.log(gebruiker=plan.gebruiker, gemeente_code=plan.gemeente_code, client=door, gebeurtenis="account aangemaakt",
              details="beheerder" if plan.beheerder else "")


def set_active(store: Store, gebruiker: str, active: bool, *, door: str = "cli") -> None:
    """Switch an account on or off; switching off ends its sessions at once."""
    if not store.set_active(gebruiker, active):
        raise AccountError(f"account {gebruiker} bestaat niet.")
    store.log(gebruiker=gebruiker, gemeente_code=None, client=door, gebeurtenis=f"account {'aangezet' if active else 'uitgezet'}")
