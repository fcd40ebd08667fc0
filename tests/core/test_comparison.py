"""k-means against EM: the hard-EM limit, the agreement metrics and the presets.

Stepping the two runs in one rhythm is the kit's (tests/ui/test_compare_stepping.py)."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from gmm_core.comparison import (
    COMPARISON_PRESETS,
    MIXTURE_WINS,
    adjusted_rand_index,
    contingency_table,
    data_spread,
    disagreement,
    hard_em_run,
    hard_labels,
    load_comparison_preset,
    match_labels,
    softness,
)
from gmm_core.em_run import EMRun
from gmm_core.initialisation import params_from_means
from gmm_core.kmeans import KMeansRun


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


# --- the hard-EM limit ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(COMPARISON_PRESETS))
def test_hard_em_means_equal_kmeans_centres_step_for_step_at_small_sigma(key):
    data, start = load_comparison_preset(key)
    kmeans_run = KMeansRun(data.X, start)
    kmeans_run.run_to_convergence()
    em_run = hard_em_run(data.X, start, 1e-4 * data_spread(data.X), max_iter=500)
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


def test_hard_em_keeps_weights_and_the_shared_spherical_covariance_fixed():
    data, start = load_comparison_preset("unequal-spreads")
    sigma = 0.3
    run = hard_em_run(data.X, start, sigma)
    run.run_to_convergence()
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
        run = hard_em_run(data.X, start, fraction * spread)
        run.iterate()
        softness_by_sigma.append(softness(run.responsibilities_at(1)))
        distance_by_sigma.append(np.abs(run[2].params.means - first_update).max())
    assert softness_by_sigma == sorted(softness_by_sigma, reverse=True)
    assert softness_by_sigma[0] > 0.5 and softness_by_sigma[-1] == 0.0
    assert distance_by_sigma == sorted(distance_by_sigma, reverse=True)
    assert distance_by_sigma[-1] < 1e-9 * spread


@pytest.mark.parametrize("sigma", [0.0, -1.0, float("nan"), float("inf")])
def test_hard_em_refuses_a_bad_sigma(sigma):
    data, start = load_comparison_preset("unequal-spreads")
    with pytest.raises(ValueError, match="sigma"):
        hard_em_run(data.X, start, sigma)


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
