"""Writing pages: the Jinja environment, the shared page frame's context, and the page's chart data.

Every page is rendered from `dashboards/templates/` with the same frame (header with search and
menu, footer). Links are relative (`root` is the way back to the site root), so the site works
from any folder and from file://. A page with charts carries their specs as one JSON block and
loads its chart scripts with `defer` (`chart_scripts`): the text and tables show at once, charts follow.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

from vocabulary.formatting import fmt_number
from vocabulary.periode import label as periode_label

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"

try:  # markupsafe's escaping of a str without making a Markup of it (3.x; its own `escape` calls it)
    from markupsafe._speedups import _escape_inner
except ImportError:  # another version, or no compiled speedups: the same text through `escape`
    def _escape_inner(text: str) -> str:
        return str(escape(text))


def _inline_markup(text: str) -> Markup:
    """The dictionary's light markup (`code`, **bold**) as HTML, after escaping everything else."""
    escaped = str(Markup.escape(text))
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    escaped = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)
    return Markup(escaped)


def _row_cells(cells) -> Markup:
    """A table row's cells as one piece of HTML, each escaped unless already Markup: what
    `{% for c in cells %}{{ c }}{% endfor %}` gives, without a template loop step per cell (a
    national site has some 600,000 cells). `Markup.join` would escape (copy) every cell, Markup or not."""
    return Markup("".join([cell if type(cell) is Markup else escape(cell) for cell in cells]))


def _output(value) -> str:
    """What `{{ value }}` writes: the text of `markupsafe.escape(value)`, as a plain str.

    Jinja wraps every `{{ }}` in `escape`, which makes a Markup object of each piece of output;
    a page's output is joined into one string at once, so the Markup is only overhead (some
    2 million objects on a national site). The escaping itself is markupsafe's."""
    if type(value) is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        text = html()
        return text if isinstance(text, str) else str(text)
    return _escape_inner(str(value))


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with `{{ }}` escaped by `_output` (the same text, no Markup per piece)."""

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escape_output(")
        else:
            super()._output_child_pre(node, frame, finalize)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    code_generator_class = _CodeGenerator
    escape_output = staticmethod(_output)

    def getattr(self, obj, attribute):
        """`obj.attribute` in a template, as Jinja resolves it (an attribute, else an item), with
        the key of a plain dict looked up at once: the pages' contexts are dicts, and Jinja first
        tries the attribute, whose AttributeError cost some 9 % of writing a gemeente page. A plain
        dict has no attributes but dict's own, so the result is the same."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def environment() -> Environment:
    env = _Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)
    env.filters["periode"] = periode_label
    env.filters["inline"] = _inline_markup
    env.filters["cellen"] = _row_cells
    env.filters["getal"] = lambda value, decimals=0: fmt_number(value, decimals)
    return env


# The vendored Plotly bundle and its Dutch locale, as the site folder names them (dashboards/static/vendor/).
PLOTLY_SCRIPTS = ("plotly-basic.min.js", "plotly-locale-nl.js")


def chart_scripts(specs: dict | None, compare: bool = False) -> list[str]:
    """The chart scripts a page loads, deferred and in this order. Plotly (1.2 MB, cached after the
    first page) only where a Plotly chart is drawn; a page with only the map gets the SVG map code."""
    kinds = {spec["soort"] for spec in (specs or {}).values()}
    plotly = compare or bool(kinds - {"kaart"})
    scripts = [*PLOTLY_SCRIPTS] if plotly else []
    if specs is not None or compare:
        scripts.append("grafiek.js")
    if plotly:
        scripts.append("grafiek-plotly.js")
    if "kaart" in kinds:
        scripts.append("grafiek-kaart.js")
    if compare:
        scripts.append("vergelijk.js")
    return scripts


def chart_json(specs: dict) -> Markup:
    """The page's chart specs as the content of a <script type="application/json"> block."""
    text = json.dumps(specs, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("</", "<\\/").replace("<!--", "<\\!--"))


@dataclass
class Writer:
    """Renders templates into the site folder with the shared context; remembers what it wrote."""

    target: Path
    common: dict
    env: Environment = field(default_factory=environment)
    pages: list[Path] = field(default_factory=list)

    def write(self, relative: str, template: str, *, title: str, specs: dict | None = None, vergelijker: bool = False,
              **context) -> Path:
        page = self.target / relative
        page.parent.mkdir(parents=True, exist_ok=True)
        root = "../" * relative.count("/")
        html = self.env.get_template(template).render(
            root=root, title=title, grafieken=chart_json(specs) if specs is not None else None, pad=relative,
            scripts=chart_scripts(specs, vergelijker), **self.common, **context
        )
        page.write_text(html, encoding="utf-8")
        self.pages.append(page)
        return page
