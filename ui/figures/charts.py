"""The two small charts beside every stepper figure: the log-likelihood per half-step (with
decreases marked) and one point's membership probabilities as bars. Pure Plotly."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.figures.common import (
    DECREASE_HEX,
    FigureStyle,
    axis,
    base_layout,
    component_hex,
    make_figure,
)
from ui.kit.step_rules import KIND_NAMES

# --- the log-likelihood chart ------------------------------------------------------------------


def log_likelihood_figure(
    log_likelihoods: Sequence[float],
    kinds: Sequence[str],
    current: int,
    style: FigureStyle,
    *,
    lower_bounds: Sequence[float | None] | None = None,
    status: str = "running",
    height: int = 320,
) -> go.Figure:
    """Total log-likelihood after every half-step, with the current one marked.

    log_likelihoods: (S,) one per half-step (non-finite values, from a collapse, leave a gap);
    kinds: (S,) "start" | "E" | "M"; current: index of the half-step on screen; lower_bounds:
    (S,) the ELBO with the displayed responsibilities (None where undefined); status: the
    run's status, "converged" adds a label at the end. Decreases are drawn in red.
    """
    values = np.array([v if v is not None else math.nan for v in log_likelihoods], dtype=float)
    steps = np.arange(len(values))
    finite = np.isfinite(values)
    shown = np.where(finite, values, np.nan)
    hover = [f"half-step {i}: {KIND_NAMES.get(kind, kind)}" for i, kind in enumerate(kinds)]
    traces = [{
        "type": "scatter", "x": steps, "y": shown, "mode": "lines+markers",
        "name": "log-likelihood",
        "line": {"color": "#333333", "width": style.line_width},
        "marker": {
            "size": style.marker_size + 2,
            "color": ["#333333" if kind != "E" else "white" for kind in kinds],
            "line": {"color": "#333333", "width": 1.5},
        },
        "text": hover,
        "hovertemplate": "%{text}<br>log-likelihood %{y:.4f}<extra></extra>",
    }]
    if lower_bounds is not None:
        bounds = np.array([b if b is not None else math.nan for b in lower_bounds], dtype=float)
        if np.any(np.isfinite(bounds)):
            traces.append({
                "type": "scatter", "x": steps, "y": np.where(np.isfinite(bounds), bounds, np.nan),
                "mode": "lines", "name": "lower bound F(q, θ)",
                "line": {"color": "#0072B2", "width": style.line_width * 0.75, "dash": "dot"},
                "hovertemplate": "lower bound %{y:.4f}<extra></extra>",
            })
    decreased = decrease_indices(values)
    if decreased:
        traces.append({
            "type": "scatter", "x": decreased, "y": values[decreased], "mode": "markers",
            "name": "decrease!",
            "marker": {"size": style.marker_size + 8, "color": DECREASE_HEX, "symbol": "x"},
            "hovertemplate": "the log-likelihood decreased here<extra></extra>",
        })
    current = int(np.clip(current, 0, max(len(values) - 1, 0)))
    if len(values) and finite[current]:
        traces.append({
            "type": "scatter", "x": [current], "y": [values[current]], "mode": "markers",
            "name": "now", "showlegend": False,
            "marker": {"size": style.marker_size + 10, "color": "rgba(0,0,0,0)",
                       "line": {"color": "#D55E00", "width": 3}},
            "hovertemplate": "current half-step<extra></extra>",
        })
    layout = base_layout(style, height=height)
    layout.update(
        xaxis=axis(style, "half-step (start, E, M, E, M, ...)", rangemode="tozero",
                   range=[-0.5, max(len(values) - 0.5, 4.5)]),
        yaxis=axis(style, "log-likelihood", tickformat=".6~g"),
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": current, "x1": current,
                 "y0": 0, "y1": 1, "line": {"color": "#D55E00", "width": 2, "dash": "dash"}}],
        annotations=_log_likelihood_annotations(values, steps, status, style),
    )
    return make_figure({"data": traces, "layout": layout})


def decrease_indices(values: np.ndarray, rtol: float = 1e-10) -> list[int]:
    """Half-steps whose log-likelihood fell below the previous one by more than round-off."""
    values = np.asarray(values, dtype=float)
    found = []
    for index in range(1, len(values)):
        before, after = values[index - 1], values[index]
        if math.isfinite(before) and math.isfinite(after):
            if after < before - rtol * max(abs(before), 1.0):
                found.append(index)
    return found


def _log_likelihood_annotations(values, steps, status, style):
    annotations = []
    if not len(values):
        return annotations
    last = len(values) - 1
    if status == "converged" and math.isfinite(values[last]):
        annotations.append({"x": steps[last], "y": values[last], "text": "converged",
                            "showarrow": True, "arrowhead": 2, "ax": -40, "ay": 30,
                            "font": {"size": style.font_size}})
    if not math.isfinite(values[last]) or status == "collapsed":
        annotations.append({"x": steps[last], "yref": "paper", "y": 0.95,
                            "text": "→ +∞ (a component collapsed)", "showarrow": False,
                            "xanchor": "right", "font": {"size": style.font_size,
                                                         "color": DECREASE_HEX}})
    return annotations


# --- membership probabilities of one point ----------------------------------------------------


def membership_bar_figure(probabilities: Sequence[float], style: FigureStyle, *,
                          title: str = "", height: int = 260) -> go.Figure:
    """Bars of p(z = k | x) for one point, one bar per component in its colour.

    probabilities: (K,), summing to 1.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    labels = [f"{k + 1}" for k in range(len(probabilities))]
    trace = {
        "type": "bar", "x": labels, "y": probabilities,
        "marker": {"color": [component_hex(k) for k in range(len(probabilities))]},
        "text": [f"{p:.1%}" for p in probabilities], "textposition": "outside",
        "hovertemplate": "component %{x}: %{y:.3f}<extra></extra>",
    }
    layout = base_layout(style, height=height)
    layout.update(
        title={"text": title, "font": {"size": style.font_size}},
        xaxis=axis(style, "component", type="category"),
        yaxis=axis(style, "p(z = k | x)", range=[0, 1.15]),
        showlegend=False,
    )
    return make_figure({"data": [trace], "layout": layout})
