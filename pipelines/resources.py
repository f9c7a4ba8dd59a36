"""The clearinghouse as a Dagster resource: where the home folder is, which key, which geography."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import Field

from clearinghouse.geography import Geography
from clearinghouse.pseudonym import PseudonymKey, PseudonymKeyError, key_from_environment
from clearinghouse.validation import DEFAULT_MAX_REJECTED_SHARE
from vocabulary.home import Home, get_home

PC6_ENV = "GMSD_PC6_TABLE"


class Clearinghouse(dg.ConfigurableResource):
    home_path: str | None = Field(default=None, description="Home folder; default $GMSD_HOME or var/ in the checkout.")
    max_rejected_share: float = Field(default=DEFAULT_MAX_REJECTED_SHARE, description="Above this share of rejected rows a file is rejected whole.")
    beheerpagina_per_levering: bool = Field(
        default=True,
        description="Rebuild the operator page after every delivery (sensor runs). A whole round (gmsd run/demo) "
        "turns this off and rebuilds it once at the end: rebuilding reads the whole audit trail.",
    )
    retentie_dagen: int | None = Field(
        default=None, description="Days to keep processed raw files; default $GMSD_RETENTIE_DAGEN or 0 (delete right after processing)."
    )

    def retention_days(self) -> int:
        from clearinghouse.retention import retention_days_from_environment

        return self.retentie_dagen if self.retentie_dagen is not None else retention_days_from_environment()

    @property
    def home(self) -> Home:
        return get_home(self.home_path).ensure()

    def key(self) -> PseudonymKey:
        key = key_from_environment()
        if key is None:
            raise PseudonymKeyError(
                "Geen pseudonimiseringssleutel ingesteld. Zet GMSD_PSEUDONYM_KEY_FILE op een sleutelbestand "
                "(maak er een met `gmsd key new`) of GMSD_PSEUDONYM_KEY op een sleutel van minstens 32 bytes."
            )
        return key

    def pc6_table(self) -> Path:
        import os

        if os.environ.get(PC6_ENV):
            return Path(os.environ[PC6_ENV])
        candidates = sorted((self.home.root / "reference").glob("pc6hnr*_gwb.csv"))
        if not candidates:
            raise FileNotFoundError(
                f"Geen postcode-huisnummertabel gevonden in {self.home.root / 'reference'}. Zet het CBS-bestand "
                f"pc6hnrJJJJ0801_gwb.csv daar neer of wijs het aan met {PC6_ENV}."
            )
        return candidates[-1]

    def geography(self) -> Geography:
        return _geography(str(self.pc6_table()))


_CACHE: dict[str, Geography] = {}


def _geography(path: str) -> Geography:
    """Read the (large, in production) CBS table once per process and file."""
    stat = Path(path).stat()
    cache_key = f"{path}:{stat.st_mtime_ns}:{stat.st_size}"
    if cache_key not in _CACHE:
        _CACHE.clear()
        _CACHE[cache_key] = Geography.from_file(Path(path))
    return _CACHE[cache_key]
