"""The stepper's sidebar: data, model, display and lessons, and the deep link that fills them.

``sidebar(page, lessons)`` returns a :class:`Setup` (the settings, the data and how to draw
them) or None when there is no usable data yet (the reason is on screen);
``current_run(page, setup)`` the shared EM run of those settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gmm_core.em_run import reg_covar_warning
from gmm_core.gaussian import sigma_for_mass
from gmm_core.initialisation import INIT_DESCRIPTIONS
from ui.figures.two_d import ELLIPSE_COVERAGES, ELLIPSE_SIGMAS
from ui.kit import links, stepping, user_input
from ui.kit import view_settings as vs
from ui.kit.data_picker import (
    MESSAGE_CHARS,
    LoadedData,
    data_picker,
    data_settings,
    ensure_data_defaults,
    write_data_settings,
)
from ui.kit.display import presentation_toggle
from ui.kit.escape import untrusted_markdown
from ui.kit.run_store import RunSpec, SharedRun, run_store
from ui.kit.text import means_text
from ui.kit.view_settings import ViewSettings
from ui.rooms import panel as rooms
from ui.stepper.means_picker import means_picker
from ui.stepper.page import TRACK, StepperPage

COVARIANCE_LABELS_2D = {"full": "full (any ellipse)", "tied": "tied (one shared ellipse)",
                        "diag": "diag (axis-aligned ellipses)",
                        "spherical": "spherical (circles)"}


ELLIPSE_CHOICES = {"sigma": "1σ and 2σ", "coverage": "50 % and 95 % of the mass"}


@dataclass(frozen=True)
class DisplayOptions:
    """How to draw: presentation mode, hard labels, density contours (2-D) and the ellipses'
    Mahalanobis radii (2-D)."""

    presentation: bool = False
    hard_labels: bool = False
    show_density: bool = False
    ellipse_sigmas: tuple[float, ...] = ELLIPSE_SIGMAS


@dataclass(frozen=True)
class Setup:
    """What the sidebar decided: the settings, the data and how to draw them."""

    settings: ViewSettings
    data: LoadedData
    display: DisplayOptions


# --- settings <-> widgets -----------------------------------------------------------------------


def write_settings(page: StepperPage, settings: ViewSettings) -> None:
    """Put ``settings`` into the widgets (before they are drawn): a link, a lesson button."""
    state = page.state
    write_data_settings(state, page.spec, settings)
    state.k, state.cov, state.init = settings.k, settings.cov, settings.init
    state.means = means_text(settings.means or ())
    state.seed, state.max_iter = settings.seed, settings.max_iter
    state.reg, state.tol = repr(settings.reg), repr(settings.tol)


def _apply_link(page: StepperPage, query: dict[str, str]) -> tuple[str, ...]:
    rooms.note_join_link(page.state, query)  # a join link's room= is joined by room_panel
    settings, problems = vs.parse_query(query, page.spec, means_picker=True)
    write_settings(page, settings)
    stepping.request_position(page.state, settings.step, announce=True)
    return problems


def _apply_room_view(page: StepperPage, query: dict[str, str]) -> tuple[str, ...]:
    """Show a room's view: its settings read as a link's, at its half-step. When the settings
    are those on screen the run stays the same, so the half-step is moved to directly."""
    state = page.state
    settings, problems = vs.parse_query(query, page.spec, means_picker=True)
    same_run = (state.shown_query is not None
                and _settings_part(state.shown_query) == _settings_part(query))
    write_settings(page, settings)
    if same_run:
        stepping.move_to(state, TRACK, settings.step)
    else:
        stepping.request_position(state, settings.step, announce=True)
    return problems


def _settings_part(query: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in query.items() if name not in ("step", "room")}


def apply_settings(page: StepperPage, settings: ViewSettings, index: int) -> None:
    """A lesson button's callback: switch the page to ``settings`` at half-step ``index``."""
    stepping.request_full_rerun(page.state)
    write_settings(page, settings)
    stepping.request_position(page.state, index)
    # If the settings equal the current ones the run does not change: move the index here.
    stepping.move_to(page.state, TRACK, index)


