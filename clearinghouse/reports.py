"""Quality reports for a delivery: HTML for the data officer, CSV for their systems, both in Dutch.

Values in a report are masked (clearinghouse.masking): a BSN is never shown in full.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape

from clearinghouse.validation import AFGEKEURD, GOEDGEKEURD
from contracts import CONTRACT_VERSION

if TYPE_CHECKING:
    from clearinghouse.intake import FileOutcome

EXAMPLES_PER_RULE = 10

_env = Environment(loader=PackageLoader("clearinghouse", "templates"), autoescape=select_autoescape(["html", "j2"]))


def report_base(reports_dir: Path, gemeente_code: str, periode: str, stamp: str, domein: str | None) -> Path:
    """reports/<gemeente>/<periode>/<stamp>_<domein>: the stem of a report's .html and .csv."""
    return reports_dir / gemeente_code / periode / f"{stamp}_{domein or 'aanlevering'}"


def write_report(outcome: "FileOutcome", *, gemeente_code: str, periode: str, base: Path) -> Path:
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
