"""The contract for pseudonymised records: the only microdata kept after the clearinghouse.

`strict=True` is the minimisation guarantee: a column that is not declared here (a BSN, a birth
date, a postcode, a huisnummer, a name) makes validation fail, and the blocking asset check stops
the pipeline before anything downstream reads it.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from vocabulary import codes
from vocabulary.periode import HALFJAAR_PATTERN

PSEUDONYM = r"^[0-9a-f]{32}$"


def _opt(**kwargs):
    return pa.Field(nullable=True, **kwargs)


class CoreTraject(pa.DataFrameModel):
    """One traject (client × voorziening) of one delivery, pseudonymised and minimised."""

    persoon_pseudoniem: Series[str] = _opt(str_matches=PSEUDONYM, description="HMAC-SHA-256-pseudoniem van de cliënt (128 bits); leeg als het BSN onbekend was.")
    huishouden_pseudoniem: Series[str] = _opt(
        str_matches=PSEUDONYM,
        description="Pseudoniem van het huishouden: bij jeugd dat van de gezagdrager, anders dat van de cliënt zelf.",
    )
    key_id: Series[str] = pa.Field(str_matches=r"^k[0-9a-f]{12}$", description="Welke sleutel de pseudoniemen maakte.")
    traject_nummer: Series[int] = pa.Field(ge=1, description="Regelnummer in het aangeleverde bestand (voor het kwaliteitsrapport).")
    gemeente_code: Series[str] = pa.Field(str_matches=r"^GM\d{4}$", description="Aanleverende gemeente.")
    periode: Series[str] = pa.Field(str_matches=HALFJAAR_PATTERN, description="Halfjaar van de aanlevering.")
    domein: Series[str] = pa.Field(isin=codes.DOMEINEN, description="jeugd, wmo of participatie.")
    wijk_code: Series[str] = _opt(str_matches=r"^WK\w{6}$", description="CBS-wijkcode van het adres; leeg als onbekend of buiten de gemeente.")
    buurt_code: Series[str] = _opt(str_matches=r"^BU\w{8}$", description="CBS-buurtcode van het adres.")
    leeftijd: Series[pd.Int64Dtype] = _opt(ge=0, le=120, description="Leeftijd in jaren aan het einde van de periode.")
    leeftijdsklasse: Series[str] = _opt(description="CBS-leeftijdsklasse van het domein (bijv. 0-3, 18-64, 67+).")
    geslacht_code: Series[str] = pa.Field(isin=codes.GESLACHT, description="M, V of O.")
    herkomst_code: Series[str] = _opt(isin=codes.HERKOMST, description="NL, EU, NEU of ONB.")
    iq_code: Series[str] = _opt(isin=codes.IQ_INDICATIE, description="IQ-band (alleen jeugd).")
    aanbieder_id: Series[str] = _opt(
        str_matches=r"^(\d{8}|GEMEENTE)$", description="AGB- of KvK-nummer van de aanbieder; leeg als het geleverde nummer niet klopte."
    )
    aanvraag_datum: Series[pd.Timestamp] = _opt(description="Datum aanvraag of melding.")
    start_datum: Series[pd.Timestamp] = pa.Field(description="Start van de voorziening.")
    einde_datum: Series[pd.Timestamp] = _opt(description="Einde van de voorziening; leeg = loopt nog.")
    voorziening_code: Series[str] = pa.Field(description="Voorzieningcode uit de codelijst van het domein.")
    leveringsvorm_code: Series[str] = _opt(isin=codes.LEVERINGSVORM, description="ZIN of PGB.")
    verwijzer_code: Series[str] = _opt(isin=codes.VERWIJZER, description="Verwijzer (alleen jeugd).")
    reden_einde_code: Series[str] = _opt(description="Reden beëindiging.")
    resultaat_code: Series[str] = _opt(isin=codes.RESULTAAT, description="Facultatief: resultaat.")
    zrm_start_score: Series[pd.Int64Dtype] = _opt(ge=1, le=5, description="Facultatief: ZRM-score bij start.")
    zrm_einde_score: Series[pd.Int64Dtype] = _opt(ge=1, le=5, description="Facultatief: ZRM-score bij einde.")
    clientervaring_score: Series[pd.Int64Dtype] = _opt(ge=1, le=5, description="Facultatief: cliëntervaring.")
    intensiteit_uren_week: Series[float] = _opt(ge=0, description="Facultatief: uren per week.")
    kosten_euro: Series[float] = _opt(ge=0, description="Facultatief: kosten in de periode.")
    erkende_interventie_code: Series[str] = _opt(isin=codes.JA_NEE, description="Facultatief: erkende interventie (jeugd).")

    @pa.dataframe_check(name="voorziening_past_bij_domein", error="voorziening past niet bij het domein")
    def voorziening_past_bij_domein(cls, df: pd.DataFrame) -> Series[bool]:
        fits = pd.Series(False, index=df.index)
        for domein, allowed in codes.VOORZIENINGEN.items():
            fits |= (df["domein"] == domein) & df["voorziening_code"].isin(allowed)
        return fits

    class Config:
        strict = True  # minimisation: nothing undeclared survives
        coerce = False


CORE_COLUMNS = list(CoreTraject.to_schema().columns)
