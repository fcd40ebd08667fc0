"""What a stopped run has shown (gmm_core.diagnostics): the facts behind the steppers' notes
"converged (ℓ changed less than tol)", "two components coincide: a saddle, not a maximum",
"stopped at max_iter", "a loose tolerance can stop EM while it still climbs" (issue #12)."""

from __future__ import annotations

import numpy as np

from gmm_core import datasets
from gmm_core.diagnostics import (
    COINCIDE_RELATIVE,
    LOOSE_TOL,
    coinciding_components,
    data_variance,
    diagnose_stop,
)
from gmm_core.em_run import EMRun
from gmm_core.initialisation import initial_params
from gmm_core.mixture import MixtureParams


def _faithful() -> np.ndarray:
    return datasets.load_preset("faithful").X


def _identical_means_start(X: np.ndarray) -> MixtureParams:
    """The issue's example: both means at (3.5, 70), equal weights, the data's covariance."""
    covariance = np.cov(X.T)
    return MixtureParams(np.array([0.5, 0.5]), np.array([[3.5, 70.0], [3.5, 70.0]]),
                         np.stack([covariance, covariance]), "full")


def test_identical_components_stay_identical_and_are_diagnosed_as_coinciding():
    X = _faithful()
    run = EMRun(X, _identical_means_start(X), tol=1e-3, max_iter=200)
    run.run_to_convergence()
    assert run.status == "converged"
    diagnosis = diagnose_stop(run.history, run.status, run.tol, data_variance(X))
    assert diagnosis.coinciding == ((0, 1),)
    # The saddle of the issue: far below a proper start's fit.
    assert run.log_likelihoods[-1] < -1280
    proper = EMRun(X, initial_params(X, 2, "full", "k-means", seed=0), tol=1e-3, max_iter=200)
    proper.run_to_convergence()
    assert proper.log_likelihoods[-1] > run.log_likelihoods[-1] + 100
    assert diagnose_stop(proper.history, proper.status, proper.tol,
                         data_variance(X)).coinciding == ()


def test_components_apart_by_more_than_round_off_do_not_coincide():
    X = _faithful()
    params = _identical_means_start(X)
    gap = 10 * COINCIDE_RELATIVE * np.sqrt(data_variance(X))
    moved = params.replace(means=params.means + np.array([[0.0, 0.0], [gap, 0.0]]))
    assert coinciding_components(params, data_variance(X)) == [(0, 1)]
    assert coinciding_components(moved, data_variance(X)) == []


def test_the_last_gain_is_the_change_of_the_last_complete_iteration_and_tol_is_judged():
    X = datasets.load_preset("textbook").X
    run = EMRun(X, initial_params(X, 3, "full", "k-means++", seed=0), tol=1e-3, max_iter=3)
    run.run_to_convergence()
    diagnosis = diagnose_stop(run.history, run.status, run.tol, data_variance(X))
    assert diagnosis.status == run.status
    values = run.log_likelihoods
    m_steps = [i for i, entry in enumerate(run.history) if entry.kind == "M"]
    assert diagnosis.last_gain == values[m_steps[-1]] - values[m_steps[-2]]
    assert diagnosis.loose_tol  # 1e-3 per point, scikit-learn's default
    assert not diagnose_stop(run.history, run.status, LOOSE_TOL / 10,
                             data_variance(X)).loose_tol


def test_a_run_stopped_at_its_start_has_no_gain():
    X = _faithful()
    run = EMRun(X, _identical_means_start(X))
    diagnosis = diagnose_stop(run.history, "max_iter", 1e-3, data_variance(X))
    assert diagnosis.last_gain is None
