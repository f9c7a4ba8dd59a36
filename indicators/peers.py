"""Peer groups as data: with which gemeenten a gemeente is compared (publish.peergroepen).

Computed upstream from public CBS reference data for all 342 gemeenten, but only *participating*
gemeenten (those with published figures) are ever members, so a gemeente without consent appears
in no group, no label and no group figure. Four kinds (vocabulary.groepen):

- nederland: all participating gemeenten together — the reference total every gemeente is part
  of, like CBS's national figure. Named "Nederland" only when every gemeente participates,
  otherwise "alle deelnemende gemeenten (n)".
- provincie, grootteklasse, vergelijkbaar: *comparison* groups, one per gemeente, never holding
  the gemeente itself (its median would otherwise partly be itself): the other participating
  gemeenten of its provincie, of its CBS size class, and its most similar participating gemeenten.

Similar means similar on what drives social-domain use and can be measured for every gemeente
(CBS KWB 2024): size, density, urbanisation and dwellings per inhabitant (docs/vergelijken.md).
A participating gemeente counts as similar only when it is among the SIMILARITY_RADIUS most similar
gemeenten of the whole country, and the group holds at most NEIGHBOURS of them: with few
participants a group is small (or absent) rather than filled with gemeenten that are not alike.
Membership is one list for all indicators and periodes, so a trend of a group median follows the
same gemeenten; a member without a published value is left out of that figure (groep_aantal).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from contracts.publish import PEERGROEPEN
from vocabulary.groepen import GROOTTEKLASSE, GROOTTEKLASSEN, NEDERLAND, PROVINCIE, VERGELIJKBAAR
from vocabulary.reference import gemeente_names, gemeenten, kwb_gemeenten, kwb_wijken

NEIGHBOURS = 10
SIMILARITY_RADIUS = 50  # a similar gemeente is among the 50 most similar of all 342 (about 15 %)
URBAN_DWELLINGS_PER_KM2 = 1_000  # a wijk this dense counts as urban for the urbanisation feature
FEATURES = {
    "grootte": "aantal inwoners (logaritme)",
    "dichtheid": "inwoners per km² land (logaritme)",
    "stedelijkheid": f"aandeel inwoners in wijken met minstens {URBAN_DWELLINGS_PER_KM2:,} woningen per km² land".replace(",", "."),
    "woningen": "woningen per inwoner",
}
PREFIX = {PROVINCIE: "PV", GROOTTEKLASSE: "GK", VERGELIJKBAAR: "VG"}


def grootteklasse(inwoners: float) -> tuple[str, str]:
    for index, (upper, label) in enumerate(GROOTTEKLASSEN, start=1):
        if inwoners < upper:
            return f"GK{index}", label
    raise ValueError(inwoners)


def features(kwb: pd.DataFrame, wijken: pd.DataFrame) -> pd.DataFrame:
    """Standardised similarity features per gemeente (index gemeentecode), equal weights.

    Age structure is not among them: the reference pack has no age bands per gemeente, only
    estimates from national shares, which are the same for every gemeente and so tell nothing.
    """
    inwoners = kwb["inwoners"].astype("float64").to_numpy()
    land_km2 = kwb["oppervlakte_land_ha"].astype("float64").to_numpy() / 100
    wijken = wijken.dropna(subset=["inwoners", "woningvoorraad", "oppervlakte_land_ha"])
    wijken = wijken[wijken["oppervlakte_land_ha"].astype("float64") > 0]
    dense = wijken["woningvoorraad"].astype("float64") / (wijken["oppervlakte_land_ha"].astype("float64") / 100) >= URBAN_DWELLINGS_PER_KM2
    wijk_inwoners = wijken["inwoners"].astype("float64")
    urban = wijk_inwoners.where(dense, 0.0).groupby(wijken["gemeentecode"]).sum() / wijk_inwoners.groupby(wijken["gemeentecode"]).sum()
    frame = pd.DataFrame(
        {
            "grootte": np.log(inwoners),
            "dichtheid": np.log(inwoners / land_km2),
            "stedelijkheid": urban.reindex(kwb["gemeentecode"]).fillna(0.0).to_numpy(),
            "woningen": kwb["woningvoorraad"].astype("float64").to_numpy() / inwoners,
        },
        index=pd.Index(kwb["gemeentecode"], name="gemeentecode"),
    )
    spread = frame.std(ddof=0).replace(0.0, 1.0)
    return (frame - frame.mean()) / spread


def similar(scaled: pd.DataFrame, participants: Iterable[str], *, neighbours: int = NEIGHBOURS,
            radius: int = SIMILARITY_RADIUS) -> dict[str, list[str]]:
    """Per participating gemeente: its most similar other participants, most similar first."""
    codes = list(scaled.index)
    position = {code: i for i, code in enumerate(codes)}
    values = scaled.to_numpy(dtype="float64")
    taking_part = {code for code in participants if code in position}
    out: dict[str, list[str]] = {}
    for code in sorted(taking_part):
        distance = np.sqrt(((values - values[position[code]]) ** 2).sum(axis=1))
        order = [codes[j] for j in np.argsort(distance, kind="stable") if codes[j] != code][:radius]
        out[code] = [other for other in order if other in taking_part][:neighbours]
    return out


def nederland_naam(participants: int, everyone: int) -> str:
    return "Nederland" if participants >= everyone else f"alle deelnemende gemeenten ({participants})"


def peer_groups(participants: Iterable[str], kwb: pd.DataFrame | None = None, *, neighbours: int = NEIGHBOURS) -> pd.DataFrame:
    """publish.peergroepen for these participating gemeenten (codes of gemeenten with published figures).

    `kwb`: gemeentecode, inwoners, woningvoorraad, oppervlakte_land_ha (default: CBS KWB 2024 of
    every gemeente). Participants without reference figures get only the nederland group.
    """
    kwb = kwb_gemeenten() if kwb is None else kwb
    everyone = gemeenten()
    names = gemeente_names()
    provincie = everyone.set_index("gemeente_code")["provincie_naam"]
    taking_part = sorted(set(participants))
    if not taking_part:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in PEERGROEPEN.kolomnamen})
    complete = set(everyone["gemeente_code"]) <= set(taking_part)
    deelnemend = "" if complete else "deelnemende "
    inwoners = kwb.set_index("gemeentecode")["inwoners"]
    klasse = {code: grootteklasse(inwoners[code]) for code in taking_part if code in inwoners.index}
    rows: list[tuple] = [
        ("NL", NEDERLAND, nederland_naam(len(taking_part), len(everyone)), None, code) for code in taking_part
    ]

    def add(soort: str, code: str, members: list[str], naam: str) -> None:
        group = f"{PREFIX[soort]}-{code}"
        rows.extend((group, soort, f"{naam} ({len(members)})", code, member) for member in members)

    # Participants per provincie and per size class, gathered once (not one scan per gemeente).
    province_of = provincie.to_dict()
    by_province: dict[str, list[str]] = {}
    by_class: dict[str, list[str]] = {}
    for code in taking_part:
        if code in province_of:
            by_province.setdefault(province_of[code], []).append(code)
        if code in klasse:
            by_class.setdefault(klasse[code][0], []).append(code)
    for code in taking_part:
        if code in province_of:
            same = [m for m in by_province[province_of[code]] if m != code]
            add(PROVINCIE, code, same, f"andere {deelnemend}gemeenten in {province_of[code]}")
        if code in klasse:
            same = [m for m in by_class[klasse[code][0]] if m != code]
            add(GROOTTEKLASSE, code, same, f"andere {deelnemend}gemeenten met {klasse[code][1]}")
    measured = kwb.dropna(subset=["inwoners", "woningvoorraad", "oppervlakte_land_ha"])
    measured = measured[(measured["inwoners"] > 0) & (measured["oppervlakte_land_ha"] > 0)]
    scaled = features(measured, kwb_wijken())
    for code, members in similar(scaled, taking_part, neighbours=neighbours).items():
        add(VERGELIJKBAAR, code, members, f"{deelnemend}gemeenten die lijken op {names.get(code, code)}")
    frame = pd.DataFrame(rows, columns=["groep_code", "groep_soort", "groep_naam", "voor_gemeente_code", "gemeente_code"])
    frame["gemeente_naam"] = frame["gemeente_code"].map(names).fillna(frame["gemeente_code"])
    frame = frame[list(PEERGROEPEN.kolomnamen)]
    return frame.sort_values(["groep_soort", "groep_code", "gemeente_code"]).reset_index(drop=True)


def groups_of(groups: pd.DataFrame, gemeente_code: str) -> pd.DataFrame:
    """The membership rows of the groups a gemeente is compared with (its own groups and nederland)."""
    own = groups["voor_gemeente_code"] == gemeente_code
    national = groups["voor_gemeente_code"].isna() & (groups["gemeente_code"] == gemeente_code)
    codes = set(groups.loc[own | national, "groep_code"])
    return groups[groups["groep_code"].isin(codes)]
