"""Place the initial means by clicking the data (the "given-means" initialisation, issue #3).

``means_picker(page, X)`` draws a small figure of the data with the means placed so far as
numbered markers, plus "Undo last mean" and "Clear the means". A click anywhere on the data
appends the point under the mouse to the means text box (the state's ``means``), which stays
the one place where the means are kept, shown and edited; K follows the number of means.

A click lands on the grid point nearest to the mouse (``ui.figures.click_grid``: an invisible grid
over the data, rounded to the digits it resolves), so the means text stays readable and a mean
lands exactly where the hover label said.

The pure parts (``picker_figure``, ``add_mean``, ``remove_last_mean``) need no Streamlit and
are tested on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from ui.figures.click_grid import ClickGrid, click_grid, clicked_point, with_click_grid
from ui.figures.common import PALETTE_RGB, component_hex, make_figure
from ui.kit.text import means_text
from ui.kit.view_settings import K_MAX, parse_means

if TYPE_CHECKING:  # ui.stepper.page does not need the picker; only the type is used here
    from ui.stepper.page import StepperPage

# At most this many data points are drawn: the picker only has to show where the data lie.
MAX_SHOWN_POINTS = 2000
CAPTION = "Click the data to place a mean; K follows the number of means."
HEIGHT_2D, HEIGHT_1D = 300, 170
PICKER_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False}


# --- pure helpers -------------------------------------------------------------------------------


def shown_points(X: np.ndarray, max_points: int = MAX_SHOWN_POINTS) -> np.ndarray:
    """At most ``max_points`` rows of X (N, D), the same ones on every rerun, in their order."""
    if len(X) <= max_points:
        return X
    rows = np.sort(np.random.default_rng(0).choice(len(X), max_points, replace=False))
    return X[rows]


def _text_colour(component: int) -> str:
    """Black on the light palette colours (yellow, sky blue, orange...), white on the dark."""
    red, green, blue = PALETTE_RGB[component % len(PALETTE_RGB)]
    return "#111111" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.55 else "white"


def picker_figure(X: np.ndarray, click: ClickGrid, means: Sequence[Sequence[float]]):
    """The picker: the data in grey, the click grid (invisible) and the means placed so far.

    X: (N, D), D = 1 or 2, in the coordinates the model is fitted in; click: ``click_grid(X)``;
    means: K tuples of D floats, drawn as numbered markers in the components' colours. In 1-D
    the points form a jittered strip along x. The click grid is trace GRID_CURVE.
    """
    n_features = X.shape[1]
    grid = click.points
    points = shown_points(X)
    means = np.asarray(means, dtype=np.float64).reshape(-1, n_features)
    placed = len(means)
    if placed >= K_MAX:
        hover = f"{K_MAX} means placed: undo or clear one to place another"
    else:
        where = "(%{x})" if n_features == 1 else "(%{x}, %{y})"
        hover = f"click to place mean {placed + 1} at {where}"
    if n_features == 1:
        points_y = np.random.default_rng(1).uniform(-0.7, 0.7, len(points))
        means_y = np.zeros(placed)
    else:
        points_y, means_y = points[:, 1], means[:, 1]
    traces = with_click_grid([{
        "type": "scatter", "x": points[:, 0].astype(np.float32),
        "y": np.asarray(points_y, dtype=np.float32), "mode": "markers", "name": "data",
        "showlegend": False, "hoverinfo": "skip",
        "marker": {"size": 4 if n_features == 2 else 5, "color": "#6b7280", "opacity": 0.55},
    }, {
        "type": "scatter", "x": means[:, 0], "y": means_y, "mode": "markers+text",
        "name": "means placed", "showlegend": False, "hoverinfo": "skip",
        "text": [str(k + 1) for k in range(placed)], "textposition": "middle center",
        "textfont": {"size": 13, "color": [_text_colour(k) for k in range(placed)]},
        "marker": {"size": 22, "color": [component_hex(k) for k in range(placed)],
                   "line": {"color": "#111111", "width": 1.5}},
    }], click, hover)
    x_range = [float(grid[0, 0]), float(grid[-1, 0])]
    layout = {
        "height": HEIGHT_2D if n_features == 2 else HEIGHT_1D,
        "margin": {"l": 30, "r": 8, "t": 8, "b": 24},
        "font": {"size": 12},
        "showlegend": False,
        "plot_bgcolor": "white",
        # Fixed axes: a drag must not pan the small picture away from the data.
        "xaxis": {"range": x_range, "fixedrange": True, "zeroline": False,
                  "showgrid": True, "gridcolor": "#e5e7eb"},
        # Plotly's "closest" counts every point within 3 px of the mouse as equally close
        # (and takes the last of them); "x" ranks by the distance along x alone, so in 1-D
        # the grid point nearest to the mouse wins. In 2-D the choice is off by at most 3 px.
        "hovermode": "x" if n_features == 1 else "closest",
        # Every spot of the plot area has a nearest grid point, however far the mouse is.
        "hoverdistance": -1,
        "clickmode": "event+select",
    }
    if n_features == 2:
        layout["yaxis"] = {"range": [float(grid[0, 1]), float(grid[-1, 1])],
                           "fixedrange": True, "zeroline": False, "showgrid": True,
                           "gridcolor": "#e5e7eb"}
    else:
        layout["yaxis"] = {"range": [-1.0, 1.0], "fixedrange": True, "visible": False}
    return make_figure({"data": traces, "layout": layout})


def add_mean(text: str, point: Sequence[float], n_features: int) -> tuple[str, str | None]:
    """The means text with ``point`` appended, or (``text`` unchanged, a problem to show).

    A text that does not parse, or that already holds K_MAX means, is left alone.
    """
    means: tuple = ()
    if text.strip():
        parsed, problem = parse_means(text, n_features, max_components=10**6)
        if problem:
            return text, f"Fix the means text first ({problem}), or clear it."
        means = parsed
    if len(means) >= K_MAX:
        return text, (f"At most {K_MAX} means (K ≤ {K_MAX}): undo or clear one "
                      "before placing another.")
    return means_text((*means, tuple(point))), None


def remove_last_mean(text: str, n_features: int) -> str:
    """The means text without its last mean (a text that does not parse loses its last part
    after ';')."""
    means, problem = parse_means(text, n_features, max_components=10**6)
    if problem:
        return text.rsplit(";", 1)[0].strip() if ";" in text else ""
    return means_text(means[:-1])


# --- the widget block ----------------------------------------------------------------------------


def place_clicked_mean(page: StepperPage, decimals: Sequence[int]) -> None:
    """Chart callback: append the clicked grid point to the means text box."""
    state = page.state
    chart = state.means_picker
    point = clicked_point(chart.get("selection") if chart else None, decimals)
    if point is None:
        return
    text, problem = add_mean(state.means, point, page.n_features)
    state.means = text
    if problem:
        state.means_picker_problem = problem


def _undo(page: StepperPage) -> None:
    page.state.means = remove_last_mean(page.state.means, page.n_features)


def _clear(page: StepperPage) -> None:
    page.state.means = ""


def means_picker(page: StepperPage, X: np.ndarray) -> None:
    """The picker: caption, figure and the Undo/Clear buttons.

    X: (N, D) the data the model is fitted to (standardised if the toggle is on), so the
    clicked means are in the model's coordinates.
    """
    state = page.state
    text = state.means
    means, _ = parse_means(text, page.n_features)
    click = click_grid(X)
    st.caption(CAPTION)
    st.plotly_chart(picker_figure(X, click, means or ()), key=state.key("means_picker"),
                    on_select=partial(place_clicked_mean, page, click.decimals),
                    selection_mode="points", config=PICKER_CONFIG, theme="streamlit",
                    width="stretch")
    problem = state.take("means_picker_problem", "")
    if problem:
        st.warning(problem)
    # One above the other: side by side, the sidebar cuts their labels short.
    st.button("Undo last mean", key=state.key("means_undo"), on_click=_undo, args=(page,),
              disabled=not text.strip(), width="stretch")
    st.button("Clear the means", key=state.key("means_clear"), on_click=_clear, args=(page,),
              disabled=not text.strip(), width="stretch")
