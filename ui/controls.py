"""The Streamlit widget blocks shared by the EM stepper pages (and reusable by others).

- ``stepper_page(n_features)``: what a 1-D or 2-D page accepts (data sets, session keys).
- ``sidebar(page)``: data picker, model controls, display options and lesson buttons; on the
  first run of a session it loads the settings from the URL (a deep link).
- ``current_run(page, setup)``: the shared EM run for those settings.
- ``stepping_bar(page, run)``: E-step, M-step, EM iteration, Run to convergence, Back, Reset,
  Play/Pause with a speed control and keyboard shortcuts, and a slider over the history.
- ``stepper_fragment``: the stepping bar and the view of the half-step, rerun on their own by
  a click or a Play tick.
- ``link_box``: keeps the address bar in sync and shows the link to copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gmm_core import datasets, generative
from gmm_core.initialisation import INIT_DESCRIPTIONS
from ui import links, state
from ui.links import LinkSpec, ViewSettings
from ui.stepper.means_picker import means_picker

DEFAULT_DATASETS = {1: "tutorial-1d", 2: "tutorial-2d"}
BLOB_DATASETS = {1: "blobs-1d", 2: "blobs"}
CSV = "csv"

# Half-steps per second offered for Play.
PLAY_SPEEDS = (0.5, 1.0, 2.0, 4.0)

SHORTCUTS = {
    "next": "Right",
    "back": "Left",
    "iterate": "I",
    "converge": "End",
    "reset": "Home",
    "play": "P",
}


@dataclass(frozen=True)
class StepperPage:
    """One stepper page: its dimension, the deep-link rules and its session-state keys."""

    n_features: int
    spec: LinkSpec
    keys: state.SessionKeys

    def key(self, name: str) -> str:
        return self.keys.widget(name)


def stepper_page(n_features: int) -> StepperPage:
    """The description of the 1-D (n_features=1) or 2-D (n_features=2) stepper page."""
    presets = {key: info for key, info in datasets.PRESETS.items()
               if info.n_features == n_features}
    spec = LinkSpec(
        n_features=n_features,
        dataset_keys=tuple(presets),
        default_dataset=DEFAULT_DATASETS[n_features],
        blob_dataset=BLOB_DATASETS[n_features],
        column_choices={key: info.column_choices for key, info in presets.items()
                        if info.column_choices},
        generated_dataset=generative.GENERATED_DATASET if n_features == 2 else None,
    )
    return StepperPage(n_features, spec, state.SessionKeys(f"em{n_features}d"))


@dataclass(frozen=True)
class LoadedData:
    """The data on screen. X: (N, D) float64, read-only; labels: (N,) true labels or None."""

    X: np.ndarray
    labels: np.ndarray | None
    name: str
    feature_names: tuple[str, ...]
    notices: tuple[str, ...]
    digest: str


@dataclass(frozen=True)
class DisplayOptions:
    presentation: bool = False
    hard_labels: bool = False
    show_density: bool = False


@dataclass(frozen=True)
class Setup:
    """What the sidebar decided: the settings, the data and how to draw them."""

    settings: ViewSettings
    data: LoadedData
    display: DisplayOptions


# --- deep links -> widget state ---------------------------------------------------------------


def _means_text(means) -> str:
    if not means:
        return ""
    return "; ".join(", ".join(repr(float(v)) for v in mean) for mean in means)


def _columns_key(page: StepperPage, dataset: str) -> str:
    return page.key(f"columns.{dataset}")


def _widget_values(settings: ViewSettings) -> dict[str, object]:
    """The settings as the sidebar widgets hold them (text for reg, tol and means)."""
    return {
        "dataset": settings.dataset, "n": settings.n, "centres": settings.centres,
        "spread": settings.spread, "stretch": settings.stretch, "data_seed": settings.data_seed,
        "mixture": settings.mixture or "",
        "standardise": settings.standardise, "k": settings.k, "cov": settings.cov,
        "init": settings.init, "means": _means_text(settings.means), "seed": settings.seed,
        "reg": repr(settings.reg), "tol": repr(settings.tol), "max_iter": settings.max_iter,
    }


def write_settings(page: StepperPage, settings: ViewSettings) -> None:
    """Put ``settings`` into the widgets' session state (before the widgets are drawn).

    Used for a deep link on the first run and by lesson buttons (from their callbacks).
    """
    for name, value in _widget_values(settings).items():
        st.session_state[page.key(name)] = value
    if settings.columns and settings.dataset in page.spec.column_choices:
        st.session_state[_columns_key(page, settings.dataset)] = list(settings.columns)


def start_session(page: StepperPage) -> None:
    """On a session's first visit to the page, load its settings from the query string."""
    keys = page.keys
    if st.session_state.get(keys.ready):
        return
    settings, problems = links.parse_query(st.query_params.to_dict(), page.spec,
                                           means_picker=True)
    write_settings(page, settings)
    state.request_index(keys, settings.step, announce=True)
    st.session_state[keys.link_problems] = (problems, replace(settings, step=0))
    st.session_state[keys.ready] = True


