"""Choosing K: parameter counts, BIC and AIC with scikit-learn's conventions (lower is better)."""

from __future__ import annotations

import math

from gmm_core.mixture import COVARIANCE_TYPES, MixtureParams, as_data, log_likelihood


def n_parameters(n_components: int, n_features: int, covariance_type: str) -> int:
    """Free parameters of a K-component mixture in D dimensions.

    (K - 1) weights + K * D means + the covariances: full K D (D + 1) / 2, tied D (D + 1) / 2,
    diag K D, spherical K.
    """
    if covariance_type not in COVARIANCE_TYPES:
        raise ValueError(f"covariance_type must be one of {', '.join(COVARIANCE_TYPES)}")
    covariance_parameters = {
        "full": n_components * n_features * (n_features + 1) // 2,
        "tied": n_features * (n_features + 1) // 2,
        "diag": n_components * n_features,
        "spherical": n_components,
    }[covariance_type]
    return (n_components - 1) + n_components * n_features + covariance_parameters


def _n_parameters_of(params: MixtureParams) -> int:
    return n_parameters(params.n_components, params.n_features, params.covariance_type)


def bic(X, params: MixtureParams) -> float:
    """Bayesian information criterion: -2 log L + p log N, for X (N, D)."""
    X = as_data(X)
    return -2.0 * log_likelihood(X, params) + _n_parameters_of(params) * math.log(X.shape[0])


def aic(X, params: MixtureParams) -> float:
    """Akaike information criterion: -2 log L + 2 p, for X (N, D)."""
    X = as_data(X)
    return -2.0 * log_likelihood(X, params) + 2.0 * _n_parameters_of(params)
