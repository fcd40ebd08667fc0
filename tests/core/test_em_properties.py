"""Property tests: EM's guarantees hold on random data, K, covariance types and starts."""

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmm_core.em_run import EMRun, likelihood_decreases
from gmm_core.initialisation import INIT_METHODS, initial_params
from gmm_core.mixture import COVARIANCE_TYPES, e_step

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def problems(draw, allow_duplicates=False, min_points_per_component=1):
    """Random data (N, D), K, covariance type and start."""
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n_features = draw(st.sampled_from([1, 2, 3]))
    n_samples = draw(st.integers(max(4, 6 * min_points_per_component), 60))
    n_clusters = draw(st.integers(1, 4))
    centres = rng.normal(scale=draw(st.sampled_from([0.1, 1.0, 10.0])), size=(n_clusters, n_features))
    X = centres[rng.integers(0, n_clusters, n_samples)] + rng.normal(size=(n_samples, n_features))
    X = X * draw(st.sampled_from([1e-3, 1.0, 1e3])) + draw(st.sampled_from([0.0, 50.0]))
    if allow_duplicates:
        repeats = draw(st.integers(1, n_samples))
        X[:repeats] = X[0]
    n_components = draw(st.integers(1, min(6, n_samples // min_points_per_component)))
    covariance_type = draw(st.sampled_from(COVARIANCE_TYPES))
    method = draw(st.sampled_from([m for m in INIT_METHODS if m != "given-means"]))
    return X, n_components, covariance_type, method, seed


def _relative_reg(X, fraction):
    """A reg_covar that is ``fraction`` of the data's average variance (scale-free tests)."""
    variance = float(np.var(X, axis=0).mean())
    # When every point is equal, the variance is round-off; scale by the values' size instead.
    magnitude = float(np.abs(X).max()) ** 2 * 1e-12
    return fraction * max(variance, magnitude, 1e-300)


def _run_all_iterations(problem, relative_reg: float, max_iter: int) -> EMRun:
    """EM on a drawn ``problem`` from its own start, reg_covar = ``relative_reg`` x the data's
    variance and tol = 0, for exactly ``max_iter`` iterations (checked)."""
    X, n_components, covariance_type, method, seed = problem
    reg_covar = _relative_reg(X, relative_reg)
    start = initial_params(X, n_components, covariance_type, method, seed=seed, reg_covar=reg_covar)
    run = EMRun(X, start, reg_covar=reg_covar, tol=0, max_iter=max_iter)
    run.run_to_convergence()
    assert run.status == "max_iter"
    return run


# EM_PROPERTY_EXAMPLES=2000 explores further (a few minutes).
@settings(max_examples=int(os.environ.get("EM_PROPERTY_EXAMPLES", 150)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(min_points_per_component=8))
def test_log_likelihood_never_decreases(problem):
    """With about 8 points per component, so that no covariance is near-singular: there the
    round-off of the log-likelihood grows with the condition number (see the next test)."""
    # reg_covar makes the M-step a slightly *different* update (not the exact maximiser), which
    # can lower the likelihood when it is large next to the data's variance; keep it negligible.
    run = _run_all_iterations(problem, 1e-9, max_iter=25)
    X = problem[0]
    falls = likelihood_decreases(run.log_likelihoods, rtol=1e-10, n_samples=len(X))
    assert falls.size == 0, run.log_likelihoods


@PROPERTY_SETTINGS
@given(problems(allow_duplicates=True))
def test_responsibilities_sum_to_one_and_nothing_is_nan(problem):
    """Duplicate points, one-point clusters and K close to N, with reg_covar > 0."""
    run = _run_all_iterations(problem, 1e-6, max_iter=15)
    for index in range(len(run)):
        entry = run[index]
        assert np.isfinite(entry.log_likelihood)
        for array in (entry.params.weights, entry.params.means, entry.params.covariances):
            assert np.isfinite(array).all()
        shown = run.responsibilities_at(index)
        if shown is not None:
            assert np.isfinite(shown).all()
            np.testing.assert_allclose(shown.sum(axis=1), 1.0, rtol=0, atol=1e-12)
            assert (shown >= 0).all()


@PROPERTY_SETTINGS
@given(problems(allow_duplicates=True))
def test_without_regularisation_the_run_ends_cleanly(problem):
    """reg_covar = 0: either a normal run or an explained collapse; never NaN, never an exception."""
    X, n_components, covariance_type, method, seed = problem
    start = initial_params(X, n_components, covariance_type, method, seed=seed, reg_covar=0.0)
    run = EMRun(X, start, reg_covar=0.0, tol=0, max_iter=30)
    run.run_to_convergence()
    assert run.status in {"max_iter", "collapsed"}
    assert not np.isnan(run.log_likelihoods).any()
    if run.status == "collapsed":
        assert run[-1].collapse is not None and "reg_covar" in run[-1].collapse.message
    else:
        assert np.isfinite(run.log_likelihoods).all()


@PROPERTY_SETTINGS
@given(problems())
def test_e_step_is_invariant_to_point_order(problem):
    X, n_components, covariance_type, method, seed = problem
    params = initial_params(X, n_components, covariance_type, method, seed=seed)
    order = np.random.default_rng(seed).permutation(len(X))
    responsibilities, total = e_step(X, params)
    shuffled, shuffled_total = e_step(X[order], params)
    np.testing.assert_allclose(shuffled, responsibilities[order], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(shuffled_total, total, rtol=1e-12)


def test_large_reg_covar_can_lower_the_likelihood_and_is_detected():
    """Why the pages warn: with reg_covar comparable to the data's variance, EM is no longer
    monotone in the plain likelihood. This example is the one hypothesis found."""
    X = np.array([[-1.2e-4], [3.0e-4], [2.5e-4], [-2.0e-4], [0.9e-4], [1.1e-4]])
    start = initial_params(X, 2, "full", "random-points", seed=0, reg_covar=1e-6)
    run = EMRun(X, start, reg_covar=1e-6, tol=0, max_iter=10)
    run.run_to_convergence()
    tiny = EMRun(X, start, reg_covar=_relative_reg(X, 1e-9), tol=0, max_iter=10)
    tiny.run_to_convergence()
    assert likelihood_decreases(tiny.log_likelihoods).size == 0
    assert likelihood_decreases(run.log_likelihoods).size > 0
