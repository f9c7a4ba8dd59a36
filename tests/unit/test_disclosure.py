"""Primary disclosure control: secret small counts, unbiased reproducible rounding, safe rates."""

import numpy as np
import pandas as pd

from clearinghouse.disclosure import KLEIN_AANTAL, NOEMER_TE_KLEIN, protect, protect_counts, random_round


def test_rounding_is_to_multiples_of_5_unbiased_and_reproducible():
    counts = pd.Series(np.full(20000, 13))
    keys = pd.Series([f"cel{i}" for i in range(20000)])
    rounded = random_round(counts, keys, b"test")
    assert set(rounded.unique()) == {10, 15}
    assert abs(rounded.mean() - 13) < 0.1  # 13 → 15 with p = 3/5
    assert random_round(counts, keys, b"test").equals(rounded)
    assert not random_round(counts, "x" + keys, b"test").equals(rounded)


def test_counts_0_to_7_are_secret():
    counts = pd.Series(range(0, 12))
    out = protect_counts(counts, pd.Series([str(i) for i in range(12)]), b"test")
    assert out[:8].isna().all() and out[8:].notna().all()
    assert (out[8:] % 5 == 0).all()


def _cells(teller, noemer, bevolking=True, min_noemer=100):
    n = len(teller)
    return pd.DataFrame(
        {"indicator_id": "x", "periode": "2025-H1", "regio_code": [f"R{i}" for i in range(n)],
         "teller_ruw": teller, "teller_sleutel": "t", "noemer_ruw": noemer, "noemer_sleutel": "n",
         "noemer_is_bevolking": bevolking, "factor": 1000.0, "min_noemer": min_noemer}
    )


def test_rates_from_rounded_counts_and_only_above_minimum_denominator():
    out = protect(_cells([100, 5, 50], [2000, 2000, 80]), secret=b"test")
    assert out.loc[0, "waarde"] == round(out.loc[0, "teller"] / 2000 * 1000, 1)
    assert out.loc[1, "geheim"] and out.loc[1, "geheim_reden"] == KLEIN_AANTAL
    assert out.loc[2, "geheim"] and out.loc[2, "geheim_reden"] == NOEMER_TE_KLEIN and out.loc[2, "teller"] in (50,)
    assert "teller_ruw" not in out.columns


def test_person_denominators_are_protected_too():
    out = protect(_cells([10], [6], bevolking=False, min_noemer=1), secret=b"test")
    assert pd.isna(out.loc[0, "noemer"]) and out.loc[0, "geheim"]


def _typed(eenheid, teller, noemer, min_noemer=20):
    cells = _cells(teller, noemer, bevolking=False, min_noemer=min_noemer)
    cells["eenheid"] = eenheid
    cells["factor"] = 1.0
    return protect(cells, secret=b"test")


def test_counts_without_denominator_publish_the_rounded_count():
    out = _typed("aantal", [3, 123], [pd.NA, pd.NA])
    assert out["geheim"].tolist() == [True, False]
    assert out["waarde"].iloc[1] in (120, 125) and out["waarde"].iloc[1] == out["teller"].iloc[1]
    assert out["noemer"].isna().all()


def test_medians_only_over_enough_trajecten_and_never_as_a_count():
    out = _typed("dagen", [31.5, 12.0], [40, 9])
    assert out["waarde"].iloc[0] == 32 and out["teller"].isna().all()  # whole days; the median is no count
    assert out["noemer"].iloc[0] in (40,)  # 40 is a multiple of 5 already
    assert out["geheim"].iloc[1] and out["geheim_reden"].iloc[1] == "te weinig trajecten"


def test_rounding_draws_depend_on_the_secret():
    counts = pd.Series([13] * 400)
    keys = pd.Series([f"k{i}" for i in range(400)])
    assert not random_round(counts, keys, b"secret-a").equals(random_round(counts, keys, b"secret-b"))


def _group(tellers, secret):
    n = len(tellers)
    return pd.DataFrame(
        {"indicator_id": "x", "periode": "2025-H1", "regio_niveau": "wijk", "gemeente_code": "GM0358",
         "regio_code": [f"WK0358{i:02d}" for i in range(n)], "eenheid": "pct",
         "teller": pd.array(tellers, dtype="Float64"), "waarde": pd.array([1.0] * n, dtype="Float64"),
         "geheim": secret, "geheim_reden": pd.array([KLEIN_AANTAL if s else pd.NA for s in secret], dtype="string")}
    )


def test_a_lone_secret_wijk_gets_the_smallest_other_wijk_as_partner():
    from clearinghouse.disclosure import AANVULLEND_GEHEIM, secondary_suppression

    cells = _group([pd.NA, 40, 15, 90], [True, False, False, False])
    out = secondary_suppression(cells, {})
    assert out["geheim"].tolist() == [True, False, True, False]
    assert out.loc[2, "geheim_reden"] == AANVULLEND_GEHEIM and pd.isna(out.loc[2, "teller"])
    safe = _group([pd.NA, pd.NA, 15, 90], [True, True, False, False])
    assert secondary_suppression(safe, {})["geheim"].sum() == 2  # two secrets already protect each other


def test_draws_equal_one_keyed_hash_per_key():
    """The draws hash each distinct key once: the same numbers as one keyed blake2b per row."""
    import hashlib

    import numpy as np

    from clearinghouse.disclosure import _uniform

    keys = pd.Series(["2025-H1|GM0358|a", "2025-H1|WK035800|a", "2025-H1|GM0358|a", "é|x", ""] * 3, dtype="string")
    secret = hashlib.sha256(b"test").digest()
    expected = [int.from_bytes(hashlib.blake2b(k.encode("utf-8"), key=secret, digest_size=8).digest(), "big") / 2**64 for k in keys]
    assert np.array_equal(_uniform(keys, b"test"), np.array(expected, dtype="float64"))
    assert len(_uniform(keys.iloc[:0], b"test")) == 0
