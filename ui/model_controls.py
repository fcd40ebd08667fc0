"""Widget blocks of the page "The mixture model" (pages/5_The_mixture_model.py).

Each block draws its widgets and figures and returns what the rest of the page needs. The
page's own state lives in ``st.session_state`` under keys starting with ``model_``. Pure
helpers (``play_batch``, ``step_target``, ``start_from_selection``) carry the logic that
the widgets only trigger, so that they can be tested without Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlencode, urljoin

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from gmm_core import generative
from gmm_core.datasets import Dataset
from gmm_core.generative import MixtureSpec
from gmm_core.mixture import e_step, weighted_log_densities
from ui.figures import (
    log_likelihood_figure,
    membership_bar_figure,
    mixture_figure_1d,
    mixture_figure_2d,
)
from ui.figures_common import FigureStyle, component_hex
from ui.figures_model import (
    draw_counts_figure,
    path_to_table,
    sampling_figure,
    supervised_figure,
    surface_figure,
)

# --- session-state keys -------------------------------------------------------------------------

K_KEY = "model_k"
PRESET_KEY = "model_preset"
N_KEY = "model_n"
SEED_KEY = "model_seed"
REVEALED_KEY = "model_revealed"
PLAYING_KEY = "model_playing"
HIDE_KEY = "model_hide_colours"
PROBE_X_KEY, PROBE_Y_KEY = "model_probe_x", "model_probe_y"
SEPARATION_KEY = "model_separation"
LECTURE_N_KEY = "model_lecture_n"
LECTURE_SEED_KEY = "model_lecture_seed"
START_KEYS = ("model_start_mu1", "model_start_mu2")
SURFACE_STEP_KEY = "model_surface_step"
SURFACE_RUN_KEY = "model_surface_run"
SURFACE_CHART_KEY = "model_surface_chart"
WRITTEN_QUERY_KEY = "model_written_query"

# (field of ComponentSpec, slider label, step); the ranges are the spec's own bounds.
COMPONENT_FIELDS = (
    ("weight", "weight φ (relative)", 0.05),
    ("mean_x", "mean x", 0.5),
    ("mean_y", "mean y", 0.5),
    ("std_x", "std x", 0.1),
    ("std_y", "std y", 0.1),
    ("correlation", "correlation ρ", 0.05),
)
FIELD_RANGES = {
    "weight": (generative.WEIGHT_MIN, generative.WEIGHT_MAX),
    "mean_x": (-generative.MEAN_LIMIT, generative.MEAN_LIMIT),
    "mean_y": (-generative.MEAN_LIMIT, generative.MEAN_LIMIT),
    "std_x": (generative.STD_MIN, generative.STD_MAX),
    "std_y": (generative.STD_MIN, generative.STD_MAX),
    "correlation": (-generative.CORRELATION_LIMIT, generative.CORRELATION_LIMIT),
}

DEFAULT_N = 300
DEFAULT_SEED = 0
DEFAULT_SEPARATION = 4.0
DEFAULT_LECTURE_N = 200
DEFAULT_START = (-1.0, -0.5)
PLAY_INTERVAL_S = 0.5
DRAW_BUTTONS = (("Draw 1", 1), ("Draw 10", 10), ("Draw 100", 100))
STEP_ACTIONS = ("E-step", "M-step", "EM iteration", "Run to convergence", "Back", "Reset")


def component_key(component: int, field: str) -> str:
    return f"model_c{component}_{field}"


# --- pure helpers -------------------------------------------------------------------------------


def play_batch(revealed: int, n_samples: int) -> int:
    """How many points the next animation tick reveals: one at a time for the first ten (to
    watch each z being drawn), then about a quarter more each tick, never past n_samples."""
    if revealed < 10:
        batch = 1
    else:
        batch = max(1, revealed // 4)
    return max(0, min(batch, n_samples - revealed))


def step_target(kinds: Sequence[str], current: int, action: str) -> int:
    """The half-step shown after pressing ``action`` at half-step ``current``.

    kinds: the kind ("start" | "E" | "M") of every half-step of a finished run. A step that is
    not possible (E-step when an M-step is due, anything forward at the end) stays put.
    """
    last = len(kinds) - 1
    current = int(np.clip(current, 0, last))
    following = kinds[current + 1] if current < last else None
    if action == "E-step":
        return current + 1 if following == "E" else current
    if action == "M-step":
        return current + 1 if following == "M" else current
    if action == "EM iteration":
        for index in range(current + 1, last + 1):
            if kinds[index] == "M":
                return index
        return last
    if action == "Run to convergence":
        return last
    if action == "Back":
        return max(current - 1, 0)
    if action == "Reset":
        return 0
    raise ValueError(f"unknown step action {action!r}; expected one of {', '.join(STEP_ACTIONS)}")


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
        limit = generative.LECTURE_MEAN_LIMIT
        return (float(np.clip(round(x, 2), -limit, limit)),
                float(np.clip(round(y, 2), -limit, limit)))
    return None


def relative_link(page_file: str, query: Mapping[str, str]) -> str:
    """The address of a page of the built-in ``pages/`` mechanism, relative to the app root."""
    from streamlit.source_util import page_icon_and_name

    _icon, name = page_icon_and_name(Path(page_file))
    return f"{name}?{urlencode(dict(query))}"


# --- the mixture specification and the URL -------------------------------------------------


def _set_spec_state(spec: MixtureSpec) -> None:
    """Put a spec into the sliders' state (before the sliders are drawn)."""
    st.session_state[K_KEY] = spec.n_components
    for component, values in enumerate(spec.components):
        for (field, _label, _step), value in zip(COMPONENT_FIELDS, values.values(), strict=True):
            st.session_state[component_key(component, field)] = float(value)


