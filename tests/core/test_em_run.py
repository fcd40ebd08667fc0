"""The step-by-step run: history semantics, convergence, collapse, frozen parameters, sampling."""

import math

import numpy as np
import pytest

from gmm_core.em_run import EMRun, likelihood_decreases
from gmm_core.initialisation import (
    INIT_METHODS,
    initial_params,
    means_only_params,
    params_from_means,
)
from gmm_core.mixture import (
    COVARIANCE_TYPES,
    ComponentCollapse,
    MixtureParams,
    e_step,
    m_step,
    predict_proba,
    sample,
)

# The centres of _three_blobs: far apart next to the unit noise, so EM finds them.
THREE_CENTRES = np.array([[0.0, 0.0], [6.0, 1.0], [2.0, 7.0]])


def _three_blobs(seed=0, n=300):
    """(X, labels): (n, 2) points around THREE_CENTRES, each centre drawn with equal odds."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=n)
    return THREE_CENTRES[labels] + rng.normal(size=(n, 2)), labels


def test_history_alternates_e_and_m_and_e_keeps_the_parameters():
    X, _ = _three_blobs()
    run = EMRun(X, initial_params(X, 3, "full", "random-points", seed=0), tol=0, max_iter=5)
    run.run_to_convergence()
    kinds = [entry.kind for entry in run.history]
    assert kinds == ["start"] + ["E", "M"] * 5
    assert run.status == "max_iter"
    for before, after in zip(run.history, run.history[1:], strict=False):
        if after.kind == "E":
            assert after.params is before.params
            assert after.log_likelihood == before.log_likelihood
            # after an E-step the lower bound touches the log-likelihood
            assert after.lower_bound == pytest.approx(after.log_likelihood, rel=1e-12)
        else:
            assert after.iteration == before.iteration + 1
            assert after.lower_bound <= after.log_likelihood * (1 - 1e-12) or math.isclose(
                after.lower_bound, after.log_likelihood, rel_tol=1e-12
            )


def test_each_m_step_equals_the_plain_functions():
    X, _ = _three_blobs(seed=1)
    start = initial_params(X, 3, "diag", "k-means++", seed=4)
    run = EMRun(X, start, tol=0, max_iter=4)
    run.run_to_convergence()
    params = start
    for entry in run.history[2::2]:
        responsibilities, _ = e_step(X, params)
        params = m_step(X, responsibilities, "diag")
        np.testing.assert_array_equal(entry.params.means, params.means)
        assert entry.log_likelihood == pytest.approx(e_step(X, params)[1], rel=1e-14)


def test_responsibilities_shown_come_from_the_last_e_step():
    X, _ = _three_blobs(seed=2)
    run = EMRun(X, initial_params(X, 3, "full", "random-points", seed=1), tol=0, max_iter=3)
    run.run_to_convergence()
    assert run.responsibilities_at(0) is None
    for index, entry in enumerate(run.history):
        shown = run.responsibilities_at(index)
        if index == 0:
            continue
        e_index = index if entry.kind == "E" else index - 1
        expected, _ = e_step(X, run[e_index - 1].params)
        np.testing.assert_allclose(shown, expected, rtol=1e-12, atol=1e-15)
    # going back and forth gives the same numbers (recomputed, not stored)
    first = np.array(run.responsibilities_at(1))
    run.responsibilities_at(-1)
    np.testing.assert_array_equal(run.responsibilities_at(1), first)


def test_extend_to_and_iterate():
    X, _ = _three_blobs(seed=3)
    run = EMRun(X, initial_params(X, 3, "tied", "random-points", seed=0), tol=0, max_iter=10)
    assert run.next_kind == "E"
    run.extend_to(4)
    assert len(run) == 5 and run.next_kind == "E"
    run.step()
    assert run.next_kind == "M"
    entry = run.iterate()
    assert entry.kind == "M" and len(run) == 7
    entry = run.iterate()
    assert entry.kind == "M" and len(run) == 9


def test_convergence_uses_per_sample_log_likelihood_change():
    X, _ = _three_blobs(seed=4)
    run = EMRun(X, initial_params(X, 3, "full", "k-means++", seed=0), tol=1e-3, max_iter=500)
    run.run_to_convergence()
    assert run.status == "converged"
    last, before = run[-1], run[-3]
    assert abs(last.log_likelihood - before.log_likelihood) / len(X) < 1e-3
    if len(run) > 4:
        earlier = run[-5]
        assert abs(before.log_likelihood - earlier.log_likelihood) / len(X) >= 1e-3
    assert run.step() is run[-1], "a finished run does not move"
    assert run.next_kind is None


def test_collapse_with_no_regularisation_is_an_explained_state_not_nan():
    # Four points far from the rest: a component starting on the isolated point collapses.
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(40, 2)), [[20.0, 20.0]]])
    start = params_from_means(X, [[0.0, 0.0], [20.0, 20.0]], "full", reg_covar=0.0)
    run = EMRun(X, start, reg_covar=0.0, tol=0, max_iter=200)
    run.run_to_convergence()
    assert run.status == "collapsed"
    collapse = run[-1].collapse
    assert collapse is not None and collapse.component == 1
    assert collapse.n_effective == pytest.approx(1.0, abs=1e-6)
    assert "Component 2" in collapse.message and "reg_covar" in collapse.message
    finite = [entry.log_likelihood for entry in run.history]
    assert not any(math.isnan(value) for value in finite)
    # the likelihood runs away before the stop
    assert finite[-1] > finite[2] + 10
    # the same start with reg_covar > 0 converges normally
    safe = EMRun(X, start, reg_covar=1e-3, tol=1e-6, max_iter=500)
    safe.run_to_convergence()
    assert safe.status == "converged"
    assert np.isfinite(safe.log_likelihoods).all()


def test_exactly_duplicated_points_collapse_cleanly_without_regularisation():
    X = np.array([[1.0, 1.0]] * 5 + [[5.0, 5.0], [6.0, 4.0], [5.5, 6.0], [4.0, 5.0]])
    start = params_from_means(X, [[1.0, 1.0], [5.0, 5.0]], "full", reg_covar=0.0)
    run = EMRun(X, start, reg_covar=0.0, tol=0, max_iter=50)
    run.run_to_convergence()
    assert run.status == "collapsed"
    assert run[-1].collapse.component == 0
    assert not np.isnan(run.log_likelihoods).any()


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_singular_covariance_raises_component_collapse_in_e_step(covariance_type):
    singular = {
        "full": np.array([np.eye(2), np.zeros((2, 2))]),
        "tied": np.zeros((2, 2)),
        "diag": np.array([[1.0, 1.0], [0.0, 1.0]]),
        "spherical": np.array([1.0, 0.0]),
    }[covariance_type]
    params = MixtureParams([0.5, 0.5], [[0, 0], [1, 1]], singular, covariance_type)
    with pytest.raises(ComponentCollapse) as error:
        e_step(np.zeros((3, 2)), params)
    assert "reg_covar" in error.value.message


def test_frozen_weights_and_covariances_stay_put():
    X, _ = _three_blobs(seed=5)
    start = initial_params(X, 3, "full", "random-points", seed=2)
    run = EMRun(X, start, tol=0, max_iter=5, frozen={"weights", "covariances"})
    run.run_to_convergence()
    for entry in run.history:
        np.testing.assert_array_equal(entry.params.weights, start.weights)
        np.testing.assert_array_equal(entry.params.covariances, start.covariances)
    assert not np.array_equal(run[-1].params.means, start.means)
    assert likelihood_decreases(run.log_likelihoods).size == 0


def test_learning_only_the_means_1d_two_components():
    """The lecture's variant: sigma = 1, equal weights, only the means move; they split the data."""
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(-2, 1, 200), rng.normal(3, 1, 200)]).reshape(-1, 1)
    run = EMRun(X, means_only_params([[0.5], [1.0]], 1.0), tol=1e-10, max_iter=500,
                frozen={"weights", "covariances"})
    run.run_to_convergence()
    means = np.sort(run[-1].params.means.ravel())
    assert means == pytest.approx([-2, 3], abs=0.25)
    assert run[-1].params.covariance_type == "spherical"


