"""k-means as Lloyd's two half-steps, the hard-assignment cousin of EM.

- ``assign`` (the analogue of the E-step): each point goes to its nearest centre;
- ``update`` (the analogue of the M-step): each centre moves to the mean of its points.

An empty cluster keeps its old centre (scikit-learn would relocate it; we keep it so that the
picture shows what Lloyd's algorithm itself does) and the run reports it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_core.half_steps import HalfStepHistory
from gmm_core.mixture import as_data

INIT_METHODS = ("random-points", "k-means++")


def squared_distances(X, centers) -> np.ndarray:
    """|x_i - c_k|^2 for every point and centre: (N, K), computed from centred differences."""
    X = np.asarray(X, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    distances = np.empty((X.shape[0], centers.shape[0]))
    # A centre placed absurdly far away (1e200) is at squared distance inf, as floats say.
    with np.errstate(over="ignore"):
        for k, center in enumerate(centers):
            diff = X - center
            distances[:, k] = np.einsum("nd,nd->n", diff, diff)
    return distances


def assign(X, centers) -> np.ndarray:
    """Index of the nearest centre for each point: X (N, D), centers (K, D) -> labels (N,)."""
    return squared_distances(X, centers).argmin(axis=1)


def update(X, labels, centers) -> np.ndarray:
    """Each centre moves to the mean of its points; an empty cluster keeps its old centre.

    X: (N, D); labels: (N,); centers: (K, D), the current centres. Returns new centres (K, D).
    """
    X = np.asarray(X, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    n_clusters = centers.shape[0]
    counts = np.bincount(labels, minlength=n_clusters)
    new_centers = np.array(centers, copy=True)
    for k in np.flatnonzero(counts):
        new_centers[k] = X[labels == k].mean(axis=0)
    return new_centers


def empty_clusters(labels, n_clusters: int) -> tuple[int, ...]:
    """Indices of clusters that received no point."""
    counts = np.bincount(np.asarray(labels), minlength=n_clusters)
    return tuple(int(k) for k in np.flatnonzero(counts == 0))


def inertia(X, centers, labels) -> float:
    """Sum of squared distances from each point to its assigned centre (the k-means objective)."""
    X = np.asarray(X, dtype=np.float64)
    diff = X - np.asarray(centers, dtype=np.float64)[labels]
    with np.errstate(over="ignore"):
        return float(np.einsum("nd,nd->", diff, diff))


def init_centers(X, n_clusters: int, method: str = "k-means++", seed: int = 0) -> np.ndarray:
    """Seeded initial centres (K, D): K distinct random points, or k-means++ (D^2 sampling)."""
    X = as_data(X)
    n_samples = X.shape[0]
    if not 1 <= n_clusters <= n_samples:
        raise ValueError(
            f"K = {n_clusters} clusters need at least {n_clusters} data points; the data has {n_samples}"
        )
    rng = np.random.default_rng(seed)
    if method == "random-points":
        return X[rng.choice(n_samples, size=n_clusters, replace=False)].copy()
    if method != "k-means++":
        raise ValueError(f"init must be one of {', '.join(INIT_METHODS)}, not {method!r}")
    centers = np.empty((n_clusters, X.shape[1]))
    centers[0] = X[rng.integers(n_samples)]
    closest = squared_distances(X, centers[:1])[:, 0]
    for k in range(1, n_clusters):
        total = closest.sum()
        if total > 0:
            # k-means++: the next centre is a point drawn with probability proportional to
            # its squared distance to the nearest centre chosen so far.
            index = rng.choice(n_samples, p=closest / total)
        else:  # every point sits on a centre already (duplicates): any point will do
            index = rng.integers(n_samples)
        centers[k] = X[index]
        closest = np.minimum(closest, squared_distances(X, centers[k : k + 1])[:, 0])
    return centers


@dataclass(frozen=True, eq=False)
class KMeansHalfStep:
    """One entry of a k-means run's history.

    kind: "start", "assign" or "update"; iteration: completed updates; centers: (K, D);
    inertia: the objective with the labels shown (None at "start"); empty_clusters: clusters
    with no point at this step.
    """

    kind: str
    iteration: int
    centers: np.ndarray
    inertia: float | None
    empty_clusters: tuple[int, ...] = ()


class KMeansRun(HalfStepHistory[KMeansHalfStep]):
    """Lloyd's algorithm one half-step at a time, with a history (start, assign, update, ...).

    The history keeps centres, not labels: ``labels_at(i)`` recomputes the labels shown at
    half-step i (those of the assignment at or before i).
    """

    def __init__(self, X, initial_centers, *, max_iter: int = 100):
        self._X = as_data(X)
        centers = np.array(initial_centers, dtype=np.float64)
        if centers.ndim == 1:
            centers = centers.reshape(-1, 1)
        if centers.ndim != 2 or centers.shape[1] != self._X.shape[1]:
            raise ValueError(f"centres must have shape (K, {self._X.shape[1]}), got {centers.shape}")
        if not np.all(np.isfinite(centers)):
            raise ValueError("the starting centres must be finite numbers")
        self.max_iter = int(max_iter)
        self._history = [KMeansHalfStep("start", 0, centers, None)]
        self._labels_cache: tuple[int, np.ndarray] | None = None
        self.status = "running"


    @property
    def next_kind(self) -> str | None:
        if self.finished:
            return None
        return "update" if self._history[-1].kind == "assign" else "assign"

    def labels_at(self, index: int) -> np.ndarray | None:
        """Labels (N,) shown at half-step ``index``: those of the last assignment up to it."""
        index = range(len(self._history))[index]
        while index >= 0 and self._history[index].kind != "assign":
            index -= 1
        if index < 0:
            return None
        if self._labels_cache is None or self._labels_cache[0] != index:
            # The assignment at `index` used the centres of the entry before it.
            self._labels_cache = (index, assign(self._X, self._history[index - 1].centers))
        return self._labels_cache[1]

    def step(self) -> KMeansHalfStep:
        """Take the next half-step (assign or update); a finished run returns its last entry."""
        if self.finished:
            return self._history[-1]
        last = self._history[-1]
        n_clusters = last.centers.shape[0]
        if self.next_kind == "assign":
            labels = assign(self._X, last.centers)
            entry = KMeansHalfStep(
                "assign",
                last.iteration,
                last.centers,
                inertia(self._X, last.centers, labels),
                empty_clusters(labels, n_clusters),
            )
            self._history.append(entry)
            self._labels_cache = (len(self._history) - 1, labels)
            return entry
        labels = self.labels_at(len(self._history) - 1)
        centers = update(self._X, labels, last.centers)
        entry = KMeansHalfStep(
            "update",
            last.iteration + 1,
            centers,
            inertia(self._X, centers, labels),
            empty_clusters(labels, n_clusters),
        )
        self._history.append(entry)
        if np.array_equal(centers, last.centers):
            self.status = "converged"
        elif entry.iteration >= self.max_iter:
            self.status = "max_iter"
        return entry

    def iterate(self) -> KMeansHalfStep:
        """Complete the current iteration: assign then update (or just update after an assign)."""
        entry = self.step()
        if entry.kind == "assign" and not self.finished:
            entry = self.step()
        return entry

    def run_to_convergence(self) -> KMeansHalfStep:
        while not self.finished:
            self.step()
        return self._history[-1]
