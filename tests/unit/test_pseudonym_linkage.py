"""Through the whole clearinghouse step: one person, one pseudonym across gemeenten, periodes and
domeinen under one key; nothing linkable under another key; no BSN, birth date or PC6 in the records."""

from __future__ import annotations

import pandas as pd

from clearinghouse.geography import Geography
from clearinghouse.intake import check_file
from vocabulary.periode import Periode
from clearinghouse.pseudonym import PseudonymKey, pseudonymise
from tests.fixtures.deliveries import fake_bsns, wmo_row

KEY_A = PseudonymKey(b"A" * 32, "test")
KEY_B = PseudonymKey(b"B" * 32, "test")
GEOGRAPHY = Geography.from_table(
    pd.DataFrame(
        {
            "postcode": ["1431AB", "2000CD"],
            "huisnummer": pd.array([1, 1], dtype="Int64"),
            "buurt_code": ["BU03580100", "BU03920100"],
            "wijk_code": ["WK035801", "WK039201"],
            "gemeente_code": ["GM0358", "GM0392"],
        }
    )
)


def _core(tmp_path, bsns, *, gemeente, periode, key, domein="wmo", postcode="1431AB"):
    start = "2025-02-01" if periode == "2025-H1" else "2024-08-01"
    rows = [wmo_row(b, gemeentecode=gemeente, postcode=postcode, datum_start=start) for b in bsns]
    path = tmp_path / f"{gemeente}_{periode}_{key.secret[:1].decode()}.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    outcome = check_file(path, domein=domein, gemeente_code=gemeente, periode=Periode.parse(periode), key=key, geography=GEOGRAPHY)
    assert outcome.oordeel == "goedgekeurd", outcome.melding
    return outcome.core


def test_same_person_same_pseudonym_across_gemeenten_and_periodes(tmp_path):
    bsns = fake_bsns(25, seed=3)
    a = _core(tmp_path, bsns, gemeente="GM0358", periode="2025-H1", key=KEY_A)
    b = _core(tmp_path, bsns, gemeente="GM0392", periode="2024-H2", key=KEY_A, postcode="2000CD")
    assert a["persoon_pseudoniem"].tolist() == b["persoon_pseudoniem"].tolist()
    assert a["persoon_pseudoniem"].tolist() == pseudonymise(pd.Series(bsns), KEY_A).tolist()
    assert (a["key_id"] == KEY_A.key_id).all()
    assert a["wijk_code"].eq("WK035801").all() and b["wijk_code"].eq("WK039201").all()


def test_another_key_gives_unlinkable_pseudonyms_and_a_different_key_id(tmp_path):
    bsns = fake_bsns(25, seed=4)
    a = _core(tmp_path, bsns, gemeente="GM0358", periode="2025-H1", key=KEY_A)
    b = _core(tmp_path, bsns, gemeente="GM0358", periode="2025-H1", key=KEY_B)
    assert not set(a["persoon_pseudoniem"]) & set(b["persoon_pseudoniem"])
    assert set(a["key_id"]) != set(b["key_id"])


def test_records_hold_no_bsn_birth_date_or_postcode(tmp_path):
    bsns = fake_bsns(25, seed=5)
    core = _core(tmp_path, bsns, gemeente="GM0358", periode="2025-H1", key=KEY_A)
    text = core.astype(str).to_csv(index=False)
    assert not any(b in text for b in bsns)
    assert "1431AB" not in text and "1940" not in text
    assert not {"bsn", "geboortedatum", "postcode", "huisnummer", "aanbieder_naam"} & set(core.columns)
