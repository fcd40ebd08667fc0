"""Figures of the means-only example (pure Plotly, no Streamlit).

- ``surface_figure``: the log-likelihood over (mu_1, mu_2) with its critical points and EM's
  path on it;
- ``bound_figure``: l and the lower bound F(q, .) along one mean (why EM climbs);
- ``path_to_table``: the path as table columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gmm_core.means_only import SurfaceShape
from ui.figures.common import FigureStyle, axis, base_layout, make_figure

# --- the means-only log-likelihood surface ----------------------------------------------------

# Name of the invisible marker trace that turns a click on the surface into a starting point.
CLICK_TRACE_NAME = "click to start EM here"


def surface_colour_floor(surface: np.ndarray, n_samples: int) -> float:
    """The lowest log-likelihood given its own colour; everything below shares the darkest.

    The surface falls off quadratically far from the data; without a floor the whole
    interesting region (both maxima and the ridge between them) would be one colour.
    """
    top = float(surface.max())
    return max(float(surface.min()), top - max(30.0, 1.5 * n_samples))


def _critical_traces(shape: SurfaceShape, style: FigureStyle) -> list[dict]:
    """Stars at the maxima, crosses at the saddles (and the rare others), with their ℓ."""
    traces = []
    symbols = {"maximum": ("star", "maxima", "#F0E442", style.marker_size * 2 + 12),
               "saddle": ("x", "saddles", "#FFFFFF", style.marker_size * 2 + 6),
               "minimum": ("circle", "minima", "#FFFFFF", style.marker_size * 2),
               "flat": ("diamond-open", "flat points", "#FFFFFF", style.marker_size * 2 + 4)}
    for kind, (symbol, name, colour, size) in symbols.items():
        points = shape.of_kind(kind)
        if not points:
            continue
        traces.append({
            "type": "scatter", "x": [p.mu1 for p in points], "y": [p.mu2 for p in points],
            "mode": "markers", "name": name,
            "marker": {"symbol": symbol, "size": size, "color": colour,
                       "line": {"color": "#111111", "width": 1.5}},
            "customdata": [p.log_likelihood for p in points],
            "hovertemplate": (f"{kind} at μ₁ = %{{x:.3f}}, μ₂ = %{{y:.3f}}"
                              "<br>ℓ = %{customdata:.4f}<extra></extra>"),
        })
    return traces


def surface_figure(grid: np.ndarray, surface: np.ndarray, path: np.ndarray, current: int,
                   shape: SurfaceShape, style: FigureStyle, *, n_samples: int,
                   click_stride: int = 4, height: int | None = None) -> go.Figure:
    """The log-likelihood over (mu_1, mu_2) with EM's path up to half-step ``current``.

    grid: (G,) values of mu on both axes; surface: (G, G) indexed [mu_2, mu_1] (see
    ``means_only_surface``); path: (S, 2) the means at every half-step; current: index into
    path; shape: the surface's critical points (maxima as stars, saddles as crosses). The
    diagonal mu_1 = mu_2 is the mirror. Every ``click_stride``-th grid point carries an
    invisible marker: clicking it selects it as the start for EM.
    """
    floor = surface_colour_floor(surface, n_samples)
    shown_path = path[: current + 1]
    lowest, highest = float(grid[0]), float(grid[-1])
    traces: list[dict] = [{
        "type": "contour", "x": grid.astype(np.float32), "y": grid.astype(np.float32),
        "z": np.maximum(surface, floor).astype(np.float32), "name": "log-likelihood",
        "colorscale": "Viridis", "zmin": floor, "zmax": float(surface.max()),
        "ncontours": 28, "contours": {"coloring": "heatmap", "showlines": True},
        "line": {"width": 0.6, "color": "rgba(255,255,255,0.45)"},
        "colorbar": {"title": {"text": "ℓ(μ₁, μ₂)", "side": "right"}},
        "hovertemplate": "μ₁ = %{x:.2f}, μ₂ = %{y:.2f}<br>ℓ = %{z:.2f}<extra></extra>",
    }, {
        "type": "scatter", "x": [lowest, highest], "y": [lowest, highest], "mode": "lines",
        "name": "μ₁ = μ₂ (the mirror: swap the labels)",
        "line": {"color": "white", "width": 1.5, "dash": "dot"}, "hoverinfo": "skip",
    }]
    coarse = grid[::click_stride]
    grid_mu1, grid_mu2 = np.meshgrid(coarse, coarse)
    traces.append({
        "type": "scatter", "x": grid_mu1.ravel().astype(np.float32),
        "y": grid_mu2.ravel().astype(np.float32), "mode": "markers",
        "name": CLICK_TRACE_NAME, "showlegend": False,
        "marker": {"size": 10, "color": "rgba(0,0,0,0)"},
        "customdata": surface[::click_stride, ::click_stride].ravel().astype(np.float32),
        "hovertemplate": ("μ₁ = %{x:.2f}, μ₂ = %{y:.2f}<br>ℓ = %{customdata:.2f}"
                          "<br>click to start EM here<extra></extra>"),
    })
    traces.extend(_critical_traces(shape, style))
    traces.append({
        "type": "scatter", "x": shown_path[:, 0], "y": shown_path[:, 1],
        "mode": "lines+markers", "name": "EM's path",
        "line": {"color": "#D55E00", "width": style.line_width + 1},
        "marker": {"size": style.marker_size, "color": "#D55E00",
                   "line": {"color": "white", "width": 1}},
        "customdata": np.arange(len(shown_path)),
        "hovertemplate": ("half-step %{customdata}<br>μ₁ = %{x:.3f}, μ₂ = %{y:.3f}"
                          "<extra></extra>"),
    })
    traces.append({
        "type": "scatter", "x": [float(path[0, 0])], "y": [float(path[0, 1])],
        "mode": "markers", "name": "start",
        "marker": {"symbol": "circle", "size": style.marker_size * 2 + 6, "color": "white",
                   "line": {"color": "#D55E00", "width": 3}},
        "hovertemplate": "start μ₁ = %{x:.3f}, μ₂ = %{y:.3f}<extra></extra>",
    })
    now = shown_path[-1]
    traces.append({
        "type": "scatter", "x": [float(now[0])], "y": [float(now[1])], "mode": "markers",
        "name": "now", "showlegend": False,
        "marker": {"symbol": "diamond", "size": style.marker_size * 2 + 8, "color": "#D55E00",
                   "line": {"color": "white", "width": 2}},
        "hovertemplate": "now: μ₁ = %{x:.3f}, μ₂ = %{y:.3f}<extra></extra>",
    })
    layout = base_layout(style, height=height or style.height + 60)
    layout.update(
        xaxis={"title": {"text": "μ₁"}, "range": [lowest, highest], "zeroline": False,
               "constrain": "domain"},
        yaxis={"title": {"text": "μ₂"}, "range": [lowest, highest], "zeroline": False,
               "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
        hovermode="closest",
        clickmode="event+select",
        dragmode="zoom",
    )
    return make_figure({"data": traces, "layout": layout})


def path_to_table(path: np.ndarray, kinds: Sequence[str],
                  log_likelihoods: Sequence[float]) -> dict[str, list]:
    """The path as table columns: half-step, kind, mu_1, mu_2, l (lists of S)."""
    names = {"start": "start", "E": "E-step", "M": "M-step"}
    return {
        "half-step": list(range(len(path))),
        "kind": [names.get(kind, kind) for kind in kinds],
        "μ₁": [float(value) for value in path[:, 0]],
        "μ₂": [float(value) for value in path[:, 1]],
        "ℓ": [float(value) for value in log_likelihoods],
    }


def bound_figure(grid: np.ndarray, log_likelihood: np.ndarray, bound: np.ndarray | None,
                 moving: int, held: float, now: tuple[float, float, float | None],
                 style: FigureStyle, *, top: tuple[float, float] | None = None,
                 before: float | None = None, height: int | None = None) -> go.Figure:
    """l and the lower bound F(q, .) along one mean, the other held: Bishop's figure, live.

    grid: (G,) values of the moving mean; log_likelihood, bound: (G,) the two curves (bound None
    before the first E-step); moving: 0 for mu_1, 1 for mu_2; held: the other mean's value;
    now: (moving mean, l, F) at the current half-step (F None without a bound); top: (mean, F)
    at the bound's maximum; before: l before the last M-step (a horizontal line), or None.
    """
    name = "μ₁" if moving == 0 else "μ₂"
    other = "μ₂" if moving == 0 else "μ₁"
    position, ell_now, bound_now = now
    traces: list[dict] = [{
        "type": "scatter", "x": grid.astype(np.float32), "y": log_likelihood, "mode": "lines",
        "name": f"ℓ along {name} ({other} = {held:.3f})",
        "line": {"color": "#111111", "width": style.line_width + 1},
        "hovertemplate": f"{name} = %{{x:.3f}}<br>ℓ = %{{y:.4f}}<extra></extra>",
    }]
    if bound is not None:
        traces.append({
            "type": "scatter", "x": grid.astype(np.float32), "y": bound, "mode": "lines",
            "name": "lower bound F(q, θ) for the q of the last E-step",
            "line": {"color": "#0072B2", "width": style.line_width + 1, "dash": "dash"},
            "hovertemplate": f"{name} = %{{x:.3f}}<br>F = %{{y:.4f}}<extra></extra>",
        })
    if before is not None:
        traces.append({
            "type": "scatter", "x": [float(grid[0]), float(grid[-1])], "y": [before, before],
            "mode": "lines", "name": "ℓ before this M-step",
            "line": {"color": "#999999", "width": 1.5, "dash": "dot"},
            "hovertemplate": "ℓ before this M-step %{y:.4f}<extra></extra>",
        })
    if bound_now is not None and ell_now - bound_now > 0:
        traces.append({
            "type": "scatter", "x": [position, position], "y": [bound_now, ell_now],
            "mode": "lines", "name": "the gap ℓ − F = KL(q ‖ p(z | x, θ))",
            "line": {"color": "#CC79A7", "width": style.line_width + 2},
            "hovertemplate": "gap ℓ − F = KL<extra></extra>",
        })
    if top is not None:
        traces.append({
            "type": "scatter", "x": [top[0]], "y": [top[1]], "mode": "markers",
            "name": "top of the bound (where the M-step goes)",
            "marker": {"symbol": "triangle-up", "size": style.marker_size * 2 + 8,
                       "color": "#0072B2", "line": {"color": "white", "width": 1.5}},
            "hovertemplate": f"top of the bound: {name} = %{{x:.3f}}, F = %{{y:.4f}}"
                             "<extra></extra>",
        })
    traces.append({
        "type": "scatter", "x": [position], "y": [ell_now], "mode": "markers",
        "name": "now", "showlegend": True,
        "marker": {"symbol": "diamond", "size": style.marker_size * 2 + 8, "color": "#D55E00",
                   "line": {"color": "white", "width": 2}},
        "hovertemplate": f"now: {name} = %{{x:.3f}}, ℓ = %{{y:.4f}}<extra></extra>",
    })
    marked = [ell_now] + [value for value in (bound_now, before) if value is not None]
    if top is not None:
        marked.append(top[1])
    peak = float(np.max(log_likelihood))
    span = max(peak - min(marked), 5.0)
    layout = base_layout(style, height=height or style.height)
    layout.update(
        xaxis=axis(style, name, range=[float(grid[0]), float(grid[-1])], zeroline=False),
        yaxis=axis(style, "ℓ and F", range=[peak - 1.6 * span, peak + 0.25 * span]),
        hovermode="closest",
    )
    return make_figure({"data": traces, "layout": layout})
