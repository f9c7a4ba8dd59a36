"""Synthetic deliveries on real geography: the generator behind `data/sample/` and the benchmarks.

Why synthetic: the monitor handles the most sensitive data a gemeente holds, so nothing real may
enter the repository. The generator keeps what makes the data useful for testing real behaviour:
real gemeente and wijk codes and populations (CBS KWB 2024), client numbers at the national rates
the spec quotes, the same people in several domeinen and periodes (for stapeling and trends), and
the ways real exports differ (separators, encodings, date formats, Excel's lost leading zero,
Parquet, XLSX, a little dirt).

Everything is drawn from a random generator seeded by (seed, gemeente, domein), so a gemeente's
data are the same whether it is generated alone or with the others, and the same on every run.
BSNs are random 9-digit numbers that pass the 11-proef; they are not taken from any register.
Postcodes are synthetic too (a block of PC4 numbers per gemeente) and come with a CBS-format
postcode-huisnummer table (`geo/pc6hnr20240801_gwb.csv`) that places them in real wijken and in
synthetic buurten (`BU` + wijk code + two digits).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from vocabulary.periode import Periode
from vocabulary.reference import gemeenten as all_gemeenten
from vocabulary.reference import kwb_gemeenten, kwb_wijken, share_of_ages

DEFAULT_PERIODES = ("2024-H2", "2025-H1")
# The committed sample (data/sample/): the first 15 gemeenten of CBS's alphabetical KWB list.
SAMPLE_GEMEENTEN = (
    "GM1680", "GM0358", "GM0197", "GM0059", "GM0482", "GM0613", "GM0361", "GM0141",
    "GM0034", "GM0484", "GM1723", "GM1959", "GM0060", "GM0307", "GM0362",
)  # fmt: skip
DEFAULT_SEED = 20250701
FORMATS = ("gemengd", "csv", "parquet")
PC6_TABLE_NAME = "pc6hnr20240801_gwb.csv"

# Gemeenten with a special role in the sample (see data/sample/README.md).
NO_CONSENT = {"GM0197"}  # Aalten: publicatie_basis nee
NO_CONSENT_FACULTATIEF = {"GM0361"}  # Alkmaar: delivers facultatieve gegevens, publicatie_facultatief nee
DOMEIN_INDEX = {"participatie": 1, "wmo": 2, "jeugd": 3}

BSN_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
_LETTERS = [a + b for a in string.ascii_uppercase for b in string.ascii_uppercase if a + b not in ("SA", "SD", "SS")]
DAY = np.timedelta64(1, "D")


# --------------------------------------------------------------------------------------------
# What a client population looks like. Rates are persons with a traject in a half-year, chosen so
# the published figures land near the national levels of the spec (monitor.md, reference levels).
# Durations are medians in days of a lognormal distribution (sigma 0.9).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientType:
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
PROVIDER_WORDS = ("Zorggroep", "Stichting", "Jeugdhulp", "Thuiszorg", "Welzijn", "Coöperatie", "Begeleiding")
PROVIDER_PLACES = ("De Linde", "Noord", "Het Anker", "De Brug", "Zuidwest", "Samen", "De Horizon", "Oost", "De Kern")


# --------------------------------------------------------------------------------------------
# How each gemeente exports: format, separators, date format, optional columns.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportStyle:
    """How one gemeente's case system writes its files (the variety the intake must survive)."""

    extension: str = "csv"  # csv | xlsx | parquet
    sep: str = ","
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1252
    date_format: str = "%Y%m%d"
    excel_numbers: bool = False  # BSN written as a number (leading zero lost), decimal comma
    header_style: str = "lower"  # lower | upper | title-spaced
    postcode_style: str = "plain"  # plain | spaced-lower
    optional: tuple[str, ...] = ()  # optional basisset columns delivered
    facultatief: tuple[str, ...] = ()  # facultatieve columns delivered
    dirt: float = 0.0  # share of rows with a rule violation


