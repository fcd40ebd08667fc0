"""The gradient of a Gaussian mixture's log-likelihood with respect to the means, three ways.

* forward mode with *vector* dual numbers: the K·D mean coordinates are seeded with the identity,
  so a single vectorised pass over all N points carries the whole gradient (K·D dual parts);
* reverse mode with array-valued tape nodes: one backward sweep;
* the closed form ∂ℓ/∂μ_k = Σ_i r_ik Σ_k⁻¹ (x_i − μ_k) (r the responsibilities of the E-step).

They agree to round-off, which is the point of the lesson. :func:`gradient_ascent` climbs the
log-likelihood in the means (weights and covariances held fixed) to compare with EM.

Shapes: X (N, D), means (K, D), gradients (K, D).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gmm_core.autodiff.dual import Dual
from gmm_core.autodiff.reverse import Node, topological_order
from gmm_core.mixture import MixtureParams, e_step, full_covariances

__all__ = [
    "GradientAscentRun",
    "closed_form_mean_gradient",
    "gradient_ascent",
    "mean_gradient_forward",
    "mean_gradient_reverse",
    "reverse_tape_size",
]


def _whitening(params: MixtureParams):
    """For each component k: (U_k (D, D) with Σ_k⁻¹ = U_k U_kᵀ, log |Σ_k|)."""
    factors = []
    for covariance in full_covariances(params):
        cholesky = np.linalg.cholesky(covariance)
        inverse_cholesky_t = np.linalg.inv(cholesky).T
        factors.append((inverse_cholesky_t, 2.0 * np.log(np.diag(cholesky)).sum()))
    return factors


def _log_likelihood_of_means(X, params: MixtureParams, means):
    """ℓ(μ) = Σ_i log Σ_k π_k N(x_i | μ_k, Σ_k), written once for Duals and Nodes alike.

    ``means`` is a Dual or Node of shape (K, D); the result is a scalar Dual or Node. The
    log-sum-exp shift uses plain numbers: it cancels exactly, so it needs no derivative.
    """
    X = np.asarray(X, float)
    n_features = X.shape[1]
    weighted = []
    for k, (whiten, log_det) in enumerate(_whitening(params)):
        whitened = (X - means[k]) @ whiten  # (N, D): Σ_k^(-1/2)(x_i − μ_k)
        squared_distance = (whitened * whitened).sum(axis=1)  # (N,)
        constant = np.log(params.weights[k]) - 0.5 * (n_features * np.log(2 * np.pi) + log_det)
        weighted.append(squared_distance * -0.5 + constant)
    shift = np.max([np.asarray(w.value) for w in weighted], axis=0)  # (N,)
    total = weighted[0] * 0.0  # the sum Σ_k exp(·) starts from zero with the right shape
    for w in weighted:
        total = total + (w - shift).exp()
    return (total.log() + shift).sum()


def mean_gradient_forward(X, params: MixtureParams) -> tuple[float, np.ndarray]:
    """(ℓ, ∂ℓ/∂means (K, D)) in one vectorised forward pass with K·D seeds."""
    n_components, n_features = params.means.shape
    seeds = np.eye(n_components * n_features).reshape(n_components, n_features, -1)
    result = _log_likelihood_of_means(X, params, Dual(params.means, seeds))
    return float(result.value), np.asarray(result.deriv).reshape(n_components, n_features)


def mean_gradient_reverse(X, params: MixtureParams) -> tuple[float, np.ndarray]:
    """(ℓ, ∂ℓ/∂means (K, D)) with one backward sweep over array-valued tape nodes."""
    means = Node(params.means, label="means")
    result = _log_likelihood_of_means(X, params, means)
    result.backward()
    return float(result.value), np.asarray(means.grad, float)


def reverse_tape_size(X, params: MixtureParams) -> tuple[int, int]:
    """What the tape of :func:`mean_gradient_reverse` holds for the backward sweep: (the number
    of recorded operations, the numbers their values hold in all). Constants (the data, the
    covariance factors) are counted out: the tape only points to them."""
    result = _log_likelihood_of_means(X, params, Node(params.means, label="means"))
    recorded = [node for node in topological_order(result) if not node.is_constant]
    return len(recorded), int(sum(np.size(node.value) for node in recorded))


def closed_form_mean_gradient(X, params: MixtureParams) -> tuple[float, np.ndarray]:
    """(ℓ, Σ_i r_ik Σ_k⁻¹ (x_i − μ_k) for each k as (K, D)): the textbook formula."""
    X = np.asarray(X, float)
    responsibilities, total = e_step(X, params)
    gradient = np.empty_like(params.means, dtype=float)
    for k, covariance in enumerate(full_covariances(params)):
        weighted_difference = responsibilities[:, k] @ (X - params.means[k])  # (D,)
        gradient[k] = np.linalg.solve(covariance, weighted_difference)
    return float(total), gradient


@dataclass(frozen=True)
class GradientAscentRun:
    """The path of gradient ascent on the means.

    ``means``: (n_steps + 1, K, D) including the start; ``log_likelihoods``: (n_steps + 1,) total;
    ``stopped``: a message if the run stopped early (non-finite numbers), else ``None``.
    """

    means: np.ndarray
    log_likelihoods: np.ndarray
    stopped: str | None


def gradient_ascent(X, start: MixtureParams, learning_rate: float, n_steps: int,
                    gradient=mean_gradient_reverse) -> GradientAscentRun:
    """μ ← μ + η · (1/N) ∂ℓ/∂μ, weights and covariances kept at their starting values.

    The gradient is that of the *average* log-likelihood, so ``learning_rate`` does not depend
    on the number of points. ``gradient``: one of the gradient functions of this module.
    """
    X = np.asarray(X, float)
    params = start
    total, grad = gradient(X, params)
    means, totals = [params.means.copy()], [total]
    stopped = None
    for _ in range(int(n_steps)):
        new_means = params.means + learning_rate * grad / X.shape[0]
        if not np.all(np.isfinite(new_means)):
            stopped = "the means left the range of floating-point numbers: lower the learning rate"
            break
        params = replace(params, means=new_means)
        total, grad = gradient(X, params)
        if not (np.isfinite(total) and np.all(np.isfinite(grad))):
            stopped = "the log-likelihood is no longer finite: lower the learning rate"
            break
        means.append(new_means.copy())
        totals.append(total)
    return GradientAscentRun(np.array(means), np.array(totals), stopped)

