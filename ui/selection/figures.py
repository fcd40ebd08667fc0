"""Figures of the page "Model selection": BIC and AIC against K per covariance type, and the
final log-likelihoods of restarts (local optima made visible).

Pure Plotly (no Streamlit); the fits themselves are drawn with the stepper's builders.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from gmm_core.model_search import GridResult
from ui.figures.common import FigureStyle, base_layout, component_hex, make_figure

# One colour and dash per covariance type, fixed so that BIC and AIC charts read alike.
COVARIANCE_STYLES = {
    "full": (component_hex(0), "solid"),
    "tied": (component_hex(1), "dash"),
    "diag": (component_hex(2), "dot"),
    "spherical": (component_hex(3), "dashdot"),
}
CRITERION_TITLES = {"bic": "BIC", "aic": "AIC"}
BEST_HEX = "#C00000"


def criterion_figure(grid: GridResult, criterion: str, style: FigureStyle, *,
                     selected: tuple[int, str] | None = None, height: int = 420) -> go.Figure:
    """BIC or AIC (lower is better) against K, one line per covariance type.

    The best model is marked by a red star, the model ``selected`` = (K, covariance type) on
    screen by a ring. Models that could not be fitted leave a gap in their line.
    """
    name = CRITERION_TITLES[criterion]
    traces: list[dict] = []
    types = list(dict.fromkeys(entry.covariance_type for entry in grid.entries))
    for covariance_type in types:
        entries = [entry for entry in grid.entries if entry.covariance_type == covariance_type]
        colour, dash = COVARIANCE_STYLES[covariance_type]
        values = [entry.criterion(criterion) for entry in entries]
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": covariance_type,
            "x": [entry.n_components for entry in entries],
            "y": [value if math.isfinite(value) else None for value in values],
            "customdata": [[entry.n_params, entry.fit.log_likelihood] for entry in entries],
            "line": {"color": colour, "dash": dash, "width": style.line_width},
            "marker": {"size": style.marker_size + 1, "color": colour},
            "hovertemplate": (f"{covariance_type}, K = %{{x}}<br>{name} = %{{y:.6~g}}<br>"
                              "parameters: %{customdata[0]}<br>log-likelihood "
                              "%{customdata[1]:.6~g}<extra></extra>"),
        })
    best = grid.best(criterion)
    if selected is not None:
        entry = grid.entry(*selected)
        if entry is not None and math.isfinite(entry.criterion(criterion)):
            traces.append({
                "type": "scatter", "mode": "markers", "name": "shown below",
                "x": [entry.n_components], "y": [entry.criterion(criterion)],
                "marker": {"symbol": "circle-open", "size": style.marker_size * 2 + 12,
                           "color": "#222222", "line": {"width": 2.5}},
                "hoverinfo": "skip",
            })
    annotations = []
    if best is not None:
        traces.append({
            "type": "scatter", "mode": "markers", "name": f"best {name}",
            "x": [best.n_components], "y": [best.criterion(criterion)],
            "marker": {"symbol": "star", "size": style.marker_size * 2 + 10,
                       "color": BEST_HEX, "line": {"color": "white", "width": 1.5}},
            "hovertemplate": (f"best {name}: K = {best.n_components}, "
                              f"{best.covariance_type}<extra></extra>"),
        })
        annotations.append({
            "x": best.n_components, "y": best.criterion(criterion), "showarrow": True,
            "arrowhead": 2, "ax": 0, "ay": -40, "font": {"size": style.font_size,
                                                       "color": BEST_HEX},
            "text": f"best: K = {best.n_components}, {best.covariance_type}",
        })
    layout = base_layout(style, height=height)
    layout.update(
        xaxis={"title": {"text": "number of components K"}, "dtick": 1},
        yaxis={"title": {"text": f"{name} (lower is better)"}, "tickformat": ".6~g",
               "range": _focus_range(grid, criterion)},
        annotations=annotations,
        hovermode="closest",
    )
    return make_figure({"data": traces, "layout": layout})


def _focus_range(grid: GridResult, criterion: str) -> list[float] | None:
    """A y range from the best value up to the worst value with K >= 2.

    K = 1 is usually far worse than the rest; drawing it in full would squash the region where
    the choice is made into a flat line. Its point is then off the top, its line leaving the
    chart. None (autorange) when there is nothing to focus on.
    """
    values = [entry.criterion(criterion) for entry in grid.entries]
    finite = [value for value in values if math.isfinite(value)]
    rest = [entry.criterion(criterion) for entry in grid.entries
            if entry.n_components >= 2 and math.isfinite(entry.criterion(criterion))]
    if not finite or not rest:
        return None
    low, high = min(finite), max(rest)
    if high <= low:
        return None
    pad = 0.06 * (high - low)
    return [low - pad, high + pad]


def restarts_histogram(log_likelihoods: np.ndarray, style: FigureStyle, *,
                       height: int = 400) -> go.Figure:
    """How often the restarts ended at each final log-likelihood: (S,) values, nan = failed.

    Separate bars are separate local optima; the best one is marked by a red line.
    """
    values = np.asarray(log_likelihoods, dtype=float)
    finite = values[np.isfinite(values)]
    traces: list[dict] = [{
        "type": "histogram", "x": finite, "name": "restarts",
        "nbinsx": max(10, min(60, 2 * len(finite))),
        "marker": {"color": component_hex(0), "line": {"color": "white", "width": 1}},
        "hovertemplate": "log-likelihood %{x}<br>%{y} restart(s)<extra></extra>",
    }]
    shapes, annotations = [], []
    if finite.size:
        best = float(finite.max())
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": best, "x1": best,
                       "y0": 0, "y1": 1, "line": {"color": BEST_HEX, "width": 2,
                                                  "dash": "dash"}})
        annotations.append({"x": best, "yref": "paper", "y": 1.0, "showarrow": False,
                            "xanchor": "right", "yanchor": "top",
                            "text": f"best {best:.6g}",
                            "font": {"color": BEST_HEX, "size": style.font_size}})
    layout = base_layout(style, height=height)
    layout.update(
        xaxis={"title": {"text": "final log-likelihood (higher is better)"},
               "tickformat": ".6~g"},
        yaxis={"title": {"text": "restarts"}, "dtick": 1 if len(finite) <= 20 else None},
        showlegend=False, shapes=shapes, annotations=annotations, bargap=0.05,
    )
    return make_figure({"data": traces, "layout": layout})


def init_comparison_figure(log_likelihoods: Mapping[str, np.ndarray], style: FigureStyle, *,
                           height: int = 420) -> go.Figure:
    """Final log-likelihoods of the restarts of each initialisation, side by side.

    log_likelihoods: method name -> (S,) values (nan = failed). Each method is a box with every
    restart drawn as a point next to it; the overall best is a red dashed line.
    """
    traces: list[dict] = []
    best = -math.inf
    for position, (method, values) in enumerate(log_likelihoods.items()):
        values = np.asarray(values, dtype=float)
        finite = values[np.isfinite(values)]
        if finite.size:
            best = max(best, float(finite.max()))
        traces.append({
            "type": "box", "y": finite, "name": method, "boxpoints": "all", "jitter": 0.4,
            "pointpos": 0, "marker": {"color": component_hex(position),
                                      "size": style.marker_size},
            "line": {"color": component_hex(position)},
            "hovertemplate": f"{method}<br>log-likelihood %{{y:.6g}}<extra></extra>",
        })
    layout = base_layout(style, height=height)
    layout.update(
        yaxis={"title": {"text": "final log-likelihood"}, "tickformat": ".6~g"},
        xaxis={"title": {"text": "initialisation"}},
        showlegend=False,
    )
    if math.isfinite(best):
        layout["shapes"] = [{"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1,
                             "y0": best, "y1": best,
                             "line": {"color": BEST_HEX, "width": 1.5, "dash": "dash"}}]
    return make_figure({"data": traces, "layout": layout})
