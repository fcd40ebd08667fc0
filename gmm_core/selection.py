"""Choosing K: parameter counts, BIC and AIC, in scikit-learn's and in mclust's conventions.

scikit-learn: BIC = −2ℓ + p log N and AIC = −2ℓ + 2p, **lower is better** (``bic``, ``aic``).
mclust (the R package): BIC = 2ℓ − p log N, **higher is better** (``bic_mclust``). They are the
same criterion up to sign, with the same parameter count p; mixing the two up is a classic
mistake (scikit-learn's own docstring once had the sign wrong, scikit-learn PR 7828).

scikit-learn's four covariance types are four of mclust's models (``mclust_model_name``):
full = VVV, tied = EEE, diag = VVI, spherical = VII (in 1-D: V, variable variance, and E,
equal variance). mclust has more (``MCLUST_MULTIVARIATE_MODELS``): for example EII, one
spherical variance shared by all components, or VVE, shared orientation with variable volume
and shape.
"""

from __future__ import annotations

import math

from gmm_core.mixture import COVARIANCE_TYPES, MixtureParams, as_data, log_likelihood

BIC_CONVENTIONS = ("scikit-learn", "mclust")
# Which way is better in each convention: the caption of a chart must say it.
LOWER_IS_BETTER = {"scikit-learn": True, "mclust": False}
BIC_FORMULAS = {"scikit-learn": "BIC = −2ℓ + p log N", "mclust": "BIC = 2ℓ − p log N"}

# mclust's names: three letters for volume, shape and orientation, each Equal, Variable or
# Identity (the axes); in 1-D only the variance: Equal or Variable.
MCLUST_MODEL_NAMES = {"full": "VVV", "tied": "EEE", "diag": "VVI", "spherical": "VII"}
MCLUST_MODEL_NAMES_1D = {"full": "V", "tied": "E", "diag": "V", "spherical": "V"}
MCLUST_MULTIVARIATE_MODELS = ("EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "VEE", "EVE",
                              "VVE", "EEV", "VEV", "EVV", "VVV")


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
    """Bayesian information criterion: -2 log L + p log N, for X (N, D) (lower is better)."""
    X = as_data(X)
    return -2.0 * log_likelihood(X, params) + _n_parameters_of(params) * math.log(X.shape[0])


def aic(X, params: MixtureParams) -> float:
    """Akaike information criterion: -2 log L + 2 p, for X (N, D) (lower is better)."""
    X = as_data(X)
    return -2.0 * log_likelihood(X, params) + 2.0 * _n_parameters_of(params)


def bic_mclust(X, params: MixtureParams) -> float:
    """mclust's BIC: 2 log L - p log N for X (N, D), higher is better; exactly ``-bic``."""
    return -bic(X, params)


def bic_value(log_likelihood_total: float, n_params: int, n_samples: int,
              convention: str = "scikit-learn") -> float:
    """BIC from a total log-likelihood ℓ, p and N, in either convention (``BIC_CONVENTIONS``)."""
    if convention not in BIC_CONVENTIONS:
        raise ValueError(f"convention must be one of {', '.join(BIC_CONVENTIONS)}, "
                         f"not {convention!r}")
    value = -2.0 * log_likelihood_total + n_params * math.log(n_samples)
    return value if convention == "scikit-learn" else -value


def mclust_model_name(covariance_type: str, n_features: int) -> str:
    """mclust's name for scikit-learn's covariance type in D dimensions (VVV, EEE, VVI, VII;
    V or E in 1-D, where full, diag and spherical are one model)."""
    if covariance_type not in COVARIANCE_TYPES:
        raise ValueError(f"covariance_type must be one of {', '.join(COVARIANCE_TYPES)}")
    names = MCLUST_MODEL_NAMES_1D if n_features == 1 else MCLUST_MODEL_NAMES
    return names[covariance_type]
