"""A gemeente's history: every delivery (who, when, files, verdicts, reports), what is in force, consent.

Also the one place to change consent without delivering files (`POST /toestemming`): an explicit
choice (nothing pre-set), recorded with who and when in the clearinghouse's consent decisions
(clearinghouse.consent.record_decision, in force from the next round) and in the portal's `logboek`. For a published periode the consent in force is fixed for
the gemeente's accounts; an operator can still record a change (logged as made after publication).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from portal import consent, refusal
from portal.history import deliveries, in_force_by_periode, load_audit, periodes_of
from portal.pages import not_found, redirect, render
from portal.periodes import open_periodes, publications
from portal.refusal import Refusal
from portal.session import CsrfForm, Visitor, require_access, require_account
from portal.state import state_of
from clearinghouse.consent import record_decision
from clearinghouse.normalise import canonical_gemeentecode_text
from vocabulary.periode import Periode, PeriodeError

router = APIRouter()


@router.get("/geschiedenis")
def own_history(request: Request, visitor: Visitor = Depends(require_account)) -> Response:
    return redirect(request, "/beheer" if visitor.account.beheerder else f"/geschiedenis/{visitor.gemeente_code}")


@router.get("/geschiedenis/{gemeente}")
def history(request: Request, gemeente: str, visitor: Visitor = Depends(require_account)) -> Response:
    require_access(visitor, gemeente)
    if canonical_gemeentecode_text(gemeente) != gemeente:
        return not_found(request)
    state = state_of(request)
    config, store = state.config, state.store
    if request.query_params.get("toestemming") == "vastgelegd":
        visitor.flash.append("Uw keuze over publicatie is vastgelegd. Ze geldt vanaf de volgende verwerking; "
                             "de cijfers veranderen pas bij de volgende publicatie.")
    audit = load_audit(config.home, gemeente)
    uploads = store.uploads(gemeente)
    published = publications(config.home.releases)
    periodes = periodes_of(audit, *(p.code for p in open_periodes(config.today(), config.open_half_years)))
    chosen = consent.chosen_in_portal(store, gemeente)
    toestemming = [
        {
            "periode": periode,
            "geldt": consent.in_force(audit, periode),
            "portaal": chosen.get(periode),
            "publicatie": published.get(periode),
            "vast": consent.fixed(audit, periode, periode in published, operator=visitor.account.beheerder),
        }
        for periode in periodes
    ]
    return render(
        request, "geschiedenis.html", gemeente=gemeente, periodes=periodes, publicaties=published,
        leveringen=deliveries(audit, {row["stempel"]: row["gebruiker"] for row in uploads if row["stempel"]}),
        geldend=in_force_by_periode(audit), toestemming=toestemming,
        open_uploads=[u for u in uploads if u["status"] != "klaar"],
    )


@router.post("/toestemming")
def change_consent(request: Request, visitor: Visitor = Depends(require_account),
                   form: FormData = Depends(CsrfForm(max_fields=10, max_part_size=1024))) -> Response:
    state = state_of(request)
    gemeente = str(form.get("gemeente") or "").strip().upper()
    require_access(visitor, gemeente)
    answers = consent.answers_of(form)
    try:
        periode = Periode.halfjaar(str(form.get("periode") or "")).code
    except PeriodeError:
        periode = None
    if canonical_gemeentecode_text(gemeente) != gemeente or periode is None or answers is None:
        raise Refusal(refusal.BAD_INPUT, "Kies een periode en bij beide vragen over publicatie 'ja' of 'nee'.",
                      details=f"{gemeente[:10]} {str(form.get('periode'))[:10]} "
                              + " ".join(f"{name}={str(form.get(name) or '')[:5]}" for name in consent.FIELDS))
    audit = load_audit(state.config.home, gemeente)
    published = periode in publications(state.config.home.releases)
    fixed = consent.fixed(audit, periode, published, operator=visitor.account.beheerder)
    if fixed is not None and not fixed.same_as(*answers):
        raise Refusal(refusal.CONSENT_FIXED, f"Periode {periode} is al gepubliceerd; uw toestemming ligt vast ({fixed.tekst}) en kan "
                      "niet meer worden gewijzigd. Neem contact op met de beheerder als dit niet klopt.")
    basis, facultatief = answers
    state.store.set_consent(gemeente, periode, basis, facultatief, visitor.gebruiker)
    record_decision(state.config.home.toestemmingen, gemeente_code=gemeente, periode=periode, basis=basis, facultatief=facultatief,
                    door=f"portaal: {visitor.gebruiker}", reden="keuze in het aanleverportaal" + (" (na publicatie)" if published else ""))
    state.store.log(gebruiker=visitor.gebruiker, gemeente_code=gemeente, client=visitor.client, gebeurtenis="toestemming gewijzigd",
                    details=f"{periode}: basis={'ja' if basis else 'nee'}, facultatief={'ja' if facultatief else 'nee'}"
                            + (" (na publicatie)" if published else ""))
    return redirect(request, f"/geschiedenis/{gemeente}?toestemming=vastgelegd")
