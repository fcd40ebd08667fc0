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
from scipy.special import expit

from gmm_core.em_run import EMRun
from gmm_core.initialisation import means_only_params
from gmm_core.mixture import MixtureParams, as_data, e_step, log_likelihood, sample

# sigma = 1 and equal weights, both fixed.
LECTURE_VARIANCE = 1.0
SEPARATION_MIN, SEPARATION_MAX = 0.0, 10.0
LECTURE_SAMPLES_MIN, LECTURE_SAMPLES_MAX = 10, 2000
LECTURE_MEAN_LIMIT = 20.0  # EM starts with |mu_1|, |mu_2| <= this
# EM stops when an iteration changes l / N by less than RUN_TOL, or after RUN_MAX_ITER
# iterations; RUN_TOL is small so that the path ends on a critical point, not near it.
RUN_TOL = 1e-7
RUN_MAX_ITER = 500


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


def means_only_run(X, mu1: float, mu2: float, *, tol: float = RUN_TOL,
                   max_iter: int = RUN_MAX_ITER) -> EMRun:
    """EM for the means only, from (mu1, mu2), run until it stops (tol or max_iter).

    X: (N, 1). Weights (1/2, 1/2) and variances (1, 1) are frozen, so every M-step moves only
    the two means.
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


# --- the shape of the surface: its critical points ---------------------------------------------

# Curvatures (eigenvalues of the Hessian) smaller than this times N count as zero.
FLAT_CURVATURE = 1e-9
# Two critical points closer than this times (1 + the data's spread) are one point.
SAME_POINT = 1e-6


def _responsibility_of_first(x: np.ndarray, mu1, mu2) -> np.ndarray:
    """r_i1 = N(x_i | mu_1, 1) / (N(x_i | mu_1, 1) + N(x_i | mu_2, 1)); broadcasts."""
    return expit(0.5 * ((x - mu2) ** 2 - (x - mu1) ** 2))


def gradient(X, mu1: float, mu2: float) -> np.ndarray:
    """(d l / d mu_1, d l / d mu_2) of the means-only log-likelihood: (2,).

    d l / d mu_k = sum_i r_ik (x_i - mu_k): zero exactly where mu_k is the r-weighted mean of
    the data, i.e. where an EM iteration would not move (EM's fixed points are the critical
    points).
    """
    x = as_data(X)[:, 0]
    first = _responsibility_of_first(x, mu1, mu2)
    return np.array([np.sum(first * (x - mu1)), np.sum((1.0 - first) * (x - mu2))])


def hessian(X, mu1: float, mu2: float) -> np.ndarray:
    """The second derivatives of the means-only log-likelihood at (mu1, mu2): (2, 2).

    With d_ik = x_i - mu_k and r_i1 r_i2 the variance of a point's label:
    d2l/dmu_k2 = sum_i (r_i1 r_i2 d_ik^2 - r_ik), d2l/dmu_1 dmu_2 = -sum_i r_i1 r_i2 d_i1 d_i2.
    """
    x = as_data(X)[:, 0]
    first = _responsibility_of_first(x, mu1, mu2)
    second = 1.0 - first
    both = first * second
    d1, d2 = x - mu1, x - mu2
    cross = -np.sum(both * d1 * d2)
    return np.array([[np.sum(both * d1**2 - first), cross],
                     [cross, np.sum(both * d2**2 - second)]])


@dataclass(frozen=True)
class CriticalPoint:
    """A point where the surface is flat: (mu1, mu2), its log-likelihood, the curvatures
    (eigenvalues of the Hessian, ascending) and what they make it: "maximum" (both < 0),
    "saddle" (one of each sign), "minimum" (both > 0) or "flat" (a curvature is zero)."""

    mu1: float
    mu2: float
    log_likelihood: float
    curvatures: tuple[float, float]
    kind: str
    on_mirror: bool

    @property
    def means(self) -> np.ndarray:
        """(2,) (mu_1, mu_2)"""
        return np.array([self.mu1, self.mu2])


def _classify(curvatures: np.ndarray, n_samples: int) -> str:
    flat = FLAT_CURVATURE * n_samples
    if np.any(np.abs(curvatures) < flat):
        return "flat"
    if np.all(curvatures < 0):
        return "maximum"
    if np.all(curvatures > 0):
        return "minimum"
    return "saddle"


def _critical_point(X, mu1: float, mu2: float, on_mirror: bool) -> CriticalPoint:
    curvatures = np.linalg.eigvalsh(hessian(X, mu1, mu2))
    return CriticalPoint(float(mu1), float(mu2),
                         log_likelihood(as_data(X), lecture_params(mu1, mu2)),
                         (float(curvatures[0]), float(curvatures[1])),
                         _classify(curvatures, as_data(X).shape[0]), on_mirror)


def _newton(X, start: np.ndarray, scale: float, max_iter: int = 60) -> np.ndarray | None:
    """A critical point near ``start`` by Newton's method on the gradient (it finds saddles as
    well as maxima); None if it does not settle. Steps are capped at ``scale``."""
    point = np.asarray(start, dtype=np.float64)
    n_samples = as_data(X).shape[0]
    for _ in range(max_iter):
        try:
            step = np.linalg.solve(hessian(X, *point), gradient(X, *point))
        except np.linalg.LinAlgError:
            return None
        length = float(np.linalg.norm(step))
        if not math.isfinite(length):
            return None
        if length > scale:
            step *= scale / length
        point = point - step
        if length <= 1e-13 * (1.0 + float(np.abs(point).max())):
            break
    if np.linalg.norm(gradient(X, *point)) > 1e-8 * n_samples * (1.0 + scale):
        return None
    return point


def _em_iterations(x: np.ndarray, start: np.ndarray, iterations: int = 300) -> np.ndarray:
    """Where ``iterations`` EM iterations of the means-only model take (mu1, mu2) = start."""
    mu1, mu2 = (float(value) for value in start)
    for _ in range(iterations):
        first = _responsibility_of_first(x, mu1, mu2)
        weight = float(first.sum())
        if not 0.0 < weight < len(x):
            break
        mu1, mu2 = (float(first @ x) / weight,
                    float((1.0 - first) @ x) / (len(x) - weight))
    return np.array([mu1, mu2])


def _gradient_on_grid(x: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(d l / d mu_1, d l / d mu_2) at every grid node: two (G, G) arrays indexed [mu_2, mu_1]."""
    first = np.empty((len(grid), len(grid)))
    second = np.empty((len(grid), len(grid)))
    for b, mu2 in enumerate(grid):
        r1 = _responsibility_of_first(x[None, :], grid[:, None], mu2)  # (G, N)
        first[b] = np.sum(r1 * (x[None, :] - grid[:, None]), axis=1)
        second[b] = np.sum((1.0 - r1) * (x[None, :] - mu2), axis=1)
    return first, second


