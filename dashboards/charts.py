"""Figure builders for the site: a DataFrame of published rows in, a Plotly figure out.

Each builder takes rows that are already selected (one indicator, one periode or one gemeente)
and only *reads* `waarde` from rows that are not secret. A secret row gets an empty bar labelled
"." and a hover text with the reason, so its figure never enters the page's chart data — not
even hidden in the JSON that Plotly embeds.

All texts a reader sees (titles, axes, hover) are Dutch; numbers in labels and hovers are
pre-formatted with `dashboards.format` and the axes use `separators=",."` (decimal comma).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.format import SECRET, fmt_number, is_secret

PRIMARY = "#1f5f8b"
BENCHMARK = "#8c959f"
TEXT = "#1b1f24"
GRID = "#e3e6ea"

# Plotly config for every chart: Dutch locale (registered by locale-nl.js), no Plotly logo,
# only the "download as picture" button.
CONFIG = {
    "locale": "nl",
    "displaylogo": False,
    "responsive": True,
    "modeBarButtons": [["toImage"]],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def _layout(title: str, *, height: int, xaxis: dict, yaxis: dict, **extra) -> dict:
    return dict(
        template="none",
        title=dict(text=title, x=0, xanchor="left", font=dict(size=16)),
        height=height,
        margin=dict(l=10, r=40, t=60, b=50),
        separators=",.",
        font=dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=13, color=TEXT),
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel=dict(bgcolor="white", font=dict(color=TEXT)),
        xaxis=dict(automargin=True, gridcolor=GRID, zerolinecolor="#9aa4ae", **xaxis),
        yaxis=dict(automargin=True, gridcolor=GRID, zerolinecolor="#9aa4ae", **yaxis),
        **extra,
    )


def _value_label(value: float, eenheid_label: str) -> str:
    return f"{fmt_number(value, 1)} {eenheid_label}".replace(" %", "%")


def _secret_label(row) -> str:
    reason = row.get("geheim_reden")
    return f"geheim ({reason})" if isinstance(reason, str) and reason else "geheim"


# Length of the bar drawn for a secret value: Plotly draws no label on a bar of length 0, and
# the "." label must show. Far below any published value (one decimal), so it reads as no bar.
SECRET_LENGTH = 1e-9
SECRET_TEXT = f"{SECRET} (geheim)"


def _bar_data(
    rows: pd.DataFrame, eenheid_label: str, secret_text: str = SECRET
) -> tuple[list[float], list[str], list[str]]:
    """Bar lengths, bar labels and hover texts; a secret row gets an empty bar labelled "."."""
    lengths, labels, hovers = [], [], []
    for _, row in rows.iterrows():
        if is_secret(row):
            lengths.append(SECRET_LENGTH)
            labels.append(secret_text)
            hovers.append(_secret_label(row))
        else:
            value = float(row["waarde"])
            lengths.append(value)
            labels.append(fmt_number(value, 1))
            hovers.append(_value_label(value, eenheid_label))
    return lengths, labels, hovers


def _sorted_for_hbar(rows: pd.DataFrame) -> pd.DataFrame:
    """Largest value on top, secret rows at the bottom (Plotly draws the first category lowest)."""
    secret = rows.apply(is_secret, axis=1) if len(rows) else pd.Series(dtype=bool)
    key = rows["waarde"].astype("Float64").where(~secret).astype("float64")
    ordered = rows.assign(_secret=~secret, _key=key.fillna(float("-inf")), _naam=rows["regio_naam"].astype(str))
    return ordered.sort_values(["_secret", "_key", "_naam"], ascending=[True, True, False]).drop(
        columns=["_secret", "_key", "_naam"]
    )


def _hbar(
    rows: pd.DataFrame,
    *,
    title: str,
    eenheid_label: str,
    reference: tuple[str, float] | None = None,
) -> go.Figure:
    rows = _sorted_for_hbar(rows)
    lengths, labels, hovers = _bar_data(rows, eenheid_label, secret_text=SECRET_TEXT)
    names = rows["regio_naam"].astype(str).tolist()
    bar = go.Bar(
        x=lengths,
        y=names,
        orientation="h",
        marker_color=PRIMARY,
        text=labels,
        textposition="outside",
        cliponaxis=False,
        customdata=hovers,
        hovertemplate="<b>%{y}</b><br>%{customdata}<extra></extra>",
        name=title,
    )
    shapes, annotations = [], []
    if reference is not None:
        label, value = reference
        shapes.append(dict(type="line", x0=value, x1=value, yref="paper", y0=0, y1=1,
                           line=dict(color=BENCHMARK, width=2, dash="dash")))
        annotations.append(dict(x=value, y=1, yref="paper", yanchor="bottom", showarrow=False,
                                text=f"{label}: {_value_label(value, eenheid_label)}",
                                font=dict(color="#57606a", size=12)))
    layout = _layout(
        title,
        height=max(220, 110 + 26 * len(names)),
        xaxis=dict(title=dict(text=f"Waarde ({eenheid_label})"), rangemode="tozero"),
        yaxis=dict(type="category", showgrid=False, ticksuffix="  "),
        showlegend=False,
        shapes=shapes,
        annotations=annotations,
    )
    return go.Figure(data=[bar], layout=layout)  # one validation pass: update_layout is slow


def gemeenten_bar(rows: pd.DataFrame, *, title: str, eenheid_label: str, benchmark: float | None = None) -> go.Figure:
    """Compare gemeenten on one indicator in one periode, sorted from high to low.

    `rows`: gemeente-level rows (regio_code, regio_naam, waarde, geheim, geheim_reden).
    """
    reference = ("Alle gemeenten", benchmark) if benchmark is not None else None
    return _hbar(rows, title=title, eenheid_label=eenheid_label, reference=reference)


def wijken_bar(
    rows: pd.DataFrame, *, title: str, eenheid_label: str, gemeente: tuple[str, float] | None = None
) -> go.Figure:
    """Compare the wijken of one gemeente in one periode; a dashed line marks the gemeente.

    `rows`: wijk-level rows; `gemeente`: (name, value) of the whole gemeente, when published.
    """
    return _hbar(rows, title=title, eenheid_label=eenheid_label, reference=gemeente)


def periode_bars(
    gemeente_rows: pd.DataFrame,
    benchmark: pd.DataFrame,
    *,
    title: str,
    eenheid_label: str,
    gemeente_naam: str,
    periode_labels: dict[str, str],
) -> go.Figure:
    """The gemeente's value per periode beside the benchmark of all gemeenten (grouped bars).

    `gemeente_rows`: the gemeente-level rows of one gemeente for one indicator (any periodes);
    `benchmark`: columns periode, waarde (the benchmark per periode, see site.benchmark).
    """
    periodes = sorted(set(gemeente_rows["periode"]) | set(benchmark["periode"]))
    x = [periode_labels.get(p, p) for p in periodes]
    own = gemeente_rows.set_index("periode")
    lengths, labels, hovers = _bar_data(own.reindex(periodes), eenheid_label, secret_text=SECRET_TEXT)
    bench = benchmark.set_index("periode")["waarde"].reindex(periodes)
    bench_lengths = [SECRET_LENGTH if pd.isna(v) else float(v) for v in bench]
    bench_labels = [SECRET_TEXT if pd.isna(v) else fmt_number(v, 1) for v in bench]
    bench_hovers = ["geen gegevens" if pd.isna(v) else _value_label(float(v), eenheid_label) for v in bench]
    traces = [
        go.Bar(x=x, y=lengths, name=gemeente_naam, marker_color=PRIMARY, text=labels, textposition="outside",
               cliponaxis=False, customdata=hovers,
               hovertemplate=f"<b>{gemeente_naam}</b><br>%{{x}}: %{{customdata}}<extra></extra>"),
        go.Bar(x=x, y=bench_lengths, name="Alle gemeenten", marker_color=BENCHMARK, text=bench_labels,
               textposition="outside", cliponaxis=False, customdata=bench_hovers,
               hovertemplate="<b>Alle gemeenten</b><br>%{x}: %{customdata}<extra></extra>"),
    ]
    layout = _layout(
        title,
        height=340,
        xaxis=dict(type="category", showgrid=False),
        yaxis=dict(title=dict(text=f"Waarde ({eenheid_label})"), rangemode="tozero"),
        barmode="group",
        legend=dict(orientation="h", x=0, y=-0.12, xanchor="left", yanchor="top"),
    )
    layout["margin"]["b"] = 70  # room for the legend below the axis
    return go.Figure(data=traces, layout=layout)


def to_html(figure: go.Figure, div_id: str) -> str:
    """The chart as an HTML fragment that uses the page's own plotly.min.js (no CDN, works offline)."""
    height = figure.layout.height or 360
    return figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        config=CONFIG,
        default_height=f"{height}px",
        default_width="100%",
    )