def show_link_problems(page: StepperPage, settings: ViewSettings) -> None:
    """Report what was wrong with the link, as long as the view is still the link's view."""
    problems, link_settings = st.session_state.get(page.keys.link_problems, ((), None))
    # Columns left out of a link are filled in by the picker: they do not count as a change.
    if problems and link_settings is not None and (
            replace(settings, step=0, columns=None) == replace(link_settings, columns=None)):
        st.warning("Some values in this link could not be used:\n"
                   + "\n".join(f"- {problem}" for problem in problems))


# --- the data picker --------------------------------------------------------------------------


def _standardised(X: np.ndarray, notices: list[str]) -> np.ndarray:
    spread = X.std(axis=0)
    if np.any(spread == 0):
        notices.append("A column is constant, so the data was not standardised.")
        return X
    return (X - X.mean(axis=0)) / spread


def _freeze(X, labels, name, feature_names, notices, standardise) -> LoadedData:
    notices = list(notices)
    X = np.array(X, dtype=np.float64)
    if standardise:
        X = _standardised(X, notices)
    X.flags.writeable = False
    return LoadedData(X, None if labels is None else np.asarray(labels), name,
                      tuple(feature_names), tuple(notices), state.data_digest(X))


@st.cache_resource(show_spinner=False, max_entries=24)
def load_dataset(key: str, n_features: int, n: int, centres: int, spread: float,
                 stretch: float, data_seed: int, columns: tuple[str, ...] | None,
                 standardise: bool, mixture: str | None = None) -> LoadedData:
    """A preset (the blob generator, or a sample of ``mixture``) as read-only LoadedData,
    shared across sessions.

    Raises ValueError with a message for the user (e.g. more blobs than points).
    """
    if key == generative.GENERATED_DATASET:
        dataset = generative.sample_spec(generative.decode_spec(mixture or ""), n, data_seed)
    elif key == BLOB_DATASETS[n_features]:
        dataset = datasets.make_blobs(n, centres, n_features, spread=spread,
                                      stretch=stretch if n_features > 1 else 1.0,
                                      seed=data_seed)
    else:
        dataset = datasets.load_preset(key, columns=columns)
    return _freeze(dataset.X, dataset.labels, dataset.name, dataset.feature_names,
                   dataset.notices, standardise)


@st.cache_resource(show_spinner=False, max_entries=8)
def check_csv(raw: bytes, n_components: int, n_features: int,
              columns: tuple[str, ...] | None):
    """``datasets.validate_csv`` for this page's dimension, cached on the file's bytes."""
    return datasets.validate_csv(raw, n_components=n_components, max_columns=n_features,
                                 min_columns=n_features, columns=columns)


def _dataset_title(page: StepperPage, key: str) -> str:
    if key == CSV:
        return "Upload a CSV file…"
    if key == generative.GENERATED_DATASET:
        return "Sampled on The mixture model page"
    return datasets.PRESETS[key].title


