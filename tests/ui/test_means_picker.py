"""The means picker (ui/means_picker.py): click the data to place the initial means.

AppTest cannot click a Plotly chart, so a click is simulated the way the chart reports it:
a selection of one point of the invisible click grid, handed to the chart's callback. The
pure parts (grid, selection -> point, text edits) are tested directly; the pages are tested
with the callback's result written into session state, as a real click does.
"""

import json
import math
from types import SimpleNamespace

import numpy as np
import pytest

from gmm_core import datasets
from tests.pages.stepper_helpers import (
    PAGE_1D,
    PAGE_2D,
    assert_clean,
    chart_click,
    charts,
    click,
    decode,
    open_page,
    texts,
    traces,
)
from ui.figures.click_grid import (
    GRID_CURVE,
    GRID_POINTS_1D,
    GRID_SIDE_2D,
    click_grid,
    clicked_point,
)
from ui.figures.common import PALETTE_HEX
from ui.kit import session
from ui.kit import view_settings as links
from ui.stepper import means_picker
from ui.stepper.means_picker import (
    CAPTION,
    MAX_SHOWN_POINTS,
    add_mean,
    means_text,
    picker_figure,
    remove_last_mean,
)
from ui.stepper.page import stepper_page

# --- pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(("span", "n_features", "decimals"), [
    (6.0, 2, 1), (50.0, 2, 0), (0.4, 2, 3), (10.0, 1, 2), (1.0, 1, 3), (2500.0, 1, 0),
])
def test_decimals_follow_the_grid_step(span, n_features, decimals):
    """2-D: 50 points across 110% of the span; 1-D: 200 points. A coordinate keeps the digits
    that the grid step resolves: 0.135 -> 0.1, 1.1 -> 1, 0.0055 -> 0.001..."""
    X = np.tile(np.array([[10.0], [10.0 + span]]), (1, n_features))
    assert click_grid(X).decimals == (decimals,) * n_features


def test_a_constant_column_does_not_break_the_grid():
    X = np.column_stack([np.full(20, 3.0), np.linspace(0, 1, 20)])
    click = click_grid(X)
    assert click.decimals == (2, 2)
    assert np.all(np.isfinite(click.points))
    assert click.points[:, 0].min() < 3.0 < click.points[:, 0].max()


def test_the_2d_grid_covers_the_data_on_a_regular_lattice():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 2)) * [3.0, 40.0] + [100.0, -20.0]
    click = click_grid(X)
    grid = click.points
    assert grid.shape == (GRID_SIDE_2D**2, 2)
    assert np.all(grid.min(axis=0) < X.min(axis=0))
    assert np.all(grid.max(axis=0) > X.max(axis=0))
    assert len(np.unique(grid[:, 0])) == GRID_SIDE_2D
    assert len(np.unique(grid[:, 1])) == GRID_SIDE_2D
    # Rounded per column to what its step resolves: a span ~20 to 0.1, ~250 to 1.
    x_decimals, y_decimals = click.decimals
    assert (x_decimals, y_decimals) == (1, 0)
    assert np.allclose(np.diff(np.unique(grid[:, 1])).mean(), click.steps[1], rtol=0.01)
    assert np.allclose(grid[:, 0], np.round(grid[:, 0], x_decimals), rtol=0, atol=1e-12)
    assert np.allclose(grid[:, 1], np.round(grid[:, 1], y_decimals), rtol=0, atol=1e-12)


def test_the_1d_grid_runs_along_x():
    X = np.linspace(-5.0, 5.0, 40)[:, None]
    grid = click_grid(X).points
    assert grid.shape == (GRID_POINTS_1D, 1)
    assert grid[0, 0] < -5.0 and grid[-1, 0] > 5.0
    assert np.all(np.diff(grid[:, 0]) > 0)  # rounding never merges neighbours


def test_clicked_point_reads_the_grid_point_and_rounds_it():
    assert clicked_point(chart_click(1.23456, -0.98765), (2, 2)) == (1.23, -0.99)
    assert clicked_point(chart_click(-0.001, 0.0), (2, 2)) == (0.0, 0.0)
    assert str(clicked_point(chart_click(-0.001, 0.0), (2, 2))[0]) == "0.0"
    assert clicked_point(chart_click(4.567, 0.0), (1,)) == (4.6,)