def _ensure_widget_defaults(page: StepperPage) -> None:
    """Give every settings widget a value (the default view) unless it has one already."""
    ensure_data_defaults(page.state, page.spec)
    page.state.set_default("ellipses", "sigma")
    defaults = page.settings_defaults()
    for name, value in (("k", defaults.k), ("cov", defaults.cov), ("init", defaults.init),
                        ("means", ""), ("seed", defaults.seed), ("reg", repr(defaults.reg)),
                        ("tol", repr(defaults.tol)), ("max_iter", defaults.max_iter)):
        page.state.set_default(name, value)


# --- the model ----------------------------------------------------------------------------------


def _number_text(label: str, text: str, low: float, high: float, default: float) -> float:
    """A number typed in a text box (Unicode minus and decimal commas accepted), or the default
    with the problem shown next to the box."""
    value, problem = user_input.parse_float(text, low=low, high=high)
    if problem:
        st.error(f"{label}: {problem} Using {default:g}.")
        return default
    return value


def _cov_label(page: StepperPage, cov: str) -> str:
    if page.n_features == 1:
        return vs.COVARIANCE_LABELS_1D[cov]
    return COVARIANCE_LABELS_2D[cov]


def model_controls(page: StepperPage) -> tuple[dict, DeltaGenerator | None]:
    """The model section. Returns the model's ViewSettings fields (bad text in a field is
    reported next to it and replaced by the default), and with "given-means" the place above
    the means text box for the means picker (drawn once the data is loaded), else None."""
    state, defaults = page.state, page.settings_defaults()
    means = None
    if state.init == "given-means":
        means, _ = vs.parse_means(state.means, page.n_features)
        if means is not None:
            # The hand-placed means decide K; the slider shows it.
            state.k = len(means)
    st.slider("Number of components K", vs.K_MIN, vs.K_MAX, key=state.key("k"),
              persist_state="session", disabled=means is not None,
              help="With hand-placed means, K is the number of means you typed.")
    st.selectbox("Covariance type", page.spec.covariance_types, key=state.key("cov"),
                 format_func=lambda cov: _cov_label(page, cov), persist_state="session")
    init = st.selectbox("Initialisation", vs.INIT_METHODS, key=state.key("init"),
                        persist_state="session",
                        help="\n".join(f"- **{name}**: {text}"
                                       for name, text in INIT_DESCRIPTIONS.items()))
    picker_box = None
    if init == "given-means":
        picker_box = st.container()
        example = "-2; 0; 3" if page.n_features == 1 else "-2, 1; 0, 0; 3, -1"
        text = st.text_input("Initial means", key=state.key("means"), persist_state="session",
                             placeholder=example,
                             help=f"One mean per component, separated by ';' (e.g. {example}).")
        means, problem = vs.parse_means(text, page.n_features)
        if problem:
            # No means yet is where the means picker starts, not a mistake.
            report = st.info if not text.strip() else st.error
            report(f"Initial means: {untrusted_markdown(problem)}. "
                   f"Using {defaults.init} until then.")
            init, means = defaults.init, None
    else:
        means = None
    st.number_input("Seed", 0, vs.SEED_MAX, step=1, key=state.key("seed"),
                    persist_state="session", help="Seeds the random start; same seed, same run.")
    reg_text = st.text_input("reg_covar (added to every variance; 0 allowed)",
                             key=state.key("reg"), persist_state="session",
                             help="0 lets a component collapse onto a point: try the lesson.")
    reg = _number_text("reg_covar", reg_text, 0.0, vs.REG_MAX, defaults.reg)
    tol_text = st.text_input("Tolerance (change of log-likelihood per point)",
                             key=state.key("tol"), persist_state="session",
                             help="scikit-learn's default is 1e-3.")
    tol = _number_text("tolerance", tol_text, vs.TOL_MIN, vs.TOL_MAX, defaults.tol)
    st.number_input("Maximum iterations", 1, vs.MAX_ITER_MAX, step=10,
                    key=state.key("max_iter"), persist_state="session")
    model = {"k": len(means) if means is not None else state.k, "cov": state.cov,
             "init": init, "means": means, "seed": state.seed, "reg": reg, "tol": tol,
             "max_iter": state.max_iter}
    return model, picker_box


