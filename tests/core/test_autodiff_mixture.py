"""The mixture log-likelihood's gradient in the means: forward AD, reverse AD and the closed form."""

import numpy as np
import pytest

from gmm_core.autodiff.mixture_gradient import (
    closed_form_mean_gradient,
    gradient_ascent,
    mean_gradient_forward,
    mean_gradient_reverse,
)
from gmm_core.datasets import load_preset
from gmm_core.em_run import EMRun
from gmm_core.initialisation import initial_params
from gmm_core.mixture import COVARIANCE_TYPES, log_likelihood


@pytest.fixture(scope="module")
def data():
    return load_preset("tutorial-2d").X


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("seed", [0, 3])
def test_three_gradients_agree(data, covariance_type, seed):
    start = initial_params(data, 3, covariance_type, "random-points", seed=seed)
    expected_total = log_likelihood(data, start)
    total_closed, closed = closed_form_mean_gradient(data, start)
    total_forward, forward = mean_gradient_forward(data, start)
    total_reverse, reverse = mean_gradient_reverse(data, start)
    assert forward.shape == reverse.shape == closed.shape == (3, 2)
    for total in (total_closed, total_forward, total_reverse):
        assert total == pytest.approx(expected_total, rel=1e-12)
    scale = np.abs(closed).max()
    np.testing.assert_allclose(forward, closed, rtol=1e-9, atol=1e-11 * scale)
    np.testing.assert_allclose(reverse, closed, rtol=1e-9, atol=1e-11 * scale)


def test_the_gradient_matches_central_differences(data):
    start = initial_params(data, 2, "full", "k-means++", seed=1)
    _total, gradient = mean_gradient_forward(data, start)
    step = 1e-5
    for k in range(2):
        for d in range(2):
            shifted = [start.means.copy(), start.means.copy()]
            shifted[0][k, d] += step
            shifted[1][k, d] -= step
            up, down = (log_likelihood(data, start.__class__(
                weights=start.weights, means=m, covariances=start.covariances,
                covariance_type=start.covariance_type)) for m in shifted)
            assert gradient[k, d] == pytest.approx((up - down) / (2 * step), rel=1e-5, abs=1e-5)


def test_the_gradient_vanishes_where_em_has_converged_in_the_means(data):
    start = initial_params(data, 3, "full", "k-means++", seed=0)
    run = EMRun(data, start, frozen=frozenset({"weights", "covariances"}), tol=1e-12,
                max_iter=500)
    final = run.run_to_convergence().params
    _total, gradient = mean_gradient_reverse(data, final)
    _total, first = mean_gradient_reverse(data, start)
    assert np.abs(gradient).max() < 1e-6 * np.abs(first).max()


def test_gradient_ascent_climbs_with_a_small_learning_rate(data):
    start = initial_params(data, 3, "full", "random-points", seed=2)
    run = gradient_ascent(data, start, learning_rate=0.5, n_steps=30)
    assert run.stopped is None
    assert run.means.shape == (31, 3, 2) and run.log_likelihoods.shape == (31,)
    assert np.all(np.diff(run.log_likelihoods) > -1e-9 * np.abs(run.log_likelihoods[:-1]))
    np.testing.assert_array_equal(run.means[0], start.means)
    reverse = gradient_ascent(data, start, 0.5, 30, gradient=mean_gradient_reverse)
    np.testing.assert_allclose(reverse.log_likelihoods, run.log_likelihoods, rtol=1e-12)


def test_a_huge_learning_rate_stops_with_a_message_instead_of_crashing(data):
    start = initial_params(data, 3, "full", "random-points", seed=2)
    run = gradient_ascent(data, start, learning_rate=1e300, n_steps=20)
    assert run.stopped is not None and "learning rate" in run.stopped
    assert np.all(np.isfinite(run.log_likelihoods))
    assert len(run.log_likelihoods) == len(run.means) < 21