def _ensure_component_defaults(n_components: int) -> None:
    """Components that appear when K grows start at a spare layout instead of on top of another."""
    for component in range(n_components):
        spare = generative.SPARE_COMPONENTS[component]
        for (field, _label, _step), value in zip(COMPONENT_FIELDS, spare.values(), strict=True):
            st.session_state.setdefault(component_key(component, field), float(value))


def _apply_preset() -> None:
    key = st.session_state[PRESET_KEY]
    _set_spec_state(generative.PRESET_SPECS[key][1])


def read_link() -> tuple[str, ...]:
    """Apply ``spec``, ``n`` and ``seed`` from the URL when they differ from what this page last
    wrote there (a new link, not our own echo). Returns problem sentences for bad values.

    Must run before the widgets are drawn.
    """
    query = {name: st.query_params[name] for name in ("spec", "n", "seed")
             if name in st.query_params}
    defaults = generative.PRESET_SPECS[generative.DEFAULT_PRESET][1]
    st.session_state.setdefault(N_KEY, DEFAULT_N)
    st.session_state.setdefault(SEED_KEY, DEFAULT_SEED)
    if K_KEY not in st.session_state:
        st.session_state[PRESET_KEY] = generative.DEFAULT_PRESET
        _set_spec_state(defaults)
    if not query or query == st.session_state.get(WRITTEN_QUERY_KEY):
        return ()
    link = generative.read_generated_query(query, defaults, DEFAULT_N, DEFAULT_SEED)
    if "spec" in query:
        _set_spec_state(link.spec)
    if "n" in query:
        st.session_state[N_KEY] = link.n_samples
    if "seed" in query:
        st.session_state[SEED_KEY] = link.seed
    return link.problems


def write_link(spec: MixtureSpec, n_samples: int, seed: int) -> None:
    """Keep the URL equal to the mixture on screen, so a bookmark reopens this very sample."""
    query = {"spec": generative.encode_spec(spec), "n": str(n_samples), "seed": str(seed)}
    st.session_state[WRITTEN_QUERY_KEY] = query
    for name, value in query.items():
        if st.query_params.get(name) != value:
            st.query_params[name] = value


def mixture_controls() -> MixtureSpec:
    """K, a preset and per-component sliders; returns the mixture they describe."""
    st.selectbox(
        "Start from a preset mixture",
        options=list(generative.PRESET_SPECS),
        format_func=lambda key: generative.PRESET_SPECS[key][0],
        key=PRESET_KEY,
        on_change=_apply_preset,
        help="Loads the preset into the sliders below; then change anything you like.",
    )
    n_components = st.slider("Number of components K", 1, generative.MAX_COMPONENTS, key=K_KEY)
    _ensure_component_defaults(n_components)
    tabs = st.tabs([f"Component {k + 1}" for k in range(n_components)])
    rows = []
    for component, tab in enumerate(tabs):
        with tab:
            st.markdown(
                f"<span style='color:{component_hex(component)}; font-size:1.4em'>●</span> "
                f"component {component + 1}", unsafe_allow_html=True,
            )
            row = []
            columns = st.columns(2)
            for position, (field, label, step) in enumerate(COMPONENT_FIELDS):
                low, high = FIELD_RANGES[field]
                with columns[position % 2]:
                    row.append(st.slider(label, float(low), float(high), step=step,
                                         key=component_key(component, field)))
            rows.append(row)
    try:
        spec = generative.spec_from_rows(rows)
    except ValueError as problem:
        # Only reachable if the sliders and the spec's bounds ever disagree.
        st.error(f"This mixture cannot be used: {problem}. Load a preset to start again.")
        spec = generative.PRESET_SPECS[generative.DEFAULT_PRESET][1]
    weights = ", ".join(f"φ{k + 1} = {w:.2f}" for k, w in enumerate(spec.weights))
    st.caption(f"The weights, normalised to sum to 1: {weights}.")
    return spec


