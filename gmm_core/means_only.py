"""The lecture's smallest example of learning without labels: "learn the means only".

1-D data, two components with sigma = 1 and equal weights 1/2, both fixed, so only the two means
mu_1 and mu_2 are unknown. The log-likelihood is a surface over (mu_1, mu_2)
(:func:`means_only_surface`), symmetric under swapping the two means, and EM climbs it
(:func:`means_only_run`, :func:`means_only_path`).

Shapes: data X is (N, 1); a grid of means is (G,); a surface over the grid is (G, G) indexed
[mu_2, mu_1].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gmm_core.em_run import EMRun
from gmm_core.initialisation import means_only_params
from gmm_core.mixture import MixtureParams, as_data, e_step, sample

# sigma = 1 and equal weights, both fixed.
LECTURE_VARIANCE = 1.0
SEPARATION_MIN, SEPARATION_MAX = 0.0, 10.0
LECTURE_SAMPLES_MIN, LECTURE_SAMPLES_MAX = 10, 2000
LECTURE_MEAN_LIMIT = 20.0  # EM starts with |mu_1|, |mu_2| <= this


def lecture_params(mu1: float, mu2: float) -> MixtureParams:
    """Two 1-D components N(mu_1, 1) and N(mu_2, 1) with weights 1/2: the means-only model."""
    return means_only_params(np.array([[mu1], [mu2]]), LECTURE_VARIANCE)


def means_only_data(separation: float, n_samples: int, seed: int) -> np.ndarray:
    """The lecture's data: n points from (1/2) N(-s/2, 1) + (1/2) N(s/2, 1). Returns X (n, 1)."""
    if not (math.isfinite(separation) and SEPARATION_MIN <= separation <= SEPARATION_MAX):
        raise ValueError(
            f"the separation must be from {SEPARATION_MIN:g} to {SEPARATION_MAX:g}, "
            f"not {separation}"
        )
    if not LECTURE_SAMPLES_MIN <= n_samples <= LECTURE_SAMPLES_MAX:
        raise ValueError(
            f"the number of points must be from {LECTURE_SAMPLES_MIN} to "
            f"{LECTURE_SAMPLES_MAX}, not {n_samples}"
        )
    X, _components = sample(lecture_params(-separation / 2, separation / 2), n_samples, seed)
    return X


def surface_grid(X, resolution: int = 150, margin: float = 1.5) -> np.ndarray:
    """The values of mu tried on both axes: (resolution,), from min(x) - margin to max(x) + margin.

    The same grid serves mu_1 and mu_2, so the surface's mirror symmetry is exact on the grid.
    """
    x = as_data(X)[:, 0]
    return np.linspace(x.min() - margin, x.max() + margin, resolution)


