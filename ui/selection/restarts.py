"""Section 2 of the page "Model selection": one model, many starts. Where the starts end (the
histogram of final log-likelihoods), the best fit, and the initialisations side by side."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from gmm_core.model_search import (
    RESTARTABLE_INITS,
    GridResult,
    RestartResult,
    covariance_types_for,
    score_fit,
)
from ui.kit.display import show_figure
from ui.selection.controls import RESTART_COUNTS, SelectionSetup
from ui.selection.figures import init_comparison_figure, restarts_histogram
from ui.selection.fit_view import entry_metrics, fit_figure
from ui.selection.fits import restarts_by_init
from ui.selection.state import DEFAULT_RESTART_INIT, DEFAULT_RESTARTS, STATE


def _restart_controls(setup: SelectionSetup, grid: GridResult) -> tuple[int, str, str, int]:
    """K, covariance type, initialisation and number of starts; they start at the best BIC."""
    types = covariance_types_for(setup.n_features)
    best = grid.best("bic")
    STATE.set_default("restart_k", best.n_components if best else 2)
    STATE.set_default("restart_cov", best.covariance_type if best else types[0])
    STATE.set_default("restart_init", DEFAULT_RESTART_INIT)
    STATE.set_default("restart_n", DEFAULT_RESTARTS)
    if STATE.restart_cov not in types:
        STATE.restart_cov = best.covariance_type if best else types[0]
    if STATE.restart_k > setup.k_max:
        STATE.restart_k = min(best.n_components if best else 2, setup.k_max)
    columns = st.columns(4)
    columns[0].select_slider("K", list(range(1, setup.k_max + 1)), key=STATE.key("restart_k"))
    columns[1].selectbox("Covariance type", types, key=STATE.key("restart_cov"))
    columns[2].selectbox("Initialisation", RESTARTABLE_INITS, key=STATE.key("restart_init"))
    columns[3].select_slider("Number of starts", RESTART_COUNTS, key=STATE.key("restart_n"))
    return STATE.restart_k, STATE.restart_cov, STATE.restart_init, STATE.restart_n


def restarts_section(setup: SelectionSetup, grid: GridResult) -> None:
    """n random starts of one model: where they end, the best fit, and the initialisations."""
    k, covariance_type, chosen_init, n_starts = _restart_controls(setup, grid)
    results = restarts_by_init(setup.data, k, covariance_type, n_starts, first_seed=setup.seed,
                               reg=setup.reg)
    result = results[chosen_init]
    n_samples = len(setup.data.X)
    best_fit = result.best
    if best_fit is None:
        st.error("None of the starts could be fitted; try a smaller K or a larger reg_covar.")
        return
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{n_starts} starts of {chosen_init}: where EM ended**")
        show_figure(restarts_histogram(result.log_likelihoods, setup.style),
                    key=STATE.key("restarts_histogram"))
        st.markdown(
            f"The starts ended at **{result.n_distinct_optima(n_samples)} different "
            f"log-likelihood(s)**; {result.share_near_best(n_samples):.0%} of them reached the "
            "best (within 0.001 per point). Every bar to the left of the best is a local "
            "optimum where EM stopped for good."
        )
    with right:
        st.markdown(f"**The best of the {n_starts} starts** (seed {best_fit.seed})")
        show_figure(fit_figure(setup.data, best_fit.params, setup.style),
                    key=STATE.key("restarts_best"))
        entry_metrics(score_fit(best_fit, k, covariance_type, n_samples, setup.n_features),
                      n_samples)
    st.markdown("**The initialisations side by side** (same K, covariance type and seeds; "
                "each point is one start)")
    show_figure(init_comparison_figure(
        {method: outcome.log_likelihoods for method, outcome in results.items()}, setup.style),
        key=STATE.key("init_comparison"))
    st.dataframe(pd.DataFrame([_init_row(method, outcome, n_samples)
                               for method, outcome in results.items()]), hide_index=True)


def _init_row(method: str, outcome: RestartResult, n_samples: int) -> dict:
    values = outcome.log_likelihoods
    finite = values[np.isfinite(values)]
    iterations = [fit.n_iter for fit in outcome.fits if fit.usable]
    return {
        "initialisation": method,
        "best log-likelihood": float(finite.max()) if finite.size else math.nan,
        "median": float(np.median(finite)) if finite.size else math.nan,
        "worst": float(finite.min()) if finite.size else math.nan,
        "starts reaching the best": f"{outcome.share_near_best(n_samples):.0%}",
        "distinct optima": outcome.n_distinct_optima(n_samples),
        "mean iterations": float(np.mean(iterations)) if iterations else math.nan,
    }
