"""Learning without labels, the means only: the log-likelihood surface over (mu_1, mu_2), EM's
path on it, the step buttons (the kit's step bar), the 1-D view and the log-likelihood chart."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from gmm_core import generative, means_only
from ui.figures import log_likelihood_figure, mixture_figure_1d
from ui.figures.common import FigureStyle
from ui.kit import text
from ui.kit.accessible import figure
from ui.kit.step_rules import FinishedRun
from ui.kit.stepping import Track, follow, step_bar
from ui.mixture_model import describe, surface_notes
from ui.mixture_model.state import (
    DEFAULT_LECTURE_N,
    DEFAULT_SEED,
    DEFAULT_SEPARATION,
    DEFAULT_START,
    STATE,
)
from ui.mixture_model.surface_figures import path_to_table, surface_figure

# The name of the means-only run in the stepping state.
TRACK = "means_only"
KIND_NAMES = {"start": "the start", "E": "an E-step", "M": "an M-step"}


def start_from_selection(selection: Mapping | None) -> tuple[float, float] | None:
    """The (mu_1, mu_2) the user clicked on the surface, or None if the click missed the grid.

    selection: the ``selection`` part of a Plotly chart's state, {"points": [{"x", "y",
    "curve_number", ...}, ...]}. The first point with numeric coordinates counts: usually one
    of the invisible click-grid markers, but a click on the path or on a maximum works as well.
    The start is rounded to 0.01 and kept within the start inputs' range.
    """
    if not selection:
        return None
    for point in selection.get("points", ()) or ():
        x, y = point.get("x"), point.get("y")
        if not isinstance(x, int | float) or not isinstance(y, int | float):
            continue
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        limit = means_only.LECTURE_MEAN_LIMIT
        return (float(np.clip(round(x, 2), -limit, limit)),
                float(np.clip(round(y, 2), -limit, limit)))
    return None


@st.cache_data(max_entries=16, show_spinner="Computing the log-likelihood surface…")
def cached_surface(separation: float, n_samples: int, seed: int):
    """(X (n, 1), grid (G,), surface (G, G), its critical points) of the lecture's example."""
    X = means_only.means_only_data(separation, n_samples, seed)
    grid = means_only.surface_grid(X, means_only.surface_resolution(n_samples))
    return (X, grid, means_only.means_only_surface(X, grid), means_only.surface_shape(X))


@st.cache_data(max_entries=64, show_spinner=False)
def cached_path(separation: float, n_samples: int, seed: int, mu1: float, mu2: float):
    X = means_only.means_only_data(separation, n_samples, seed)
    return means_only.means_only_path(X, mu1, mu2)


def _take_clicked_start() -> None:
    """Chart callback: a click on the surface becomes EM's start."""
    chart = STATE.surface_chart
    selection = chart.get("selection") if chart else None
    start = start_from_selection(selection)
    if start is not None:
        STATE.start_mu1, STATE.start_mu2 = start


def lecture_data_controls() -> tuple[float, int, int]:
    """Separation of the two true means, n and seed of the 1-D data: (separation, n, seed)."""
    STATE.set_default("separation", DEFAULT_SEPARATION)
    STATE.set_default("lecture_n", DEFAULT_LECTURE_N)
    STATE.set_default("lecture_seed", DEFAULT_SEED)
    separation = st.slider(
        "Distance between the true means", means_only.SEPARATION_MIN,
        means_only.SEPARATION_MAX, step=0.5, key=STATE.key("separation"),
        help="The data are drawn from ½ N(−d/2, 1) + ½ N(d/2, 1).",
    )
    left, right = st.columns(2)
    with left:
        n_samples = st.number_input("Points n", means_only.LECTURE_SAMPLES_MIN,
                                    means_only.LECTURE_SAMPLES_MAX, step=50,
                                    key=STATE.key("lecture_n"))
    with right:
        seed = st.number_input("Seed of the 1-D data", 0, generative.SEED_MAX, step=1,
                               key=STATE.key("lecture_seed"))
    return float(separation), int(n_samples), int(seed)


