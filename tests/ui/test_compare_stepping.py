"""k-means and EM stepped in one rhythm by the kit's step rules (ui.kit.step_rules) through the
kit's shared runs (ui.kit.run_store.SharedRun), as the page "k-means vs EM" steps them.

The same rules drive both kinds of run: "E-step" is k-means' assignment, "M-step" its update.
(These tests tested gmm_core.comparison.LockedRun and its advance() before the kit took them.)
"""

import numpy as np
import pytest

from gmm_core.comparison import load_comparison_preset
from gmm_core.em_run import EMRun
from gmm_core.initialisation import params_from_means
from gmm_core.kmeans import KMeansRun
from ui.kit.run_store import SharedRun
from ui.kit.step_rules import ACTIONS, advance, can_take, step_forward


def _shared(run, n_components: int) -> SharedRun:
    return SharedRun(run.X, lambda: run, n_components=n_components)


def _shared_pair(key="unequal-spreads"):
    data, start = load_comparison_preset(key)
    k = start.shape[0]
    return (_shared(KMeansRun(data.X, start), k),
            _shared(EMRun(data.X, params_from_means(data.X, start, "full")), k))


def test_advance_steps_both_kinds_of_run_in_the_same_rhythm():
    kmeans_run, em_run = _shared_pair()
    position = {"k": 0, "e": 0}
    for action, k_kind, e_kind in [("E-step", "assign", "E"), ("M-step", "update", "M"),
                                   ("E-step", "assign", "E")]:
        position["k"] = advance(kmeans_run, position["k"], action)
        position["e"] = advance(em_run, position["e"], action)
        assert kmeans_run.history()[position["k"]].kind == k_kind
        assert em_run.history()[position["e"]].kind == e_kind
    # after an E-step the next half-step is an M-step: "E-step" does nothing
    assert not can_take(em_run, position["e"], "E-step")
    assert advance(em_run, position["e"], "E-step") == position["e"]
    assert kmeans_run.next_kind_after(position["k"]) == "update"


def test_iteration_back_reset_and_run_to_convergence():
    data, start = load_comparison_preset("bad-start")
    run = _shared(EMRun(data.X, params_from_means(data.X, start, "full")), 3)
    index = advance(run, 0, "EM iteration")
    assert (index, run.history()[index].kind) == (2, "M")
    index = advance(run, advance(run, index, "E-step"), "EM iteration")  # only the M-step left
    assert (index, run.history()[index].kind) == (4, "M")
    assert advance(run, index, "Back") == 3
    assert advance(run, index, "Reset") == 0
    assert not can_take(run, 0, "Back")
    last = advance(run, index, "Run to convergence")
    assert run.status() == "converged" and last == len(run.history()) - 1
    assert not can_take(run, last, "EM iteration")
    assert advance(run, last, "EM iteration") == last
    assert advance(run, last, "M-step") == last
    # replaying a rewound history follows the stored entries
    length = len(run.history())
    assert advance(run, 1, "M-step") == 2 and len(run.history()) == length


def test_shared_runs_give_labels_and_responsibilities_of_both_kinds():
    kmeans_run, em_run = _shared_pair()
    assert kmeans_run.labels_at(0) is None and em_run.labels_at(0) is None
    assert kmeans_run.responsibilities_at(0) is None
    kmeans_run.extend_to(1)
    em_run.extend_to(2)
    labels = kmeans_run.labels_at(1)
    np.testing.assert_array_equal(kmeans_run.responsibilities_at(1).argmax(axis=1), labels)
    np.testing.assert_array_equal(em_run.labels_at(2),
                                  em_run.responsibilities_at(2).argmax(axis=1))
    assert kmeans_run.is_kmeans and not em_run.is_kmeans
    assert kmeans_run.X.shape == em_run.X.shape


def test_step_forward_takes_whichever_half_step_comes_next():
    kmeans_run, em_run = _shared_pair()
    kinds = []
    index = 0
    for _ in range(4):
        index = step_forward(kmeans_run, index)
        kinds.append(kmeans_run.history()[index].kind)
    assert kinds == ["assign", "update", "assign", "update"]
    last = em_run.run_to_convergence()
    assert step_forward(em_run, last) == last


def test_every_action_is_known_and_unknown_ones_are_refused():
    kmeans_run, _ = _shared_pair()
    for action in ACTIONS:
        assert isinstance(advance(kmeans_run, 0, action), int)
    with pytest.raises(ValueError, match="unknown action"):
        advance(kmeans_run, 0, "Jump")
    with pytest.raises(ValueError, match="unknown action"):
        can_take(kmeans_run, 0, "Jump")
