"""k-means against EM: the hard-EM limit, agreement metrics and teaching presets.

- **EM with a fixed shared sigma tends to k-means; hard EM with it is k-means.** EM on a mixture
  whose weights are equal and whose covariances are all fixed at sigma^2 I learns only the
  means. Its responsibilities are a softmax of -|x - mu_k|^2 / (2 sigma^2): soft at every
  sigma > 0, one-hot on the nearest mean only as sigma -> 0. Hard EM (classification EM,
  :class:`ClassificationEMRun`) gives every point wholly to its most responsible component
  before the M-step: with that model this is the nearest mean at any sigma, and the run is
  k-means. :func:`fixed_sigma_run` builds both.
- **Metrics.** The adjusted Rand index against the true labels, and the points on which two
  labelings disagree once their cluster numbers are matched.
- **Presets** (:data:`COMPARISON_PRESETS`): seeded data sets with a fixed start, where k-means
  fails and a mixture succeeds (stretched clusters, unequal sizes, unequal spreads), and one
  where a poor start traps EM in a bad local optimum.

No Streamlit and no locks here: sharing runs between sessions and stepping them belong to the
UI (``ui.kit.run_store``, ``ui.kit.step_rules``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import linear_sum_assignment

from gmm_core import kmeans
from gmm_core.datasets import Dataset
from gmm_core.em_run import Collapse, EMRun, HalfStep
from gmm_core.initialisation import means_only_params
from gmm_core.mixture import ComponentCollapse, MixtureParams, as_data, m_step

# --- metrics ------------------------------------------------------------------------------------


def _pairs(counts: np.ndarray) -> float:
    """sum of C(n, 2) over an array of counts."""
    counts = np.asarray(counts, dtype=np.float64)
    return float(np.sum(counts * (counts - 1.0)) / 2.0)


def contingency_table(labels_a, labels_b) -> np.ndarray:
    """Counts of points per (label in a, label in b): (A, B) for A, B distinct labels."""
    labels_a = np.asarray(labels_a)
    labels_b = np.asarray(labels_b)
    if labels_a.shape != labels_b.shape or labels_a.ndim != 1:
        raise ValueError(
            f"two labelings of the same points are needed, got shapes {labels_a.shape} "
            f"and {labels_b.shape}"
        )
    _, codes_a = np.unique(labels_a, return_inverse=True)
    _, codes_b = np.unique(labels_b, return_inverse=True)
    n_b = int(codes_b.max()) + 1 if codes_b.size else 0
    n_a = int(codes_a.max()) + 1 if codes_a.size else 0
    return np.bincount(codes_a * n_b + codes_b, minlength=n_a * n_b).reshape(n_a, n_b)


def adjusted_rand_index(labels_true, labels_pred) -> float:
    """Hubert and Arabie's adjusted Rand index of two labelings (N,) of the same points.

    1 for identical partitions (whatever the label numbers), about 0 for a random labeling,
    negative when worse than chance. Two labelings that each put everything in one cluster
    agree perfectly (1), as in scikit-learn's ``adjusted_rand_score``.
    """
    table = contingency_table(labels_true, labels_pred)
    n_samples = int(table.sum())
    if n_samples == 0:
        raise ValueError("the adjusted Rand index needs at least one point")
    together_both = _pairs(table)
    together_a = _pairs(table.sum(axis=1))
    together_b = _pairs(table.sum(axis=0))
    total_pairs = n_samples * (n_samples - 1) / 2.0
    expected = together_a * together_b / total_pairs if total_pairs else 0.0
    maximum = (together_a + together_b) / 2.0
    if maximum == expected:
        # Both partitions are trivial (one cluster, or all singletons): they agree exactly.
        return 1.0
    return float((together_both - expected) / (maximum - expected))


def match_labels(reference, labels, n_clusters: int) -> np.ndarray:
    """Renumber ``labels`` (N,) so that they agree with ``reference`` (N,) on as many points as possible.

    Cluster numbers are arbitrary: two runs can find the same partition under different numbers.
    The best one-to-one renumbering is an assignment problem (Hungarian algorithm) on the
    (K, K) contingency table. Labels are integers in [0, n_clusters). Returns the renumbered
    labels (N,).
    """
    reference = np.asarray(reference, dtype=np.int64)
    labels = np.asarray(labels, dtype=np.int64)
    overlap = np.zeros((n_clusters, n_clusters), dtype=np.int64)
    np.add.at(overlap, (labels, reference), 1)
    rows, columns = linear_sum_assignment(overlap, maximize=True)
    renumber = np.arange(n_clusters)
    renumber[rows] = columns
    return renumber[labels]


def disagreement(kmeans_labels, em_labels, n_clusters: int) -> np.ndarray:
    """Points whose k-means cluster and EM hard label differ, after matching numbers: (N,) bool."""
    kmeans_labels = np.asarray(kmeans_labels, dtype=np.int64)
    matched = match_labels(kmeans_labels, em_labels, n_clusters)
    return matched != kmeans_labels


def hard_labels(responsibilities: np.ndarray) -> np.ndarray:
    """Each point's most responsible component: (N, K) -> (N,)."""
    return np.asarray(responsibilities).argmax(axis=1)


