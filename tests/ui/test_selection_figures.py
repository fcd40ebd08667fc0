"""The pure figure builders of the page "Model selection" (ui/selection/figures.py)."""

import numpy as np
import pytest

from gmm_core.model_search import model_grid, restarts
from tests.ui.blobs import three_blobs
from ui.figures import figure_style
from ui.selection.figures import (
    DEGENERATE_NAME,
    criterion_figure,
    degenerate_points,
    init_comparison_figure,
    restarts_histogram,
    start_spread,
)

STYLE = figure_style(100)


def test_criterion_figure_stars_the_best_and_rings_the_selected():
    X, _ = three_blobs(1)
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
    X, _ = three_blobs(2)
    result = restarts(X, 3, "full", init="random-points", n_starts=6)
    values = np.append(result.log_likelihoods, np.nan)
    histogram = restarts_histogram(values, STYLE)
    assert len(histogram.data[0].x) == 6
    assert histogram.layout.shapes[0].x0 == np.nanmax(values)
    comparison = init_comparison_figure({"random-points": values, "k-means": values[:3]}, STYLE)
    assert [len(trace.y) for trace in comparison.data] == [6, 3]


# --- issue #18: both signs, the spread over starts, degenerate fits ------------------------------


def _grid(n_starts=3, **options):
    X, _ = three_blobs(3)
    return model_grid(X, range(1, 5), ["full", "tied"], n_starts=n_starts, **options)


def test_mclust_sign_flips_every_bic_and_keeps_the_best():
    grid = _grid()
    plain = criterion_figure(grid, "bic", STYLE)
    flipped = criterion_figure(grid, "bic", STYLE, convention="mclust")
    for a, b in zip(plain.data[:2], flipped.data[:2], strict=True):
        assert [-v for v in a.y] == list(b.y)
    star = next(trace for trace in flipped.data if trace.name == "best BIC")
    assert list(star.y) == [-grid.best("bic").bic]
    assert "higher is better" in flipped.layout.yaxis.title.text
    assert "lower is better" in plain.layout.yaxis.title.text
    low, high = flipped.layout.yaxis.range
    assert low < -grid.best("bic").bic < high
    # AIC has one convention
    aic = criterion_figure(grid, "aic", STYLE, convention="mclust")
    assert "lower is better" in aic.layout.yaxis.title.text


def test_whiskers_span_each_models_sound_starts():
    grid = _grid()
    figure = criterion_figure(grid, "bic", STYLE)
    full = next(trace for trace in figure.data if trace.name == "full")
    for k, value, up, down in zip(full.x, full.y, full.error_y.array, full.error_y.arrayminus,
                                  strict=True):
        entry = grid.entry(k, "full")
        low, high = start_spread(entry, "bic")
        assert up >= 0 and down >= 0
        assert value - down == pytest.approx(low) and value + up == pytest.approx(high)
        assert entry.bic >= low - 1e-9 and entry.n_starts == 3


def _tiny_grid(feature_names=("x", "y")):
    """12 points, K up to 8: K >= N/2 gives degenerate fits."""
    X, _ = three_blobs(4)
    return model_grid(X[::10], range(1, 9), ["full", "spherical"], n_starts=2,
                      feature_names=feature_names)


def test_degenerate_fits_are_hollow_with_their_reason_and_can_be_hidden():
    grid = _tiny_grid()
    points = degenerate_points(grid)
    assert points and all(entry.degenerate for entry in points)
    figure = criterion_figure(grid, "bic", STYLE)
    (hollow,) = [trace for trace in figure.data if trace.name == DEGENERATE_NAME]
    assert hollow.marker.symbol == "circle-open"
    assert len(hollow.x) == len(points)
    assert all("degenerate, left out" in text for text in hollow.text)
    assert any("N/2" in text for text in hollow.text)
    best = grid.best("bic")
    assert not best.degenerate
    hidden = criterion_figure(grid, "bic", STYLE, show_degenerate=False)
    assert DEGENERATE_NAME not in [trace.name for trace in hidden.data]
    # a degenerate model leaves a gap in its line
    full = next(trace for trace in hidden.data if trace.name == "full")
    assert full.y[-1] is None


def test_a_column_name_with_markup_stays_text_in_the_tooltips():
    grid = _tiny_grid(("<a href='https://evil.example'>x</a>", "<img src=x>"))
    figure = criterion_figure(grid, "bic", STYLE)
    texts = " ".join(trace.text and " ".join(trace.text) or "" for trace in figure.data)
    assert "<a " not in texts and "<img" not in texts


def test_restart_histogram_stacks_runs_by_how_they_ended():
    X, _ = three_blobs(2)
    result = restarts(X, 4, "full", init="random-points", n_starts=8, max_iter=3)
    histogram = restarts_histogram(result.log_likelihoods, STYLE, outcomes=result.outcomes,
                                   best=result.best.log_likelihood)
    names = {trace.name for trace in histogram.data}
    assert names <= {"stopped by tol", "stopped at max_iter", "degenerate"}
    assert "stopped at max_iter" in names  # three iterations stop most runs early
    assert sum(len(trace.x) for trace in histogram.data) == np.isfinite(
        result.log_likelihoods).sum()
    assert histogram.layout.barmode == "stack" and histogram.layout.showlegend
    assert histogram.layout.shapes[0].x0 == result.best.log_likelihood
