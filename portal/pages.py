"""Server-rendered Dutch pages: the Jinja environment, rendering, redirects and the session cookie.

Templates are autoescaped; numbers, times, verdict colours and periode labels come from the
vocabulary (Dutch notation, Europe/Amsterdam), never from helpers of the portal's own. Every page
that has a logged-in account carries the guidance block (gegevenswoordenboek, templates per
domein, `gmsd check`), so it needs to know the periode being delivered now.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from portal.periodes import current_periode
from portal.session import Visitor, current_visitor
from portal.state import state_of
from vocabulary.domeinen import DOMEINEN, TITELS
from vocabulary.formatting import fmt_int, fmt_local_datetime
from vocabulary.oordelen import css_class
from vocabulary.periode import label as periode_label
from vocabulary.reference import gemeente_names


def _ja_nee(value) -> str:
    return "ja" if value else "nee"


def environment() -> Environment:
    env = Environment(loader=PackageLoader("portal", "templates"), autoescape=select_autoescape(["html"]))
    env.filters.update(
        tijd=lambda value: fmt_local_datetime(value, seconds=True),  # when something was processed
        moment=fmt_local_datetime,  # when something was published or chosen: minutes are enough
        getal=fmt_int,
        css=css_class,
        periode=periode_label,
        ja_nee=_ja_nee,
        q=lambda value: quote(str(value), safe=""),
    )
    env.globals.update(gemeente_naam=lambda code: gemeente_names().get(code or "", ""), domeinen=DOMEINEN, domein_titels=TITELS)
    return env


def finish(request: Request, response: Response) -> Response:
    """Send the cookie changes of this request's visitor (a new session, or a cleared one)."""
    visitor: Visitor = current_visitor(request)
    config = state_of(request).config
    if visitor.set_cookie:
        response.set_cookie(config.cookie_name, visitor.set_cookie, httponly=True, samesite="strict",
                            secure=config.secure_cookies, path="/")
    elif visitor.clear_cookie:
        response.delete_cookie(config.cookie_name, httponly=True, samesite="strict", secure=config.secure_cookies, path="/")
    return response


def render(request: Request, template: str, status: int = 200, **values) -> Response:
    state, visitor = state_of(request), current_visitor(request)
    html = state.pages.get_template(template).render(
        account=visitor.account, csrf=visitor.csrf, flash=visitor.flash,
        hulp_periode=current_periode(state.config.today()).code, **values,
    )
    return finish(request, HTMLResponse(html, status_code=status))


def redirect(request: Request, url: str) -> Response:
    return finish(request, RedirectResponse(url, status_code=303))


def message(request: Request, titel: str, tekst: str, status: int) -> Response:
    return render(request, "melding.html", status=status, titel=titel, tekst=tekst)


def not_found(request: Request) -> Response:
    return message(request, "Niet gevonden", "Deze pagina bestaat niet.", 404)
