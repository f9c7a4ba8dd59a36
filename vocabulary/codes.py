"""Code lists from the delivery spec (aanleverformaat), with their Dutch meanings, for contracts, reports and site."""

from __future__ import annotations

from vocabulary.domeinen import DOMEINEN  # noqa: F401  (re-exported: code lists per domein)

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

# Dutch labels of the code lists, as in the spec: the gegevenswoordenboek prints them, the site and
# reports may show them. Keys must equal the code tuples above (tests/unit/test_dictionary.py checks).
LABELS: dict[str, dict[str, str]] = {
    "voorziening jeugd": {
        "01": "jeugdhulp zonder verblijf: wijk-/buurtteam",
        "02": "jeugdhulp zonder verblijf: ambulant op locatie van de aanbieder",
        "03": "jeugdhulp zonder verblijf: daghulp op locatie",
        "04": "jeugdhulp zonder verblijf: in het netwerk van de jeugdige",
        "11": "jeugdhulp met verblijf: pleegzorg",
        "12": "jeugdhulp met verblijf: gezinsgericht (gezinshuis e.d.)",
        "13": "jeugdhulp met verblijf: gesloten plaatsing",
        "14": "jeugdhulp met verblijf: overig verblijf bij aanbieder",
        "JB11": "jeugdbescherming: ondertoezichtstelling (OTS)",
        "JB12": "jeugdbescherming: voorlopige OTS",
        "JB21": "jeugdbescherming: voogdij",
        "JB22": "jeugdbescherming: voorlopige voogdij",
        "JB23": "jeugdbescherming: tijdelijke voogdij",
        "JR41": "jeugdreclassering: toezicht en begeleiding (gedwongen)",
        "JR42": "jeugdreclassering: toezicht en begeleiding (vrijwillig)",
        "JR50": "jeugdreclassering: ITB Harde Kern",
        "JR51": "jeugdreclassering: ITB Criem",
        "JR61": "jeugdreclassering: scholings- en trainingsprogramma",
        "JR62": "jeugdreclassering: gedragsbeïnvloedende maatregel",
        "JR63": "jeugdreclassering: overig",
    },
    "voorziening wmo": {
        "01": "hulp bij het huishouden",
        "02": "begeleiding",
        "03": "persoonlijke verzorging",
        "04": "kortdurend verblijf",
        "05": "woondiensten",
        "06": "overige ondersteuning",
        "07": "dagbesteding",
        "08": "vervoerdiensten",
        "09": "overige groepsgerichte ondersteuning",
        "10": "overige maatwerkarrangementen",
        "11": "rolstoelen",
        "12": "vervoervoorzieningen",
        "13": "woonvoorzieningen",
        "14": "overige hulpmiddelen",
        "15": "beschermd wonen",
        "16": "opvang",
        "17": "spoedopvang",
        "18": "overige beschermd wonen en opvang",
    },
    "voorziening participatie": {
        "P01": "algemene bijstand (Participatiewet)",
        "P02": "re-integratievoorziening",
        "P03": "beschut werk",
        "P04": "loonkostensubsidie",
        "P05": "bijzondere bijstand",
        "P06": "schuldhulpverlening",
    },
    "verwijzer": {
        "01": "gemeentelijke toegang",
        "02": "huisarts",
        "03": "jeugdarts",
        "04": "gecertificeerde instelling",
        "05": "medisch specialist",
        "06": "geen verwijzer",
        "07": "onbekend",
    },
    "reden_einde": {
        "01": "volgens plan",
        "02": "voortijdig, in overeenstemming",
        "03": "voortijdig, eenzijdig door cliënt",
        "04": "voortijdig, eenzijdig door aanbieder",
        "05": "voortijdig wegens externe omstandigheden",
    },
    "geslacht": {"M": "man", "V": "vrouw", "O": "onbekend (ook `X` wordt als O gelezen)"},
    "herkomst": {"NL": "Nederland", "EU": "Europa zonder Nederland", "NEU": "buiten Europa", "ONB": "onbekend"},
    "iq_indicatie": {"<70": "lager dan 70", "70-85": "70 tot en met 85", ">85": "hoger dan 85", "ONB": "onbekend"},
    "leveringsvorm": {"ZIN": "zorg in natura", "PGB": "persoonsgebonden budget"},
    "resultaat": {"behaald": "doel behaald", "deels": "doel deels behaald", "niet": "doel niet behaald", "onbekend": "onbekend"},
    "erkende_interventie": {"J": "ja, een erkende interventie", "N": "nee"},
}

LABELLED_CODES: dict[str, tuple[str, ...]] = {
    "voorziening jeugd": VOORZIENINGEN["jeugd"],
    "voorziening wmo": VOORZIENINGEN["wmo"],
    "voorziening participatie": VOORZIENINGEN["participatie"],
    "verwijzer": VERWIJZER,
    "reden_einde": REDEN_EINDE_JEUGD,
    "geslacht": GESLACHT,
    "herkomst": HERKOMST,
    "iq_indicatie": IQ_INDICATIE,
    "leveringsvorm": LEVERINGSVORM,
    "resultaat": RESULTAAT,
    "erkende_interventie": JA_NEE,
}
