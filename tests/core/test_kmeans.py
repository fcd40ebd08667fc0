"""k-means: lock-step agreement with sklearn.cluster.KMeans (Lloyd), empty clusters, history."""

import numpy as np
import pytest

from devtools.sklearn_reference import kmeans_one_iteration, relative_difference
from gmm_core import kmeans


def _blobs(seed=0, n_features=2):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=5.0, size=(4, n_features))
    return np.vstack([rng.normal(size=(150, n_features)) + c for c in centres]) + 50.0


@pytest.mark.parametrize("n_features", [1, 2, 5])
@pytest.mark.parametrize("method", kmeans.INIT_METHODS)
def test_lloyd_matches_sklearn_iteration_by_iteration(n_features, method):
    X = _blobs(n_features=n_features)
    centers = kmeans.init_centers(X, 4, method, seed=2)
    for iteration in range(20):
        labels = kmeans.assign(X, centers)
        assert not kmeans.empty_clusters(labels, 4), "test data must not empty a cluster"
        ours = kmeans.update(X, labels, centers)
        theirs = kmeans_one_iteration(X, centers)
        assert relative_difference(ours, theirs) <= 1e-10, f"iteration {iteration}"
        centers = ours


def test_empty_cluster_keeps_its_centre_and_is_reported():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [10.0, 0.0]])
    centers = np.array([[0.0, 0.0], [10.0, 0.0], [100.0, 100.0]])
    labels = kmeans.assign(X, centers)
    assert kmeans.empty_clusters(labels, 3) == (2,)
    updated = kmeans.update(X, labels, centers)
    np.testing.assert_array_equal(updated[2], centers[2])
    np.testing.assert_allclose(updated[0], [0.05, 0.0])
    run = kmeans.KMeansRun(X, centers)
    assert run.step().empty_clusters == (2,)


def test_inertia_is_the_sum_of_squared_distances():
    X = np.array([[0.0], [2.0], [10.0]])
    centers = np.array([[1.0], [10.0]])
    labels = kmeans.assign(X, centers)
    assert kmeans.inertia(X, centers, labels) == pytest.approx(2.0)


def test_run_history_alternates_and_inertia_never_increases():
    X = _blobs(seed=3)
    run = kmeans.KMeansRun(X, kmeans.init_centers(X, 4, "random-points", seed=0), max_iter=50)
    run.run_to_convergence()
    kinds = [entry.kind for entry in run.history]
    assert kinds[0] == "start"
    assert kinds[1:] == ["assign", "update"] * ((len(kinds) - 1) // 2)
    inertias = [entry.inertia for entry in run.history[1:]]
    assert all(b <= a * (1 + 1e-12) for a, b in zip(inertias, inertias[1:], strict=False))
    assert run.status == "converged"
    final = run.history[-1]
    np.testing.assert_array_equal(run.labels_at(len(run) - 1), kmeans.assign(X, final.centers))
    assert run.labels_at(0) is None


def test_kmeans_plus_plus_picks_distinct_points_even_with_duplicates():
    X = np.vstack([np.zeros((5, 2)), np.ones((5, 2))])
    centers = kmeans.init_centers(X, 3, "k-means++", seed=0)
    assert centers.shape == (3, 2)
    assert np.isfinite(centers).all()


def test_bad_arguments_are_refused_clearly():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="at least 5 data points"):
        kmeans.init_centers(X, 5)
    with pytest.raises(ValueError, match="init must be one of"):
        kmeans.init_centers(X, 2, "nonsense")
