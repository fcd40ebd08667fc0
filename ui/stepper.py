"""The body of the EM stepper pages, shared by "EM in 1-D" and "EM in 2-D".

``main_view`` draws the stepping bar and everything that depends on the half-step on screen
(figure, log-likelihood chart, note, probe, numbers, formulas, link, lesson panels) as one
fragment, so that a click or a Play tick reruns only this part; ``lesson_buttons`` (sidebar)
and ``lesson_panels`` hold the collapse lesson and the textbook example.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from functools import partial

import numpy as np
import streamlit as st

from gmm_core.em_run import likelihood_decreases
from gmm_core.mixture import ComponentCollapse, predict_proba
from ui import controls, formulas, lessons, notes, numbers
from ui.click_grid import click_grid, clicked_point
from ui.controls import Setup, StepperPage
from ui.figures import (
    figure_style,
    membership_bar_figure,
    mixture_figure_1d,
    mixture_figure_2d,
)
from ui.figures_svg import log_likelihood_svg
from ui.links import STEP_MAX, ViewSettings
from ui.state import SharedRun

KIND_NAMES = {"start": "start", "E": "E-step", "M": "M-step"}
STATUS_NAMES = {"running": "running", "converged": "converged", "collapsed": "collapsed",
                "max_iter": "stopped at the iteration limit"}
DETAIL_PANELS = ("The numbers", "The formulas")
# No scroll zoom: scrolling down the page over a figure must not zoom it.
PLOT_CONFIG = {"displaylogo": False, "scrollZoom": False,
               "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def show_figure(figure, key: str, on_click: Callable[[], None] | None = None) -> None:
    """st.plotly_chart with the app's settings (the theme keeps our explicit sizes).

    on_click: run when a click selects a point of the figure (the chart's state, with the
    selection, is then ``st.session_state[key]``); None: the figure is only looked at.
    """
    if on_click is None:
        st.plotly_chart(figure, key=key, config=PLOT_CONFIG, theme="streamlit")
    else:
        st.plotly_chart(figure, key=key, config=PLOT_CONFIG, theme="streamlit",
                        on_select=on_click, selection_mode="points")


def main_view(page: StepperPage, setup: Setup, run: SharedRun) -> None:
    """The stepping bar and everything that follows the half-step index (one fragment: a
    click or a Play tick redraws only this part), then the lessons' explanations."""
    controls.stepper_fragment(page, run, partial(_draw, page, setup, run))


def _status_line(index: int, history, status: str, playing: bool) -> str:
    """One line of Markdown: which half-step, its log-likelihood, how far the run got."""
    entry = history[index]
    value = entry.log_likelihood
    shown = "+∞" if math.isinf(value) else f"{value:,.4f}".replace(",", " ")
    text = (f"**Half-step {index}: {KIND_NAMES[entry.kind]}** (iteration {entry.iteration}) · "
            f"log-likelihood **{shown}** · {len(history) - 1} half-step(s) computed, run "
            f"{STATUS_NAMES.get(status, status)}")
    if playing:
        text += " · ▶ playing"
    return text


def _draw(page: StepperPage, setup: Setup, run: SharedRun, index: int) -> None:
    """Everything that shows half-step ``index`` of ``run``: status line, figure,
    log-likelihood chart, note, probe, the detail panels, the link and the lessons."""
    history = run.history()
    index = min(index, len(history) - 1)
    entry = history[index]
    status = run.status()
    data = setup.data
    responsibilities = run.responsibilities_at(index)
    style = figure_style(len(data.X), setup.display.presentation)
    st.markdown(_status_line(index, history, status,
                             bool(st.session_state.get(page.keys.playing))))

    if setup.display.presentation:
        figure_column = st.container()
        note_column, probe_column = st.columns(2)
    else:
        figure_column, note_column = st.columns([3, 2])
        probe_column = note_column
    with note_column:
        note_box = st.container()
    with probe_column:
        probe = _probe(page, setup, entry.params)
    # With the probe on, a click anywhere on the figure moves it there.
    probe_click = None if probe is None else click_grid(data.X)
    with figure_column:
        show_figure(_mixture_figure(page, setup, entry.params, responsibilities, style, probe,
                                    probe_click),
                    key=page.key("figure"),
                    on_click=None if probe_click is None else partial(
                        move_probe_to_click, page, probe_click.decimals))
    with note_box:
        _likelihood_chart(history, index, status, style)
        _notes(page, history, index, status, setup)

    # Only the chosen panels are built, none at first: tabs would build both on every step,
    # and typesetting the formulas costs the browser more than the whole figure.
    panels = st.pills("Show the details of this half-step", DETAIL_PANELS,
                      selection_mode="multi", key=page.key("panels"),
                      persist_state="session")
    followed = _followed_points(page, setup.data.X) if DETAIL_PANELS[0] in panels else None
    if DETAIL_PANELS[0] in panels:
        _numbers(page, setup, run, history, index, responsibilities, followed)
    if DETAIL_PANELS[1] in panels:
        _formulas(page, setup, run, history, index,
                  followed or numbers.default_followed_points(setup.data.X))
    controls.link_box(page, setup.settings, index)
    lesson_panels(page, setup, run)