def _blob_controls(page: StepperPage) -> None:
    st.number_input("Number of points n", links.N_MIN, links.N_MAX, step=100,
                    key=page.key("n"), persist_state="session",
                    help="Up to 100,000 points; large n shows how EM scales.")
    st.number_input("Number of blobs", links.K_MIN, links.K_MAX, step=1,
                    key=page.key("centres"), persist_state="session",
                    help="How many clusters the generator draws (the model's K is separate).")
    st.number_input("Spread (cluster standard deviation)", links.SPREAD_MIN, links.SPREAD_MAX,
                    step=0.1, key=page.key("spread"), persist_state="session")
    if page.n_features > 1:
        st.number_input("Stretch (1 = round clusters)", links.STRETCH_MIN, links.STRETCH_MAX,
                        step=0.5, key=page.key("stretch"), persist_state="session")
    st.number_input("Data seed", 0, links.SEED_MAX, step=1, key=page.key("data_seed"),
                    persist_state="session", help="Draws a different data set.")


def _column_controls(page: StepperPage, dataset: str) -> tuple[str, ...] | None:
    info = datasets.PRESETS[dataset]
    key = _columns_key(page, dataset)
    if key not in st.session_state:
        st.session_state[key] = list(info.default_columns)
    chosen = st.multiselect("Columns to show (pick two)", info.column_choices,
                            max_selections=page.n_features, key=key, persist_state="session")
    if len(chosen) != page.n_features:
        st.info(f"Pick {page.n_features} columns; showing the default ones until then.")
        return None
    return tuple(chosen)


def _csv_data(page: StepperPage, n_components: int, standardise: bool) -> LoadedData | None:
    wanted = "one numeric column" if page.n_features == 1 else "two numeric columns"
    upload = st.file_uploader(f"CSV file ({wanted}, a header row)", type=["csv", "txt"],
                              key=page.key("csv_file"))
    if upload is None:
        st.info(f"Choose a CSV file with {wanted}. It stays in this browser session.")
        return None
    raw = upload.getvalue()
    result = check_csv(raw, n_components, page.n_features, None)
    if result.needs_column_choice:
        key = page.key(f"csv_columns.{state.data_digest(np.frombuffer(raw, np.uint8))[:8]}")
        chosen = st.multiselect(f"The file has {len(result.column_names)} numeric columns: "
                                f"pick {page.n_features}", result.column_names,
                                max_selections=page.n_features, key=key)
        if len(chosen) != page.n_features:
            st.info(f"Pick {page.n_features} column(s) to continue.")
            return None
        result = check_csv(raw, n_components, page.n_features, tuple(chosen))
    for problem in result.problems:
        st.error(problem)
    for notice in result.notices:
        st.info(notice)
    if result.X is None:
        return None
    names = result.feature_names or tuple(f"x{d + 1}" for d in range(page.n_features))
    return _freeze(result.X, None, upload.name, names, (), standardise)


def _generator_arguments(page: StepperPage) -> tuple[int, int, float, float, int]:
    """(n, centres, spread, stretch, data seed) of the blob generator, from its widgets."""
    value = st.session_state.get
    return (int(value(page.key("n"))), int(value(page.key("centres"))),
            float(value(page.key("spread"))), float(value(page.key("stretch"))),
            int(value(page.key("data_seed"))))


