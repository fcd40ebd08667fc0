"""The sentences of "k-means vs EM" that describe a state (ui.compare.notes): each one reached
with a real run in that state, and checked against it."""

import numpy as np
import pytest

from gmm_core.comparison import fixed_sigma_run, load_comparison_preset
from gmm_core.diagnostics import data_variance
from gmm_core.em_run import EMRun
from gmm_core.initialisation import params_from_means
from gmm_core.kmeans import KMeansRun
from ui.compare.notes import EmModel, agreement_note, em_note, kmeans_note, percent


@pytest.mark.parametrize(("count", "total", "text"), [
    (0, 600, "0%"), (600, 600, "100%"), (1, 600, "0.2%"), (3, 100_000, "<0.1%"),
    (99_999, 100_000, ">99.9%"), (150, 600, "25.0%"), (0, 0, "0%"),
])
def test_percent_never_rounds_a_real_share_away(count, total, text):
    assert percent(count, total) == text


def test_model_names():
    assert [EmModel(hard, fixed).title for hard in (False, True) for fixed in (False, True)] == [
        "EM", "EM with a fixed σ", "Hard EM", "Hard EM with a fixed σ"]
    assert EmModel(True, True).is_kmeans and not EmModel(False, True).is_kmeans


def _kmeans(X, start, **options):
    run = KMeansRun(X, start, **options)
    run.run_to_convergence()
    return run


def test_kmeans_notes_on_the_way_at_the_end_and_with_an_empty_cluster():
    data, start = load_comparison_preset("unequal-spreads")
    run = KMeansRun(data.X, start)
    assert kmeans_note(run.status, run.history, 0, run.next_kind, 100) == (
        "k-means · has not stopped: the next half-step is the assign (E-step).")
    run.run_to_convergence()
    last = len(run) - 1
    note = kmeans_note(run.status, run.history, last, None, 100)
    assert note.startswith(f"k-means · converged at half-step {last}: its last update left")
    assert kmeans_note(run.status, run.history, 2, "assign", 100) == (
        f"k-means · the run ends at half-step {last} (converged); this is half-step 2.")
    far = _kmeans(data.X, np.vstack([start, [[50.0, 50.0]]]))
    assert kmeans_note(far.status, far.history, len(far) - 1, None, 100).endswith(
        "Cluster 3 holds no point, so it keeps its old centre.")
    short = _kmeans(data.X, start, max_iter=1)
    assert kmeans_note(short.status, short.history, 2, None, 1) == (
        "k-means · stopped at half-step 2: it reached the iteration limit (1 iteration) "
        "before converging.")


def _em_note(run, model, tol=1e-3):
    return em_note(model, run.status, run.history, len(run) - 1, None, tol=tol,
                   max_iter=run.max_iter, data_variance=data_variance(run.X))


def test_em_notes_converged_loose_tolerance_and_iteration_limit():
    data, start = load_comparison_preset("stretched")
    run = EMRun(data.X, params_from_means(data.X, start, "full"))
    run.run_to_convergence()
    note = _em_note(run, EmModel(False, False))
    assert "changed ℓ by less than tol = 0.001 per point" in note
    assert "A stop by tolerance proves no maximum." in note
    assert "still raised ℓ by" in note  # tol = 1e-3 is loose: the last iteration still climbed
    short = EMRun(data.X, params_from_means(data.X, start, "full"), max_iter=2)
    short.run_to_convergence()
    assert _em_note(short, EmModel(False, False)) == (
        "EM · stopped at half-step 4: it reached the iteration limit (2 iterations) before "
        "converging.")


def test_hard_em_note_is_a_fixed_point_and_coinciding_components_are_named():
    data, start = load_comparison_preset("unequal-spreads")
    run = fixed_sigma_run(data.X, start, 0.5, hard=True)
    run.run_to_convergence()
    note = _em_note(run, EmModel(True, True))
    assert note.startswith(f"Hard EM with a fixed σ · converged at half-step {len(run) - 1}")
    assert "returned exactly the parameters it started from" in note
    # two identical starting means stay identical under soft EM: a saddle, not a maximum
    twin = EMRun(data.X, params_from_means(data.X, [start[0], start[0]], "full"))
    twin.run_to_convergence()
    assert "Components 1 and 2 coincide" in _em_note(twin, EmModel(False, False))


def test_collapse_note():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [5.0, 5.0]])
    run = EMRun(X, params_from_means(X, X[[0, 3]], "full", reg_covar=0.0), reg_covar=0.0)
    run.run_to_convergence()
    assert run.status == "collapsed"
    assert "collapsed onto a point or a line" in _em_note(run, EmModel(False, False))


def test_agreement_note_in_every_state():
    model = EmModel(False, False)
    assert agreement_note(None, 600, 0, 0, model).startswith("Disagreements appear once")
    assert agreement_note(0, 600, 4, 4, model) == (
        "k-means' clusters and the hard labels of EM (each point's most responsible component, "
        "the largest r_ik) agree on all 600 points at the half-step shown (cluster numbers "
        "matched to component numbers by overlap).")
    text = agreement_note(3, 100_000, 2, 6, EmModel(True, True))
    assert text.startswith("**k-means' clusters and the clusters of hard EM with a fixed σ "
                           "disagree on 3 of 100000 points (<0.1%)** at the half-steps shown "
                           "(k-means at 2, hard EM with a fixed σ at 6)")
    assert "ringed in red" in text and "ringed" not in agreement_note(0, 5, 1, 1, model)
