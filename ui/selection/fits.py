"""Every fit of the page "Model selection", through bounded caches, with a progress bar.

Fits go through ``st.cache_data`` keyed by the data's digest and the settings, so moving an
unrelated widget never refits anything, and 200 students opening the same link share them.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_core.model_search import (
    RESTARTABLE_INITS,
    FitResult,
    GridResult,
    RestartResult,
    covariance_types_for,
    fit_covariance_types,
    fit_mixture,
    model_grid,
    restarts,
)
from ui.kit.data_picker import LoadedData
from ui.selection.links import MAX_ITER, TOL

# Fits are small (a few parameters each); these bound the caches to a few megabytes.
MAX_CACHED_FITS = 2000
MAX_CACHED_ROWS = 400


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED_ROWS)
def _cached_row(digest: str, n_components: int, covariance_types: tuple[str, ...], init: str,
                seed: int, reg_covar: float, tol: float, max_iter: int,
                _X: np.ndarray) -> tuple[FitResult, ...]:
    return fit_covariance_types(_X, n_components, covariance_types, init=init, seed=seed,
                                reg_covar=reg_covar, tol=tol, max_iter=max_iter)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED_FITS)
def _cached_fit(digest: str, n_components: int, covariance_type: str, init: str, seed: int,
                reg_covar: float, tol: float, max_iter: int, _X: np.ndarray) -> FitResult:
    return fit_mixture(_X, n_components, covariance_type, init=init, seed=seed,
                       reg_covar=reg_covar, tol=tol, max_iter=max_iter)


def row_function(data: LoadedData):
    """``fit_covariance_types`` through the cache, keyed by this data's digest."""

    def row(X, n_components, covariance_types, *, init, seed, reg_covar, tol, max_iter):
        return _cached_row(data.digest, n_components, tuple(covariance_types), init, seed,
                           reg_covar, tol, max_iter, X)

    return row


def fit_function(data: LoadedData):
    """``fit_mixture`` through the cache, keyed by this data's digest."""

    def fit(X, n_components, covariance_type, *, init, seed, reg_covar, tol, max_iter):
        return _cached_fit(data.digest, n_components, covariance_type, init, seed, reg_covar,
                           tol, max_iter, X)

    return fit


class Progress:
    """A progress bar that a gmm_core progress callback fills; removed when the work is done."""

    def __init__(self, text: str):
        self._text = text
        self._bar = st.progress(0.0, text=text)

    def __call__(self, done: int, total: int, label: str) -> None:
        self._bar.progress(done / total, text=f"{self._text} {label} ({done} of {total})")

    def close(self) -> None:
        self._bar.empty()


def run_grid(data: LoadedData, k_max: int, *, init: str, seed: int, reg: float) -> GridResult:
    """The BIC/AIC grid (K = 1..k_max x covariance types), with a progress bar while it runs."""
    progress = Progress("Fitting")
    try:
        return model_grid(data.X, range(1, k_max + 1), covariance_types_for(data.X.shape[1]),
                          init=init, seed=seed, reg_covar=reg, tol=TOL, max_iter=MAX_ITER,
                          progress=progress, fit_row=row_function(data))
    finally:
        progress.close()


def restarts_by_init(data: LoadedData, k: int, covariance_type: str, n_starts: int, *,
                     first_seed: int, reg: float) -> dict[str, RestartResult]:
    """``n_starts`` restarts of one model for every seeded initialisation."""
    progress = Progress("Restarting")
    try:
        return {
            method: restarts(data.X, k, covariance_type, init=method, n_starts=n_starts,
                             first_seed=first_seed, reg_covar=reg, tol=TOL, max_iter=MAX_ITER,
                             progress=progress, fit=fit_function(data))
            for method in RESTARTABLE_INITS
        }
    finally:
        progress.close()


def fit_once(data: LoadedData, k: int, covariance_type: str, *, init: str = "k-means",
             seed: int = 0, reg: float = 1e-6) -> FitResult:
    """One cached fit of model (K, covariance type) from one start."""
    return fit_function(data)(data.X, k, covariance_type, init=init, seed=seed, reg_covar=reg,
                              tol=TOL, max_iter=MAX_ITER)