def data_picker(page: StepperPage, n_components: int) -> LoadedData | None:
    """The data section of the sidebar; returns the data or None (with the reason shown)."""
    mixture = st.session_state.get(page.key("mixture")) or None
    # Data sampled on The mixture model page arrives by link; it is offered only then.
    generated = [page.spec.generated_dataset] if mixture and page.spec.generated_dataset else []
    options = [*page.spec.dataset_keys, *generated, CSV]
    dataset = st.selectbox("Data set", options, key=page.key("dataset"),
                           format_func=lambda key: _dataset_title(page, key),
                           persist_state="session")
    if dataset == generative.GENERATED_DATASET:
        st.caption(f"{st.session_state[page.key('n')]} points drawn from the mixture set on "
                   "The mixture model page; EM sees them without their colours.")
    elif dataset != CSV:
        st.caption(datasets.PRESETS[dataset].description)
    columns = None
    if dataset == page.spec.blob_dataset:
        _blob_controls(page)
    elif dataset in page.spec.column_choices:
        columns = _column_controls(page, dataset)
    standardise = st.toggle("Standardise (zero mean, unit variance per column)",
                            key=page.key("standardise"), persist_state="session")
    if dataset == CSV:
        return _csv_data(page, n_components, standardise)
    if dataset == page.spec.blob_dataset:
        generator = _generator_arguments(page)
    elif dataset == generative.GENERATED_DATASET:
        n, *_, data_seed = _generator_arguments(page)
        generator = (n, 0, 0.0, 0.0, data_seed)
    else:
        generator = (0, 0, 0.0, 0.0, 0)
        mixture = None
    try:
        data = load_dataset(dataset, page.n_features, *generator, columns, bool(standardise),
                            mixture)
    except ValueError as error:
        st.error(f"This data set cannot be made: {error}")
        return None
    for notice in data.notices:
        st.caption(notice)
    return data


# --- the model controls -----------------------------------------------------------------------


def _parse_number_text(label: str, text: str, low: float, high: float, default: float, *,
                       low_inclusive: bool = True) -> float:
    value, problem = links.parse_float(label, str(text), low, high, default,
                                        low_inclusive=low_inclusive)
    if problem:
        st.error(problem)
    return value


def _cov_label(page: StepperPage, cov: str) -> str:
    if page.n_features == 1:
        return links.COVARIANCE_LABELS_1D[cov]
    return {"full": "full (any ellipse)", "tied": "tied (one shared ellipse)",
            "diag": "diag (axis-aligned ellipses)", "spherical": "spherical (circles)"}[cov]


def model_controls(page: StepperPage) -> tuple[dict, DeltaGenerator | None]:
    """The model section of the sidebar. Returns the model's ViewSettings fields as a dict
    (bad text in a field is reported next to it and replaced by the default), and, when the
    initialisation is "given-means", the place above the means text box for the means picker
    (drawn by ``sidebar`` once the data is loaded), else None."""
    key = page.key
    defaults = links.default_settings(page.spec)
    means = None
    if st.session_state.get(key("init")) == "given-means":
        means, _ = links.parse_means(str(st.session_state.get(key("means"), "")),
                                     page.n_features)
        if means is not None:
            # The hand-placed means decide K; the slider shows it.
            st.session_state[key("k")] = len(means)
    st.slider("Number of components K", links.K_MIN, links.K_MAX, key=key("k"),
              persist_state="session", disabled=means is not None,
              help="With hand-placed means, K is the number of means you typed.")
    st.selectbox("Covariance type", page.spec.covariance_types, key=key("cov"),
                 format_func=lambda cov: _cov_label(page, cov), persist_state="session")
    init = st.selectbox("Initialisation", links.INIT_METHODS, key=key("init"),
                        persist_state="session",
                        help="\n".join(f"- **{name}**: {text}"
                                       for name, text in INIT_DESCRIPTIONS.items()))
    picker_box = None
    if init == "given-means":
        picker_box = st.container()
        example = "-2; 0; 3" if page.n_features == 1 else "-2, 1; 0, 0; 3, -1"
        text = st.text_input("Initial means", key=key("means"), persist_state="session",
                             placeholder=example,
                             help=f"One mean per component, separated by ';' (e.g. {example}).")
        means, problem = links.parse_means(text, page.n_features)
        if problem:
            # No means yet is where the means picker starts, not a mistake.
            report = st.info if not text.strip() else st.error
            report(f"Initial means: {problem}. Using {defaults.init} until then.")
            init, means = defaults.init, None
    else:
        means = None
    st.number_input("Seed", 0, links.SEED_MAX, step=1, key=key("seed"), persist_state="session",
                    help="Seeds the random start; same seed, same run.")
    reg_text = st.text_input("reg_covar (added to every variance; 0 allowed)", key=key("reg"),
                             persist_state="session",
                             help="0 lets a component collapse onto a point: try the lesson.")
    reg = _parse_number_text("reg_covar", reg_text, 0.0, links.REG_MAX, defaults.reg)
    tol_text = st.text_input("Tolerance (change of log-likelihood per point)", key=key("tol"),
                             persist_state="session",
                             help="scikit-learn's default is 1e-3.")
    tol = _parse_number_text("tolerance", tol_text, links.TOL_MIN, links.TOL_MAX, defaults.tol)
    st.number_input("Maximum iterations", 1, links.MAX_ITER_MAX, step=10, key=key("max_iter"),
                    persist_state="session")
    model = {
        "k": len(means) if means is not None else int(st.session_state[key("k")]),
        "cov": st.session_state[key("cov")], "init": init, "means": means,
        "seed": int(st.session_state[key("seed")]), "reg": reg, "tol": tol,
        "max_iter": int(st.session_state[key("max_iter")]),
    }
    return model, picker_box


