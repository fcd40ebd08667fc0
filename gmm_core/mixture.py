"""Gaussian mixture parameters, the E-step, the M-step and the log-likelihood.

Shapes follow ``sklearn.mixture.GaussianMixture`` so that results compare directly:

- ``X``: (N, D) data, also for 1-D data (D = 1)
- ``weights``: (K,), ``means``: (K, D)
- ``covariances``: full (K, D, D), tied (D, D), diag (K, D), spherical (K,)
- ``responsibilities``: (N, K), rows sum to 1

Everything is computed in log space with Cholesky factors, and every covariance estimate
uses the centred (two-pass) formula: E[x^2] - mu^2 loses all precision for data far from
the origin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import linalg

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")

_LOG_2PI = math.log(2.0 * math.pi)
# scikit-learn adds 10 machine epsilons to every component's soft count so that an empty
# component does not divide by zero; we do the same to stay comparable step by step.
_EMPTY_COMPONENT_GUARD = 10.0 * np.finfo(np.float64).eps


class ComponentCollapse(ValueError):
    """A component's covariance is singular, so its density (and the likelihood) is unbounded.

    Attributes: ``component`` (index k) and ``message`` (an explanation for a student).
    """

    def __init__(self, component: int, message: str):
        super().__init__(message)
        self.component = component
        self.message = message


class DensityUnderflow(ValueError):
    """A point is so far from every component that all its densities are 0 in floating point.

    Nothing has collapsed: the squared distance (x - mu_k)^T Sigma_k^{-1} (x - mu_k) overflows
    for every k, so log N(x | mu_k, Sigma_k) is -inf for every k, and p(k | x) is 0/0.
    Attributes: ``point`` (index i of the row of X), ``distance`` (the Mahalanobis distance
    to the nearest component, in its standard deviations; inf when even that overflows; nan
    when unknown) and ``message`` (an explanation for a student).
    """

    def __init__(self, point: int, distance: float, message: str):
        super().__init__(message)
        self.point = point
        self.distance = distance
        self.message = message


def _readonly(array) -> np.ndarray:
    array = np.array(array, dtype=np.float64, copy=True)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class MixtureParams:
    """The parameters of a Gaussian mixture; arrays are copied and made read-only.

    weights: (K,); means: (K, D); covariances: full (K, D, D), tied (D, D), diag (K, D),
    spherical (K,); covariance_type: one of ``COVARIANCE_TYPES``.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    covariance_type: str = "full"

    def __post_init__(self):
        if self.covariance_type not in COVARIANCE_TYPES:
            raise ValueError(
                f"covariance_type must be one of {', '.join(COVARIANCE_TYPES)}, "
                f"not {self.covariance_type!r}"
            )
        weights = _readonly(self.weights).reshape(-1)
        means = _readonly(self.means)
        if means.ndim == 1:
            means = _readonly(means.reshape(-1, 1))
        if means.ndim != 2:
            raise ValueError(f"means must have shape (K, D), got {means.shape}")
        n_components, n_features = means.shape
        if weights.shape != (n_components,):
            raise ValueError(f"weights must have shape ({n_components},), got {weights.shape}")
        covariances = _readonly(self.covariances)
        expected = _covariance_shape(self.covariance_type, n_components, n_features)
        if covariances.shape != expected:
            raise ValueError(
                f"{self.covariance_type} covariances must have shape {expected}, "
                f"got {covariances.shape}"
            )
        for name, values in (("weights", weights), ("means", means),
                             ("covariances", covariances)):
            if not np.all(np.isfinite(values)):
                raise ValueError(f"the mixture's {name} must be finite numbers; got {values}")
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "means", means)
        object.__setattr__(self, "covariances", covariances)

    @property
    def n_components(self) -> int:
        """K: the rows of ``means``."""
        return self.means.shape[0]

    @property
    def n_features(self) -> int:
        """D: the columns of ``means``."""
        return self.means.shape[1]

    def replace(self, **changes) -> MixtureParams:
        """A copy with some fields replaced (e.g. frozen weights put back after an M-step)."""
        fields = {
            "weights": self.weights,
            "means": self.means,
            "covariances": self.covariances,
            "covariance_type": self.covariance_type,
        }
        fields.update(changes)
        return MixtureParams(**fields)


