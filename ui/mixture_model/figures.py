"""Figures of the page "The mixture model" (pure Plotly and Graphviz DOT text, no Streamlit).

- ``graphical_model_dot``: the plate diagram of the mixture model;
- ``sampling_figure`` and ``draw_counts_figure``: the generative story, point by point;
- ``supervised_figure``: the closed-form estimates with the labels known;
- ``surface_figure``: the means-only log-likelihood over (mu_1, mu_2) with EM's path on it.

Component k has the colour ``component_hex(k)`` here as on every other page.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gmm_core.generative import SupervisedEstimates
from gmm_core.mixture import MixtureParams, full_covariances
from ui.figures.common import (
    UNASSIGNED_HEX,
    FigureStyle,
    base_layout,
    component_hex,
    component_rgba,
    make_figure,
    point_marker,
    scatter_type,
)
from ui.figures.two_d import data_ranges, ellipse_outline, ellipse_traces, means_traces

# --- the graphical model -----------------------------------------------------------------------


def graphical_model_dot(observed_fill: str = "#9E9E9E") -> str:
    """The mixture model as a plate diagram in Graphviz DOT.

    Random variables are circles, parameters squares (as in the textbook's figure). The plate
    "i = 1..N" holds the latent z(i) and the observed x(i) (shaded: it is the only thing we
    see); the weights phi sit outside, the means mu and covariances Sigma in a plate
    "j = 1..K". Edges: phi -> z(i), z(i) -> x(i), mu -> x(i), Sigma -> x(i).
    """
    return f"""digraph mixture_model {{
    rankdir=LR;
    bgcolor="transparent";
    node [fontname="Helvetica", fontsize=18];
    edge [penwidth=1.6, arrowsize=0.9];
    phi [label="φ", shape=box, style=rounded, tooltip="mixing weights φ_1..φ_K"];
    subgraph cluster_components {{
        label="j = 1..K"; labeljust=r; labelloc=b; fontname="Helvetica"; fontsize=14;
        style=rounded; color="#555555";
        mu [label="μ(j)", shape=box, style=rounded, tooltip="component means"];
        sigma [label="Σ(j)", shape=box, style=rounded, tooltip="component covariances"];
    }}
    subgraph cluster_plate {{
        label="i = 1..N"; labeljust=r; labelloc=b; fontname="Helvetica"; fontsize=14;
        style=rounded; color="#555555";
        z [label="z(i)", shape=circle, tooltip="latent: which component produced x(i)"];
        x [label="x(i)", shape=circle, style=filled, fillcolor="{observed_fill}",
           tooltip="observed data point"];
    }}
    phi -> z;
    z -> x;
    mu -> x;
    sigma -> x;
}}"""


# --- the generative story ------------------------------------------------------------------


def _label_marker(labels: np.ndarray, n_components: int, style: FigureStyle) -> dict:
    """Marker colouring each point by its component (labels (N,)), through the shared palette."""
    one_hot = np.eye(n_components)[labels]
    return point_marker(one_hot, style, hard_labels=True)


def story_ranges(X: np.ndarray, params: MixtureParams) -> tuple[list[float], list[float]]:
    """Axis ranges that hold the whole sample X (N, 2) and every 2-sigma ellipse of ``params``.

    Computed from the full sample, so nothing moves while the points are revealed.
    """
    covariances = full_covariances(params)
    outlines = [ellipse_outline(mean, covariance, 2.0)
                for mean, covariance in zip(params.means, covariances, strict=True)]
    return data_ranges(np.vstack([X, *outlines]))


def sampling_figure(X: np.ndarray, labels: np.ndarray, n_revealed: int, params: MixtureParams,
                    style: FigureStyle, *, hide_colours: bool = False) -> go.Figure:
    """The first ``n_revealed`` points of a sample, each in the colour of its component.

    X: (N, 2) the whole sample (fixes the axes); labels: (N,) component of each point; params:
    the mixture that produced it (its 1- and 2-sigma ellipses are drawn). With
    ``hide_colours`` the points are grey and the ellipses gone: the data as EM gets it. The
    newest point is ringed and labelled with its z.
    """
    n_revealed = int(np.clip(n_revealed, 0, len(X)))
    x_range, y_range = story_ranges(X, params)
    shown, shown_labels = X[:n_revealed], labels[:n_revealed]
    traces: list[dict] = []
    if not hide_colours:
        traces.extend(ellipse_traces(params, style))
        traces.extend(means_traces(params.means, style, weights=params.weights))
    if n_revealed:
        if hide_colours:
            marker = {"size": style.marker_size, "color": UNASSIGNED_HEX}
            hover = "point %{pointNumber}<br>(%{x:.3g}, %{y:.3g})<br>its component is hidden"
            customdata = None
        else:
            marker = _label_marker(shown_labels, params.n_components, style)
            hover = ("point %{pointNumber}<br>(%{x:.3g}, %{y:.3g})<br>"
                     "drawn from component %{customdata}")
            customdata = (shown_labels + 1).astype(np.uint8)
        points = {
            "type": scatter_type(n_revealed), "x": shown[:, 0].astype(np.float32),
            "y": shown[:, 1].astype(np.float32), "mode": "markers", "name": "sample",
            "showlegend": False, "marker": marker, "hovertemplate": hover + "<extra></extra>",
        }
        if customdata is not None:
            points["customdata"] = customdata
        traces.append(points)
        newest = shown[-1]
        newest_component = int(shown_labels[-1])
        ring_colour = "#111111" if hide_colours else component_hex(newest_component)
        traces.append({
            "type": "scatter", "x": [float(newest[0])], "y": [float(newest[1])],
            "mode": "markers+text", "name": "newest point", "showlegend": False,
            "text": ["newest" if hide_colours else f"z = {newest_component + 1}"],
            "textposition": "top center",
            "textfont": {"size": style.font_size + 2, "color": ring_colour},
            "marker": {"size": style.marker_size * 2 + 10, "color": "rgba(0,0,0,0)",
                       "line": {"color": ring_colour, "width": 3}},
            "hoverinfo": "skip",
        })
    layout = base_layout(style)
    title = (f"{n_revealed} of {len(X)} points drawn"
             + (": the colours are hidden, this is all EM sees" if hide_colours else ""))
    layout.update(
        # The legend sits just above the plot; the title goes above the legend.
        title={"text": title, "font": {"size": style.font_size + 2}, "y": 0.99,
               "yanchor": "top", "x": 0.01, "xanchor": "left"},
        margin={**layout["margin"], "t": 40 + 3 * style.font_size + 10},
        xaxis={"title": {"text": "x"}, "range": x_range, "zeroline": False},
        yaxis={"title": {"text": "y"}, "range": y_range, "zeroline": False,
               "scaleanchor": "x", "scaleratio": 1},
        hovermode="closest",
    )
    return make_figure({"data": traces, "layout": layout})


def draw_counts_figure(weights: np.ndarray, drawn_labels: np.ndarray, style: FigureStyle, *,
                       height: int = 300) -> go.Figure:
    """The die behind z: each weight phi_k next to the fraction of draws so far that gave k.

    weights: (K,) summing to 1; drawn_labels: (M,) components of the points drawn so far. The
    newest draw's bar is outlined in black.
    """
    n_components = len(weights)
    names = [str(k + 1) for k in range(n_components)]
    counts = np.bincount(drawn_labels.astype(np.int64), minlength=n_components)
    fractions = counts / max(len(drawn_labels), 1)
    newest = int(drawn_labels[-1]) if len(drawn_labels) else -1
    outline = ["#111111" if k == newest else "rgba(0,0,0,0)" for k in range(n_components)]
    traces = [
        {"type": "bar", "x": names, "y": weights, "name": "weight φₖ (set by you)",
         "marker": {"color": [component_rgba(k, 0.3) for k in range(n_components)],
                    "line": {"color": [component_hex(k) for k in range(n_components)],
                             "width": 2}},
         "text": [f"{w:.2f}" for w in weights], "textposition": "outside",
         "hovertemplate": "φ<sub>%{x}</sub> = %{y:.3f}<extra></extra>"},
        {"type": "bar", "x": names, "y": fractions,
         "name": f"fraction of the {len(drawn_labels)} draws",
         "marker": {"color": [component_hex(k) for k in range(n_components)],
                    "line": {"color": outline, "width": 4}},
         "text": [f"{f:.2f}" for f in fractions], "textposition": "outside",
         "customdata": counts,
         "hovertemplate": "z = %{x}: %{customdata} draws (%{y:.3f})<extra></extra>"},
    ]
    layout = base_layout(style, height=height)
    layout.update(
        barmode="group",
        xaxis={"title": {"text": "component k (the value of z)"}, "type": "category"},
        yaxis={"title": {"text": "probability / fraction"}, "range": [0, 1.15]},
    )
    return make_figure({"data": traces, "layout": layout})


# --- supervised estimates --------------------------------------------------------------------


def supervised_figure(X: np.ndarray, labels: np.ndarray, estimates: SupervisedEstimates,
                      true_params: MixtureParams, style: FigureStyle) -> go.Figure:
    """Labelled data with the closed-form estimates (solid: 1 sigma, dashed: 2 sigma, cross:
    mean) over the true components (dotted black 1-sigma ellipse, open circle: mean).

    X: (N, 2); labels: (N,); estimates: from ``supervised_estimates``; true_params: the mixture
    that generated X. A component without points has no estimate and draws only its truth.
    """
    n_components = true_params.n_components
    traces: list[dict] = [{
        "type": scatter_type(len(X)), "x": X[:, 0].astype(np.float32),
        "y": X[:, 1].astype(np.float32), "mode": "markers", "name": "labelled data",
        "showlegend": False, "marker": _label_marker(labels, n_components, style),
        "customdata": (labels + 1).astype(np.uint8),
        "hovertemplate": "(%{x:.3g}, %{y:.3g})<br>label z = %{customdata}<extra></extra>",
    }]
    true_covariances = full_covariances(true_params)
    for k in range(n_components):
        outline = ellipse_outline(true_params.means[k], true_covariances[k], 1.0)
        traces.append({
            "type": "scatter", "x": outline[:, 0], "y": outline[:, 1], "mode": "lines",
            "name": "true component (1σ)", "legendgroup": "truth", "showlegend": k == 0,
            "line": {"color": "#111111", "width": max(style.line_width * 0.75, 1.5),
                     "dash": "dot"},
            "hoverinfo": "skip",
        })
    traces.append({
        "type": "scatter", "x": true_params.means[:, 0], "y": true_params.means[:, 1],
        "mode": "markers", "name": "true mean", "legendgroup": "truth", "showlegend": False,
        "marker": {"symbol": "circle-open", "size": style.marker_size * 2 + 6,
                   "color": "#111111", "line": {"width": 3}},
        "hovertemplate": "true mean (%{x:.3g}, %{y:.3g})<extra></extra>",
    })
    for k in np.flatnonzero(estimates.present):
        for position, n_sigma in enumerate((1.0, 2.0)):
            outline = ellipse_outline(estimates.means[k], estimates.covariances[k], n_sigma)
            traces.append({
                "type": "scatter", "x": outline[:, 0], "y": outline[:, 1], "mode": "lines",
                "name": f"estimate {k + 1}", "legendgroup": f"component-{k}",
                "showlegend": position == 0,
                "line": {"color": component_hex(k), "width": style.line_width,
                         "dash": "solid" if position == 0 else "dash"},
                "hoverinfo": "skip",
            })
        traces.append({
            "type": "scatter", "x": [float(estimates.means[k, 0])],
            "y": [float(estimates.means[k, 1])], "mode": "markers",
            "name": f"estimated mean {k + 1}", "legendgroup": f"component-{k}",
            "showlegend": False,
            "marker": {"symbol": "x", "size": style.marker_size * 2 + 8,
                       "color": component_hex(k), "line": {"color": "white", "width": 2}},
            "hovertemplate": (f"component {k + 1}: estimated mean (%{{x:.3g}}, %{{y:.3g}})"
                              f"<br>φ̂ = {estimates.weights[k]:.3f}<extra></extra>"),
        })
    x_range, y_range = story_ranges(X, true_params)
    layout = base_layout(style)
    layout.update(
        xaxis={"title": {"text": "x"}, "range": x_range, "zeroline": False},
        yaxis={"title": {"text": "y"}, "range": y_range, "zeroline": False,
               "scaleanchor": "x", "scaleratio": 1},
        hovermode="closest",
    )
    return make_figure({"data": traces, "layout": layout})


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


def surface_figure(grid: np.ndarray, surface: np.ndarray, path: np.ndarray, current: int,
                   maxima: np.ndarray, style: FigureStyle, *, n_samples: int,
                   click_stride: int = 4, height: int | None = None) -> go.Figure:
    """The log-likelihood over (mu_1, mu_2) with EM's path up to half-step ``current``.

    grid: (G,) values of mu on both axes; surface: (G, G) indexed [mu_2, mu_1] (see
    ``means_only_surface``); path: (S, 2) the means at every half-step; current: index into
    path; maxima: (2, 2) the two mirror-image maxima. The diagonal mu_1 = mu_2 is the mirror.
    Every ``click_stride``-th grid point carries an invisible marker: clicking it selects it as
    the start for EM.
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
        "colorbar": {"title": {"text": "log-likelihood", "side": "right"}},
        "hovertemplate": ("μ₁ = %{x:.2f}, μ₂ = %{y:.2f}<br>log-likelihood %{z:.2f}"
                          "<extra></extra>"),
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
        "hovertemplate": ("μ₁ = %{x:.2f}, μ₂ = %{y:.2f}<br>log-likelihood %{customdata:.2f}"
                          "<br>click to start EM here<extra></extra>"),
    })
    traces.append({
        "type": "scatter", "x": maxima[:, 0], "y": maxima[:, 1], "mode": "markers",
        "name": "the two maxima (same height)",
        "marker": {"symbol": "star", "size": style.marker_size * 2 + 12, "color": "#F0E442",
                   "line": {"color": "#111111", "width": 1.5}},
        "hovertemplate": "maximum at μ₁ = %{x:.3f}, μ₂ = %{y:.3f}<extra></extra>",
    })
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
    """The path as table columns: half-step, kind, mu_1, mu_2, log-likelihood (lists of S)."""
    names = {"start": "start", "E": "E-step", "M": "M-step"}
    return {
        "half-step": list(range(len(path))),
        "kind": [names.get(kind, kind) for kind in kinds],
        "μ₁": [float(value) for value in path[:, 0]],
        "μ₂": [float(value) for value in path[:, 1]],
        "log-likelihood": [float(value) for value in log_likelihoods],
    }
