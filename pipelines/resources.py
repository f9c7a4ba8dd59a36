"""The clearinghouse as a Dagster resource: where the home folder is, which key, how intake behaves."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from clearinghouse.pseudonym import PseudonymKey, require_key
from clearinghouse.retention import retention_days_from_environment
from clearinghouse.validation import DEFAULT_MAX_REJECTED_SHARE
from vocabulary.home import Home, get_home


class Clearinghouse(dg.ConfigurableResource):
    """Settings every asset shares; the secret key itself comes from the environment, never from config."""

    home_path: str | None = Field(default=None, description="Home folder; default $GMSD_HOME or var/ in the checkout.")
    max_rejected_share: float = Field(default=DEFAULT_MAX_REJECTED_SHARE, description="Above this share of rejected rows a file is rejected whole.")
    wait_seconds: float = Field(default=600.0, description="How long a run waits for another intake owner or warehouse writer before it fails with a message.")
    workers: int | None = Field(default=None, description="Processes for intake (default: $GMSD_WORKERS or the number of cores).")
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

    def rounding_secret(self) -> bytes:
        """The secret of the rounding draws, derived from the pseudonymisation key (see clearinghouse.disclosure)."""
        return self.key().derive("afronding")
