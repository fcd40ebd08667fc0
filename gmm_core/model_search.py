"""Choosing a model: fits over a grid of K and covariance types scored by BIC and AIC, and restarts.

- :func:`fit_mixture` runs EM to convergence from one seeded start (the grid's workhorse). The
  stepper's ``EMRun`` does the work, so a fit chosen here replays step by step in the stepper
  with the same settings (same start, same stopping rule, same result).
- :func:`model_grid` fits every (K, covariance type) and scores it; a ``progress`` callback is
  told after each K, so a page can show a progress bar. Its ``fit_row`` argument lets the page
  pass a cached version of :func:`fit_covariance_types` (all types for one K from one start).
- :func:`restarts` fits the same model from ``n_starts`` seeds: the spread of the final
  log-likelihoods shows the local optima, and the best one is kept (``fit`` takes a cached
  :func:`fit_mixture` the same way).

No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from gmm_core import kmeans
from gmm_core.em_run import EMRun
from gmm_core.initialisation import INIT_METHODS, initial_params
from gmm_core.mixture import (
    COVARIANCE_TYPES,
    MixtureParams,
    as_data,
    m_step,
)
from gmm_core.selection import n_parameters

# "given-means" needs means placed by hand, so it cannot be restarted from a seed.
RESTARTABLE_INITS = tuple(method for method in INIT_METHODS if method != "given-means")
# In one dimension full, diag and spherical covariances are the same model (one variance per
# component); fitting all three would draw the same curve three times.
COVARIANCE_TYPES_1D = ("full", "tied")
CRITERIA = ("bic", "aic")


def covariance_types_for(n_features: int) -> tuple[str, ...]:
    """The covariance types worth comparing on data with ``n_features`` columns."""
    return COVARIANCE_TYPES_1D if n_features == 1 else COVARIANCE_TYPES


@dataclass(frozen=True, eq=False)
class FitResult:
    """EM run to convergence from one start.

    params: the final mixture (None if the start was impossible); log_likelihood: total
    log-likelihood of X under ``params`` (+inf after a collapse, nan without params); n_iter:
    M-steps taken; status: "converged", "max_iter", "collapsed" or "impossible" (no start could
    be built, e.g. K > N); message: why, for a collapse
    or an impossible start; init, seed: the start.
    """

    params: MixtureParams | None
    log_likelihood: float
    n_iter: int
    status: str
    init: str
    seed: int
    message: str = ""

    @property
    def usable(self) -> bool:
        """A fit with finite likelihood that can be scored and compared."""
        return self.params is not None and math.isfinite(self.log_likelihood)


def fit_mixture(X, n_components: int, covariance_type: str = "full", *, init: str = "k-means",
                seed: int = 0, reg_covar: float = 1e-6, tol: float = 1e-3,
                max_iter: int = 100) -> FitResult:
    """Fit a K-component mixture to X (N, D) by EM from one seeded start.

    Stops when an iteration changes the per-sample log-likelihood by less than ``tol``, after
    ``max_iter`` M-steps, or when a covariance becomes singular (status "collapsed"). Never
    raises for a bad start: a start that cannot be built (K > N, ...) comes back with
    ``params=None`` and the reason in ``message``.
    """
    X = as_data(X)
    try:
        params = initial_params(X, n_components, covariance_type, init, seed=seed,
                                reg_covar=reg_covar)
    except ValueError as error:
        return FitResult(None, math.nan, 0, "impossible", init, seed, str(error))
    return fit_from(X, params, init=init, seed=seed, reg_covar=reg_covar, tol=tol,
                    max_iter=max_iter)


def fit_from(X, params: MixtureParams, *, init: str, seed: int, reg_covar: float = 1e-6,
             tol: float = 1e-3, max_iter: int = 100) -> FitResult:
    """EM to convergence from the starting parameters ``params`` (see :func:`fit_mixture`).

    X: (N, D). init and seed only label the result. The stepper's ``EMRun`` does the work, so
    a fit stops exactly where the step-by-step run stops (collapse detection included).
    """
    run = EMRun(X, params, reg_covar=reg_covar, tol=tol, max_iter=max_iter)
    last = run.run_to_convergence()
    if last.collapse is not None:
        return FitResult(last.params, math.inf, last.iteration, "collapsed", init, seed,
                         last.collapse.message)
    return FitResult(last.params, last.log_likelihood, last.iteration, run.status, init, seed)


def _kmeans_start_responsibilities(X, n_components: int, seed: int) -> np.ndarray:
    """The one-hot (N, K) labels of the "k-means" start, as ``initial_params`` computes them."""
    run = kmeans.KMeansRun(X, kmeans.init_centers(X, n_components, "k-means++", seed))
    run.run_to_convergence()
    return np.eye(n_components)[kmeans.assign(X, run.history[-1].centers)]


def fit_covariance_types(X, n_components: int, covariance_types: Sequence[str], *,
                         init: str = "k-means", seed: int = 0, reg_covar: float = 1e-6,
                         tol: float = 1e-3, max_iter: int = 100) -> tuple[FitResult, ...]:
    """:func:`fit_mixture` for each covariance type, with one K and one seeded start.

    X: (N, D). The "k-means" start (k-means to convergence, then one M-step on its labels) is
    the same for every covariance type up to that last M-step, so k-means runs once here
    instead of once per type: that run costs more than the EM fits that follow it.
    """
    X = as_data(X)
    if init != "k-means" or not 1 <= n_components <= X.shape[0]:
        return tuple(
            fit_mixture(X, n_components, covariance_type, init=init, seed=seed,
                        reg_covar=reg_covar, tol=tol, max_iter=max_iter)
            for covariance_type in covariance_types
        )
    responsibilities = _kmeans_start_responsibilities(X, n_components, seed)
    return tuple(
        fit_from(X, m_step(X, responsibilities, covariance_type, reg_covar), init=init,
                 seed=seed, reg_covar=reg_covar, tol=tol, max_iter=max_iter)
        for covariance_type in covariance_types
    )


def information_criteria(log_likelihood: float, n_params: int, n_samples: int):
    """(BIC, AIC) = (-2 log L + p log N, -2 log L + 2 p); lower is better."""
    return (-2.0 * log_likelihood + n_params * math.log(n_samples),
            -2.0 * log_likelihood + 2.0 * n_params)


@dataclass(frozen=True, eq=False)
class GridEntry:
    """One scored model: K, covariance type, its fit, its parameter count, BIC and AIC.

    bic and aic are nan when the fit is unusable (collapsed or impossible).
    """

    n_components: int
    covariance_type: str
    fit: FitResult
    n_params: int
    bic: float
    aic: float

    def criterion(self, name: str) -> float:
        if name not in CRITERIA:
            raise ValueError(f"criterion must be one of {', '.join(CRITERIA)}, not {name!r}")
        return self.bic if name == "bic" else self.aic


def score_fit(fit: FitResult, n_components: int, covariance_type: str, n_samples: int,
              n_features: int) -> GridEntry:
    """A fit with its parameter count, BIC and AIC (scikit-learn's conventions)."""
    n_params = n_parameters(n_components, n_features, covariance_type)
    if fit.usable:
        bic, aic = information_criteria(fit.log_likelihood, n_params, n_samples)
    else:
        bic = aic = math.nan
    return GridEntry(n_components, covariance_type, fit, n_params, bic, aic)


@dataclass(frozen=True, eq=False)
class GridResult:
    """All scored models of a grid, in the order fitted (K outer, covariance type inner)."""

    entries: tuple[GridEntry, ...]
    n_samples: int

    def best(self, criterion: str = "bic") -> GridEntry | None:
        """The usable model with the lowest criterion; ties go to the fewer parameters."""
        usable = [entry for entry in self.entries if math.isfinite(entry.criterion(criterion))]
        if not usable:
            return None
        return min(usable, key=lambda entry: (entry.criterion(criterion), entry.n_params))

    def entry(self, n_components: int, covariance_type: str) -> GridEntry | None:
        for entry in self.entries:
            if entry.n_components == n_components and entry.covariance_type == covariance_type:
                return entry
        return None

    @property
    def problems(self) -> tuple[str, ...]:
        """One sentence per model that could not be scored."""
        return tuple(
            f"K = {entry.n_components}, {entry.covariance_type}: {entry.fit.message}"
            for entry in self.entries if not entry.fit.usable
        )

    def rows(self) -> list[dict]:
        """A table: one dict per model (K, covariance, log-likelihood, parameters, BIC, AIC, ...)."""
        return [
            {
                "K": entry.n_components,
                "covariance": entry.covariance_type,
                "log-likelihood": entry.fit.log_likelihood,
                "parameters": entry.n_params,
                "BIC": entry.bic,
                "AIC": entry.aic,
                "iterations": entry.fit.n_iter,
                "status": entry.fit.status,
            }
            for entry in self.entries
        ]


FitFunction = Callable[..., FitResult]
RowFunction = Callable[..., tuple[FitResult, ...]]
ProgressCallback = Callable[[int, int, str], None]


def model_grid(
    X,
    n_components: Iterable[int] = range(1, 11),
    covariance_types: Sequence[str] | None = None,
    *,
    init: str = "k-means",
    seed: int = 0,
    reg_covar: float = 1e-6,
    tol: float = 1e-3,
    max_iter: int = 100,
    progress: ProgressCallback | None = None,
    fit_row: RowFunction | None = None,
) -> GridResult:
    """Fit and score every (K, covariance type) on X (N, D).

    covariance_types: None means :func:`covariance_types_for` the data's dimension. K larger than
    N is reported as impossible, not fitted. progress(done, total, label) is called after each K
    (done counts fits). fit_row: a function with :func:`fit_covariance_types`' signature (a page
    passes a cached one); None means that function.
    """
    fit_row = fit_row or fit_covariance_types
    X = as_data(X)
    n_samples, n_features = X.shape
    ks = [int(k) for k in n_components]
    if not ks or min(ks) < 1:
        raise ValueError("the grid needs at least one K, each at least 1")
    types = tuple(covariance_types) if covariance_types is not None else covariance_types_for(
        n_features)
    unknown = [name for name in types if name not in COVARIANCE_TYPES]
    if unknown:
        raise ValueError(f"unknown covariance type(s) {unknown}; use {', '.join(COVARIANCE_TYPES)}")
    total = len(ks) * len(types)
    entries = []
    for k in ks:
        fits = fit_row(X, k, types, init=init, seed=seed, reg_covar=reg_covar, tol=tol,
                       max_iter=max_iter)
        for covariance_type, result in zip(types, fits, strict=True):
            entries.append(score_fit(result, k, covariance_type, n_samples, n_features))
        if progress is not None:
            progress(len(entries), total, f"K = {k}")
    return GridResult(tuple(entries), n_samples)


@dataclass(frozen=True, eq=False)
class RestartResult:
    """Fits of one model from several seeds.

    fits: one per start, in seed order; log_likelihoods: (n_starts,) their final total
    log-likelihoods (nan for an unusable fit).
    """

    fits: tuple[FitResult, ...]

    @property
    def log_likelihoods(self) -> np.ndarray:
        return np.array([fit.log_likelihood if fit.usable else math.nan for fit in self.fits])

    @property
    def best(self) -> FitResult | None:
        """The usable fit with the highest likelihood (the first such seed on ties)."""
        values = self.log_likelihoods
        if not np.any(np.isfinite(values)):
            return None
        return self.fits[int(np.nanargmax(values))]

    def share_near_best(self, n_samples: int, tol_per_sample: float = 1e-3) -> float:
        """Share of starts whose per-sample log-likelihood is within ``tol_per_sample`` of the best."""
        values = self.log_likelihoods
        finite = np.isfinite(values)
        if not finite.any():
            return 0.0
        gap = (np.nanmax(values) - values[finite]) / n_samples
        return float(np.sum(gap <= tol_per_sample) / len(values))

    def n_distinct_optima(self, n_samples: int, tol_per_sample: float = 1e-3) -> int:
        """How many different final likelihoods the starts reached (closer than tol count as one)."""
        values = np.sort(self.log_likelihoods[np.isfinite(self.log_likelihoods)]) / n_samples
        if values.size == 0:
            return 0
        return int(1 + np.sum(np.diff(values) > tol_per_sample))


def restarts(
    X,
    n_components: int,
    covariance_type: str = "full",
    *,
    init: str = "random-points",
    n_starts: int = 20,
    first_seed: int = 0,
    reg_covar: float = 1e-6,
    tol: float = 1e-3,
    max_iter: int = 100,
    progress: ProgressCallback | None = None,
    fit: FitFunction = fit_mixture,
) -> RestartResult:
    """Fit the same model from seeds first_seed, first_seed + 1, ... (n_starts of them).

    X: (N, D). progress(done, total, label) is called after each start.
    """
    if init not in RESTARTABLE_INITS:
        raise ValueError(
            f"restarts need a seeded initialisation ({', '.join(RESTARTABLE_INITS)}), not {init!r}"
        )
    if n_starts < 1:
        raise ValueError(f"n_starts must be at least 1, not {n_starts}")
    X = as_data(X)
    fits = []
    for offset in range(n_starts):
        fits.append(fit(X, n_components, covariance_type, init=init, seed=first_seed + offset,
                        reg_covar=reg_covar, tol=tol, max_iter=max_iter))
        if progress is not None:
            progress(offset + 1, n_starts, f"{init}, seed {first_seed + offset}")
    return RestartResult(tuple(fits))

