"""scikit-learn's and mclust's BIC: the same criterion up to sign; mclust's model names."""

import math

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from gmm_core.mixture import COVARIANCE_TYPES, MixtureParams
from gmm_core.model_search import model_grid
from gmm_core.selection import (
    BIC_CONVENTIONS,
    LOWER_IS_BETTER,
    MCLUST_MULTIVARIATE_MODELS,
    bic,
    bic_mclust,
    bic_value,
    mclust_model_name,
    n_parameters,
)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_mclust_bic_is_minus_scikit_learns(covariance_type):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 2)) + rng.integers(0, 3, size=(200, 1)) * 4
    model = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X)
    params = MixtureParams(model.weights_, model.means_, model.covariances_, covariance_type)
    assert bic(X, params) == pytest.approx(model.bic(X), rel=1e-10)
    assert bic_mclust(X, params) == -bic(X, params)
    log_likelihood = model.score(X) * len(X)
    p = n_parameters(3, 2, covariance_type)
    assert bic_value(log_likelihood, p, 200) == pytest.approx(model.bic(X), rel=1e-10)
    assert bic_value(log_likelihood, p, 200, "mclust") == pytest.approx(
        2 * log_likelihood - p * math.log(200), rel=1e-12)


def test_conventions_say_which_way_is_better():
    assert BIC_CONVENTIONS == ("scikit-learn", "mclust")
    assert LOWER_IS_BETTER == {"scikit-learn": True, "mclust": False}
    with pytest.raises(ValueError, match="convention"):
        bic_value(-10.0, 3, 100, "R")


def test_mclust_model_names():
    assert [mclust_model_name(t, 2) for t in COVARIANCE_TYPES] == ["VVV", "EEE", "VVI", "VII"]
    assert [mclust_model_name(t, 1) for t in COVARIANCE_TYPES] == ["V", "E", "V", "V"]
    # mclust has more models than scikit-learn's four
    assert len(MCLUST_MULTIVARIATE_MODELS) == 14
    assert {"VVV", "EEE", "VVI", "VII"} < set(MCLUST_MULTIVARIATE_MODELS)
    with pytest.raises(ValueError):
        mclust_model_name("round", 2)


def test_grid_entries_carry_both_conventions():
    X = np.random.default_rng(5).normal(size=(60, 1))
    grid = model_grid(X, [1, 2], n_starts=2)
    for entry in grid.entries:
        assert entry.bic_mclust == -entry.bic
        assert entry.mclust_name(1) in ("V", "E")
    # higher is better in mclust's sign: the same model wins
    best = grid.best()
    assert best.bic_mclust == max(entry.bic_mclust for entry in grid.entries
                                  if not entry.degenerate)
