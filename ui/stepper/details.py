"""The detail panels under the stepper's figure: the numbers and the formulas of a half-step."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from gmm_core.mixture import ComponentCollapse
from ui.kit.accessible import formula
from ui.kit.run_store import SharedRun
from ui.kit.user_input import parse_index_list
from ui.mixture_model.links import why_em_climbs_link
from ui.stepper import formulas, numbers
from ui.stepper.downloads import downloads_panel, export_view, sklearn_panel
from ui.stepper.mistakes import mistakes_panel
from ui.stepper.page import StepperPage
from ui.stepper.sidebar import Setup

NUMBERS, FORMULAS, MISTAKES = "The numbers", "The formulas", "Common mistakes"
SKLEARN, DOWNLOADS = "The same in scikit-learn", "Downloads"
# The explanation of the lower bound, on The mixture model page.
WHY_EM_CLIMBS = why_em_climbs_link()
START_TEXT = (
    "**The start.** EM alternates two half-steps from here: the E-step and the M-step "
    "(below). They do different things to the log-likelihood ℓ(θ): the **E-step** leaves ℓ "
    "unchanged (the parameters θ do not move) and raises the lower bound until it touches ℓ; "
    "the **M-step** maximises that bound over θ, so ℓ cannot fall (exactly so with λ = 0; "
    "with λ > 0 the M-step adds λ after maximising, and a large λ can lower ℓ):"
)
DETAIL_PANELS = (NUMBERS, FORMULAS, MISTAKES, SKLEARN, DOWNLOADS)


def detail_panels(page: StepperPage, setup: Setup, run: SharedRun, history, index: int,
                  responsibilities) -> None:
    """The pills that open the panels, and the chosen panels (none at first: tabs would build
    both on every step, and typesetting the formulas costs the browser more than the whole
    figure)."""
    panels = st.pills("Show the details of this half-step", DETAIL_PANELS,
                      selection_mode="multi", key=page.state.key("panels"),
                      persist_state="session")
    followed = followed_points(page, setup.data.X) if NUMBERS in panels else None
    if NUMBERS in panels:
        numbers_panel(page, setup, run, history, index, responsibilities, followed)
    if FORMULAS in panels:
        formulas_panel(page, setup, run, history, index,
                       followed or numbers.default_followed_points(setup.data.X))
    if MISTAKES in panels:
        mistakes_panel(setup.data.X, history[index].params, responsibilities)
    if SKLEARN in panels or DOWNLOADS in panels:
        view = export_view(page, setup, run, index)
        if SKLEARN in panels:
            sklearn_panel(page, view)
        if DOWNLOADS in panels:
            downloads_panel(page, view)


def followed_points(page: StepperPage, X: np.ndarray) -> tuple[int, ...]:
    defaults = numbers.default_followed_points(X)
    text = st.text_input("Points to follow (numbers as shown on hover, comma-separated)",
                         key=page.state.key("followed"), placeholder=", ".join(map(str, defaults)),
                         persist_state="session")
    if not text.strip():
        return defaults
    indices, problem = parse_index_list(text, len(X))
    if problem:
        st.error(f"{problem} Showing the default points.")
        return defaults
    return indices


def numbers_panel(page: StepperPage, setup: Setup, run: SharedRun, history, index: int,
                  responsibilities, followed) -> None:
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
    st.markdown("**Parameters** (highlighted: changed by this half-step; soft count "
                "N_k = Σᵢ r_ik)")
    st.html(numbers.table_html(table, changed=changed, font_size=font_size))
    st.markdown("**Responsibilities of a few points** (the worked examples use the first)")
    followed_table = numbers.responsibility_table(setup.data.X, responsibilities, followed,
                                                  setup.data.feature_names)
    st.html(numbers.table_html(followed_table, tints=numbers.responsibility_tints(followed_table),
                               font_size=font_size))
    if responsibilities is None:
        st.caption("No responsibilities yet: the first E-step computes them.")


def formulas_panel(page: StepperPage, setup: Setup, run: SharedRun, history, index: int,
                   followed) -> None:
    entry = history[index]
    X = setup.data.X
    n_features = page.n_features
    settings = setup.settings
    point_index = followed[0]
    cov = settings.cov
    try:
        if entry.kind == "E":
            st.markdown("**This half-step: the E-step** (responsibilities by Bayes' rule)")
            formula(formulas.e_step_latex(n_features, cov))
            st.markdown(f"Worked example with point {point_index}:")
            formula(formulas.worked_e_step(X[point_index], point_index, entry.params))
        elif entry.kind == "M":
            st.markdown("**This half-step: the M-step** (weighted averages)")
            formula(formulas.m_step_latex(cov, n_features))
            n_components = entry.params.n_components
            component = st.selectbox("Worked example for component", range(n_components),
                                     format_func=lambda k: f"{k + 1}", width=220,
                                     key=page.state.worked_component.key(n_components))
            formula(formulas.worked_m_step(X, run.responsibilities_at(index - 1),
                                            entry.params, component, settings.reg))
        else:
            st.markdown(START_TEXT)
        formula(formulas.log_likelihood_latex(n_features, cov))
        if math.isfinite(entry.log_likelihood):
            formula(formulas.worked_log_likelihood(X[point_index], point_index, entry.params,
                                                    entry.log_likelihood, len(X)))
        st.caption(f"Why the log-likelihood can only rise: [Why EM climbs]({WHY_EM_CLIMBS}) on "
                   "The mixture model page (the lower bound and the two half-steps).")
    except ComponentCollapse as collapse:
        st.warning(f"No worked example: {collapse.message}")
    if st.toggle("All the formulas of one EM iteration", key=page.state.key("all_formulas"),
                 persist_state="session"):
        formula(r"\begin{gathered}" + formulas.e_step_latex(n_features, settings.cov)
                 + r"\\[1ex]"
                 + formulas.m_step_latex(settings.cov, n_features) + r"\\[1ex]"
                 + formulas.log_likelihood_latex(n_features, settings.cov) + r"\end{gathered}")
        st.caption("Computed in log space (log-sum-exp), so far-away points do not underflow "
                   "to 0. λ is reg_covar.")
