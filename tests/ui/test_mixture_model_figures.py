"""The pure figure builders of the page "The mixture model" (ui/mixture_model/figures.py)."""

import numpy as np

from gmm_core.generative import sample_spec, supervised_estimates
from gmm_core.means_only import (
    means_only_path,
    means_only_surface,
    surface_grid,
    surface_shape,
)
from tests.core.test_generative import THREE
from ui.figures.common import UNASSIGNED_HEX, figure_style
from ui.mixture_model.figures import (
    draw_counts_figure,
    graphical_model_dot,
    sampling_figure,
    supervised_figure,
)
from ui.mixture_model.surface_figures import CLICK_TRACE_NAME, surface_figure

# --- the figure builders ----------------------------------------------------------------------------


def test_the_graphical_model_has_the_plate_the_shaded_observation_and_the_edges():
    dot = graphical_model_dot()
    assert "subgraph cluster_plate" in dot and 'label="i = 1..N"' in dot
    assert 'x [label="xᵢ", shape=circle, style=filled' in dot
    assert 'z [label="zᵢ", shape=circle, tooltip' in dot  # latent: not filled
    assert 'pi [label="π"' in dot and 'label="k = 1..K"' in dot
    for edge in ("pi -> z;", "z -> x;", "mu -> x;", "sigma -> x;"):
        assert edge in dot
    plate = dot[dot.index("subgraph cluster_plate"):]
    assert "pi [" not in plate and "mu [" not in plate and "sigma [" not in plate


def _trace(figure, name: str):
    (trace,) = [trace for trace in figure.data if trace.name == name]
    return trace


def test_the_sampling_figure_reveals_a_prefix_and_hides_colours_on_request():
    dataset = sample_spec(THREE, 100, 0)
    params = THREE.to_params()
    style = figure_style(100)
    shown = sampling_figure(dataset.X, dataset.labels, 10, params, style)
    points = _trace(shown, "sample")
    assert len(points.x) == 10
    np.testing.assert_array_equal(points.customdata, dataset.labels[:10] + 1)
    assert any(trace.name == "component 1" for trace in shown.data)
    assert _trace(shown, "newest point").text == (f"z = {dataset.labels[9] + 1}",)
    hidden = sampling_figure(dataset.X, dataset.labels, 10, params, style, hide_colours=True)
    assert _trace(hidden, "sample").marker.color == UNASSIGNED_HEX
    assert not any(str(trace.name).startswith("component") for trace in hidden.data)
    assert "all EM sees" in hidden.layout.title.text
    # The axes come from the whole sample, so they do not move while points are revealed.
    empty = sampling_figure(dataset.X, dataset.labels, 0, params, style)
    assert empty.layout.xaxis.range == shown.layout.xaxis.range
    assert not any(trace.name == "sample" for trace in empty.data)


def test_the_draw_counts_figure_compares_weights_and_fractions():
    figure = draw_counts_figure(np.array([0.2, 0.8]), np.array([1, 1, 0, 1]), figure_style(10))
    weights, fractions = figure.data
    np.testing.assert_allclose(weights.y, [0.2, 0.8])
    np.testing.assert_allclose(fractions.y, [0.25, 0.75])
    assert fractions.marker.line.color[1] == "#111111"  # the newest draw was z = 2
    assert fractions.marker.line.color[0] != "#111111"


def test_the_supervised_figure_skips_components_without_points():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [1.0, -1.0]])
    labels = np.array([0, 0, 2, 2])
    estimates = supervised_estimates(X, labels, 3)
    figure = supervised_figure(X, labels, estimates, THREE.to_params(), figure_style(4))
    names = [trace.name for trace in figure.data]
    assert "estimate 1" in names and "estimate 3" in names and "estimate 2" not in names
    assert names.count("true component (1σ)") == 3


def test_the_surface_figure_draws_the_path_up_to_the_current_half_step(lecture_data):
    grid = surface_grid(lecture_data, resolution=40)
    surface = means_only_surface(lecture_data, grid)
    path = means_only_path(lecture_data, -1.0, -0.5)
    shape = surface_shape(lecture_data)
    figure = surface_figure(grid, surface, path.means, 4, shape, figure_style(200),
                            n_samples=200)
    np.testing.assert_array_equal(_trace(figure, "EM's path").x, path.means[:5, 0])
    assert _trace(figure, "now").x == (path.means[4, 0],)
    assert len(_trace(figure, CLICK_TRACE_NAME).x) == len(grid[::4]) ** 2
    np.testing.assert_allclose(_trace(figure, "maxima").x, [p.mu1 for p in shape.maxima])
    np.testing.assert_allclose(_trace(figure, "saddles").y, [p.mu2 for p in shape.saddles])
    assert figure.layout.yaxis.scaleanchor == "x"
