"""Quality reports for a delivery: HTML for the data officer, CSV for their systems, both in Dutch.

Values in a report are masked (clearinghouse.masking): a BSN is never shown in full.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from clearinghouse.audit import in_force, load_audit
from clearinghouse.outcome import FileOutcome
from contracts import CONTRACT_VERSION
from vocabulary import files
from vocabulary.oordelen import AFGEKEURD, GOEDGEKEURD

EXAMPLES_PER_RULE = 10

_env = Environment(loader=PackageLoader("clearinghouse", "templates"), autoescape=select_autoescape(["html", "j2"]))


def report_base(reports_dir: Path, gemeente_code: str, periode: str, stamp: str, domein: str | None) -> Path:
    """reports/<gemeente>/<periode>/<stamp>_<domein>: the stem of a report's .html and .csv."""
    return reports_dir / gemeente_code / periode / f"{stamp}_{domein or 'aanlevering'}"


def write_report(outcome: FileOutcome, *, gemeente_code: str, periode: str, base: Path) -> Path:
    """Write `<base>.html` and `<base>.csv` (failures, `;`-separated for Dutch Excel); return the HTML path."""
    base.parent.mkdir(parents=True, exist_ok=True)
    failures = outcome.failures
    failures.to_csv(base.with_name(base.name + ".csv"), sep=";", index=False, encoding="utf-8-sig")
    per_rule = (
        failures.groupby(["regel", "melding"], as_index=False).size().rename(columns={"size": "aantal"}).sort_values("aantal", ascending=False)
        if len(failures)
        else failures.iloc[0:0]
    )
    examples = failures.groupby("regel", group_keys=False).head(EXAMPLES_PER_RULE) if len(failures) else failures
    oordeel = outcome.oordeel
    html = _env.get_template("rapport.html.j2").render(
        gemeente_code=gemeente_code,
        periode=periode,
        domein=outcome.domein,
        bestand=outcome.bestand,
        oordeel_tekst={AFGEKEURD: "bestand afgekeurd", GOEDGEKEURD: "bestand goedgekeurd"}.get(oordeel, "bestand goedgekeurd met afwijkingen"),
        css={AFGEKEURD: "afgekeurd", GOEDGEKEURD: "goedgekeurd"}.get(oordeel, "afwijkingen"),
        melding=outcome.melding,
        gelezen=outcome.rijen_gelezen,
        geaccepteerd=outcome.rijen_geaccepteerd,
        afgekeurd=outcome.rijen_afgekeurd if oordeel != AFGEKEURD else outcome.rijen_gelezen,
        sha256=outcome.sha256,
        contract_versie=CONTRACT_VERSION,
        per_regel=per_rule.to_dict("records"),
        voorbeelden=examples.sort_values("rij").to_dict("records") if len(examples) else [],
    )
    path = base.with_name(base.name + ".html")
    path.write_text(html, encoding="utf-8")
    return path


OPERATOR_PAGE = "index.html"


def write_operator_page(intake_dir: Path, reports_dir: Path, *, names: dict[str, str] | None = None) -> Path:
    """`reports/index.html`: every delivery with its verdict, counts, message and report link.

    For the clearinghouse operator (not published): which files came in, which were refused and why,
    and which delivery is in force per gemeente, periode and domein. Written atomically, rebuilt from
    the audit trail after each intake, so it is never out of step with what was processed.
    """
    audit = load_audit(intake_dir)
    rows = []
    if not audit.empty:
        audit = audit.assign(geldt=in_force(audit)).sort_values("verwerkt_op", ascending=False)
        for record in audit.to_dict("records"):
            report = record.get("rapport")
            rows.append(
                {
                    **record,
                    "gemeente_naam": (names or {}).get(record["gemeente_code"], ""),
                    "link": f"{record['gemeente_code']}/{record['periode']}/{report}" if report else None,
                    "css": {AFGEKEURD: "afgekeurd", GOEDGEKEURD: "goedgekeurd"}.get(record["oordeel"], "afwijkingen"),
                    "verwerkt": pd.Timestamp(record["verwerkt_op"]).strftime("%d-%m-%Y %H:%M:%S"),
                }
            )
    totals = audit.groupby("oordeel").size().to_dict() if not audit.empty else {}
    html = _env.get_template("beheer.html.j2").render(
        rows=rows,
        totals=totals,
        gemeenten=audit["gemeente_code"].nunique() if not audit.empty else 0,
        generated=datetime.now(timezone.utc).strftime("%d-%m-%Y %H:%M UTC"),
        contract_versie=CONTRACT_VERSION,
    )
    return files.write_text(reports_dir / OPERATOR_PAGE, html)
