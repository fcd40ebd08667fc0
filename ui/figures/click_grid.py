"""Clicking an empty spot of a Plotly chart: an invisible grid of points to click on.

A Plotly click can only select a point of a trace, not an empty spot. An invisible grid of
points over the data's range (``click_grid``, drawn by ``grid_trace``) gives every spot a
nearest point, so a click on a chart with ``on_select`` reports the grid point under the mouse,
and ``clicked_point`` reads it back from the chart's selection. The grid's coordinates are
rounded to the digits the grid resolves (2-3 significant digits of the data's spread), so a
value typed from it stays readable and lands exactly where the hover label said.

Used by the means picker (click to place an initial mean) and the stepper's probe point (click
to move it). Pure: no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

GRID_SIDE_2D = 50  # a 50 x 50 grid of clickable points in 2-D
GRID_POINTS_1D = 200  # clickable points along x in 1-D
# The grid reaches this fraction of the data's span beyond the data on every side.
GRID_PADDING = 0.05
# A figure puts its click grid first: a selection names its points by curve number 0.
GRID_CURVE = 0


@dataclass(frozen=True)
class ClickGrid:
    """The clickable points over the data: ``points`` (G, D), rounded per column to
    ``decimals`` (D,); ``steps`` (D,) is the spacing of the grid along each column."""

    points: np.ndarray
    decimals: tuple[int, ...]
    steps: np.ndarray


def _points_per_axis(n_features: int) -> int:
    return GRID_POINTS_1D if n_features == 1 else GRID_SIDE_2D


def click_grid(X: np.ndarray) -> ClickGrid:
    """A regular grid over the range of X (N, D), D = 1 (GRID_POINTS_1D points along x) or
    D = 2 (GRID_SIDE_2D² points), reaching GRID_PADDING of the span beyond the data.

    Each coordinate keeps as many decimals as the grid resolves (the step's leading digit):
    neighbouring points stay distinct and no digit is invented; that is 2-3 significant digits
    of the data's span.
    """
    n_features = X.shape[1]
    n_points = _points_per_axis(n_features)
    # Column by column: a reduction along axis 0 of an (N, 2) array is ~15x slower.
    low = np.array([X[:, d].min() for d in range(n_features)])
    high = np.array([X[:, d].max() for d in range(n_features)])
    span = np.where(high > low, high - low, 1.0)  # a constant column gets a grid of width ~1
    steps = span * (1 + 2 * GRID_PADDING) / (n_points - 1)
    decimals = tuple(max(0, -math.floor(math.log10(float(step)))) for step in steps)
    axes = []
    for d in range(n_features):
        centre, half = (low[d] + high[d]) / 2, steps[d] * (n_points - 1) / 2
        # + 0.0 turns a rounded -0.0 into 0.0: "-0" in a hover label would puzzle a student.
        axes.append(np.round(np.linspace(centre - half, centre + half, n_points),
                             decimals[d]) + 0.0)
    if n_features == 1:
        points = axes[0][:, None]
    else:
        grid_x, grid_y = np.meshgrid(*axes)
        points = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1)
    return ClickGrid(points, decimals, steps)


def grid_trace(click: ClickGrid, hover: str) -> dict:
    """The click grid as an invisible Plotly trace (put it first: trace GRID_CURVE).

    hover: the hover label's text (a Plotly hovertemplate: "%{x}", "%{y}" are the grid point's
    coordinates). In 1-D the grid lies along y = 0.
    """
    grid = click.points
    return {
        "type": "scatter", "x": grid[:, 0],
        "y": grid[:, 1] if grid.shape[1] > 1 else np.zeros(len(grid)), "mode": "markers",
        "name": "click grid", "showlegend": False,
        # Transparent but present: Plotly picks the grid point nearest to the mouse.
        "marker": {"size": 6, "color": "rgba(0,0,0,0)"},
        "selected": {"marker": {"opacity": 0}}, "unselected": {"marker": {"opacity": 0}},
        "hovertemplate": hover + "<extra></extra>",
    }


def clicked_point(selection: Mapping | None, decimals: Sequence[int], *,
                  curves: Container[int] | None = (GRID_CURVE,)) -> tuple[float, ...] | None:
    """The point a click selected, rounded; None if there is none.

    selection: the ``selection`` part of the chart's state, {"points": [{"x", "y",
    "curve_number", ...}, ...]} (an empty selection comes from a click that deselected).
    decimals: one per coordinate (``ClickGrid.decimals``); in 1-D only x is returned.
    curves: the traces whose points count (by default only the click grid, trace GRID_CURVE);
    None: a point of any trace.
    """
    if not selection:
        return None
    for point in selection.get("points", ()) or ():
        if curves is not None and point.get("curve_number") not in curves:
            continue
        values = [point.get(name) for name in ("x", "y")[: len(decimals)]]
        if all(isinstance(v, int | float) and math.isfinite(v) for v in values):
            # + 0.0 turns -0.0 into 0.0: "-0" in the means text would puzzle a student.
            return tuple(round(float(v), d) + 0.0 for v, d in zip(values, decimals, strict=True))
    return None


# Traces whose points Plotly fades while another point is selected.
_SELECTABLE_TYPES = ("scatter", "scattergl", "bar")


def with_click_grid(traces: Sequence[dict], click: ClickGrid, hover: str) -> list[dict]:
    """``traces`` made clickable anywhere: the click grid first (trace GRID_CURVE), then the
    traces, each keeping its own marker opacity while a click has a point selected (Plotly
    otherwise fades every point but the selected one)."""
    shown = [grid_trace(click, hover)]
    for trace in traces:
        if trace.get("type") in _SELECTABLE_TYPES:
            opacity = trace.get("marker", {}).get("opacity", 1)
            trace = {**trace, "unselected": {"marker": {"opacity": opacity}}}
        shown.append(trace)
    return shown
