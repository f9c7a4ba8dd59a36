"""The operator's overview: per periode who still has to deliver, every delivery, refusals, accounts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from portal.history import load_audit, report_names
from portal.pages import render
from portal.periodes import current_periode, open_periodes, publications
from portal.session import Visitor, require_operator
from portal.state import state_of
from vocabulary.domeinen import DOMEINEN
from vocabulary.periode import Periode, PeriodeError, sort_key
from vocabulary.reference import gemeente_names

router = APIRouter()


@router.get("/beheer")
def operator(request: Request, periode: str = "", alle: str = "", visitor: Visitor = Depends(require_operator)) -> Response:
    state = state_of(request)
    config, store = state.config, state.store
    audit = load_audit(config.home)
    try:
        chosen = Periode.halfjaar(periode).code if periode else current_periode(config.today()).code
    except PeriodeError:
        chosen = current_periode(config.today()).code
    everyone = alle == "1"
    codes = sorted(gemeente_names()) if everyone else store.account_gemeenten()
    status = {}
    if not audit.empty:
        current = audit[(audit["periode"] == chosen) & audit["geldt"]]
        status = {(record["gemeente_code"], record["domein"]): record for record in current.to_dict("records")}
    missing = [code for code in codes if any((code, d) not in status for d in DOMEINEN)]
    rows = audit.sort_values("verwerkt_op", ascending=False).head(500).to_dict("records") if not audit.empty else []
    for record in rows:
        record["html"], record["csv"] = report_names(record)
    known = {p.code for p in open_periodes(config.today(), config.open_half_years)} | (set(audit["periode"]) if not audit.empty else set())
    return render(request, "beheer.html", rows=rows, periode=chosen, periodes=sorted(known, key=sort_key, reverse=True), codes=codes,
                  stand=status, missing=missing, everyone=everyone, accounts=store.accounts(), weigeringen=store.refusals(100),
                  publicaties=publications(config.home.releases), uploads=store.uploads()[:50])