def _covariance_shape(covariance_type: str, n_components: int, n_features: int) -> tuple:
    return {
        "full": (n_components, n_features, n_features),
        "tied": (n_features, n_features),
        "diag": (n_components, n_features),
        "spherical": (n_components,),
    }[covariance_type]


# Data EM can compute with: squares of |x| <= 1e150, summed over 200,000 points, stay far
# below the float maximum (1.8e308); differences of at least 1e-150 keep squares above the
# smallest normal float (2.2e-308), so variances keep their precision.
MAX_ABS_DATA = 1e150
MIN_DATA_SPREAD = 1e-150


def as_data(X) -> np.ndarray:
    """X as a C-contiguous float64 array of shape (N, D); a 1-D input becomes (N, 1).

    Raises ValueError for an empty array, NaN or infinite values, and columns EM cannot compute
    with (see :func:`data_scale_problem`).
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"data must be a non-empty array of shape (N, D), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("data contains NaN or infinite values; drop or fix those rows first")
    for d in range(X.shape[1]):
        problem = data_scale_problem(X[:, d], f"Column {d + 1} of the data")
        if problem:
            raise ValueError(problem)
    return X


def data_scale_problem(column: np.ndarray, name: str) -> str | None:
    """Why EM cannot compute with this column (N,) of finite values, or None.

    Values beyond ±MAX_ABS_DATA: their squares overflow. Values that differ, but by less than
    MIN_DATA_SPREAD: their squared differences underflow, so the variance is 0 or denormal. A
    constant column is not a problem here (with reg_covar > 0 EM runs; with reg_covar = 0 the
    start is reported as singular). ``name`` starts the sentence, e.g. "Column 'x'".
    """
    largest = float(np.max(np.abs(column)))
    if largest > MAX_ABS_DATA:
        return (f"{name} has values as large as {largest:.3g}: their squares overflow "
                "floating point (beyond 1.8e308), so no variance can be computed. Rescale it "
                f"(for example change its unit) so that every value is below {MAX_ABS_DATA:g}.")
    spread = float(np.max(column) - np.min(column))
    if 0.0 < spread < MIN_DATA_SPREAD:
        return (f"{name} varies by only {spread:.3g}: squares of such small differences "
                "underflow to 0 in floating point (below 1e-300), so its variance cannot be "
                "computed. Rescale it (multiply it by a large power of ten, for example change "
                "its unit).")
    return None


# --- Gaussian log-densities: one small function per covariance type ------------------------


def _cholesky_or_collapse(covariance: np.ndarray, component: int) -> np.ndarray:
    """Lower Cholesky factor L of a (D, D) covariance, or ComponentCollapse if it is singular."""
    try:
        return linalg.cholesky(covariance, lower=True, check_finite=False)
    except linalg.LinAlgError:
        raise ComponentCollapse(component, _singular_message(component)) from None


def _singular_message(component: int) -> str:
    return (
        f"Component {component + 1} has a singular covariance: it has shrunk onto a single "
        "point (or a line), where its density is infinite. The likelihood is unbounded, so "
        "maximum likelihood has no answer here. Set reg_covar > 0 to keep every variance "
        "above a floor."
    )


def _inverse_cholesky(covariance: np.ndarray, component: int):
    """(L^{-1} (D, D), log det Sigma) for a (D, D) covariance Sigma = L L^T, or ComponentCollapse."""
    chol = _cholesky_or_collapse(covariance, component)
    identity = np.eye(covariance.shape[0])
    inverse = linalg.solve_triangular(chol, identity, lower=True, check_finite=False)
    return inverse, 2.0 * np.log(np.diag(chol)).sum()


def _whitened_sq_norm_full(diffs: np.ndarray, covariances: np.ndarray):
    """diffs (K, N, D), covariances (K, D, D) -> (squared Mahalanobis (K, N), log det (K,))."""
    sq_norms = np.empty(diffs.shape[:2])
    log_dets = np.empty(diffs.shape[0])
    for k, covariance in enumerate(covariances):
        inverse, log_dets[k] = _inverse_cholesky(covariance, k)
        # y = L^{-1}(x - mu) row by row, so |y|^2 is the Mahalanobis distance without ever
        # forming Sigma^{-1}; a (N, D) @ (D, D) product is one BLAS call.
        whitened = diffs[k] @ inverse.T
        sq_norms[k] = np.einsum("nd,nd->n", whitened, whitened)
    return sq_norms, log_dets


def _whitened_sq_norm_tied(diffs: np.ndarray, covariance: np.ndarray):
    """diffs (K, N, D), covariance (D, D) shared -> (squared Mahalanobis (K, N), log det (K,))."""
    inverse, log_det = _inverse_cholesky(covariance, 0)
    whitened = diffs @ inverse.T
    sq_norms = np.einsum("knd,knd->kn", whitened, whitened)
    return sq_norms, np.full(diffs.shape[0], log_det)


def _whitened_sq_norm_diag(diffs: np.ndarray, variances: np.ndarray):
    """diffs (K, N, D), variances (K, D) -> (squared Mahalanobis (K, N), log det (K,))."""
    for k, row in enumerate(variances):
        if np.any(row <= 0.0):
            raise ComponentCollapse(k, _singular_message(k))
    # Divided by the standard deviations, not multiplied by 1 / variance: a tiny variance
    # (1e-320) has a finite square root, and 0 / sigma stays 0 where 0 * inf would be nan.
    whitened = diffs / np.sqrt(variances)[:, None, :]
    sq_norms = np.einsum("knd,knd->kn", whitened, whitened)
    return sq_norms, np.log(variances).sum(axis=1)


def _whitened_sq_norm_spherical(diffs: np.ndarray, variances: np.ndarray):
    """diffs (K, N, D), variances (K,) -> (squared Mahalanobis (K, N), log det (K,))."""
    for k, variance in enumerate(variances):
        if variance <= 0.0:
            raise ComponentCollapse(k, _singular_message(k))
    sq_norms = np.einsum("knd,knd->kn", diffs, diffs) / variances[:, None]
    return sq_norms, diffs.shape[2] * np.log(variances)


_WHITENED_SQ_NORM = {
    "full": _whitened_sq_norm_full,
    "tied": _whitened_sq_norm_tied,
    "diag": _whitened_sq_norm_diag,
    "spherical": _whitened_sq_norm_spherical,
}


def _differences(X: np.ndarray, means: np.ndarray) -> np.ndarray:
    """x_i - mu_k for every pair: (K, N, D); centred first, so no precision is lost far from 0."""
    return X[None, :, :] - means[:, None, :]


def weighted_log_densities(X, params: MixtureParams) -> np.ndarray:
    """log pi_k + log N(x_i | mu_k, Sigma_k) for every point and component: (N, K).

    Raises ComponentCollapse when a covariance is singular.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.shape[1] != params.n_features:
        raise ValueError(
            f"data has {X.shape[1]} feature(s) but the mixture has {params.n_features}"
        )
    diffs = _differences(X, params.means)
    # A point astronomically far from a component (in its standard deviations) overflows its
    # squared distance to inf, or to nan where whitening meets inf - inf: either way its
    # density under that component is 0 in floating point, a log-density of -inf.
    with np.errstate(over="ignore", invalid="ignore"):
        sq_norms, log_dets = _WHITENED_SQ_NORM[params.covariance_type](
            diffs, params.covariances)
    sq_norms[np.isnan(sq_norms)] = np.inf
    n_features = params.n_features
    with np.errstate(divide="ignore"):
        log_weights = np.log(params.weights)
    log_gauss = -0.5 * (n_features * _LOG_2PI + log_dets[:, None] + sq_norms)
    return (log_gauss + log_weights[:, None]).T


