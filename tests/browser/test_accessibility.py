"""axe-core audits of every page (issue #14): WCAG 2.1 A and AA rules, each page fresh and after
something was stepped, run or opened. Any critical or serious violation fails the test; the
moderate and minor ones are reported as warnings (in pytest's warnings summary).

One server serves the whole module (the pages' first-request behaviour is tested elsewhere);
each page opens in its own browser context. The audit sees the DOM, not the inside of a WebGL
canvas: the figures' text alternatives are what it checks for them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator

import pytest

from devtools.browser import (
    RUN_TIMEOUT_MS,
    assert_no_exception,
    open_app_page,
    streamlit_server,
    wait_for_rerun,
)
from tests.browser.axe_audit import AuditResult, audit, wait_until_drawn
from ui import pages

# The mixture model page is long (eight sections, a dozen figures) and the autodiff page compiles
# its seven tabs: on a loaded 2-core machine their first view can take minutes.
OPEN_TIMEOUT_MS = {pages.MIXTURE_MODEL.url_path: 240_000, pages.AUTODIFF.url_path: 240_000}
DRAW_TIMEOUT_MS = 120_000


class AccessibilityFinding(UserWarning):
    """A moderate or minor axe-core violation: reported, not failed."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server() as base_url:
        yield base_url


def _button(page, label: str):
    """The first button showing ``label`` (stepping buttons also show their shortcut)."""
    return page.get_by_role("button").filter(has=page.get_by_text(label, exact=True)).first


def _click(page, label: str) -> None:
    _button(page, label).click(timeout=RUN_TIMEOUT_MS)
    wait_for_rerun(page)


def _switch(page, label: str) -> None:
    """Flip the toggle labelled ``label`` and wait for the rerun."""
    page.get_by_text(label, exact=True).first.click(timeout=RUN_TIMEOUT_MS)
    wait_for_rerun(page)


def _open_expanders(page) -> None:
    """Open every closed expander of the main area (no rerun: the browser opens them)."""
    closed = page.locator('[data-testid="stMainBlockContainer"] [data-testid="stExpander"] '
                          'details:not([open]) > summary:visible')
    for _ in range(closed.count()):
        closed.first.click()


def _home(page) -> str:
    page.get_by_text("How to use it in a lecture", exact=True).click()
    return "with the lecture notes open"


def _using(description: str, *steps: tuple[Callable, str]) -> Callable[[object], str]:
    """A second state reached by ``steps`` ((_click or _switch, label), in order), then with
    every expander of the main area open; the state's ``description``."""
    def reach(page) -> str:
        for act, label in steps:
            act(page, label)
        _open_expanders(page)
        return description
    return reach


_mixture_model = _using("after Draw 10, expanders open", (_click, "Draw 10"))
_stepper = _using("after an EM iteration, probe on, the numbers shown, presentation mode",
                  (_click, "EM iteration"),
                  (_switch, "Probe a point: where would a new x belong?"),
                  (_click, "The numbers"), (_switch, "Presentation mode (for a projector)"))
_compare = _using("after an EM iteration, expanders open", (_click, "EM iteration"))
_model_selection = _using("with degenerate fits shown, expanders open",
                          (_switch, "Show degenerate fits"))


def _autodiff(page) -> str:
    tabs = page.get_by_role("tab")
    tabs.nth(tabs.count() - 1).click()
    _open_expanders(page)
    return "on its last tab, expanders open"


def _guided_lessons(page) -> str:
    radios = page.locator('[data-testid="stSidebar"] [role="radiogroup"] label')
    radios.nth(1).click()
    wait_for_rerun(page)
    _open_expanders(page)
    return "on lesson 2"


SECOND_STATE: dict[str, Callable] = {
    pages.HOME.url_path: _home,
    pages.MIXTURE_MODEL.url_path: _mixture_model,
    pages.EM_1D.url_path: _stepper,
    pages.EM_2D.url_path: _stepper,
    pages.COMPARE.url_path: _compare,
    pages.MODEL_SELECTION.url_path: _model_selection,
    pages.AUTODIFF.url_path: _autodiff,
    pages.GUIDED_LESSONS.url_path: _guided_lessons,
}
EVERY_PAGE = (pages.HOME, *pages.PAGES)


