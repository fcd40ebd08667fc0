"""The 1-D picture of a Gaussian mixture: a density histogram of the data, each weighted
component density pi_k N(x | mu_k, sigma_k^2), the mixture density, and the data as a rug
coloured by responsibilities.

Pure Plotly (no Streamlit).
"""

from __future__ import annotations

import math

import numpy as np

from gmm_core.mixture import MixtureParams, full_covariances
from ui.figures.click_grid import ClickGrid, with_click_grid
from ui.figures.common import (
    FigureStyle,
    axis,
    base_layout,
    component_label,
    component_rgba,
    make_figure,
    plotly_labels,
    point_marker,
    responsibility_hover,
    scatter_type,
)

_GRID_POINTS = 500
PROBE_HOVER_1D = "click to move the probe point to x = %{x}"
_MAX_BINS = 80


def histogram_density(x: np.ndarray, max_bins: int = _MAX_BINS):
    """The data's histogram on a density scale: (centres (B,), widths (B,), heights (B,)).

    x: (N,). numpy's "auto" rule, but at least 2 sqrt(N) bins (the rule measures spread by
    the interquartile range, which is huge for well separated clusters and gives a handful
    of wide bars) and at most ``max_bins`` so that bars stay visible.
    """
    edges = np.histogram_bin_edges(x, bins="auto")
    n_bins = int(np.clip(max(len(edges) - 1, 2 * np.sqrt(len(x))), 1, max_bins))
    if n_bins != len(edges) - 1:
        edges = np.linspace(edges[0], edges[-1], n_bins + 1)
    heights, edges = np.histogram(x, bins=edges, density=True)
    return (edges[:-1] + edges[1:]) / 2.0, np.diff(edges), heights


def x_grid(x: np.ndarray, params: MixtureParams | None, n_points: int = _GRID_POINTS):
    """Where the densities are evaluated: (G,) sorted, padded beyond the data.

    The component means are included so that a collapsing component's spike is drawn at its
    true height instead of falling between grid points.
    """
    low, high = float(x.min()), float(x.max())
    span = max(high - low, 1e-9)
    grid = np.linspace(low - 0.1 * span, high + 0.1 * span, n_points)
    if params is not None:
        grid = np.union1d(grid, params.means[:, 0])
    return grid


def component_densities(grid: np.ndarray, params: MixtureParams) -> np.ndarray:
    """pi_k N(x | mu_k, sigma_k^2) at every grid point: (K, G).

    A component with zero variance is a spike: its density is +inf at its mean and 0 elsewhere.
    """
    variances = full_covariances(params)[:, 0, 0]
    densities = np.zeros((params.n_components, len(grid)))
    for k, (weight, mean, variance) in enumerate(zip(params.weights, params.means[:, 0],
                                                     variances, strict=True)):
        if variance > 0:
            z = (grid - mean) ** 2 / variance
            densities[k] = weight * np.exp(-0.5 * z) / math.sqrt(2.0 * math.pi * variance)
        else:
            densities[k] = np.where(grid == mean, np.inf, 0.0)
    return densities


def mixture_figure_1d(
    X: np.ndarray,
    params: MixtureParams | None,
    responsibilities: np.ndarray | None,
    style: FigureStyle,
    *,
    hard_labels: bool = False,
    probe: float | None = None,
    probe_click: ClickGrid | None = None,
    feature_name: str = "x",
    title: str = "",
):
    """The whole 1-D picture of one half-step.

    X: (N, 1) or (N,); params: the mixture on screen (or None for data only); responsibilities:
    (N, K) the colours of the rug (None: grey). The y range is set by the histogram and does not
    move between steps; a density higher than that (a collapsing component) runs off the top.
    probe_click: ``click_grid(X)`` to make the figure clickable for moving the probe point (the
    grid, along density 0, becomes trace GRID_CURVE), or None.
    """
    label = plotly_labels((feature_name,))[0]
    x = np.asarray(X, dtype=float).reshape(-1)
    centres, widths, heights = histogram_density(x)
    top = 1.35 * float(heights.max()) if len(heights) else 1.0
    rug_level = -0.06 * top
    traces: list[dict] = [{
        "type": "bar", "x": centres.astype(np.float32), "y": heights.astype(np.float32),
        "width": widths.astype(np.float32), "name": "histogram (density)",
        "marker": {"color": "rgba(120,120,120,0.35)", "line": {"width": 0}},
        "hovertemplate": "bin at %{x:.3g}: density %{y:.3g}<extra></extra>",
    }]
    if params is not None:
        grid = x_grid(x, params)
        densities = component_densities(grid, params)
        # Clipping the spike keeps the JSON finite; the axis range hides the clipped part.
        shown = np.minimum(densities, 50.0 * top)
        for k in range(params.n_components):
            traces.append({
                "type": "scatter", "x": grid.astype(np.float32), "y": shown[k].astype(np.float32),
                "mode": "lines", "name": f"π{_subscript(k + 1)} N(x | μ{_subscript(k + 1)}, "
                                         f"σ{_subscript(k + 1)}²)",
                "legendgroup": f"component-{k}",
                "line": {"color": component_rgba(k, 1.0), "width": style.line_width},
                "fill": "tozeroy", "fillcolor": component_rgba(k, 0.15),
                "hovertemplate": f"{component_label(k)}<br>x = %{{x:.3g}}<br>"
                                 "π N = %{y:.3g}<extra></extra>",
            })
        traces.append({
            "type": "scatter", "x": grid.astype(np.float32),
            "y": np.minimum(shown.sum(axis=0), 50.0 * top).astype(np.float32),
            "mode": "lines", "name": "mixture density p(x)",
            "line": {"color": "#222222", "width": style.line_width * 1.5, "dash": "dash"},
            "hovertemplate": "x = %{x:.3g}<br>p(x) = %{y:.3g}<extra></extra>",
        })
    customdata, hovertemplate = responsibility_hover(
        responsibilities, f"point %{{pointNumber}}<br>{label} = %{{x:.4g}}"
    )
    rug = {
        "type": scatter_type(len(x)), "x": x.astype(np.float32),
        "y": np.full(len(x), rug_level, dtype=np.float32), "mode": "markers",
        "name": "data (rug)", "showlegend": False,
        "marker": point_marker(responsibilities, style, hard_labels=hard_labels,
                               symbol="line-ns-open"),
        "hovertemplate": hovertemplate,
    }
    rug["marker"]["size"] = style.marker_size * 2 + 6
    rug["marker"]["line"] = {"width": max(style.line_width * 0.75, 1.5)}
    if customdata is not None:
        rug["customdata"] = customdata
    traces.append(rug)
    if probe is not None:
        traces.append({
            "type": "scatter", "x": [float(probe)], "y": [rug_level], "mode": "markers",
            "name": "probe point", "showlegend": False,
            "marker": {"symbol": "star", "size": style.marker_size * 2 + 14, "color": "black",
                       "line": {"color": "white", "width": 2}},
            "hovertemplate": "probe point x = %{x:.3g}<extra></extra>",
        })
    if probe_click is not None:
        traces = with_click_grid(traces, probe_click, PROBE_HOVER_1D)
    layout = base_layout(style)
    layout.update(
        title={"text": title, "font": {"size": style.font_size + 2}},
        xaxis=axis(style, label, zeroline=False),
        yaxis=axis(style, "density", range=[2.2 * rug_level, top]),
        bargap=0, hovermode="closest", dragmode="pan",
    )
    return make_figure({"data": traces, "layout": layout})


def _subscript(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
