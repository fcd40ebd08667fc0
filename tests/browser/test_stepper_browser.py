"""Real-browser tests of the EM stepper pages.

Each page is opened by its URL as the first request to a fresh server, every stepping button
is clicked, and no exception box may appear. The 2-D test also drives Play and the keyboard.
Screenshots land in tests/browser/screenshots/ for a human to look at.
"""

import re
import time

import pytest

from devtools.browser import (
    PAGE_EM_1D,
    PAGE_EM_2D,
    assert_no_exception,
    open_app_page,
    page_url,
    screenshot,
    wait_for_rerun,
)

STEPPER_PAGES = {
    "em_1d": (PAGE_EM_1D, "?dataset=faithful-eruptions&k=2"),
    "em_2d": (PAGE_EM_2D, "?dataset=tutorial-2d&k=3&seed=1"),
}
BUTTONS = ("E-step", "M-step", "EM iteration", "Back", "Run to convergence", "Reset")
PLOT = '[data-testid="stPlotlyChart"] .main-svg'
STATUS = re.compile(r"Half-step (\d+):")


def button(page, label: str):
    """The button labelled ``label``. The stepping buttons show their keyboard shortcut next
    to the label ("E-step →"), so match the label's own text element, not the whole name."""
    return page.get_by_role("button").filter(has=page.get_by_text(label, exact=True))


def click_and_wait(page, label: str) -> None:
    button(page, label).click()
    wait_for_rerun(page)


def wait_for_figures(page) -> None:
    """Wait until Plotly has drawn the figures (screenshots of grey placeholders say nothing)."""
    page.wait_for_selector(PLOT, timeout=30_000)


def shown_half_step(page) -> int:
    match = STATUS.search(page.locator('[data-testid="stMainBlockContainer"]').inner_text())
    assert match, "the status line 'Half-step i: ...' is missing"
    return int(match.group(1))


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(STEPPER_PAGES))
def test_every_stepping_button_works_from_a_fresh_server(browser, fresh_server, name):
    script, query = STEPPER_PAGES[name]
    page = open_app_page(browser, page_url(fresh_server(), script) + query)
    assert_no_exception(page)
    wait_for_figures(page)
    screenshot(page, f"{name}_start")
    expected = {"E-step": 1, "M-step": 2, "EM iteration": 4, "Back": 3, "Reset": 0}
    for label in BUTTONS:
        click_and_wait(page, label)
        assert_no_exception(page)
        if label in expected:
            assert shown_half_step(page) == expected[label], label
        if label == "EM iteration":
            wait_for_figures(page)
            screenshot(page, f"{name}_after_em_iteration")
        if label == "Run to convergence":
            assert shown_half_step(page) > 4
            wait_for_figures(page)
            screenshot(page, f"{name}_converged")


def _settled_half_step(page, *, hold_ms: int, timeout_ms: int) -> int:
    """The half-step on screen once it has not changed for ``hold_ms``; fails after
    ``timeout_ms`` if it keeps changing (playback did not stop)."""
    deadline = time.monotonic() + timeout_ms / 1000
    shown = shown_half_step(page)
    while True:
        page.wait_for_timeout(hold_ms)
        now = shown_half_step(page)
        if now == shown:
            return now
        assert time.monotonic() < deadline, f"still advancing {timeout_ms} ms after Pause"
        shown = now


@pytest.mark.browser
def test_keyboard_and_play_on_the_2d_page(browser, fresh_server):
    page = open_app_page(browser, page_url(fresh_server(), PAGE_EM_2D) + "?dataset=five-blobs&k=5")
    wait_for_figures(page)
    # Keys reach the app once the page (not a text box) has the focus.
    page.locator("h1").first.click()
    page.keyboard.press("ArrowRight")
    wait_for_rerun(page)
    assert shown_half_step(page) == 1
    page.keyboard.press("ArrowRight")
    wait_for_rerun(page)
    page.keyboard.press("ArrowLeft")
    wait_for_rerun(page)
    assert shown_half_step(page) == 1
    # Play advances on its own (only the fragment reruns); Pause stops it.
    button(page, "Play").click()
    page.wait_for_function(
        "() => /Half-step ([3-9]|\\d\\d+):/.test(document.body.innerText)", timeout=20_000)
    button(page, "Pause").click()
    page.wait_for_selector('button:has-text("Play")', timeout=20_000)
    # A tick already on its way when Pause was clicked may still land (later on a busy
    # machine): wait until the half-step has held for 1.5 s, then it must hold for 2.5 s more.
    stopped = _settled_half_step(page, hold_ms=1500, timeout_ms=20_000)
    page.wait_for_timeout(2500)
    assert shown_half_step(page) == stopped
    assert_no_exception(page)


@pytest.mark.browser
def test_lessons_and_presentation_mode_render(browser, fresh_server):
    base = fresh_server()
    views = {
        "em_2d_presentation": page_url(base, PAGE_EM_2D) + "?dataset=textbook&k=3&step=6",
        "em_1d_collapse": page_url(base, PAGE_EM_1D)
        + "?dataset=faithful-eruptions&k=10&init=k-means&seed=3&reg=0&step=99",
        "em_2d_collapse": page_url(base, PAGE_EM_2D)
        + "?dataset=iris&k=4&init=k-means&seed=0&reg=0&step=99",
        "em_2d_blobs_10000": page_url(base, PAGE_EM_2D) + "?dataset=blobs&n=10000&k=5&seed=1&step=3",
    }
    for name, url in views.items():
        page = open_app_page(browser, url)
        wait_for_figures(page)
        if name.endswith("presentation"):
            page.get_by_text("Presentation mode (for a projector)").click()
            wait_for_rerun(page)
            wait_for_figures(page)
        assert_no_exception(page)
        if "collapse" in name:
            assert "The collapse lesson" in page.locator("body").inner_text()
        screenshot(page, name)
        page.context.close()