def normalise_log_densities(weighted: np.ndarray):
    """Row-wise log-sum-exp of (N, K) log densities -> (responsibilities (N, K), log p(x_i) (N,)).

    One exponential pass serves both outputs: exp(a - max) is reused for the normaliser and
    the responsibilities.
    """
    row_max = weighted.max(axis=1)
    if not np.all(np.isfinite(row_max)):
        bad = int(np.flatnonzero(~np.isfinite(row_max))[0])
        raise DensityUnderflow(
            bad, math.nan,
            f"Point {bad} has density 0 under every component in floating point (all its "
            "log-densities are -inf): it is too far from every component.",
        )
    scaled = np.exp(weighted - row_max[:, None])
    totals = scaled.sum(axis=1)
    scaled /= totals[:, None]
    return scaled, row_max + np.log(totals)


def e_step(X, params: MixtureParams):
    """The E-step: responsibilities r_ik = p(z_i = k | x_i) and the total log-likelihood.

    X: (N, D). Returns (responsibilities (N, K) with rows summing to 1, log-likelihood float:
    sum_i log sum_k pi_k N(x_i | mu_k, Sigma_k)). Raises ComponentCollapse on a singular
    covariance and DensityUnderflow for a point too far from every component.
    """
    weighted = weighted_log_densities(X, params)
    try:
        responsibilities, log_norms = normalise_log_densities(weighted)
    except DensityUnderflow as error:
        raise density_underflow(X, params, error.point) from None
    with np.errstate(over="ignore"):  # a sum beyond -1.8e308 is -inf, honestly
        return responsibilities, float(log_norms.sum())


