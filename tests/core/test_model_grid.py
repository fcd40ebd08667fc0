"""The model grid with several starts per model: the published Old Faithful answer, starts that
never make things worse, running on, degenerate fits set aside, budgets and one summary of the
problems."""

import math

import numpy as np
import pytest

from gmm_core.datasets import load_preset, make_blobs
from gmm_core.mixture import COVARIANCE_TYPES, predict_proba
from gmm_core.model_search import (
    DEFAULT_N_STARTS,
    FINAL_TOL,
    continue_fit,
    default_n_starts,
    fit_mixture,
    model_grid,
)

# mclust's published classification of Old Faithful with EEE, K = 3 (Fraley & Raftery's
# summary); scikit-learn's converged fit gives 134 / 97 / 41: points near a boundary go either
# way. Each class may differ from mclust's by at most this many points.
MCLUST_CLASSES = (130, 97, 45)
CLASS_TOLERANCE = 8


pytestmark = pytest.mark.usefixtures("one_blas_thread")


@pytest.fixture(scope="module")
def faithful_grid(faithful):
    """The default grid on raw Old Faithful (K = 1..10, four types), with its progress calls."""
    calls = []
    grid = model_grid(faithful.X, feature_names=faithful.feature_names,
                      progress=lambda *call: calls.append(call))
    return grid, calls


def test_the_default_grid_reproduces_the_published_old_faithful_answer(faithful, faithful_grid):
    grid, _ = faithful_grid
    best = grid.best("bic")
    assert (best.n_components, best.covariance_type) == (3, "tied")
    assert best.mclust_name(2) == "EEE"
    assert best.fit.log_likelihood == pytest.approx(-1126.32, abs=0.1)
    assert best.bic == pytest.approx(2314.30, abs=0.1)
    assert best.bic_mclust == pytest.approx(-2314.30, abs=0.1)
    assert not best.degenerate and best.run_on and best.fit.tol == FINAL_TOL
    classes = np.bincount(predict_proba(faithful.X, best.fit.params).argmax(axis=1))
    assert sorted(classes, reverse=True)[1] == 97
    for ours, published in zip(sorted(classes), sorted(MCLUST_CLASSES), strict=True):
        assert abs(ours - published) <= CLASS_TOLERANCE
    # mclust's runners-up follow in the same order: EEE,4 (-2320.2) and a two-component model
    ranked = sorted((e for e in grid.entries if not e.degenerate), key=lambda e: e.bic)
    assert (ranked[1].n_components, ranked[1].covariance_type) == (4, "tied")
    assert ranked[1].bic == pytest.approx(2320.14, abs=0.1)


def test_every_model_has_its_starts_recorded(faithful_grid):
    grid, _ = faithful_grid
    assert default_n_starts(272) == DEFAULT_N_STARTS == 10
    assert grid.n_starts == grid.n_starts_requested == 10 and grid.complete
    assert grid.final_tol == FINAL_TOL and grid.stopped == ""
    for entry in grid.entries:
        assert [start.seed for start in entry.starts] == list(range(10))
        low, high = entry.start_range("bic")
        assert low <= entry.bic <= high or entry.degenerate
        assert entry.start_values("bic").shape == (10,)
    best = grid.best()
    # the kept fit beats every start where it stopped at tol 1e-3
    assert best.bic <= np.nanmin(best.start_values("bic"))
    assert 1 <= best.n_reached <= 10
    # a model with one optimum: every start ends in the same clustering
    assert grid.entry(2, "full").n_reached == 10
    rows = grid.rows()
    assert len(rows) == 40 and rows[0]["BIC (mclust)"] == -rows[0]["BIC"]
    assert {row["mclust"] for row in rows} == {"VVV", "EEE", "VVI", "VII"}


def test_progress_reaches_the_total_in_fits_then_models_run_on(faithful_grid):
    _, calls = faithful_grid
    totals = {total for _, total, _ in calls}
    assert totals == {40 * 10 + 40}
    done = [done for done, _, _ in calls]
    assert done == sorted(done) and done[-1] == 440
    assert len(calls) == 10 * 10 + 40  # one call per (K, start) row, one per model run on
    assert calls[0][2] == "K = 1, start 1 of 10"
    assert calls[99][2] == "K = 10, start 10 of 10"
    assert calls[100][2] == "K = 3 (tied) run on to tol 1e-05"  # the best model first


def test_degenerate_fits_are_never_chosen(faithful, faithful_grid):
    grid, _ = faithful_grid
    best = grid.best()
    for entry in grid.entries:
        if entry.set_aside is not None:
            assert entry.set_aside.degenerate
            assert entry.set_aside.fit.log_likelihood > entry.fit.log_likelihood
    face_value = grid.best(include_degenerate=True)
    assert face_value.bic <= best.bic
    for note in grid.notes():
        assert note.kind in {"degenerate", "degenerate chosen", "few starts reached"}


def test_more_starts_are_never_worse_than_one_from_the_same_seed():
    X = load_preset("faithful").X
    for seed in (0, 3, 7):
        one = model_grid(X, [2, 3, 4], ["tied", "diag"], seed=seed, n_starts=1)
        several = model_grid(X, [2, 3, 4], ["tied", "diag"], seed=seed, n_starts=4)
        assert several.best().bic <= one.best().bic + 1e-9
        for entry in one.entries:
            other = several.entry(entry.n_components, entry.covariance_type)
            # the first start is the same and is run on the same way
            first, same = other.starts[0], entry.starts[0]
            assert (first.seed, first.log_likelihood, first.n_iter) == (
                same.seed, same.log_likelihood, same.n_iter)
            if entry.run_on and other.run_on and not entry.degenerate:
                assert other.fit.log_likelihood >= entry.fit.log_likelihood - 1e-9


