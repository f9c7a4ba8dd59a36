"""The clearinghouse as a Dagster resource: where the home folder is, which key, how intake behaves."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from clearinghouse.pseudonym import PseudonymKey, require_key
from clearinghouse.retention import retention_days_from_environment
from clearinghouse.validation import DEFAULT_MAX_REJECTED_SHARE
from vocabulary.home import Home, get_home


class Clearinghouse(dg.ConfigurableResource):
    home_path: str | None = Field(default=None, description="Home folder; default $GMSD_HOME or var/ in the checkout.")
    max_rejected_share: float = Field(default=DEFAULT_MAX_REJECTED_SHARE, description="Above this share of rejected rows a file is rejected whole.")
    beheerpagina_per_levering: bool = Field(
        default=True,
        description="Rebuild the operator page after every delivery (sensor runs). A whole round (gmsd run/demo) "
        "turns this off and rebuilds it once at the end: rebuilding reads the whole audit trail.",
    )
    wait_seconds: float = Field(default=600.0, description="How long a run waits for another intake owner before it fails with a message.")
    retentie_dagen: int | None = Field(
        default=None, description="Days to keep processed raw files; default $GMSD_RETENTIE_DAGEN or 0 (delete right after processing)."
    )

    def retention_days(self) -> int:
        return self.retentie_dagen if self.retentie_dagen is not None else retention_days_from_environment()

    @property
    def home(self) -> Home:
        return get_home(self.home_path).ensure()

    def key(self) -> PseudonymKey:
        return require_key()
