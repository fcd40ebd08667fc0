"""Every fit of the page "Model selection": shared between sessions, bounded, with progress.

- Single fits and one K's row of fits go through ``st.cache_data`` keyed by the data's digest
  and the settings (``row_function``, ``fit_function``): a grid interrupted half-way (a changed
  setting, the Stop button) resumes from the rows already fitted.
- A whole grid and a set of restarts are computed once per server for their key (data digest
  and every setting) and shared by every session (:func:`shared`): 200 students opening the
  same link wait for one computation, with a progress bar, and then share it.
- Work per request is bounded: the grid by ``GRID_WORK_BUDGET`` (gmm_core stops adding starts
  and running fits on when it is spent, and says so), the restarts by ``RESTART_POINT_BUDGET``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import streamlit as st

from gmm_core.model_search import (
    RESTARTABLE_INITS,
    FitResult,
    GridResult,
    RestartResult,
    fit_covariance_types,
    fit_mixture,
    model_grid,
    restarts,
)
from ui.kit.data_picker import LoadedData
from ui.selection.settings import MAX_ITER, TOL

T = TypeVar("T")

# Fits are small (a few parameters each); these bound the caches to a few megabytes.
MAX_CACHED_FITS = 2000
MAX_CACHED_ROWS = 2000
MAX_SHARED_RESULTS = 64
# gmm_core's work units (each EM iteration costs N·K + ITERATION_OVERHEAD) one grid may spend
# (gmm_core always fits every model from its first start, whatever the budget). The default grid on Old Faithful takes 5.4e7 (10 starts per
# model, run on); a page computed about 5e6 units per CPU-second on the shared 2-core machine
# under a load average of 12, so this is about 14 CPU-seconds there. Larger requests (50 starts,
# 20,000 points) are cut short, and the page says so.
GRID_WORK_BUDGET = 7e7
# Restarts: fits × N over the four initialisations. 100 starts of each on 1,000 points; on
# 20,000 points 5 of each.
RESTART_POINT_BUDGET = 400_000
MIN_RESTARTS = 5
# What a row of points is called in the degeneracy reasons.
NOUNS = {"faithful": "eruptions", "faithful-eruptions": "eruptions"}


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


# --- results shared between sessions --------------------------------------------------------


class _Shared:
    """One result computed at most once at a time, then kept (while the cache keeps it)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.value = None


@st.cache_resource(show_spinner=False, max_entries=MAX_SHARED_RESULTS)
def _shared_slot(kind: str, key: tuple) -> _Shared:
    return _Shared()


def shared(kind: str, key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``'s result for (kind, key), computed once per server and shared by every
    session. A session that finds another one computing the same result waits for it."""
    slot = _shared_slot(kind, key)
    if slot.value is not None:
        return slot.value
    if not slot.lock.acquire(blocking=False):
        with st.spinner("Another session is fitting the same models; waiting for its result…"):
            slot.lock.acquire()
    try:
        if slot.value is None:
            slot.value = compute()
        return slot.value
    finally:
        slot.lock.release()


class Progress:
    """A progress bar that a gmm_core progress callback fills; removed when the work is done."""

    def __init__(self, text: str):
        self._text = text
        self._bar = st.progress(0.0, text=f"{text} (change a setting or press Stop to "
                                          "interrupt)")

    def __call__(self, done: int, total: int, label: str) -> None:
        self._bar.progress(min(done / max(total, 1), 1.0),
                           text=f"{self._text} {label} ({done} of {total})")

    def close(self) -> None:
        self._bar.empty()


# --- the grid ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridRequest:
    """Everything that determines a grid besides the data (keyed by its digest)."""

    k_max: int
    types: tuple[str, ...]
    init: str
    seed: int
    reg: float
    n_starts: int


def run_grid(data: LoadedData, request: GridRequest, dataset: str = "") -> GridResult:
    """The BIC/AIC grid (K = 1..k_max × types, each from n_starts starts), shared and
    bounded by ``GRID_WORK_BUDGET``, with a progress bar while it runs."""

    def compute() -> GridResult:
        progress = Progress("Fitting")
        try:
            return model_grid(
                data.X, range(1, request.k_max + 1), request.types, init=request.init,
                seed=request.seed, reg_covar=request.reg, tol=TOL, max_iter=MAX_ITER,
                n_starts=request.n_starts, max_work=GRID_WORK_BUDGET, progress=progress,
                fit_row=row_function(data), feature_names=data.feature_names,
                noun=NOUNS.get(dataset, "points"))
        finally:
            progress.close()

    return shared("grid", (data.digest, request, dataset), compute)


# --- restarts -----------------------------------------------------------------------------------


def restart_count(asked: int, n_samples: int) -> int:
    """Starts per initialisation that ``RESTART_POINT_BUDGET`` allows (at least
    ``MIN_RESTARTS``, at most ``asked``)."""
    allowed = RESTART_POINT_BUDGET // (len(RESTARTABLE_INITS) * max(n_samples, 1))
    return max(min(asked, MIN_RESTARTS), min(asked, allowed))


def restarts_by_init(data: LoadedData, k: int, covariance_type: str, n_starts: int, *,
                     first_seed: int, reg: float, dataset: str = "") -> dict[str, RestartResult]:
    """``n_starts`` restarts of one model for every seeded initialisation, shared."""

    def compute() -> dict[str, RestartResult]:
        progress = Progress("Restarting")
        try:
            return {
                method: restarts(data.X, k, covariance_type, init=method, n_starts=n_starts,
                                 first_seed=first_seed, reg_covar=reg, tol=TOL,
                                 max_iter=MAX_ITER, progress=progress,
                                 fit=fit_function(data), feature_names=data.feature_names,
                                 noun=NOUNS.get(dataset, "points"))
                for method in RESTARTABLE_INITS
            }
        finally:
            progress.close()

    key = (data.digest, k, covariance_type, n_starts, first_seed, reg, dataset)
    return shared("restarts", key, compute)


def fit_once(data: LoadedData, k: int, covariance_type: str, *, init: str = "k-means",
             seed: int = 0, reg: float = 1e-6) -> FitResult:
    """One cached fit of model (K, covariance type) from one start."""
    return fit_function(data)(data.X, k, covariance_type, init=init, seed=seed, reg_covar=reg,
                              tol=TOL, max_iter=MAX_ITER)
