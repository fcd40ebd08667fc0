"""Figures of the page "k-means vs EM": k-means' hard clusters with their Voronoi cells, the
points on which k-means and EM disagree, and k-means' objective over the half-steps.

Pure Plotly (no Streamlit). The points and centres come from the stepper's builders in
``ui.figures.two_d`` (same palette, same markers), so cluster k and component k share a colour.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gmm_core.kmeans import assign
from ui.figures.common import (
    FigureStyle,
    base_layout,
    component_hex,
    component_rgba,
    make_figure,
    plotly_labels,
)
from ui.figures.two_d import data_ranges, means_traces, points_trace

VORONOI_RESOLUTION = 300
VORONOI_ALPHA = 0.16
HIGHLIGHT_HEX = "#C00000"


def voronoi_trace(centers: np.ndarray, x_range: Sequence[float], y_range: Sequence[float],
                  resolution: int = VORONOI_RESOLUTION) -> dict:
    """k-means' decision regions: a (resolution x resolution) grid coloured by nearest centre.

    centers: (K, 2). Cell k takes a pale version of colour k. A heatmap of small integers is a
    few kilobytes, far cheaper than computing the polygons of the Voronoi diagram.
    """
    xs = np.linspace(x_range[0], x_range[1], resolution)
    ys = np.linspace(y_range[0], y_range[1], resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    nearest = assign(np.stack([grid_x.ravel(), grid_y.ravel()], axis=1), centers)
    n_clusters = centers.shape[0]
    colorscale = []
    for k in range(n_clusters):
        colour = component_rgba(k, VORONOI_ALPHA)
        # Two stops per cluster make the scale a staircase: one flat colour per integer.
        colorscale += [[k / n_clusters, colour], [(k + 1) / n_clusters, colour]]
    return {
        "type": "heatmap", "x": xs.astype(np.float32), "y": ys.astype(np.float32),
        "z": nearest.reshape(resolution, resolution).astype(np.uint8),
        "zmin": -0.5, "zmax": n_clusters - 0.5, "colorscale": colorscale,
        "showscale": False, "hoverinfo": "skip", "name": "Voronoi cells",
    }


def _covering_box(x_range, y_range, margin: float = 1.3):
    """A square box around both ranges, large enough to fill the plot whichever axis the
    equal-units constraint stretches (and a little panning): (x range, y range)."""
    half = margin * max(x_range[1] - x_range[0], y_range[1] - y_range[0]) / 2.0
    x_mid, y_mid = (x_range[0] + x_range[1]) / 2.0, (y_range[0] + y_range[1]) / 2.0
    return [x_mid - half, x_mid + half], [y_mid - half, y_mid + half]


def highlight_trace(X: np.ndarray, mask: np.ndarray, style: FigureStyle,
                    name: str = "k-means and EM disagree") -> dict:
    """Red rings around the points X[mask] (X: (N, 2), mask: (N,) bool), with a legend entry."""
    chosen = X[np.asarray(mask, dtype=bool)]
    return {
        "type": "scatter", "x": chosen[:, 0].astype(np.float32),
        "y": chosen[:, 1].astype(np.float32), "mode": "markers", "name": name,
        "showlegend": True,
        "marker": {"symbol": "circle-open", "size": style.marker_size * 2 + 4,
                   "color": HIGHLIGHT_HEX, "line": {"width": max(style.line_width, 2.0)}},
        "hoverinfo": "skip",
    }


def add_highlight(figure: go.Figure, X: np.ndarray, mask: np.ndarray | None,
                  style: FigureStyle) -> go.Figure:
    """Draw the rings of :func:`highlight_trace` on top of ``figure`` (if any point is marked)."""
    if mask is not None and np.any(mask):
        figure.add_trace(highlight_trace(X, mask, style))
    return figure


def square_layout(style: FigureStyle, x_range, y_range, feature_names: Sequence[str],
                  title: str) -> dict:
    """The stepper's 2-D layout: fixed ranges and equal units on both axes (circles look round).

    feature_names: the axis titles, already safe for Plotly (``plotly_labels``)."""
    layout = base_layout(style)
    layout.update(
        title={"text": title, "font": {"size": style.font_size + 2}},
        xaxis={"title": {"text": feature_names[0]}, "range": list(x_range), "zeroline": False},
        yaxis={"title": {"text": feature_names[1]}, "range": list(y_range), "zeroline": False,
               "scaleanchor": "x", "scaleratio": 1},
        hovermode="closest",
        dragmode="pan",
    )
    return layout


def relax_aspect(figure: go.Figure, X: np.ndarray, max_ratio: float = 4.0) -> go.Figure:
    """Drop the equal-units constraint when X's (N, 2) two columns have very different spans.

    Equal units make a circle look round, but with, say, durations of 2-5 minutes against
    waiting times of 40-100 minutes they squeeze the data into a thin strip. Ellipses and cells
    stay correct in data coordinates; they only look stretched.
    """
    spans = np.ptp(X, axis=0)
    if spans.min() > 0 and spans.max() / spans.min() > max_ratio:
        figure.update_layout(yaxis={"scaleanchor": None, "scaleratio": None})
    return figure


def kmeans_figure_2d(X: np.ndarray, centers: np.ndarray, labels: np.ndarray | None,
                     style: FigureStyle, *, show_cells: bool = True,
                     feature_names: Sequence[str] = ("x", "y"), title: str = "") -> go.Figure:
    """k-means at one half-step: hard colours, centres and (optionally) the Voronoi cells.

    X: (N, 2); centers: (K, 2) the centres on screen; labels: (N,) the clusters shown (None
    before the first assignment: grey points); feature_names: the columns' names as the data
    has them (escaped here for Plotly, as the stepper's figure does). The axes are the
    stepper's, so this figure and EM's line up side by side.
    """
    titles = plotly_labels(feature_names)
    x_range, y_range = data_ranges(X)
    n_clusters = centers.shape[0]
    traces: list[dict] = []
    if show_cells:
        traces.append(voronoi_trace(centers, *_covering_box(x_range, y_range)))
    one_hot = None if labels is None else np.eye(n_clusters)[labels]
    points = points_trace(X, one_hot, style, hard_labels=True, feature_names=feature_names)
    if labels is not None:
        # The stepper's hover lists responsibilities; for k-means a cluster number says it all.
        points["customdata"] = (labels + 1).astype(np.uint8)
        points["hovertemplate"] = (
            f"point %{{pointNumber}}<br>{titles[0]} = %{{x:.3g}}, "
            f"{titles[1]} = %{{y:.3g}}<br>cluster %{{customdata}}<extra></extra>"
        )
    traces.append(points)
    for trace in means_traces(centers, style, label="centre"):
        trace["showlegend"] = True
        traces.append(trace)
    return make_figure({"data": traces,
                        "layout": square_layout(style, x_range, y_range, titles, title)})


def inertia_figure(inertias: Sequence[float | None], kinds: Sequence[str], current: int,
                   style: FigureStyle, *, status: str = "running", height: int = 320) -> go.Figure:
    """k-means' objective (sum of squared distances to the assigned centre) after every half-step.

    inertias: (S,) one per half-step, None at the start (no assignment yet); kinds: (S,)
    "start" | "assign" | "update"; current: the half-step on screen. It never increases.
    """
    values = np.array([np.nan if value is None else value for value in inertias], dtype=float)
    steps = np.arange(len(values))
    kind_names = {"start": "start", "assign": "assign (E-step)", "update": "update (M-step)"}
    traces = [{
        "type": "scatter", "x": steps, "y": values, "mode": "lines+markers", "name": "inertia",
        "line": {"color": "#333333", "width": style.line_width},
        "marker": {"size": style.marker_size + 2,
                   "color": ["white" if kind == "assign" else "#333333" for kind in kinds],
                   "line": {"color": "#333333", "width": 1.5}},
        "text": [f"half-step {i}: {kind_names.get(kind, kind)}" for i, kind in enumerate(kinds)],
        "hovertemplate": "%{text}<br>inertia %{y:.5g}<extra></extra>",
    }]
    current = int(np.clip(current, 0, max(len(values) - 1, 0)))
    if len(values) and np.isfinite(values[current]):
        traces.append({
            "type": "scatter", "x": [current], "y": [values[current]], "mode": "markers",
            "showlegend": False, "name": "now",
            "marker": {"size": style.marker_size + 10, "color": "rgba(0,0,0,0)",
                       "line": {"color": component_hex(4), "width": 3}},
            "hoverinfo": "skip",
        })
    layout = base_layout(style, height=height)
    layout.update(
        xaxis={"title": {"text": "half-step (start, assign, update, ...)"},
               "range": [-0.5, max(len(values) - 0.5, 4.5)]},
        yaxis={"title": {"text": "inertia (lower is better)"}, "tickformat": ".6~g"},
        showlegend=False,
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": current, "x1": current,
                 "y0": 0, "y1": 1, "line": {"color": component_hex(4), "width": 2,
                                            "dash": "dash"}}],
    )
    if status == "converged" and len(values) and np.isfinite(values[-1]):
        layout["annotations"] = [{"x": steps[-1], "y": values[-1], "text": "converged",
                                  "showarrow": True, "arrowhead": 2, "ax": -40, "ay": -30,
                                  "font": {"size": style.font_size}}]
    return make_figure({"data": traces, "layout": layout})
