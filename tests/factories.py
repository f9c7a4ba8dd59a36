"""Small builders for test deliveries: valid fake BSNs and spec-shaped rows."""

from __future__ import annotations

import random



def _with_check_digit(count: int, seed: int, stem) -> list[str]:
    """Distinct 9-digit strings from random 8-digit stems that pass the 11-proef (fake, never real)."""
    rng = random.Random(seed)
    out: set[str] = set()
    while len(out) < count:
        digits = stem(rng)
        check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check < 10:
            out.add(digits + str(check))
    return sorted(out)


def fake_bsns(count: int, seed: int = 1) -> list[str]:
    """Distinct fake BSNs without a leading zero."""
    return _with_check_digit(count, seed, lambda rng: f"{rng.randrange(10**7, 10**8):08d}")


def fake_bsns_leading_zero(count: int, seed: int = 1) -> list[str]:
    """Fake 9-digit BSNs starting with 0: the ones Excel shortens to 8 digits."""
    return _with_check_digit(count, seed, lambda rng: f"0{rng.randrange(10**6, 10**7):07d}")


def _row(bsn: str, base: dict[str, str], overrides: dict[str, str]) -> dict[str, str]:
    """A row of the basisset every domein shares, with the domein's own fields and the test's overrides."""
    row = {
        "gemeentecode": "GM0358",
        "bsn": bsn,
        "geboortedatum": "19400101",
        "geslacht": "V",
        "postcode": "1431AB",
        "huisnummer": "1",
        "aanbieder_id": "12345678",
        "datum_start": "2025-02-01",
        "datum_einde": "",
    }
    row.update(base)
    row.update(overrides)
    return row


def wmo_row(bsn: str, **overrides: str) -> dict[str, str]:
    return _row(bsn, {"voorziening": "02", "leveringsvorm": "ZIN"}, overrides)


def jeugd_row(bsn: str, gezagdrager: str = "", **overrides: str) -> dict[str, str]:
    """A valid jeugd row (child born 2015, so bsn_gezagdrager is required: pass one)."""
    base = {"bsn_gezagdrager": gezagdrager, "geboortedatum": "20150101", "geslacht": "M", "voorziening": "02",
            "leveringsvorm": "ZIN", "verwijzer": "01"}
    return _row(bsn, base, overrides)


def participatie_row(bsn: str, **overrides: str) -> dict[str, str]:
    return _row(bsn, {"geboortedatum": "19800101", "aanbieder_id": "GEMEENTE", "voorziening": "P01"}, overrides)