@pytest.mark.parametrize("selection", [
    None,
    {},
    {"points": [], "point_indices": [], "box": [], "lasso": []},  # a click that deselected
    chart_click(1.0, 2.0, curve=1),  # a data point (not the grid): never selectable, ignored
    chart_click(float("nan"), 2.0),
    chart_click("1", 2.0),
])
def test_clicked_point_ignores_anything_but_a_grid_point(selection):
    assert clicked_point(selection, (2, 2)) is None


def test_add_mean_appends_to_the_text():
    text, problem = add_mean("", (1.5, -2.0), 2)
    assert (text, problem) == ("1.5, -2", None)
    text, problem = add_mean(text, (0.25, 3.0), 2)
    assert (text, problem) == ("1.5, -2; 0.25, 3", None)
    assert links.parse_means(text, 2) == (((1.5, -2.0), (0.25, 3.0)), None)
    # 1-D means typed with commas ("1, 2") stay readable once a click adds one.
    assert add_mean("1, 2", (3.5,), 1) == ("1; 2; 3.5", None)
    assert add_mean("  ", (3.5,), 1) == ("3.5", None)


def test_add_mean_refuses_an_eleventh_mean():
    ten = means_text([(float(k), 0.0) for k in range(links.K_MAX)])
    text, problem = add_mean(ten, (5.0, 5.0), 2)
    assert text == ten
    assert f"At most {links.K_MAX} means" in problem
    nine = means_text([(float(k), 0.0) for k in range(links.K_MAX - 1)])
    text, problem = add_mean(nine, (5.0, 5.0), 2)
    assert problem is None
    assert len(links.parse_means(text, 2)[0]) == links.K_MAX


def test_add_mean_leaves_a_broken_text_alone():
    text, problem = add_mean("1, 2; oops", (5.0, 5.0), 2)
    assert text == "1, 2; oops"
    assert "Fix the means text first" in problem and "oops" in problem


def test_remove_last_mean():
    assert remove_last_mean("1.5, -2; 0.25, 3", 2) == "1.5, -2"
    assert remove_last_mean("1.5, -2", 2) == ""
    assert remove_last_mean("", 2) == ""
    assert remove_last_mean("-10; 0; 10", 1) == "-10; 0"
    assert remove_last_mean("1, 2; oops", 2) == "1, 2"
    assert remove_last_mean("oops", 2) == ""


