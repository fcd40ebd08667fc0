"""BIC, AIC and parameter counts equal scikit-learn's."""

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from gmm_core.mixture import COVARIANCE_TYPES, MixtureParams
from gmm_core.selection import aic, bic, n_parameters


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("n_features", [1, 2, 5])
@pytest.mark.parametrize("n_components", [1, 3, 6])
def test_bic_aic_and_parameter_count_equal_sklearn(covariance_type, n_features, n_components):
    rng = np.random.default_rng(n_components * 10 + n_features)
    X = rng.normal(size=(300, n_features)) + rng.integers(0, 3, size=(300, 1)) * 4
    model = GaussianMixture(n_components, covariance_type=covariance_type, random_state=0).fit(X)
    params = MixtureParams(model.weights_, model.means_, model.covariances_, covariance_type)
    assert n_parameters(n_components, n_features, covariance_type) == model._n_parameters()
    assert bic(X, params) == pytest.approx(model.bic(X), rel=1e-10)
    assert aic(X, params) == pytest.approx(model.aic(X), rel=1e-10)
