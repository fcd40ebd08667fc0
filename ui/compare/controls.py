"""Widget blocks of the page "k-means vs EM" (pages/3_k-means_vs_EM.py).

- ``sidebar()``: the scenario (a teaching preset, or any data set through the stepper's data
  picker), K, the shared start, EM's model (a covariance type, or hard EM with a sigma slider)
  and the display options. Returns a ``PairSetup``.
- ``paired_runs(setup)``: the k-means run and the EM run from the same start, shared between
  sessions (bounded caches); each session keeps only its two positions.
- ``stepping_bars(pair)``: one bar that steps both runs together and one per run, with the
  stepper's button labels ("E-step" is k-means' assignment, "M-step" its update).
- ``play_view(pair, draw)``: the part of the page that Play advances and redraws.
- ``draw_pair(setup, pair, positions)``: both figures, the per-step numbers and the charts.

The stepping logic itself (``advance``, ``step_forward``) is pure and lives in
``gmm_core.comparison``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from gmm_core.comparison import (
    COMPARISON_PRESETS,
    LockedRun,
    adjusted_rand_index,
    advance,
    can_take,
    data_spread,
    disagreement,
    hard_em_run,
    load_comparison_preset,
    softness,
    step_forward,
)
from gmm_core.em_run import EMRun
from gmm_core.initialisation import params_from_means
from gmm_core.kmeans import KMeansRun, init_centers
from ui import controls, links, state
from ui.controls import LoadedData, StepperPage
from ui.figures import figure_style, log_likelihood_figure, mixture_figure_2d
from ui.figures.common import FigureStyle
from ui.figures.kmeans import add_highlight, inertia_figure, kmeans_figure_2d, relax_aspect

PAGE = StepperPage(2, controls.stepper_page(2).spec, state.SessionKeys("kmvem"))
KEYS = PAGE.keys
ANY_DATA = "any"
SCENARIOS = (*COMPARISON_PRESETS, ANY_DATA)
DEFAULT_SCENARIO = "stretched"
STARTS = ("preset", "k-means++", "random-points")
START_LABELS = {
    "preset": "the scenario's start",
    "k-means++": "k-means++ (seeded)",
    "random-points": "K random data points (seeded)",
}
# sigma as a multiple of the data's spread; 1e-4 is hard to machine precision, 2 very soft.
SIGMA_FRACTIONS = (1e-4, 1e-3, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0)
DEFAULT_SIGMA_FRACTION = 0.3
SIDES = ("both", "kmeans", "em")
MAX_SHARED_RUNS = 16


@dataclass(frozen=True)
class PairSetup:
    """What the sidebar decided.

    data: the points (N, 2) with true labels or None; centres: (K, 2) the common start;
    cov, reg, tol, max_iter: EM's settings; sigma: hard EM's fixed standard deviation in data
    units (None for ordinary EM); sigma_fraction: sigma / spread; lesson: the scenario's note.
    """

    scenario: str
    data: LoadedData
    centres: np.ndarray
    start: str
    seed: int
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
    def n_components(self) -> int:
        return self.centres.shape[0]


@dataclass(frozen=True)
class PairRuns:
    kmeans: LockedRun
    em: LockedRun
    kmeans_key: tuple
    em_key: tuple


# --- deep link -> widget state (first visit of a session) ------------------------------------------


def _parse_sigma(text: str):
    """sigma= as a multiple of the spread -> (the nearest offered fraction, problem or None)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and SIGMA_FRACTIONS[0] <= value <= SIGMA_FRACTIONS[-1]):
        return None, (f"sigma={text[:20]!r} is not a number from {SIGMA_FRACTIONS[0]:g} to "
                      f"{SIGMA_FRACTIONS[-1]:g} (a multiple of the data's spread); "
                      "showing ordinary EM")
    nearest = min(SIGMA_FRACTIONS, key=lambda option: abs(math.log(option / value)))
    if not math.isclose(nearest, value):
        return nearest, f"sigma={value:g} is not offered; using the nearest, {nearest:g}"
    return nearest, None


