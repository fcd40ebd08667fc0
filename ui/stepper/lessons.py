"""The stepper's prepared lessons: the collapse lesson (reg_covar = 0) and the textbook example
(scikit-learn's default tol stops early): the sidebar buttons and the panels that explain them."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import streamlit as st

from ui.kit.run_store import SharedRun
from ui.kit.step_rules import STATUS_NAMES
from ui.kit.view_settings import STEP_MAX, ViewSettings
from ui.stepper import lesson_presets as lessons
from ui.stepper.page import StepperPage
from ui.stepper.sidebar import Setup, apply_settings


def lesson_buttons(page: StepperPage) -> None:
    """Sidebar buttons that open the prepared demonstrations."""
    st.button("Collapse: reg_covar = 0", key=page.state.lesson.key("collapse"),
              on_click=apply_settings,
              args=(page, lessons.collapse_lesson(page.n_features), STEP_MAX),
              help="A component squeezes onto a few points and the likelihood runs away.")
    if page.n_features == 2:
        st.button("Textbook: scikit-learn stops early", key=page.state.lesson.key("textbook"),
                  on_click=apply_settings,
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
            st.error(collapse.message)
            st.markdown(_why_collapse(history, collapse))
            st.button(f"Same start with reg_covar = {lessons.SAFE_REG:g}",
                      key=page.state.lesson.key("safe"), on_click=apply_settings,
                      args=(page, lessons.collapse_lesson(page.n_features, lessons.SAFE_REG)
                            if lessons.is_collapse_lesson(settings, page.n_features)
                            else _with_reg(settings, lessons.SAFE_REG), STEP_MAX))
        elif settings.reg > 0:
            st.success(
                f"With reg_covar = {settings.reg:g} every variance keeps a floor of "
                f"{settings.reg:g}, so no component can shrink onto a point: the run is "
                f"{STATUS_NAMES.get(run.status(), run.status())} at log-likelihood "
                f"{history[-1].log_likelihood:.2f} after {len(history) - 1} half-steps."
            )
            st.button("Back to reg_covar = 0", key=page.state.lesson.key("unsafe"),
                      on_click=apply_settings, args=(page, _with_reg(settings, 0.0), STEP_MAX))
        else:
            st.caption(f"reg_covar = 0: nothing stops a variance from shrinking to zero. After "
                       f"{len(history) - 1} half-steps no component has collapsed (the run is "
                       f"{STATUS_NAMES.get(run.status(), run.status())}). Step on and watch "
                       "the log-likelihood chart.")


def _why_collapse(history, collapse) -> str:
    """Why a component collapsed, with the climb this run actually took (if it took one)."""
    why = ("**Why.** A Gaussian's density at its mean is 1/√(2πσ²) in 1-D: as σ² → 0 it "
           "grows without bound. A component that owns only a point or two (or points on a "
           "line, in 2-D) can shrink its variance towards zero, and every M-step that does so "
           "*raises* the likelihood")
    if collapse.at_start:
        return (why + ". Here the start itself is already squeezed: its log-likelihood is "
                "unbounded before EM takes a single step, so there is nothing to climb. The "
                "maximum likelihood estimate does not exist.")
    finite = [entry.log_likelihood for entry in history if math.isfinite(entry.log_likelihood)]
    if len(finite) >= 2:
        climb = (f": the log-likelihood climbed from {finite[0]:.1f} to {max(finite):.1f} and "
                 "then to infinity")
    else:
        climb = f": the log-likelihood went from {finite[0]:.1f} to infinity" if finite else ""
    return (why + climb + ". The maximum likelihood estimate does not exist; EM is "
            "faithfully chasing it.")


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
                      key=page.state.lesson.key("continue"), on_click=apply_settings,
                      args=(page, _with_tol(setup.settings), STEP_MAX))


def _with_tol(settings: ViewSettings) -> ViewSettings:
    return replace(settings, tol=lessons.CONVERGED_TOL, max_iter=max(settings.max_iter, 1000))
