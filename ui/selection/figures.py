"""Figures of the page "Model selection": BIC and AIC against K per covariance type (with the
spread over starts and the degenerate fits), and the final log-likelihoods of restarts (local
optima made visible, each run marked by how it ended).

Pure Plotly (no Streamlit); the fits themselves are drawn with the stepper's builders. Text
that came from outside the app (a CSV's column names inside a degeneracy reason) goes through
``ui.kit.escape.untrusted_plotly``.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from gmm_core.model_search import GridEntry, GridResult
from gmm_core.selection import mclust_model_name
from ui.figures import FigureStyle, base_layout, component_hex, make_figure
from ui.kit.escape import untrusted_plotly
from ui.selection.texts import degeneracy_summary

# One colour and dash per covariance type, fixed so that BIC and AIC charts read alike.
COVARIANCE_STYLES = {
    "full": (component_hex(0), "solid"),
    "tied": (component_hex(1), "dash"),
    "diag": (component_hex(2), "dot"),
    "spherical": (component_hex(3), "dashdot"),
}
CRITERION_TITLES = {"bic": "BIC", "aic": "AIC"}
BEST_HEX = "#C00000"
DEGENERATE_NAME = "degenerate fit (left out)"


def signed(criterion: str, convention: str) -> float:
    """+1, or −1 for BIC in mclust's convention (2ℓ − p log N, higher is better)."""
    return -1.0 if criterion == "bic" and convention == "mclust" else 1.0


def axis_title(criterion: str, convention: str) -> str:
    if criterion == "bic" and convention == "mclust":
        return "BIC, mclust's sign: 2ℓ − p log N (higher is better)"
    if criterion == "bic":
        return "BIC = −2ℓ + p log N (lower is better)"
    return "AIC = −2ℓ + 2p (lower is better)"


def start_spread(entry: GridEntry, criterion: str) -> tuple[float, float]:
    """(lowest, highest) criterion over the sound starts of a model and its kept fit (where
    each start stopped at the grid's tol); (nan, nan) if there is none."""
    values = [getattr(start, criterion) for start in entry.starts if not start.degenerate]
    values.append(entry.criterion(criterion))
    finite = [value for value in values if math.isfinite(value)]
    return (min(finite), max(finite)) if finite else (math.nan, math.nan)


def degenerate_points(grid: GridResult) -> list[GridEntry]:
    """Every degenerate fit the grid found: kept ones (no sound start) and set-aside ones."""
    found = [entry for entry in grid.entries if entry.degenerate and entry.fit.usable]
    found += [entry.set_aside for entry in grid.entries if entry.set_aside is not None]
    return [entry for entry in found if math.isfinite(entry.bic)]


def _hover_lines(text: str, width: int = 60) -> str:
    """Outside-app text as escaped hover lines (Plotly breaks lines only at <br>)."""
    return "<br>".join(untrusted_plotly(line, max_chars=width + 10)
                       for line in textwrap.wrap(text, width)[:8])


def _type_trace(grid: GridResult, covariance_type: str, criterion: str, sign: float,
                style: FigureStyle) -> dict:
    """One covariance type's sound fits against K, with whiskers over the starts."""
    name = CRITERION_TITLES[criterion]
    entries = [entry for entry in grid.entries if entry.covariance_type == covariance_type]
    colour, dash = COVARIANCE_STYLES[covariance_type]
    x, y, low, high, custom = [], [], [], [], []
    for entry in entries:
        value = entry.criterion(criterion)
        shown = math.isfinite(value) and not entry.degenerate
        spread = start_spread(entry, criterion) if shown else (math.nan, math.nan)
        ends = sorted(sign * bound for bound in spread)
        x.append(entry.n_components)
        y.append(sign * value if shown else None)
        low.append(sign * value - ends[0] if shown and math.isfinite(ends[0]) else 0.0)
        high.append(ends[1] - sign * value if shown and math.isfinite(ends[1]) else 0.0)
        custom.append([entry.n_params, entry.fit.log_likelihood, entry.n_starts,
                       entry.n_reached, ends[0], ends[1]])
    mclust = mclust_model_name(covariance_type, grid.n_features or 2)
    return {
        "type": "scatter", "mode": "lines+markers", "name": covariance_type,
        "x": x, "y": y, "customdata": custom,
        "line": {"color": colour, "dash": dash, "width": style.line_width},
        "marker": {"size": style.marker_size + 1, "color": colour},
        "error_y": {"type": "data", "symmetric": False, "array": high, "arrayminus": low,
                    "color": colour, "thickness": 1, "width": 3},
        "hovertemplate": (f"{covariance_type} (mclust {mclust}), K = %{{x}}<br>"
                          f"{name} = %{{y:.6~g}}<br>ℓ = %{{customdata[1]:.6~g}}, "
                          "p = %{customdata[0]} parameters<br>%{customdata[3]} of "
                          "%{customdata[2]} starts reached this fit<br>over the starts: "
                          "%{customdata[4]:.6~g} … %{customdata[5]:.6~g}<extra></extra>"),
    }


