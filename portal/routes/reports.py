"""The intake's quality reports, served only to the gemeente they belong to (and operators).

HTML reports get a Content-Security-Policy that allows nothing but their own inline style; CSV
reports are neutralised against formula injection on the way out (portal.report_files).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response

from clearinghouse.normalise import canonical_gemeentecode_text
from portal.pages import finish, not_found
from portal.report_files import report_path, safe_csv
from portal.session import Visitor, require_access, require_account
from portal.state import state_of
from vocabulary.periode import Periode, PeriodeError

router = APIRouter()

# The intake's reports carry their own inline <style> and no scripts.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


@router.get("/rapport/{gemeente}/{periode}/{naam}")
def report(request: Request, gemeente: str, periode: str, naam: str, visitor: Visitor = Depends(require_account)) -> Response:
    require_access(visitor, gemeente)
    try:
        valid_periode = Periode.halfjaar(periode).code == periode
    except PeriodeError:
        valid_periode = False
    if canonical_gemeentecode_text(gemeente) != gemeente or not valid_periode:
        return not_found(request)
    path = report_path(state_of(request).config.home, gemeente, periode, naam)
    if path is None:
        return not_found(request)
    if naam.endswith(".csv"):
        response = Response(safe_csv(path.read_bytes()), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{naam}"'})
    else:
        response = FileResponse(path, media_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = REPORT_CSP
    return finish(request, response)
