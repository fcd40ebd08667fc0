"""Section 1 of the page "Model selection": BIC and AIC against K for every covariance type
(each model fitted from several starts), the verdict in both BIC conventions, the degenerate
fits explained, the table, and one chosen model drawn with the stepper's figure."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gmm_core.model_search import GridEntry, GridResult
from ui import pages
from ui.kit.accessible import figure
from ui.kit.escape import untrusted_markdown
from ui.kit.text import number
from ui.selection import describe, texts
from ui.selection.controls import SelectionSetup, stepper_query
from ui.selection.figures import criterion_figure, degenerate_points
from ui.selection.fit_view import entry_metrics, fit_figure
from ui.selection.fits import GridRequest, run_grid
from ui.selection.settings import CONVENTIONS
from ui.selection.state import STATE

CONVENTION_LABELS = {"scikit-learn": "scikit-learn: −2ℓ + p log N, lower is better",
                     "mclust": "mclust: 2ℓ − p log N, higher is better"}


def grid_section(setup: SelectionSetup) -> GridResult:
    """The grid's charts, verdict, notes, degenerate fits, table, and the chosen fit drawn."""
    request = GridRequest(setup.k_max, setup.types, setup.init, setup.seed, setup.reg,
                          setup.n_starts)
    grid = run_grid(setup.data, request, setup.dataset)
    st.caption(texts.grid_caption(grid, init=setup.init, seed=setup.seed))
    notes = texts.notes_box(grid, "bic")
    if notes:
        st.warning("**About this grid**\n" + notes)
    best_bic, best_aic = grid.best("bic"), grid.best("aic")
    if best_bic is None:
        st.error("No sound model: every model of this grid either could not be fitted or gave "
                 "only degenerate fits (see above). Use more points, a smaller largest K or a "
                 "larger reg_covar.")
        _degenerate_fits(grid, degenerate_points(grid))
        return grid
    shown = _chosen_model(setup, best_bic)
    convention, show_degenerate = _display_controls()
    points = degenerate_points(grid)
    left, right = st.columns(2)
    for column, criterion in ((left, "bic"), (right, "aic")):
        with column:
            sign = "higher" if criterion == "bic" and convention == "mclust" else "lower"
            st.markdown(f"**{criterion.upper()}** against K ({sign} is better)")
            figure(criterion_figure(grid, criterion, setup.style, selected=shown,
                                    convention=convention, show_degenerate=show_degenerate),
                   describe.criterion_chart(grid, criterion, convention=convention,
                                            show_degenerate=show_degenerate),
                   key=STATE.key(f"{criterion}_chart"))
    st.markdown(texts.verdict(best_bic, best_aic, setup.n_features))
    note = texts.published_note(setup.dataset, bool(setup.data_fields["standardise"]), grid,
                                best_bic)
    if note:
        st.info(note)
    st.caption(texts.conventions(setup.n_features))
    _degenerate_fits(grid, points)
    with st.expander("All models as a table"):
        st.dataframe(pd.DataFrame(grid.rows()), hide_index=True)
    _one_model(setup, grid, shown)
    return grid


def _display_controls() -> tuple[str, bool]:
    """The BIC chart's sign convention and whether degenerate fits are drawn."""
    left, right = st.columns([3, 2])
    convention = left.segmented_control(
        "BIC sign", CONVENTIONS, key=STATE.key("convention"), required=True,
        persist_state="session", format_func=CONVENTION_LABELS.get,
        help="The same criterion up to sign: the two conventions choose the same model.")
    show = right.toggle("Show degenerate fits", key=STATE.key("show_degenerate"),
                        persist_state="session",
                        help="Fits whose likelihood measures reg_covar, not the data (hollow "
                             "markers). They are never chosen.")
    return str(convention), bool(show)


def _degenerate_fits(grid: GridResult, points: list[GridEntry]) -> None:
    """Why some fits are left out, in words, one line per degenerate fit."""
    if not points:
        return
    title = f"Degenerate fits: {len(points)} left out of the choice, and why"
    with st.expander(title, expanded=any(note.kind == "degenerate chosen"
                                         for note in grid.notes("bic"))):
        st.markdown(texts.DEGENERACY_INTRO + "\n\n" + texts.degenerate_list(grid, points))


def _chosen_model(setup: SelectionSetup, best: GridEntry) -> tuple[int, str]:
    """The (K, covariance type) pickers; they start at the best BIC (or the link's choice)."""
    if not STATE.is_set("show_k") or STATE.show_k > setup.k_max:
        STATE.show_k = best.n_components
    if not STATE.is_set("show_cov") or STATE.show_cov not in setup.types:
        STATE.show_cov = best.covariance_type
    left, right = st.columns(2)
    left.select_slider("Show the fit with K =", list(range(1, setup.k_max + 1)),
                       key=STATE.key("show_k"))
    right.segmented_control("and covariance type", setup.types, key=STATE.key("show_cov"),
                            required=True)
    return STATE.show_k, STATE.show_cov


def _one_model(setup: SelectionSetup, grid: GridResult, shown: tuple[int, str]) -> None:
    """The chosen model drawn with the stepper's figure, its numbers and its stepper link."""
    st.subheader("Look at one model")
    entry = grid.entry(*shown)
    if entry is None or not entry.fit.usable:
        st.warning(f"K = {shown[0]}, {shown[1]} could not be fitted: "
                   f"{entry.fit.message if entry else 'not in the grid'}")
        return
    if entry.degenerate:
        st.warning(f"Every start of K = {shown[0]}, {shown[1]} ended on a degenerate fit, so it "
                   "is left out of the choice: "
                   + untrusted_markdown(texts.degeneracy_summary(entry.degeneracy),
                                        max_chars=texts.MESSAGE_CHARS))
    figure(fit_figure(setup.data, entry.fit.params, setup.style),
           describe.fit_chart(entry.fit.params, setup.data, title=f"K = {shown[0]}, {shown[1]}"),
           key=STATE.key("chosen_fit"))
    entry_metrics(entry, len(setup.data.X))
    st.caption(texts.hard_counts(setup.data.X, entry, setup.dataset,
                                 bool(setup.data_fields["standardise"])))
    if entry.set_aside is not None:
        aside = entry.set_aside
        reason = texts.degeneracy_summary(aside.degeneracy)
        st.caption(f"A degenerate fit of this model reached a higher ℓ = "
                   f"{number(aside.fit.log_likelihood)} (seed {aside.fit.seed}) and was "
                   "set aside: " + untrusted_markdown(reason, max_chars=texts.MESSAGE_CHARS))
    _stepper_link(setup, entry)


def _stepper_link(setup: SelectionSetup, entry: GridEntry) -> None:
    """A link that opens this fit in the stepper, where EM can be replayed step by step."""
    fit = entry.fit
    query = stepper_query(setup, entry.n_components, entry.covariance_type, seed=fit.seed,
                          tol=fit.tol, max_iter=fit.max_iter)
    if query is None:
        st.caption("To step through this fit, upload the same CSV on the stepper page with "
                   f"K = {entry.n_components}, {entry.covariance_type}, init {setup.init}, "
                   f"seed {fit.seed}, tol {fit.tol:g}, maximum iterations {fit.max_iter}.")
        return
    target = pages.stepper(setup.n_features).link({**query, "step": "0"})
    st.markdown(f"[Step through this fit in the stepper]({target}) "
                f"(its start: {setup.init}, seed {fit.seed}; the same result, one half-step "
                "at a time).")
