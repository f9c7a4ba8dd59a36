"""A refused request: why (for the `weigeringen` table), what the person reads (Dutch), the HTTP status.

Routes and guards raise `Refusal`; one exception handler (portal.app) writes it to `weigeringen`
and shows the message, so every refusal is recorded the same way and nothing is written before it.
"""

from __future__ import annotations

# The reasons in `weigeringen` (docs/portal.md lists them for the operator).
CSRF = "csrf"
BAD_COOKIE = "ongeldige sessiecookie"
OTHER_GEMEENTE = "andere gemeente"
NOT_OPERATOR = "geen beheerder"
PATH_IN_NAME = "bestandsnaam met map"
BAD_NAME = "ongeldige bestandsnaam"
UNKNOWN_CONTENT = "onbekende inhoud"
BAD_SHAPE = "onbruikbare vorm"
TOO_LARGE = "bestand te groot"
OUTSIDE_WINDOW = "buiten aanleverperiode"
CONSENT_FIXED = "toestemming ligt vast"
NOT_CONFIRMED = "herlevering niet bevestigd"
BUSY = "aanlevering loopt nog"
BAD_INPUT = "ongeldige invoer"

OTHER_GEMEENTE_TEXT = "Geen toegang: deze gegevens horen bij een andere gemeente. Deze poging is vastgelegd."
CSRF_TEXT = "Het formulier is verlopen of komt niet van dit portaal. Laad de pagina opnieuw en probeer het nog eens."


class Refusal(Exception):
    """A request that is refused: `reden` goes to the audit table, `message` to the person (Dutch).

    `template` and `values` show a page other than the plain refusal (e.g. the re-delivery question).
    """

    def __init__(self, reden: str, message: str, details: str = "", status: int = 400, *,
                 template: str | None = None, values: dict | None = None):
        super().__init__(message)
        self.reden = reden
        self.message = message
        self.details = details
        self.status = status
        self.template = template
        self.values = values or {}


def other_gemeente(asked: str) -> Refusal:
    return Refusal(OTHER_GEMEENTE, OTHER_GEMEENTE_TEXT, details=f"gevraagd: {asked[:20]}", status=403)


def not_operator(what: str = "Deze pagina is alleen voor beheerders.") -> Refusal:
    return Refusal(NOT_OPERATOR, f"{what} Deze poging is vastgelegd.", status=403)