def _report(results: list[AuditResult]) -> None:
    for result in results:
        for line in result.other:
            warnings.warn(f"{result.where}: {line}", AccessibilityFinding, stacklevel=2)
    blocking = [f"{result.where}: {line}" for result in results for line in result.blocking]
    assert blocking == [], "critical or serious accessibility violations:\n" + "\n".join(blocking)


def test_every_page_is_audited():
    assert {page.url_path for page in EVERY_PAGE} == set(SECOND_STATE)


@pytest.mark.browser
@pytest.mark.parametrize("page_entry", EVERY_PAGE, ids=lambda page: page.url_path or "Home")
def test_no_critical_or_serious_violation_fresh_and_after_using_the_page(browser, server,
                                                                         page_entry):
    path = page_entry.url_path
    page = open_app_page(browser, f"{server}/{path}",
                         timeout_ms=OPEN_TIMEOUT_MS.get(path, RUN_TIMEOUT_MS))
    name = page_entry.title
    wait_until_drawn(page, DRAW_TIMEOUT_MS)
    assert_no_exception(page)
    results = [audit(page, f"{name}, fresh")]
    state = SECOND_STATE[path](page)
    wait_until_drawn(page, DRAW_TIMEOUT_MS)
    assert_no_exception(page)
    results.append(audit(page, f"{name}, {state}"))
    _report(results)


@pytest.mark.browser
@pytest.mark.parametrize("page_entry", [pages.EM_1D, pages.EM_2D], ids=lambda page: page.url_path)
def test_the_steppers_figures_have_text_alternatives(browser, server, page_entry):
    """The findings this audit was written for: the log-likelihood chart (an image) had no
    text alternative (image-alt, critical); the mixture figure (Plotly, WebGL above 2,000
    points) says nothing to a screen reader. Both now carry their computed description."""
    page = open_app_page(browser, f"{server}/{page_entry.url_path}")
    wait_until_drawn(page, DRAW_TIMEOUT_MS)
    _click(page, "EM iteration")
    wait_until_drawn(page, DRAW_TIMEOUT_MS)
    chart = page.locator('[data-testid="stMainBlockContainer"] [data-testid="stImage"] img')
    alt = chart.first.get_attribute("alt")
    assert alt.startswith("Line chart of the log-likelihood ℓ(θ) after each half-step, 0 to 2")
    assert "Marked: half-step 2 (M-step)" in alt and "This M-step raised ℓ by" in alt
    hidden = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stCaptionContainer] span')]"
        ".map(span => span.textContent).filter(text => text.startsWith('Figure: '))")
    assert len(hidden) == 1
    picture = "Histogram of" if page_entry is pages.EM_1D else "Scatter plot of"
    assert hidden[0].startswith(f"Figure: {picture}")
    assert "This M-step moved the means by" in hidden[0]
    assert "Not only by colour" in hidden[0]
    # Everyone can read it too, under "Describe this figure" (one for each of the two figures).
    describe = page.locator('[data-testid="stExpander"]').filter(has_text="Describe this figure")
    assert describe.count() == 2
    describe.first.locator("summary").click()
    describe.first.get_by_text(picture, exact=False).wait_for(state="visible")


# --- presentation mode on one 1920 x 1080 screen ------------------------------------------------

