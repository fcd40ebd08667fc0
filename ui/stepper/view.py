"""The body of the EM stepper pages, shared by "EM in 1-D" and "EM in 2-D".

``main_view`` draws the stepping bar and everything that depends on the half-step on screen
(status line, figure, log-likelihood chart, note, probe, numbers, formulas, link, lesson
panels) as one fragment, so that a click or a Play tick reruns only this part.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from gmm_core.diagnostics import data_variance
from gmm_core.em_run import explain_decrease, likelihood_decreases
from gmm_core.gaussian import mass_within
from ui.figures import describe, figure_style, mixture_figure_1d, mixture_figure_2d
from ui.figures.click_grid import click_grid
from ui.figures.svg import log_likelihood_svg
from ui.figures.two_d import ellipse_caption
from ui.kit import stepping
from ui.kit.display import figure_description, show_figure
from ui.kit.notation import glossary
from ui.kit.run_store import SharedRun
from ui.kit.step_rules import KIND_NAMES, STATUS_NAMES
from ui.kit.stepping import Track
from ui.kit.text import log_likelihood
from ui.stepper import notes
from ui.stepper.details import detail_panels
from ui.stepper.lessons import lesson_panels
from ui.stepper.page import TRACK, StepperPage
from ui.stepper.probe import move_probe_to_click, probe
from ui.stepper.sidebar import Setup, link_box

LOWER_BOUND_CAPTION = (
    "The dotted line is the lower bound F(q, θ) = E_q[log p(x, z | θ)] + H(q) ≤ ℓ(θ), with q the "
    "responsibilities on screen: an E-step lifts it to touch ℓ, an M-step raises it by moving θ.")
# True on both steppers whenever the points have responsibilities (hover: responsibility_hover).
NOT_ONLY_COLOUR = (
    "Not only by colour: hovering a point shows its responsibilities r_ik in percent, the probe "
    "(\"Probe a point\") shows a point's p(z = k | x) as bars, and \"The numbers\" lists "
    "responsibilities in a table.")


def main_view(page: StepperPage, setup: Setup, run: SharedRun) -> None:
    """The stepping bar and everything that follows the half-step index (one fragment: a
    click or a Play tick redraws only this part)."""
    state = page.state
    tracks = (Track(TRACK, run, run.key),)
    followed = stepping.follow(state, tracks)
    if followed.cut_short:
        asked, last = followed.cut_short
        st.info(f"The link asks for half-step {asked}, but this run ends at half-step "
                f"{last} ({run.status()}); showing half-step {last}.")

    def draw(positions: dict[str, int]) -> None:
        index = positions[TRACK]
        stepping.step_bar(state, tracks, positions)
        stepping.history_slider(state, tracks[0], index)
        _draw(page, setup, run, index)

    stepping.progress_view(state, tracks)
    stepping.stepping_view(state, tracks, draw)
    glossary()


def status_line(index: int, history, status: str, playing: bool) -> str:
    """One line of Markdown: which half-step, its log-likelihood, how far the run got."""
    entry = history[index]
    text = (f"**Half-step {index}: {KIND_NAMES[entry.kind]}** (iteration {entry.iteration}) · "
            f"log-likelihood **{log_likelihood(entry.log_likelihood)}** · "
            f"{len(history) - 1} half-step(s) computed, run {STATUS_NAMES.get(status, status)}")
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
    st.markdown(status_line(index, history, status, page.state.playing))

    # The log-likelihood chart beside the figure, not under it: in presentation mode both fit
    # one 1920x1080 screen with the stepping bar and the status line.
    figure_column, note_column = st.columns([3, 2])
    with note_column:
        note_box = st.container()
        point = probe(page, setup, entry.params)
    # With the probe on, a click anywhere on the figure moves it there.
    probe_click = None if point is None else click_grid(data.X)
    with figure_column:
        show_figure(_mixture_figure(page, setup, entry.params, responsibilities, style, point,
                                    probe_click),
                    key=page.state.key("figure"),
                    on_click=None if probe_click is None else partial(
                        move_probe_to_click, page, probe_click.decimals))
        figure_description(_figure_description(page, setup, run, history, index,
                                               responsibilities, point),
                           caption=_figure_caption(page, setup))
    with note_box:
        _likelihood_chart(history, index, status, style)
        _notes(page, run, history, index, status, setup)

    detail_panels(page, setup, run, history, index, responsibilities)
    link_box(page, setup.settings, index)
    lesson_panels(page, setup, run)


def _mixture_figure(page: StepperPage, setup: Setup, params, responsibilities, style, point,
                    probe_click):
    """The mixture of the half-step on screen (2-D scatter or 1-D densities)."""
    data, display = setup.data, setup.display
    if page.n_features == 1:
        return mixture_figure_1d(data.X, params, responsibilities, style,
                                 hard_labels=display.hard_labels,
                                 probe=None if point is None else point[0],
                                 probe_click=probe_click, feature_name=data.feature_names[0])
    return mixture_figure_2d(data.X, params, responsibilities, style,
                             hard_labels=display.hard_labels, show_density=display.show_density,
                             probe=point, probe_click=probe_click,
                             feature_names=data.feature_names[:2],
                             ellipse_sigmas=display.ellipse_sigmas)


def _figure_description(page: StepperPage, setup: Setup, run: SharedRun, history, index: int,
                        responsibilities, point) -> str:
    """The figure in words (its text alternative): what it draws and what this half-step did."""
    data, display, entry = setup.data, setup.display, history[index]
    if page.n_features == 1:
        text = describe.mixture_1d(data.X, entry.params, responsibilities,
                                   feature_name=data.feature_names[0],
                                   hard_labels=display.hard_labels,
                                   probe=None if point is None else point[0])
    else:
        text = describe.mixture_2d(data.X, entry.params, responsibilities,
                                   feature_names=data.feature_names[:2],
                                   hard_labels=display.hard_labels,
                                   show_density=display.show_density, probe=point)
    changed = None
    if entry.kind == "E" and any(earlier.kind == "E" for earlier in history[:index]):
        # Kept with the run: every session on this half-step would count the same points.
        changed = run.memo(("changed assignments", index), lambda: describe.changed_assignments(
            run.responsibilities_at(index), run.responsibilities_at(index - 1)))
    change = describe.half_step_change(
        entry.kind, len(data.X), changed=changed, params=entry.params,
        previous_params=history[index - 1].params if index > 0 else None)
    cues = NOT_ONLY_COLOUR if responsibilities is not None else ""
    return " ".join(part for part in (text, change, cues) if part)


def _figure_caption(page: StepperPage, setup: Setup) -> str:
    """What the shapes on the figure mean (computed coverages)."""
    if page.n_features == 1:
        return ("Each filled curve is a weighted component π_k N(x | μ_k, σ²_k), the dark "
                "dashed curve their sum p(x); the interval μ_k ± σ_k holds "
                f"{mass_within(1.0, 1):.1%} of component k's mass. The rug shows "
                "the points, coloured by their responsibilities r_ik.")
    return ellipse_caption(setup.display.ellipse_sigmas)


def _likelihood_chart(history, index: int, status: str, style) -> None:
    """The log-likelihood of every half-step, as an SVG picture with its text alternative.

    Sent as an image, not as Markdown or a second Plotly chart: the browser decodes an image
    in a few milliseconds, while parsing the same SVG as Markdown cost it ~0.5 s per step at
    N = 10,000 (the chart's <title>s still carry each half-step's numbers, for the tests).
    """
    values = [entry.log_likelihood for entry in history]
    kinds = [entry.kind for entry in history]
    bounds = [entry.lower_bound for entry in history]
    description = describe.log_likelihood_chart(values, kinds, index, lower_bounds=bounds,
                                                status=status)
    st.image(log_likelihood_svg(
        values, kinds, index, lower_bounds=bounds, status=status,
        # The picture scales to the column: sizes are chosen for its usual width, so that its
        # text comes out at about the page's font size (in presentation mode at least 20 px:
        # 19 * 570 / 520 in the column of a 1920-pixel screen with the sidebar open).
        width=520 if style.presentation else 470, height=280 if style.presentation else 210,
        font_size=19 if style.presentation else 12,
    ), width="stretch", alt=description)
    caption = LOWER_BOUND_CAPTION if any(bound is not None for bound in bounds) else ""
    figure_description(description, caption=caption, read_aloud=False)


def _decrease_reason(run: SharedRun, X, history, reg_covar: float, index: int) -> str | None:
    """Why ℓ fell at ``index`` (an E- and an M-step over all points: kept with the run)."""
    return run.memo(("decrease", index),
                    lambda: explain_decrease(X, history[:index + 1], reg_covar, index))


def _notes(page: StepperPage, run: SharedRun, history, index: int, status: str,
           setup: Setup) -> None:
    """The "what to notice" note, and a warning with its true cause if ℓ ever decreased."""
    settings, X = setup.settings, setup.data.X
    values = [entry.log_likelihood for entry in history]
    decreased = [int(i) for i in likelihood_decreases(values, n_samples=len(X))]
    if decreased:
        first = decreased[0]
        # On a decreasing half-step the note below explains it; elsewhere the warning does.
        reason = ("" if index in decreased else f" At half-step {first}: "
                  + (_decrease_reason(run, X, history, settings.reg, first) or ""))
        st.warning(f"The log-likelihood decreased at half-step(s) "
                   f"{', '.join(map(str, decreased))}.{reason}")
    context = notes.NoteContext(
        status=status, init=settings.init, n_points=len(X), n_features=page.n_features,
        reg_covar=settings.reg, tol=settings.tol, max_iter=settings.max_iter,
        data_variance=data_variance(X),
        decrease_reason=_decrease_reason(run, X, history, settings.reg, index)
        if index in decreased else None)
    st.info(notes.what_to_notice(history, index, context))
