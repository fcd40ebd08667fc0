"""Common mistakes in from-scratch EM code, computed on real data: what each one would change.

Each function takes the data X (N, D), the parameters on screen and (where the mistake is in
a step that uses them) the responsibilities (N, K), and returns the correct and the mistaken
quantity side by side, so a page can show what goes wrong *on the data the student is
looking at*. The mistakes are the ones the from-scratch tutorial makes (see DESIGN.md):

1. passing a variance where a standard deviation is expected (``norm(scale=var)``);
2. normalising responsibilities by the wrong sum (all points instead of each point's);
3. forgetting 1/N_k in Σ_k;
4. taking the log of a sum over all points instead of the sum of each point's log density;
5. predicting a new point's component without the weights π_k;
6. writing (x − μ)ᵀ(x − μ), a number, where (x − μ)(x − μ)ᵀ, a matrix, is meant.

Pure numpy/scipy; no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from gmm_core.mixture import (
    MixtureParams,
    as_data,
    full_covariances,
    weighted_log_densities,
)


@dataclass(frozen=True)
class VarianceAsScale:
    """Mistake 1: the density evaluated with variance σ⁴ (Σ Σ in D dimensions) instead of σ².

    changed_labels: points whose most responsible component changes; max_gap: the largest
    change of a responsibility; widths: (K,) the ratio of the mistaken spread to the right one
    along each component's widest direction (√ of the largest eigenvalue of Σ_k).
    """

    changed_labels: int
    max_gap: float
    widths: np.ndarray


def variance_as_scale(X, params: MixtureParams) -> VarianceAsScale:
    """What ``norm(x, mu, scale=variance)`` does: the spread is squared once too often."""
    X = as_data(X)
    right = _responsibilities(X, params)
    covariances = full_covariances(params)
    squared = np.einsum("kij,kjl->kil", covariances, covariances)
    wrong = _responsibilities(X, params.replace(covariances=squared, covariance_type="full"))
    largest = np.linalg.eigvalsh(covariances)[:, -1]
    return VarianceAsScale(
        changed_labels=int(np.count_nonzero(right.argmax(1) != wrong.argmax(1))),
        max_gap=float(np.abs(right - wrong).max()),
        widths=np.sqrt(np.linalg.eigvalsh(squared)[:, -1] / largest),
    )


@dataclass(frozen=True)
class WrongNormalisation:
    """Mistake 2: r_ik = π_k N(x_i | μ_k, Σ_k) / (Σ_j π_j · Σ_i Σ_j N(...)) instead of dividing by
    each point's own Σ_j π_j N(x_i | μ_j, Σ_j).

    row_sums: (min, max) of Σ_k r_ik over the points (1 and 1 when right); weight_sum: Σ_k π_k
    after an M-step on the mistaken responsibilities (1 when right).
    """

    row_sums: tuple[float, float]
    weight_sum: float


def wrong_normalisation(X, params: MixtureParams) -> WrongNormalisation:
    X = as_data(X)
    weighted = np.exp(weighted_log_densities(X, params))
    # The tutorial's expression: every point's terms divided by one global sum.
    wrong = weighted / (params.weights.sum() * weighted.sum())
    rows = wrong.sum(axis=1)
    counts = wrong.sum(axis=0)
    return WrongNormalisation((float(rows.min()), float(rows.max())),
                              float(counts.sum() / len(X)))


@dataclass(frozen=True)
class MissingOneOverCount:
    """Mistake 3: Σ_k = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ without the factor 1/N_k.

    counts: (K,) N_k; scale: (K,) how many times wider each ellipse is drawn (√N_k).
    """

    counts: np.ndarray
    scale: np.ndarray


def missing_one_over_count(responsibilities: np.ndarray) -> MissingOneOverCount:
    """responsibilities: (N, K) of the E-step the M-step uses."""
    counts = np.asarray(responsibilities, dtype=np.float64).sum(axis=0)
    return MissingOneOverCount(counts, np.sqrt(counts))


@dataclass(frozen=True)
class LogOfSum:
    """Mistake 4: log Σ_i p(x_i) instead of ℓ = Σ_i log p(x_i).

    right: ℓ(θ); wrong: the log of the summed densities (about the log-density of the most
    likely point plus log N: it ignores almost every point).
    """

    right: float
    wrong: float


def log_of_sum(X, params: MixtureParams) -> LogOfSum:
    X = as_data(X)
    per_point = logsumexp(weighted_log_densities(X, params), axis=1)
    return LogOfSum(float(per_point.sum()), float(logsumexp(per_point)))


@dataclass(frozen=True)
class PredictionWithoutWeights:
    """Mistake 5: argmax_k N(x | μ_k, Σ_k) instead of argmax_k π_k N(x | μ_k, Σ_k).

    changed: points whose predicted component changes; n_points: N.
    """

    changed: int
    n_points: int


def prediction_without_weights(X, params: MixtureParams) -> PredictionWithoutWeights:
    X = as_data(X)
    weighted = weighted_log_densities(X, params)
    unweighted = weighted - np.log(np.maximum(params.weights, np.finfo(float).tiny))
    changed = int(np.count_nonzero(weighted.argmax(1) != unweighted.argmax(1)))
    return PredictionWithoutWeights(changed, len(X))


@dataclass(frozen=True)
class InnerForOuter:
    """Mistake 6: (x − μ)ᵀ(x − μ) (a number) for (x − μ)(x − μ)ᵀ (a D×D matrix) in Σ_k.

    right: (K, D, D) the covariances (before λ); wrong: (K,) the numbers the mistaken line
    computes: the trace of each Σ_k, which as σ²I makes every ellipse a circle, D times too
    large on average.
    """

    right: np.ndarray
    wrong: np.ndarray


def inner_for_outer(X, responsibilities: np.ndarray) -> InnerForOuter:
    """responsibilities: (N, K) of the E-step the M-step uses."""
    X = as_data(X)
    responsibilities = np.asarray(responsibilities, dtype=np.float64)
    counts = np.maximum(responsibilities.sum(axis=0), np.finfo(float).tiny)
    means = responsibilities.T @ X / counts[:, None]
    right = np.empty((len(counts), X.shape[1], X.shape[1]))
    wrong = np.empty(len(counts))
    for k, mean in enumerate(means):
        centred = X - mean
        right[k] = (responsibilities[:, k, None] * centred).T @ centred / counts[k]
        wrong[k] = float(responsibilities[:, k] @ np.einsum("nd,nd->n", centred, centred)
                         / counts[k])
    return InnerForOuter(right, wrong)


def _responsibilities(X: np.ndarray, params: MixtureParams) -> np.ndarray:
    weighted = weighted_log_densities(X, params)
    return np.exp(weighted - logsumexp(weighted, axis=1, keepdims=True))
