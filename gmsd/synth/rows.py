"""One periode's delivery of one domein: the trajecten overlapping it, as the spec's columns, in the
gemeente's own export style, with the dirt of real exports.

Which columns appear follows the gemeente's style (optional basisset columns, a facultatieve set);
a few rows break a rule on purpose (`add_dirt`), so the intake's verdict *goedgekeurd met
afwijkingen* and its quality report have something to show.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from gmsd.synth.addresses import Addresses
from gmsd.synth.clients import IQ, REDEN_EINDE, RESULTAAT, VERWIJZER
from gmsd.synth.people import draw
from gmsd.synth.styles import ExportStyle
from vocabulary.periode import Periode


# Where each part of a date format sits in ISO text `JJJJ-MM-DD` (position 4 is a `-`).
_ISO_POSITIONS = {"%Y": [0, 1, 2, 3], "%m": [5, 6], "%d": [8, 9], "-": [4]}


def _dates(values: pd.Series, fmt: str) -> pd.Series:
    """`values` as text in `fmt` (made of %Y, %m, %d and -), empty where missing.

    The same text as `strftime`, five times faster: the characters of numpy's ISO text are
    rearranged as a block instead of formatting date by date.
    """
    positions = [i for part in re.findall(r"%[Ymd]|-", fmt) for i in _ISO_POSITIONS[part]]
    if "".join(re.findall(r"%[Ymd]|-", fmt)) != fmt:
        raise ValueError(f"unsupported date format {fmt!r}")
    days = pd.to_datetime(values).to_numpy().astype("datetime64[D]")
    iso = np.datetime_as_string(days, unit="D").astype("<U10")
    characters = np.ascontiguousarray(iso.view("<U1").reshape(-1, 10)[:, positions])
    text = characters.view(f"<U{len(positions)}").ravel().astype(object)
    text[np.isnat(days)] = ""
    return pd.Series(text, index=values.index)


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
        verwijzer = draw(rng, VERWIJZER, n)
        verwijzer[t.voorziening.str.startswith(("JB", "JR")).to_numpy()] = "04"
        out["verwijzer"] = verwijzer
        out["reden_einde"] = np.where(ended, draw(rng, REDEN_EINDE, n), "")
        out["iq_indicatie"] = draw(rng, IQ, n)
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
        out["resultaat"] = np.where(ended, draw(rng, RESULTAAT, n), "")
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

    out = add_dirt(out, style, rng)
    return apply_style(out, style)


def add_dirt(out: pd.DataFrame, style: ExportStyle, rng: np.random.Generator) -> pd.DataFrame:
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


def apply_style(out: pd.DataFrame, style: ExportStyle) -> pd.DataFrame:
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