def _degenerate_trace(points: Sequence[GridEntry], criterion: str, sign: float,
                      style: FigureStyle) -> dict:
    """Degenerate fits as hollow markers, each with its reason in the tooltip."""
    name = CRITERION_TITLES[criterion]
    texts = [f"{entry.covariance_type}, K = {entry.n_components}: degenerate, left out<br>"
             f"{name} = {sign * entry.criterion(criterion):.6g}<br>"
             + _hover_lines(degeneracy_summary(entry.degeneracy)) for entry in points]
    return {
        "type": "scatter", "mode": "markers", "name": DEGENERATE_NAME,
        "x": [entry.n_components for entry in points],
        "y": [sign * entry.criterion(criterion) for entry in points],
        "text": texts, "hovertemplate": "%{text}<extra></extra>",
        "marker": {"symbol": "circle-open", "size": style.marker_size * 2 + 6,
                   "color": [COVARIANCE_STYLES[entry.covariance_type][0] for entry in points],
                   "line": {"width": 2}},
    }


def criterion_figure(grid: GridResult, criterion: str, style: FigureStyle, *,
                     selected: tuple[int, str] | None = None, convention: str = "scikit-learn",
                     show_degenerate: bool = True, height: int = 420) -> go.Figure:
    """BIC or AIC against K, one line per covariance type, through each model's kept fit.

    Whiskers span the criterion over the model's sound starts (where each stopped at the grid's
    tol), so a long whisker means the starts mattered. Degenerate fits (never chosen) are hollow
    markers with their reason, when ``show_degenerate``. The best model is a red star, the model
    ``selected`` = (K, covariance type) on screen a ring. convention: "mclust" draws BIC in
    mclust's sign (2ℓ − p log N, higher is better). Unfitted models leave a gap.
    """
    name = CRITERION_TITLES[criterion]
    sign = signed(criterion, convention)
    types = list(dict.fromkeys(entry.covariance_type for entry in grid.entries))
    traces = [_type_trace(grid, covariance_type, criterion, sign, style)
              for covariance_type in types]
    points = degenerate_points(grid) if show_degenerate else []
    if points:
        traces.append(_degenerate_trace(points, criterion, sign, style))
    best = grid.best(criterion)
    if selected is not None:
        entry = grid.entry(*selected)
        if entry is not None and math.isfinite(entry.criterion(criterion)):
            traces.append({
                "type": "scatter", "mode": "markers", "name": "shown below",
                "x": [entry.n_components], "y": [sign * entry.criterion(criterion)],
                "marker": {"symbol": "circle-open", "size": style.marker_size * 2 + 12,
                           "color": "#222222", "line": {"width": 2.5}},
                "hoverinfo": "skip",
            })
    annotations = []
    if best is not None:
        value = sign * best.criterion(criterion)
        traces.append({
            "type": "scatter", "mode": "markers", "name": f"best {name}",
            "x": [best.n_components], "y": [value],
            "marker": {"symbol": "star", "size": style.marker_size * 2 + 10,
                       "color": BEST_HEX, "line": {"color": "white", "width": 1.5}},
            "hovertemplate": (f"best {name}: K = {best.n_components}, "
                              f"{best.covariance_type}<extra></extra>"),
        })
        annotations.append({
            "x": best.n_components, "y": value, "showarrow": True, "arrowhead": 2, "ax": 0,
            "ay": -40 if sign > 0 else 40, "font": {"size": style.font_size, "color": BEST_HEX},
            "text": f"best: K = {best.n_components}, {best.covariance_type}",
        })
    layout = base_layout(style, height=height)
    layout.update(
        xaxis={"title": {"text": "number of components K"}, "dtick": 1},
        yaxis={"title": {"text": axis_title(criterion, convention)}, "tickformat": ".6~g",
               "range": _focus_range(grid, criterion, sign, points)},
        annotations=annotations,
        hovermode="closest",
    )
    return make_figure({"data": traces, "layout": layout})


