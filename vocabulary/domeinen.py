"""The domeinen of the social domain: what gemeenten deliver, and how the site names them."""

from __future__ import annotations

JEUGD, WMO, PARTICIPATIE = "jeugd", "wmo", "participatie"
INTEGRAAL = "integraal"  # indicators across domeinen (stapeling)

DOMEINEN: tuple[str, ...] = (JEUGD, WMO, PARTICIPATIE)
"""What a gemeente delivers: one file per domein."""

INDICATOR_DOMEINEN: tuple[str, ...] = (*DOMEINEN, INTEGRAAL)
"""What an indicator belongs to: a domein, or integraal (across domeinen)."""

TITELS: dict[str, str] = {
    JEUGD: "Jeugd",
    WMO: "Wmo",
    PARTICIPATIE: "Participatie",
    INTEGRAAL: "Domeinoverstijgend",
}

WETTEN: dict[str, str] = {JEUGD: "Jeugdwet", WMO: "Wmo 2015", PARTICIPATIE: "Participatiewet"}


def from_file_name(name: str) -> str | None:
    """The domein a file name names unambiguously (`GM0358_2025-H1_wmo.csv` → wmo), else None."""
    found = [domein for domein in DOMEINEN if domein in name.lower()]
    return found[0] if len(found) == 1 else None
