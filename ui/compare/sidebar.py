"""The sidebar of "k-means vs EM": the scenario or any data set, K, the common start, EM's model
and the display, and the deep link that fills them.

``sidebar()`` returns a :class:`PairSetup`, or None when there is nothing to compare yet (the
reason is on screen).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from gmm_core.comparison import COMPARISON_PRESETS, data_spread, load_comparison_preset
from gmm_core.kmeans import init_centers
from ui.compare.links import SPEC, CompareView, read_query
from ui.compare.notes import EmModel
from ui.compare.state import (
    ANY_DATA,
    DEFAULT_SIGMA_FRACTION,
    SCENARIOS,
    SIGMA_FRACTIONS,
    START_LABELS,
    STARTS,
    STATE,
)
from ui.figures import figure_style
from ui.figures.common import FigureStyle
from ui.kit import links, stepping
from ui.kit import view_settings as vs
from ui.kit.data_picker import (
    LoadedData,
    data_picker,
    data_settings,
    ensure_data_defaults,
    freeze,
    write_data_settings,
)
from ui.kit.display import presentation_toggle
from ui.kit.view_settings import ViewSettings


@dataclass(frozen=True)
class PairSetup:
    """What the sidebar decided.

    view: the settings as a link sees them (its step is filled in by the view); data: the points
    (N, 2) with true labels or None; centres: (K, 2) the common start; start: the start used;
    model: what the EM side runs; cov, reg, tol, max_iter: EM's settings; sigma: the fixed σ
    in data units (None for EM with covariance type ``cov``); sigma_fraction: σ / spread;
    lesson: the scenario's note (with the settings it is true for, when they differ).
    """

    view: CompareView
    data: LoadedData
    centres: np.ndarray
    start: str
    seed: int
    model: EmModel
    cov: str
    reg: float
    tol: float
    max_iter: int
    sigma: float | None
    sigma_fraction: float
    style: FigureStyle
    show_cells: bool
    lesson: str | None

    @property
    def scenario(self) -> str:
        return self.view.scenario

    @property
    def n_components(self) -> int:
        return self.centres.shape[0]


# --- the link -> the widgets ---------------------------------------------------------------------


def _apply_link(query: dict[str, str]) -> tuple[str, ...]:
    """Put a new link's view into the widgets (before they are drawn); return its problems."""
    view, problems = read_query(query)
    write_data_settings(STATE, SPEC, view.data)
    STATE.scenario, STATE.start = view.scenario, view.start
    STATE.k, STATE.cov, STATE.seed = view.k, view.cov, view.seed
    STATE.fixed_sigma, STATE.hard = view.sigma is not None, view.hard
    STATE.sigma = view.sigma if view.sigma is not None else DEFAULT_SIGMA_FRACTION
    STATE.cells = True
    stepping.request_position(STATE, view.step or 0, announce=True)
    return problems


def _ensure_defaults() -> None:
    """Give every widget a value (the default view) unless it has one already."""
    ensure_data_defaults(STATE, SPEC)
    for name in ("scenario", "k", "start", "seed", "hard", "fixed_sigma", "sigma", "cov",
                 "cells"):
        STATE.set_default(name, getattr(STATE, name))


def _on_scenario_change() -> None:
    """A new scenario brings its own K, covariance type and start."""
    if STATE.scenario == ANY_DATA:
        if STATE.start == "preset":
            STATE.start = "k-means++"
        return
    preset = COMPARISON_PRESETS[STATE.scenario]
    STATE.k, STATE.cov, STATE.start = preset.n_components, preset.covariance_type, "preset"


# --- the data ----------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=len(COMPARISON_PRESETS))
def scenario_data(key: str) -> tuple[LoadedData, np.ndarray]:
    """A teaching scenario as read-only data shared by every session, with its start (K, 2)."""
    dataset, start = load_comparison_preset(key)
    start.flags.writeable = False
    return freeze(dataset.X, dataset.labels, dataset.name, dataset.feature_names,
                  dataset.notices), start


def _scenario_title(key: str) -> str:
    if key == ANY_DATA:
        return "Any data set (choose below)…"
    return COMPARISON_PRESETS[key].title


def _centres(data: LoadedData, preset_start, k: int, start: str,
             seed: int) -> tuple[np.ndarray | None, str]:
    """The common initial centres (K, 2) and the start actually used (None if impossible)."""
    if start == "preset":
        # Only the scenarios offer "preset" (see _model_widgets), so preset_start exists here.
        if preset_start.shape[0] == k:
            return np.array(preset_start), start
        st.info(f"The scenario's start has {preset_start.shape[0]} centres but K = {k}; "
                "using k-means++ instead.")
        start = "k-means++"
    try:
        return init_centers(data.X, k, start, seed), start
    except ValueError as error:
        st.error(f"No start can be drawn: {error}. Lower K or choose more data.")
        return None, start


# --- the widgets ---------------------------------------------------------------------------------