def export_style(gemeente_code: str, index: int, inwoners: int, formaat: str) -> ExportStyle:
    """A deterministic style per gemeente; `index` is the gemeente's place in the national list."""
    optional = ["huisnummer", "herkomst", "aanbieder_naam", "datum_aanvraag", "reden_einde", "iq_indicatie"]
    optional = tuple(col for i, col in enumerate(optional) if (index + i) % 4 != 0 or col == "huisnummer")
    facultatief = (
        ("resultaat", "zrm_start", "zrm_einde", "clientervaring"),
        ("kosten_euro", "intensiteit_uren_week", "erkende_interventie", "resultaat"),
        (),
    )[index % 3]
    if gemeente_code in NO_CONSENT_FACULTATIEF and not facultatief:
        facultatief = ("resultaat", "kosten_euro")
    dirt = 0.003 if index % 2 == 0 else 0.0
    base = ExportStyle(optional=optional, facultatief=facultatief, dirt=dirt)
    if formaat == "csv":
        return base
    if formaat == "parquet":
        return ExportStyle(**{**base.__dict__, "extension": "parquet"})
    if gemeente_code == "GM0197":  # Dutch Excel: ; cp1252 DD-MM-JJJJ, numbers as numbers
        return ExportStyle(**{**base.__dict__, "sep": ";", "encoding": "cp1252", "date_format": "%d-%m-%Y",
                              "excel_numbers": True, "header_style": "title-spaced"})
    if gemeente_code == "GM0060":
        return ExportStyle(**{**base.__dict__, "extension": "xlsx", "date_format": "%Y-%m-%d"})
    if inwoners >= 70_000:
        return ExportStyle(**{**base.__dict__, "extension": "parquet", "date_format": "%Y-%m-%d"})
    if index % 3 == 1:
        return ExportStyle(**{**base.__dict__, "sep": ";", "encoding": "utf-8-sig", "date_format": "%Y-%m-%d",
                              "header_style": "upper", "postcode_style": "spaced-lower"})
    return base


# --------------------------------------------------------------------------------------------
# Geography: synthetic addresses in real wijken.
# --------------------------------------------------------------------------------------------


@dataclass
class Addresses:
    """All synthetic addresses of one gemeente: postcode, huisnummer, buurt, wijk, and a weight."""

    table: pd.DataFrame  # postcode, huisnummer, buurt_code, wijk_code, gemeente_code
    weight: np.ndarray  # relative chance that a client lives at each address