PRESENTATION_CSS = """<style>
[data-testid="stMainBlockContainer"] { font-size: 1.3rem; padding-top: 1.5rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding-top: 0; }
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] p { font-size: 1.3rem; }
[data-testid="stMainBlockContainer"] button p { font-size: 1.2rem; }
</style>"""


def presentation_toggle() -> bool:
    """Presentation mode (shared by every page of the session): big fonts, markers, figures.

    Besides the figures (``figure_style``), the page's own text and buttons grow too.
    """
    presentation = st.toggle("Presentation mode (for a projector)", key="presentation",
                             persist_state="session",
                             help="Enlarges fonts, markers, lines and the figure.")
    if presentation:
        st.html(PRESENTATION_CSS)
    return presentation


def display_controls(page: StepperPage) -> DisplayOptions:
    """Presentation mode, hard labels and (2-D) density contours."""
    presentation = presentation_toggle()
    hard = st.toggle("Hard labels (colour of the most responsible component)",
                     key=page.key("hard_labels"), persist_state="session")
    density = False
    if page.n_features > 1:
        density = st.toggle("Mixture density contours", key=page.key("density"),
                            persist_state="session")
    return DisplayOptions(presentation, hard, density)


def _ensure_widget_defaults(page: StepperPage) -> None:
    """Give every settings widget a value in session state (from the link or the default).

    Only missing entries are filled: the others hold the user's choices.
    """
    for name, value in _widget_values(links.default_settings(page.spec)).items():
        if page.key(name) not in st.session_state:
            st.session_state[page.key(name)] = value


def sidebar(page: StepperPage, lessons: Callable[[StepperPage], None] | None = None):
    """Data, model, display and lessons in the sidebar. Returns a Setup, or None when there is
    no usable data yet (the reason is on screen)."""
    start_session(page)
    _ensure_widget_defaults(page)
    with st.sidebar:
        st.header("Data")
        data_box = st.container()
        st.header("Model")
        model_box = st.container()
        st.header("Display")
        display = display_controls(page)
        if lessons is not None:
            st.header("Lessons")
            lessons(page)
    # The model is read first because validating a CSV needs K, but it is drawn below the data.
    with model_box:
        model, picker_box = model_controls(page)
    with data_box:
        data = data_picker(page, model["k"])
    if picker_box is not None and data is not None:
        with picker_box:
            means_picker(page, data.X)
    dataset = st.session_state[page.key("dataset")]
    settings = ViewSettings(
        dataset=dataset,
        n=int(st.session_state[page.key("n")]),
        centres=int(st.session_state[page.key("centres")]),
        spread=float(st.session_state[page.key("spread")]),
        stretch=float(st.session_state[page.key("stretch")]),
        data_seed=int(st.session_state[page.key("data_seed")]),
        mixture=(st.session_state.get(page.key("mixture")) or None
                 if dataset == generative.GENERATED_DATASET else None),
        columns=_chosen_columns(page, dataset),
        standardise=bool(st.session_state[page.key("standardise")]),
        step=state.current_index(page.keys),
        **model,
    )
    show_link_problems(page, settings)
    if data is None:
        st.info("Choose or fix the data in the sidebar to start.")
        return None
    return Setup(settings, data, display)


