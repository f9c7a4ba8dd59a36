"""People and their trajecten: the client population of one gemeente over a window of periodes.

Each client type (`clients.py`) is a stationary stream of episodes; households link the domeinen
(gezagdragers of jeugd clients who receive bijstand or Wmo, Wmo clients with bijstand), which gives
realistic stapeling. Everything is drawn from random streams seeded by (seed, gemeente, domein),
so a gemeente's clients are the same whether it is generated alone or with the others.
BSNs are random 9-digit numbers that pass the 11-proef; they are not taken from any register.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gmsd.synth.addresses import Addresses
from gmsd.synth.clients import CLIENT_TYPES, DOMEIN_INDEX, HERKOMST, STAPELING
from vocabulary.periode import Periode
from vocabulary.reference import share_of_ages

BSN_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
DAY = np.timedelta64(1, "D")




def fake_bsns(rng: np.random.Generator, count: int, taken: set[str] | None = None) -> np.ndarray:
    """`count` distinct random 9-digit strings passing the 11-proef, none of them in `taken`
    (BSNs already given out; the new ones are added to it).

    About 9 % start with 0, never with 00: a real BSN has at most one leading zero for Excel to
    drop (the spec reads an 8-digit value as a BSN that lost it).
    """
    taken = taken if taken is not None else set()
    drawn: set[str] = set()  # candidates of this call, also those left over
    out: list[np.ndarray] = []
    have = 0
    while have < count:
        stems = rng.integers(10**6, 10**8, size=int((count - have) * 1.15) + 16)
        digits = (stems[:, None] // 10 ** np.arange(7, -1, -1)) % 10
        check = (digits @ BSN_WEIGHTS) % 11
        ok = check < 10
        numbers = stems[ok] * 10 + check[ok]
        text = np.char.zfill(numbers.astype(str), 9)
        fresh = [t for t in dict.fromkeys(text.tolist()) if t not in taken and t not in drawn]
        drawn.update(fresh)
        out.append(np.array(fresh[: count - have], dtype=object))
        have += len(out[-1])
    result = np.concatenate(out) if out else np.array([], dtype=object)
    taken.update(result.tolist())
    return result


def draw(rng: np.random.Generator, options: tuple[tuple[str, float], ...], size: int) -> np.ndarray:
    codes = np.array([code for code, _ in options], dtype=object)
    weights = np.array([w for _, w in options], dtype=float)
    return codes[rng.choice(len(codes), size=size, p=weights / weights.sum())]


def _durations(rng: np.random.Generator, median: float, size: int) -> np.ndarray:
    return np.maximum(1, np.round(rng.lognormal(np.log(median), 0.9, size=size))).astype(int)


def _ages(rng: np.random.Generator, bands: tuple[tuple[int, int, float], ...], size: int) -> np.ndarray:
    weights = np.array([w for _, _, w in bands])
    which = rng.choice(len(bands), size=size, p=weights / weights.sum())
    low = np.array([b[0] for b in bands])[which]
    high = np.array([b[1] for b in bands])[which]
    return low + np.floor(rng.random(size) * (high - low + 1)).astype(int)


@dataclass
class People:
    """Identities of one gemeente's clients (and gezagdragers); index = person id."""

    bsn: list[np.ndarray] = field(default_factory=list)
    geboortedatum: list[np.ndarray] = field(default_factory=list)
    geslacht: list[np.ndarray] = field(default_factory=list)
    herkomst: list[np.ndarray] = field(default_factory=list)
    address: list[np.ndarray] = field(default_factory=list)
    size: int = 0

    def add(self, rng: np.random.Generator, birth: np.ndarray, address: np.ndarray, taken: set[str]) -> np.ndarray:
        n = len(birth)
        bsns = fake_bsns(rng, n, taken)
        self.bsn.append(bsns)
        self.geboortedatum.append(birth)
        self.geslacht.append(draw(rng, (("M", 0.49), ("V", 0.505), ("O", 0.005)), n))
        self.herkomst.append(draw(rng, HERKOMST, n))
        self.address.append(address)
        ids = np.arange(self.size, self.size + n)
        self.size += n
        return ids

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "bsn": np.concatenate(self.bsn),
                "geboortedatum": np.concatenate(self.geboortedatum),
                "geslacht": np.concatenate(self.geslacht),
                "herkomst": np.concatenate(self.herkomst),
                "address": np.concatenate(self.address),
            }
        )