def test_every_grid_point_round_trips_into_the_means_text():
    """A click on any grid point places a mean exactly there (what the hover label says)."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 2)) * [0.7, 12.0]
    click = click_grid(X)
    for x, y in click.points[::37]:
        point = clicked_point(chart_click(float(x), float(y)), click.decimals)
        text, _ = add_mean("", point, 2)
        assert links.parse_means(text, 2)[0] == ((float(x), float(y)),)


def test_picker_figure_2d():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10_000, 2))
    means = [(-1.0, 0.5), (2.0, 2.0), (0.0, -1.5)]
    click = click_grid(X)
    spec = picker_figure(X, click, means).spec
    grid, data, placed = spec["data"]
    assert spec["data"][GRID_CURVE] is grid and grid["name"] == "click grid"
    assert "hoverinfo" not in grid  # the grid alone answers the mouse
    assert data["hoverinfo"] == "skip" and placed["hoverinfo"] == "skip"
    assert len(data["x"]) == MAX_SHOWN_POINTS
    assert np.array_equal(np.column_stack([grid["x"], grid["y"]]), click.points)
    assert list(zip(placed["x"], placed["y"], strict=True)) == means
    assert placed["text"] == ["1", "2", "3"]
    assert placed["marker"]["color"] == list(PALETTE_HEX[:3])
    assert "click to place mean 4" in grid["hovertemplate"]
    assert spec["layout"]["xaxis"]["range"] == [grid["x"].min(), grid["x"].max()]


def test_picker_figure_1d_and_full():
    X = np.linspace(0.0, 1.0, 50)[:, None]
    ten = [(k / 10,) for k in range(links.K_MAX)]
    grid, data, placed = picker_figure(X, click_grid(X), ten).spec["data"]
    assert len(grid["x"]) == GRID_POINTS_1D and not np.any(grid["y"])
    assert not np.any(placed["y"]) and len(placed["x"]) == links.K_MAX
    assert np.all(np.abs(data["y"]) < 1)  # the strip sits inside the visible band
    assert f"{links.K_MAX} means placed" in grid["hovertemplate"]


def test_the_callback_appends_the_clicked_mean(monkeypatch):
    page = stepper_page(2)
    state = {page.state.key("means"): "1, 2"}
    monkeypatch.setattr(session, "st", SimpleNamespace(session_state=state))
    state[page.state.key("means_picker")] = {"selection": chart_click(3.14159, -2.71828)}
    means_picker.place_clicked_mean(page, (2, 2))
    assert state[page.state.key("means")] == "1, 2; 3.14, -2.72"
    assert page.state.key("means_picker_problem") not in state
    # A click that deselects changes nothing.
    state[page.state.key("means_picker")] = {"selection": {"points": []}}
    means_picker.place_clicked_mean(page, (2, 2))
    assert state[page.state.key("means")] == "1, 2; 3.14, -2.72"


def test_the_callback_keeps_ten_means_and_says_why(monkeypatch):
    page = stepper_page(1)
    ten = means_text([(float(k),) for k in range(links.K_MAX)])
    state = {page.state.key("means"): ten, page.state.key("means_picker"): {"selection": chart_click(0.5)}}
    monkeypatch.setattr(session, "st", SimpleNamespace(session_state=state))
    means_picker.place_clicked_mean(page, (1,))
    assert state[page.state.key("means")] == ten
    assert f"At most {links.K_MAX} means" in state[page.state.key("means_picker_problem")]


# --- the pages (AppTest) --------------------------------------------------------------------


def _picker(app) -> dict:
    figures = [json.loads(chart.proto.spec) for chart in app.sidebar.get("plotly_chart")]
    assert len(figures) == 1, "the means picker is missing"
    return figures[0]


def _grid(app) -> np.ndarray:
    grid = _picker(app)["data"][GRID_CURVE]
    assert grid["name"] == "click grid"
    return np.column_stack([decode(grid["x"]), decode(grid["y"])])


def _click(app, script: str, grid_index: int, monkeypatch) -> tuple[float, ...]:
    """Do what a click on grid point ``grid_index`` of the picker does: run the chart's
    callback on that selection (with the page's session state) and rerun the page."""
    n_features = 1 if script == PAGE_1D else 2
    page = stepper_page(n_features)
    x, y = _grid(app)[grid_index]
    fitted = _fitted_data(app, n_features)
    state = {page.state.key("means"): app.session_state[page.state.key("means")],
             page.state.key("means_picker"): {"selection": chart_click(float(x), float(y),
                                                                index=grid_index)}}
    with monkeypatch.context() as patch:
        patch.setattr(session, "st", SimpleNamespace(session_state=state))
        means_picker.place_clicked_mean(page, click_grid(fitted).decimals)
    for name in (page.state.key("means"), page.state.key("means_picker_problem")):
        if name in state:
            app.session_state[name] = state[name]
    app.run()
    assert_clean(app)
    return (float(x),) if n_features == 1 else (float(x), float(y))


def _fitted_data(app, n_features: int) -> np.ndarray:
    """The data on screen, read from the main figure (the points EM is fitted to)."""
    figure = charts(app)[0]
    if n_features == 1:
        return decode(traces(figure, "data (rug)")[0]["x"]).astype(np.float64)[:, None]
    points = figure["data"][0]
    return np.column_stack([decode(points["x"]), decode(points["y"])]).astype(np.float64)


def test_no_picker_unless_the_means_are_given_by_hand():
    app = open_page(PAGE_2D)
    assert not app.sidebar.get("plotly_chart")
    assert CAPTION not in texts(app.sidebar.caption)


@pytest.mark.parametrize("script", [PAGE_1D, PAGE_2D])
def test_a_link_with_given_means_but_no_means_opens_the_empty_picker(script):
    app = open_page(script, {"init": "given-means", "k": "3"})
    name = "em1d" if script == PAGE_1D else "em2d"
    assert app.selectbox(key=f"{name}.init").value == "given-means"
    assert app.text_input(key=f"{name}.means").value == ""
    assert CAPTION in texts(app.sidebar.caption)
    assert len(_picker(app)["data"][2]["x"]) == 0  # no mean placed yet
    # Not a bad link: no warning; the run uses the default start until a mean is placed.
    assert not app.warning and not app.error
    assert "no means given" in texts(app.info)
    assert app.slider(key=f"{name}.k").value == 3


def test_clicks_place_means_and_k_follows_them_in_2d(monkeypatch):
    app = open_page(PAGE_2D)
    app.selectbox(key="em2d.init").set_value("given-means").run()
    assert_clean(app)
    assert CAPTION in texts(app.sidebar.caption)
    # No means yet is the picker's starting point: explained, not an error.
    assert not app.error
    assert "no means given" in texts(app.info)
    assert app.button(key="em2d.means_undo").disabled
    assert app.button(key="em2d.means_clear").disabled

    first = _click(app, PAGE_2D, 0, monkeypatch)
    second = _click(app, PAGE_2D, GRID_SIDE_2D**2 - 1, monkeypatch)
    assert app.text_input(key="em2d.means").value == means_text([first, second])
    assert app.slider(key="em2d.k").value == 2
    assert app.slider(key="em2d.k").disabled
    assert app.query_params["means"] in (means_text([first, second], compact=True),
                                         [means_text([first, second], compact=True)])
    # The run starts from the clicked means (the main figure's mean markers).
    shown = [traces(charts(app)[0], f"mean {k + 1}")[0] for k in range(2)]
    assert [(m["x"][0], m["y"][0]) for m in shown] == [first, second]
    # ... and the picker shows them as numbered markers in the components' colours.
    placed = _picker(app)["data"][2]
    assert placed["text"] == ["1", "2"]
    assert placed["marker"]["color"] == list(PALETTE_HEX[:2])
    click(app, PAGE_2D, "EM iteration")

    app.button(key="em2d.means_undo").click().run()
    assert_clean(app)
    assert app.text_input(key="em2d.means").value == means_text([first])
    assert app.slider(key="em2d.k").value == 1
    app.button(key="em2d.means_clear").click().run()
    assert_clean(app)
    assert app.text_input(key="em2d.means").value == ""
    assert "no means given" in texts(app.info)


def test_the_eleventh_click_is_refused_with_a_message(monkeypatch):
    app = open_page(PAGE_2D)
    app.selectbox(key="em2d.init").set_value("given-means").run()
    for index in range(links.K_MAX):
        _click(app, PAGE_2D, 51 * index, monkeypatch)
    assert app.slider(key="em2d.k").value == links.K_MAX
    before = app.text_input(key="em2d.means").value
    _click(app, PAGE_2D, 2000, monkeypatch)
    assert app.text_input(key="em2d.means").value == before
    assert app.slider(key="em2d.k").value == links.K_MAX
    assert f"At most {links.K_MAX} means" in texts(app.warning)
    # The message is shown once, not forever.
    app.run()
    assert f"At most {links.K_MAX} means" not in texts(app.warning)


def test_the_picker_works_in_the_standardised_coordinates(monkeypatch):
    """With "Standardise" on, EM is fitted to standardised data: the grid (and so every
    clicked mean) is in those coordinates, not the raw ones."""
    app = open_page(PAGE_2D, {"init": "given-means", "means": "0,0"})
    raw = datasets.load_preset("tutorial-2d").X
    assert np.array_equal(_grid(app), click_grid(raw).points)
    app.toggle(key="em2d.standardise").set_value(True).run()
    assert_clean(app)
    standardised = (raw - raw.mean(axis=0)) / raw.std(axis=0)
    grid = _grid(app)
    assert np.allclose(grid, click_grid(standardised).points)
    assert np.all(grid.min(axis=0) < standardised.min(axis=0))
    assert np.all(grid.max(axis=0) > standardised.max(axis=0))
    assert np.all(grid.max(axis=0) - grid.min(axis=0) < 10)  # raw spans are ~50
    point = _click(app, PAGE_2D, 1234, monkeypatch)
    shown = traces(charts(app)[0], "mean 2")[0]
    assert (shown["x"][0], shown["y"][0]) == point
    assert standardised.min(axis=0)[0] - 1 < point[0] < standardised.max(axis=0)[0] + 1


def test_clicks_place_means_in_1d(monkeypatch):
    app = open_page(PAGE_1D, {"init": "given-means", "means": "-10;0;10;20"})
    grid = _grid(app)
    assert grid.shape == (GRID_POINTS_1D, 2) and not np.any(grid[:, 1])
    assert len(decode(_picker(app)["data"][2]["x"])) == 4
    app.button(key="em1d.means_clear").click().run()
    first = _click(app, PAGE_1D, 20, monkeypatch)
    second = _click(app, PAGE_1D, 180, monkeypatch)
    assert app.text_input(key="em1d.means").value == means_text([first, second])
    assert app.slider(key="em1d.k").value == 2
    assert all(math.isfinite(v) for v in first + second)
    click(app, PAGE_1D, "EM iteration")
