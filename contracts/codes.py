"""Code lists from the delivery spec (aanleverformaat), in one place for contracts and indicators."""

from __future__ import annotations

DOMEINEN = ("jeugd", "wmo", "participatie")

JEUGDHULP_ZONDER_VERBLIJF = ("01", "02", "03", "04")
JEUGDHULP_MET_VERBLIJF = ("11", "12", "13", "14")
JEUGDBESCHERMING = ("JB11", "JB12", "JB21", "JB22", "JB23")
JEUGDRECLASSERING = ("JR41", "JR42", "JR50", "JR51", "JR61", "JR62", "JR63")

WMO_HOOFDGROEP = {
    "01": "Hulp bij het huishouden",
    **{code: "Ondersteuning thuis" for code in ("02", "03", "04", "06", "07", "09", "10")},
    **{code: "Hulpmiddelen en diensten" for code in ("05", "08", "11", "12", "13", "14")},
    **{code: "Verblijf en opvang" for code in ("15", "16", "17", "18")},
}

PARTICIPATIE = ("P01", "P02", "P03", "P04", "P05", "P06")

VOORZIENINGEN: dict[str, tuple[str, ...]] = {
    "jeugd": JEUGDHULP_ZONDER_VERBLIJF + JEUGDHULP_MET_VERBLIJF + JEUGDBESCHERMING + JEUGDRECLASSERING,
    "wmo": tuple(sorted(WMO_HOOFDGROEP)),
    "participatie": PARTICIPATIE,
}

GESLACHT = ("M", "V", "O")
HERKOMST = ("NL", "EU", "NEU", "ONB")
IQ_INDICATIE = ("<70", "70-85", ">85", "ONB")
LEVERINGSVORM = ("ZIN", "PGB")
VERWIJZER = ("01", "02", "03", "04", "05", "06", "07")
REDEN_EINDE_JEUGD = ("01", "02", "03", "04", "05")
RESULTAAT = ("behaald", "deels", "niet", "onbekend")
JA_NEE = ("J", "N")

# Plausible age at the end of the periode per domein (jeugd: up to 22, plus a year of verlengde
# jeugdhulp; wmo: adults, with a margin for 17-year-olds in transition; participatie: 15+).
LEEFTIJD_GRENZEN = {"jeugd": (0, 23), "wmo": (17, 110), "participatie": (15, 100)}
