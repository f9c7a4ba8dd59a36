"""Keyed pseudonyms: stable under one key, unlinkable across keys, never a plain hash."""

import hashlib
import hmac
import stat

import pandas as pd
import pyarrow as pa
import pytest

from clearinghouse.pseudonym import PseudonymKey, PseudonymKeyError, hmac_sha256_many, key_from_environment, pseudonymise, write_new_key
from tests.fixtures.deliveries import fake_bsns

KEY_A = PseudonymKey(b"a" * 32, "test")
KEY_B = PseudonymKey(b"b" * 32, "test")


def test_same_key_same_pseudonym_and_128_bits():
    bsns = pd.Series(fake_bsns(5) * 2)
    out = pseudonymise(bsns, KEY_A)
    assert out[:5].tolist() == out[5:].tolist()
    assert out.str.fullmatch(r"[0-9a-f]{32}").all()


def test_different_keys_are_unlinkable_and_not_a_plain_hash():
    bsns = pd.Series(fake_bsns(200))
    a, b = pseudonymise(bsns, KEY_A), pseudonymise(bsns, KEY_B)
    assert not set(a) & set(b)
    plain = {hashlib.sha256(x.encode()).hexdigest()[:32] for x in bsns}
    assert not plain & set(a)


def test_unknown_bsn_has_no_pseudonym():
    out = pseudonymise(pd.Series(["000000000", None]), KEY_A)
    assert out.isna().all()


def test_short_keys_are_refused():
    with pytest.raises(PseudonymKeyError, match="minimaal 32 bytes"):
        PseudonymKey(b"short", "test")


def test_key_file_is_private_and_never_overwritten(tmp_path):
    path = tmp_path / "k.key"
    key = write_new_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key.key_id.startswith("k") and key.secret.hex() not in repr(key)
    with pytest.raises(PseudonymKeyError, match="bestaat al"):
        write_new_key(path)
    assert key_from_environment({"GMSD_PSEUDONYM_KEY_FILE": str(path)}).key_id == key.key_id


def test_environment_key():
    assert key_from_environment({}) is None
    assert key_from_environment({"GMSD_PSEUDONYM_KEY": "ab" * 32}).secret == bytes.fromhex("ab" * 32)


def test_a_pseudonym_is_the_first_32_hex_characters_of_the_hmac_sha256_of_the_bsn():
    bsns = fake_bsns(50)
    expected = [hmac.new(KEY_A.secret, bsn.encode(), hashlib.sha256).hexdigest()[:32] for bsn in bsns]
    for values in (pd.Series(bsns), pd.Series(bsns, dtype=object), pd.Series(bsns, dtype="string")):
        out = pseudonymise(pd.concat([values, pd.Series(["000000000", None, bsns[0]])], ignore_index=True), KEY_A)
        assert out.tolist()[:50] == expected and out.iloc[50:52].isna().all() and out.iloc[52] == expected[0]
        assert str(out.dtype) == "string" and out.array._pa_array.type == pa.large_string()


@pytest.mark.parametrize("secret", [bytes(range(32)), b"k" * 64, "sleutel-van-€-tekst-".encode() * 5, bytes(200)])
def test_the_keyed_hash_of_many_values_is_hmac_sha256_for_every_key_length(secret):
    """The copied keyed states must give HMAC's bytes for short, block-sized and long keys (a long
    key is hashed first), and for any message."""
    messages = [b"", b"123456782", "é".encode() * 100, bytes(range(256))]
    assert hmac_sha256_many(secret, messages) == b"".join(hmac.new(secret, m, hashlib.sha256).digest() for m in messages)
    assert hmac_sha256_many(secret, []) == b""
