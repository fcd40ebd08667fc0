"""The automatic-differentiation page in a real browser, opened by its URL as the first request to
a fresh server: the graph renders with the lecture's numbering, a typed formula reruns the page,
a refused one shows a message; everything works by keyboard, every figure is described under
it, and no scroll box is out of the keyboard's reach (issue #14)."""

import pytest
from playwright.sync_api import expect

from devtools.browser import (
    assert_no_exception,
    click_and_wait,
    open_app_page,
    page_url,
    screenshot,
    wait_for_rerun,
)

# The page draws seven tabs at once (7 Plotly charts, 2 graphs, code, formulas): on a machine
# shared with other test runs its first paint can take a minute.
SLOW_MS = 150_000
TABS = ("1 · Dual numbers", "2 · Forward mode", "3 · Reverse mode", "4 · Finite differences",
        "5 · Newton's method", "6 · Jacobians", "7 · Gradient ascent vs EM")

# Every element of the page's body that scrolls (content wider or taller than its box, with
# overflow auto or scroll) and that neither is nor contains something the keyboard can focus:
# axe-core's rule "scrollable-region-focusable".
UNREACHABLE_SCROLL_BOXES = """() => {
  const focusable = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';
  const boxes = [];
  for (const element of document.querySelectorAll('[data-testid="stMain"] *')) {
    if (element.offsetParent === null) continue;
    const style = getComputedStyle(element);
    const across = element.scrollWidth > element.clientWidth + 1
                   && ['auto', 'scroll'].includes(style.overflowX);
    const down = element.scrollHeight > element.clientHeight + 1
                 && ['auto', 'scroll'].includes(style.overflowY);
    if (!(across || down)) continue;
    if (element.matches(focusable) || element.querySelector(focusable)) continue;
    const owner = element.closest('[data-testid]');
    boxes.push(`${element.tagName}.${element.className} in ${owner && owner.dataset.testid}`);
  }
  return boxes;
}"""


def _open_tab(page, name: str) -> None:
    tab = page.get_by_role("tab", name=name)
    tab.click()
    page.wait_for_function("name => [...document.querySelectorAll('[role=tab]')].some("
                           "t => t.textContent.includes(name) && "
                           "t.getAttribute('aria-selected') === 'true')", arg=name)


def _open_expanders(page, scope) -> None:
    """Open every closed expander in ``scope`` (opening one needs no rerun)."""
    closed = scope.locator('[data-testid="stExpander"] details:not([open]) > summary:visible')
    for _ in range(20):
        if not closed.count():
            return
        closed.first.click()
    raise AssertionError("expanders did not open")


@pytest.mark.browser
def test_autodiff_page_by_url_on_a_fresh_server(browser, fresh_server):
    page = open_app_page(browser, page_url(fresh_server(), "pages/6_Automatic_differentiation.py"),
                         timeout_ms=SLOW_MS)
    page.set_default_timeout(SLOW_MS)
    assert_no_exception(page)
    assert page.get_by_role("heading", name="Automatic differentiation", level=1).is_visible()

    _open_tab(page, "2 · Forward mode")
    graph = page.locator('[data-testid="stGraphVizChart"] svg').first
    graph.wait_for(state="visible")
    # the lecture's trace: w1 = x1, w2 = x2, w3 = w1 * w2, w4 = sin(w1), w5 = w3 + w4
    text = graph.text_content()
    assert "w5" in text and "= w3 + w4" in text and "w1" in text and "= x1" in text
    screenshot(page, "autodiff_forward_mode")

    formula = page.get_by_role("textbox", name="f(x1, x2) =", exact=True)
    formula.fill("exp(x1) * x2**2")
    formula.press("Enter")
    wait_for_rerun(page, timeout_ms=SLOW_MS)
    assert_no_exception(page)
    graph = page.locator('[data-testid="stGraphVizChart"] svg').first
    graph.wait_for(state="visible")
    assert "= exp(w1)" in graph.text_content()

    formula.fill("__import__('os').system('ls')")
    formula.press("Enter")
    wait_for_rerun(page, timeout_ms=SLOW_MS)
    alert = page.locator('[data-testid="stAlertContentError"]').first
    assert "cannot appear in a formula" in alert.inner_text()
    assert_no_exception(page)

    _open_tab(page, "5 · Newton's method")
    click_and_wait(page, "Newton step", timeout_ms=SLOW_MS)
    assert_no_exception(page)

    _open_tab(page, "7 · Gradient ascent vs EM")
    page.locator('[data-testid="stPlotlyChart"]').last.wait_for(state="visible")
    screenshot(page, "autodiff_gradient_vs_em")


@pytest.mark.browser
def test_autodiff_page_by_keyboard_with_described_figures(browser, fresh_server):
    page = open_app_page(browser, page_url(fresh_server(), "pages/6_Automatic_differentiation.py"),
                         timeout_ms=SLOW_MS)
    page.set_default_timeout(SLOW_MS)
    # Every tab, with every expander open: its figures are described in text, and no scroll
    # box is out of reach.
    _open_expanders(page, page.locator('[data-testid="stMain"]'))
    for name in TABS:
        _open_tab(page, name)
        panel = page.locator('[role="tabpanel"]:visible')
        _open_expanders(page, panel)
        panel.get_by_text("Describe this figure:").first.wait_for(state="visible")
        # One description per figure (the figures draw after their descriptions: wait).
        described = panel.get_by_text("Describe this figure:").count()
        assert described >= 1
        expect(panel.locator('[data-testid="stPlotlyChart"], [data-testid="stGraphVizChart"]')
               ).to_have_count(described, timeout=SLOW_MS)
        assert page.evaluate(UNREACHABLE_SCROLL_BOXES) == [], name

    # Keyboard only: from the first tab, the arrow keys move between tabs, Tab reaches the
    # formula box, Enter reruns the page.
    first = page.get_by_role("tab", name=TABS[0])
    first.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.textContent.includes('Forward mode')")
    formula = page.get_by_role("textbox", name="f(x1, x2) =", exact=True)
    for _ in range(30):  # Tab until the formula box has the focus
        page.keyboard.press("Tab")
        if formula.evaluate("box => box === document.activeElement"):
            break
    assert formula.evaluate("box => box === document.activeElement")
    page.keyboard.press("Control+A")
    page.keyboard.type("abs(x1 - 2)*x2")  # a kink at the default point x1 = 2
    page.keyboard.press("Enter")
    wait_for_rerun(page, timeout_ms=SLOW_MS)
    assert_no_exception(page)
    warning = page.locator('[data-testid="stAlertContentWarning"]:visible').first
    warning.wait_for(state="visible")
    assert "∂f/∂x1 does not exist at this point" in \
        page.locator('[role="tabpanel"]:visible').inner_text()

    # Newton's method by keyboard: focus the button and press Space.
    _open_tab(page, "5 · Newton's method")
    button = page.get_by_role("button", name="Newton step", exact=True)
    button.focus()
    page.keyboard.press("Space")
    wait_for_rerun(page, timeout_ms=SLOW_MS)
    assert "x₂ =" in page.locator('[role="tabpanel"]:visible').inner_text()
    assert_no_exception(page)