def start_controls() -> tuple[float, float]:
    """EM's starting means, typed or clicked on the surface: (mu_1, mu_2)."""
    STATE.set_default("start_mu1", DEFAULT_START[0])
    STATE.set_default("start_mu2", DEFAULT_START[1])
    limit = means_only.LECTURE_MEAN_LIMIT
    left, right = st.columns(2)
    with left:
        mu1 = st.number_input("start μ₁", -limit, limit, step=0.25, key=STATE.key("start_mu1"))
    with right:
        mu2 = st.number_input("start μ₂", -limit, limit, step=0.25, key=STATE.key("start_mu2"))
    return float(mu1), float(mu2)


@dataclass(frozen=True)
class MeansOnlyView:
    """What the means-only explorer shows, for the sections after it: the data X (N, 1), the
    grid (G,) of the surface, its critical points, EM's run (as a track) and the half-step."""

    X: np.ndarray
    grid: np.ndarray
    shape: means_only.SurfaceShape
    path: means_only.MeansOnlyPath
    track: Track
    current: int


def means_only_explorer(style: FigureStyle) -> MeansOnlyView:
    """The surface with EM's path, the step buttons, the 1-D view and the log-likelihood chart."""
    surface_column, controls_column = st.columns([3, 2])
    with controls_column:
        separation, n_samples, seed = lecture_data_controls()
        st.markdown("**EM's start** (type it, or click a spot on the surface)")
        mu1, mu2 = start_controls()
    X, grid, surface, shape = cached_surface(separation, n_samples, seed)
    path = cached_path(separation, n_samples, seed, mu1, mu2)
    track = Track(TRACK, FinishedRun(path.kinds, path.status),
                  (separation, n_samples, seed, mu1, mu2))
    current = follow(STATE, (track,)).positions[TRACK]
    last = len(path) - 1
    with controls_column:
        step_bar(STATE, (track,), {TRACK: current}, bar="surface", play=False,
                 shortcuts=False, columns=2)
        now = path.means[current]
        st.markdown(
            f"Half-step **{current}** of {last} ({KIND_NAMES[path.kinds[current]]}): "
            f"μ₁ = {text.number(now[0], 4)}, μ₂ = {text.number(now[1], 4)}, "
            f"ℓ = {text.log_likelihood(path.log_likelihoods[current])}."
        )
        if current == last:
            ended = surface_notes.end_note(shape, path)
            nearest, _distance = shape.nearest(*now)
            best = shape.fits()[0].log_likelihood if shape.fits() else nearest.log_likelihood
            if nearest.kind != "maximum":
                st.warning(ended)
            elif nearest.log_likelihood < best - 1e-9 * abs(best):
                st.info(ended)
            else:
                st.success(ended)
        start = surface_notes.start_note(shape, mu1, mu2)
        if start:
            (st.info if shape.mirror_point.kind == "maximum" else st.warning)(start)
    with surface_column:
        figure(surface_figure(grid, surface, path.means, current, shape, style,
                              n_samples=n_samples),
               describe.surface(grid, shape, path, current),
               key=STATE.key("surface_chart"), on_click=_take_clicked_start, width="stretch")
        st.markdown(surface_notes.surface_summary(shape, n_samples))
    _one_d_views(X, path, current, style)
    return MeansOnlyView(X, grid, shape, path, track, current)


def _one_d_views(X: np.ndarray, path: means_only.MeansOnlyPath, current: int,
                 style: FigureStyle) -> None:
    """The data with the two components at this half-step, and the log-likelihood so far."""
    last = len(path) - 1
    params = path.shown_params(current)
    responsibilities = path.responsibilities_at(X, current)
    data_column, curve_column = st.columns(2)
    with data_column:
        st.markdown("**The data and the two components at this half-step** (the rug is "
                    "coloured by the responsibilities of the last E-step)")
        figure(mixture_figure_1d(X, params, responsibilities, style),
               describe.one_d(len(X), path.means[current], responsibilities is not None),
               width="stretch")
    with curve_column:
        st.markdown("**The log-likelihood ℓ at every half-step so far**")
        figure(log_likelihood_figure(path.log_likelihoods[: current + 1],
                                     path.kinds[: current + 1], current, style,
                                     status=path.status if current == last else "running"),
               describe.likelihood_curve(path.log_likelihoods[: current + 1]),
               width="stretch")
        with st.expander("Every half-step in numbers"):
            st.dataframe(pd.DataFrame(path_to_table(path.means, path.kinds,
                                                    path.log_likelihoods)),
                         hide_index=True, width="stretch")
