"""Table cells as HTML, with secrets explained in text (not only on hover).

A secret figure is a dot (the CBS convention) followed by a small visible letter that says why
(k = klein aantal, n = noemer te klein, t = te weinig trajecten, a = aanvullend geheim); the
letters used in a table are explained right under it, and screen readers hear the reason in
words. This works on touch screens, with a keyboard and on paper, where a tooltip does not.

Cells are rendered here as ready HTML strings (Markup) rather than by a template macro: a
national build writes some 600,000 cells, and a macro call per cell would cost seconds.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from dashboards.data import Figure, Groep
from dashboards.views import IndicatorView
from vocabulary.formatting import SECRET, fmt_number

# geheim_reden → (letter, explanation in a footnote)
REDENEN: dict[str, tuple[str, str]] = {
    "klein aantal": ("k", "klein aantal: 0 tot en met 7 personen, zodat niemand herkenbaar is"),
    "noemer te klein": ("n", "noemer te klein voor een betrouwbaar cijfer"),
    "te weinig trajecten": ("t", "te weinig trajecten voor een betrouwbare mediaan"),
    "aanvullend geheim": ("a", "aanvullend geheim: verborgen zodat een ander geheim cijfer niet uit het totaal "
                               "en de overige cijfers terug te rekenen is"),
}
ONBEKEND = ("g", "geheim")


def reden(text: str | None) -> tuple[str, str]:
    """(letter, explanation) of a geheim_reden; an unknown reason keeps its own words."""
    if text in REDENEN:
        return REDENEN[text]
    return ("g", f"geheim: {text}") if text else ONBEKEND


def signed(value: float, decimals: int = 1) -> str:
    text = fmt_number(value, decimals)
    return text if text.startswith("-") or set(text) <= {"0", ","} else f"+{text}"


# The same few titles and reasons make most cells of a national site: their HTML is made once.
@lru_cache(maxsize=1024)
def _missing_html(title: str, text: str) -> Markup:
    return Markup(f'<td class="getal leeg" title="{escape(title)}">{text}<span class="sr"> ({escape(title)})</span></td>')


@lru_cache(maxsize=1024)
def _secret_html(why: str | None) -> tuple[str, str, Markup]:
    letter, explanation = reden(why)
    return letter, explanation, Markup(f'<td class="getal geheim">{SECRET}<sup aria-hidden="true">{letter}</sup>'
                                       f'<span class="sr"> geheim: {escape(explanation.split(":")[0])}</span></td>')


class Cells:
    """Makes the cells of one table and remembers which secret reasons occur, for its footnote."""

    def __init__(self) -> None:
        self.reasons: dict[str, str] = {}

    def text(self, text: str, *, kind: str = "getal", title: str | None = None, extra: str = "") -> Markup:
        attr = f' title="{escape(title)}"' if title else ""
        return Markup(f'<td class="{kind}"{attr}>{escape(text)}{extra}</td>')

    def missing(self, title: str = "Geen cijfer", text: str = "–") -> Markup:
        return _missing_html(title, text)

    def niet_geleverd(self) -> Markup:
        return Markup('<td class="getal ontbreekt">niet geleverd</td>')

    def secret(self, why: str | None) -> Markup:
        letter, explanation, html = _secret_html(why)
        self.reasons[letter] = explanation
        return html

    def value(self, view: IndicatorView, figure: Figure | None, *, missing: str = "niet geleverd") -> Markup:
        if figure is None:
            return self.niet_geleverd() if missing == "niet geleverd" else self.missing()
        if figure.waarde is None:
            return self.secret(figure.reden)
        return Markup(f'<td class="getal">{view.fmt(figure.waarde)}</td>')

    def count(self, figure: Figure | None, column: str) -> Markup:
        if figure is None:
            return self.missing()
        value = getattr(figure, column)
        if value is None:
            return self.secret(figure.reden) if figure.geheim else self.missing("Geen noemer")
        return Markup(f'<td class="getal">{fmt_number(value, 0)}</td>')

    def number(self, view: IndicatorView, value: float | None, *, missing_title: str = "Geen vergelijking beschikbaar") -> Markup:
        if value is None:
            return self.missing(missing_title)
        return Markup(f'<td class="getal">{view.fmt(value)}</td>')

    def group(self, view: IndicatorView, groep: Groep | None) -> Markup:
        """Median (P25–P75) of a comparison group; the band only when the data has it (≥ 5 members)."""
        if groep is None:
            return self.missing("Geen vergelijking beschikbaar")
        if not groep.comparable or groep.mediaan is None:
            return self.missing("Te weinig gemeenten met een cijfer om mee te vergelijken")
        text = view.fmt(groep.mediaan)
        if groep.has_band:
            text += f" ({view.fmt(groep.p25)}–{view.fmt(groep.p75)})"
        return Markup(f'<td class="getal" title="{escape(groep.naam)}: mediaan van {groep.aantal} gemeenten">{text}</td>')

    def change(self, view: IndicatorView, change: float | None, *, title: str = "") -> Markup:
        """A change since the previous periode, in the unit of a change (procentpunten), with its direction."""
        if change is None:
            return self.missing("Geen vergelijking met de vorige periode mogelijk")
        judgement = view.oordeel(change)
        extra = f' <span class="oordeel {judgement}">{judgement}</span>' if judgement else ""
        unit = view.verandering_label(change)
        hint = f"{title} ({unit})" if unit else title
        return self.text(signed(change, view.decimals), title=hint or None, extra=Markup(extra),
                         kind=f"getal{' ' + judgement if judgement else ''}")

    def noot(self, root: str = "") -> Markup:
        """The footnote under a table: what the letters after a secret dot mean (empty when none)."""
        if not self.reasons:
            return Markup("")
        items = "; ".join(f"<strong>.{letter}</strong> = {escape(text)}" for letter, text in sorted(self.reasons.items()))
        return Markup(f'<p class="noot">Geheim: {items}. <a href="{root}over-de-cijfers.html#geheim">Waarom geheim?</a></p>')