SCREEN = {"width": 1920, "height": 1080}
# "At least about 20 px": Plotly and the chart's SVG round sizes to a tenth of a pixel.
MIN_FIGURE_TEXT_PX = 19.5
MEASURE = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const box = element => { const r = element.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const status = [...main.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
    .find(p => /^Half-step \\d+:/.test(p.innerText));
  const buttons = [...main.querySelectorAll('button')].filter(button => [
    'E-step', 'M-step', 'EM iteration', 'Run to convergence', 'Back', 'Reset', 'Play']
    .some(label => [...button.querySelectorAll('p')].some(p => p.innerText.trim() === label)))
    .filter(button => button.getBoundingClientRect().width > 0);  // drawn, not a hidden copy
  const chart = main.querySelector('[data-testid="stImage"] img');
  const figure = main.querySelector('[data-testid="stPlotlyChart"]');
  const texts = [...figure.querySelectorAll('.xtick text, .ytick text, .legendtext, '
                                             + '.g-xtitle text, .g-ytitle text')];
  return {
    status: status && box(status), buttons: buttons.map(box), figure: box(figure),
    chart: box(chart), chartWidth: chart.getBoundingClientRect().width, chartSrc: chart.src,
    figureFonts: texts.map(text => parseFloat(getComputedStyle(text).fontSize)),
    labels: buttons.length,
  };
}"""


def _svg_text_px(src: str, rendered_width: float) -> float:
    """The chart's text size on screen: its SVG font size scaled from its viewBox to the width
    the image is drawn at."""
    import base64
    import re

    svg = base64.b64decode(src.split(",", 1)[1]).decode()
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+) [\d.]+"', svg).group(1))
    font_size = float(re.search(r'<svg[^>]* font-size="([\d.]+)"', svg).group(1))
    assert 'font-size="' not in svg.split(">", 1)[1], "a text of the chart has its own size"
    return font_size * rendered_width / view_width


def _inside_screen(name: str, box: dict) -> None:
    assert box is not None, f"{name} is missing"
    assert 0 <= box["left"] and box["right"] <= SCREEN["width"], (name, box)
    assert 0 <= box["top"] and box["bottom"] <= SCREEN["height"], (name, box)


@pytest.mark.browser
@pytest.mark.parametrize("page_entry", [pages.EM_1D, pages.EM_2D], ids=lambda page: page.url_path)
def test_presentation_mode_fits_one_1920_by_1080_screen(browser, server, page_entry):
    page = open_app_page(browser, f"{server}/{page_entry.url_path}")
    page.set_viewport_size(SCREEN)
    _switch(page, "Presentation mode (for a projector)")
    # After a step the history slider is there too: the tallest stepping bar.
    _click(page, "EM iteration")
    wait_until_drawn(page, DRAW_TIMEOUT_MS)
    for sidebar in ("open", "closed"):
        if sidebar == "closed":
            # Streamlit shows the collapse button while the pointer is over the sidebar.
            page.locator('[data-testid="stSidebar"]').hover()
            page.locator('[data-testid="stSidebarCollapseButton"] button').click()
            page.wait_for_function(
                "() => document.querySelector('[data-testid=\"stSidebar\"]')"
                ".getAttribute('data-collapsed') === 'true'")
            wait_until_drawn(page, DRAW_TIMEOUT_MS)
        # Measured as the page opens: nothing scrolled.
        page.evaluate("() => document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
        page.wait_for_timeout(500)  # the figure re-lays itself out when the sidebar moves
        measured = page.evaluate(MEASURE)
        where = f"{page_entry.title}, sidebar {sidebar}"
        assert measured["labels"] == 7, (where, measured["buttons"])
        _inside_screen(f"{where}: the status line", measured["status"])
        for box in measured["buttons"]:
            _inside_screen(f"{where}: a stepping button", box)
        _inside_screen(f"{where}: the figure", measured["figure"])
        _inside_screen(f"{where}: the log-likelihood chart", measured["chart"])
        fonts = measured["figureFonts"]
        assert fonts and min(fonts) >= MIN_FIGURE_TEXT_PX, (where, sorted(set(fonts)))
        chart_px = _svg_text_px(measured["chartSrc"], measured["chartWidth"])
        assert chart_px >= MIN_FIGURE_TEXT_PX, (where, chart_px)
        print(f"{where}: figure text {min(fonts):g}-{max(fonts):g} px, chart text "
              f"{chart_px:.1f} px, figure bottom {measured['figure']['bottom']:.0f}, chart "
              f"bottom {measured['chart']['bottom']:.0f} of {SCREEN['height']}")
    assert_no_exception(page)
