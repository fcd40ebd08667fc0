"""Prepared demonstrations for the stepper pages (pure: no Streamlit).

- The collapse lesson: settings under which, with reg_covar = 0, a component shrinks onto a
  few points and the likelihood runs away; the same start with reg_covar > 0 converges.
- The textbook example: scikit-learn's default tolerance (1e-3) stops early at a
  log-likelihood of about -4034.25; continuing reaches the converged fit, about -4033.79.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from gmm_core.em_run import EMRun
from gmm_core.mixture import MixtureParams
from ui.kit.view_settings import STEP_MAX, ViewSettings

# Found by scanning seeds: Iris petal sizes hold many identical measurements, so with
# reg_covar = 0 a component of this k-means start squeezes onto a flat set of points within
# three iterations (log-likelihood -129 -> -20 -> +865 -> collapse).
COLLAPSE_LESSONS = {
    2: ViewSettings(dataset="iris", k=4, cov="full", init="k-means", seed=0, reg=0.0,
                    step=STEP_MAX),
    # On a line a component needs a lone point: this k-means start leaves one cluster with a
    # single eruption time, whose variance is exactly zero after the first M-step.
    1: ViewSettings(dataset="faithful-eruptions", k=10, cov="full", init="k-means", seed=3,
                    reg=0.0, step=STEP_MAX),
}
SAFE_REG = 1e-2

# random-points with seed 39 stops (tol = 1e-3) at -4034.29 with weights 0.209/0.391/0.400,
# next to the book's -4034.25 and 0.2097/0.3903/0.4001.
TEXTBOOK_LESSON = ViewSettings(dataset="textbook", k=3, cov="full", init="random-points",
                               seed=39, reg=1e-6, tol=1e-3, step=STEP_MAX)
CONVERGED_TOL = 1e-8
TEXTBOOK_SKLEARN_TOL = 1e-3


def collapse_lesson(n_features: int, reg: float = 0.0) -> ViewSettings:
    """The collapse demonstration for a page of this dimension, with the given reg_covar."""
    return replace(COLLAPSE_LESSONS[n_features], reg=reg)


def is_collapse_lesson(settings: ViewSettings, n_features: int) -> bool:
    """Whether ``settings`` are the collapse lesson (with any reg_covar)."""
    lesson = COLLAPSE_LESSONS[n_features]
    fields = ("dataset", "k", "cov", "init", "seed", "standardise", "tol", "max_iter")
    return all(getattr(settings, name) == getattr(lesson, name) for name in fields)


@dataclass(frozen=True)
class FitSummary:
    """One fit of the textbook data: log-likelihood (total), weights (K,), EM iterations."""

    label: str
    log_likelihood: float
    weights: tuple[float, ...]
    iterations: int


def textbook_comparison(X: np.ndarray) -> tuple[FitSummary, FitSummary]:
    """The book's fit and the converged fit of the textbook data X (1250, 2).

    First: ``GaussianMixture(n_components=3, n_init=10, random_state=42)`` with scikit-learn's
    default tol = 1e-3 (the printed numbers). Second: our EM continued from exactly that fit
    until the log-likelihood per point changes by less than 1e-10.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = GaussianMixture(n_components=3, n_init=10, random_state=42,
                                tol=TEXTBOOK_SKLEARN_TOL).fit(X)
    early = FitSummary(
        "scikit-learn, tol = 1e-3 (the printed numbers)",
        float(model.score(X) * len(X)), tuple(float(w) for w in model.weights_),
        int(model.n_iter_),
    )
    start = MixtureParams(model.weights_, model.means_, model.covariances_, "full")
    run = EMRun(X, start, tol=1e-10, max_iter=5000)
    last = run.run_to_convergence()
    converged = FitSummary(
        "continued from there until converged (tol = 1e-10)",
        float(last.log_likelihood), tuple(float(w) for w in last.params.weights),
        int(model.n_iter_ + last.iteration),
    )
    return early, converged
