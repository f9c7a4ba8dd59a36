"""Peer-group kinds: with whom a gemeente is compared, and how each group is named to readers."""

from __future__ import annotations

NEDERLAND, PROVINCIE, GROOTTEKLASSE, VERGELIJKBAAR = "nederland", "provincie", "grootteklasse", "vergelijkbaar"

SOORTEN: tuple[str, ...] = (NEDERLAND, PROVINCIE, GROOTTEKLASSE, VERGELIJKBAAR)

LABELS: dict[str, str] = {
    VERGELIJKBAAR: "Vergelijkbare gemeenten",
    GROOTTEKLASSE: "Gemeenten van dezelfde grootte",
    PROVINCIE: "Gemeenten in dezelfde provincie",
    NEDERLAND: "Nederland",
}

BAND_SOORTEN: tuple[str, ...] = (VERGELIJKBAAR, GROOTTEKLASSE)
"""Groups shown as a band (median and P25–P75) beside a gemeente's own value."""

# CBS gemeentegrootteklassen (inwoners on 1 January): upper bound (exclusive) and label.
GROOTTEKLASSEN: tuple[tuple[float, str], ...] = (
    (5_000, "minder dan 5.000 inwoners"),
    (10_000, "5.000 tot 10.000 inwoners"),
    (20_000, "10.000 tot 20.000 inwoners"),
    (50_000, "20.000 tot 50.000 inwoners"),
    (100_000, "50.000 tot 100.000 inwoners"),
    (150_000, "100.000 tot 150.000 inwoners"),
    (250_000, "150.000 tot 250.000 inwoners"),
    (float("inf"), "250.000 inwoners of meer"),
)
