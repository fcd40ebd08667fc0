"""Model search: single fits, the BIC/AIC grid with its progress callback, and restarts."""

import math

import numpy as np
import pytest

from gmm_core.datasets import load_preset, make_blobs
from gmm_core.em_run import EMRun
from gmm_core.initialisation import initial_params
from gmm_core.mixture import COVARIANCE_TYPES, e_step, m_step
from gmm_core.model_search import (
    RESTARTABLE_INITS,
    _kmeans_start_responsibilities,
    covariance_types_for,
    fit_covariance_types,
    fit_mixture,
    information_criteria,
    model_grid,
    restarts,
    score_fit,
)
from gmm_core.selection import aic, bic


@pytest.fixture(scope="module")
def four_blobs():
    return make_blobs(400, 4, seed=3).X


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("init", ["k-means", "random-points"])
def test_fit_mixture_ends_where_the_step_by_step_run_ends(four_blobs, covariance_type, init):
    fit = fit_mixture(four_blobs, 3, covariance_type, init=init, seed=2)
    run = EMRun(four_blobs, initial_params(four_blobs, 3, covariance_type, init, seed=2))
    run.run_to_convergence()
    assert fit.status == run.status
    assert fit.n_iter == run[-1].iteration
    np.testing.assert_allclose(fit.params.means, run[-1].params.means, rtol=1e-12)
    np.testing.assert_allclose(fit.params.covariances, run[-1].params.covariances, rtol=1e-12)
    assert fit.log_likelihood == pytest.approx(run[-1].log_likelihood, rel=1e-12)
    assert fit.log_likelihood == pytest.approx(e_step(four_blobs, fit.params)[1], rel=1e-12)


def test_the_shared_kmeans_start_is_the_kmeans_initialisation(four_blobs):
    responsibilities = _kmeans_start_responsibilities(four_blobs, 4, seed=5)
    for covariance_type in COVARIANCE_TYPES:
        shared = m_step(four_blobs, responsibilities, covariance_type, 1e-6)
        own = initial_params(four_blobs, 4, covariance_type, "k-means", seed=5)
        np.testing.assert_array_equal(shared.means, own.means)
        np.testing.assert_array_equal(shared.covariances, own.covariances)
    row = fit_covariance_types(four_blobs, 4, COVARIANCE_TYPES, init="k-means", seed=5)
    for covariance_type, fit in zip(COVARIANCE_TYPES, row, strict=True):
        alone = fit_mixture(four_blobs, 4, covariance_type, init="k-means", seed=5)
        np.testing.assert_array_equal(fit.params.means, alone.params.means)
        assert fit.log_likelihood == alone.log_likelihood


def test_impossible_start_and_collapse_are_reported_not_raised():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
    impossible = fit_mixture(X, 5, "full")
    assert impossible.status == "impossible" and impossible.params is None
    assert "5" in impossible.message and not impossible.usable
    # two duplicated points and no regularisation: a component shrinks onto a point
    duplicates = np.array([[0.0, 0.0]] * 5 + [[3.0, 3.0]] * 5 + [[1.0, 2.0]])
    collapsed = fit_mixture(duplicates, 3, "full", init="random-points", seed=1, reg_covar=0.0)
    assert collapsed.status == "collapsed" and not collapsed.usable
    assert "reg_covar" in collapsed.message
    # k-means puts the lone point in a cluster of its own: singular from the start
    at_start = fit_mixture(duplicates, 3, "full", init="k-means", seed=0, reg_covar=0.0)
    assert (at_start.status, at_start.n_iter) == ("collapsed", 0)
    assert math.isnan(score_fit(at_start, 3, "full", 11, 2).bic)


