"""What a client population looks like: client types, their rates, ages, voorzieningen and codes.

Rates are persons with a traject in a half-year, chosen so the published figures land near the
national levels of the spec (monitor.md, reference levels); the committed sample shows them
(data/sample/README.md). Durations are medians in days of a lognormal distribution (sigma 0.9).
Changing a number here changes every generated file, the committed sample included.
"""

from __future__ import annotations

from dataclasses import dataclass

# The random streams of a gemeente: one per domein (and a fixed one for households, 9).
DOMEIN_INDEX = {"participatie": 1, "wmo": 2, "jeugd": 3}


@dataclass(frozen=True)
class ClientType:
    """One kind of client of a domein (e.g. bijstand): how many, how old, which voorzieningen, how long."""

    name: str
    rate: float  # persons per inhabitant of `group` active in a half-year
    group: tuple[int, int]  # age group of the denominator
    ages: tuple[tuple[int, int, float], ...]  # (from, to, weight) at the end of the window
    primary: tuple[tuple[str, float], ...]  # voorziening codes and weights of the first traject
    duration: float  # median days
    extra: tuple[tuple[str, float, float], ...] = ()  # (voorziening, probability, median days)


JEUGD_HULP = (("01", 0.30), ("02", 0.50), ("03", 0.08), ("04", 0.12))
JEUGD_VERBLIJF = (("11", 0.55), ("12", 0.18), ("13", 0.04), ("14", 0.23))

CLIENT_TYPES: dict[str, tuple[ClientType, ...]] = {
    "jeugd": (
        ClientType("jeugdhulp", 0.084, (0, 22), ((0, 3, 0.07), (4, 11, 0.40), (12, 17, 0.40), (18, 22, 0.13)),
                   JEUGD_HULP, 160),
        ClientType("verblijf", 0.008, (0, 22), ((0, 3, 0.10), (4, 11, 0.27), (12, 17, 0.50), (18, 22, 0.13)),
                   JEUGD_VERBLIJF, 320, (("02", 0.30, 120),)),
        ClientType("jeugdbescherming", 0.0085, (0, 22), ((0, 3, 0.20), (4, 11, 0.40), (12, 17, 0.40)),
                   (("JB11", 0.75), ("JB12", 0.08), ("JB21", 0.12), ("JB22", 0.03), ("JB23", 0.02)), 365,
                   (("02", 0.35, 150), ("11", 0.15, 300))),
        ClientType("jeugdreclassering", 0.0025, (0, 22), ((12, 17, 0.70), (18, 22, 0.30)),
                   (("JR41", 0.55), ("JR42", 0.15), ("JR50", 0.03), ("JR51", 0.02), ("JR61", 0.10), ("JR62", 0.10), ("JR63", 0.05)),
                   180, (("02", 0.25, 120),)),
    ),
    "wmo": (
        ClientType("wmo", 0.062, (0, 120), ((18, 64, 0.33), (65, 74, 0.17), (75, 100, 0.50)),
                   (("01", 0.30), ("02", 0.18), ("03", 0.03), ("04", 0.01), ("06", 0.03), ("07", 0.07), ("08", 0.17),
                    ("11", 0.06), ("13", 0.05), ("14", 0.04), ("15", 0.03), ("16", 0.01), ("05", 0.01)),
                   600, (("08", 0.25, 900), ("02", 0.12, 300), ("11", 0.08, 800))),
    ),
    "participatie": (
        ClientType("bijstand", 0.036, (15, 120), ((18, 26, 0.13), (27, 49, 0.47), (50, 66, 0.40)),
                   (("P01", 1.0),), 1000, (("P02", 0.75, 400), ("P05", 0.25, 20), ("P06", 0.06, 400))),
        ClientType("bijzondere bijstand", 0.010, (15, 120), ((18, 26, 0.10), (27, 66, 0.60), (67, 90, 0.30)),
                   (("P05", 1.0),), 20),
        ClientType("schuldhulp", 0.005, (15, 120), ((18, 26, 0.15), (27, 49, 0.55), (50, 75, 0.30)),
                   (("P06", 1.0),), 400),
        ClientType("werk", 0.003, (15, 120), ((18, 26, 0.35), (27, 49, 0.40), (50, 66, 0.25)),
                   (("P03", 0.35), ("P04", 0.50), ("P02", 0.15)), 600),
    ),
}

# Household links between domeinen, tuned so that about 10 % of households with any voorziening
# have voorzieningen in two or more domeinen (spec reference level).
STAPELING = {"wmo_in_participatie": 0.5, "ouder_in_participatie": 0.6, "ouder_in_wmo": 0.1}

HERKOMST = (("NL", 0.74), ("EU", 0.07), ("NEU", 0.16), ("ONB", 0.03))
VERWIJZER = (("01", 0.38), ("02", 0.30), ("03", 0.05), ("04", 0.10), ("05", 0.09), ("06", 0.05), ("07", 0.03))
REDEN_EINDE = (("01", 0.62), ("02", 0.14), ("03", 0.10), ("04", 0.05), ("05", 0.09))
IQ = (("<70", 0.05), ("70-85", 0.12), (">85", 0.63), ("ONB", 0.20))
RESULTAAT = (("behaald", 0.55), ("deels", 0.25), ("niet", 0.12), ("onbekend", 0.08))
