"""Restarts say how each run ended: converged by tol, stopped at max_iter, collapsed, degenerate."""

import numpy as np
import pytest

from gmm_core.datasets import load_preset
from gmm_core.model_search import RESTART_OUTCOMES, restarts

pytestmark = pytest.mark.usefixtures("one_blas_thread")


def test_runs_stopped_by_tol_and_by_max_iter_are_labelled():
    X = load_preset("faithful").X
    result = restarts(X, 3, "tied", init="k-means", n_starts=8, max_iter=8)
    outcomes = result.outcomes
    assert len(outcomes) == 8 and set(outcomes) <= {"converged", "max_iter"}
    assert result.count("converged") >= 1 and result.count("max_iter") >= 1
    for fit, outcome in zip(result.fits, outcomes, strict=True):
        assert (fit.n_iter == 8) == (outcome == "max_iter")
        if outcome == "converged":
            assert abs(fit.last_change) < 1e-3  # the rule it stopped by
    assert set(RESTART_OUTCOMES) == {"converged", "max_iter", "collapsed", "degenerate",
                                     "impossible"}


def test_a_degenerate_run_is_labelled_and_never_best_even_with_the_highest_likelihood():
    X = load_preset("faithful").X
    # diag, K = 5, run to tol 1e-5: the start of seed 2 ends on the waiting = 83 spike
    result = restarts(X, 5, "diag", init="k-means", n_starts=4, tol=1e-5, max_iter=1000,
                      feature_names=("eruptions", "waiting"))
    assert result.outcomes == ("converged", "converged", "degenerate", "converged")
    spike = result.fits[2]
    assert spike.log_likelihood == np.nanmax(result.log_likelihoods)
    assert result.best is not spike and not result.best_is_degenerate
    assert "14 points with waiting exactly 83" in result.degeneracies[2].message
    # the share near the best is measured against the sound best, the spike lies above it
    assert result.share_near_best(len(X)) >= 0.25


def test_collapsed_runs_are_labelled():
    rng = np.random.default_rng(0)
    # a lonely point attracts a component; with reg_covar = 0 it collapses onto it
    X = np.vstack([rng.normal(size=(40, 2)), rng.normal(size=(40, 2)) + 6, [[30.0, -30.0]]])
    collapsed = restarts(X, 3, "full", init="k-means", n_starts=3, reg_covar=0.0)
    assert collapsed.outcomes == ("collapsed",) * 3
    assert collapsed.best is None
    # with reg_covar > 0 the runs finish, and every one is degenerate: best says so
    held = restarts(X, 3, "full", init="k-means", n_starts=3)
    assert held.outcomes == ("degenerate",) * 3
    assert held.best is not None and held.best_is_degenerate
    assert "single point (x1 = 30, x2 = -30)" in held.degeneracies[0].message