def _log_gaussian_unit(x: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """log N(x_i | mu_a, 1) for every grid value and point: (G, N)."""
    return -0.5 * (math.log(2.0 * math.pi) + (x[None, :] - grid[:, None]) ** 2)


def surface_resolution(n_samples: int, budget: float = 1.2e7, low: int = 80,
                       high: int = 150) -> int:
    """Grid points per axis so that the surface costs about ``budget`` logarithms (G * G * N)."""
    return int(np.clip(math.sqrt(budget / max(n_samples, 1)), low, high))


def means_only_surface(X, grid: np.ndarray) -> np.ndarray:
    """The total log-likelihood of the means-only model on a grid: (G, G) indexed [b, a].

    X: (N, 1) data; grid: (G,) values of mu. Entry [b, a] is
    sum_i log( 1/2 N(x_i | grid[a], 1) + 1/2 N(x_i | grid[b], 1) ), i.e. mu_1 = grid[a] on the
    horizontal axis and mu_2 = grid[b] on the vertical one. Swapping mu_1 and mu_2 transposes it.
    """
    x = as_data(X)[:, 0]
    grid = np.asarray(grid, dtype=np.float64)
    log_densities = _log_gaussian_unit(x, grid) + math.log(0.5)
    # Densities scaled by each point's best grid value: one logarithm per (a, b, i) instead of
    # the exp and log of logaddexp, about four times faster, and exact unless both densities
    # underflow (points more than ~38 units from both means), which the fallback handles.
    point_max = log_densities.max(axis=0)
    scaled = np.exp(log_densities - point_max)
    offset = point_max.sum()
    surface = np.empty((len(grid), len(grid)))
    # Row by row keeps the temporary at (G, N) instead of (G, G, N): 150 x 150 x 2000 doubles
    # would be 360 MB.
    with np.errstate(divide="ignore"):
        for b in range(len(grid)):
            surface[b] = np.log(scaled + scaled[b]).sum(axis=1) + offset
    for b in np.flatnonzero(~np.all(np.isfinite(surface), axis=1)):
        surface[b] = np.logaddexp(log_densities, log_densities[b]).sum(axis=1)
    return surface


def means_only_run(X, mu1: float, mu2: float, *, tol: float = 1e-7,
                   max_iter: int = 500) -> EMRun:
    """EM for the means only, from (mu1, mu2), run to convergence.

    X: (N, 1). Weights (1/2, 1/2) and variances (1, 1) are frozen, so every M-step moves only
    the two means. ``tol`` is small so that the path ends on the maximum, not near it.
    """
    for name, value in (("mu1", mu1), ("mu2", mu2)):
        if not (math.isfinite(value) and abs(value) <= LECTURE_MEAN_LIMIT):
            raise ValueError(
                f"the start {name} must be a number from {-LECTURE_MEAN_LIMIT:g} to "
                f"{LECTURE_MEAN_LIMIT:g}, not {value}"
            )
    run = EMRun(X, lecture_params(mu1, mu2), reg_covar=0.0, tol=tol, max_iter=max_iter,
                frozen={"weights", "covariances"})
    run.run_to_convergence()
    return run


def means_path(run: EMRun) -> np.ndarray:
    """(mu_1, mu_2) at every half-step of a means-only run: (len(run), 2).

    An E-step leaves the means where they are, so the path moves only on M-steps.
    """
    return np.array([entry.params.means[:, 0] for entry in run.history])


@dataclass(frozen=True, eq=False)
class MeansOnlyPath:
    """A finished means-only EM run as plain arrays (cheap to cache and to send to a page).

    means: (S, 2) (mu_1, mu_2) at every half-step; kinds: S of "start" | "E" | "M";
    log_likelihoods: (S,) total log-likelihood there; status: the run's final status.
    """

    means: np.ndarray
    kinds: tuple[str, ...]
    log_likelihoods: np.ndarray
    status: str

    def __len__(self) -> int:
        return len(self.kinds)

    def shown_params(self, index: int) -> MixtureParams:
        """The two components on screen at half-step ``index``."""
        return lecture_params(*self.means[index])

    def responsibilities_at(self, X, index: int) -> np.ndarray | None:
        """The responsibilities (N, 2) shown at half-step ``index``: those of the last E-step
        at or before it, None before the first E-step. X: (N, 1), the data of the run.
        """
        for position in range(index, -1, -1):
            if self.kinds[position] == "E":
                # An E-step evaluates the means it found, which it leaves unchanged.
                return e_step(X, self.shown_params(position))[0]
        return None


def means_only_path(X, mu1: float, mu2: float) -> MeansOnlyPath:
    """EM for the means only from (mu1, mu2) to convergence, as a MeansOnlyPath."""
    run = means_only_run(X, mu1, mu2)
    return MeansOnlyPath(
        means_path(run),
        tuple(entry.kind for entry in run.history),
        run.log_likelihoods,
        run.status,
    )


def means_only_maxima(X) -> np.ndarray:
    """The two maxima of the means-only surface: (2, 2) rows (mu_1, mu_2), mirror images.

    EM started from the smallest and the largest point climbs to one maximum; swapping the
    labels gives the other, with exactly the same likelihood.
    """
    x = as_data(X)[:, 0]
    low, high = float(x.min()), float(x.max())
    low, high = max(low, -LECTURE_MEAN_LIMIT), min(high, LECTURE_MEAN_LIMIT)
    run = means_only_run(X, low, high, tol=1e-10, max_iter=2000)
    mu1, mu2 = run.history[-1].params.means[:, 0]
    return np.array([[mu1, mu2], [mu2, mu1]])