def _mixture_figure(page, setup: Setup, params, responsibilities, style, probe, probe_click):
    """The mixture of the half-step on screen (2-D scatter or 1-D densities)."""
    data, display = setup.data, setup.display
    if page.n_features == 1:
        return mixture_figure_1d(data.X, params, responsibilities, style,
                                 hard_labels=display.hard_labels,
                                 probe=None if probe is None else probe[0],
                                 probe_click=probe_click, feature_name=data.feature_names[0])
    return mixture_figure_2d(data.X, params, responsibilities, style,
                             hard_labels=display.hard_labels, show_density=display.show_density,
                             probe=probe, probe_click=probe_click,
                             feature_names=data.feature_names[:2])


def _likelihood_chart(history, index, status, style) -> None:
    """The log-likelihood of every half-step, as an SVG picture.

    Sent as an image, not as Markdown or a second Plotly chart: the browser decodes an image
    in a few milliseconds, while parsing the same SVG as Markdown cost it ~0.5 s per step at
    N = 10,000 (the chart's <title>s still carry each half-step's numbers, for the tests).
    """
    st.image(log_likelihood_svg(
        [entry.log_likelihood for entry in history], [entry.kind for entry in history], index,
        lower_bounds=[entry.lower_bound for entry in history], status=status,
        # The picture scales to the column: sizes are chosen for its usual width, so that its
        # text comes out at about the page's font size.
        width=640 if style.presentation else 470, height=300 if style.presentation else 210,
        font_size=19 if style.presentation else 12,
    ), width="stretch")


def _notes(page, history, index, status, setup: Setup) -> None:
    """The "what to notice" note, and a warning if the log-likelihood ever decreased."""
    values = [entry.log_likelihood for entry in history]
    decreased = [int(i) for i in likelihood_decreases(values)]
    if decreased:
        st.warning(f"The log-likelihood decreased at half-step(s) "
                   f"{', '.join(map(str, decreased))}: EM should never do that.")
    settings = setup.settings
    st.info(notes.what_to_notice(
        history, index, status=status, init=settings.init, n_points=len(setup.data.X),
        n_features=page.n_features, tol=settings.tol, max_iter=settings.max_iter,
        decreased=decreased,
    ))


PROBE_CAPTION = {1: "Click the figure near the x axis to move the point, or type it:",
                 2: "Click anywhere on the figure to move the point, or type it:"}


def _probe_key(page: StepperPage, coordinate: int) -> str:
    return page.key(f"probe_{coordinate}")


def move_probe_to_click(page: StepperPage, decimals) -> None:
    """Figure callback: the probe point moves to the clicked spot (a point of the click grid,
    or a data point or mean under the mouse). decimals: ``ClickGrid.decimals``, one per
    coordinate."""
    chart = st.session_state.get(page.key("figure"))
    point = clicked_point(chart.get("selection") if chart else None, decimals, curves=None)
    if point is None:  # a click that deselected
        return
    for coordinate, value in enumerate(point):
        st.session_state[_probe_key(page, coordinate)] = value


def _probe(page: StepperPage, setup: Setup, params):
    """The probe point's inputs and its membership bars; returns the point (D,) or None."""
    if not st.toggle("Probe a point: where would a new x belong?", key=page.key("probe_on"),
                     persist_state="session"):
        return None
    st.caption(PROBE_CAPTION[page.n_features])
    X = setup.data.X
    centre = X.mean(axis=0)
    columns = st.columns(page.n_features)
    point = []
    for d, column in enumerate(columns):
        key = _probe_key(page, d)
        if key not in st.session_state:
            st.session_state[key] = float(np.round(centre[d], 2))
        with column:
            point.append(st.number_input(setup.data.feature_names[d], key=key, format="%.3f",
                                         step=float(np.round(X[:, d].std() / 10, 3)) or 0.1))
    point = np.array(point)
    try:
        probabilities = predict_proba(point.reshape(1, -1), params)[0]
    except ComponentCollapse:
        st.warning("A component has collapsed, so membership probabilities are undefined.")
        return point
    style = figure_style(len(X), setup.display.presentation)
    show_figure(membership_bar_figure(probabilities, style, title="p(component | probe)"),
                key=page.key("probe_bars"))
    return point


