"""Moving the stepper's probe point by clicking the figure (ui/stepper/probe.py,
ui/figures/click_grid.py).

With the probe on, the main figure carries an invisible click grid as its first trace and a
click selects the grid point (or the data point, mean or probe) under the mouse; the figure's
callback copies that point into the probe's number inputs. AppTest cannot click a Plotly chart,
so a click is simulated as in tests/test_means_picker.py: the selection a click reports is
handed to the callback with the page's session state, and the page is rerun with the result.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from gmm_core import datasets
from gmm_core.mixture import MixtureParams
from tests.pages import stepper_helpers
from tests.pages.stepper_helpers import (
    PAGE_1D,
    PAGE_2D,
    assert_clean,
    click,
    open_page,
    texts,
)
from ui.figures import figure_style, mixture_figure_1d, mixture_figure_2d
from ui.figures.click_grid import GRID_CURVE, click_grid, clicked_point, with_click_grid
from ui.figures.one_d import PROBE_HOVER_1D
from ui.figures.two_d import PROBE_HOVER_2D
from ui.kit import session
from ui.stepper import probe as probe_view
from ui.stepper.page import stepper_page

# --- pure parts -----------------------------------------------------------------------------


def test_clicked_point_reads_any_trace_when_asked():
    on_data = stepper_helpers.chart_click(1.23456, 7.891, curve=2)
    assert clicked_point(on_data, (2, 1)) is None  # the means picker: the grid only
    assert clicked_point(on_data, (2, 1), curves=None) == (1.23, 7.9)
    assert clicked_point(on_data, (2, 1), curves=(2,)) == (1.23, 7.9)
    assert clicked_point({"points": []}, (2, 1), curves=None) is None
    off_the_chart = stepper_helpers.chart_click(float("nan"), 1.0, curve=2)
    assert clicked_point(off_the_chart, (2, 1), curves=None) is None


def test_with_click_grid_puts_the_grid_first_and_keeps_every_trace_looking_the_same():
    X = np.random.default_rng(0).normal(size=(40, 2))
    click = click_grid(X)
    contour = {"type": "contour", "z": [[0.0]]}
    points = {"type": "scattergl", "x": [0.0], "y": [0.0], "mode": "markers"}
    bars = {"type": "bar", "x": [0.0], "y": [1.0]}
    faint = {"type": "scatter", "x": [1.0], "y": [1.0], "mode": "markers",
             "marker": {"opacity": 0.55}}
    shown = with_click_grid([contour, points, bars, faint], click, "click (%{x}, %{y})")
    assert shown[GRID_CURVE]["name"] == "click grid"
    assert shown[GRID_CURVE]["hovertemplate"] == "click (%{x}, %{y})<extra></extra>"
    assert np.array_equal(np.column_stack([shown[0]["x"], shown[0]["y"]]), click.points)
    # Plotly would fade every point but the clicked one: each trace keeps its own opacity.
    assert shown[2]["unselected"] == shown[3]["unselected"] == {"marker": {"opacity": 1}}
    assert shown[4]["unselected"] == {"marker": {"opacity": 0.55}}
    assert "unselected" not in shown[1] and "unselected" not in points  # contours: no markers


def _params_2d():
    return MixtureParams(weights=np.array([0.5, 0.5]), means=np.array([[-2.0, 0.0], [2.0, 0.0]]),
                         covariances=np.array([np.eye(2), np.eye(2)]), covariance_type="full")


def test_the_2d_figure_is_clickable_only_with_a_click_grid():
    X = np.random.default_rng(1).normal(size=(60, 2))
    style = figure_style(len(X), False)
    plain = mixture_figure_2d(X, _params_2d(), None, style, probe=(0.0, 0.0)).spec
    assert "click grid" not in [trace.get("name") for trace in plain["data"]]
    clickable = mixture_figure_2d(X, _params_2d(), None, style, probe=(0.0, 0.0),
                                  probe_click=click_grid(X)).spec
    assert clickable["data"][GRID_CURVE]["name"] == "click grid"
    assert clickable["data"][GRID_CURVE]["hovertemplate"].startswith(PROBE_HOVER_2D)
    # The same picture on top of the grid.
    assert ([trace.get("name") for trace in clickable["data"][1:]]
            == [trace.get("name") for trace in plain["data"]])


def test_the_1d_grid_lies_along_density_zero():
    X = np.random.default_rng(2).normal(size=(80, 1))
    figure = mixture_figure_1d(X, None, None, figure_style(len(X), False), probe=0.5,
                               probe_click=click_grid(X)).spec
    grid = figure["data"][GRID_CURVE]
    assert grid["hovertemplate"].startswith(PROBE_HOVER_1D)
    assert np.array_equal(grid["x"], click_grid(X).points[:, 0]) and not np.any(grid["y"])


def test_the_callback_moves_the_probe_and_ignores_a_deselecting_click(monkeypatch):
    page = stepper_page(2)
    state = {page.state.probe.key(0): 0.0, page.state.probe.key(1): 0.0,
             page.state.key("figure"):
                 {"selection": stepper_helpers.chart_click(3.14159, -2.71828)}}
    monkeypatch.setattr(session, "st", SimpleNamespace(session_state=state))
    probe_view.move_probe_to_click(page, (2, 1))
    assert (state[page.state.probe.key(0)], state[page.state.probe.key(1)]) == (3.14, -2.7)
    state[page.state.key("figure")] = {"selection": {"points": []}}
    probe_view.move_probe_to_click(page, (2, 1))
    assert (state[page.state.probe.key(0)], state[page.state.probe.key(1)]) == (3.14, -2.7)


# --- the pages (AppTest) --------------------------------------------------------------------


def _data_on_screen(figure: dict, n_features: int) -> np.ndarray:
    if n_features == 1:
        rug = stepper_helpers.traces(figure, "data (rug)")[0]
        return stepper_helpers.decode(rug["x"]).astype(np.float64)[:, None]
    points = stepper_helpers.traces(figure, "data")[0]
    return np.column_stack([stepper_helpers.decode(points["x"]),
                            stepper_helpers.decode(points["y"])]).astype(np.float64)


def _click_figure(app, script: str, selection: dict, monkeypatch) -> None:
    """Do what a click on the main figure does: run its callback on ``selection`` with the
    page's session state, then rerun the page."""
    n_features = 1 if script == PAGE_1D else 2
    page = stepper_page(n_features)
    X = _data_on_screen(stepper_helpers.charts(app)[0], n_features)
    names = [page.state.probe.key(d) for d in range(n_features)]
    state = {name: app.session_state[name] for name in names}
    state[page.state.key("figure")] = {"selection": selection}
    with monkeypatch.context() as patch:
        patch.setattr(session, "st", SimpleNamespace(session_state=state))
        probe_view.move_probe_to_click(page, click_grid(X).decimals)
    for name in names:
        app.session_state[name] = state[name]
    app.run()
    assert_clean(app)


