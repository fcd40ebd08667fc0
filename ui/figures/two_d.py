"""The 2-D picture of a Gaussian mixture: points coloured by responsibilities, covariance
ellipses at 1 and 2 standard deviations, the means, optional density contours and a probe point.

Pure Plotly (no Streamlit). Each piece is its own function returning trace dicts, so the
k-means page can reuse the points and the centres without the ellipses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import logsumexp

from gmm_core.gaussian import mass_within
from gmm_core.mixture import (
    ComponentCollapse,
    MixtureParams,
    full_covariances,
    weighted_log_densities,
)
from ui.figures.click_grid import ClickGrid, with_click_grid
from ui.figures.common import (
    FigureStyle,
    axis,
    base_layout,
    component_hex,
    component_label,
    make_figure,
    plotly_labels,
    point_marker,
    responsibility_hover,
    scatter_type,
)

ELLIPSE_SIGMAS = (1.0, 2.0)
# The ellipses a page can offer: by σ (Mahalanobis radius) or by the share of mass they hold.
ELLIPSE_COVERAGES = (0.5, 0.95)
PROBE_HOVER_2D = "click to move the probe point to (%{x}, %{y})"
_ELLIPSE_POINTS = 90


def data_ranges(X: np.ndarray, padding: float = 0.08) -> tuple[list[float], list[float]]:
    """Axis ranges around X (N, 2) with some padding; fixed for a whole run so nothing jumps."""
    low, high = X.min(axis=0), X.max(axis=0)
    span = np.maximum(high - low, 1e-9)
    low, high = low - padding * span, high + padding * span
    return [float(low[0]), float(high[0])], [float(low[1]), float(high[1])]


def ellipse_outline(mean: np.ndarray, covariance: np.ndarray, n_sigma: float,
                    n_points: int = _ELLIPSE_POINTS) -> np.ndarray:
    """The curve {mean + n_sigma * Sigma^(1/2) u : |u| = 1}: (n_points, 2).

    mean: (2,), covariance: (2, 2) symmetric. The axes are the eigenvectors of Sigma, the
    half-lengths n_sigma * sqrt(eigenvalues); negative round-off eigenvalues count as 0.
    """
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    half_axes = n_sigma * np.sqrt(np.clip(eigenvalues, 0.0, None))
    angles = np.linspace(0.0, 2.0 * np.pi, n_points)
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return mean + (circle * half_axes) @ eigenvectors.T


def ellipse_caption(sigmas: Sequence[float]) -> str:
    """What the drawn ellipses mean, computed: "solid: 1σ, 39.3 % of its component's mass; ..."."""
    parts = []
    for position, n_sigma in enumerate(sigmas):
        line = "solid" if position == 0 else "dashed"
        parts.append(f"{line}: {n_sigma:.3g}σ, holds {mass_within(n_sigma):.1%} of its "
                     "component's mass")
    return ("Each ellipse is a contour of a component's Gaussian (" + "; ".join(parts)
            + "; χ² with 2 degrees of freedom). Its axes are the eigenvectors of Σ_k, its "
            "half-axes √eigenvalue times the radius.")


def points_trace(X: np.ndarray, responsibilities: np.ndarray | None, style: FigureStyle, *,
                 hard_labels: bool = False, feature_names: Sequence[str] = ("x", "y"),
                 name: str = "data") -> dict:
    """The data X (N, 2) coloured by responsibilities (N, K) (grey if None), hover showing them.

    feature_names: the columns' names as the data has them (escaped here for Plotly)."""
    feature_names = plotly_labels(feature_names)
    customdata, hovertemplate = responsibility_hover(
        responsibilities,
        f"point %{{pointNumber}}<br>{feature_names[0]} = %{{x:.3g}}, "
        f"{feature_names[1]} = %{{y:.3g}}",
    )
    trace = {
        "type": scatter_type(len(X)),
        "x": X[:, 0].astype(np.float32),
        "y": X[:, 1].astype(np.float32),
        "mode": "markers",
        "name": name,
        "showlegend": False,
        "marker": point_marker(responsibilities, style, hard_labels=hard_labels),
        "hovertemplate": hovertemplate,
    }
    if customdata is not None:
        trace["customdata"] = customdata
    return trace


def ellipse_traces(params: MixtureParams, style: FigureStyle,
                   sigmas: Sequence[float] = ELLIPSE_SIGMAS) -> list[dict]:
    """Per component: its 1-sigma ellipse (solid, in the legend) and 2-sigma ellipse (dashed).

    Traces of component k share legendgroup k, so a click on the legend hides the component.
    """
    covariances = full_covariances(params)
    traces = []
    for component in range(params.n_components):
        for position, n_sigma in enumerate(sigmas):
            outline = ellipse_outline(params.means[component], covariances[component], n_sigma)
            traces.append({
                "type": "scatter", "x": outline[:, 0], "y": outline[:, 1], "mode": "lines",
                "name": component_label(component),
                "legendgroup": f"component-{component}",
                "showlegend": position == 0,
                "line": {"color": component_hex(component), "width": style.line_width,
                         "dash": "solid" if position == 0 else "dash"},
                "hoverinfo": "skip",
            })
    return traces


