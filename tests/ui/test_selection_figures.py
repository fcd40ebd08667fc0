"""The pure figure builders of the page "Model selection" (ui/selection/figures.py)."""

import numpy as np

from gmm_core.model_search import model_grid, restarts
from ui.figures import figure_style
from ui.selection.figures import criterion_figure, init_comparison_figure, restarts_histogram

STYLE = figure_style(100)


def _blobs(seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    return np.vstack([centre + rng.normal(size=(40, 2)) for centre in centres]), centres


def test_criterion_figure_stars_the_best_and_rings_the_selected():
    X, _ = _blobs(1)
    grid = model_grid(X, range(1, 5), ["full", "spherical"])
    figure = criterion_figure(grid, "bic", STYLE, selected=(2, "full"))
    by_name = {trace.name: trace for trace in figure.data}
    best = grid.best("bic")
    assert list(by_name["best BIC"].x) == [best.n_components]
    assert list(by_name["shown below"].x) == [2]
    assert list(by_name["full"].x) == [1, 2, 3, 4]
    low, high = figure.layout.yaxis.range
    assert low < best.bic < high


def test_restart_figures_skip_failed_starts():
    X, _ = _blobs(2)
    result = restarts(X, 3, "full", init="random-points", n_starts=6)
    values = np.append(result.log_likelihoods, np.nan)
    histogram = restarts_histogram(values, STYLE)
    assert len(histogram.data[0].x) == 6
    assert histogram.layout.shapes[0].x0 == np.nanmax(values)
    comparison = init_comparison_figure({"random-points": values, "k-means": values[:3]}, STYLE)
    assert [len(trace.y) for trace in comparison.data] == [6, 3]
