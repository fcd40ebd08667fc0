"""The Plotly figures of the automatic-differentiation page (the traces' tables and graphs are in
``ui.autodiff.traces``).

Pure functions (no Streamlit): each takes numbers computed by ``gmm_core.autodiff`` and returns a
``go.Figure``. Fonts are large: the page is projected in lectures. Titles that contain a typed
formula get it through ``untrusted_plotly``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gmm_core.autodiff.lessons import MACHINE_EPSILON, FiniteDifferenceStudy, NewtonStep
from ui.figures import component_hex, make_figure
from ui.kit.escape import untrusted_plotly
from ui.kit.text import number, subscript

FONT_SIZE = 17
AD_COLOUR = "#009E73"
FORWARD_COLOUR = "#0072B2"
CENTRAL_COLOUR = "#E69F00"
EM_COLOUR = "#0072B2"
GRADIENT_COLOUR = "#D55E00"
CURVE_COLOUR = "#1f2937"


def _layout(title: str, height: int = 480, **extra) -> dict:
    layout = {
        "title": {"text": title, "font": {"size": FONT_SIZE + 3}},
        "height": height,
        "font": {"size": FONT_SIZE},
        "margin": {"l": 20, "r": 20, "t": 70, "b": 20},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0,
                   "font": {"size": FONT_SIZE - 1}},
        "hoverlabel": {"font": {"size": FONT_SIZE}},
    }
    layout.update(extra)
    return layout


# -- tab 1: a function and its tangent from one dual evaluation ------------------------------------


def tangent_figure(grid: np.ndarray, values: np.ndarray, a: float, value: float,
                   slopes: tuple[float, float], formula: str) -> go.Figure:
    """f on ``grid`` (G,) with ``values`` (G,) and its tangent at ``a``; ``formula``: f as typed.

    ``slopes``: (slope to the left, slope to the right) of f at a. Equal slopes draw one
    tangent, f′(a); different ones (a kink) draw each one-sided tangent on its own side; a side
    whose slope is not finite (f undefined there, or a vertical tangent) gets no line.
    """
    left, right = slopes
    traces = [{"type": "scatter", "x": grid, "y": values, "mode": "lines", "name": "f(x)",
               "line": {"color": CURVE_COLOUR, "width": 3}}]
    if left == right:
        traces.append({"type": "scatter", "x": grid, "y": value + right * (grid - a),
                       "mode": "lines", "name": f"tangent: slope f′(a) = {number(right)}",
                       "line": {"color": AD_COLOUR, "width": 3, "dash": "dash"}})
    else:
        for side, slope, part in (("left", left, grid <= a), ("right", right, grid >= a)):
            if np.isfinite(slope):
                traces.append({
                    "type": "scatter", "x": grid[part], "y": value + slope * (grid[part] - a),
                    "mode": "lines", "name": f"slope from the {side}: {number(slope)}",
                    "line": {"color": AD_COLOUR if side == "right" else FORWARD_COLOUR,
                             "width": 3, "dash": "dash"}})
    traces.append({"type": "scatter", "x": [a], "y": [value], "mode": "markers",
                   "name": "(a, f(a))", "marker": {"size": 14, "color": GRADIENT_COLOUR}})
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    # Halves first: a typed f can reach ±1e308, where high - low overflows to inf.
    pad = 0.2 * (high / 2 - low / 2) or 0.1
    largest = sys.float_info.max
    what = "its tangent" if left == right else "its one-sided tangents"
    title = f"f(x) = {untrusted_plotly(formula)} and {what} at a = {number(a)}"
    layout = _layout(title, height=430, xaxis={"title": {"text": "x"}, "zeroline": True},
                     yaxis={"title": {"text": "f(x)"}, "range": [max(low - pad, -largest), min(high + pad, largest)]})
    return make_figure({"data": traces, "layout": layout})


# -- section 4: finite differences -----------------------------------------------------------------


def finite_difference_figure(study: FiniteDifferenceStudy, formula: str) -> go.Figure:
    """Log-log errors of forward and central differences against h, AD as a flat line."""
    scale = max(abs(study.exact_derivative), 1e-300)
    # An exact AD result (error 0) cannot sit on a log axis: draw it at one rounding unit.
    ad_level = max(study.ad_error, MACHINE_EPSILON * scale)
    if study.reference == "AD":
        ad_label = "automatic differentiation (the reference here)"
    elif study.ad_error == 0:
        ad_label = "automatic differentiation: error 0 (drawn at ε_mach·|f′(x)|)"
    else:
        ad_label = f"automatic differentiation: error {number(study.ad_error)}"
    steps = study.steps
    traces = [
        {"type": "scatter", "x": steps, "y": study.forward_errors, "mode": "lines+markers",
         "name": "forward difference (f(x+h) − f(x))/h",
         "line": {"color": FORWARD_COLOUR, "width": 3}, "marker": {"size": 6}},
        {"type": "scatter", "x": steps, "y": study.central_errors, "mode": "lines+markers",
         "name": "central difference (f(x+h) − f(x−h))/2h",
         "line": {"color": CENTRAL_COLOUR, "width": 3}, "marker": {"size": 6}},
        {"type": "scatter", "x": [steps[0], steps[-1]], "y": [ad_level, ad_level],
         "mode": "lines", "name": ad_label, "line": {"color": AD_COLOUR, "width": 4}},
    ]
    shapes, annotations = [], []
    for step, text, colour in ((np.sqrt(MACHINE_EPSILON), "√ε_mach", FORWARD_COLOUR),
                               (np.cbrt(MACHINE_EPSILON), "∛ε_mach", CENTRAL_COLOUR)):
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": step, "x1": step,
                       "y0": 0, "y1": 1, "line": {"color": colour, "dash": "dot", "width": 2}})
        annotations.append({"x": np.log10(step), "y": 1, "xref": "x", "yref": "paper",
                            "text": f"h = {text}", "showarrow": False, "yanchor": "bottom",
                            "font": {"color": colour, "size": FONT_SIZE - 1}})
    layout = _layout(
        f"Error of the derivative of f(x) = {untrusted_plotly(formula)} at x = "
        f"{number(study.x)}", height=560,
        xaxis={"type": "log", "title": {"text": "step size h"}, "exponentformat": "power"},
        yaxis={"type": "log", "title": {"text": "absolute error"}, "exponentformat": "power"},
        shapes=shapes, annotations=annotations,
    )
    # Bottom left is empty: round-off errors live above it, AD's line below it.
    layout["legend"] = {"orientation": "v", "x": 0.01, "y": 0.08, "xanchor": "left",
                        "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.85)",
                        "font": {"size": FONT_SIZE - 1}}
    layout["margin"]["t"] = 90
    return make_figure({"data": traces, "layout": layout})


# -- section 5: Newton's method --------------------------------------------------------------------


def newton_plot_range(steps: Sequence[NewtonStep], x0: float) -> tuple[float, float]:
    """An x-range that shows every iterate and a margin around them."""
    xs = [x0] + [s.x for s in steps] + [s.next_x for s in steps if s.next_x is not None]
    xs = [x for x in xs if np.isfinite(x)]
    low, high = min(xs), max(xs)
    span = max(high - low, 1.0)
    return low - 0.25 * span, high + 0.25 * span


def newton_figure(grid: np.ndarray, values: np.ndarray, steps: Sequence[NewtonStep],
                  formula: str) -> go.Figure:
    """f over ``grid`` with every Newton tangent, from (x_n, f(x_n)) down to (x_{n+1}, 0)."""
    traces = [{"type": "scatter", "x": grid, "y": values, "mode": "lines", "name": "f(x)",
               "line": {"color": CURVE_COLOUR, "width": 3}}]
    for index, step in enumerate(steps):
        latest = index == len(steps) - 1
        colour = GRADIENT_COLOUR if latest else "rgba(213,94,0,0.35)"
        if step.next_x is not None:
            traces.append({
                "type": "scatter", "x": [step.x, step.next_x], "y": [step.value, 0.0],
                "mode": "lines", "showlegend": latest, "name": "tangent line (slope from ε)",
                "line": {"color": colour, "width": 3 if latest else 2},
                "hovertemplate": f"tangent at x{subscript(index)}: slope {number(step.slope)}"
                                 "<extra></extra>",
            })
            traces.append({"type": "scatter", "x": [step.x, step.x], "y": [0.0, step.value],
                           "mode": "lines", "showlegend": False, "hoverinfo": "skip",
                           "line": {"color": "#9ca3af", "width": 1, "dash": "dot"}})
    xs = [s.x for s in steps]
    traces.append({
        "type": "scatter", "x": xs, "y": [s.value for s in steps], "mode": "markers+text",
        "name": "iterates x₀, x₁, …", "text": [f"x{subscript(i)}" for i in range(len(xs))],
        "textposition": "top center", "textfont": {"size": FONT_SIZE},
        "marker": {"size": 12, "color": FORWARD_COLOUR},
    })
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    low, high = min(low, 0.0), max(high, 0.0)
    pad = 0.08 * (high - low or 1.0)
    layout = _layout(f"Newton's method on f(x) = {untrusted_plotly(formula)}", height=520,
                     xaxis={"title": {"text": "x"}},
                     yaxis={"title": {"text": "f(x)"}, "range": [low - pad, high + pad],
                            "zeroline": True, "zerolinewidth": 2, "zerolinecolor": "#6b7280"})
    return make_figure({"data": traces, "layout": layout})


# -- section 6: Jacobians --------------------------------------------------------------------------


def jacobian_figure(jacobian: np.ndarray, known: np.ndarray, latest: np.ndarray,
                    output_names: Sequence[str], input_names: Sequence[str],
                    title: str) -> go.Figure:
    """J (m, n) as a grid: entries not computed yet show '?', the latest sweep is highlighted.

    ``known`` and ``latest``: boolean (m, n) masks.
    """
    status = np.where(latest, 2.0, np.where(known, 1.0, 0.0))
    text = [[number(v) if k else "?" for v, k in zip(row, known_row, strict=True)]
            for row, known_row in zip(jacobian, known, strict=True)]
    m = jacobian.shape[0]
    heatmap = {
        "type": "heatmap", "z": status[::-1], "x": [untrusted_plotly(n) for n in input_names],
        "y": list(output_names)[::-1], "text": text[::-1], "texttemplate": "%{text}",
        "textfont": {"size": FONT_SIZE + 2}, "zmin": 0, "zmax": 2, "showscale": False,
        "xgap": 4, "ygap": 4, "hoverinfo": "skip",
        "colorscale": [[0.0, "#f3f4f6"], [0.33, "#f3f4f6"], [0.34, "#dbeafe"], [0.66, "#dbeafe"],
                       [0.67, "#fde68a"], [1.0, "#fde68a"]],
    }
    layout = _layout(title, height=120 + 70 * m,
                     xaxis={"side": "top", "title": {"text": "∂/∂ input"}, "tickfont":
                            {"size": FONT_SIZE}},
                     yaxis={"title": {"text": "output"}, "tickfont": {"size": FONT_SIZE}})
    layout["margin"]["t"] = 110
    return make_figure({"data": [heatmap], "layout": layout})


# -- section 7: gradient ascent against EM ---------------------------------------------------------


def likelihood_race_figure(em_log_likelihoods: np.ndarray, gradient_log_likelihoods: np.ndarray,
                           n_points: int, learning_rate: float) -> go.Figure:
    """Average log-likelihood per iteration: EM and gradient ascent from the same start."""
    traces = [
        {"type": "scatter", "x": np.arange(len(em_log_likelihoods)),
         "y": np.asarray(em_log_likelihoods) / n_points, "mode": "lines+markers",
         "name": "EM", "line": {"color": EM_COLOUR, "width": 3}, "marker": {"size": 7}},
        {"type": "scatter", "x": np.arange(len(gradient_log_likelihoods)),
         "y": np.asarray(gradient_log_likelihoods) / n_points, "mode": "lines+markers",
         "name": f"gradient ascent (η = {number(learning_rate)})",
         "line": {"color": GRADIENT_COLOUR, "width": 3, "dash": "dash"}, "marker": {"size": 7}},
    ]
    layout = _layout("Log-likelihood per point, iteration by iteration", height=470,
                     xaxis={"title": {"text": "iteration"}},
                     yaxis={"title": {"text": "ℓ / N"}})
    return make_figure({"data": traces, "layout": layout})


def mean_paths_figure(X: np.ndarray, em_means: np.ndarray, gradient_means: np.ndarray,
                      ellipses: Sequence[np.ndarray], feature_names: Sequence[str]) -> go.Figure:
    """The data, the fixed covariance ellipses (2σ) at the start, and both paths of the means.

    ``em_means``, ``gradient_means``: (T, K, 2); ``ellipses``: K outlines (P, 2).
    """
    traces = [{"type": "scatter", "x": X[:, 0], "y": X[:, 1], "mode": "markers",
               "name": "data", "marker": {"size": 6, "color": "rgba(107,114,128,0.45)"},
               "hoverinfo": "skip"}]
    for k, outline in enumerate(ellipses):
        traces.append({"type": "scatter", "x": outline[:, 0], "y": outline[:, 1],
                       "mode": "lines", "showlegend": False, "hoverinfo": "skip",
                       "opacity": 0.35, "line": {"color": component_hex(k), "width": 2}})
    n_components = em_means.shape[1]
    for k in range(n_components):
        colour = component_hex(k)
        traces.append({"type": "scatter", "x": em_means[:, k, 0], "y": em_means[:, k, 1],
                       "mode": "lines+markers", "name": "EM" if k == 0 else None,
                       "legendgroup": "em", "showlegend": k == 0,
                       "line": {"color": colour, "width": 3}, "marker": {"size": 6}})
        traces.append({"type": "scatter", "x": gradient_means[:, k, 0],
                       "y": gradient_means[:, k, 1], "mode": "lines+markers",
                       "name": "gradient ascent" if k == 0 else None, "legendgroup": "ga",
                       "showlegend": k == 0,
                       "line": {"color": colour, "width": 3, "dash": "dot"},
                       "marker": {"size": 6, "symbol": "diamond"}})
    starts = em_means[0]
    traces.append({"type": "scatter", "x": starts[:, 0], "y": starts[:, 1], "mode": "markers",
                   "name": "common start", "marker": {"size": 16, "symbol": "x",
                                                      "color": CURVE_COLOUR}})
    layout = _layout("Paths of the means", height=470,
                     xaxis={"title": {"text": feature_names[0]}},
                     yaxis={"title": {"text": feature_names[1]}, "scaleanchor": "x"})
    return make_figure({"data": traces, "layout": layout})