def _births(rng: np.random.Generator, ages: np.ndarray, window_end: np.datetime64) -> np.ndarray:
    """Birth dates such that the age at `window_end` is `ages`."""
    years_back = ages * 365.25 + rng.random(len(ages)) * 364
    return (window_end - np.round(years_back).astype(int) * DAY).astype("datetime64[D]")


def simulate_gemeente(
    gemeente_code: str,
    inwoners: int,
    addresses: Addresses,
    periodes: list[Periode],
    *,
    seed: int,
    schaal: float,
) -> dict[str, pd.DataFrame]:
    """All trajecten of one gemeente over the window of the periodes, per domein (before export).

    Each client type is a stationary stream of episodes: with λ starts per day and mean duration
    D, about λ·(D + L) persons are active in a periode of L days, so λ follows from the target rate.
    Households link the domeinen: some gezagdragers of jeugd clients are themselves bijstand or Wmo
    clients, and some Wmo clients receive bijstand, which gives realistic stapeling.
    """
    window_start = np.datetime64(periodes[0].start.date()) - np.timedelta64(4 * 365, "D")
    window_end = np.datetime64(periodes[-1].einde.date())
    span = int((window_end - window_start) / DAY)
    period_days = 182
    people = People()
    taken: set[str] = set()
    rows: dict[str, list[pd.DataFrame]] = {d: [] for d in CLIENT_TYPES}
    adults_by_domein: dict[str, np.ndarray] = {}
    # Adult episodes per domein (person, start, end): a person reused in another domein gets an
    # episode that overlaps one of theirs, so the domeinen meet in the same periode (stapeling).
    episodes: dict[str, pd.DataFrame] = {}

    for domein in ("participatie", "wmo", "jeugd"):
        rng = np.random.default_rng([seed, int(gemeente_code[2:]), DOMEIN_INDEX[domein]])
        domein_adults: list[np.ndarray] = []
        for client_type in CLIENT_TYPES[domein]:
            group = inwoners * share_of_ages(*client_type.group)
            target = client_type.rate * group * schaal * rng.lognormal(0.0, 0.12)
            pilot = _durations(rng, client_type.duration, 4000)
            mean_days = float(np.minimum(pilot, span).mean())
            n = int(rng.poisson(target * span / (mean_days + period_days)))
            if n == 0:
                continue
            start = window_start + rng.integers(0, span, size=n) * DAY
            duration = _durations(rng, client_type.duration, n)
            end = start + duration * DAY
            ages = _ages(rng, client_type.ages, n)
            births = _births(rng, ages, window_end)
            # Ages are drawn at the end of the window; over a long window a client must still be
            # old enough for the domein when the episode starts (e.g. 15+ for participatie).
            youngest = min(low for low, _, _ in client_type.ages)
            start = np.maximum(start, births + int(round(youngest * 365.25 + 1)) * DAY)
            end = np.maximum(end, start)
            addr = rng.choice(len(addresses.weight), size=n, p=addresses.weight)
            ids = np.full(n, -1)
            if domein == "wmo" and len(episodes.get("participatie", ())):
                # Some Wmo clients of working age also receive bijstand: the same person, at the same time.
                pool = episodes["participatie"]
                reuse = np.flatnonzero((ages < 67) & (rng.random(n) < STAPELING["wmo_in_participatie"]))
                partner = pool.iloc[rng.integers(0, len(pool), size=len(reuse))]
                length = np.maximum((partner.end.to_numpy() - partner.start.to_numpy()) / DAY, 1).astype(int)
                start[reuse] = np.minimum(partner.start.to_numpy() + (rng.random(len(reuse)) * length).astype(int) * DAY, window_end)
                end[reuse] = start[reuse] + duration[reuse] * DAY
                ids[reuse] = partner.person.to_numpy()
            fresh = ids < 0
            ids[fresh] = people.add(rng, births[fresh], addr[fresh], taken)
            if domein != "jeugd":
                domein_adults.append(ids[ages >= 20])
                adult = ages >= 20
                frame = pd.DataFrame({"person": ids[adult], "start": start[adult], "end": end[adult]})
                episodes[domein] = pd.concat([episodes.get(domein, frame.iloc[:0]), frame], ignore_index=True)
            voorziening = draw(rng, client_type.primary, n)
            parts = [pd.DataFrame({"person": ids, "start": start, "end": end, "voorziening": voorziening})]
            for code, probability, median in client_type.extra:
                has = rng.random(n) < probability
                k = int(has.sum())
                offset = np.floor(rng.random(k) * duration[has] * 0.6).astype(int)
                extra_start = start[has] + offset * DAY
                extra_end = extra_start + _durations(rng, median, k) * DAY
                parts.append(pd.DataFrame({"person": ids[has], "start": extra_start, "end": extra_end, "voorziening": code}))
            trajecten = pd.concat(parts, ignore_index=True)
            trajecten["type"] = client_type.name
            rows[domein].append(trajecten)
        if domein_adults:
            adults_by_domein[domein] = np.unique(np.concatenate(domein_adults))

    identities = people.frame()
    result: dict[str, pd.DataFrame] = {}
    for domein, parts in rows.items():
        trajecten = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["person", "start", "end", "voorziening", "type"])
        trajecten = trajecten.join(identities, on="person")
        result[domein] = trajecten

    # Jeugd: a gezagdrager per minor, shared by siblings; some gezagdragers are clients elsewhere.
    rng = np.random.default_rng([seed, int(gemeente_code[2:]), 9])
    jeugd = result["jeugd"]
    children = jeugd.sort_values("start").drop_duplicates("person")[["person", "geboortedatum", "address", "start"]]
    age_at_first_end = (np.datetime64(periodes[0].einde.date()) - children.geboortedatum.to_numpy().astype("datetime64[D]")) / DAY / 365.25
    minors = children[age_at_first_end < 18]
    n_households = max(1, int(len(minors) * 0.78))
    household = rng.integers(0, n_households, size=len(minors))
    parent_age = rng.integers(24, 58, size=n_households)
    parent_birth = _births(rng, parent_age, window_end)
    parent_address = rng.choice(len(addresses.weight), size=n_households, p=addresses.weight)
    parent_id = np.full(n_households, -1)
    # The household's jeugd starts when its first child's does; a gezagdrager who is a client
    # elsewhere is one whose episode runs at that moment (tried among a few random candidates).
    household_start = pd.Series(minors.start.to_numpy()).groupby(household).min().reindex(range(n_households))
    household_start = household_start.fillna(pd.Timestamp(window_end)).to_numpy().astype("datetime64[D]")
    for domein, share in (("participatie", STAPELING["ouder_in_participatie"]), ("wmo", STAPELING["ouder_in_wmo"])):
        pool = episodes.get(domein)
        if pool is None or pool.empty:
            continue
        pick = np.flatnonzero((parent_id < 0) & (rng.random(n_households) < share))
        tries = rng.integers(0, len(pool), size=(len(pick), 8))
        pool_start = pool.start.to_numpy().astype("datetime64[D]")[tries]
        pool_end = pool.end.to_numpy().astype("datetime64[D]")[tries]
        at = household_start[pick][:, None]
        overlaps = (pool_start <= at) & (pool_end >= at)
        found = overlaps.any(axis=1)
        first = overlaps.argmax(axis=1)
        parent_id[pick[found]] = pool.person.to_numpy()[tries[found, first[found]]]
    fresh = parent_id < 0
    parent_id[fresh] = people.add(rng, parent_birth[fresh], parent_address[fresh], taken)
    identities = people.frame()
    gezag = pd.DataFrame(
        {
            "person": minors.person.to_numpy(),
            "bsn_gezagdrager": identities.bsn.to_numpy()[parent_id[household]],
            "gezag_address": identities.address.to_numpy()[parent_id[household]],
        }
    )
    jeugd = jeugd.merge(gezag, on="person", how="left")
    # Spec: for jeugd the postcode is the gezagdrager's address.
    has_parent = jeugd.gezag_address.notna()
    jeugd.loc[has_parent, "address"] = jeugd.loc[has_parent, "gezag_address"]
    result["jeugd"] = jeugd.drop(columns="gezag_address")
    return result