def sample_controls() -> tuple[int, int]:
    """The sample size and the seed of the random draws; returns (n, seed)."""
    left, right = st.columns(2)
    with left:
        n_samples = st.number_input(
            "Points to draw n", min_value=generative.SAMPLE_MIN,
            max_value=generative.SAMPLE_MAX, step=50, key=N_KEY,
        )
    with right:
        seed = st.number_input(
            "Random seed", min_value=0, max_value=generative.SEED_MAX, step=1, key=SEED_KEY,
            help="The same mixture, n and seed always give the same points.",
        )
    return int(n_samples), int(seed)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_sample(encoded_spec: str, n_samples: int, seed: int) -> Dataset:
    return generative.sample_spec(generative.decode_spec(encoded_spec), n_samples, seed)


# --- the generative story ------------------------------------------------------------------------


def _reveal(count: int | None) -> None:
    """Button callback: reveal ``count`` more points (None: all of them)."""
    n_samples = st.session_state[N_KEY]
    revealed = st.session_state.get(REVEALED_KEY, 0)
    st.session_state[REVEALED_KEY] = n_samples if count is None else min(revealed + count,
                                                                          n_samples)


def _set_playing(playing: bool) -> None:
    st.session_state[PLAYING_KEY] = playing


def _start_over() -> None:
    st.session_state[REVEALED_KEY] = 0
    st.session_state[PLAYING_KEY] = False


def sampling_story(spec: MixtureSpec, dataset: Dataset, style: FigureStyle) -> None:
    """Buttons that draw the sample progressively (or play it), the figure and the die.

    Runs as a fragment: a click here redraws only this block; while playing it ticks every
    PLAY_INTERVAL_S seconds, revealing ``play_batch`` more points each time.
    """
    st.session_state.setdefault(REVEALED_KEY, 0)
    st.session_state.setdefault(PLAYING_KEY, False)
    st.session_state.setdefault(HIDE_KEY, False)
    playing = st.session_state[PLAYING_KEY]

    @st.fragment(run_every=PLAY_INTERVAL_S if playing else None)
    def story() -> None:
        if st.session_state[PLAYING_KEY] != playing:
            # Play or Pause was pressed in here: only a full run can start or stop the timer.
            st.rerun()
        n_samples = len(dataset.X)
        revealed = min(st.session_state[REVEALED_KEY], n_samples)
        if playing:
            revealed += play_batch(revealed, n_samples)
        st.session_state[REVEALED_KEY] = revealed
        if playing and revealed >= n_samples:
            # All drawn: stop, and let a full run drop the timer.
            st.session_state[PLAYING_KEY] = False
            st.rerun()
        complete = revealed >= n_samples
        columns = st.columns(6)
        for column, (label, count) in zip(columns, DRAW_BUTTONS, strict=False):
            with column:
                st.button(label, on_click=_reveal, args=(count,), disabled=complete,
                          width="stretch")
        with columns[3]:
            st.button("Draw all", on_click=_reveal, args=(None,), disabled=complete,
                      width="stretch")
        with columns[4]:
            if playing:
                st.button("Pause", type="primary", on_click=_set_playing, args=(False,),
                          width="stretch")
            else:
                st.button("Play", disabled=complete, on_click=_set_playing, args=(True,),
                          width="stretch",
                          help="Draw the points by themselves: one at a time, then faster.")
        with columns[5]:
            st.button("Start over", on_click=_start_over, disabled=revealed == 0,
                      width="stretch")
        hide = st.toggle("Hide the colours (this is all EM sees)", key=HIDE_KEY,
                         help="Show the points as EM receives them: without their z.")
        figure_column, die_column = st.columns([3, 2])
        with figure_column:
            st.plotly_chart(
                sampling_figure(dataset.X, dataset.labels, revealed, spec.to_params(), style,
                                hide_colours=hide),
                width="stretch",
            )
        with die_column:
            drawn = dataset.labels[:revealed]
            if revealed:
                newest = int(drawn[-1])
                if hide:
                    st.markdown(f"**Draw {revealed}.** Its component is hidden: EM only sees "
                                f"the point x({revealed}).")
                else:
                    st.markdown(
                        f"**Draw {revealed}:** the die gave z({revealed}) = {newest + 1} "
                        f"(probability φ{newest + 1} = {spec.weights[newest]:.2f}); then "
                        f"x({revealed}) was drawn from N(μ{newest + 1}, Σ{newest + 1}), the "
                        "ringed point."
                    )
            else:
                st.markdown("**No points yet.** Press *Draw 1*: first the die picks a "
                            "component z, then the point is drawn from that Gaussian.")
            if hide:
                st.info("The colours (the z's) are hidden. EM must find the components from "
                        "the positions alone.")
            else:
                st.plotly_chart(draw_counts_figure(spec.weights, drawn, style),
                                width="stretch")

    story()


