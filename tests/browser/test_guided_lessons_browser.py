"""Lesson 3 of "Guided lessons" in a real browser: two mouse clicks on the figure place the
guesses for the new means (the hover label announces each spot, the clicked coordinates land in
the text boxes, stars appear), `Check` says they are right, the real M-step is revealed, the
next question is answered with the keyboard-reachable radio, and the lesson ends.

The page is opened by its URL as the first request to a fresh server.
"""

import re

import numpy as np
import pytest

from devtools import browser as harness
from ui.guided.content import load_course
from ui.guided.models import build

PAGE = "pages/7_Guided_lessons.py"
CHART = f'{harness.MAIN_BLOCK} [data-testid="stPlotlyChart"]'
GRID_LABEL = "click to place your guess at"
NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?")
# Pixel offsets tried around a target until the hover label is the click grid's (a data point
# or a mean marker under the mouse would answer instead).
OFFSETS = [(0, 0), (6, 0), (-6, 0), (0, 6), (0, -6), (6, 6), (-6, -6), (6, -6), (-6, 6),
           (12, 0), (-12, 0), (0, 12), (0, -12)]


def _numbers(text: str) -> list[float]:
    return [float(found.replace("−", "-")) for found in NUMBER.findall(text)]


def _clickable_chart(page, n_guesses: int):
    """The figure once Plotly has drawn it with its click grid and ``n_guesses`` stars."""
    page.wait_for_function(
        "([selector, n]) => { const plot = document.querySelector(selector + ' .js-plotly-plot');"
        " if (plot === null || plot.querySelector('.nsewdrag') === null) return false;"
        " if (plot.data[0].name !== 'click grid') return false;"
        " const stars = plot.data.find(trace => trace.name === 'your guesses');"
        " return (stars ? stars.x.length : 0) === n; }",
        arg=[CHART, n_guesses], timeout=30_000)
    chart = page.locator(CHART).first
    chart.scroll_into_view_if_needed()
    return chart


def _to_pixels(page, chart, target) -> tuple[float, float]:
    """Where the data point ``target`` (x, y) is on the screen."""
    ranges = page.evaluate(
        "selector => { const layout = document.querySelector(selector + ' .js-plotly-plot')"
        "._fullLayout; return [layout.xaxis.range, layout.yaxis.range]; }", CHART)
    (x0, x1), (y0, y1) = ranges
    box = chart.locator(".nsewdrag").first.bounding_box()
    return (box["x"] + (target[0] - x0) / (x1 - x0) * box["width"],
            box["y"] + (y1 - target[1]) / (y1 - y0) * box["height"])


def _click_near(page, chart, target) -> list[float]:
    """Click the click grid near ``target``; return the point its hover label announced."""
    x, y = _to_pixels(page, chart, target)
    label = page.locator(f"{CHART} .hovertext").first
    for dx, dy in OFFSETS:
        page.mouse.move(x + dx, y + dy)
        label.wait_for(timeout=10_000)
        text = label.text_content()
        if text.startswith(GRID_LABEL):
            announced = _numbers(text)
            page.mouse.click(x + dx, y + dy)
            harness.wait_for_rerun(page)
            return announced
    raise AssertionError(f"no spot near {target} shows the click grid's label (last: {text!r})")


def _box(page, name: str) -> float:
    return float(page.get_by_role("textbox", name=name, exact=True).input_value())


@pytest.mark.browser
def test_lesson_3_walked_with_real_clicks_on_the_figure(browser, fresh_server):
    lesson = load_course().lesson(3)
    model = build(lesson.model, lesson.setup)
    truth = model.points["new_means"]
    page = harness.open_app_page(browser, harness.page_url(fresh_server(), PAGE) + "?lesson=3")
    harness.assert_no_exception(page)
    page.get_by_text("Step 1 of 4 · Read").wait_for()
    harness.click_and_wait(page, "Next")

    page.get_by_text("Step 2 of 4 · Predict").wait_for()
    assert page.get_by_role("button", name="Show me", exact=True).is_disabled()
    assert page.get_by_role("button", name="Next", exact=True).is_disabled()
    placed = []
    for n_placed, target in enumerate(truth):
        chart = _clickable_chart(page, n_placed)
        placed.append(_click_near(page, chart, target))
        harness.assert_no_exception(page)
    _clickable_chart(page, 2)
    for label, point in zip(("μ₁", "μ₂"), placed, strict=True):
        assert [_box(page, f"{label}: x"), _box(page, f"{label}: y")] == pytest.approx(point)
    assert np.all(np.linalg.norm(np.array(placed) - truth, axis=1) < 0.5), (placed, truth)
    harness.screenshot(page, "guided_lesson_3_guesses")

    harness.click_and_wait(page, "Check")
    harness.assert_no_exception(page)
    right = page.locator('[data-testid="stAlertContentSuccess"]').first
    right.wait_for()
    assert right.inner_text().startswith("Right.")
    page.get_by_text("The real M-step moved the means to").wait_for()
    page.wait_for_function(
        "selector => [...document.querySelectorAll(selector + ' .js-plotly-plot')].some("
        "plot => plot.data.some(trace => trace.name === 'old means'))", arg=CHART,
        timeout=30_000)
    harness.screenshot(page, "guided_lesson_3_revealed")

    harness.click_and_wait(page, "Next")
    page.get_by_text("Step 3 of 4 · Predict").wait_for()
    # The answer computed for this step: π₁ after the M-step against before.
    wanted = {"down": "smaller than now", "up": "larger than now",
              "same": "the same"}[model.facts["pi_change"]]
    page.get_by_text(wanted, exact=True).click()
    harness.wait_for_rerun(page)
    harness.click_and_wait(page, "Check")
    page.locator('[data-testid="stAlertContentSuccess"]').first.wait_for()
    harness.click_and_wait(page, "Next")
    page.get_by_text("Step 4 of 4 · Read").wait_for()
    harness.assert_no_exception(page)
    assert "step=4" in page.url and "answers=3.2_" in page.url
