"""The sentences and text alternatives of the page "Model selection" (ui/selection/texts.py,
ui/selection/describe.py): computed from the state they describe, true in it, escaped."""

import numpy as np
import pytest

from gmm_core.datasets import load_preset
from gmm_core.model_search import model_grid, restarts
from tests.pages.stepper_helpers import visible
from ui.kit.data_picker import freeze
from ui.selection import describe, texts
from ui.selection.figures import degenerate_points


def _blobs(n=40, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    return np.vstack([centre + rng.normal(size=(n, 2)) for centre in centres])


@pytest.fixture(scope="module")
def grid():
    return model_grid(_blobs(), range(1, 5), ["full", "tied", "diag", "spherical"], n_starts=2)


@pytest.fixture(scope="module")
def tiny():
    """12 points with hostile column names, K up to 8: K >= N/2 gives degenerate fits."""
    return model_grid(_blobs(4)[::10], range(1, 9), ["full", "spherical"], n_starts=2,
                      feature_names=("[evil](https://e.example)", "![x](https://e.example/p.png)"))


def test_the_verdict_has_the_ui_vocabulary_and_both_signs(grid):
    best, best_aic = grid.best("bic"), grid.best("aic")
    text = texts.verdict(best, best_aic, 2)
    assert text.startswith(f"**BIC chooses K = {best.n_components} ({best.covariance_type})**")
    assert f"BIC = {texts.number(best.bic)} (scikit-learn's sign, lower is better" in text
    assert f"{texts.number(-best.bic)} in mclust's sign, higher is better" in text
    assert f"p = {best.n_params} free parameters" in text
    assert f"AIC chooses K = {best_aic.n_components}" in text


def test_the_published_note_is_only_said_where_it_is_true(grid):
    best = grid.best("bic")
    assert texts.published_note("tutorial-2d", False, grid, best) is None
    assert texts.published_note("faithful", True, grid, best) is None  # standardised
    note = texts.published_note("faithful", False, grid, best)
    if (best.n_components, best.covariance_type) == (3, "tied"):
        assert note.startswith("This is the model mclust selects")
    else:
        assert note.startswith("mclust selects EEE (tied) with 3 components")
        assert "This is the model" not in note


def test_faithful_hard_classification_is_set_beside_mclusts():
    X = load_preset("faithful").X
    grid = model_grid(X, [3], ["tied"], n_starts=10)
    entry = grid.entry(3, "tied")
    line = texts.hard_counts(X, entry, "faithful", False)
    counts = [int(n) for n in line.split(": ")[1].split(" points")[0].split(" / ")]
    assert sum(counts) == 272 and counts == sorted(counts, reverse=True)
    assert "mclust's classification of its EEE, 3 fit is 130 / 97 / 45" in line
    assert "mclust" not in texts.hard_counts(X, entry, "faithful", True)


def test_degenerate_notes_are_short_escaped_and_name_k_at_least_half_n(tiny):
    box = texts.notes_box(tiny)
    shown = visible(box)
    assert "Taken at face value, BIC would choose K = " in shown
    assert "K ≥ N/2" in shown
    assert "more component" in shown  # alike reasons counted, not repeated
    assert "](" not in box.replace("\\](", "").replace("\\]\\(", "")  # no live Markdown link
    assert "![" not in box
    listed = texts.degenerate_list(tiny, degenerate_points(tiny))
    assert listed.count("\n- ") + 1 == len(degenerate_points(tiny))


def test_fit_status_never_calls_a_stop_a_maximum():
    text = texts.fit_status("converged", 12, 1e-3)
    assert "stopped by tol after 12 iteration(s)" in text and "not proof of a maximum" in text
    assert "still climbing" in texts.fit_status("max_iter", 100, 1e-3)


def test_the_criterion_chart_is_described_as_drawn(grid, tiny):
    best = grid.best("bic")
    text = describe.criterion_chart(grid, "bic")
    assert text.startswith("BIC against K for 4 covariance types")
    assert f"lowest at K = {best.n_components}, {best.covariance_type}" in text
    flipped = describe.criterion_chart(grid, "bic", convention="mclust")
    assert "in mclust's sign, higher is better" in flipped and "highest at" in flipped
    n_degenerate = len(degenerate_points(tiny))
    assert f"{n_degenerate} degenerate fits drawn hollow" in describe.criterion_chart(tiny, "bic")
    assert f"{n_degenerate} degenerate fits hidden" in describe.criterion_chart(
        tiny, "bic", show_degenerate=False)


def test_fit_and_restart_figures_are_described():
    X = _blobs()
    data = freeze(X, feature_names=("*bold*", "y"))
    result = restarts(X, 3, "full", n_starts=5)
    text = describe.fit_chart(result.best.params, data, title="best of 5 starts")
    assert "120 points" in text and "\\*bold\\*" in text and "component 1 at (" in text
    runs = describe.restarts_chart(result, np.isfinite(result.log_likelihoods))
    assert runs.startswith("Histogram") and "of 5 runs" in runs and "the best sound run ends at ℓ = " in runs