def stepper_link(spec: MixtureSpec, n_samples: int, seed: int) -> None:
    """The one-click hand-off of this very sample to the 2-D EM stepper."""
    query = generative.stepper_query(spec, n_samples, seed)
    label = f"Fit these {n_samples} points with EM in 2-D (K = {spec.n_components})"
    link = relative_link(generative.STEPPER_PAGE, query)
    try:
        st.page_link(generative.STEPPER_PAGE, label=label, icon=":material/arrow_forward:",
                     query_params=query)
    except StreamlitPageNotFoundError:
        # Streamlit resolves page files from the entry point's folder: when this page runs as
        # its own script (AppTest, or `streamlit run pages/...`), a plain relative link works.
        st.markdown(f"[{label} →]({link})")
    st.caption("The stepper rebuilds exactly the same points from the link (mixture, n and "
               "seed), hides their colours and starts EM with K = "
               f"{spec.n_components}. The link, to copy into notes or slides:")
    # The current page's address, when known, turns the relative link into one to share.
    st.code(urljoin(st.context.url, link) if st.context.url else link, language=None,
            wrap_lines=True)


# --- the posterior at a point ---------------------------------------------------------------------


def posterior_explorer(spec: MixtureSpec, dataset: Dataset, style: FigureStyle) -> None:
    """Pick a point x; see phi_k N(x | mu_k, Sigma_k) for every k and the posterior P(z = k | x)."""
    params = spec.to_params()
    st.session_state.setdefault(PROBE_X_KEY, 0.0)
    st.session_state.setdefault(PROBE_Y_KEY, 0.0)
    figure_column, numbers_column = st.columns([3, 2])
    with numbers_column:
        left, right = st.columns(2)
        limit = 2 * generative.MEAN_LIMIT
        with left:
            probe_x = st.number_input("point x: first coordinate", -limit, limit, step=0.5,
                                      key=PROBE_X_KEY)
        with right:
            probe_y = st.number_input("point x: second coordinate", -limit, limit, step=0.5,
                                      key=PROBE_Y_KEY)
        probe = np.array([[probe_x, probe_y]])
        joint = np.exp(weighted_log_densities(probe, params)[0])
        posterior = e_step(probe, params)[0][0]
        table = pd.DataFrame({
            "component k": [k + 1 for k in range(params.n_components)],
            "φₖ": params.weights,
            "φₖ N(x; μₖ, Σₖ)": joint,
            "P(z = k | x)": posterior,
        })
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={"φₖ N(x; μₖ, Σₖ)": st.column_config.NumberColumn(
                         format="%.3e")})
        st.plotly_chart(membership_bar_figure(posterior, style, title="P(z = k | x)"),
                        width="stretch")
    with figure_column:
        st.markdown("**The mixture you set, its sample in grey, and your point ★**")
        st.plotly_chart(mixture_figure_2d(dataset.X, params, None, style,
                                          probe=(probe_x, probe_y)),
                        width="stretch")


# --- labels known: the closed-form estimates ------------------------------------------------------


