"""What a data officer needs before uploading: the gegevenswoordenboek and a template file per domein.

Both are generated from the contracts the intake checks with (contracts.dictionary,
contracts.delivery), so they can never disagree with the checks. Every page links them (base.html),
together with how to check a file locally with `gmsd check` first.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from contracts import CONTRACT_VERSION
from contracts.dictionary import FILES, VERDICTS, code_lists, sections
from portal import example_files
from portal.pages import finish, not_found, render
from portal.periodes import current_periode
from portal.session import Visitor, require_account
from portal.state import state_of
from vocabulary.domeinen import DOMEINEN
from vocabulary.periode import Periode, PeriodeError
from vocabulary.reference import gemeente_names

router = APIRouter()

TEMPLATE_NAME = re.compile(r"^(?P<domein>[a-z]+)\.(?P<suffix>csv|xlsx)$")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/gegevenswoordenboek")
def dictionary(request: Request, visitor: Visitor = Depends(require_account)) -> Response:
    return render(request, "gegevenswoordenboek.html", versie=CONTRACT_VERSION, bestanden_tekst=FILES, oordelen_tekst=VERDICTS,
                  secties=sections(), codelijsten=code_lists())


@router.get("/sjabloon/{naam}")
def template_file(request: Request, naam: str, periode: str = "", gemeente: str = "",
                  visitor: Visitor = Depends(require_account)) -> Response:
    """`/sjabloon/wmo.csv?periode=2025-H1`: for the account's gemeente (an operator may name one)."""
    match = TEMPLATE_NAME.match(naam)
    if match is None or match["domein"] not in DOMEINEN:
        return not_found(request)
    code = visitor.gemeente_code
    if visitor.account.beheerder:
        code = gemeente if gemeente in gemeente_names() else "GM0363"
    try:
        chosen = Periode.halfjaar(periode) if periode else current_periode(state_of(request).config.today())
    except PeriodeError:
        return not_found(request)
    suffix = match["suffix"]
    content = example_files.template(match["domein"], code, chosen, suffix)
    name = example_files.file_name(match["domein"], code, chosen, suffix)
    return finish(request, Response(content, media_type=MEDIA_TYPES[suffix], headers={"Content-Disposition": f'attachment; filename="{name}"'}))
