"""Helpers to run scikit-learn one EM / Lloyd iteration at a time from our starting point."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from gmm_core.mixture import MixtureParams


def precisions(params: MixtureParams) -> np.ndarray:
    """Inverse covariances in scikit-learn's ``precisions_init`` shapes."""
    if params.covariance_type == "full":
        return np.array([np.linalg.inv(c) for c in params.covariances])
    if params.covariance_type == "tied":
        return np.linalg.inv(params.covariances)
    return 1.0 / params.covariances


def sklearn_stepper(params: MixtureParams, reg_covar: float = 1e-6) -> GaussianMixture:
    """A GaussianMixture that performs exactly one EM iteration per ``fit`` call (warm start)."""
    return GaussianMixture(
        n_components=params.n_components,
        covariance_type=params.covariance_type,
        weights_init=params.weights,
        means_init=params.means,
        precisions_init=precisions(params),
        reg_covar=reg_covar,
        max_iter=1,
        warm_start=True,
        tol=0.0,
    )


def fit_one_iteration(model, X) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X)


def kmeans_one_iteration(X, centers) -> np.ndarray:
    """scikit-learn's Lloyd iteration from ``centers`` (K, D): the new centres (K, D)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = KMeans(
            n_clusters=centers.shape[0], init=centers, n_init=1, max_iter=1, algorithm="lloyd", tol=0.0
        ).fit(X)
    return model.cluster_centers_


def relative_difference(ours, theirs) -> float:
    """max |ours - theirs| / max |theirs|: scale-free agreement of two arrays."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    return float(np.abs(ours - theirs).max() / max(np.abs(theirs).max(), 1e-300))