def _format_vector(vector: np.ndarray) -> str:
    return "(" + ", ".join(f"{value:.2f}" for value in vector) + ")"


def _format_matrix(matrix: np.ndarray) -> str:
    return "[" + "; ".join(" ".join(f"{value:.2f}" for value in row) for row in matrix) + "]"


def supervised_comparison(spec: MixtureSpec, dataset: Dataset, style: FigureStyle) -> None:
    """The estimates from the labelled sample next to the values set on the sliders."""
    params = spec.to_params()
    estimates = generative.supervised_estimates(dataset.X, dataset.labels, spec.n_components)
    st.plotly_chart(supervised_figure(dataset.X, dataset.labels, estimates, params, style),
                    width="stretch")
    rows = []
    for k in range(spec.n_components):
        present = bool(estimates.present[k])
        rows.append({
            "component": k + 1,
            "points nₖ": int(estimates.counts[k]),
            "φ set": f"{params.weights[k]:.3f}",
            "φ̂ estimated": f"{estimates.weights[k]:.3f}",
            "μ set": _format_vector(params.means[k]),
            "μ̂ estimated": _format_vector(estimates.means[k]) if present else "no points",
            "Σ set": _format_matrix(params.covariances[k]),
            "Σ̂ estimated": _format_matrix(estimates.covariances[k]) if present else "no points",
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    missing = [str(k + 1) for k in np.flatnonzero(~estimates.present)]
    if missing:
        st.warning(f"Component(s) {', '.join(missing)} produced no point in this sample, so "
                   "there is nothing to estimate their mean and covariance from. Draw more "
                   "points (raise n) or raise their weight.")


# --- labels unknown: the means-only surface -------------------------------------------------------


@st.cache_data(max_entries=16, show_spinner="Computing the log-likelihood surface…")
def cached_surface(separation: float, n_samples: int, seed: int):
    """(X (n, 1), grid (G,), surface (G, G), maxima (2, 2)) of the lecture's example."""
    X = generative.means_only_data(separation, n_samples, seed)
    grid = generative.surface_grid(X, generative.surface_resolution(n_samples))
    return X, grid, generative.means_only_surface(X, grid), generative.means_only_maxima(X)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_path(separation: float, n_samples: int, seed: int, mu1: float, mu2: float):
    X = generative.means_only_data(separation, n_samples, seed)
    return generative.means_only_path(X, mu1, mu2)


def _take_clicked_start() -> None:
    """Chart callback: a click on the surface becomes EM's start."""
    state = st.session_state.get(SURFACE_CHART_KEY)
    selection = state.get("selection") if state else None
    start = start_from_selection(selection)
    if start is not None:
        st.session_state[START_KEYS[0]], st.session_state[START_KEYS[1]] = start


def _step(action: str, kinds: tuple[str, ...]) -> None:
    st.session_state[SURFACE_STEP_KEY] = step_target(
        kinds, st.session_state.get(SURFACE_STEP_KEY, 0), action
    )


def lecture_data_controls() -> tuple[float, int, int]:
    """Separation of the two true means, n and seed of the 1-D data: (separation, n, seed)."""
    st.session_state.setdefault(SEPARATION_KEY, DEFAULT_SEPARATION)
    st.session_state.setdefault(LECTURE_N_KEY, DEFAULT_LECTURE_N)
    st.session_state.setdefault(LECTURE_SEED_KEY, DEFAULT_SEED)
    separation = st.slider(
        "Distance between the true means", generative.SEPARATION_MIN,
        generative.SEPARATION_MAX, step=0.5, key=SEPARATION_KEY,
        help="The data are drawn from ½ N(−d/2, 1) + ½ N(d/2, 1).",
    )
    left, right = st.columns(2)
    with left:
        n_samples = st.number_input("Points n", generative.LECTURE_SAMPLES_MIN,
                                    generative.LECTURE_SAMPLES_MAX, step=50, key=LECTURE_N_KEY)
    with right:
        seed = st.number_input("Seed of the 1-D data", 0, generative.SEED_MAX, step=1,
                               key=LECTURE_SEED_KEY)
    return float(separation), int(n_samples), int(seed)


def start_controls() -> tuple[float, float]:
    """EM's starting means, typed or clicked on the surface: (mu_1, mu_2)."""
    for key, value in zip(START_KEYS, DEFAULT_START, strict=True):
        st.session_state.setdefault(key, value)
    limit = generative.LECTURE_MEAN_LIMIT
    left, right = st.columns(2)
    with left:
        mu1 = st.number_input("start μ₁", -limit, limit, step=0.25, key=START_KEYS[0])
    with right:
        mu2 = st.number_input("start μ₂", -limit, limit, step=0.25, key=START_KEYS[1])
    return float(mu1), float(mu2)


def means_only_explorer(style: FigureStyle) -> None:
    """The surface with EM's path, the step buttons, the 1-D view and the log-likelihood chart."""
    surface_column, controls_column = st.columns([3, 2])
    with controls_column:
        separation, n_samples, seed = lecture_data_controls()
        st.markdown("**EM's start** (type it, or click a spot on the surface)")
        mu1, mu2 = start_controls()
    X, grid, surface, maxima = cached_surface(separation, n_samples, seed)
    path = cached_path(separation, n_samples, seed, mu1, mu2)
    run_key = (separation, n_samples, seed, mu1, mu2)
    if st.session_state.get(SURFACE_RUN_KEY) != run_key:
        st.session_state[SURFACE_RUN_KEY] = run_key
        st.session_state[SURFACE_STEP_KEY] = 0
    current = int(np.clip(st.session_state.get(SURFACE_STEP_KEY, 0), 0, len(path) - 1))
    last = len(path) - 1
    following = path.kinds[current + 1] if current < last else None
    with controls_column:
        rows = (STEP_ACTIONS[0:2], STEP_ACTIONS[2:4], STEP_ACTIONS[4:6])
        for row in rows:
            for column, action in zip(st.columns(len(row)), row, strict=True):
                with column:
                    disabled = {
                        "E-step": following != "E",
                        "M-step": following != "M",
                        "EM iteration": current >= last,
                        "Run to convergence": current >= last,
                        "Back": current == 0,
                        "Reset": current == 0,
                    }[action]
                    st.button(action, key=f"model_surface_{action}", on_click=_step,
                              args=(action, path.kinds), disabled=disabled, width="stretch")
        now = path.means[current]
        kind_names = {"start": "the start", "E": "an E-step", "M": "an M-step"}
        st.markdown(
            f"Half-step **{current}** of {last} ({kind_names[path.kinds[current]]}): "
            f"μ₁ = {now[0]:.3f}, μ₂ = {now[1]:.3f}, log-likelihood "
            f"{path.log_likelihoods[current]:.3f}."
        )
        if current == last:
            on_mirror = abs(now[0] - now[1]) < 1e-6
            where = (
                "on the mirror line: from there both components stay identical"
                if on_mirror else
                f"a maximum. Its mirror image (μ₁ = {now[1]:.3f}, μ₂ = {now[0]:.3f}) has "
                "exactly the same log-likelihood: started on the other side of the dotted "
                "line, EM would have found that one"
            )
            st.success(f"EM has converged after {last // 2} iterations at μ₁ = {now[0]:.3f}, "
                       f"μ₂ = {now[1]:.3f}, {where}.")
        if abs(mu1 - mu2) < 1e-12:
            st.warning("The start has μ₁ = μ₂: both components are identical, get identical "
                       "responsibilities (½ each), and stay identical forever. EM is stuck on "
                       "the mirror line, at a saddle point. Move one start value.")
    with surface_column:
        st.plotly_chart(
            surface_figure(grid, surface, path.means, current, maxima, style,
                           n_samples=n_samples),
            key=SURFACE_CHART_KEY, on_select=_take_clicked_start, selection_mode="points",
            width="stretch",
        )
    params = path.shown_params(current)
    responsibilities = path.responsibilities_at(X, current)
    data_column, curve_column = st.columns(2)
    with data_column:
        st.markdown("**The data and the two components at this half-step** (the rug is "
                    "coloured by the responsibilities of the last E-step)")
        st.plotly_chart(mixture_figure_1d(X, params, responsibilities, style),
                        width="stretch")
    with curve_column:
        st.markdown("**The log-likelihood at every half-step so far**")
        st.plotly_chart(
            log_likelihood_figure(path.log_likelihoods[: current + 1],
                                  path.kinds[: current + 1], current, style,
                                  status="converged" if current == last else "running"),
            width="stretch",
        )
        with st.expander("Every half-step in numbers"):
            st.dataframe(pd.DataFrame(path_to_table(path.means, path.kinds,
                                                    path.log_likelihoods)),
                         hide_index=True, width="stretch")