def _start_session() -> None:
    """Load the link's settings into the widgets on a session's first visit to the page.

    Query parameters: dataset (a scenario or any 2-D data set), k, cov, init (the start:
    preset, k-means++ or random-points), seed, sigma (hard EM, as a multiple of the data's
    spread), step, and the data picker's own (n, centres, spread, stretch, dseed, cols, std).
    """
    if st.session_state.get(KEYS.ready):
        return
    raw = {name: str(value) for name, value in st.query_params.to_dict().items()}
    problems: list[str] = []
    scenario = DEFAULT_SCENARIO
    if raw.get("dataset") in COMPARISON_PRESETS:
        scenario = raw.pop("dataset")
    elif "dataset" in raw:
        scenario = ANY_DATA
    start = "preset" if scenario != ANY_DATA else "k-means++"
    if "init" in raw:
        text = raw.pop("init").strip()
        if text in STARTS:
            start = text
        else:
            problems.append(f"init={text[:20]!r} is not a start of this page (choose from "
                            f"{', '.join(STARTS)}); using {start}")
    if scenario == ANY_DATA and start == "preset":
        problems.append("init=preset is the start of a teaching scenario (dataset=stretched, "
                        "unequal-sizes, unequal-spreads or bad-start); using k-means++")
        start = "k-means++"
    hard, fraction = False, DEFAULT_SIGMA_FRACTION
    if "sigma" in raw:
        parsed, problem = _parse_sigma(raw.pop("sigma"))
        if problem:
            problems.append(problem)
        if parsed is not None:
            hard, fraction = True, parsed
    settings, parse_problems = links.parse_query(raw, PAGE.spec)
    problems.extend(parse_problems)
    if scenario != ANY_DATA:
        preset = COMPARISON_PRESETS[scenario]
        settings = replace(settings, k=settings.k if "k" in raw else preset.n_components,
                           cov=settings.cov if "cov" in raw else preset.covariance_type)
    controls.write_settings(PAGE, settings)
    st.session_state[PAGE.key("scenario")] = scenario
    st.session_state[PAGE.key("start")] = start
    st.session_state[PAGE.key("hard")] = hard
    st.session_state[PAGE.key("sigma")] = fraction
    st.session_state[PAGE.key("cells")] = True
    st.session_state[KEYS.requested_index] = settings.step
    st.session_state[KEYS.link_problems] = (tuple(problems), None)
    st.session_state[KEYS.ready] = True


def _show_link_problems(query: dict[str, str]) -> None:
    """The link's problems, shown until the user changes a setting."""
    problems, link_query = st.session_state.get(KEYS.link_problems, ((), None))
    if not problems:
        return
    without_step = {name: value for name, value in query.items() if name != "step"}
    if link_query is None:
        st.session_state[KEYS.link_problems] = (problems, without_step)
        link_query = without_step
    if link_query == without_step:
        st.warning("Some values in this link could not be used:\n"
                   + "\n".join(f"- {problem}" for problem in problems))


# --- the sidebar ------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=len(COMPARISON_PRESETS))
def scenario_data(key: str) -> tuple[LoadedData, np.ndarray]:
    """A teaching preset as read-only data shared by every session, with its start (K, 2)."""
    dataset, start = load_comparison_preset(key)
    X = np.array(dataset.X)
    X.flags.writeable = False
    start.flags.writeable = False
    data = LoadedData(X, dataset.labels, dataset.name, dataset.feature_names, dataset.notices,
                      state.data_digest(X))
    return data, start


def _scenario_title(key: str) -> str:
    if key == ANY_DATA:
        return "Any data set (choose below)…"
    return COMPARISON_PRESETS[key].title