def softness(responsibilities: np.ndarray, threshold: float = 0.99) -> float:
    """Share of points whose largest responsibility is below ``threshold`` (0 = all one-hot).

    responsibilities: (N, K).
    """
    return float(np.mean(np.asarray(responsibilities).max(axis=1) < threshold))


# --- EM with a fixed shared sigma, soft and hard ----------------------------------------------

FROZEN_FOR_FIXED_SIGMA = frozenset({"weights", "covariances"})


def data_spread(X) -> float:
    """The data's typical standard deviation, sqrt(mean of the per-feature variances), for X (N, D).

    The sigma slider is expressed in this unit, so "sigma = 0.01 x spread" means the same on
    every data set. Falls back to 1 for data with no spread at all.
    """
    X = as_data(X)
    spread = math.sqrt(float(np.var(X, axis=0).mean()))
    return spread if spread > 0 else 1.0


def classification_m_step(X, labels, previous: MixtureParams, reg_covar: float = 1e-6,
                          frozen=frozenset()) -> MixtureParams:
    """Hard EM's M-step: the maximum-likelihood parameters of the clusters ``labels`` (N,) of X.

    X: (N, D); previous: the parameters before this M-step (K components). With N_k points in
    component k: pi_k = N_k / N, mu_k = the mean of its points (computed as k-means' update
    computes it), Sigma_k = their covariance of ``previous.covariance_type`` plus reg_covar on
    the diagonal (as EM's M-step on one-hot responsibilities). An empty component (N_k = 0)
    keeps its mean and its own covariance, as k-means keeps an empty cluster's centre; its
    weight, if learnt, becomes 0, so it cannot win a point again (any mean and covariance
    maximise the likelihood for it, so keeping them is a maximiser too). frozen: the
    parameters kept from ``previous`` (e.g. {"weights", "covariances"}).
    """
    X = as_data(X)
    labels = np.asarray(labels, dtype=np.int64)
    n_components = previous.n_components
    counts = np.bincount(labels, minlength=n_components)
    estimated = m_step(X, np.eye(n_components)[labels], previous.covariance_type, reg_covar)
    covariances = np.array(estimated.covariances)
    empty = counts == 0
    if previous.covariance_type != "tied" and empty.any():
        covariances[empty] = previous.covariances[empty]
    params = MixtureParams(counts / X.shape[0], kmeans.update(X, labels, previous.means),
                           covariances, previous.covariance_type)
    if frozen:
        params = params.replace(**{name: getattr(previous, name) for name in frozen})
    return params


def _same_params(first: MixtureParams, second: MixtureParams) -> bool:
    return all(np.array_equal(getattr(first, name), getattr(second, name))
               for name in ("weights", "means", "covariances"))


