"""k-means against EM: the hard-EM limit, the agreement metrics and the presets.

Stepping the two runs in one rhythm is the kit's (tests/ui/test_compare_stepping.py)."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from gmm_core.comparison import (
    COMPARISON_PRESETS,
    MIXTURE_WINS,
    ClassificationEMRun,
    adjusted_rand_index,
    classification_m_step,
    contingency_table,
    data_spread,
    disagreement,
    fixed_sigma_run,
    hard_labels,
    load_comparison_preset,
    match_labels,
    softness,
)
from gmm_core.em_run import EMRun
from gmm_core.initialisation import params_from_means
from gmm_core.kmeans import KMeansRun
from gmm_core.mixture import MixtureParams


def _converged_pair(key):
    data, start = load_comparison_preset(key)
    preset = COMPARISON_PRESETS[key]
    kmeans_run = KMeansRun(data.X, start)
    kmeans_run.run_to_convergence()
    em_run = EMRun(data.X, params_from_means(data.X, start, preset.covariance_type))
    em_run.run_to_convergence()
    return data, kmeans_run, em_run


# --- metrics ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_adjusted_rand_index_matches_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 300))
    truth = rng.integers(0, int(rng.integers(1, 6)), size=n)
    # a noisy copy of the truth under other numbers, so values span the whole range
    predicted = np.where(rng.random(n) < 0.7, (truth * 3 + 1) % 7, rng.integers(0, 4, size=n))
    assert adjusted_rand_index(truth, predicted) == pytest.approx(
        adjusted_rand_score(truth, predicted), abs=1e-12
    )


def test_adjusted_rand_index_ignores_label_numbers_and_edge_cases():
    truth = np.array([0, 0, 1, 1, 2, 2])
    assert adjusted_rand_index(truth, np.array([5, 5, 3, 3, 9, 9])) == 1.0
    assert adjusted_rand_index(np.zeros(5, int), np.zeros(5, int)) == 1.0
    assert adjusted_rand_index(np.arange(4), np.arange(4)) == 1.0
    assert adjusted_rand_index(truth, np.array([0, 1, 0, 1, 0, 1])) < 0
    with pytest.raises(ValueError, match="same points"):
        adjusted_rand_index(truth, truth[:3])


def test_contingency_table_counts_pairs_of_labels():
    table = contingency_table(np.array([0, 0, 1, 1, 1]), np.array([2, 7, 7, 7, 2]))
    np.testing.assert_array_equal(table, [[1, 1], [1, 2]])


def test_match_labels_finds_the_best_renumbering_and_disagreement_uses_it():
    reference = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    permuted = np.array([2, 2, 2, 0, 0, 1, 1, 0])  # same partition renumbered, one point moved
    np.testing.assert_array_equal(match_labels(reference, permuted, 3),
                                  [0, 0, 0, 1, 1, 2, 2, 1])
    mask = disagreement(reference, permuted, 3)
    np.testing.assert_array_equal(np.flatnonzero(mask), [7])


def test_hard_labels_and_softness():
    responsibilities = np.array([[0.2, 0.8], [0.999, 0.001], [0.5, 0.5]])
    np.testing.assert_array_equal(hard_labels(responsibilities), [1, 0, 0])
    assert softness(responsibilities) == pytest.approx(2 / 3)
    assert softness(np.eye(3)) == 0.0


# --- soft EM with a fixed shared sigma: tends to k-means as sigma -> 0 ----------------------------


@pytest.mark.parametrize("key", list(COMPARISON_PRESETS))
def test_soft_fixed_sigma_means_equal_kmeans_centres_step_for_step_at_small_sigma(key):
    data, start = load_comparison_preset(key)
    kmeans_run = KMeansRun(data.X, start)
    kmeans_run.run_to_convergence()
    em_run = fixed_sigma_run(data.X, start, 1e-4 * data_spread(data.X), max_iter=500)
    em_run.run_to_convergence()
    # Same number of half-steps: both stop when the assignment no longer changes.
    assert len(em_run) == len(kmeans_run)
    scale = np.abs(data.X).max()
    for index in range(len(kmeans_run)):
        kmeans_entry, em_entry = kmeans_run[index], em_run[index]
        assert em_entry.kind == {"start": "start", "assign": "E", "update": "M"}[kmeans_entry.kind]
        np.testing.assert_allclose(em_entry.params.means, kmeans_entry.centers,
                                   rtol=0, atol=1e-9 * scale)
        labels = kmeans_run.labels_at(index)
        if labels is not None:
            responsibilities = em_run.responsibilities_at(index)
            np.testing.assert_array_equal(hard_labels(responsibilities), labels)
            assert softness(responsibilities, threshold=1 - 1e-12) == 0.0


@pytest.mark.parametrize("hard", [False, True])
def test_fixed_sigma_keeps_weights_and_the_shared_spherical_covariance_fixed(hard):
    data, start = load_comparison_preset("unequal-spreads")
    sigma = 0.3
    run = fixed_sigma_run(data.X, start, sigma, hard=hard)
    run.run_to_convergence()
    assert isinstance(run, ClassificationEMRun) is hard
    for entry in run.history:
        np.testing.assert_array_equal(entry.params.weights, [0.5, 0.5])
        assert entry.params.covariance_type == "spherical"
        np.testing.assert_array_equal(entry.params.covariances, [sigma**2, sigma**2])


def test_responsibilities_harden_as_sigma_shrinks_and_means_approach_kmeans():
    data, start = load_comparison_preset("stretched")
    spread = data_spread(data.X)
    kmeans_run = KMeansRun(data.X, start)
    kmeans_run.iterate()
    first_update = kmeans_run[2].centers
    softness_by_sigma, distance_by_sigma = [], []
    for fraction in (1.0, 0.3, 0.1, 0.01, 1e-4):
        run = fixed_sigma_run(data.X, start, fraction * spread)
        run.iterate()
        softness_by_sigma.append(softness(run.responsibilities_at(1)))
        distance_by_sigma.append(np.abs(run[2].params.means - first_update).max())
    assert softness_by_sigma == sorted(softness_by_sigma, reverse=True)
    assert softness_by_sigma[0] > 0.5 and softness_by_sigma[-1] == 0.0
    assert distance_by_sigma == sorted(distance_by_sigma, reverse=True)
    assert distance_by_sigma[-1] < 1e-9 * spread


@pytest.mark.parametrize("sigma", [0.0, -1.0, float("nan"), float("inf")])
@pytest.mark.parametrize("hard", [False, True])
def test_fixed_sigma_refuses_a_bad_sigma(sigma, hard):
    data, start = load_comparison_preset("unequal-spreads")
    with pytest.raises(ValueError, match="sigma"):
        fixed_sigma_run(data.X, start, sigma, hard=hard)


# --- hard EM (classification EM): with a fixed shared sigma it IS k-means ----------------------


def _lock_step_cases():
    """(name, X (N, 2), initial centres (K, 2)): presets, random blobs, ties, empty clusters."""
    cases = []
    for key in COMPARISON_PRESETS:
        data, start = load_comparison_preset(key)
        cases.append((key, data.X, start))
    rng = np.random.default_rng(3)
    blobs = np.vstack([centre + rng.normal(scale=0.8, size=(60, 2))
                       for centre in ((0, 0), (4, 0), (0, 4), (4, 4))])
    cases.append(("blobs", blobs, blobs[[0, 1, 2, 3]]))  # four starts in one blob
    # Ties: (0, 0), (0, 1) and (0, -1) are exactly as far from (-1, 0) as from (1, 0); both
    # methods give them to the lower number.
    cases.append(("ties", np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 0.0], [0.0, 1.0],
                                    [0.0, -1.0], [2.0, 0.0]]),
                  np.array([[-1.0, 0.0], [1.0, 0.0]])))
    # An empty cluster from the start (a centre far from every point), and identical points
    # (every point ties between three identical centres: two clusters stay empty).
    cases.append(("far-centre", blobs, np.array([[0.0, 0.0], [4.0, 4.0], [60.0, -60.0]])))
    cases.append(("identical", np.ones((7, 2)), np.ones((3, 2))))
    return cases


@pytest.mark.parametrize("fraction", [1e-4, 0.3, 1.0, 2.0, 1e3])
@pytest.mark.parametrize("name,X,start", _lock_step_cases(), ids=lambda value: (
    value if isinstance(value, str) else ""))
def test_hard_em_with_a_fixed_sigma_is_kmeans_half_step_for_half_step(name, X, start, fraction):
    sigma = fraction * data_spread(X)
    kmeans_run = KMeansRun(X, start, max_iter=50)
    kmeans_run.run_to_convergence()
    em_run = fixed_sigma_run(X, start, sigma, hard=True, max_iter=50)
    em_run.run_to_convergence()
    assert (len(em_run), em_run.status) == (len(kmeans_run), kmeans_run.status)
    n_samples, n_components = X.shape[0], start.shape[0]
    for index in range(len(kmeans_run)):
        kmeans_entry, em_entry = kmeans_run[index], em_run[index]
        assert em_entry.kind == {"start": "start", "assign": "E", "update": "M"}[kmeans_entry.kind]
        assert em_entry.iteration == kmeans_entry.iteration
        # exactly the same means: the M-step computes them as k-means' update does
        np.testing.assert_array_equal(em_entry.params.means, kmeans_entry.centers)
        labels = kmeans_run.labels_at(index)
        responsibilities = em_run.responsibilities_at(index)
        if labels is None:
            assert responsibilities is None
            continue
        np.testing.assert_array_equal(responsibilities, np.eye(n_components)[labels])
        # its objective is k-means' inertia in other units:
        # l_C = -inertia / (2 sigma^2) - N D/2 log(2 pi sigma^2) - N log K
        expected = (-kmeans_entry.inertia / (2 * sigma**2)
                    - n_samples * np.log(2 * np.pi * sigma**2) - n_samples * np.log(n_components))
        assert em_entry.lower_bound == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_ties_and_empty_clusters_are_settled_as_kmeans_settles_them():
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [0.0, -1.0], [2.0, 0.0]])
    start = np.array([[-1.0, 0.0], [1.0, 0.0], [9.0, 9.0]])
    run = fixed_sigma_run(X, start, 0.5, hard=True)
    run.extend_to(2)
    # the three tied points go to the lower number, the far component gets nothing
    np.testing.assert_array_equal(run.responsibilities_at(1).argmax(axis=1), [0, 1, 0, 0, 0, 1])
    np.testing.assert_array_equal(run[2].params.means, [[-0.25, 0.0], [1.5, 0.0], [9.0, 9.0]])
    np.testing.assert_array_equal(run[2].params.weights, [1 / 3] * 3)  # frozen


def test_classification_m_step_estimates_each_cluster_and_keeps_an_empty_component():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [10.0, 10.0], [12.0, 10.0]])
    labels = np.array([0, 0, 0, 2, 2])  # component 1 is empty
    previous = MixtureParams(np.full(3, 1 / 3), [[1.0, 1.0], [5.0, 5.0], [9.0, 9.0]],
                             np.stack([np.eye(2), 3 * np.eye(2), np.eye(2)]), "full")
    params = classification_m_step(X, labels, previous, reg_covar=0.01)
    np.testing.assert_array_equal(params.weights, [0.6, 0.0, 0.4])
    np.testing.assert_allclose(params.means, [[2 / 3, 2 / 3], [5.0, 5.0], [11.0, 10.0]])
    np.testing.assert_allclose(params.covariances[0],
                               np.cov(X[:3].T, bias=True) + 0.01 * np.eye(2))
    np.testing.assert_array_equal(params.covariances[1], 3 * np.eye(2))  # kept
    np.testing.assert_allclose(params.covariances[2], [[1.01, 0.0], [0.0, 0.01]], atol=1e-15)
    frozen = classification_m_step(X, labels, previous, frozen={"weights"})
    np.testing.assert_array_equal(frozen.weights, previous.weights)


@pytest.mark.parametrize("cov", ["full", "tied", "diag", "spherical"])
def test_hard_em_with_learnt_parameters_raises_its_objective_and_stops_at_a_fixed_point(cov):
    data, start = load_comparison_preset("unequal-spreads")
    run = ClassificationEMRun(data.X, params_from_means(data.X, start, cov), max_iter=200)
    run.run_to_convergence()
    assert run.status == "converged"
    bounds = np.array([entry.lower_bound for entry in run.history[1:]])
    assert np.all(np.diff(bounds) >= -1e-9 * np.abs(bounds[:-1]))
    # l_C(theta, z) <= l(theta) at every half-step
    assert all(entry.lower_bound <= entry.log_likelihood + 1e-9 * abs(entry.log_likelihood)
               for entry in run.history[1:])
    for index in range(1, len(run)):
        responsibilities = run.responsibilities_at(index)
        assert set(np.unique(responsibilities)) <= {0.0, 1.0}
        np.testing.assert_array_equal(responsibilities.sum(axis=1), 1.0)
    # a fixed point: one more E-step on the last parameters keeps every assignment
    last = run[-1].params
    again = ClassificationEMRun(data.X, last)
    again.step()
    np.testing.assert_array_equal(again.responsibilities_at(1), run.responsibilities_at(-1))
    if cov == "tied":
        return  # one shared covariance cannot make the tight cloud's variance small
    # unlike k-means, each component's own variance (and its weight) moves the boundary
    kmeans_run = KMeansRun(data.X, start)
    kmeans_run.run_to_convergence()
    assert adjusted_rand_index(data.labels, run.responsibilities_at(-1).argmax(axis=1)) > (
        adjusted_rand_index(data.labels, kmeans_run.labels_at(-1)))


def test_hard_em_gives_an_emptied_component_weight_zero_and_keeps_its_mean():
    data, start = load_comparison_preset("unequal-spreads")
    far = np.vstack([start, [[40.0, -40.0]]])
    run = ClassificationEMRun(data.X, params_from_means(data.X, far, "full"))
    run.extend_to(4)
    assert run[2].params.weights[2] == 0.0
    np.testing.assert_array_equal(run[2].params.means[2], [40.0, -40.0])
    np.testing.assert_array_equal(run[2].params.covariances[2], run[0].params.covariances[2])
    assert run.responsibilities_at(3)[:, 2].sum() == 0.0  # it never wins a point again


def test_data_spread_is_the_root_mean_variance():
    X = np.array([[0.0, 0.0], [2.0, 4.0]])  # variances 1 and 4
    assert data_spread(X) == pytest.approx(np.sqrt(2.5))
    assert data_spread(np.ones((5, 2))) == 1.0


# --- presets ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", MIXTURE_WINS)
def test_on_these_presets_the_mixture_beats_kmeans(key):
    data, kmeans_run, em_run = _converged_pair(key)
    assert em_run.status == "converged"
    kmeans_ari = adjusted_rand_index(data.labels, kmeans_run.labels_at(-1))
    em_ari = adjusted_rand_index(data.labels, hard_labels(em_run.responsibilities_at(-1)))
    assert kmeans_ari < 0.6
    assert em_ari > 0.9
    assert kmeans_ari < em_ari


def test_the_poor_start_traps_em_in_a_worse_local_optimum():
    data, _, em_run = _converged_pair("bad-start")
    good_start = np.array([data.X[data.labels == k].mean(axis=0) for k in range(3)])
    good_run = EMRun(data.X, params_from_means(data.X, good_start, "full"))
    good_run.run_to_convergence()
    assert em_run.status == "converged"
    assert em_run[-1].log_likelihood < good_run[-1].log_likelihood - 100
    # the numbers its lesson quotes
    assert em_run[-1].log_likelihood == pytest.approx(-2347, abs=0.5)
    assert good_run[-1].log_likelihood == pytest.approx(-2064, abs=0.5)
    assert "ℓ ≈ −2347 against ≈ −2064" in COMPARISON_PRESETS["bad-start"].lesson
    assert adjusted_rand_index(data.labels, hard_labels(em_run.responsibilities_at(-1))) < 0.7
    assert adjusted_rand_index(data.labels, hard_labels(good_run.responsibilities_at(-1))) > 0.95


@pytest.mark.parametrize("key", list(COMPARISON_PRESETS))
def test_presets_are_deterministic_and_well_formed(key):
    first, start = load_comparison_preset(key)
    again, start_again = load_comparison_preset(key)
    preset = COMPARISON_PRESETS[key]
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(start, start_again)
    assert start.shape == (preset.n_components, 2)
    assert first.labels is not None and len(np.unique(first.labels)) == preset.n_components
    assert first.X.shape[1] == 2


def test_unknown_preset_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="stretched"):
        load_comparison_preset("nope")