def log_likelihood(X, params: MixtureParams) -> float:
    """Total log-likelihood sum_i log p(x_i) of X (N, D) under the mixture."""
    return e_step(X, params)[1]


def predict_proba(X, params: MixtureParams) -> np.ndarray:
    """Membership probabilities p(z = k | x) of (new) points X (N, D): (N, K).

    Raises DensityUnderflow when a point is so far from every component that all its
    densities are 0 in floating point (e.g. x = 1e160 for data near 0), ComponentCollapse
    when a covariance is singular.
    """
    return e_step(X, params)[0]


def mahalanobis_distances(point: np.ndarray, params: MixtureParams) -> np.ndarray:
    """Distance of one point (D,) to every component in its standard deviations: (K,).

    sqrt((x - mu_k)^T Sigma_k^{-1} (x - mu_k)), computed with the difference scaled first, so
    that it is finite even where its square overflows; inf where even the distance overflows.
    A singular covariance raises ComponentCollapse.
    """
    point = np.asarray(point, dtype=np.float64).reshape(-1)
    covariances = full_covariances(params)
    distances = np.empty(params.n_components)
    with np.errstate(all="ignore"):
        for k, (mean, covariance) in enumerate(zip(params.means, covariances, strict=True)):
            diff = point - mean
            scale = float(np.max(np.abs(diff)))
            if scale == 0.0:
                distances[k] = 0.0
                continue
            if not math.isfinite(scale):
                distances[k] = math.inf
                continue
            chol = _cholesky_or_collapse(covariance, k)
            whitened = linalg.solve_triangular(chol, diff / scale, lower=True,
                                               check_finite=False)
            distances[k] = float(np.sqrt(np.sum(whitened * whitened))) * scale
    distances[~np.isfinite(distances)] = math.inf
    return distances


def density_underflow(X, params: MixtureParams, point: int) -> DensityUnderflow:
    """The DensityUnderflow for row ``point`` of X (N, D), with a message saying how far it is."""
    X = np.asarray(X, dtype=np.float64).reshape(-1, params.n_features)
    x = X[point]
    distances = mahalanobis_distances(x, params)
    nearest = int(np.argmin(distances))
    distance = float(distances[nearest])
    where = ", ".join(f"{value:.3g}" for value in x)
    where = f"({where})" if len(x) > 1 else where
    how_far = (f"about {distance:.2g} standard deviations" if math.isfinite(distance)
               else "more than 1e308 standard deviations")
    point_name = "the point" if len(X) == 1 else f"point {point}"
    message = (
        f"Every component's density underflows to 0 this far from the data: {point_name} "
        f"x = {where} is {how_far} from the nearest component ({nearest + 1}). Its "
        "log-density there, −½ × distance², is below the most negative floating-point number "
        "(about −1.8e308), so p(component | x) would be 0/0. Nothing has collapsed. Move the "
        "point closer to the data (the limit is about 1.9e154 standard deviations from a "
        "component)."
    )
    return DensityUnderflow(point, distance, message)


# --- M-step: one small covariance estimator per type, all centred -------------------------


def _covariances_full(X, responsibilities, counts, means, reg_covar):
    """-> (K, D, D): sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / n_k + reg I."""
    n_features = X.shape[1]
    covariances = np.empty((means.shape[0], n_features, n_features))
    for k, mean in enumerate(means):
        diff = X - mean
        covariances[k] = (responsibilities[:, k] * diff.T) @ diff / counts[k]
        covariances[k].flat[:: n_features + 1] += reg_covar
    return covariances