def _followed_points(page: StepperPage, X: np.ndarray) -> tuple[int, ...]:
    defaults = numbers.default_followed_points(X)
    text = st.text_input("Points to follow (numbers as shown on hover, comma-separated)",
                         key=page.key("followed"), placeholder=", ".join(map(str, defaults)),
                         persist_state="session")
    if not text.strip():
        return defaults
    indices, problem = numbers.parse_point_indices(text, len(X))
    if problem:
        st.error(f"{problem}. Showing the default points.")
        return defaults
    return indices


def _numbers(page, setup: Setup, run: SharedRun, history, index, responsibilities, followed):
    entry = history[index]
    counts = None if responsibilities is None else responsibilities.sum(axis=0)
    previous = previous_counts = None
    if index > 0:
        previous = history[index - 1].params
        earlier = run.responsibilities_at(index - 1)
        previous_counts = None if earlier is None else earlier.sum(axis=0)
    table, changed = numbers.parameter_table(entry.params, counts=counts, previous=previous,
                                             previous_counts=previous_counts,
                                             feature_names=setup.data.feature_names)
    font_size = 22 if setup.display.presentation else 15
    st.markdown("**Parameters** (highlighted: changed by this half-step; m = Σᵢ rᵢc)")
    st.html(numbers.table_html(table, changed=changed, font_size=font_size))
    st.markdown("**Responsibilities of a few points** (the worked examples use the first)")
    followed_table = numbers.responsibility_table(setup.data.X, responsibilities, followed,
                                                  setup.data.feature_names)
    st.html(numbers.table_html(followed_table, tints=numbers.responsibility_tints(followed_table),
                               font_size=font_size))
    if responsibilities is None:
        st.caption("No responsibilities yet: the first E-step computes them.")


def _formulas(page, setup: Setup, run: SharedRun, history, index, followed) -> None:
    entry = history[index]
    X = setup.data.X
    n_features = page.n_features
    settings = setup.settings
    point_index = followed[0]
    try:
        if entry.kind == "E":
            st.markdown("**This half-step: the E-step** (responsibilities by Bayes' rule)")
            st.latex(formulas.e_step_latex(n_features))
            st.markdown(f"Worked example with point {point_index}:")
            st.latex(formulas.worked_e_step(X[point_index], point_index, entry.params))
        elif entry.kind == "M":
            st.markdown("**This half-step: the M-step** (weighted averages)")
            st.latex(formulas.m_step_latex(settings.cov, n_features))
            n_components = entry.params.n_components
            component = st.selectbox("Worked example for component", range(n_components),
                                     format_func=lambda k: f"{k + 1}", width=220,
                                     key=page.key(f"worked_component.{n_components}"))
            st.latex(formulas.worked_m_step(X, run.responsibilities_at(index - 1),
                                            entry.params, component, settings.reg))
        else:
            st.markdown("**The start.** EM alternates two half-steps from here: the E-step "
                        "and the M-step (below). Both raise the log-likelihood:")
        st.latex(formulas.log_likelihood_latex(n_features))
        if math.isfinite(entry.log_likelihood):
            st.latex(formulas.worked_log_likelihood(X[point_index], point_index, entry.params,
                                                    entry.log_likelihood, len(X)))
    except ComponentCollapse as collapse:
        st.warning(f"No worked example: {collapse.message}")
    if st.toggle("All the formulas of one EM iteration", key=page.key("all_formulas"),
                 persist_state="session"):
        st.latex(r"\begin{gathered}" + formulas.e_step_latex(n_features) + r"\\[1ex]"
                 + formulas.m_step_latex(settings.cov, n_features) + r"\\[1ex]"
                 + formulas.log_likelihood_latex(n_features) + r"\end{gathered}")
        st.caption("Computed in log space (log-sum-exp), so far-away points do not underflow "
                   "to 0. λ is reg_covar.")


# --- lessons ------------------------------------------------------------------------------------


def lesson_buttons(page: StepperPage) -> None:
    """Sidebar buttons that open the prepared demonstrations."""
    st.button("Collapse: reg_covar = 0", key=page.key("lesson_collapse"),
              on_click=controls.apply_settings,
              args=(page, lessons.collapse_lesson(page.n_features), STEP_MAX),
              help="A component squeezes onto a few points and the likelihood runs away.")
    if page.n_features == 2:
        st.button("Textbook: scikit-learn stops early", key=page.key("lesson_textbook"),
                  on_click=controls.apply_settings,
                  args=(page, lessons.TEXTBOOK_LESSON, STEP_MAX),
                  help="The printed numbers come from tol = 1e-3; continuing changes them.")


