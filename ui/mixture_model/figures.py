"""Figures of the page "The mixture model" (pure Plotly and Graphviz DOT text, no Streamlit).

- ``graphical_model_dot``: the plate diagram of the mixture model;
- ``sampling_figure`` and ``draw_counts_figure``: the generative story, point by point;
- ``supervised_figure``: the closed-form estimates with the labels known;

Component k has the colour ``component_hex(k)`` here as on every other page.
"""

from __future__ import annotations

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
    "i = 1..N" holds the latent z_i and the observed x_i (shaded: it is the only thing we
    see); the weights pi sit outside, the means mu_k and covariances Sigma_k in a plate
    "k = 1..K". Edges: pi -> z_i, z_i -> x_i, mu_k -> x_i, Sigma_k -> x_i.
    """
    return f"""digraph mixture_model {{
    rankdir=LR;
    bgcolor="transparent";
    node [fontname="Helvetica", fontsize=18];
    edge [penwidth=1.6, arrowsize=0.9];
    pi [label="π", shape=box, style=rounded, tooltip="mixing weights π_1..π_K"];
    subgraph cluster_components {{
        label="k = 1..K"; labeljust=r; labelloc=b; fontname="Helvetica"; fontsize=14;
        style=rounded; color="#555555";
        mu [label="μₖ", shape=box, style=rounded, tooltip="component means μ_k"];
        sigma [label="Σₖ", shape=box, style=rounded, tooltip="component covariances Σ_k"];
    }}
    subgraph cluster_plate {{
        label="i = 1..N"; labeljust=r; labelloc=b; fontname="Helvetica"; fontsize=14;
        style=rounded; color="#555555";
        z [label="zᵢ", shape=circle, tooltip="latent: which component produced x_i"];
        x [label="xᵢ", shape=circle, style=filled, fillcolor="{observed_fill}",
           tooltip="observed data point x_i"];
    }}
    pi -> z;
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
    """The die behind z: each weight pi_k next to the fraction of draws so far that gave k.

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
        {"type": "bar", "x": names, "y": weights, "name": "weight πₖ (set by you)",
         "marker": {"color": [component_rgba(k, 0.3) for k in range(n_components)],
                    "line": {"color": [component_hex(k) for k in range(n_components)],
                             "width": 2}},
         "text": [f"{w:.2f}" for w in weights], "textposition": "outside",
         "hovertemplate": "π<sub>%{x}</sub> = %{y:.3f}<extra></extra>"},
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
        xaxis={"title": {"text": "component k (the value of zᵢ)"}, "type": "category"},
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
        "hovertemplate": "(%{x:.3g}, %{y:.3g})<br>label zᵢ = %{customdata}<extra></extra>",
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
                              f"<br>π̂ = {estimates.weights[k]:.3f}<extra></extra>"),
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