def display_controls(page: StepperPage) -> DisplayOptions:
    """Presentation mode, hard labels and (2-D) density contours."""
    presentation = presentation_toggle()
    hard = st.toggle("Hard labels (colour of the most responsible component)",
                     key=page.state.key("hard_labels"), persist_state="session")
    density, sigmas = False, ELLIPSE_SIGMAS
    if page.n_features > 1:
        density = st.toggle("Mixture density contours", key=page.state.key("density"),
                            persist_state="session")
        choice = st.segmented_control("Ellipses", tuple(ELLIPSE_CHOICES),
                                      format_func=ELLIPSE_CHOICES.get,
                                      key=page.state.key("ellipses"), persist_state="session",
                                      help="Draw each component's contours by σ, or by the "
                                           "share of its mass they hold.")
        if choice == "coverage":
            sigmas = tuple(sigma_for_mass(share) for share in ELLIPSE_COVERAGES)
    return DisplayOptions(presentation, hard, density, sigmas)


# --- the sidebar -----------------------------------------------------------------------------


def sidebar(page: StepperPage, lessons: Callable[[StepperPage], None] | None = None):
    """Data, model, display and lessons in the sidebar. Returns a Setup, or None when there is
    no usable data yet (the reason is on screen)."""
    state = page.state
    links.load_link(state, lambda query: _apply_link(page, query))
    _ensure_widget_defaults(page)
    with st.sidebar:
        st.header("Data")
        data_box = st.container()
        st.header("Model")
        model_box = st.container()
        st.header("Display")
        display = display_controls(page)
        room_box = st.container()
        if lessons is not None:
            st.header("Lessons")
            lessons(page)
    # Before the settings widgets: a room's view is written into them.
    rooms.room_panel(state, page.page, lambda query: _apply_room_view(page, query), room_box)
    # The model is read first because validating a CSV needs K, but it is drawn below the data.
    with model_box:
        model, picker_box = model_controls(page)
    with data_box:
        data = data_picker(state, page.spec, model["k"])
    if picker_box is not None and data is not None:
        with picker_box:
            means_picker(page, data.X)
    settings = ViewSettings(**data_settings(state, page.spec), **model,
                            step=state.position[TRACK])
    links.problem_banner(state, link_query(page, settings))
    if data is None:
        st.info("Choose or fix the data in the sidebar to start.")
        return None
    return Setup(settings, data, display)


def link_query(page: StepperPage, settings: ViewSettings) -> dict[str, str] | None:
    """The query string of this view (None for an uploaded CSV, which a link cannot carry)."""
    if settings.dataset == "csv":
        return None
    return vs.to_query(settings, page.spec)


def link_box(page: StepperPage, settings: ViewSettings, index: int) -> None:
    """Keep the address bar equal to the view's link, and show that link to copy."""
    query = link_query(page, replace(settings, step=index))
    rooms.sync_room(page.state, page.page, query)
    if query is None:
        st.caption("A view of an uploaded CSV cannot be shared as a link: the file stays in "
                   "your browser session.")
        return
    links.write_link(page.state, query)
    links.show_link(query, page.page.url_path)


def current_run(page: StepperPage, setup: Setup) -> SharedRun | None:
    """The shared run for the sidebar's settings; None (with the reason shown) if EM cannot
    start, e.g. K larger than the number of points."""
    settings = setup.settings
    spec = RunSpec(data_digest=setup.data.digest, n_components=settings.k,
                   covariance_type=settings.cov, init=settings.init, seed=settings.seed,
                   reg_covar=settings.reg, tol=settings.tol, max_iter=settings.max_iter,
                   means=settings.means if settings.init == "given-means" else None)
    run = run_store().em_run(setup.data.X, spec)
    if run.error:
        st.error("EM cannot start with these settings: "
                 + untrusted_markdown(run.error, max_chars=MESSAGE_CHARS))
        return None
    dubious = reg_covar_warning(setup.data.X, settings.reg, setup.data.feature_names)
    if dubious:
        st.warning(untrusted_markdown(dubious, max_chars=MESSAGE_CHARS))
    return run
