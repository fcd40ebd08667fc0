"""The pure figure builders of the page "k-means vs EM" (ui/figures/kmeans.py).

The model-selection figures' tests live in tests/ui/test_selection_figures.py."""

import math

import numpy as np
import plotly.graph_objects as go

from gmm_core.kmeans import assign
from tests.ui.blobs import three_blobs
from ui.figures.common import figure_style
from ui.figures.kmeans import (
    add_highlight,
    inertia_figure,
    kmeans_figure_2d,
    relax_aspect,
    voronoi_trace,
)

STYLE = figure_style(100)


def test_voronoi_cells_colour_every_grid_point_by_its_nearest_centre():
    _, centres = three_blobs()
    trace = voronoi_trace(centres, [-2, 7], [-3, 8], resolution=50)
    xs, ys = np.meshgrid(trace["x"], trace["y"])
    expected = assign(np.stack([xs.ravel(), ys.ravel()], axis=1), centres).reshape(50, 50)
    np.testing.assert_array_equal(trace["z"], expected)
    assert trace["zmin"] == -0.5 and trace["zmax"] == 2.5
    assert len(trace["colorscale"]) == 6  # two stops per cluster: a staircase


def test_kmeans_figure_shows_cells_points_and_centres_and_highlights():
    X, centres = three_blobs()
    labels = assign(X, centres)
    figure = kmeans_figure_2d(X, centres, labels, STYLE)
    names = [trace.name for trace in figure.data]
    assert names[0] == "Voronoi cells" and names[-3:] == ["centre 1", "centre 2", "centre 3"]
    points = figure.data[1]
    np.testing.assert_array_equal(points.customdata, labels + 1)
    assert figure.layout.yaxis.scaleanchor == "x"
    assert "Voronoi cells" not in [t.name for t in kmeans_figure_2d(X, centres, None, STYLE,
                                                                      show_cells=False).data]
    mask = np.zeros(len(X), dtype=bool)
    mask[[3, 7]] = True
    add_highlight(figure, X, mask, STYLE)
    assert figure.data[-1].name == "k-means and EM disagree" and len(figure.data[-1].x) == 2
    before = len(figure.data)
    add_highlight(figure, X, np.zeros(len(X), dtype=bool), STYLE)
    assert len(figure.data) == before


def test_relax_aspect_only_for_very_different_spans():
    X = np.column_stack([np.linspace(0, 1, 10), np.linspace(0, 50, 10)])
    figure = go.Figure(layout={"yaxis": {"scaleanchor": "x", "scaleratio": 1}})
    assert relax_aspect(figure, X).layout.yaxis.scaleanchor is None
    square = go.Figure(layout={"yaxis": {"scaleanchor": "x", "scaleratio": 1}})
    assert relax_aspect(square, X[:, [1, 1]]).layout.yaxis.scaleanchor == "x"


def test_inertia_figure_marks_the_current_step_and_convergence():
    figure = inertia_figure([None, 30.0, 20.0, 18.0, 18.0], ["start", "assign", "update",
                                                            "assign", "update"], 2, STYLE,
                            status="converged")
    assert math.isnan(figure.data[0].y[0]) and list(figure.data[1].x) == [2]
    assert figure.layout.annotations[0].text == "converged"


def test_kmeans_figure_shows_column_names_as_text_never_as_plotly_markup():
    X, centres = three_blobs()
    names = ("<a href='https://evil.example'>x</a>", "y %{x} <b>")
    figure = kmeans_figure_2d(X, centres, assign(X, centres), STYLE, feature_names=names)
    assert figure.layout.xaxis.title.text == (
        "&lt;a href='https://evil.example'&gt;x&lt;/a&gt;")
    assert figure.layout.yaxis.title.text == "y %\u2060{x} &lt;b&gt;"
    hover = figure.data[1].hovertemplate
    assert "<a" not in hover and "%{x} <b>" not in hover and "%\u2060{x}" in hover