def test_information_criteria_agree_with_selection(four_blobs):
    fit = fit_mixture(four_blobs, 3, "diag", seed=1)
    entry = score_fit(fit, 3, "diag", *four_blobs.shape)
    assert entry.bic == pytest.approx(bic(four_blobs, fit.params), rel=1e-12)
    assert entry.aic == pytest.approx(aic(four_blobs, fit.params), rel=1e-12)
    assert information_criteria(-10.0, 3, 100) == (20.0 + 3 * math.log(100), 26.0)


def test_grid_scores_every_model_reports_progress_and_finds_the_true_k(four_blobs):
    calls = []
    # one start per model, not run on: progress is called once per K (the grid of several
    # starts is tested in tests/core/test_model_grid.py)
    grid = model_grid(four_blobs, range(1, 7), progress=lambda *args: calls.append(args),
                      n_starts=1, final_tol=None)
    assert len(grid.entries) == 6 * 4
    assert [(done, total) for done, total, _ in calls] == [(4 * k, 24) for k in range(1, 7)]
    assert calls[-1][2] == "K = 6"
    best = grid.best("bic")
    assert best.n_components == 4
    assert best.bic == min(entry.bic for entry in grid.entries)
    assert grid.best("aic").aic == min(entry.aic for entry in grid.entries)
    assert grid.entry(4, "tied").covariance_type == "tied"
    rows = grid.rows()
    assert len(rows) == 24 and set(rows[0]) >= {"K", "covariance", "BIC", "AIC"}
    assert grid.problems == ()


def test_grid_on_one_dimensional_data_uses_the_distinct_covariance_types():
    X = load_preset("faithful-eruptions").X
    assert covariance_types_for(1) == ("full", "tied")
    grid = model_grid(X, range(1, 4))
    assert {entry.covariance_type for entry in grid.entries} == {"full", "tied"}
    assert grid.best("bic").n_components == 2


def test_grid_reports_k_larger_than_n_as_a_problem():
    X = np.array([[0.0], [1.0], [5.0]])
    grid = model_grid(X, [1, 2, 4], ["full"])
    assert grid.entry(4, "full").fit.status == "impossible"
    assert math.isnan(grid.entry(4, "full").bic)
    assert any("K = 4" in problem for problem in grid.problems)
    assert grid.best("bic").n_components in (1, 2)


def test_grid_uses_the_given_row_function(four_blobs):
    seen = []

    def recording_row(X, k, types, **settings):
        seen.append((k, tuple(types), settings["init"]))
        return fit_covariance_types(X, k, types, **settings)

    model_grid(four_blobs, [2, 3], ["full"], init="random-points", fit_row=recording_row,
               n_starts=1)
    assert seen == [(2, ("full",), "random-points"), (3, ("full",), "random-points")]


def test_grid_refuses_bad_arguments(four_blobs):
    with pytest.raises(ValueError, match="at least 1"):
        model_grid(four_blobs, [0, 1])
    with pytest.raises(ValueError, match="unknown covariance"):
        model_grid(four_blobs, [1], ["round"])


def test_restarts_show_local_optima_and_keep_the_best():
    X = load_preset("five-blobs").X
    calls = []
    result = restarts(X, 5, "full", init="random-points", n_starts=12,
                      progress=lambda *args: calls.append(args))
    values = result.log_likelihoods
    assert values.shape == (12,)
    assert [fit.seed for fit in result.fits] == list(range(12))
    assert result.best.log_likelihood == np.nanmax(values)
    # random starts on five close blobs do not all find the same optimum
    assert result.n_distinct_optima(len(X)) >= 2
    assert 0 < result.share_near_best(len(X)) < 1
    assert len(calls) == 12 and calls[-1][:2] == (12, 12)


def test_restarts_refuse_unseeded_starts():
    X = make_blobs(50, 2, seed=0).X
    assert "given-means" not in RESTARTABLE_INITS
    with pytest.raises(ValueError, match="seeded"):
        restarts(X, 2, init="given-means")
    with pytest.raises(ValueError, match="n_starts"):
        restarts(X, 2, n_starts=0)