def means_traces(means: np.ndarray, style: FigureStyle, *, weights: np.ndarray | None = None,
                 symbol: str = "x", label: str = "mean") -> list[dict]:
    """One marker per component at its mean (K, 2) in its colour, hover giving mean and weight."""
    traces = []
    for component, mean in enumerate(means):
        hover = f"{component_label(component)}<br>{label} ({mean[0]:.3g}, {mean[1]:.3g})"
        if weights is not None:
            hover += f"<br>weight π = {weights[component]:.3f}"
        traces.append({
            "type": "scatter", "x": [float(mean[0])], "y": [float(mean[1])], "mode": "markers",
            "name": f"{label} {component + 1}", "legendgroup": f"component-{component}",
            "showlegend": False,
            "marker": {"symbol": symbol, "size": style.marker_size * 2 + 8,
                       "color": component_hex(component),
                       "line": {"color": "white", "width": 2}},
            "hovertemplate": hover + "<extra></extra>",
        })
    return traces


def density_grid(params: MixtureParams, x_range: Sequence[float], y_range: Sequence[float],
                 resolution: int = 90):
    """log p(x) of the mixture on a grid: (xs (R,), ys (R,), log_density (R, R) indexed [y, x]).

    Returns None when a covariance is singular (the density is infinite somewhere).
    """
    xs = np.linspace(x_range[0], x_range[1], resolution)
    ys = np.linspace(y_range[0], y_range[1], resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    grid = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1)
    try:
        weighted = weighted_log_densities(grid, params)
    except ComponentCollapse:
        return None
    return xs, ys, logsumexp(weighted, axis=1).reshape(resolution, resolution)


def density_contour_trace(params: MixtureParams, x_range, y_range, style: FigureStyle,
                          n_levels: int = 8) -> dict | None:
    """Contours of the mixture density, one line per factor e (log scale shows the tails too)."""
    grid = density_grid(params, x_range, y_range)
    if grid is None:
        return None
    xs, ys, log_density = grid
    top = float(np.max(log_density))
    return {
        "type": "contour", "x": xs, "y": ys, "z": log_density.astype(np.float32),
        "name": "mixture density", "showscale": False, "hoverinfo": "skip",
        "contours": {"coloring": "lines", "start": top - n_levels, "end": top, "size": 1.0},
        "line": {"width": max(style.line_width * 0.5, 1.0)},
        "colorscale": [[0.0, "#BBBBBB"], [1.0, "#444444"]],
    }


def probe_trace(point: Sequence[float], style: FigureStyle) -> dict:
    """The user's probe point (2,) as a large black star."""
    return {
        "type": "scatter", "x": [float(point[0])], "y": [float(point[1])], "mode": "markers",
        "name": "probe point", "showlegend": False,
        "marker": {"symbol": "star", "size": style.marker_size * 2 + 14, "color": "black",
                   "line": {"color": "white", "width": 2}},
        "hovertemplate": "probe point (%{x:.3g}, %{y:.3g})<extra></extra>",
    }


def mixture_figure_2d(
    X: np.ndarray,
    params: MixtureParams | None,
    responsibilities: np.ndarray | None,
    style: FigureStyle,
    *,
    hard_labels: bool = False,
    show_density: bool = False,
    probe: Sequence[float] | None = None,
    probe_click: ClickGrid | None = None,
    feature_names: Sequence[str] = ("x", "y"),
    title: str = "",
    ellipse_sigmas: Sequence[float] = ELLIPSE_SIGMAS,
):
    """The whole 2-D picture of one half-step.

    X: (N, 2); params: the mixture on screen (or None for data only); responsibilities: (N, K)
    the colours of the points (None: grey, before the first E-step). Component k is drawn in
    ``component_hex(k)`` on every step, so colours never switch between components.
    probe_click: ``click_grid(X)`` to make every spot clickable for moving the probe point
    (the grid becomes trace GRID_CURVE), or None. ellipse_sigmas: the Mahalanobis radii of the
    ellipses drawn per component (``gmm_core.gaussian.sigma_for_mass`` turns a share of mass
    into one).
    """
    x_range, y_range = data_ranges(X)
    traces: list[dict] = []
    axis_titles = plotly_labels(feature_names)
    if params is not None and show_density:
        contour = density_contour_trace(params, x_range, y_range, style)
        if contour is not None:
            traces.append(contour)
    traces.append(points_trace(X, responsibilities, style, hard_labels=hard_labels,
                               feature_names=feature_names))
    if params is not None:
        traces.extend(ellipse_traces(params, style, ellipse_sigmas))
        traces.extend(means_traces(params.means, style, weights=params.weights))
    if probe is not None:
        traces.append(probe_trace(probe, style))
    if probe_click is not None:
        traces = with_click_grid(traces, probe_click, PROBE_HOVER_2D)
    layout = base_layout(style)
    layout.update(
        title={"text": title, "font": {"size": style.font_size + 2}},
        xaxis=axis(style, axis_titles[0], range=x_range, zeroline=False),
        # Equal units on both axes: a covariance ellipse must look like its covariance.
        yaxis=axis(style, axis_titles[1], range=y_range, zeroline=False, scaleanchor="x",
                   scaleratio=1),
        hovermode="closest",
        dragmode="pan",
    )
    return make_figure({"data": traces, "layout": layout})
