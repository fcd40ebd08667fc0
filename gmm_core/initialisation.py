"""Where EM starts: seeded initialisation strategies for a Gaussian mixture.

Two families:

- strategies that pick *means* ("random-points", "k-means++", "given-means") start with equal
  weights and every component's covariance equal to the covariance of the whole data set, so
  the first picture shows K large, overlapping ellipses;
- strategies that pick *responsibilities* ("random-responsibilities", "k-means") turn them into
  parameters with one M-step, as scikit-learn does.
"""

from __future__ import annotations

import numpy as np

from gmm_core import kmeans
from gmm_core.mixture import (
    ComponentCollapse,
    DensityUnderflow,
    MixtureParams,
    as_data,
    e_step,
    m_step,
    mahalanobis_distances,
    weighted_log_densities,
)

INIT_METHODS = ("random-responsibilities", "random-points", "k-means++", "k-means", "given-means")

INIT_DESCRIPTIONS = {
    "random-responsibilities": "random soft assignments, turned into parameters by one M-step",
    "random-points": "K distinct data points as means; equal weights; the data's covariance",
    "k-means++": "k-means++ seeding (far-apart points) as means; equal weights; the data's covariance",
    "k-means": "run k-means to convergence, then one M-step on its hard labels",
    "given-means": "means you place yourself; equal weights; the data's covariance",
}


def data_covariances(X, n_components: int, covariance_type: str, reg_covar: float):
    """The covariance of all of X, shaped for ``covariance_type`` (see MixtureParams)."""
    X = as_data(X)
    n_features = X.shape[1]
    centred = X - X.mean(axis=0)
    covariance = centred.T @ centred / X.shape[0] + reg_covar * np.eye(n_features)
    if covariance_type == "full":
        return np.repeat(covariance[None], n_components, axis=0)
    if covariance_type == "tied":
        return covariance
    if covariance_type == "diag":
        return np.repeat(np.diag(covariance)[None], n_components, axis=0)
    if covariance_type == "spherical":
        return np.full(n_components, np.diag(covariance).mean())
    raise ValueError(f"unknown covariance_type {covariance_type!r}")


def params_from_means(X, means, covariance_type: str, reg_covar: float = 1e-6) -> MixtureParams:
    """Equal weights, the given means (K, D) and the data's covariance for every component."""
    X = as_data(X)
    means = np.asarray(means, dtype=np.float64)
    if means.ndim == 1:
        means = means.reshape(-1, 1)
    if means.ndim != 2 or means.shape[1] != X.shape[1]:
        raise ValueError(
            f"initial means must have shape (K, {X.shape[1]}), got {np.shape(means)}"
        )
    if not np.all(np.isfinite(means)):
        raise ValueError("initial means must be finite numbers")
    n_components = means.shape[0]
    params = MixtureParams(
        np.full(n_components, 1.0 / n_components),
        means,
        data_covariances(X, n_components, covariance_type, reg_covar),
        covariance_type,
    )
    check_start_reaches_data(X, params)
    return params


def check_start_reaches_data(X, params: MixtureParams) -> None:
    """Raise ValueError when some point of X (N, D) has density 0 under every starting component.

    That happens only when the means are absurdly far from the data (e.g. at +-1e300): the
    squared distances overflow, no responsibility can be computed, and EM cannot take a step.
    Means so far that the total log-likelihood is below -1.8e308 are refused the same way.
    A singular covariance is not checked here: EMRun reports that as a singular start.
    """
    try:
        _, log_likelihood = e_step(X, params)
    except ComponentCollapse:
        return
    except DensityUnderflow as error:
        raise ValueError(far_start_message(X, params, error.point)) from None
    if log_likelihood == -np.inf:  # each point's log-density is finite, their sum is not
        worst = int(np.argmin(weighted_log_densities(X, params).max(axis=1)))
        raise ValueError(far_start_message(X, params, worst))


def far_start_message(X, params: MixtureParams, point: int) -> str:
    """Why a start whose components are all too far from data point ``point`` cannot be used."""
    X = as_data(X)
    distances = mahalanobis_distances(X[point], params)
    nearest = int(np.argmin(distances))
    distance = float(distances[nearest])
    how_far = (f"about {distance:.2g} standard deviations" if np.isfinite(distance)
               else "more than 1e308 standard deviations")
    where = ", ".join(f"{value:.3g}" for value in X[point])
    mean = ", ".join(f"{value:.3g}" for value in params.means[nearest])
    spans = "; ".join(f"column {d + 1} from {low:.3g} to {high:.3g}"
                      for d, (low, high) in enumerate(zip(X.min(axis=0), X.max(axis=0),
                                                          strict=True)))
    return (
        f"The starting means are too far from the data: data point {point}, x = ({where}), "
        f"is {how_far} from the nearest starting component ({nearest + 1}, mean ({mean})), "
        "so its density is 0 under every component in floating point and EM cannot compute "
        f"a single responsibility. Place the means among the data ({spans}) or choose "
        "another initialisation."
    )


def means_only_params(means, variance: float) -> MixtureParams:
    """The lecture's "learn the means only" model: equal weights and a fixed sigma^2 I.

    means: (K, D); variance: sigma^2 > 0. Freeze weights and covariances when running EM on it.
    """
    means = np.asarray(means, dtype=np.float64)
    if means.ndim == 1:
        means = means.reshape(-1, 1)
    if not variance > 0:
        raise ValueError(f"the shared variance must be > 0, not {variance}")
    n_components = means.shape[0]
    return MixtureParams(
        np.full(n_components, 1.0 / n_components),
        means,
        np.full(n_components, float(variance)),
        "spherical",
    )


def random_responsibilities(n_samples: int, n_components: int, seed: int) -> np.ndarray:
    """Uniform random soft assignments, each row normalised to sum to 1: (N, K)."""
    rng = np.random.default_rng(seed)
    responsibilities = rng.uniform(size=(n_samples, n_components))
    return responsibilities / responsibilities.sum(axis=1, keepdims=True)


def initial_params(
    X,
    n_components: int,
    covariance_type: str = "full",
    method: str = "k-means++",
    *,
    seed: int = 0,
    reg_covar: float = 1e-6,
    means=None,
) -> MixtureParams:
    """Seeded starting parameters for EM (see INIT_DESCRIPTIONS for each method).

    X: (N, D); ``means`` (K, D) is required for "given-means" and ignored otherwise.
    """
    X = as_data(X)
    if method not in INIT_METHODS:
        raise ValueError(f"init must be one of {', '.join(INIT_METHODS)}, not {method!r}")
    if method == "given-means":
        if means is None:
            raise ValueError("the 'given-means' start needs the initial means")
        return params_from_means(X, means, covariance_type, reg_covar)
    if not 1 <= n_components <= X.shape[0]:
        raise ValueError(
            f"K = {n_components} components need at least {n_components} data points; "
            f"the data has {X.shape[0]}"
        )
    if method == "random-points":
        return params_from_means(
            X, kmeans.init_centers(X, n_components, "random-points", seed), covariance_type, reg_covar
        )
    if method == "k-means++":
        return params_from_means(
            X, kmeans.init_centers(X, n_components, "k-means++", seed), covariance_type, reg_covar
        )
    if method == "k-means":
        run = kmeans.KMeansRun(X, kmeans.init_centers(X, n_components, "k-means++", seed))
        run.run_to_convergence()
        labels = kmeans.assign(X, run.history[-1].centers)
        responsibilities = np.eye(n_components)[labels]
    else:
        responsibilities = random_responsibilities(X.shape[0], n_components, seed)
    return m_step(X, responsibilities, covariance_type, reg_covar)