def _on_scenario_change() -> None:
    """A new scenario brings its own K, covariance type and start."""
    scenario = st.session_state[PAGE.key("scenario")]
    if scenario == ANY_DATA:
        if st.session_state.get(PAGE.key("start")) == "preset":
            st.session_state[PAGE.key("start")] = "k-means++"
        return
    preset = COMPARISON_PRESETS[scenario]
    st.session_state[PAGE.key("k")] = preset.n_components
    st.session_state[PAGE.key("cov")] = preset.covariance_type
    st.session_state[PAGE.key("start")] = "preset"


def _centres(scenario: str, data: LoadedData, preset_start, k: int, start: str,
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


def _model_widgets(scenario: str) -> dict:
    """K, the start and EM's model. Returns their values."""
    st.slider("Number of clusters / components K", links.K_MIN, links.K_MAX, key=PAGE.key("k"),
              persist_state="session")
    starts = STARTS if scenario != ANY_DATA else STARTS[1:]
    if st.session_state.get(PAGE.key("start")) not in starts:
        st.session_state[PAGE.key("start")] = starts[0]
    st.selectbox("Initial centres (the same for both)", starts, key=PAGE.key("start"),
                 format_func=START_LABELS.get, persist_state="session",
                 help="k-means starts from these centres; EM starts from the same means with "
                      "equal weights and the data's covariance.")
    st.number_input("Seed", 0, links.SEED_MAX, step=1, key=PAGE.key("seed"),
                    persist_state="session", help="Seeds the random start.")
    st.subheader("EM's model")
    hard = st.toggle("Hard EM: equal weights, every covariance fixed at σ²I",
                     key=PAGE.key("hard"), persist_state="session",
                     help="EM then learns only the means. As σ shrinks it becomes k-means.")
    if hard:
        st.select_slider("σ (a multiple of the data's spread)", SIGMA_FRACTIONS,
                         key=PAGE.key("sigma"), persist_state="session",
                         format_func=lambda value: f"{value:g}")
    else:
        st.selectbox("Covariance type", links.COVARIANCE_TYPES_2D, key=PAGE.key("cov"),
                     persist_state="session")
    return {
        "k": int(st.session_state[PAGE.key("k")]),
        "start": st.session_state[PAGE.key("start")],
        "seed": int(st.session_state[PAGE.key("seed")]),
        "hard": bool(hard),
        "fraction": float(st.session_state[PAGE.key("sigma")]),
        "cov": st.session_state[PAGE.key("cov")],
    }


def sidebar() -> PairSetup | None:
    """The sidebar; returns the setup, or None when there is nothing to compare yet (the reason
    is on screen)."""
    _start_session()
    with st.sidebar:
        st.header("Data")
        scenario = st.selectbox("Scenario", SCENARIOS, key=PAGE.key("scenario"),
                                format_func=_scenario_title, on_change=_on_scenario_change,
                                persist_state="session")
        data_box = st.container()
        st.header("Start and model")
        model = _model_widgets(scenario)
        st.header("Display")
        presentation = controls.presentation_toggle()
        show_cells = st.toggle("k-means' cells (nearest-centre regions)", key=PAGE.key("cells"),
                               persist_state="session")
    with data_box:
        if scenario == ANY_DATA:
            data, preset_start, lesson = controls.data_picker(PAGE, model["k"]), None, None
        else:
            data, preset_start = scenario_data(scenario)
            lesson = COMPARISON_PRESETS[scenario].lesson
            st.caption(f"{data.X.shape[0]} points with their true clusters, K = "
                       f"{preset_start.shape[0]}.")
    if data is None:
        st.info("Choose or fix the data in the sidebar to start.")
        return None
    if data.X.shape[1] != 2:
        st.error("This page compares the methods on 2-D data; choose two columns.")
        return None
    centres, start = _centres(scenario, data, preset_start, model["k"], model["start"],
                              model["seed"])
    if centres is None:
        return None
    sigma = model["fraction"] * data_spread(data.X) if model["hard"] else None
    defaults = links.default_settings(PAGE.spec)
    return PairSetup(
        scenario=scenario, data=data, centres=centres, start=start, seed=model["seed"],
        cov="spherical" if model["hard"] else model["cov"], reg=defaults.reg,
        tol=defaults.tol, max_iter=defaults.max_iter, sigma=sigma,
        sigma_fraction=model["fraction"], style=figure_style(len(data.X), presentation),
        show_cells=bool(show_cells), lesson=lesson,
    )


# --- the two runs, shared between sessions -----------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=MAX_SHARED_RUNS)
def _kmeans_run(digest: str, centres: tuple, max_iter: int, _X: np.ndarray) -> LockedRun:
    return LockedRun(KMeansRun(_X, np.array(centres), max_iter=max_iter))


@st.cache_resource(show_spinner=False, max_entries=MAX_SHARED_RUNS)
def _em_run(digest: str, centres: tuple, cov: str, reg: float, tol: float, max_iter: int,
            sigma: float | None, _X: np.ndarray) -> LockedRun:
    means = np.array(centres)
    if sigma is not None:
        return LockedRun(hard_em_run(_X, means, sigma, tol=tol, max_iter=max_iter))
    start = params_from_means(_X, means, cov, reg)
    return LockedRun(EMRun(_X, start, reg_covar=reg, tol=tol, max_iter=max_iter))


def paired_runs(setup: PairSetup) -> PairRuns:
    """The k-means run and the EM run of ``setup`` (the digest of the data keys both caches)."""
    centres = tuple(map(tuple, setup.centres.tolist()))
    digest = setup.data.digest
    kmeans_key = (digest, centres, setup.max_iter)
    em_key = (digest, centres, setup.cov, setup.reg, setup.tol, setup.max_iter, setup.sigma)
    return PairRuns(_kmeans_run(*kmeans_key, setup.data.X), _em_run(*em_key, setup.data.X),
                    kmeans_key, em_key)


# --- positions and stepping ----------------------------------------------------------------------


def _position_key(side: str) -> str:
    return PAGE.key(f"index.{side}")


def positions(pair: PairRuns) -> tuple[int, int]:
    """(k-means index, EM index) on screen, following the runs when the settings change.

    A new run opens where the other one stands (move sigma at step 10 and EM redraws step 10)
    or, when both are new, at the step a link asked for.
    """
    state_ = st.session_state
    kmeans_new = state_.get(PAGE.key("kmeans_run")) != pair.kmeans_key
    em_new = state_.get(PAGE.key("em_run")) != pair.em_key
    if kmeans_new and em_new:
        requested = int(state_.pop(KEYS.requested_index, 0) or 0)
        state_[_position_key("kmeans")] = requested
        state_[_position_key("em")] = requested
        state_[KEYS.playing] = False
    elif kmeans_new:
        state_[_position_key("kmeans")] = state_.get(_position_key("em"), 0)
    elif em_new:
        state_[_position_key("em")] = state_.get(_position_key("kmeans"), 0)
    state_[PAGE.key("kmeans_run")] = pair.kmeans_key
    state_[PAGE.key("em_run")] = pair.em_key
    result = []
    for side, run in (("kmeans", pair.kmeans), ("em", pair.em)):
        index = int(state_.get(_position_key(side), 0))
        index = min(index, run.extend_to(index)) if index > 0 else 0
        state_[_position_key(side)] = index
        result.append(index)
    return result[0], result[1]


def _runs_of(pair: PairRuns, side: str) -> list[tuple[str, LockedRun]]:
    chosen = {"both": ("kmeans", "em"), "kmeans": ("kmeans",), "em": ("em",)}[side]
    return [(name, pair.kmeans if name == "kmeans" else pair.em) for name in chosen]


def _on_action(pair: PairRuns, side: str, action: str) -> None:
    # From the positions in session state, not the ones this button was drawn with: the bars
    # sit outside the Play fragment, so while playing their drawing lags behind.
    if action in ("Run to convergence", "Reset"):
        st.session_state[KEYS.playing] = False
    for name, run in _runs_of(pair, side):
        key = _position_key(name)
        st.session_state[key] = advance(run, int(st.session_state.get(key, 0)), action)


def _on_play(play: bool) -> None:
    # Sets the state the button offered rather than toggling, so a click delivered twice
    # cannot undo itself (see ui/controls.py).
    st.session_state[KEYS.playing] = play


# Each button's key is "kmvem-<side>-<name>" (no spaces or dots: it becomes a CSS class).
ACTION_NAMES = {"E-step": "e_step", "M-step": "m_step", "EM iteration": "iterate",
                "Run to convergence": "converge", "Back": "back", "Reset": "reset"}


def button_key(side: str, action: str) -> str:
    """The widget key of ``action``'s button in the bar of ``side`` ("both", "kmeans", "em")."""
    return f"kmvem-{side}-{ACTION_NAMES[action]}"


BUTTON_HELP = {
    "both": {
        "E-step": "k-means assigns every point to its nearest centre; EM recomputes the "
                  "responsibilities.",
        "M-step": "k-means moves each centre to the mean of its points; EM re-estimates the "
                  "components.",
    },
    "kmeans": {"E-step": "Assign every point to its nearest centre (k-means' E-step).",
               "M-step": "Move each centre to the mean of its points (k-means' M-step)."},
    "em": {"E-step": "Recompute the responsibilities (recolour the points).",
           "M-step": "Re-estimate the weights, means and covariances."},
}


def stepping_bar(pair: PairRuns, side: str, current: tuple[int, int]) -> None:
    """The stepper's buttons for ``side``: "both" (with Play and keyboard shortcuts), "kmeans"
    or "em". A button is enabled when it would move at least one of its runs."""
    index_of = {"kmeans": current[0], "em": current[1]}
    runs = _runs_of(pair, side)

    def enabled(action: str) -> bool:
        return any(can_take(run, index_of[name], action) for name, run in runs)

    shortcuts = controls.SHORTCUTS if side == "both" else {}
    next_action = "E-step" if enabled("E-step") else "M-step"
    with st.container(horizontal=True, vertical_alignment="center"):
        for action, name in ACTION_NAMES.items():
            is_enabled = enabled(action)
            shortcut = "next" if action in ("E-step", "M-step") else name
            if shortcut == "next" and action != next_action:
                shortcut = None
            st.button(action, key=button_key(side, action), on_click=_on_action,
                      args=(pair, side, action), disabled=not is_enabled,
                      type="primary" if is_enabled and action in ("E-step", "M-step")
                      else "secondary",
                      shortcut=shortcuts.get(shortcut) if shortcut else None,
                      help=BUTTON_HELP[side].get(action))
        if side == "both":
            playing = bool(st.session_state.get(KEYS.playing, False))
            st.button("Pause" if playing else "Play", key="kmvem-both-play", on_click=_on_play,
                      args=(not playing,), disabled=not playing and not enabled("EM iteration"),
                      shortcut=shortcuts.get("play"),
                      icon=":material/pause:" if playing else ":material/play_arrow:",
                      help="Step both runs, one half-step at a time.")
            speed_key = PAGE.key("speed")
            if speed_key not in st.session_state:
                st.session_state[speed_key] = 1.0
            st.select_slider("Speed", controls.PLAY_SPEEDS, key=speed_key,
                             persist_state="session", width=220, label_visibility="collapsed",
                             format_func=lambda speed: f"{speed:g} half-steps/s")


def play_view(pair: PairRuns, draw: Callable[[tuple[int, int]], None]) -> None:
    """Draw the step-dependent part of the page; while playing, each timer tick advances both
    runs by one half-step and redraws only this part. At the end of both runs Play stops and
    the whole page reruns so that the buttons catch up."""
    playing = bool(st.session_state.get(KEYS.playing, False))
    speed = float(st.session_state.get(PAGE.key("speed"), 1.0))
    st.session_state[KEYS.tick] = "page"

    @st.fragment(run_every=1.0 / speed if playing else None)
    def view():
        if st.session_state.get(KEYS.playing) and st.session_state.get(KEYS.tick) == "fragment":
            moved = False
            for name, run in _runs_of(pair, "both"):
                key = _position_key(name)
                before = int(st.session_state.get(key, 0))
                st.session_state[key] = step_forward(run, before)
                moved = moved or st.session_state[key] != before
            if not moved:
                st.session_state[KEYS.playing] = False
                st.rerun(scope="app")
        st.session_state[KEYS.tick] = "fragment"
        draw((int(st.session_state[_position_key("kmeans")]),
              int(st.session_state[_position_key("em")])))

    view()


# --- what is drawn at one pair of positions ------------------------------------------------------

KIND_NAMES = {"start": "start", "assign": "assign (E-step)", "update": "update (M-step)",
              "E": "E-step", "M": "M-step"}


def _step_title(method: str, index: int, kind: str, iteration: int) -> str:
    return f"**{method}** · half-step {index}: {KIND_NAMES[kind]} · iteration {iteration}"


def _status_note(status: str) -> str:
    return {"running": "", "converged": " · converged", "max_iter": " · stopped at max_iter",
            "collapsed": " · a component collapsed"}.get(status, "")


def _format(value: float | None, digits: int = 6) -> str:
    if value is None or not math.isfinite(value):
        return "—" if value is None or math.isnan(value) else ("+∞" if value > 0 else "−∞")
    return f"{value:.{digits}g}"


def _ari(truth, labels) -> str:
    if truth is None or labels is None:
        return "—"
    return f"{adjusted_rand_index(truth, labels):.3f}"


def draw_pair(setup: PairSetup, pair: PairRuns, current: tuple[int, int]) -> None:
    """Both figures side by side with their numbers, the disagreements, and the two curves."""
    kmeans_index, em_index = current
    kmeans_history, em_history = pair.kmeans.history(), pair.em.history()
    kmeans_entry, em_entry = kmeans_history[kmeans_index], em_history[em_index]
    kmeans_labels = pair.kmeans.labels_at(kmeans_index)
    responsibilities = pair.em.responsibilities_at(em_index)
    em_labels = pair.em.labels_at(em_index)
    X, truth = setup.data.X, setup.data.labels
    mask = None
    if kmeans_labels is not None and em_labels is not None:
        mask = disagreement(kmeans_labels, em_labels, setup.n_components)
    names = setup.data.feature_names
    left, right = st.columns(2)
    with left:
        st.markdown(_step_title("k-means", kmeans_index, kmeans_entry.kind,
                                kmeans_entry.iteration))
        figure = kmeans_figure_2d(X, kmeans_entry.centers, kmeans_labels, setup.style,
                                  show_cells=setup.show_cells, feature_names=names)
        st.plotly_chart(relax_aspect(add_highlight(figure, X, mask, setup.style), X),
                        key=PAGE.key("kmeans_fig"))
        first, second = st.columns(2)
        first.metric("Inertia (sum of squared distances)", _format(kmeans_entry.inertia))
        second.metric("Adjusted Rand index vs truth", _ari(truth, kmeans_labels))
        st.caption(f"k-means{_status_note(pair.kmeans.status())}")
    with right:
        model = "Hard EM" if setup.sigma is not None else "EM"
        st.markdown(_step_title(model, em_index, em_entry.kind, em_entry.iteration))
        figure = mixture_figure_2d(X, em_entry.params, responsibilities, setup.style,
                                   feature_names=names)
        st.plotly_chart(relax_aspect(add_highlight(figure, X, mask, setup.style), X),
                        key=PAGE.key("em_fig"))
        first, second = st.columns(2)
        first.metric("Log-likelihood", _format(em_entry.log_likelihood))
        second.metric("Adjusted Rand index vs truth", _ari(truth, em_labels))
        st.caption(f"{model}{_status_note(pair.em.status())}")
        if em_entry.collapse is not None:
            st.warning(em_entry.collapse.message)
    _agreement(setup, mask, kmeans_entry, em_entry, responsibilities)
    _curves(setup, kmeans_history, em_history, current, pair)


def _agreement(setup: PairSetup, mask, kmeans_entry, em_entry, responsibilities) -> None:
    if mask is None:
        st.caption("Disagreements appear once both have assigned the points (after their "
                   "first E-step).")
    else:
        count = int(mask.sum())
        share = count / len(mask)
        st.markdown(f"**k-means and EM's hard labels disagree on {count} of {len(mask)} points "
                    f"({share:.1%})**, ringed in red in both figures"
                    + (" (clusters matched to components by overlap)." if count else "."))
    if setup.sigma is None:
        return
    gap = float(np.abs(em_entry.params.means - kmeans_entry.centers).max())
    soft = "—" if responsibilities is None else f"{softness(responsibilities):.1%}"
    first, second, third = st.columns(3)
    first.metric("σ in data units", _format(setup.sigma, 4),
                 help=f"{setup.sigma_fraction:g} × the data's spread")
    second.metric("Largest gap between EM's means and k-means' centres", _format(gap, 3),
                  help="Compared at the two half-steps on screen.")
    third.metric("Points with a soft responsibility (largest < 0.99)", soft)


def _curves(setup, kmeans_history, em_history, current, pair: PairRuns) -> None:
    style = setup.style
    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            inertia_figure([entry.inertia for entry in kmeans_history],
                           [entry.kind for entry in kmeans_history], current[0], style,
                           status=pair.kmeans.status()),
            key=PAGE.key("inertia_fig"))
    with right:
        st.plotly_chart(
            log_likelihood_figure([entry.log_likelihood for entry in em_history],
                                  [entry.kind for entry in em_history], current[1], style,
                                  lower_bounds=[entry.lower_bound for entry in em_history],
                                  status=pair.em.status()),
            key=PAGE.key("likelihood_fig"))


