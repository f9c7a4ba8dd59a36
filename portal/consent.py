"""Consent for publication (basis and facultatief) per gemeente and periode, as the portal shows it.

Consent travels with a delivery (the portal writes it into the delivery's manifest), and the one in
force is that of the latest *accepted* delivery: a rejected delivery changes nothing, consent
included. The portal never pre-sets a choice: each delivery asks again, showing the previous
choice — the newest of the one in force and the one last made in the portal (with a delivery, or
on its own on the history page: an explicit, audited action that goes with the next delivery).
Once a periode is published with a gemeente's consent in force, that consent is fixed for the
gemeente's own accounts; an operator can still change it, which is logged (docs/portal.md, "Beslissingen").
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from portal.store import Store
from vocabulary.oordelen import is_accepted

ANSWERS = {"ja": True, "nee": False}
FIELDS = ("publicatie_basis", "publicatie_facultatief")


@dataclass(frozen=True)
class Keuze:
    basis: bool
    facultatief: bool
    wanneer: pd.Timestamp | None  # UTC
    door: str | None  # who chose it in the portal; None for a delivery through the inbox
    bron: str  # "aanlevering" (in force) | "portaal" (chosen in the portal)

    @property
    def tekst(self) -> str:
        return f"basis: {'ja' if self.basis else 'nee'}, facultatief: {'ja' if self.facultatief else 'nee'}"

    def same_as(self, basis: bool, facultatief: bool) -> bool:
        return (self.basis, self.facultatief) == (basis, facultatief)


def answers_of(form) -> tuple[bool, bool] | None:
    """The two ja/nee answers of a form; None when one is missing or not ja/nee."""
    values = [str(form.get(name) or "") for name in FIELDS]
    if any(value not in ANSWERS for value in values):
        return None
    return ANSWERS[values[0]], ANSWERS[values[1]]


def in_force(audit: pd.DataFrame, periode: str) -> Keuze | None:
    """The consent of the latest accepted delivery of `periode` (audit of one gemeente)."""
    if audit.empty:
        return None
    rows = audit[(audit["periode"] == periode) & audit["oordeel"].map(is_accepted) & audit["publicatie_basis"].notna()]
    if rows.empty:
        return None
    last = rows.iloc[-1]
    return Keuze(bool(last["publicatie_basis"]), bool(last["publicatie_facultatief"]), pd.Timestamp(last["verwerkt_op"]), None, "aanlevering")


def chosen_in_portal(store: Store, gemeente_code: str) -> dict[str, Keuze]:
    return {
        periode: Keuze(basis, facultatief, pd.Timestamp(wanneer).tz_convert("UTC").tz_localize(None), door, "portaal")
        for periode, (basis, facultatief, wanneer, door) in store.consent(gemeente_code).items()
    }


def previous(store: Store, audit: pd.DataFrame, gemeente_code: str, periode: str) -> Keuze | None:
    """The newest of the consent in force and the choice last made in the portal."""
    candidates = [k for k in (in_force(audit, periode), chosen_in_portal(store, gemeente_code).get(periode)) if k is not None]
    return max(candidates, key=lambda keuze: keuze.wanneer) if candidates else None


def fixed(audit: pd.DataFrame, periode: str, published: bool, *, operator: bool = False) -> Keuze | None:
    """The consent the account can no longer change: the one in force once the periode is published.
    An operator can still change it (for instance at the gemeente's written request): None."""
    return in_force(audit, periode) if published and not operator else None
