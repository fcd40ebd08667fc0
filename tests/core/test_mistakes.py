"""gmm_core.mistakes: each tutorial mistake, computed, against what it should be."""

import numpy as np
import pytest

from gmm_core import mistakes
from gmm_core.datasets import load_preset
from gmm_core.initialisation import initial_params
from gmm_core.mixture import MixtureParams, e_step, log_likelihood


@pytest.fixture(scope="module")
def faithful():
    X = load_preset("faithful").X
    params = initial_params(X, 2, "full", "k-means", seed=0)
    return X, params, e_step(X, params)[0]


def test_variance_as_scale_squares_the_spread():
    X = np.array([[0.0], [0.5], [3.0], [3.5]])
    params = MixtureParams(weights=[0.5, 0.5], means=[[0.0], [3.0]], covariances=[4.0, 4.0],
                           covariance_type="spherical")
    result = mistakes.variance_as_scale(X, params)
    assert result.widths == pytest.approx([2.0, 2.0])  # σ² = 4 used as σ: twice as wide


def test_the_wrong_normalisation_breaks_the_sums(faithful):
    X, params, _ = faithful
    result = mistakes.wrong_normalisation(X, params)
    assert result.row_sums[1] < 1 and result.weight_sum == pytest.approx(1 / len(X))


def test_missing_one_over_count_scales_by_root_count(faithful):
    _, _, responsibilities = faithful
    result = mistakes.missing_one_over_count(responsibilities)
    assert result.counts.sum() == pytest.approx(len(responsibilities))
    assert result.scale == pytest.approx(np.sqrt(result.counts))


def test_log_of_sum_is_not_the_log_likelihood(faithful):
    X, params, _ = faithful
    result = mistakes.log_of_sum(X, params)
    assert result.right == pytest.approx(log_likelihood(X, params))
    assert result.wrong > result.right + 100  # one log instead of N: a different quantity


def test_prediction_without_weights_changes_points_when_weights_differ():
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (200, 1))
    params = MixtureParams(weights=[0.95, 0.05], means=[[0.0], [0.5]], covariances=[1.0, 1.0],
                           covariance_type="spherical")
    result = mistakes.prediction_without_weights(X, params)
    assert result.changed > 50 and result.n_points == 200


def test_inner_for_outer_gives_the_trace(faithful):
    X, _, responsibilities = faithful
    result = mistakes.inner_for_outer(X, responsibilities)
    assert result.wrong == pytest.approx(np.trace(result.right, axis1=1, axis2=2))