def _chosen_columns(page: StepperPage, dataset: str) -> tuple[str, ...] | None:
    if dataset not in page.spec.column_choices:
        return None
    chosen = st.session_state.get(_columns_key(page, dataset))
    if chosen and len(chosen) == page.n_features:
        return tuple(chosen)
    return None


def apply_settings(page: StepperPage, settings: ViewSettings, index: int) -> None:
    """A lesson button's callback: switch the page to ``settings`` at half-step ``index``."""
    request_full_rerun(page.keys)
    write_settings(page, settings)
    state.request_index(page.keys, index)
    # If the settings equal the current ones the run does not change: move the index here.
    state.set_index(page.keys, index)


# --- the run and the stepping bar -----------------------------------------------------------


def current_run(page: StepperPage, setup: Setup) -> state.SharedRun | None:
    """The shared run for the sidebar's settings; None (with the reason shown) if EM cannot
    start, e.g. K larger than the number of points."""
    spec = state.run_spec_for(setup.data.digest, setup.settings)
    run = state.shared_run(setup.data.X, spec)
    if run.error:
        st.error(f"EM cannot start with these settings: {run.error}")
        return None
    return run


# The stepping callbacks get the half-step the page showed when it drew the button (``shown``)
# and move relative to that, and Play/Pause gets the state to set: a click then means the same
# thing however often it arrives. Streamlit can deliver one click twice (a click landing
# together with a Play tick was seen sent twice under load); a toggle or a "+1" on the current
# index would then undo a Pause or take two half-steps.


def _go(keys: state.SessionKeys, run: state.SharedRun, target: int) -> None:
    last = run.extend_to(target)
    state.set_index(keys, min(target, last))


def _on_half_step(keys, run, shown: int) -> None:
    _go(keys, run, shown + 1)


def _on_iteration(keys, run, shown: int) -> None:
    _go(keys, run, shown + (1 if run.next_kind_after(shown) == "M" else 2))


def _stop_playing(keys) -> None:
    if st.session_state.get(keys.playing):
        st.session_state[keys.playing] = False
        request_full_rerun(keys)


def _on_converge(keys, run, shown: int) -> None:
    _stop_playing(keys)
    state.set_index(keys, run.run_to_convergence())


def _on_back(keys, run, shown: int) -> None:
    state.set_index(keys, shown - 1)


def _on_reset(keys, run, shown: int) -> None:
    _stop_playing(keys)
    state.set_index(keys, 0)


def _on_play(keys, play: bool) -> None:
    st.session_state[keys.playing] = play
    # The Play timer belongs to the fragment's definition: only a full run can change it.
    request_full_rerun(keys)


def _on_slider(keys, slider_key) -> None:
    state.set_index(keys, st.session_state[slider_key])


