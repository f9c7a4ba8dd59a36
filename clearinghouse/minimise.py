"""Build the pseudonymised record from a validated delivery: a whitelist, not a blacklist.

Only the columns of `contracts.core.CoreTraject` are ever constructed; BSN, birth date, postcode,
huisnummer and names are read here for the last time (to make pseudonym, age and wijk) and dropped.
"""

from __future__ import annotations

import pandas as pd

from clearinghouse.geography import Geography
from clearinghouse.pseudonym import PseudonymKey, pseudonymise
from contracts.core import CORE_COLUMNS
from vocabulary.reference import AGE_BANDS


def age_band(ages: pd.Series, domein: str) -> pd.Series:
    out = pd.Series(pd.NA, index=ages.index, dtype="string")
    for label, low, high in AGE_BANDS[domein]:
        out = out.mask(ages.between(low, high).fillna(False), label)
    return out


def _column(frame: pd.DataFrame, name: str, dtype: str = "string") -> pd.Series:
    if name in frame:
        return frame[name].astype(dtype)
    return pd.Series(None, index=frame.index, dtype=object).astype(dtype)


def minimise(
    valid: pd.DataFrame,
    *,
    domein: str,
    gemeente_code: str,
    periode: str,
    key: PseudonymKey,
    geography: Geography,
    row_offset: int = 2,
) -> pd.DataFrame:
    """Pseudonymised, minimised records (CoreTraject columns, in order) for accepted rows."""
    persoon = pseudonymise(valid["bsn"], key)
    if domein == "jeugd" and "bsn_gezagdrager" in valid:
        gezag = pseudonymise(valid["bsn_gezagdrager"], key)
        huishouden = gezag.where(gezag.notna(), persoon)
    else:
        huishouden = persoon
    location = geography.locate(valid["postcode"], valid["huisnummer"] if "huisnummer" in valid else None, gemeente_code)
    core = pd.DataFrame(
        {
            "persoon_pseudoniem": persoon,
            "huishouden_pseudoniem": huishouden,
            "key_id": key.key_id,
            "traject_nummer": (valid.index.to_numpy() + row_offset).astype("int64"),
            "gemeente_code": gemeente_code,
            "periode": periode,
            "domein": domein,
            "wijk_code": location["wijk_code"],
            "buurt_code": location["buurt_code"],
            "leeftijd": valid["_leeftijd"].astype("Int64"),
            "leeftijdsklasse": age_band(valid["_leeftijd"], domein),
            "geslacht_code": valid["geslacht"].astype("string"),
            "herkomst_code": _column(valid, "herkomst"),
            "iq_code": _column(valid, "iq_indicatie"),
            "aanbieder_id": valid["aanbieder_id"].astype("string"),
            "aanvraag_datum": _column(valid, "datum_aanvraag", "datetime64[us]"),
            "start_datum": valid["datum_start"].astype("datetime64[us]"),
            "einde_datum": valid["datum_einde"].astype("datetime64[us]"),
            "voorziening_code": valid["voorziening"].astype("string"),
            "leveringsvorm_code": _column(valid, "leveringsvorm"),
            "verwijzer_code": _column(valid, "verwijzer"),
            "reden_einde_code": _column(valid, "reden_einde"),
            "resultaat_code": _column(valid, "resultaat"),
            "zrm_start_score": _column(valid, "zrm_start", "Int64"),
            "zrm_einde_score": _column(valid, "zrm_einde", "Int64"),
            "clientervaring_score": _column(valid, "clientervaring", "Int64"),
            "intensiteit_uren_week": _column(valid, "intensiteit_uren_week", "float64"),
            "kosten_euro": _column(valid, "kosten_euro", "float64"),
            "erkende_interventie_code": _column(valid, "erkende_interventie"),
        },
        index=valid.index,
    )
    return core[CORE_COLUMNS].reset_index(drop=True)