@st.cache_data(show_spinner="Fitting scikit-learn's GaussianMixture (10 starts)…", max_entries=2)
def _textbook_numbers(X: np.ndarray):
    return lessons.textbook_comparison(X)


def lesson_panels(page: StepperPage, setup: Setup, run: SharedRun) -> None:
    """The explanations that go with the collapse lesson and the textbook example."""
    settings = setup.settings
    if run.status() == "collapsed" or lessons.is_collapse_lesson(settings, page.n_features):
        _collapse_panel(page, settings, run)
    if settings.dataset == "textbook" and not settings.standardise:
        _textbook_panel(page, setup, run)


def _collapse_panel(page: StepperPage, settings: ViewSettings, run: SharedRun) -> None:
    history = run.history()
    with st.container(border=True):
        st.subheader("The collapse lesson")
        if run.status() == "collapsed":
            collapse = next(entry.collapse for entry in history if entry.collapse is not None)
            finite = [entry.log_likelihood for entry in history
                      if math.isfinite(entry.log_likelihood)]
            st.error(collapse.message)
            st.markdown(
                "**Why.** A Gaussian's density at its mean is 1/√(2πσ²) in 1-D: as σ² → 0 it "
                "grows without bound. A component that owns only a point or two (or points "
                "on a line, in 2-D) can shrink its variance towards zero, and every M-step "
                "that does so *raises* the likelihood: the log-likelihood climbed from "
                f"{finite[0]:.1f} to {max(finite):.1f} and then to infinity. The maximum "
                "likelihood estimate does not exist; EM is faithfully chasing it."
            )
            st.button(f"Same start with reg_covar = {lessons.SAFE_REG:g}",
                      key=page.key("lesson_safe"), on_click=controls.apply_settings,
                      args=(page, lessons.collapse_lesson(page.n_features, lessons.SAFE_REG)
                            if lessons.is_collapse_lesson(settings, page.n_features)
                            else _with_reg(settings, lessons.SAFE_REG), STEP_MAX))
        else:
            st.success(
                f"With reg_covar = {settings.reg:g} every variance keeps a floor of "
                f"{settings.reg:g}, so no component can shrink onto a point: the run is "
                f"{STATUS_NAMES.get(run.status(), run.status())} at log-likelihood "
                f"{history[-1].log_likelihood:.2f}."
            )
            if settings.reg > 0:
                st.button("Back to reg_covar = 0", key=page.key("lesson_unsafe"),
                          on_click=controls.apply_settings,
                          args=(page, _with_reg(settings, 0.0), STEP_MAX))
            else:
                st.caption("reg_covar = 0: nothing stops a variance from shrinking to zero. "
                           "Step on and watch the log-likelihood chart.")


def _with_reg(settings: ViewSettings, reg: float) -> ViewSettings:
    return replace(settings, reg=reg)


def _textbook_panel(page: StepperPage, setup: Setup, run: SharedRun) -> None:
    early, converged = _textbook_numbers(np.asarray(setup.data.X))
    history = run.history()
    with st.container(border=True):
        st.subheader("The textbook example: stopping early")
        st.markdown(
            "The book prints the fit of `GaussianMixture(n_components=3, n_init=10)`. "
            "scikit-learn stops when an iteration improves the log-likelihood per point by "
            "less than **tol = 1e-3**: that is after only a few iterations here, before the "
            "fit has settled. Continuing moves the weights visibly:"
        )
        rows = [early, converged]
        st.dataframe(
            {
                "fit": [row.label for row in rows],
                "log-likelihood": [f"{row.log_likelihood:.2f}" for row in rows],
                "weights": [" / ".join(f"{w:.3f}" for w in row.weights) for row in rows],
                "EM iterations": [row.iterations for row in rows],
            },
            hide_index=True,
        )
        entry = history[-1]
        st.markdown(
            f"This page's run (tol = {setup.settings.tol:g}): "
            f"{STATUS_NAMES.get(run.status(), run.status())} after {entry.iteration} "
            f"iterations at log-likelihood {entry.log_likelihood:.2f}, weights "
            f"{' / '.join(f'{w:.3f}' for w in sorted(entry.params.weights))}."
        )
        if setup.settings.tol > lessons.CONVERGED_TOL:
            st.button(f"Continue to tol = {lessons.CONVERGED_TOL:g}",
                      key=page.key("lesson_continue"), on_click=controls.apply_settings,
                      args=(page, _with_tol(setup.settings), STEP_MAX))


def _with_tol(settings: ViewSettings) -> ViewSettings:
    return replace(settings, tol=lessons.CONVERGED_TOL, max_iter=max(settings.max_iter, 1000))