def _focus_range(grid: GridResult, criterion: str, sign: float,
                 points: Sequence[GridEntry]) -> list[float] | None:
    """A y range from the best value to the worst value with K >= 2 (and every degenerate
    fit drawn).

    K = 1 is usually far worse than the rest; drawing it in full would squash the region where
    the choice is made into a flat line. Its point is then off the chart, its line leaving it.
    None (autorange) when there is nothing to focus on.
    """
    sound = [entry for entry in grid.entries
             if math.isfinite(entry.criterion(criterion)) and not entry.degenerate]
    values = [sign * entry.criterion(criterion) for entry in sound]
    rest = [sign * entry.criterion(criterion) for entry in sound if entry.n_components >= 2]
    if not values or not rest:
        return None
    extra = [sign * entry.criterion(criterion) for entry in points]
    # The worse end (high in scikit-learn's sign, low in mclust's) leaves K = 1 out.
    low = min(values + extra) if sign > 0 else min(rest + extra)
    high = max(rest + extra) if sign > 0 else max(values + extra)
    if high <= low:
        return None
    pad = 0.06 * (high - low)
    return [low - pad, high + pad]


# --- restarts -----------------------------------------------------------------------------------

# How a restart ended -> its legend label and colour in the histogram.
OUTCOME_STYLES = {
    "converged": ("stopped by tol", component_hex(0)),
    "max_iter": ("stopped at max_iter", component_hex(1)),
    "degenerate": ("degenerate", "#7F7F7F"),
}


def restarts_histogram(log_likelihoods: np.ndarray, style: FigureStyle, *,
                       outcomes: Sequence[str] | None = None, best: float | None = None,
                       height: int = 400) -> go.Figure:
    """How often the restarts ended at each final log-likelihood: (S,) values, nan = failed.

    outcomes: (S,) how each run ended ("converged", "max_iter", "degenerate", ...; runs without
    a finite value are not drawn); one stacked colour per outcome. best: the best sound value,
    marked by a red line (default: the highest value drawn).
    """
    values = np.asarray(log_likelihoods, dtype=float)
    kinds = np.asarray(outcomes if outcomes is not None else ["restarts"] * len(values))
    drawn = np.isfinite(values)
    finite = values[drawn]
    bins = max(10, min(60, 2 * len(finite)))
    xbins = None
    if finite.size and np.ptp(finite) > 0:
        xbins = {"start": float(finite.min()), "end": float(finite.max()),
                 "size": float(np.ptp(finite)) / bins}
    traces: list[dict] = []
    for kind in dict.fromkeys(kinds[drawn]):
        label, colour = OUTCOME_STYLES.get(str(kind), ("restarts", component_hex(0)))
        trace = {
            "type": "histogram", "x": values[drawn & (kinds == kind)], "name": label,
            "marker": {"color": colour, "line": {"color": "white", "width": 1}},
            "hovertemplate": f"{label}<br>log-likelihood %{{x}}<br>%{{y}} run(s)<extra></extra>",
        }
        trace.update({"xbins": xbins} if xbins else {"nbinsx": bins})
        traces.append(trace)
    shapes, annotations = [], []
    best = float(finite.max()) if best is None and finite.size else best
    if best is not None and math.isfinite(best):
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": best, "x1": best,
                       "y0": 0, "y1": 1, "line": {"color": BEST_HEX, "width": 2,
                                                  "dash": "dash"}})
        annotations.append({"x": best, "yref": "paper", "y": 1.0, "showarrow": False,
                            "xanchor": "right", "yanchor": "top", "text": f"best {best:.6g}",
                            "font": {"color": BEST_HEX, "size": style.font_size}})
    layout = base_layout(style, height=height)
    layout.update(
        xaxis={"title": {"text": "final log-likelihood ℓ (higher is better)"},
               "tickformat": ".6~g"},
        yaxis={"title": {"text": "runs"}, "dtick": 1 if len(finite) <= 20 else None},
        showlegend=outcomes is not None, barmode="stack", shapes=shapes,
        annotations=annotations, bargap=0.05,
    )
    return make_figure({"data": traces, "layout": layout})


def init_comparison_figure(log_likelihoods: Mapping[str, np.ndarray], style: FigureStyle, *,
                           height: int = 420) -> go.Figure:
    """Final log-likelihoods of the restarts of each initialisation, side by side.

    log_likelihoods: method name -> (S,) values (nan = failed or not shown). Each method is a
    box with every restart drawn as a point next to it; the overall best is a red dashed line.
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
        yaxis={"title": {"text": "final log-likelihood ℓ"}, "tickformat": ".6~g"},
        xaxis={"title": {"text": "initialisation"}},
        showlegend=False,
    )
    if math.isfinite(best):
        layout["shapes"] = [{"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1,
                             "y0": best, "y1": best,
                             "line": {"color": BEST_HEX, "width": 1.5, "dash": "dash"}}]
    return make_figure({"data": traces, "layout": layout})
