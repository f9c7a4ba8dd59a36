"""The printable factsheet of a gemeente: one table of every indicator on one or two A4 pages.

For a raadslid who prints, or saves as PDF from the browser (print CSS in style.css, A4 portrait):
the latest value, the change (in the unit of a change: procentpunten for a percentage), whether
that is favourable where the indicator has a direction, the comparison groups and their members.
No charts: a table prints sharply and says everything on paper.
"""

from __future__ import annotations

from dashboards.cells import Cells
from dashboards.data import SiteData
from dashboards.pages.gemeente import SOORT_LABELS, SOORTEN_OP_PAGINA, groepen, kern_by_block
from vocabulary.domeinen import INDICATOR_DOMEINEN
from dashboards.views import domein_titel


def context(data: SiteData, code: str, root: str = "../", kern: dict[str, tuple[list[dict], Cells]] | None = None) -> dict:
    """Context of gemeente/<code>-factsheet.html; `kern`: the gemeente page's `kern_by_block`, when already made.

    A block without a figure of the gemeente is not in `kern`: all its rows would be left out here."""
    naam = data.names[code]
    own = data.gemeente_indicators.get(code, set())
    kern = kern_by_block(data, code) if kern is None else kern
    cells = Cells()
    domeinen = []
    for domein in INDICATOR_DOMEINEN:
        rows = []
        for block in data.blocks:
            if block.domein != domein or block.key not in kern:
                continue
            block_rows, block_cells = kern[block.key]
            cells.reasons.update(block_cells.reasons)
            for row in block_rows:
                if row["view"].id in own:
                    rows.append({**row, "naam": row["view"].titel if not block.is_reeks else f"{block.titel}: {row['view'].label}"})
        if rows:
            domeinen.append({"titel": domein_titel(domein), "rows": rows})
    headers = {soort: data.group_name(code, soort) or SOORT_LABELS.get(soort, soort) for soort in SOORTEN_OP_PAGINA}
    return {"code": code, "naam": naam, "domeinen": domeinen, "noot": cells.noot(root), "headers": headers,
            "groepen": groepen(data, code, root)}
