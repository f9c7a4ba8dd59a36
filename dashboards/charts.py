"""Figure builders for the site: lists of published numbers in, a Plotly figure out.

Each builder gets only numbers that may be shown (None where a figure is secret or not
delivered), so a secret figure never enters the page's chart data — not even hidden in the JSON
that Plotly embeds. A missing point is a gap in a line; a missing bar is an empty bar labelled ".".

All texts a reader sees (titles, axes, hover) are Dutch; numbers in labels and hovers are
pre-formatted with `dashboards.format` and the axes use `separators=",."` (decimal comma).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from vocabulary.formatting import SECRET, fmt_number

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


# Length of the bar drawn for a secret value: Plotly draws no label on a bar of length 0, and
# the "." label must show. Far below any published value (one decimal), so it reads as no bar.
SECRET_LENGTH = 1e-9
SECRET_TEXT = f"{SECRET} (geheim)"

# One compact chart per indicator block on a gemeente page, one per indicator page.

PEER = "#6e7781"
NEDERLAND = "#9a3412"
BAND = "rgba(31, 95, 139, 0.13)"


def _clean(values) -> list[float | None]:
    return [None if v is None or pd.isna(v) else float(v) for v in values]


def trend_lines(
    x_labels: list[str],
    *,
    own: list[float | None],
    own_name: str,
    eenheid_label: str,
    title: str,
    peer_median: list[float | None] | None = None,
    peer_p25: list[float | None] | None = None,
    peer_p75: list[float | None] | None = None,
    peer_name: str = "Vergelijkbare gemeenten (mediaan)",
    nederland: list[float | None] | None = None,
) -> go.Figure:
    """One indicator over the periodes: the gemeente, the P25–P75 band and median of its peers, Nederland.

    Missing points (secret, not delivered) are gaps; the table beside the chart shows them as ".".
    """
    traces = []
    if peer_p25 is not None and peer_p75 is not None and any(v is not None for v in _clean(peer_p25)):
        traces.append(go.Scatter(x=x_labels, y=_clean(peer_p75), mode="lines", line=dict(width=0),
                                 hoverinfo="skip", showlegend=False, name="P75"))
        traces.append(go.Scatter(x=x_labels, y=_clean(peer_p25), mode="lines", line=dict(width=0),
                                 fill="tonexty", fillcolor=BAND, hoverinfo="skip",
                                 name="Middelste helft vergelijkbare gemeenten (P25–P75)"))
    if peer_median is not None:
        traces.append(go.Scatter(x=x_labels, y=_clean(peer_median), mode="lines+markers", name=peer_name,
                                 line=dict(color=PEER, width=2, dash="dash"), marker=dict(size=6),
                                 hovertemplate=f"{peer_name}<br>%{{x}}: %{{y:,.1f}} {eenheid_label}<extra></extra>"))
    if nederland is not None:
        traces.append(go.Scatter(x=x_labels, y=_clean(nederland), mode="lines+markers", name="Nederland",
                                 line=dict(color=NEDERLAND, width=2, dash="dot"), marker=dict(size=6, symbol="square"),
                                 hovertemplate=f"Nederland<br>%{{x}}: %{{y:,.1f}} {eenheid_label}<extra></extra>"))
    traces.append(go.Scatter(x=x_labels, y=_clean(own), mode="lines+markers", name=own_name,
                             line=dict(color=PRIMARY, width=3), marker=dict(size=8),
                             hovertemplate=f"<b>{own_name}</b><br>%{{x}}: %{{y:,.1f}} {eenheid_label}<extra></extra>"))
    layout = _layout(
        title,
        height=300,
        xaxis=dict(type="category", showgrid=False),
        yaxis=dict(title=dict(text=eenheid_label), rangemode="tozero"),
        legend=dict(orientation="h", x=0, y=-0.18, xanchor="left", yanchor="top", font=dict(size=12)),
    )
    layout["margin"] = dict(l=10, r=20, t=50, b=90)
    return go.Figure(data=traces, layout=layout)


def category_bars(
    categories: list[str],
    *,
    own: list[float | None],
    own_name: str,
    eenheid_label: str,
    title: str,
    compare: list[float | None] | None = None,
    compare_name: str = "Nederland",
) -> go.Figure:
    """The categories of one reeks in one periode: the gemeente beside a comparison (horizontal bars).

    A missing own value (secret or not delivered) is an empty bar labelled "."."""
    own = _clean(own)
    lengths = [SECRET_LENGTH if v is None else v for v in own]
    labels = [SECRET_TEXT if v is None else fmt_number(v, 1) for v in own]
    traces = []
    if compare is not None:
        compare = _clean(compare)
        traces.append(go.Bar(
            y=categories, x=[SECRET_LENGTH if v is None else v for v in compare], orientation="h", name=compare_name,
            marker_color=BENCHMARK, text=[SECRET if v is None else fmt_number(v, 1) for v in compare],
            textposition="outside", cliponaxis=False,
            hovertemplate=f"{compare_name}<br>%{{y}}: %{{text}} {eenheid_label}<extra></extra>"))
    traces.append(go.Bar(
        y=categories, x=lengths, orientation="h", name=own_name, marker_color=PRIMARY, text=labels,
        textposition="outside", cliponaxis=False,
        hovertemplate=f"<b>{own_name}</b><br>%{{y}}: %{{text}} {eenheid_label}<extra></extra>"))
    layout = _layout(
        title,
        height=max(240, 110 + (44 if compare is not None else 26) * len(categories)),
        xaxis=dict(title=dict(text=eenheid_label), rangemode="tozero"),
        yaxis=dict(type="category", showgrid=False, autorange="reversed", ticksuffix="  "),
        barmode="group",
        legend=dict(orientation="h", x=0, y=-0.2, xanchor="left", yanchor="top", traceorder="reversed"),
    )
    layout["margin"] = dict(l=10, r=50, t=50, b=90)
    return go.Figure(data=traces, layout=layout)


def category_trend(
    x_labels: list[str], series: dict[str, list[float | None]], *, eenheid_label: str, title: str
) -> go.Figure:
    """Several categories of one reeks over the periodes (used for counts, which have no comparison)."""
    palette = ["#1f5f8b", "#9a3412", "#2f6f3e", "#6f42c1", "#8a6d00", "#b42363", "#3b6e8f"]
    traces = [
        go.Scatter(x=x_labels, y=_clean(values), mode="lines+markers", name=name,
                   line=dict(color=palette[i % len(palette)], width=2), marker=dict(size=7),
                   hovertemplate=f"<b>{name}</b><br>%{{x}}: %{{y:,.1f}} {eenheid_label}<extra></extra>")
        for i, (name, values) in enumerate(series.items())
    ]
    layout = _layout(
        title,
        height=300,
        xaxis=dict(type="category", showgrid=False),
        yaxis=dict(title=dict(text=eenheid_label), rangemode="tozero"),
        legend=dict(orientation="h", x=0, y=-0.18, xanchor="left", yanchor="top"),
    )
    layout["margin"] = dict(l=10, r=20, t=50, b=90)
    return go.Figure(data=traces, layout=layout)


def gemeenten_dots(
    names: list[str],
    values: list[float],
    *,
    peer_medians: list[float | None],
    eenheid_label: str,
    title: str,
    nederland: float | None = None,
) -> go.Figure:
    """Every published gemeente on one axis (dot), with the median of its comparable gemeenten (open
    diamond) and a line for Nederland. `values` holds only published values: secret gemeenten are
    left out by the caller (the table beside the chart lists them with ".")."""
    peer = _clean(peer_medians)
    traces = [
        go.Scatter(x=peer, y=names, mode="markers", name="Mediaan vergelijkbare gemeenten",
                   marker=dict(symbol="diamond-open", size=10, color=PEER, line=dict(width=2)),
                   hovertemplate="%{y}<br>mediaan vergelijkbare gemeenten: %{x:,.1f} " + eenheid_label + "<extra></extra>"),
        go.Scatter(x=_clean(values), y=names, mode="markers", name="Gemeente",
                   marker=dict(size=10, color=PRIMARY),
                   hovertemplate="<b>%{y}</b><br>%{x:,.1f} " + eenheid_label + "<extra></extra>"),
    ]
    shapes, annotations = [], []
    if nederland is not None:
        shapes.append(dict(type="line", x0=nederland, x1=nederland, yref="paper", y0=0, y1=1,
                           line=dict(color=NEDERLAND, width=2, dash="dot")))
        annotations.append(dict(x=nederland, y=1, yref="paper", yanchor="bottom", showarrow=False,
                                text=f"Nederland: {_value_label(nederland, eenheid_label)}",
                                font=dict(color=NEDERLAND, size=12)))
    layout = _layout(
        title,
        height=max(260, 130 + 22 * len(names)),
        xaxis=dict(title=dict(text=eenheid_label), rangemode="tozero"),
        yaxis=dict(type="category", showgrid=True, autorange="reversed", ticksuffix="  "),
        shapes=shapes,
        annotations=annotations,
        legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom"),
    )
    layout["margin"] = dict(l=10, r=30, t=90, b=50)
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