# --- the link ------------------------------------------------------------------------------------


def link_query(setup: PairSetup, current: tuple[int, int]) -> dict[str, str] | None:
    """The query string that reopens this view (None for an uploaded CSV).

    Columns picked for penguins or iris are not written (the stepper's helper for them is
    private); such a link reopens the default columns.
    """
    if setup.scenario == ANY_DATA:
        dataset = st.session_state.get(PAGE.key("dataset"))
        if dataset == controls.CSV:
            return None
        settings = replace(links.default_settings(PAGE.spec), dataset=dataset,
                           n=int(st.session_state[PAGE.key("n")]),
                           centres=int(st.session_state[PAGE.key("centres")]),
                           spread=float(st.session_state[PAGE.key("spread")]),
                           stretch=float(st.session_state[PAGE.key("stretch")]),
                           data_seed=int(st.session_state[PAGE.key("data_seed")]),
                           standardise=bool(st.session_state[PAGE.key("standardise")]))
        query = {name: value for name, value in links.to_query(settings, PAGE.spec).items()
                 if name not in ("k", "cov", "init", "seed", "reg", "step")}
    else:
        query = {"dataset": setup.scenario}
    query.update(k=str(setup.n_components), init=setup.start, seed=str(setup.seed))
    if setup.sigma is not None:
        query["sigma"] = f"{setup.sigma_fraction:g}"
    else:
        query["cov"] = setup.cov
    if current[0] == current[1]:
        query["step"] = str(current[0])
    return query


def link_box(setup: PairSetup, current: tuple[int, int]) -> None:
    """Keep the address bar equal to the view's link and report a link's bad values."""
    query = link_query(setup, current)
    if query is None:
        st.caption("A view of an uploaded CSV cannot be shared as a link.")
        return
    _show_link_problems(query)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