def _model_widgets(scenario: str) -> None:
    """K, the start and EM's model."""
    st.slider("Number of clusters / components K", vs.K_MIN, vs.K_MAX, key=STATE.key("k"),
              persist_state="session")
    starts = STARTS if scenario != ANY_DATA else STARTS[1:]
    if STATE.start not in starts:
        STATE.start = starts[0]
    st.selectbox("Initial centres (the same for both)", starts, key=STATE.key("start"),
                 format_func=START_LABELS.get, persist_state="session",
                 help="k-means starts from these centres; EM from the same means μ_k, with "
                      "equal weights π_k = 1/K and, unless σ is fixed, every covariance Σ_k "
                      "equal to the data's covariance.")
    st.number_input("Seed", 0, vs.SEED_MAX, step=1, key=STATE.key("seed"),
                    persist_state="session", help="Seeds the random start.")
    st.subheader("EM's model")
    st.toggle("Hard EM (classification EM): each point wholly to one component",
              key=STATE.key("hard"), persist_state="session",
              help="After computing the responsibilities r_ik, every point x_i is given wholly "
                   "to its most responsible component before the M-step. With a fixed shared σ "
                   "this is exactly k-means, at any σ.")
    fixed = st.toggle("EM with a fixed shared σ: equal weights, Σ_k = σ²I",
                      key=STATE.key("fixed_sigma"), persist_state="session",
                      help="Every weight π_k stays 1/K and every covariance Σ_k stays σ²I: EM "
                           "learns only the means μ_k. With soft responsibilities it tends to "
                           "k-means as σ → 0; with hard ones it is k-means at every σ.")
    if fixed:
        st.select_slider("σ (a multiple of the data's spread)", SIGMA_FRACTIONS,
                         key=STATE.key("sigma"), persist_state="session",
                         format_func=lambda value: f"{value:g}",
                         help="The data's spread is √(mean of the per-column variances).")
    else:
        st.selectbox("Covariance type", vs.COVARIANCE_TYPES_2D, key=STATE.key("cov"),
                     persist_state="session")


def _lesson(scenario: str, start: str, k: int, model: EmModel) -> str | None:
    """The scenario's lesson, with the settings it describes when the page shows others."""
    if scenario == ANY_DATA:
        return None
    preset = COMPARISON_PRESETS[scenario]
    if (start, k, model) == ("preset", preset.n_components,
                             EmModel(False, False, preset.covariance_type)):
        return preset.lesson
    return (f"This scenario's lesson, for its own start, K = {preset.n_components} and EM with "
            f"{preset.covariance_type} covariances (the sidebar now shows other settings): "
            f"{preset.lesson}")


def sidebar() -> PairSetup | None:
    """The sidebar; returns the setup, or None when there is nothing to compare yet (the reason
    is on screen)."""
    links.load_link(STATE, _apply_link)
    _ensure_defaults()
    with st.sidebar:
        st.header("Data")
        scenario = st.selectbox("Scenario", SCENARIOS, key=STATE.key("scenario"),
                                format_func=_scenario_title, on_change=_on_scenario_change,
                                persist_state="session")
        data_box = st.container()
        st.header("Start and model")
        _model_widgets(scenario)
        st.header("Display")
        presentation = presentation_toggle()
        show_cells = st.toggle("k-means' cells (nearest-centre regions)",
                               key=STATE.key("cells"), persist_state="session")
    k = STATE.k
    with data_box:
        if scenario == ANY_DATA:
            data, preset_start = data_picker(STATE, SPEC, k), None
        else:
            data, preset_start = scenario_data(scenario)
            st.caption(f"{data.X.shape[0]} points with their true clusters, K = "
                       f"{preset_start.shape[0]}.")
    if data is None:
        st.info("Choose or fix the data in the sidebar to start.")
        return None
    centres, start = _centres(data, preset_start, k, STATE.start, STATE.seed)
    if centres is None:
        return None
    fixed, fraction = STATE.fixed_sigma, STATE.sigma
    model = EmModel(STATE.hard, fixed, "spherical" if fixed else STATE.cov)
    defaults = vs.default_settings(SPEC)
    view = CompareView(scenario, ViewSettings(**data_settings(STATE, SPEC)), k, start,
                       STATE.seed, fraction if fixed else None, STATE.cov, model.hard)
    return PairSetup(
        view=view, data=data, centres=centres, start=start, seed=STATE.seed, model=model,
        cov=model.cov, reg=defaults.reg, tol=defaults.tol, max_iter=defaults.max_iter,
        sigma=fraction * data_spread(data.X) if fixed else None, sigma_fraction=fraction,
        style=figure_style(len(data.X), presentation), show_cells=bool(show_cells),
        lesson=_lesson(scenario, start, k, model),
    )


def with_step(setup: PairSetup, positions: dict[str, int]) -> CompareView:
    """The view's link at ``positions`` (track -> half-step): one step when both agree."""
    values = set(positions.values())
    return replace(setup.view, step=values.pop() if len(values) == 1 else None)
