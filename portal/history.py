"""A gemeente's delivery history, from the intake's own audit trail.

Every intake writes one audit file per delivery (`intake/<periode>/<GM>/<stamp>.parquet`, one row
per file, see clearinghouse.intake) — also for deliveries that came through the inbox rather than
the portal. Here those rows become deliveries: when, who (the portal account, when it came through
the portal), which files, each file's verdict and reports, and which file is in force per periode
and domein (`clearinghouse.audit.in_force`: the latest accepted one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from clearinghouse.audit import in_force
from vocabulary.home import Home
from vocabulary.periode import sort_key


def load_audit(home: Home, gemeente_code: str | None = None) -> pd.DataFrame:
    """The audit records (one gemeente, or all), oldest first, with `geldt` (in force)."""
    pattern = f"*/{gemeente_code}/*.parquet" if gemeente_code else "*/*/*.parquet"
    files = sorted(home.intake.glob(pattern))
    if not files:
        return pd.DataFrame()
    parts = []
    for path in files:
        part = pd.read_parquet(path)
        parts.append(part.assign(stempel=path.stem))
    audit = pd.concat(parts, ignore_index=True)
    audit = audit.sort_values("verwerkt_op", kind="stable").reset_index(drop=True)
    audit["geldt"] = in_force(audit)
    return audit


def report_names(record: dict) -> tuple[str | None, str | None]:
    """(HTML report, CSV report) file names of an audit record."""
    html = record.get("rapport")
    if not isinstance(html, str) or not html:
        return None, None
    return html, str(Path(html).with_suffix(".csv"))


@dataclass
class Levering:
    """One delivery: the files that came in together with one manifest."""

    stempel: str
    gemeente_code: str
    periode: str
    verwerkt_op: pd.Timestamp
    door: str | None  # the portal account, or None (through the inbox)
    bestanden: list[dict]  # audit records, plus `html` and `csv` report names

    @property
    def geldt(self) -> bool:
        return any(record["geldt"] for record in self.bestanden)


def deliveries(audit: pd.DataFrame, uploaded_by: dict[str, str]) -> list[Levering]:
    """Every delivery, newest first. `uploaded_by`: the intake stamp of a portal upload → its account."""
    if audit.empty:
        return []
    out = []
    for stempel, rows in audit.groupby("stempel", sort=False):
        records = []
        for record in rows.to_dict("records"):
            record["html"], record["csv"] = report_names(record)
            records.append(record)
        first = records[0]
        out.append(Levering(str(stempel), first["gemeente_code"], first["periode"], first["verwerkt_op"],
                            uploaded_by.get(str(stempel)), records))
    return sorted(out, key=lambda levering: levering.verwerkt_op, reverse=True)


def in_force_by_periode(audit: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """(periode, domein) → the audit record in force."""
    if audit.empty:
        return {}
    return {(r["periode"], r["domein"]): r for r in audit[audit["geldt"]].to_dict("records")}


def periodes_of(audit: pd.DataFrame, *more: str) -> list[str]:
    """Periodes in the audit trail and `more`, newest first."""
    found = set(audit["periode"]) if not audit.empty else set()
    return sorted(found | set(more), key=sort_key, reverse=True)