def _covariances_tied(X, responsibilities, counts, means, reg_covar):
    """-> (D, D): sum_k sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N + reg I."""
    n_features = X.shape[1]
    covariance = np.zeros((n_features, n_features))
    for k, mean in enumerate(means):
        diff = X - mean
        covariance += (responsibilities[:, k] * diff.T) @ diff
    covariance /= counts.sum()
    covariance.flat[:: n_features + 1] += reg_covar
    return covariance


def _covariances_diag(X, responsibilities, counts, means, reg_covar):
    """-> (K, D): sum_i r_ik (x_id - mu_kd)^2 / n_k + reg."""
    diffs = _differences(X, means)
    return np.einsum("nk,knd,knd->kd", responsibilities, diffs, diffs) / counts[:, None] + reg_covar


def _covariances_spherical(X, responsibilities, counts, means, reg_covar):
    """-> (K,): the mean over features of the diagonal variances (scikit-learn's convention)."""
    return _covariances_diag(X, responsibilities, counts, means, reg_covar).mean(axis=1)


_COVARIANCE_ESTIMATORS = {
    "full": _covariances_full,
    "tied": _covariances_tied,
    "diag": _covariances_diag,
    "spherical": _covariances_spherical,
}


def m_step(X, responsibilities, covariance_type: str = "full", reg_covar: float = 1e-6):
    """The closed-form M-step.

    X: (N, D); responsibilities: (N, K). With soft counts n_k = sum_i r_ik:
    pi_k = n_k / N, mu_k = sum_i r_ik x_i / n_k, Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / n_k,
    then ``reg_covar`` is added to every variance, as scikit-learn does. Returns MixtureParams.
    """
    if covariance_type not in COVARIANCE_TYPES:
        raise ValueError(
            f"covariance_type must be one of {', '.join(COVARIANCE_TYPES)}, not {covariance_type!r}"
        )
    if reg_covar < 0 or not math.isfinite(reg_covar):
        raise ValueError(f"reg_covar must be a finite number >= 0, not {reg_covar}")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    responsibilities = np.asarray(responsibilities, dtype=np.float64)
    if responsibilities.ndim != 2 or responsibilities.shape[0] != X.shape[0]:
        raise ValueError(
            f"responsibilities must have shape (N={X.shape[0]}, K), got {responsibilities.shape}"
        )
    counts = responsibilities.sum(axis=0) + _EMPTY_COMPONENT_GUARD
    means = responsibilities.T @ X / counts[:, None]
    covariances = _COVARIANCE_ESTIMATORS[covariance_type](
        X, responsibilities, counts, means, reg_covar
    )
    return MixtureParams(counts / counts.sum(), means, covariances, covariance_type)


# --- Views and sampling ---------------------------------------------------------------------


def full_covariances(params: MixtureParams) -> np.ndarray:
    """Every component's covariance as a full matrix, whatever the type: (K, D, D)."""
    n_components, n_features = params.n_components, params.n_features
    covariances = params.covariances
    if params.covariance_type == "full":
        return np.array(covariances)
    if params.covariance_type == "tied":
        return np.repeat(covariances[None, :, :], n_components, axis=0)
    if params.covariance_type == "diag":
        return np.array([np.diag(row) for row in covariances])
    return covariances[:, None, None] * np.eye(n_features)[None, :, :]


def component_variance_floor(params: MixtureParams) -> np.ndarray:
    """The smallest variance in any direction, per component: (K,) (eigenvalues of Sigma_k)."""
    if params.covariance_type == "diag":
        return params.covariances.min(axis=1)
    if params.covariance_type == "spherical":
        return np.array(params.covariances)
    return np.array([np.linalg.eigvalsh(c)[0] for c in full_covariances(params)])


def sample(params: MixtureParams, n_samples: int, seed: int = 0):
    """Draw from the generative story: z ~ Categorical(pi), then x ~ N(mu_z, Sigma_z).

    Returns (X (n_samples, D), components (n_samples,) int: the z of each point).
    """
    if n_samples < 0:
        raise ValueError("n_samples must be >= 0")
    rng = np.random.default_rng(seed)
    weights = params.weights / params.weights.sum()
    components = rng.choice(params.n_components, size=n_samples, p=weights)
    covariances = full_covariances(params)
    X = np.empty((n_samples, params.n_features))
    for k in range(params.n_components):
        chosen = components == k
        if np.any(chosen):
            X[chosen] = rng.multivariate_normal(
                params.means[k], covariances[k], size=int(chosen.sum()), method="cholesky"
            )
    return X, components
