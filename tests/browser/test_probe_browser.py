"""The probe point in a real browser: with "Probe a point" on, a mouse click on the stepper's
figure moves the probe there (its number inputs, the star and the membership bars follow).

2-D: a click on an empty spot lands on the invisible click grid, whose hover label announces
the point. 1-D: a click on a data point of the rug moves the probe onto that point.
Each page is opened by its URL as the first request to a fresh server.
"""

import re

import numpy as np
import pytest

from devtools import browser as harness
from gmm_core import datasets
from ui.figures.click_grid import click_grid

MAIN_CHART = '[data-testid="stMainBlockContainer"] [data-testid="stPlotlyChart"]'
NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?")


def _switch_probe_on(page):
    page.get_by_text("Probe a point: where would a new x belong?").click()
    harness.wait_for_rerun(page)
    page.wait_for_function(
        "selector => { const plot = document.querySelector(selector + ' .js-plotly-plot');"
        " return plot !== null && plot.querySelector('.nsewdrag') !== null"
        " && plot.data[0].name === 'click grid'; }",
        arg=MAIN_CHART, timeout=30_000)
    chart = page.locator(MAIN_CHART).first
    chart.scroll_into_view_if_needed()
    return chart.locator(".nsewdrag").first.bounding_box()


def _hover_label(page, x: float, y: float) -> str:
    page.mouse.move(x, y)
    label = page.locator(f"{MAIN_CHART} .hovertext").first
    label.wait_for(timeout=10_000)
    return label.text_content()


def _numbers(text: str) -> list[float]:
    return [float(found.replace("−", "-")) for found in NUMBER.findall(text)]


def _probe_inputs(page, feature_names) -> list[float]:
    return [float(page.get_by_role("spinbutton", name=name, exact=True).input_value())
            for name in feature_names]


@pytest.mark.browser
def test_a_click_on_an_empty_spot_moves_the_probe_in_2d(browser, fresh_server):
    page = harness.open_app_page(browser, harness.page_url(fresh_server(), harness.PAGE_EM_2D)
                         + "?dataset=tutorial-2d&k=3&step=4")
    box = _switch_probe_on(page)
    harness.assert_no_exception(page)
    names = datasets.load_preset("tutorial-2d").feature_names[:2]
    before = _probe_inputs(page, names)
    # The upper left of the plot area is empty in this data set.
    x, y = box["x"] + 0.15 * box["width"], box["y"] + 0.15 * box["height"]
    label = _hover_label(page, x, y)
    assert label.startswith("click to move the probe point to"), label
    announced = _numbers(label)
    page.mouse.click(x, y)
    harness.wait_for_rerun(page)
    harness.assert_no_exception(page)
    after = _probe_inputs(page, names)
    assert after != before
    assert np.allclose(after, announced, atol=1e-9), (after, announced)
    star = page.evaluate(
        "selector => { const plot = document.querySelector(selector + ' .js-plotly-plot');"
        " const probe = plot.data.find(trace => trace.name === 'probe point');"
        " return [probe.x[0], probe.y[0]]; }", MAIN_CHART)
    assert np.allclose(star, announced)
    assert page.get_by_text("p(component | probe)").is_visible()
    harness.screenshot(page, "em_2d_probe_clicked")


@pytest.mark.browser
def test_a_click_on_a_data_point_moves_the_probe_in_1d(browser, fresh_server):
    page = harness.open_app_page(browser, harness.page_url(fresh_server(), harness.PAGE_EM_1D)
                         + "?dataset=faithful-eruptions&k=2&step=4")
    box = _switch_probe_on(page)
    preset = datasets.load_preset("faithful-eruptions")
    name = preset.feature_names[0]
    before = _probe_inputs(page, [name])
    # The rug lies just below density 0, near the bottom of the plot area; 30 % across is
    # among the short eruptions.
    x, y = box["x"] + 0.3 * box["width"], box["y"] + 0.93 * box["height"]
    label = _hover_label(page, x, y)
    assert label.startswith("point "), label
    hovered = float(re.search(rf"{re.escape(name)} = ([-−]?[\d.]+)", label).group(1)
                    .replace("−", "-"))
    page.mouse.click(x, y)
    harness.wait_for_rerun(page)
    harness.assert_no_exception(page)
    after = _probe_inputs(page, [name])
    assert after != before
    # The point's value rounded to the digits the click grid resolves (the label shows 4).
    step = click_grid(preset.X).steps[0]
    assert abs(after[0] - hovered) <= step / 2 + 1e-3, (after, hovered)