def _sign_changes(values: np.ndarray) -> np.ndarray:
    """(G-1, G-1) bool: the cells whose four corners do not all have the same sign."""
    positive = values > 0
    corners = [positive[:-1, :-1], positive[1:, :-1], positive[:-1, 1:], positive[1:, 1:]]
    return np.any(corners, axis=0) & ~np.all(corners, axis=0)


@dataclass(frozen=True)
class SurfaceShape:
    """The critical points of the means-only surface for one data set, found and classified.

    points: every critical point found, maxima first (highest first), then saddles, minima and
    flat ones; data_mean, data_variance: the data's mean and variance (divided by N). The
    mirror line mu_1 = mu_2 holds exactly one critical point, (mean, mean): a maximum across
    the line when data_variance < 1 (= sigma^2), a saddle when it is > 1.
    """

    points: tuple[CriticalPoint, ...]
    data_mean: float
    data_variance: float

    def of_kind(self, kind: str) -> tuple[CriticalPoint, ...]:
        return tuple(point for point in self.points if point.kind == kind)

    @property
    def maxima(self) -> tuple[CriticalPoint, ...]:
        return self.of_kind("maximum")

    @property
    def saddles(self) -> tuple[CriticalPoint, ...]:
        return self.of_kind("saddle")

    @property
    def mirror_point(self) -> CriticalPoint:
        """The critical point on the mirror line, (mean, mean)."""
        return next(point for point in self.points if point.on_mirror)

    def fits(self) -> tuple[CriticalPoint, ...]:
        """The maxima up to relabelling: one per distinct fit (mu_1 <= mu_2), highest first.
        A maximum off the mirror line and its mirror image are the same fit renamed."""
        return tuple(point for point in self.maxima if point.mu1 <= point.mu2)

    def nearest(self, mu1: float, mu2: float) -> tuple[CriticalPoint, float]:
        """The critical point nearest to (mu1, mu2) and its distance."""
        distances = [math.hypot(point.mu1 - mu1, point.mu2 - mu2) for point in self.points]
        best = int(np.argmin(distances))
        return self.points[best], distances[best]


def surface_shape(X, resolution: int = 61) -> SurfaceShape:
    """Every critical point of the means-only surface for X (N, 1), classified by its Hessian.

    The mirror line holds one critical point, (mean, mean), exactly. The others come in mirror
    pairs; each pair is found on the side mu_1 < mu_2 from two kinds of starting points,
    refined by Newton's method: the cells of a ``resolution`` x ``resolution`` grid where both
    components of the gradient change sign (maxima and saddles alike), and the ends of EM runs
    from pairs of the data's quantiles (maxima, even where they lie close together).
    """
    X = as_data(X)
    x = X[:, 0]
    mean, variance = float(x.mean()), float(x.var())
    spread = max(math.sqrt(variance), 1.0)
    same = SAME_POINT * (1.0 + spread)
    found = [_critical_point(X, mean, mean, on_mirror=True)]

    def add(candidate: np.ndarray | None) -> None:
        if candidate is None or not candidate[0] < candidate[1] - same:
            return
        for point in (candidate, candidate[::-1]):
            if all(math.hypot(point[0] - known.mu1, point[1] - known.mu2) > same
                   for known in found):
                found.append(_critical_point(X, point[0], point[1], on_mirror=False))

    grid = surface_grid(X, resolution)
    step = float(grid[1] - grid[0])
    first, second = _gradient_on_grid(x, grid)
    for b, a in zip(*np.nonzero(_sign_changes(first) & _sign_changes(second)), strict=True):
        if a <= b + 1:  # the cell touches the side mu_1 < mu_2 (index [mu_2, mu_1])
            centre = np.array([grid[a] + step / 2, grid[b] + step / 2])
            add(_newton(X, centre, scale=2 * step))
    for low, high in ((0.0, 1.0), (0.1, 0.9), (0.25, 0.75), (0.4, 0.6), (0.05, 0.5),
                      (0.5, 0.95)):
        start = np.quantile(x, [low, high])
        if start[0] < start[1]:
            add(_newton(X, _em_iterations(x, start), scale=spread))
    order = {"maximum": 0, "saddle": 1, "minimum": 2, "flat": 3}
    points = sorted(found, key=lambda point: (order[point.kind], -point.log_likelihood,
                                              point.mu1))
    return SurfaceShape(tuple(points), mean, variance)
