"""Peer groups as data: which gemeenten a gemeente is compared with.

Computed upstream from the reference data (as OWID does with its regions), stored in the warehouse
(`publish.peergroepen`) and used by the benchmark: Nederland, provincie, CBS gemeentegrootteklasse,
and "vergelijkbare gemeenten" — the nearest neighbours on a few population features. Group
membership is public information; figures per group are computed from published figures only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vocabulary.groepen import GROOTTEKLASSEN
from vocabulary.reference import gemeenten, kwb_gemeenten

NEIGHBOURS = 5


def grootteklasse(inwoners: float) -> tuple[str, str]:
    for index, (upper, label) in enumerate(GROOTTEKLASSEN, start=1):
        if inwoners < upper:
            return f"GK{index}", label
    raise ValueError(inwoners)


def features(kwb: pd.DataFrame) -> pd.DataFrame:
    """Standardised features for similarity: size, density and dwellings per inhabitant (log scales)."""
    frame = pd.DataFrame(
        {
            "grootte": np.log(kwb["inwoners"].astype(float)),
            "dichtheid": np.log(kwb["inwoners"].astype(float) / kwb["oppervlakte_land_ha"].astype(float)),
            "woningen": kwb["woningvoorraad"].astype(float) / kwb["inwoners"].astype(float),
        },
        index=kwb["gemeentecode"],
    )
    return (frame - frame.mean()) / frame.std(ddof=0).replace(0, 1)


def peer_groups(kwb: pd.DataFrame | None = None, *, neighbours: int = NEIGHBOURS) -> pd.DataFrame:
    """One row per (gemeente, group): gemeente_code, groep_soort, groep_code, groep_naam.

    `kwb`: gemeentecode, inwoners, woningvoorraad, oppervlakte_land_ha (CBS KWB). Only gemeenten
    with these figures get groups; the vergelijkbaar group of a gemeente is itself plus its
    `neighbours` nearest gemeenten.
    """
    if kwb is None:
        kwb = kwb_gemeenten()
    provincie = gemeenten().set_index("gemeente_code")["provincie_naam"]
    names = gemeenten().set_index("gemeente_code")["gemeente_naam"]
    rows = []
    for row in kwb.itertuples(index=False):
        code = row.gemeentecode
        rows.append((code, "nederland", "NL", "Nederland (gemeenten in de monitor)"))
        prov = provincie.get(code, "onbekend")
        rows.append((code, "provincie", "PV-" + prov, prov))
        klasse, label = grootteklasse(row.inwoners)
        rows.append((code, "grootteklasse", klasse, label))
    scaled = features(kwb)
    distance = np.sqrt(((scaled.to_numpy()[:, None, :] - scaled.to_numpy()[None, :, :]) ** 2).sum(axis=2))
    codes = list(scaled.index)
    for i, code in enumerate(codes):
        order = [j for j in np.argsort(distance[i], kind="stable") if j != i][:neighbours]
        group = f"VG-{code}"
        label = f"Vergelijkbaar met {names.get(code, code)}"
        rows.append((code, "vergelijkbaar", group, label))  # the gemeente itself is in its own group
        for j in order:
            rows.append((codes[j], "vergelijkbaar", group, label))
    frame = pd.DataFrame(rows, columns=["gemeente_code", "groep_soort", "groep_code", "groep_naam"])
    return frame.drop_duplicates().sort_values(["groep_soort", "groep_code", "gemeente_code"]).reset_index(drop=True)


def groups_of(groups: pd.DataFrame, gemeente_code: str) -> pd.DataFrame:
    """The groups a gemeente is benchmarked against: for vergelijkbaar only its own group."""
    own = groups[groups["gemeente_code"] == gemeente_code]
    return own[(own["groep_soort"] != "vergelijkbaar") | (own["groep_code"] == f"VG-{gemeente_code}")]