def test_bad_run_settings_are_refused_with_clear_messages():
    X, _ = _three_blobs()
    start = initial_params(X, 2, "full", "random-points")
    with pytest.raises(ValueError, match="reg_covar"):
        EMRun(X, start, reg_covar=-1)
    with pytest.raises(ValueError, match="max_iter"):
        EMRun(X, start, max_iter=0)
    with pytest.raises(ValueError, match="frozen"):
        EMRun(X, start, frozen={"means"})
    with pytest.raises(ValueError, match="feature"):
        EMRun(X[:, :1], start)
    with pytest.raises(ValueError, match="NaN"):
        EMRun(np.array([[np.nan, 1.0], [1.0, 2.0]]), start)


@pytest.mark.parametrize("method", INIT_METHODS)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_every_initialisation_is_seeded_and_valid(method, covariance_type):
    X, _ = _three_blobs(seed=6)
    means = [[0, 0], [6, 1], [2, 7]] if method == "given-means" else None
    first = initial_params(X, 3, covariance_type, method, seed=7, means=means)
    again = initial_params(X, 3, covariance_type, method, seed=7, means=means)
    np.testing.assert_array_equal(first.means, again.means)
    assert first.weights.sum() == pytest.approx(1.0)
    assert first.means.shape == (3, 2)
    assert np.isfinite(e_step(X, first)[1])


def test_initialisations_differ_between_seeds():
    X, _ = _three_blobs(seed=6)
    for method in ("random-responsibilities", "random-points", "k-means++"):
        a = initial_params(X, 3, "full", method, seed=1)
        b = initial_params(X, 3, "full", method, seed=2)
        assert not np.array_equal(a.means, b.means), method


def test_predict_proba_on_new_points():
    params = MixtureParams([0.5, 0.5], [[-5.0], [5.0]], [1.0, 1.0], "spherical")
    probabilities = predict_proba(np.array([[-5.0], [0.0], [5.0]]), params)
    assert probabilities[0, 0] > 0.999 and probabilities[2, 1] > 0.999
    assert probabilities[1] == pytest.approx([0.5, 0.5])


def test_sampling_follows_the_generative_story():
    params = MixtureParams(
        [0.2, 0.8], [[0.0, 0.0], [10.0, -3.0]], [[[1.0, 0.5], [0.5, 2.0]], [[0.5, 0.0], [0.0, 0.25]]]
    )
    X, components = sample(params, 40_000, seed=1)
    assert X.shape == (40_000, 2)
    assert np.mean(components == 0) == pytest.approx(0.2, abs=0.01)
    for k in range(2):
        chosen = X[components == k]
        np.testing.assert_allclose(chosen.mean(axis=0), params.means[k], atol=0.05)
        np.testing.assert_allclose(np.cov(chosen.T), params.covariances[k], atol=0.06)
