"""Why EM climbs: the lower bound F(q, theta) under the log-likelihood, and its gap.

For any distribution q over the latent labels (q (N, K), rows summing to 1),

    l(theta) = F(q, theta) + sum_i KL(q_i || p(z_i | x_i, theta)),
    F(q, theta) = Q(theta; q) + H(q),
    Q(theta; q) = sum_i sum_k q_ik log(pi_k N(x_i | mu_k, Sigma_k))   (expected complete-data
                                                                      log-likelihood)
    H(q) = -sum_i sum_k q_ik log q_ik                                 (entropy, 0 log 0 = 0)

and KL >= 0, so F <= l everywhere (Jensen's inequality). The E-step sets q to the posterior
(the responsibilities), which makes the KL gap 0: the bound touches l at the current theta. The
M-step maximises F over theta, i.e. Q (H does not depend on theta). Hence
l(theta_new) >= F(q, theta_new) >= F(q, theta_old) = l(theta_old).

The means-only helpers (:func:`means_only_slice`, :func:`bound_maximiser`) draw this for the
lecture's example: both curves along one mean, the other held fixed.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import logsumexp

from gmm_core.means_only import LECTURE_VARIANCE
from gmm_core.mixture import MixtureParams, as_data, weighted_log_densities


def _check_q(q, n_samples: int, n_components: int) -> np.ndarray:
    q = np.asarray(q, dtype=np.float64)
    if q.shape != (n_samples, n_components):
        raise ValueError(f"q must have shape ({n_samples}, {n_components}), not {q.shape}")
    if np.any(q < 0) or not np.allclose(q.sum(axis=1), 1.0, rtol=0, atol=1e-9):
        raise ValueError("every row of q must be a distribution: entries >= 0 summing to 1")
    return q


def entropy(q) -> float:
    """H(q) = -sum_i sum_k q_ik log q_ik for q (N, K), with 0 log 0 = 0."""
    q = np.asarray(q, dtype=np.float64)
    positive = q > 0
    return float(-np.sum(q[positive] * np.log(q[positive])))


def expected_complete_log_likelihood(X, q, params: MixtureParams) -> float:
    """Q(theta; q) = sum_i sum_k q_ik [log pi_k + log N(x_i | mu_k, Sigma_k)].

    X: (N, D); q: (N, K). Terms with q_ik = 0 count 0 (even where the density is 0).
    """
    X = as_data(X)
    q = _check_q(q, X.shape[0], params.n_components)
    log_joint = weighted_log_densities(X, params)
    return float(np.sum(np.where(q > 0, q * log_joint, 0.0)))


def lower_bound(X, q, params: MixtureParams) -> float:
    """F(q, theta) = Q(theta; q) + H(q) <= l(theta), for X (N, D) and q (N, K)."""
    return expected_complete_log_likelihood(X, q, params) + entropy(q)


def kl_gap(X, q, params: MixtureParams) -> float:
    """l(theta) - F(q, theta) = sum_i KL(q_i || p(z_i | x_i, theta)) >= 0."""
    X = as_data(X)
    log_joint = weighted_log_densities(X, params)
    total = float(np.sum(logsumexp(log_joint, axis=1)))
    return total - lower_bound(X, q, params)


# --- the means-only example: the curves along one mean --------------------------------------


def _log_half_unit_gaussian(x: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """log(1/2 N(x_i | m, 1)) for every m in grid and every point: (G, N)."""
    return (math.log(0.5) - 0.5 * math.log(2.0 * math.pi * LECTURE_VARIANCE)
            - 0.5 * (x[None, :] - grid[:, None]) ** 2 / LECTURE_VARIANCE)


def means_only_slice(X, means, moving: int, grid, q=None) -> tuple[np.ndarray, np.ndarray | None]:
    """l and F(q, .) of the means-only model along one mean, the other held at its value.

    X: (N, 1); means: (2,) the current (mu_1, mu_2); moving: 0 for mu_1, 1 for mu_2; grid: (G,)
    the values tried for the moving mean; q: (N, 2) the distribution over labels (the
    responsibilities of the last E-step), or None. Returns (log_likelihood (G,), bound (G,) or
    None when q is None).
    """
    x = as_data(X)[:, 0]
    grid = np.asarray(grid, dtype=np.float64)
    held = float(np.asarray(means, dtype=np.float64)[1 - moving])
    moving_terms = _log_half_unit_gaussian(x, grid)  # (G, N)
    held_terms = _log_half_unit_gaussian(x, np.array([held]))[0]  # (N,)
    log_likelihood = np.logaddexp(moving_terms, held_terms[None, :]).sum(axis=1)
    if q is None:
        return log_likelihood, None
    q = _check_q(q, len(x), 2)
    bound = (moving_terms @ q[:, moving] + float(held_terms @ q[:, 1 - moving])
             + entropy(q))
    return log_likelihood, bound


def bound_maximiser(X, q) -> np.ndarray:
    """The means (2,) that maximise F(q, .) in the means-only model: sum_i q_ik x_i / N_k.

    These are exactly the M-step's means. A component with N_k = 0 has no maximiser (nan).
    """
    x = as_data(X)[:, 0]
    q = _check_q(q, len(x), 2)
    counts = q.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, (q.T @ x) / counts, np.nan)
