"""The home-folder layout: where the system keeps its state, one folder `GMSD_HOME`.

Everything the pipeline writes (inbox, pseudonymised records, warehouse, site, reports, Dagster's
own storage, the demo key) lives under one folder so an operator can back it up, wipe it, or point
a test at `tmp_path`. The default is `var/` in the checkout, which git ignores.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
SAMPLE_DIR = DATA_DIR / "sample"

HOME_ENV = "GMSD_HOME"


@dataclass(frozen=True)
class Home:
    """The layout of a home folder. Paths only; nothing is created until `ensure()`."""

    root: Path

    @property
    def inbox(self) -> Path:
        """Deliveries waiting for intake: `inbox/<gemeentecode>/<periode>/`."""
        return self.root / "inbox"

    @property
    def core(self) -> Path:
        """Pseudonymised records, one Parquet file per partition (never published)."""
        return self.root / "core"

    @property
    def intake(self) -> Path:
        """Per-partition intake results (verdicts, row counts) as Parquet, loaded by the writer."""
        return self.root / "intake"

    @property
    def tellingen(self) -> Path:
        """Raw indicator counts per gemeente × periode (`tellingen/<periode>/<GM>.parquet`; never published)."""
        return self.root / "tellingen"

    @property
    def concept(self) -> Path:
        """Concept figures of the latest round, after disclosure control, before release (operator only)."""
        return self.root / "concept"

    @property
    def toestemmingen(self) -> Path:
        """Explicit consent decisions (without new data), audited: `toestemmingen/<periode>/<GM>/`."""
        return self.root / "toestemmingen"

    @property
    def quarantaine(self) -> Path:
        """Intake output that failed the core contract: kept out of core/, for the operator to inspect."""
        return self.root / "quarantaine"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def dagster(self) -> Path:
        """DAGSTER_HOME for runs started by `gmsd` and `dagster dev`."""
        return self.root / "dagster"

    @property
    def releases(self) -> Path:
        """Immutable releases: `releases/<release_id>/` with the frozen figures and revisions."""
        return self.root / "releases"

    @property
    def site_marker(self) -> Path:
        """The releases the site was last built from (written after the site is swapped in)."""
        return self.root / ".site-releases"

    @property
    def release_archive_cache(self) -> Path:
        """The Dutch CSV of each immutable release, made once for the site's archive."""
        return self.root / ".archief"

    @property
    def quality_docs(self) -> Path:
        """Great Expectations Data Docs of the published tables (copied into the site)."""
        return self.root / "kwaliteit"

    @property
    def deletions(self) -> Path:
        """Audit records of deleted raw deliveries (hash, time, reason): `verwijderd/<periode>/<gemeente>/`."""
        return self.root / "verwijderd"

    @property
    def bewaard(self) -> Path:
        """Processed raw deliveries kept for the retention period, out of the inbox (so they are never
        taken in again): `bewaard/<gemeente>/<periode>/<checksum>/<bestand>`; `gmsd purge` deletes them."""
        return self.root / "bewaard"

    @property
    def reference(self) -> Path:
        """The CBS postcode-huisnummer table in use (`pc6hnrJJJJ0801_gwb.csv`)."""
        return self.root / "reference"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def demo_key_file(self) -> Path:
        return self.keys / "demo-pseudonym.key"

    def ensure(self) -> "Home":
        for folder in (self.root, self.inbox, self.core, self.intake, self.site, self.reports, self.dagster):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def get_home(root: str | os.PathLike[str] | None = None) -> Home:
    """The home folder: an explicit path, else `$GMSD_HOME`, else `var/` in the checkout."""
    if root is None:
        root = os.environ.get(HOME_ENV) or (REPO_ROOT / "var")
    return Home(Path(root).expanduser().resolve())
