"""What every request of one portal shares: its settings, its store, the cookie signer and the pages.

`create_app` makes one `PortalState` and keeps it on `app.state.portal`; routes and dependencies get
it with `state_of(request)`, so nothing is a module-level global and two portals (tests) never mix.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment
from starlette.requests import Request

from portal.config import PortalConfig
from portal.security import CookieSigner
from portal.store import Store


@dataclass(frozen=True)
class PortalState:
    config: PortalConfig
    store: Store
    signer: CookieSigner
    pages: Environment


def state_of(request: Request) -> PortalState:
    return request.app.state.portal