@pytest.mark.parametrize(("script", "dataset"), [(PAGE_2D, "tutorial-2d"),
                                                 (PAGE_1D, "faithful-eruptions")])
def test_a_click_on_the_figure_moves_the_probe(script, dataset, monkeypatch):
    n_features = 1 if script == PAGE_1D else 2
    name = "em1d" if n_features == 1 else "em2d"
    app = open_page(script, {"dataset": dataset, "k": "2"})
    click(app, script, "EM iteration")
    figure = stepper_helpers.charts(app)[0]
    assert "click grid" not in [trace.get("name") for trace in figure["data"]]

    app.toggle(key=f"{name}.probe_on").set_value(True).run()
    assert_clean(app)
    assert probe_view.PROBE_CAPTION[n_features] in texts(app.caption)
    figure = stepper_helpers.charts(app)[0]
    grid = figure["data"][GRID_CURVE]
    assert grid["name"] == "click grid"
    X = datasets.load_preset(dataset).X[:, :n_features]
    assert np.allclose(stepper_helpers.decode(grid["x"]), click_grid(X).points[:, 0])

    # A click on the last grid point (top right in 2-D, the right end in 1-D) ...
    grid_x, grid_y = stepper_helpers.decode(grid["x"]), stepper_helpers.decode(grid["y"])
    target = [float(grid_x[-1]), float(grid_y[-1])]
    _click_figure(app, script, stepper_helpers.chart_click(*target, index=len(grid_x) - 1),
                  monkeypatch)
    wanted = target[:n_features]
    assert [app.number_input(key=f"{name}.probe.{d}").value
            for d in range(n_features)] == wanted
    probe = stepper_helpers.traces(stepper_helpers.charts(app)[0], "probe point")[0]
    assert probe["x"] == [wanted[0]]
    if n_features == 2:
        assert probe["y"] == [wanted[1]]
    # ... then a click on a data point moves it onto that point.
    point = _data_on_screen(stepper_helpers.charts(app)[0], n_features)[5]
    data_curve = [trace.get("name") for trace in stepper_helpers.charts(app)[0]["data"]].index(
        "data (rug)" if n_features == 1 else "data")
    on_point = stepper_helpers.chart_click(*point.tolist(), *([0.0] if n_features == 1 else []),
                                           curve=data_curve, index=5)
    _click_figure(app, script, on_point, monkeypatch)
    moved = [app.number_input(key=f"{name}.probe.{d}").value for d in range(n_features)]
    steps = click_grid(X).steps
    assert np.all(np.abs(np.array(moved) - point) <= steps / 2), (moved, point)

    # Off again: the figure is only looked at.
    app.toggle(key=f"{name}.probe_on").set_value(False).run()
    assert_clean(app)
    figure = stepper_helpers.charts(app)[0]
    assert "click grid" not in [trace.get("name") for trace in figure["data"]]