def make_addresses(gemeente_code: str, national_index: int, wijken: pd.DataFrame, rng: np.random.Generator) -> Addresses:
    """Addresses per wijk in proportion to its population, in sequential PC6s split over buurten.

    PC4 numbers come from a block of 25 per gemeente (by its place in the national list), so
    postcodes never collide between gemeenten. Buurten are cut from the sequential address list,
    which leaves some PC6s spanning two buurten, as in the real table.
    """
    wijken = wijken[wijken.inwoners.fillna(0) > 0].sort_values("wijkcode")
    per_wijk = np.maximum(10, np.ceil(wijken.inwoners.to_numpy() / 10.0)).astype(int)
    total = int(per_wijk.sum())
    house_numbers = rng.integers(8, 30, size=total // 8 + len(per_wijk) + 10)
    pc6_of_address = np.repeat(np.arange(len(house_numbers)), house_numbers)[:total]
    huisnummer = np.concatenate([np.arange(1, n + 1) for n in house_numbers])[:total]
    pc4_base = 1000 + national_index * 25
    postcodes = np.array([f"{pc4_base + i // len(_LETTERS)}{_LETTERS[i % len(_LETTERS)]}" for i in range(pc6_of_address.max() + 1)])
    wijk_of_address = np.repeat(wijken.wijkcode.to_numpy(), per_wijk)
    buurt = np.empty(total, dtype=object)
    start = 0
    for code, n, inwoners in zip(wijken.wijkcode, per_wijk, wijken.inwoners):
        parts = int(np.clip(round(inwoners / 2500), 1, 8))
        cuts = np.sort(rng.choice(np.arange(1, n), size=min(parts - 1, n - 1), replace=False)) if parts > 1 else []
        labels = np.zeros(n, dtype=int)
        for cut in cuts:
            labels[cut:] += 1
        buurt[start:start + n] = [f"BU{code[2:]}{label:02d}" for label in labels]
        start += n
    table = pd.DataFrame(
        {
            "postcode": postcodes[pc6_of_address],
            "huisnummer": huisnummer,
            "buurt_code": buurt,
            "wijk_code": wijk_of_address,
            "gemeente_code": gemeente_code,
        }
    )
    # Wijken differ in need: a lognormal factor per wijk makes wijk figures vary like real ones.
    wijk_factor = dict(zip(wijken.wijkcode, rng.lognormal(0.0, 0.35, size=len(wijken))))
    weight = table.wijk_code.map(wijk_factor).to_numpy(dtype=float)
    return Addresses(table=table, weight=weight / weight.sum())


def pc6_table_cbs(addresses: list[pd.DataFrame], year: int = 2024) -> pd.DataFrame:
    """The addresses in CBS's published format: `PC6;Huisnummer;BuurtJJJJ;WijkJJJJ;GemeenteJJJJ`,
    codes numeric without prefix (so a leading zero disappears, as in the real file)."""
    table = pd.concat(addresses, ignore_index=True)
    return pd.DataFrame(
        {
            "PC6": table.postcode,
            "Huisnummer": table.huisnummer.astype(str),
            f"Buurt{year}": table.buurt_code.str[2:].str.lstrip("0"),
            f"Wijk{year}": table.wijk_code.str[2:].str.lstrip("0"),
            f"Gemeente{year}": table.gemeente_code.str[2:].str.lstrip("0"),
        }
    )


# --------------------------------------------------------------------------------------------
# People and trajecten.
# --------------------------------------------------------------------------------------------


def fake_bsns(rng: np.random.Generator, count: int, exclude: set[str] | None = None) -> np.ndarray:
    """`count` distinct random 9-digit strings passing the 11-proef.

    About 9 % start with 0, never with 00: a real BSN has at most one leading zero for Excel to
    drop (the spec reads an 8-digit value as a BSN that lost it).
    """
    out: list[np.ndarray] = []
    have = 0
    seen = set(exclude or ())
    while have < count:
        stems = rng.integers(10**6, 10**8, size=int((count - have) * 1.15) + 16)
        digits = (stems[:, None] // 10 ** np.arange(7, -1, -1)) % 10
        check = (digits @ BSN_WEIGHTS) % 11
        ok = check < 10
        numbers = stems[ok] * 10 + check[ok]
        text = np.char.zfill(numbers.astype(str), 9)
        fresh = [t for t in dict.fromkeys(text.tolist()) if t not in seen]
        seen.update(fresh)
        out.append(np.array(fresh[: count - have], dtype=object))
        have += len(out[-1])
    return np.concatenate(out) if out else np.array([], dtype=object)


def _pick(rng: np.random.Generator, options: tuple[tuple[str, float], ...], size: int) -> np.ndarray:
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
        bsns = fake_bsns(rng, n, exclude=taken)
        taken.update(bsns.tolist())
        self.bsn.append(bsns)
        self.geboortedatum.append(birth)
        self.geslacht.append(_pick(rng, (("M", 0.49), ("V", 0.505), ("O", 0.005)), n))
        self.herkomst.append(_pick(rng, HERKOMST, n))
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
            voorziening = _pick(rng, client_type.primary, n)
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


# --------------------------------------------------------------------------------------------
# Export: one periode's file per domein, in the gemeente's own style.
# --------------------------------------------------------------------------------------------


def _dates(values: pd.Series, fmt: str) -> pd.Series:
    return pd.to_datetime(values).dt.strftime(fmt).fillna("")


def delivery_frame(
    trajecten: pd.DataFrame,
    domein: str,
    gemeente_code: str,
    periode: Periode,
    addresses: Addresses,
    style: ExportStyle,
    providers: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The rows a gemeente delivers for one periode: trajecten overlapping it, as the spec's columns."""
    p_start, p_end = np.datetime64(periode.start.date()), np.datetime64(periode.einde.date())
    start = trajecten.start.to_numpy().astype("datetime64[D]")
    end = trajecten.end.to_numpy().astype("datetime64[D]")
    keep = (start <= p_end) & (end >= p_start)
    t = trajecten[keep].reset_index(drop=True)
    n = len(t)
    ended = t.end.to_numpy().astype("datetime64[D]") <= p_end
    address = addresses.table.iloc[t.address.to_numpy().astype(int)].reset_index(drop=True)
    postcode = address.postcode.copy()
    unknown = rng.random(n) < 0.01  # address unknown
    outside = rng.random(n) < 0.003  # a postcode the table does not know (moved, typo)
    postcode[unknown] = ""
    postcode[outside] = [f"{rng.integers(1000, 9999)}ZZ" for _ in range(int(outside.sum()))]
    if style.postcode_style == "spaced-lower":
        spaced = rng.random(n) < 0.5
        postcode[spaced] = postcode[spaced].str[:4] + " " + postcode[spaced].str[4:].str.lower()
    huisnummer = address.huisnummer.astype(str).where(~unknown, "")

    out = pd.DataFrame(
        {
            "gemeentecode": gemeente_code,
            "bsn": t.bsn.to_numpy(),
            "geboortedatum": _dates(t.geboortedatum, style.date_format),
            "geslacht": t.geslacht.to_numpy(),
            "postcode": postcode.to_numpy(),
            "huisnummer": huisnummer.to_numpy(),
        }
    )
    if domein == "jeugd":
        out.insert(2, "bsn_gezagdrager", t.bsn_gezagdrager.fillna("").to_numpy())
    out["herkomst"] = t.herkomst.to_numpy()
    provider = providers[rng.zipf(1.6, size=n) % len(providers)]
    gemeente_itself = t.voorziening.isin(["P01", "P05", "P06"]).to_numpy()
    out["aanbieder_id"] = np.where(gemeente_itself, "GEMEENTE", provider)
    out["aanbieder_naam"] = np.where(gemeente_itself, "", [f"Aanbieder {p[-3:]}" for p in provider])
    aanvraag = t.start - pd.to_timedelta(np.round(rng.lognormal(np.log(35), 0.6, size=n)), unit="D")
    out["datum_aanvraag"] = _dates(aanvraag, style.date_format) if domein != "participatie" else ""
    out["datum_start"] = _dates(t.start, style.date_format)
    out["datum_einde"] = np.where(ended, _dates(t.end, style.date_format), "")
    out["voorziening"] = t.voorziening.to_numpy()
    if domein == "jeugd":
        out["leveringsvorm"] = np.where(rng.random(n) < 0.04, "PGB", "ZIN")
        verwijzer = _pick(rng, VERWIJZER, n)
        verwijzer[t.voorziening.str.startswith(("JB", "JR")).to_numpy()] = "04"
        out["verwijzer"] = verwijzer
        out["reden_einde"] = np.where(ended, _pick(rng, REDEN_EINDE, n), "")
        out["iq_indicatie"] = _pick(rng, IQ, n)
    elif domein == "wmo":
        out["leveringsvorm"] = np.where(rng.random(n) < 0.08, "PGB", "ZIN")
    else:
        out["leveringsvorm"] = ""
    out["huisnummer"] = out["huisnummer"]
    optional = set(style.optional)
    for column in ("huisnummer", "herkomst", "aanbieder_naam", "datum_aanvraag", "reden_einde", "iq_indicatie"):
        if column in out and column not in optional:
            out = out.drop(columns=column)
    if domein == "participatie" and "datum_aanvraag" in out:
        out = out.drop(columns="datum_aanvraag")

    faculty = set(style.facultatief)
    if "resultaat" in faculty:
        out["resultaat"] = np.where(ended, _pick(rng, RESULTAAT, n), "")
    if "zrm_start" in faculty and domein != "jeugd":
        zrm_start = rng.integers(1, 5, size=n)
        improvement = rng.choice([-1, 0, 0, 1, 1, 2], size=n)
        out["zrm_start"] = zrm_start.astype(str)
        out["zrm_einde"] = np.where(ended, np.clip(zrm_start + improvement, 1, 5).astype(str), "")
    if "clientervaring" in faculty:
        out["clientervaring"] = np.where(rng.random(n) < 0.4, rng.integers(1, 6, size=n).astype(str), "")
    if "intensiteit_uren_week" in faculty and domein != "participatie":
        out["intensiteit_uren_week"] = np.round(rng.gamma(2.0, 1.5, size=n), 1).astype(str)
    if "kosten_euro" in faculty:
        out["kosten_euro"] = np.round(rng.gamma(1.5, 900.0, size=n), 2).astype(str)
    if "erkende_interventie" in faculty and domein == "jeugd":
        out["erkende_interventie"] = np.where(rng.random(n) < 0.3, "J", "N")

    out = _add_dirt(out, style, rng)
    return _apply_style(out, style)


def _add_dirt(out: pd.DataFrame, style: ExportStyle, rng: np.random.Generator) -> pd.DataFrame:
    """A few rows break a rule, as in real exports: a mistyped BSN, swapped dates, an unknown code,
    a malformed postcode. A few have BSN `000000000` (unknown), which the spec allows."""
    n = len(out)
    unknown_bsn = rng.random(n) < 0.001
    out.loc[unknown_bsn, "bsn"] = "000000000"
    if style.dirt <= 0 or n == 0:
        return out
    dirty = np.flatnonzero(rng.random(n) < style.dirt)
    kinds = rng.integers(0, 4, size=len(dirty))
    for row, kind in zip(dirty, kinds):
        if kind == 0:
            bsn = out.at[row, "bsn"]
            out.at[row, "bsn"] = bsn[:8] + str((int(bsn[8]) + 1) % 10)
        elif kind == 1 and out.at[row, "datum_einde"]:
            out.at[row, "datum_einde"], out.at[row, "datum_start"] = out.at[row, "datum_start"], out.at[row, "datum_einde"]
        elif kind == 2:
            out.at[row, "voorziening"] = "99"
        else:
            out.at[row, "postcode"] = "12345"
    return out


def _apply_style(out: pd.DataFrame, style: ExportStyle) -> pd.DataFrame:
    out = out.copy()
    if style.excel_numbers:
        for column in ("bsn", "bsn_gezagdrager"):
            if column in out:
                # Excel drops a leading zero; `000000000` (unknown) was typed as text and survives.
                known = (out[column] != "") & (out[column] != "000000000")
                out.loc[known, column] = out.loc[known, column].str.lstrip("0")
        for column in ("kosten_euro", "intensiteit_uren_week"):
            if column in out:
                out[column] = out[column].str.replace(".", ",", regex=False)
    if style.header_style == "upper":
        out.columns = [c.upper() for c in out.columns]
    elif style.header_style == "title-spaced":
        out.columns = [f" {c.capitalize()} " if i % 3 == 0 else c.capitalize() for i, c in enumerate(out.columns)]
    return out


def write_delivery(frame: pd.DataFrame, path: Path, style: ExportStyle) -> None:
    if style.extension == "parquet":
        frame.astype("string").to_parquet(path, index=False, compression="zstd")
    elif style.extension == "xlsx":
        frame.to_excel(path, index=False, sheet_name="Aanlevering")
    else:
        frame.to_csv(path, sep=style.sep, index=False, encoding=style.encoding, lineterminator="\r\n" if style.encoding == "cp1252" else "\n")


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


@dataclass
class GenerateSummary:
    out_dir: Path
    gemeenten: list[str]
    periodes: list[str]
    files: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    addresses: int = 0
    bytes: int = 0

    def __str__(self) -> str:
        def nl(number: int) -> str:
            return f"{number:,}".replace(",", ".")

        per_domein = ", ".join(f"{domein} {nl(count)}" for domein, count in self.rows.items())
        size = f"{self.bytes / 1e6:.1f}".replace(".", ",")
        return (
            f"{self.files} bestanden voor {len(self.gemeenten)} gemeenten en {len(self.periodes)} periodes "
            f"({', '.join(self.periodes)}) in {self.out_dir}\n"
            f"rijen: {per_domein}; adressen in de postcodetabel: {nl(self.addresses)}; omvang: {size} MB"
        )


def _kwb() -> tuple[pd.DataFrame, pd.DataFrame]:
    """KWB figures of every gemeente and wijk, with whole-number counts (missing = 0)."""
    gem = kwb_gemeenten().copy()
    wijk = kwb_wijken().copy()
    for frame in (gem, wijk):
        for column in ("inwoners", "woningvoorraad"):
            frame[column] = frame[column].fillna(0).astype("int64")
    return gem, wijk


def generate(
    out_dir: Path,
    *,
    gemeenten: list[str] | None = None,
    periodes: tuple[str, ...] | list[str] = DEFAULT_PERIODES,
    seed: int = DEFAULT_SEED,
    schaal: float = 1.0,
    formaat: str = "gemengd",
) -> GenerateSummary:
    """Write synthetic deliveries to `out_dir/inbox/<GM>/<periode>/` and the table to `out_dir/geo/`.

    Raises ValueError (Dutch message) for unknown gemeenten, periodes or formats.
    """
    if formaat not in FORMATS:
        raise ValueError(f"formaat '{formaat}' is onbekend; kies uit {', '.join(FORMATS)}.")
    if schaal <= 0:
        raise ValueError("schaal moet groter dan 0 zijn.")
    gem, wijk = _kwb()
    available = list(gem.gemeentecode)
    chosen = list(dict.fromkeys(gemeenten or SAMPLE_GEMEENTEN))
    unknown = [code for code in chosen if code not in available]
    if unknown:
        raise ValueError(
            f"Voor {', '.join(unknown)} zijn geen wijkgegevens (CBS KWB 2024) in data/reference; "
            f"kies uit {', '.join(available)}."
        )
    try:
        parsed = sorted({Periode.halfjaar(p) for p in periodes})
    except ValueError as exc:
        raise ValueError(f"periode: {exc}") from exc
    if not parsed:
        raise ValueError("Geef minstens één periode.")

    out_dir = Path(out_dir)
    national = {code: i for i, code in enumerate(all_gemeenten().gemeente_code)}
    summary = GenerateSummary(out_dir, chosen, [p.code for p in parsed], rows={d: 0 for d in ("jeugd", "wmo", "participatie")})
    address_tables: list[pd.DataFrame] = []
    for code in chosen:
        inwoners = int(gem.loc[gem.gemeentecode == code, "inwoners"].iloc[0])
        index = national[code]
        rng = np.random.default_rng([seed, int(code[2:]), 0])
        addresses = make_addresses(code, index, wijk[wijk.gemeentecode == code], rng)
        address_tables.append(addresses.table)
        trajecten = simulate_gemeente(code, inwoners, addresses, parsed, seed=seed, schaal=schaal)
        style = export_style(code, index, inwoners, formaat)
        providers = np.char.zfill(rng.integers(0, 10**8, size=40).astype(str), 8)
        for periode in parsed:
            folder = out_dir / "inbox" / code / periode.code
            folder.mkdir(parents=True, exist_ok=True)
            files = []
            for domein in ("jeugd", "wmo", "participatie"):
                export_rng = np.random.default_rng([seed, int(code[2:]), DOMEIN_INDEX[domein], int(periode.start.strftime("%Y%m"))])
                frame = delivery_frame(trajecten[domein], domein, code, periode, addresses, style, providers, export_rng)
                name = f"{code}_{periode.code}_{domein}.{style.extension}"
                write_delivery(frame, folder / name, style)
                files.append({"bestand": name, "domein": domein})
                summary.rows[domein] += len(frame)
                summary.files += 1
                summary.bytes += (folder / name).stat().st_size
            manifest = {
                "gemeentecode": code,
                "periode": periode.code,
                "bestanden": files,
                "publicatie_basis": "nee" if code in NO_CONSENT else "ja",
                "publicatie_facultatief": "nee" if code in NO_CONSENT | NO_CONSENT_FACULTATIEF else "ja",
            }
            (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8")
    geo = out_dir / "geo"
    geo.mkdir(parents=True, exist_ok=True)
    table = pc6_table_cbs(address_tables)
    table.to_csv(geo / PC6_TABLE_NAME, sep=";", index=False)
    summary.addresses = len(table)
    summary.bytes += (geo / PC6_TABLE_NAME).stat().st_size
    return summary