class ClassificationEMRun(EMRun):
    """Hard EM (classification EM): EM whose E-step gives every point wholly to one component.

    The E-step computes the responsibilities r_ik = pi_k N(x_i | mu_k, Sigma_k) / sum_j
    pi_j N(x_i | mu_j, Sigma_j) as EM does, then assigns each point to its most responsible
    component z_i = argmax_k r_ik (a tie goes to the lowest k, as in k-means' assignment):
    the responsibilities shown and used are one-hot. The M-step is
    :func:`classification_m_step` on those clusters (empty components keep their mean and
    covariance). With equal weights and one fixed sigma^2 I (``frozen`` = weights and
    covariances) z_i is the nearest mean at any sigma and the M-step is k-means' update: the
    run *is* k-means, entry for entry.

    History (the protocol of :class:`~gmm_core.em_run.EMRun`): ``log_likelihood`` is the
    mixture's log-likelihood l(theta) = sum_i log sum_k pi_k N(x_i | mu_k, Sigma_k), which hard
    EM does not promise to raise; ``lower_bound`` is the classification log-likelihood
    l_C(theta, z) = sum_i log pi_{z_i} N(x_i | mu_{z_i}, Sigma_{z_i}) <= l(theta), the
    objective that both half-steps raise (up to reg_covar). The run converges when an M-step
    returns exactly the parameters it started from (the assignments stopped changing: a fixed
    point; ``tol`` is not used), and stops at ``max_iter`` or on a collapse as EM does.
    """

    def _evaluate(self, params: MixtureParams, index: int) -> float:
        log_likelihood = super()._evaluate(params, index)
        source, soft, log_densities = self._evaluated
        hard = np.zeros_like(soft)
        # From the log-densities, not the responsibilities: exp() can round two nearly equal
        # log-densities to one value, and k-means would still tell them apart.
        hard[np.arange(len(soft)), log_densities.argmax(axis=1)] = 1.0
        hard.flags.writeable = False
        self._evaluated = (source, hard, log_densities)
        return log_likelihood

    def _classification_log_likelihood(self, labels: np.ndarray) -> float:
        """l_C(theta, z) for the parameters last evaluated and the clusters ``labels`` (N,)."""
        log_densities = self._evaluated[2]
        return float(log_densities[np.arange(len(labels)), labels].sum())

    def _e_step(self) -> HalfStep:
        entry = super()._e_step()
        labels = self._evaluated[1].argmax(axis=1)
        entry = replace(entry, lower_bound=self._classification_log_likelihood(labels))
        self._history[-1] = entry
        return entry

    def _m_step(self) -> HalfStep:
        e_index = len(self._history) - 1
        e_entry = self._history[e_index]
        labels = self.responsibilities_at(e_index).argmax(axis=1)
        params = classification_m_step(self.X, labels, e_entry.params, self.reg_covar,
                                       self.frozen)
        counts = np.bincount(labels, minlength=params.n_components).astype(np.float64)
        collapse = self._detect_collapse(params, counts)
        try:
            log_likelihood = self._evaluate(params, e_index + 1)
            # the clusters this M-step fitted, not those the new parameters would give
            bound = self._classification_log_likelihood(labels)
        except ComponentCollapse as error:
            component = max(error.component, 0)
            collapse = collapse or Collapse(component, float(counts[component]), error.message)
            log_likelihood = bound = math.inf
            self._evaluated = None
        entry = HalfStep("M", e_entry.iteration + 1, params, log_likelihood, bound, collapse)
        self._history.append(entry)
        if collapse is not None:
            self.status = "collapsed"
        elif _same_params(params, e_entry.params):
            self.status = "converged"
        elif entry.iteration >= self.max_iter:
            self.status = "max_iter"
        return entry


def fixed_sigma_run(X, initial_centers, sigma: float, *, hard: bool = False,
                    tol: float = 1e-3, max_iter: int = 100) -> EMRun:
    """EM on a mixture with equal weights 1/K and every covariance fixed at sigma^2 I.

    X: (N, D); initial_centers: (K, D) (the k-means start); sigma > 0 in the units of X. Only
    the means are learnt.

    - hard=False: soft EM. The responsibilities are a softmax of -|x_i - mu_k|^2 / (2 sigma^2),
      soft at every sigma > 0 (points near a boundary are shared); as sigma -> 0 they become
      one-hot on the nearest mean and the run *tends to* k-means. Stops on ``tol`` as EM does.
    - hard=True: hard EM (:class:`ClassificationEMRun`): every point goes wholly to its nearest
      mean and each mean to the mean of its points. This *is* k-means at every sigma, entry for
      entry, empty clusters included (an empty component keeps its mean).
    """
    if not (sigma > 0 and math.isfinite(sigma)):
        raise ValueError(f"sigma must be a positive number, not {sigma}")
    start = means_only_params(initial_centers, sigma**2)
    run_class = ClassificationEMRun if hard else EMRun
    return run_class(X, start, tol=tol, max_iter=max_iter, frozen=FROZEN_FOR_FIXED_SIGMA)


# --- presets where the two methods part ways -------------------------------------------------------


@dataclass(frozen=True)
class ComparisonPreset:
    """A seeded data set with labels, a fixed start and what it teaches.

    n_components: K; covariance_type: the mixture that succeeds; lesson: one sentence on what to
    watch; build: () -> (Dataset, initial centres (K, 2)).
    """

    key: str
    title: str
    lesson: str
    n_components: int
    covariance_type: str
    build: Callable[[], tuple[Dataset, np.ndarray]]


def _rotation(angle: float) -> np.ndarray:
    return np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])


def _gaussian_clusters(name, centres, covariances, sizes, seed) -> Dataset:
    """Points from N(centre_k, covariance_k), sizes[k] each, labels in order: a labelled Dataset."""
    rng = np.random.default_rng(seed)
    X = np.vstack([
        rng.multivariate_normal(centre, covariance, size, method="cholesky")
        for centre, covariance, size in zip(centres, covariances, sizes, strict=True)
    ])
    labels = np.repeat(np.arange(len(sizes)), sizes)
    return Dataset(X, labels, name, ("x1", "x2"))


