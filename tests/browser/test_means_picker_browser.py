"""The means picker in a real browser: two mouse clicks on the picker figure place two initial
means near the clicked data coordinates, K becomes 2 and the run starts from them.

Each page is opened by its URL as the first request to a fresh server. The 2-D test switches
the initialisation to "given-means" with the selectbox, as a lecturer would; the 1-D test opens
a link with init=given-means and no means.
"""

import numpy as np
import pytest

from devtools.browser import (
    PAGE_EM_1D,
    PAGE_EM_2D,
    assert_no_exception,
    choose_option,
    click_and_wait,
    open_app_page,
    page_url,
    screenshot,
    wait_for_rerun,
)
from gmm_core import datasets
from ui.figures.click_grid import click_grid
from ui.kit import view_settings as links

SIDEBAR = '[data-testid="stSidebar"]'
PICKER = f'{SIDEBAR} [data-testid="stPlotlyChart"]'


def _wait_for_picker(page, n_means: int):
    """The picker once Plotly has drawn it with ``n_means`` numbered markers."""
    page.wait_for_function(
        "([selector, n]) => { const plot = document.querySelector(selector + ' .js-plotly-plot');"
        " return plot !== null && plot.querySelector('.nsewdrag') !== null"
        " && plot.querySelectorAll('.textpoint').length === n; }",
        arg=[PICKER, n_means], timeout=30_000,
    )
    chart = page.locator(PICKER)
    chart.scroll_into_view_if_needed()
    return chart


def _click_on_picker(page, target, x_range, y_range, n_placed: int) -> np.ndarray:
    """Move the mouse to the data coordinates ``target`` on the picker, check the hover label
    announces the next mean, click, and wait for the rerun. Returns the size of a pixel in
    data units along each axis (the picker's plot area is only about 200 px wide)."""
    chart = _wait_for_picker(page, n_placed)
    box = chart.locator(".nsewdrag").first.bounding_box()
    x = box["x"] + (target[0] - x_range[0]) / (x_range[1] - x_range[0]) * box["width"]
    y_fraction = 0.5 if y_range is None else (y_range[1] - target[1]) / (y_range[1] - y_range[0])
    y = box["y"] + y_fraction * box["height"]
    page.mouse.move(x, y)
    label = page.locator(f"{PICKER} .hovertext")
    label.first.wait_for(timeout=10_000)
    assert f"click to place mean {n_placed + 1}" in label.first.text_content()
    page.mouse.click(x, y)
    wait_for_rerun(page)
    pixel = [(x_range[1] - x_range[0]) / box["width"]]
    if y_range is not None:
        pixel.append((y_range[1] - y_range[0]) / box["height"])
    return np.array(pixel)


def _means_box(page):
    return page.get_by_role("textbox", name="Initial means")


def _k_slider_value(page) -> int:
    slider = page.locator(f'{SIDEBAR} [data-testid="stSlider"]').filter(
        has_text="Number of components K")
    return int(slider.locator('[data-testid="stSliderThumbValue"]').inner_text())


def _placed_means(page, n_features: int):
    means, problem = links.parse_means(_means_box(page).input_value(), n_features)
    assert problem is None, problem
    return np.array(means)


@pytest.mark.browser
def test_two_clicks_place_two_means_in_2d(browser, fresh_server):
    page = open_app_page(browser, page_url(fresh_server(), PAGE_EM_2D) + "?dataset=tutorial-2d")
    choose_option(page, page.locator(f'{SIDEBAR} [data-testid="stSelectbox"]').filter(
        has_text="Initialisation"), "given-means")
    assert_no_exception(page)
    assert page.get_by_text("Click the data to place a mean").is_visible()

    X = datasets.load_preset("tutorial-2d").X
    click = click_grid(X)
    grid = click.points
    x_range = [grid[:, 0].min(), grid[:, 0].max()]
    y_range = [grid[:, 1].min(), grid[:, 1].max()]
    # Near the lower-left cluster and the upper-right one.
    targets = np.array([[np.percentile(X[:, 0], 10), np.percentile(X[:, 1], 10)],
                        [np.percentile(X[:, 0], 85), np.percentile(X[:, 1], 85)]])
    for placed, target in enumerate(targets):
        pixel = _click_on_picker(page, target, x_range, y_range, placed)
        assert_no_exception(page)

    means = _placed_means(page, 2)
    assert means.shape == (2, 2)
    # A grid point near the mouse: Plotly's "closest" treats every point within 3 px as equally
    # close, and a grid point is at most a step (rounded) from any spot.
    assert np.all(np.abs(means - targets) <= 3 * pixel + click.steps), (means, targets)
    assert _k_slider_value(page) == 2
    _wait_for_picker(page, 2)
    screenshot(page, "means_picker_2d")

    click_and_wait(page, "Undo last mean")
    assert np.array_equal(_placed_means(page, 2), means[:1])
    assert _k_slider_value(page) == 1
    assert_no_exception(page)


@pytest.mark.browser
def test_two_clicks_place_two_means_in_1d(browser, fresh_server):
    # A link with init=given-means but no means opens the picker with none placed yet.
    url = page_url(fresh_server(), PAGE_EM_1D) + "?dataset=tutorial-1d&init=given-means"
    page = open_app_page(browser, url)
    assert_no_exception(page)
    assert _means_box(page).input_value() == ""

    X = datasets.load_preset("tutorial-1d").X
    click = click_grid(X)
    grid = click.points[:, 0]
    x_range = [grid.min(), grid.max()]
    targets = np.array([[np.percentile(X, 15)], [np.percentile(X, 85)]])
    for placed, target in enumerate(targets):
        pixel = _click_on_picker(page, target, x_range, None, placed)
        assert_no_exception(page)

    means = _placed_means(page, 1)
    assert means.shape == (2, 1)
    # The grid point nearest to the mouse (hovermode "x"): off by the browser's whole-pixel
    # mouse position and half a grid step at most.
    assert np.all(np.abs(means - targets) <= pixel + click.steps), (means, targets)
    assert _k_slider_value(page) == 2
    _wait_for_picker(page, 2)
    screenshot(page, "means_picker_1d")
    # The stepping buttons show their shortcut next to the label ("EM iteration I").
    page.get_by_role("button").filter(has=page.get_by_text("EM iteration", exact=True)).click()
    wait_for_rerun(page)
    assert_no_exception(page)
    assert page.get_by_text("Half-step 2: M-step", exact=True).is_visible()
