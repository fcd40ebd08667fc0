"""gmm_core.bound: the lower bound F(q, theta) under the log-likelihood (why EM climbs)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_core.bound import (
    bound_maximiser,
    entropy,
    expected_complete_log_likelihood,
    kl_gap,
    lower_bound,
    means_only_slice,
)
from gmm_core.means_only import (
    lecture_params,
    means_only_data,
    means_only_path,
    surface_grid,
)
from gmm_core.mixture import MixtureParams, e_step, log_likelihood, m_step


def _random_q(rng, n, k=2):
    q = rng.random((n, k)) ** 3
    return q / q.sum(axis=1, keepdims=True)


def test_the_bound_lies_under_the_log_likelihood_for_any_q_and_touches_after_an_e_step():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 2)) @ np.array([[1.0, 0.4], [0.0, 0.7]])
    params = MixtureParams(np.array([0.3, 0.7]), np.array([[-1.0, 0.0], [1.0, 0.5]]),
                           np.array([np.eye(2), [[1.0, 0.3], [0.3, 0.5]]]), "full")
    ell = log_likelihood(X, params)
    for _ in range(20):
        q = _random_q(rng, 150)
        assert lower_bound(X, q, params) <= ell + 1e-9 * abs(ell)
        assert kl_gap(X, q, params) >= -1e-9 * abs(ell)
    responsibilities, _ = e_step(X, params)
    assert lower_bound(X, responsibilities, params) == pytest.approx(ell, rel=1e-12)
    assert kl_gap(X, responsibilities, params) == pytest.approx(0.0, abs=1e-8)


def test_the_m_step_maximises_the_bound_and_q_is_the_bound_minus_the_entropy():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(120, 2)) * [2.0, 1.0]
    q = _random_q(rng, 120, 3)
    best = m_step(X, q, "full", reg_covar=0.0)
    top = lower_bound(X, q, best)
    assert top == pytest.approx(expected_complete_log_likelihood(X, q, best) + entropy(q))
    for _ in range(30):  # any other theta gives a lower bound
        weights = np.clip(best.weights + rng.normal(scale=0.02, size=3), 0.01, None)
        other = MixtureParams(weights / weights.sum(),
                              best.means + rng.normal(scale=0.1, size=(3, 2)),
                              best.covariances * rng.uniform(0.8, 1.2), "full")
        assert lower_bound(X, q, other) <= top


def test_entropy_counts_zero_log_zero_as_zero():
    assert entropy(np.array([[1.0, 0.0], [0.5, 0.5]])) == pytest.approx(np.log(2))


@given(st.integers(0, 2**31 - 1), st.floats(-6, 6), st.floats(-6, 6), st.integers(0, 1))
@settings(max_examples=40, deadline=None)
def test_along_one_mean_the_bound_never_exceeds_the_log_likelihood(seed, mu1, mu2, moving):
    rng = np.random.default_rng(seed)
    X = means_only_data(3.0, 60, seed % 1000)
    grid = surface_grid(X, 120)
    q = _random_q(rng, 60)
    ell, bound = means_only_slice(X, [mu1, mu2], moving, grid, q)
    assert np.all(bound <= ell + 1e-9 * np.abs(ell))


def test_along_one_mean_the_curves_are_the_models_log_likelihood_and_bound(lecture_data):
    rng = np.random.default_rng(3)
    q = _random_q(rng, 200)
    grid = np.array([-3.0, 0.5, 2.25])
    ell, bound = means_only_slice(lecture_data, [9.0, 1.5], 0, grid, q)
    for value, expected_ell, expected_bound in zip(grid, ell, bound, strict=True):
        params = lecture_params(value, 1.5)
        assert expected_ell == pytest.approx(log_likelihood(lecture_data, params), rel=1e-12)
        assert expected_bound == pytest.approx(lower_bound(lecture_data, q, params), rel=1e-12)
    assert means_only_slice(lecture_data, [9.0, 1.5], 0, grid)[1] is None


@pytest.mark.parametrize("start", [(-1.0, -0.5), (5.0, -5.0), (0.3, 0.2)])
def test_on_ems_path_the_bound_touches_after_each_e_step_and_the_m_step_jumps_to_its_top(
        lecture_data, start):
    path = means_only_path(lecture_data, *start)
    grid = surface_grid(lecture_data, 400)
    checked = 0
    for index, kind in enumerate(path.kinds):
        if kind != "E" or index + 1 >= len(path):
            continue
        q = path.responsibilities_at(lecture_data, index)
        now = path.means[index]
        for moving in (0, 1):
            ell, bound = means_only_slice(lecture_data, now, moving, grid, q)
            # Under l everywhere on the grid ...
            assert np.all(bound <= ell + 1e-9 * np.abs(ell))
            # ... and touching at the current means, right after the E-step.
            at_now = means_only_slice(lecture_data, now, moving, [now[moving]], q)
            assert at_now[1][0] == pytest.approx(at_now[0][0], rel=1e-12)
        # The M-step's means are the bound's maximiser, on the grid and in closed form.
        after = path.means[index + 1]
        np.testing.assert_allclose(after, bound_maximiser(lecture_data, q), rtol=1e-12)
        top = lower_bound(lecture_data, q, lecture_params(*after))
        for moving in (0, 1):
            _ell, bound = means_only_slice(lecture_data, after, moving, grid, q)
            assert np.all(bound <= top + 1e-9 * abs(top))
        # l(new) >= F(q, new) >= F(q, old) = l(old)
        assert path.log_likelihoods[index + 1] >= top - 1e-9 * abs(top)
        assert top >= path.log_likelihoods[index] - 1e-9 * abs(top)
        checked += 1
    assert checked >= 2


def test_q_must_be_a_distribution_over_the_components(lecture_data):
    with pytest.raises(ValueError, match="shape"):
        bound_maximiser(lecture_data, np.ones((3, 2)) / 2)
    with pytest.raises(ValueError, match="distribution"):
        bound_maximiser(lecture_data, np.ones((200, 2)))