def test_one_start_finds_the_local_optimum_that_more_starts_escape():
    X = load_preset("faithful").X
    one = model_grid(X, [3], ["tied"], seed=0, n_starts=1)
    several = model_grid(X, [3], ["tied"], seed=0, n_starts=3)
    assert one.entries[0].fit.log_likelihood == pytest.approx(-1140.09, abs=0.05)
    assert several.entries[0].fit.log_likelihood == pytest.approx(-1126.32, abs=0.05)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_running_on_equals_one_run_at_the_final_tolerance(covariance_type):
    X = load_preset("faithful").X
    for seed in (1, 4):
        loose = fit_mixture(X, 3, covariance_type, seed=seed, tol=1e-3, max_iter=100)
        continued = continue_fit(X, loose, tol=1e-5, max_iter=1000)
        direct = fit_mixture(X, 3, covariance_type, seed=seed, tol=1e-5, max_iter=1000)
        assert (continued.n_iter, continued.status) == (direct.n_iter, direct.status)
        assert continued.log_likelihood == pytest.approx(direct.log_likelihood, rel=1e-12)
        np.testing.assert_allclose(continued.params.means, direct.params.means, rtol=1e-10)
        # a fit already at the tighter tolerance is not run again
        assert continue_fit(X, direct, tol=1e-5, max_iter=1000) is not direct
        assert continue_fit(X, direct, tol=1e-5, max_iter=1000).n_iter == direct.n_iter
    capped = continue_fit(X, fit_mixture(X, 3, "tied", seed=1), tol=1e-5, max_iter=12)
    assert (capped.n_iter, capped.status) == (12, "max_iter")


def test_a_work_budget_keeps_every_model_and_says_what_was_cut():
    X = make_blobs(300, 3, seed=1).X
    full = model_grid(X, range(1, 6), n_starts=5)
    budget = full.work // 4
    cut = model_grid(X, range(1, 6), n_starts=5, max_work=budget)
    nothing_extra = model_grid(X, range(1, 6), n_starts=5, time_limit=0.0)
    assert full.complete and full.n_starts == 5
    assert not cut.complete and cut.n_starts < 5 and cut.n_starts_requested == 5
    assert "starts per model" in cut.stopped and "work budget" in cut.stopped
    assert all(entry.fit.usable for entry in cut.entries)  # every model fitted at least once
    assert any(note.kind == "budget" for note in cut.notes())
    assert cut.work < full.work
    # no time at all: the first start of every model, nothing else
    assert nothing_extra.n_starts == 1
    assert "not run on" in nothing_extra.stopped
    assert all(len(entry.starts) == 1 and not entry.run_on for entry in nothing_extra.entries)


def test_a_two_row_csv_gets_one_note_per_problem_not_one_per_model():
    X = np.array([[1.0, 2.0], [3.0, 5.0]])
    calls = []
    grid = model_grid(X, range(1, 11), progress=lambda *call: calls.append(call))
    assert calls[-1][0] == calls[-1][1]  # the progress bar fills although K > N is skipped
    assert len(grid.problems) == 32  # the old per-model sentences
    notes = grid.notes()
    kinds = [note.kind for note in notes]
    assert len(notes) <= 5 and len(set(kinds)) == len(kinds)
    (impossible,) = [note for note in notes if note.kind == "impossible"]
    assert impossible.message == ("K = 3…10 cannot be fitted: every component needs at least "
                                  "one point and the data has 2 (32 models not fitted).")
    assert len(impossible.cells) == 32
    assert "data" in kinds  # 2 points in 2-D: fewer than a full covariance needs
    # K = 2 on 2 points is K >= N/2: never chosen
    best = grid.best()
    assert best is None or best.n_components == 1


def test_ten_points_do_not_choose_ten_components():
    X = make_blobs(10, 2, seed=5).X
    grid = model_grid(X, range(1, 11), ["full", "spherical"])
    best = grid.best()
    assert best is not None and best.n_components < 5
    for entry in grid.entries:
        if entry.n_components >= 5 and entry.fit.usable:
            assert entry.degenerate
            assert "K ≥ N/2" in entry.degeneracy.message


def test_a_degenerate_spike_that_beats_the_sound_fits_is_set_aside_and_reported():
    X = load_preset("faithful").X
    # seeds 2..3: start 2 of diag K = 5 runs on to the waiting = 83 spike
    grid = model_grid(X, [3, 5], ["tied", "diag"], seed=2, n_starts=2,
                      feature_names=("eruptions", "waiting"))
    entry = grid.entry(5, "diag")
    spike = entry.set_aside if entry.set_aside is not None else entry
    assert spike.degenerate and spike.bic == pytest.approx(2221.4, abs=1.0)
    assert "waiting exactly 83" in spike.degeneracy.message
    assert (grid.best().n_components, grid.best().covariance_type) == (3, "tied")
    face_value = grid.best(include_degenerate=True)
    assert (face_value.n_components, face_value.covariance_type) == (5, "diag")
    (note,) = [note for note in grid.notes() if note.kind == "degenerate chosen"]
    assert note.message.startswith("Taken at face value, BIC would choose K = 5 (diag, BIC 2221")
    assert "14 points with waiting exactly 83" in note.message
    assert any(start.degenerate for start in entry.starts) or entry.set_aside is not None
    assert math.isfinite(grid.run_on_margin)