def _stretched() -> tuple[Dataset, np.ndarray]:
    # Three parallel cigars 2.2 apart across their short axis (sd 0.39) but 2.4 sd long: the
    # nearest centre is often in the neighbouring cigar, so k-means cuts across them.
    rotation = _rotation(0.5)
    covariance = rotation @ np.diag([6.0, 0.15]) @ rotation.T
    centres = np.array([[0.0, 0.0], [0.0, 2.2], [0.0, 4.4]]) @ rotation.T
    data = _gaussian_clusters("Stretched clusters", centres, [covariance] * 3, [200] * 3, seed=0)
    start = data.X[[17, 305, 512]]
    return data, start


def _unequal_sizes() -> tuple[Dataset, np.ndarray]:
    # A crowd of 800 next to two groups of 80: k-means' boundaries sit halfway between centres,
    # so the two small groups grab the near edge of the crowd.
    centres = [(0.0, 0.0), (3.0, 1.6), (3.0, -1.6)]
    covariances = [np.eye(2), 0.4**2 * np.eye(2), 0.4**2 * np.eye(2)]
    data = _gaussian_clusters("Unequal sizes", centres, covariances, [800, 80, 80], seed=0)
    start = data.X[[3, 801, 890]]
    return data, start


def _unequal_spreads() -> tuple[Dataset, np.ndarray]:
    # A wide cloud (sd 2) and a tight one (sd 0.3) of the same size: the midpoint boundary hands
    # a large slice of the wide cloud to the tight cluster.
    centres = [(0.0, 0.0), (3.5, 0.0)]
    covariances = [4.0 * np.eye(2), 0.09 * np.eye(2)]
    data = _gaussian_clusters("Unequal spreads", centres, covariances, [300, 300], seed=0)
    start = data.X[[0, 300]]
    return data, start


def _bad_start() -> tuple[Dataset, np.ndarray]:
    # Two starting means inside the left blob and one between the two right blobs: EM splits the
    # left blob and covers the right pair with one wide component, a local optimum it never leaves.
    centres = [(-4.0, 0.0), (3.0, 3.0), (3.0, -3.0)]
    data = _gaussian_clusters("Three blobs, poor start", centres, [0.64 * np.eye(2)] * 3,
                              [200] * 3, seed=0)
    start = np.array([[-4.5, 0.3], [-3.5, -0.3], [3.0, 0.0]])
    return data, start


COMPARISON_PRESETS: dict[str, ComparisonPreset] = {
    preset.key: preset
    for preset in (
        ComparisonPreset(
            "stretched", "Stretched clusters (k-means cuts across them)",
            "k-means only knows distances to centres, so its cells are straight-edged and "
            "cut across long clusters; EM's full covariances stretch along them.",
            3, "full", _stretched,
        ),
        ComparisonPreset(
            "unequal-sizes", "Unequal sizes (a crowd and two small groups)",
            "k-means draws each boundary halfway between two centres whatever the cluster "
            "sizes; EM's weights let the large cluster keep its edge.",
            3, "full", _unequal_sizes,
        ),
        ComparisonPreset(
            "unequal-spreads", "Unequal spreads (a wide and a tight cloud)",
            "The midpoint boundary gives part of the wide cloud to the tight one; EM's own "
            "variance per component moves the boundary close to the tight cloud.",
            2, "full", _unequal_spreads,
        ),
        ComparisonPreset(
            "bad-start", "Poor start (a bad local optimum)",
            "Two means start in the same blob: EM splits it, covers the other two blobs with "
            "one wide component and stops there, at ℓ ≈ −2347 against ≈ −2064 for the three "
            "blobs. Stopping is not finding the best fit: try the k-means++ start, where most "
            "seeds find the three blobs and a few fall into the same kind of trap.",
            3, "full", _bad_start,
        ),
    )
}
# The presets on which a mixture beats k-means (the unit tests check it).
MIXTURE_WINS = ("stretched", "unequal-sizes", "unequal-spreads")


def load_comparison_preset(key: str) -> tuple[Dataset, np.ndarray]:
    """The data (with true labels) and the fixed initial centres (K, 2) of a comparison preset."""
    if key not in COMPARISON_PRESETS:
        raise ValueError(
            f"Unknown comparison preset {key!r}; choose one of: {', '.join(COMPARISON_PRESETS)}"
        )
    return COMPARISON_PRESETS[key].build()

