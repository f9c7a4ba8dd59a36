"""Contracts for a gemeente's delivery (basisset + facultatieve gegevensset), one model per domein.

The models validate a *normalised* delivery (see clearinghouse.normalise): column names lower-case,
values stripped, codes canonicalised (GM-prefix, 9-digit BSN, postcode without space), dates parsed.
Values that could not be parsed arrive as missing, with the original kept by the reader for the
report. Helper columns starting with `_` (periode bounds, age) are added by the normaliser so that
cross-column rules can be checked here, in the contract, and not scattered through the code.

Every rule has a severity (spec "Severity of a broken rule"), declared here: on each column in its
`metadata` (`ernst`, and for a waarschuwing the code that stands for "unknown"), and for the rules
over several columns in `CROSS_COLUMN_RULES`. A *fout* rejects the row; a *waarschuwing* makes the
value unknown and the row still counts. `contracts.regels` turns this into the list of rules that
the intake applies and the gegevenswoordenboek prints.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
from pandera.typing import Series

from vocabulary import codes
from vocabulary.arrow_text import ascii_bytes
from vocabulary.oordelen import FOUT, WAARSCHUWING

BSN_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1])
UNKNOWN_BSN = "000000000"


def elfproef(values: pd.Series) -> pd.Series:
    """True where a 9-digit string passes the 11-proef (vectorised). `000000000` (unknown) passes."""
    text = values.astype("string").fillna("")
    fast = _elfproef_ascii(text)
    return pd.Series(fast, index=values.index) if fast is not None else _elfproef_general(text, values.index)


def _elfproef_ascii(text: pd.Series) -> np.ndarray | None:
    """`elfproef` for ASCII text (where `\\d` is 0-9 for Arrow and Python alike), read from Arrow's
    bytes: no regular expression and no conversion to Python strings. None for other text."""
    result = np.zeros(len(text), dtype=bool)
    if len(text) == 0:
        return result
    found = ascii_bytes(pa_arrow.array(text.array))
    if found is None:
        return None
    offsets, data = found
    rows = np.flatnonzero(np.diff(offsets) == 9)  # no nulls: filled with "" above
    digits = data[offsets[rows][:, None] + np.arange(9)].astype(np.int64) - 48
    shaped = ((digits >= 0) & (digits <= 9)).all(axis=1)
    result[rows[shaped]] = (digits[shaped] @ BSN_WEIGHTS) % 11 == 0
    return result


def _elfproef_general(text: pd.Series, index: pd.Index) -> pd.Series:
    ok_shape = text.str.fullmatch(r"\d{9}").fillna(False).to_numpy(dtype=bool)
    result = np.zeros(len(text), dtype=bool)
    if ok_shape.any():
        # Nine code points per value (a fixed-width NumPy string viewed as integers), no loop per row.
        digits = text[ok_shape].to_numpy(dtype="U9").view(np.uint32).reshape(-1, 9).astype(np.int64) - 48
        result[ok_shape] = (digits @ BSN_WEIGHTS) % 11 == 0
    return pd.Series(result, index=index)


def _ernst(ernst: str, *, onbekend: str | None = None, formaat: str | None = None, gevolg: str | None = None) -> dict:
    """Column metadata: the severity of every rule on the column; for a waarschuwing the code that
    means unknown (default: empty) and, where it says more, what an unknown value means (`gevolg`);
    for a pattern rule the format in words (for the report)."""
    metadata: dict = {"ernst": ernst}
    for key, value in (("onbekend", onbekend), ("formaat", formaat), ("gevolg", gevolg)):
        if value is not None:
            metadata[key] = value
    return metadata


FOUT_KOLOM = _ernst(FOUT)
WAARSCHUWING_KOLOM = _ernst(WAARSCHUWING)


def _opt(metadata: dict = WAARSCHUWING_KOLOM, **kwargs):
    """An optional column: may be absent from the file, and empty in any row."""
    return pa.Field(nullable=True, required=False, metadata=metadata, **kwargs)


class Basisset(pa.DataFrameModel):
    """Columns every domein shares (aanleverformaat, 'Basisset')."""

    gemeentecode: Series[str] = pa.Field(
        str_matches=r"^GM\d{4}$",
        metadata=_ernst(FOUT, formaat="`GM` en 4 cijfers (`GM0363`) of alleen de 4 cijfers (`0363`)"),
        description="Code van de aanleverende gemeente, `GM0363` of `0363`; moet gelijk zijn aan de gemeente die levert.",
    )
    bsn: Series[str] = pa.Field(
        str_matches=r"^\d{9}$",
        metadata=_ernst(FOUT, formaat="9 cijfers (7 of 8 cijfers: voorloopnullen worden aangevuld); `000000000` als het BSN onbekend is"),
        description="Burgerservicenummer van de cliënt, 9 cijfers. 7 of 8 cijfers: de voorloopnullen zijn (door Excel) "
        "weggevallen; ze worden aangevuld als het BSN dan aan de 11-proef voldoet (waarschuwing). "
        "Moet voldoen aan de 11-proef; `000000000` = onbekend (telt mee in gemeentetotalen, niet koppelbaar).",
    )
    geboortedatum: Series[pd.Timestamp] = pa.Field(
        metadata=FOUT_KOLOM,
        description="Geboortedatum `JJJJMMDD`, `JJJJ-MM-DD` of `DD-MM-JJJJ`; `JJJJMM00`/`JJJJ0000` = dag/maand onbekend. "
        "Niet in de toekomst, niet voor 1900. Wordt alleen gebruikt voor de leeftijd en niet bewaard.",
    )
    geslacht: Series[str] = pa.Field(
        isin=codes.GESLACHT,
        metadata=_ernst(WAARSCHUWING, onbekend="O"),
        description="`M`, `V` of `O` (onbekend); `X` wordt gelezen als `O`.",
    )
    postcode: Series[str] = pa.Field(
        nullable=True,
        str_matches=r"^[1-9][0-9]{3}[A-Z]{2}$",
        metadata=_ernst(
            WAARSCHUWING,
            formaat="4 cijfers (niet beginnend met 0) en 2 letters, zoals `1234AB` of `1234 ab`",
            gevolg="Het adres telt als onbekend: de regel telt mee voor de gemeente, niet voor een wijk.",
        ),
        description="Postcode (PC6) van het woonadres, bijvoorbeeld `1234AB` (spatie mag). Leeg of onjuist = adres onbekend: "
        "telt mee voor de gemeente, niet voor een wijk. Jeugd: adres van de gezagdrager. Wordt niet bewaard.",
    )
    huisnummer: Series[pd.Int64Dtype] = _opt(
        ge=1, description="Huisnummer (geheel getal), optioneel; maakt de buurt exact als een postcode meerdere buurten beslaat."
    )
    herkomst: Series[str] = _opt(
        _ernst(WAARSCHUWING, onbekend="ONB"), isin=codes.HERKOMST, description="Optioneel: `NL`, `EU`, `NEU` of `ONB`."
    )
    aanbieder_id: Series[str] = pa.Field(
        str_matches=r"^(\d{8}|GEMEENTE)$",
        metadata=_ernst(WAARSCHUWING, formaat="8 cijfers (AGB-code of KvK-nummer) of het woord `GEMEENTE`"),
        description="AGB-code of KvK-nummer (8 cijfers) van de aanbieder; `GEMEENTE` als de gemeente zelf levert.",
    )
    aanbieder_naam: Series[str] = _opt(description="Optioneel: naam van de aanbieder.")
    datum_aanvraag: Series[pd.Timestamp] = _opt(
        FOUT_KOLOM, description="Optioneel: datum van aanvraag of melding (voor de doorlooptijd)."
    )
    datum_start: Series[pd.Timestamp] = pa.Field(metadata=FOUT_KOLOM, description="Startdatum van de voorziening.")
    datum_einde: Series[pd.Timestamp] = pa.Field(
        nullable=True, metadata=FOUT_KOLOM, description="Einddatum van de voorziening; leeg = loopt nog. Niet voor de startdatum."
    )
    reden_einde: Series[str] = _opt(description="Optioneel: reden beëindiging.")
    # Facultatieve gegevensset
    resultaat: Series[str] = _opt(
        isin=codes.RESULTAAT, description="Facultatief: doel behaald? `behaald`, `deels`, `niet`, `onbekend` (alleen bij beëindigde trajecten)."
    )
    zrm_start: Series[pd.Int64Dtype] = _opt(ge=1, le=5, description="Facultatief: Zelfredzaamheid-Matrix-score bij start (1–5).")
    zrm_einde: Series[pd.Int64Dtype] = _opt(ge=1, le=5, description="Facultatief: Zelfredzaamheid-Matrix-score bij einde (1–5).")
    clientervaring: Series[pd.Int64Dtype] = _opt(ge=1, le=5, description="Facultatief: waardering van de cliënt (1–5).")
    intensiteit_uren_week: Series[float] = _opt(ge=0, description="Facultatief: uren ondersteuning per week (≥ 0).")
    kosten_euro: Series[float] = _opt(ge=0, description="Facultatief: bedrag betaald in de periode in euro (≥ 0; decimaalkomma of -punt).")
    # Check methods carry the same name as their rule: pandera reports some checks under the method
    # name and some under `name=`, and the reports must show one name.
    # Cross-column rules below also read helper columns the normaliser adds (`_periode_start`,
    # `_periode_einde`, `_leeftijd`); they are not part of the delivery and never stored.

    @pa.check("bsn", name="bsn_elfproef", error="Het BSN voldoet niet aan de 11-proef.")
    def bsn_elfproef(cls, bsn: Series[str]) -> Series[bool]:
        return elfproef(bsn)

    @pa.check("geboortedatum", name="geboortedatum_plausibel", error="De geboortedatum ligt in de toekomst of voor 1900.")
    def geboortedatum_plausibel(cls, value: Series[pd.Timestamp]) -> Series[bool]:
        return (value >= pd.Timestamp("1900-01-01")) & (value <= pd.Timestamp.today())

    @pa.dataframe_check(name="einde_na_start", error="De einddatum ligt voor de startdatum.")
    def einde_na_start(cls, df: pd.DataFrame) -> Series[bool]:
        return df["datum_einde"].isna() | df["datum_start"].isna() | (df["datum_einde"] >= df["datum_start"])

    @pa.dataframe_check(
        name="overlapt_periode",
        error="Het traject valt buiten de periode: het begint na het einde van de periode of eindigt voor het begin ervan.",
    )
    def overlapt_periode(cls, df: pd.DataFrame) -> Series[bool]:
        starts_in_time = df["datum_start"].isna() | (df["datum_start"] <= df["_periode_einde"])
        not_ended_before = df["datum_einde"].isna() | (df["datum_einde"] >= df["_periode_start"])
        return starts_in_time & not_ended_before

    @pa.dataframe_check(
        name="resultaat_alleen_bij_einde",
        error="Er is een resultaat ingevuld bij een traject dat nog loopt (geen einddatum); het resultaat telt als onbekend.",
    )
    def resultaat_alleen_bij_einde(cls, df: pd.DataFrame) -> Series[bool]:
        if "resultaat" not in df:
            return pd.Series(True, index=df.index)
        return df["resultaat"].isna() | df["datum_einde"].notna()

    class Config:
        strict = False  # unknown extra columns are ignored (and never stored), not an error
        coerce = False


def _leeftijd_check(domein: str):
    low, high = codes.LEEFTIJD_GRENZEN[domein]

    def check(cls, df: pd.DataFrame) -> Series[bool]:
        return df["_leeftijd"].isna() | df["_leeftijd"].between(low, high)

    return pa.dataframe_check(
        check,
        name="leeftijd_plausibel",
        error=f"De leeftijd aan het einde van de periode past niet bij {domein} ({low} tot en met {high} jaar).",
    )


class Jeugd(Basisset):
    """Jeugdwet: jeugdhulp, jeugdbescherming en jeugdreclassering."""

    bsn_gezagdrager: Series[str] = pa.Field(
        nullable=True,
        str_matches=r"^\d{9}$",
        metadata=_ernst(FOUT, formaat="9 cijfers (7 of 8 cijfers: voorloopnullen worden aangevuld), of een lege cel"),
        description="BSN van de ouder of gezagdrager; verplicht als de jeugdige jonger is dan 18 jaar. "
        "Wordt gebruikt voor tellingen van huishoudens en daarna gepseudonimiseerd.",
    )
    iq_indicatie: Series[str] = _opt(
        _ernst(WAARSCHUWING, onbekend="ONB"), isin=codes.IQ_INDICATIE, description="Optioneel: `<70`, `70-85`, `>85` of `ONB`."
    )
    voorziening: Series[str] = pa.Field(
        isin=codes.VOORZIENINGEN["jeugd"],
        metadata=FOUT_KOLOM,
        description="Hulpvorm (CBS Beleidsinformatie Jeugd): 01–04, 11–14, JB.., JR..",
    )
    leveringsvorm: Series[str] = pa.Field(
        isin=codes.LEVERINGSVORM, metadata=WAARSCHUWING_KOLOM, description="`ZIN` (zorg in natura) of `PGB`."
    )
    verwijzer: Series[str] = pa.Field(
        isin=codes.VERWIJZER,
        metadata=_ernst(WAARSCHUWING, onbekend="07"),
        description="Verwijzer 01–07 (01 gemeentelijke toegang … 07 onbekend).",
    )
    reden_einde: Series[str] = _opt(isin=codes.REDEN_EINDE_JEUGD, description="Optioneel: reden beëindiging 01–05.")
    erkende_interventie: Series[str] = _opt(isin=codes.JA_NEE, description="Facultatief: erkende interventie `J`/`N`.")

    @pa.check("bsn_gezagdrager", name="bsn_gezagdrager_elfproef", error="Het BSN van de gezagdrager voldoet niet aan de 11-proef.")
    def bsn_gezagdrager_elfproef(cls, bsn: Series[str]) -> Series[bool]:
        return bsn.isna() | elfproef(bsn)

    @pa.dataframe_check(
        name="gezagdrager_bij_minderjarige", error="Het BSN van de gezagdrager ontbreekt bij een jeugdige jonger dan 18 jaar."
    )
    def gezagdrager_bij_minderjarige(cls, df: pd.DataFrame) -> Series[bool]:
        return df["_leeftijd"].isna() | (df["_leeftijd"] >= 18) | df["bsn_gezagdrager"].notna()

    leeftijd_plausibel = _leeftijd_check("jeugd")


class Wmo(Basisset):
    """Wmo 2015: maatwerkvoorzieningen (iWmo productcategorie)."""

    voorziening: Series[str] = pa.Field(
        isin=codes.VOORZIENINGEN["wmo"],
        metadata=FOUT_KOLOM,
        description="iWmo-productcategorie 01–18 (CBS-hoofdgroep volgt uit de code).",
    )
    leveringsvorm: Series[str] = pa.Field(
        isin=codes.LEVERINGSVORM, metadata=WAARSCHUWING_KOLOM, description="`ZIN` (zorg in natura) of `PGB`."
    )

    leeftijd_plausibel = _leeftijd_check("wmo")


class Participatie(Basisset):
    """Participatiewet: bijstand, re-integratie, beschut werk, schuldhulp."""

    voorziening: Series[str] = pa.Field(
        isin=codes.VOORZIENINGEN["participatie"],
        metadata=FOUT_KOLOM,
        description="Voorziening P01–P06 (P01 algemene bijstand, P02 re-integratie, …).",
    )
    leveringsvorm: Series[str] = _opt(isin=codes.LEVERINGSVORM, description="Optioneel: `ZIN` of `PGB`.")

    leeftijd_plausibel = _leeftijd_check("participatie")


CONTRACTS: dict[str, type[Basisset]] = {"jeugd": Jeugd, "wmo": Wmo, "participatie": Participatie}

FACULTATIEF = ("resultaat", "zrm_start", "zrm_einde", "clientervaring", "intensiteit_uren_week", "kosten_euro", "erkende_interventie")

# Rules over several columns: their severity, and the columns they read (the report shows their
# values). For a waarschuwing the first column is the one whose value becomes unknown.
CROSS_COLUMN_RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "einde_na_start": (FOUT, ("datum_start", "datum_einde")),
    "overlapt_periode": (FOUT, ("datum_start", "datum_einde")),
    "leeftijd_plausibel": (FOUT, ("geboortedatum", "_leeftijd")),
    "gezagdrager_bij_minderjarige": (FOUT, ("bsn_gezagdrager", "geboortedatum")),
    "resultaat_alleen_bij_einde": (WAARSCHUWING, ("resultaat", "datum_einde")),
}


def delivered_columns(domein: str) -> dict[str, bool]:
    """Columns a gemeente may deliver for a domein → whether the column is required."""
    schema = CONTRACTS[domein].to_schema()
    return {name: column.required for name, column in schema.columns.items() if not name.startswith("_")}


def required_columns(domein: str) -> list[str]:
    return [name for name, required in delivered_columns(domein).items() if required]
