"""Section 2 of the page "Model selection": one model, many starts. Where the runs end (the
histogram of final log-likelihoods, each run marked by how it ended), the best fit, and the
initialisations side by side."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from gmm_core.model_search import (
    RESTARTABLE_INITS,
    GridResult,
    RestartResult,
    score_fit,
)
from ui.kit.accessible import figure
from ui.selection import describe
from ui.selection.controls import SelectionSetup
from ui.selection.figures import init_comparison_figure, restarts_histogram
from ui.selection.fit_view import entry_metrics, fit_figure
from ui.selection.fits import restart_count, restarts_by_init
from ui.selection.settings import (
    DEFAULT_RESTART_INIT,
    DEFAULT_RESTARTS,
    MAX_ITER,
    RESTART_COUNTS,
    TOL,
)
from ui.selection.state import STATE

# Two runs reached the same optimum when their ℓ differ by at most this much per point.
SAME_OPTIMUM_PER_POINT = 1e-3


def _restart_controls(setup: SelectionSetup, grid: GridResult) -> tuple[int, str, str, int]:
    """K, covariance type, initialisation and number of starts; they start at the best BIC."""
    best = grid.best("bic")
    first_k = best.n_components if best else 2
    first_cov = best.covariance_type if best else setup.types[0]
    STATE.set_default("restart_k", first_k)
    STATE.set_default("restart_cov", first_cov)
    STATE.set_default("restart_init", DEFAULT_RESTART_INIT)
    STATE.set_default("restart_n", DEFAULT_RESTARTS)
    if STATE.restart_cov not in setup.types:
        STATE.restart_cov = first_cov
    if STATE.restart_k > setup.k_max:
        STATE.restart_k = min(first_k, setup.k_max)
    columns = st.columns(4)
    columns[0].select_slider("K", list(range(1, setup.k_max + 1)), key=STATE.key("restart_k"))
    columns[1].selectbox("Covariance type", setup.types, key=STATE.key("restart_cov"))
    columns[2].selectbox("Initialisation", RESTARTABLE_INITS, key=STATE.key("restart_init"))
    columns[3].select_slider("Number of starts", RESTART_COUNTS, key=STATE.key("restart_n"))
    return STATE.restart_k, STATE.restart_cov, STATE.restart_init, STATE.restart_n


def _sound(result: RestartResult) -> np.ndarray:
    """(S,) the runs with a finite ℓ that are not degenerate."""
    values = result.log_likelihoods
    return np.isfinite(values) & (np.asarray(result.outcomes) != "degenerate")


def _reached(result: RestartResult, n_samples: int) -> tuple[int, int]:
    """(runs within SAME_OPTIMUM_PER_POINT of the best sound ℓ, distinct sound end values)."""
    values = result.log_likelihoods[_sound(result)]
    if values.size == 0:
        return 0, 0
    reached = int(np.sum((values.max() - values) / n_samples <= SAME_OPTIMUM_PER_POINT))
    ordered = np.sort(values) / n_samples
    return reached, int(1 + np.sum(np.diff(ordered) > SAME_OPTIMUM_PER_POINT))


def outcome_sentence(result: RestartResult, n_samples: int) -> str:
    """How the runs ended, counted, and what a bar left of the best can and cannot mean."""
    total = len(result.fits)
    counts = [(result.count("converged"), f"stopped by tol (ℓ changed by less than {TOL:g} "
                                          "per point in an iteration)"),
              (result.count("max_iter"), f"stopped at max_iter = {MAX_ITER}, still climbing"),
              (result.count("degenerate"), "ended on a degenerate fit (left out)"),
              (result.count("collapsed"), "collapsed onto a point (not drawn)"),
              (result.count("impossible"), "could not start")]
    listed = "; ".join(f"**{count}** {words}" for count, words in counts if count)
    reached, distinct = _reached(result, n_samples)
    text = f"Of the {total} runs: {listed}."
    if distinct:
        text += (f" The sound runs ended at **{distinct} different value(s) of ℓ**; "
                 f"{reached} of the {total} reached the best (within {SAME_OPTIMUM_PER_POINT:g} "
                 "per point). A bar to the left of the best is where a run stopped: a local "
                 "optimum, a saddle, or a slow climb that tol cut short (stopping by tol "
                 "proves none of them; a smaller tol in the stepper tells them apart).")
    return text


def restarts_section(setup: SelectionSetup, grid: GridResult, show_degenerate: bool) -> None:
    """n starts of one model: where they end, the best fit, and the initialisations."""
    if grid.best("bic") is None:
        st.info("The grid found no sound model to restart (see section 1).")
        return
    k, covariance_type, chosen_init, asked = _restart_controls(setup, grid)
    n_samples = setup.n_samples
    n_starts = restart_count(asked, n_samples)
    if n_starts < asked:
        st.info(f"On {n_samples:,} points this page runs {n_starts} starts per initialisation, "
                f"not {asked}: a request's work is bounded on a shared server.")
    results = restarts_by_init(setup.data, k, covariance_type, n_starts, first_seed=setup.seed,
                               reg=setup.reg, dataset=setup.dataset)
    result = results[chosen_init]
    best_fit = result.best
    if best_fit is None:
        st.error("None of the starts could be fitted; try a smaller K or a larger reg_covar.")
        return
    drawn = {method: _drawn_values(outcome, show_degenerate)
             for method, outcome in results.items()}
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{n_starts} starts of {chosen_init}: where EM ended**")
        shown = np.isfinite(drawn[chosen_init])
        figure(restarts_histogram(drawn[chosen_init], setup.style, outcomes=result.outcomes,
                                  best=None if result.best_is_degenerate
                                  else best_fit.log_likelihood),
               describe.restarts_chart(result, shown), key=STATE.key("restarts_histogram"))
        st.markdown(outcome_sentence(result, n_samples))
    with right:
        st.markdown(f"**The best of the {n_starts} starts** (seed {best_fit.seed})")
        if result.best_is_degenerate:
            st.warning("Every run of this model ended on a degenerate fit: the best of them is "
                       "drawn, but its likelihood measures reg_covar, not the data.")
        figure(fit_figure(setup.data, best_fit.params, setup.style),
               describe.fit_chart(best_fit.params, setup.data,
                                  title=f"best of {n_starts} starts"),
               key=STATE.key("restarts_best"))
        entry_metrics(score_fit(best_fit, k, covariance_type, n_samples, setup.n_features),
                      n_samples)
    st.markdown("**The initialisations side by side** (same K, covariance type and seeds; "
                "each point is one run)")
    figure(init_comparison_figure(drawn, setup.style), describe.init_chart(results, drawn),
           key=STATE.key("init_comparison"))
    st.dataframe(pd.DataFrame([_init_row(method, outcome, n_samples)
                               for method, outcome in results.items()]), hide_index=True)


def _drawn_values(result: RestartResult, show_degenerate: bool) -> np.ndarray:
    """(S,) final ℓ to draw: nan for unusable runs, and for degenerate ones when hidden."""
    values = result.log_likelihoods.copy()
    if not show_degenerate:
        values[np.asarray(result.outcomes) == "degenerate"] = math.nan
    return values


def _init_row(method: str, outcome: RestartResult, n_samples: int) -> dict:
    values = outcome.log_likelihoods[_sound(outcome)]
    iterations = [fit.n_iter for fit in outcome.fits if fit.usable]
    reached, distinct = _reached(outcome, n_samples)
    return {
        "initialisation": method,
        "best sound ℓ": float(values.max()) if values.size else math.nan,
        "median": float(np.median(values)) if values.size else math.nan,
        "worst": float(values.min()) if values.size else math.nan,
        "runs reaching the best": f"{reached} of {len(outcome.fits)}",
        "distinct end values": distinct,
        "stopped by tol": outcome.count("converged"),
        "stopped at max_iter": outcome.count("max_iter"),
        "degenerate": outcome.count("degenerate"),
        "collapsed": outcome.count("collapsed"),
        "mean iterations": float(np.mean(iterations)) if iterations else math.nan,
    }
