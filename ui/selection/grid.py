"""Section 1 of the page "Model selection": BIC and AIC against K for every covariance type,
the verdicts, the table, and one chosen model drawn with the stepper's figure."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gmm_core.model_search import GridEntry, GridResult, covariance_types_for
from ui import pages
from ui.kit.display import show_figure
from ui.selection.controls import SelectionSetup, view_query
from ui.selection.figures import criterion_figure
from ui.selection.fit_view import entry_metrics, fit_figure
from ui.selection.fits import run_grid
from ui.selection.links import MAX_ITER, TOL
from ui.selection.state import STATE


def grid_section(setup: SelectionSetup) -> GridResult:
    """BIC and AIC charts, the verdicts, the table, and the chosen fit drawn. Returns the grid."""
    grid = run_grid(setup.data, setup.k_max, init=setup.init, seed=setup.seed, reg=setup.reg)
    types = covariance_types_for(setup.n_features)
    st.caption(f"{len(grid.entries)} models: K = 1…{setup.k_max} × "
               f"{len(types)} covariance type(s) ({', '.join(types)}), each fitted once from "
               f"{setup.init} (seed {setup.seed}), tol {TOL:g}, at most {MAX_ITER} iterations.")
    for problem in grid.problems:
        st.warning(f"Not scored: {problem}")
    best_bic, best_aic = grid.best("bic"), grid.best("aic")
    if best_bic is None:
        st.error("No model could be fitted to this data; try a larger reg_covar or more points.")
        return grid
    shown = _chosen_model(setup, best_bic)
    left, right = st.columns(2)
    for column, criterion in ((left, "bic"), (right, "aic")):
        with column:
            st.markdown(f"**{criterion.upper()}** against K (lower is better)")
            show_figure(criterion_figure(grid, criterion, setup.style, selected=shown),
                        key=STATE.key(f"{criterion}_chart"))
    st.markdown(
        f"**BIC chooses K = {best_bic.n_components} ({best_bic.covariance_type})**, "
        f"AIC chooses K = {best_aic.n_components} ({best_aic.covariance_type}). Both reward "
        "the log-likelihood and charge for parameters; BIC's charge, log N per parameter, "
        "grows with the data and usually picks fewer components than AIC's flat 2."
    )
    with st.expander("All models as a table"):
        st.dataframe(pd.DataFrame(grid.rows()), hide_index=True)
    st.subheader("Look at one model")
    entry = grid.entry(*shown)
    if entry is None or not entry.fit.usable:
        st.warning(f"K = {shown[0]}, {shown[1]} could not be fitted: "
                   f"{entry.fit.message if entry else 'not in the grid'}")
        return grid
    show_figure(fit_figure(setup.data, entry.fit.params, setup.style),
                key=STATE.key("chosen_fit"))
    entry_metrics(entry, len(setup.data.X))
    _stepper_link(setup, entry)
    return grid


def _chosen_model(setup: SelectionSetup, best: GridEntry) -> tuple[int, str]:
    """The (K, covariance type) pickers; they start at the best BIC (or the link's choice)."""
    types = covariance_types_for(setup.n_features)
    if not STATE.is_set("show_k") or STATE.show_k > setup.k_max:
        STATE.show_k = best.n_components
    if not STATE.is_set("show_cov") or STATE.show_cov not in types:
        STATE.show_cov = best.covariance_type
    left, right = st.columns(2)
    left.select_slider("Show the fit with K =", list(range(1, setup.k_max + 1)),
                       key=STATE.key("show_k"))
    right.segmented_control("and covariance type", types, key=STATE.key("show_cov"),
                            required=True)
    return STATE.show_k, STATE.show_cov


def _stepper_link(setup: SelectionSetup, entry: GridEntry) -> None:
    """A link that opens this fit in the stepper, where EM can be replayed step by step."""
    query = view_query(setup, entry.n_components, entry.covariance_type)
    if query is None:
        st.caption("To step through this fit, upload the same CSV on the stepper page with "
                   f"K = {entry.n_components}, {entry.covariance_type}, init {setup.init}, "
                   f"seed {setup.seed}.")
        return
    target = pages.stepper(setup.n_features).link({**query, "step": "0"})
    st.markdown(f"[Step through this fit in the stepper]({target}) "
                "(same start, same result, one half-step at a time).")
