"""What a stopped EM run has (and has not) shown: honest diagnostics for the notes on screen.

A run that stops because ℓ changed less than ``tol`` per point has found a point where EM
moves slowly, not necessarily a maximum:

- **coinciding components**: two components with the same mean and covariance get
  proportional responsibilities, so every M-step keeps them identical. EM stays on this
  subspace forever: the fit behaves like a model with fewer components, at a stationary point
  that is usually a saddle of ℓ, not a maximum;
- **a loose tolerance**: with scikit-learn's default tol = 1e-3 per point EM can stop while
  still climbing slowly (the textbook example);
- **the iteration limit**: the run was cut short.

Pure numpy; no Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gmm_core.mixture import MixtureParams, full_covariances

# Two components coincide when their means differ by less than this fraction of the data's
# typical standard deviation and their covariances by less than this fraction of its variance.
COINCIDE_RELATIVE = 1e-6
# A stopping tolerance this loose (per point) can stop EM while it is still climbing.
LOOSE_TOL = 1e-4


def coinciding_components(params: MixtureParams, data_variance: float) -> list[tuple[int, int]]:
    """Pairs (k, j), k < j, of components with (numerically) the same mean and covariance.

    params: the mixture (means (K, D)); data_variance: the data's mean per-feature variance,
    the scale the comparison is relative to.
    """
    scale = max(float(data_variance), np.finfo(float).tiny)
    means = params.means
    covariances = full_covariances(params)
    pairs = []
    for k in range(params.n_components):
        for j in range(k + 1, params.n_components):
            mean_gap = float(np.linalg.norm(means[k] - means[j])) / np.sqrt(scale)
            covariance_gap = float(np.abs(covariances[k] - covariances[j]).max()) / scale
            if mean_gap < COINCIDE_RELATIVE and covariance_gap < COINCIDE_RELATIVE:
                pairs.append((k, j))
    return pairs


@dataclass(frozen=True)
class StopDiagnosis:
    """Why a finished run stopped and what that proves.

    status: the run's status ("converged", "max_iter", "collapsed"); coinciding: pairs of
    identical components (0-based); last_gain: the change of ℓ (total) in the last complete
    iteration (None if there was none); loose_tol: the tolerance is loose enough to stop EM
    while it still climbs.
    """

    status: str
    coinciding: tuple[tuple[int, int], ...]
    last_gain: float | None
    loose_tol: bool


def diagnose_stop(history: Sequence, status: str, tol: float,
                  data_variance: float) -> StopDiagnosis:
    """Diagnose a finished run. history: its entries (``HalfStep``: kind, log_likelihood,
    params), start first."""
    last = history[-1]
    m_indices = [i for i, entry in enumerate(history) if entry.kind == "M"]
    gain = None
    if m_indices:
        end = m_indices[-1]
        before = m_indices[-2] if len(m_indices) > 1 else 0
        gain = float(history[end].log_likelihood - history[before].log_likelihood)
    return StopDiagnosis(
        status=status,
        coinciding=tuple(coinciding_components(last.params, data_variance)),
        last_gain=gain,
        loose_tol=tol >= LOOSE_TOL,
    )


def data_variance(X: np.ndarray) -> float:
    """The data's mean per-feature variance (X: (N, D)): the scale of 'coinciding'."""
    return float(np.var(np.asarray(X, dtype=np.float64), axis=0).mean())
