"""Build the pseudonymised record from a validated delivery: a whitelist, not a blacklist.

Only the columns of `contracts.core.CoreTraject` are ever constructed; BSN, birth date, postcode,
huisnummer and names are read here for the last time (to make pseudonym, age and wijk) and dropped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clearinghouse.geography import Geography
from clearinghouse.pseudonym import PseudonymKey, pseudonymise
from contracts.core import CORE_COLUMNS
from vocabulary.reference import AGE_BANDS


def _text(values: pa.Array) -> pd.api.extensions.ExtensionArray:
    return pd.arrays.ArrowStringArray(pc.cast(values, pa.large_string()))


def _repeated(value: str | None, rows: int) -> pd.api.extensions.ExtensionArray:
    """The same text (or missing) in every row, built by Arrow (a Python list of 100,000 strings is slow)."""
    empty = pa.nulls(rows, pa.large_string())
    return _text(empty if value is None else pc.fill_null(empty, value))


def age_band(ages: pd.Series, domein: str) -> pd.Series:
    values = ages.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    bands = AGE_BANDS[domein]
    which = np.select([(values >= low) & (values <= high) for _, low, high in bands], list(range(len(bands))), default=-1)
    labels = pa.array([label for label, _, _ in bands], pa.large_string())
    chosen = pc.take(labels, pa.array(np.where(which >= 0, which, 0)))
    return pd.Series(_text(pc.if_else(pa.array(which >= 0), chosen, pa.scalar(None, pa.large_string()))), index=ages.index)


_MISSING = {
    "string": lambda rows: _repeated(None, rows),
    "Int64": lambda rows: pd.arrays.IntegerArray(np.zeros(rows, dtype=np.int64), np.ones(rows, dtype=bool)),
    "float64": lambda rows: np.full(rows, np.nan),
    "datetime64[us]": lambda rows: np.full(rows, np.datetime64("NaT", "us")),
}


def _column(frame: pd.DataFrame, name: str, dtype: str = "string"):
    """A column's values as an array of `dtype` (all missing when the file does not have the column)."""
    if name in frame:
        return frame[name].astype(dtype).array
    return _MISSING[dtype](len(frame))


def minimise(
    valid: pd.DataFrame,
    *,
    domein: str,
    gemeente_code: str | np.ndarray,
    periode: str | np.ndarray,
    key: PseudonymKey,
    geography: Geography,
    row_offset: int = 2,
    traject_nummer: np.ndarray | None = None,
) -> pd.DataFrame:
    """Pseudonymised, minimised records (CoreTraject columns, in order) for accepted rows.

    For rows of several deliveries at once, `gemeente_code` and `periode` are per row, and so is
    `traject_nummer` (each row's number in its file; default: index + `row_offset`)."""
    persoon = pseudonymise(valid["bsn"], key)
    if domein == "jeugd" and "bsn_gezagdrager" in valid:
        gezag = pseudonymise(valid["bsn_gezagdrager"], key)
        huishouden = gezag.where(gezag.notna(), persoon)
    else:
        huishouden = persoon
    location = geography.locate(valid["postcode"], valid["huisnummer"] if "huisnummer" in valid else None, gemeente_code)
    rows = len(valid)
    constant = {
        name: _repeated(value, rows) if isinstance(value, str) else _text(pa.array(value, pa.large_string()))
        for name, value in (("key_id", key.key_id), ("gemeente_code", gemeente_code), ("periode", periode), ("domein", domein))
    }
    if traject_nummer is None:
        traject_nummer = valid.index.to_numpy() + row_offset
    core = pd.DataFrame(
        {
            "persoon_pseudoniem": persoon.array,
            "huishouden_pseudoniem": huishouden.array,
            "key_id": constant["key_id"],
            "traject_nummer": np.asarray(traject_nummer).astype("int64"),
            "gemeente_code": constant["gemeente_code"],
            "periode": constant["periode"],
            "domein": constant["domein"],
            "wijk_code": location["wijk_code"].array,
            "buurt_code": location["buurt_code"].array,
            "leeftijd": _column(valid, "_leeftijd", "Int64"),
            "leeftijdsklasse": age_band(valid["_leeftijd"], domein).array,
            "geslacht_code": _column(valid, "geslacht"),
            "herkomst_code": _column(valid, "herkomst"),
            "iq_code": _column(valid, "iq_indicatie"),
            "aanbieder_id": _column(valid, "aanbieder_id"),
            "aanvraag_datum": _column(valid, "datum_aanvraag", "datetime64[us]"),
            "start_datum": _column(valid, "datum_start", "datetime64[us]"),
            "einde_datum": _column(valid, "datum_einde", "datetime64[us]"),
            "voorziening_code": _column(valid, "voorziening"),
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
        index=pd.RangeIndex(rows),
    )
    return core[CORE_COLUMNS]