def stepping_bar(page: StepperPage, run: state.SharedRun) -> int:
    """The stepping buttons, Play/Pause with its speed and the history slider.

    Returns the index of the half-step to show. Keyboard: Right = next half-step,
    Left = Back, I = EM iteration, End = Run to convergence, Home = Reset, P = Play/Pause.
    """
    keys = page.keys
    index = state.follow_run(keys, run)
    next_kind = run.next_kind_after(index)
    playing = bool(st.session_state.get(keys.playing, False))
    arguments = (keys, run, index)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button("E-step", key=page.key("e_step"), on_click=_on_half_step, args=arguments,
                  disabled=next_kind != "E", type="primary" if next_kind == "E" else "secondary",
                  shortcut=SHORTCUTS["next"] if next_kind == "E" else None,
                  help="Recompute the responsibilities (recolour the points).")
        st.button("M-step", key=page.key("m_step"), on_click=_on_half_step, args=arguments,
                  disabled=next_kind != "M", type="primary" if next_kind == "M" else "secondary",
                  shortcut=SHORTCUTS["next"] if next_kind == "M" else None,
                  help="Re-estimate weights, means and covariances (move the components).")
        st.button("EM iteration", key=page.key("iterate"), on_click=_on_iteration,
                  args=arguments, disabled=next_kind is None, shortcut=SHORTCUTS["iterate"],
                  help="Complete the current iteration (E then M, or M after an E).")
        st.button("Run to convergence", key=page.key("converge"), on_click=_on_converge,
                  args=arguments, disabled=next_kind is None, shortcut=SHORTCUTS["converge"])
        st.button("Back", key=page.key("back"), on_click=_on_back, args=arguments,
                  disabled=index == 0, shortcut=SHORTCUTS["back"])
        st.button("Reset", key=page.key("reset"), on_click=_on_reset, args=arguments,
                  disabled=index == 0, shortcut=SHORTCUTS["reset"])
        st.button("Pause" if playing else "Play", key=page.key("play"), on_click=_on_play,
                  args=(keys, not playing), disabled=not playing and next_kind is None,
                  shortcut=SHORTCUTS["play"],
                  help="Take one half-step after another at the chosen speed.")
        speed_key = page.key("speed")
        if speed_key not in st.session_state:
            st.session_state[speed_key] = 1.0
        st.select_slider("Play speed", PLAY_SPEEDS, key=speed_key,
                         persist_state="session",
                         format_func=lambda speed: f"{speed:g} half-steps/s",
                         width=220, on_change=request_full_rerun, args=(keys,))
    last = len(run.history()) - 1
    if last > 0:
        slider_key = page.key("slider")
        st.session_state[slider_key] = index
        st.slider("Half-step (start, E, M, E, M, …)", 0, last, key=slider_key,
                  on_change=_on_slider, args=(keys, slider_key),
                  help="Drag through everything computed so far.")
    return index


def request_full_rerun(keys: state.SessionKeys) -> None:
    """From a callback inside the stepper fragment: rerun the whole page next, not only the
    fragment (the sidebar must show new settings, or the Play timer must start or stop)."""
    st.session_state[keys.full_rerun] = True


def stepper_fragment(page: StepperPage, run: state.SharedRun,
                     draw: Callable[[int], None]) -> None:
    """The stepping bar and everything that follows the half-step, as one fragment.

    A click on a stepping button (or a Play tick) reruns only this fragment: the sidebar is
    neither recomputed nor redrawn. ``draw(index)`` renders half-step ``index``. A full page
    run never advances playback; each timer tick takes one half-step, and reaching the end
    stops playing (with a full rerun so that the timer stops).
    """
    keys = page.keys
    playing = bool(st.session_state.get(keys.playing, False))
    speed = float(st.session_state.get(page.key("speed"), 1.0))
    st.session_state[keys.tick] = "page"
    # This is a full run already (e.g. a lesson button in the sidebar asked for one).
    st.session_state.pop(keys.full_rerun, None)

    @st.fragment(run_every=1.0 / speed if playing else None)
    def stepper_view():
        if st.session_state.pop(keys.full_rerun, False):
            st.rerun(scope="app")
        if st.session_state.get(keys.playing) and st.session_state.get(keys.tick) == "fragment":
            index = state.current_index(keys)
            last = run.extend_to(index + 1)
            if index + 1 > last:
                st.session_state[keys.playing] = False
                st.rerun(scope="app")
            state.set_index(keys, index + 1)
        st.session_state[keys.tick] = "fragment"
        draw(stepping_bar(page, run))

    stepper_view()


# --- the link to this view ----------------------------------------------------------------------


def link_box(page: StepperPage, settings: ViewSettings, index: int) -> None:
    """Keep the address bar equal to the view's link, and show that link to copy."""
    if settings.dataset == CSV:
        st.caption("A view of an uploaded CSV cannot be shared as a link: the file stays in "
                   "your browser session.")
        return
    query = links.to_query(replace(settings, step=index), page.spec)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    base = st.context.url or f"http://localhost:8501/{'EM_in_1-D' if page.n_features == 1 else 'EM_in_2-D'}"
    st.caption("Copy link to this view (the address bar holds the same link):")
    st.code(links.link_url(base, query), language=None, wrap_lines=True)
