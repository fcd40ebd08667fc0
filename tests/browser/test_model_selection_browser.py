"""The page "Model selection" in a real browser: opened by its URL as the first request to a
fresh server, used by keyboard alone, audited by axe-core, and with every figure's text
alternative reachable."""

import pytest

from devtools.browser import (
    assert_no_exception,
    open_app_page,
    page_url,
    screenshot,
    wait_for_rerun,
)
from tests.browser.axe_audit import blocking_violations, tab_to

PAGE = "pages/5_Model_selection.py"
# Small and fast: the 1-D eruption durations, K up to 4, two starts per model.
QUERY = "?dataset=faithful-eruptions&kmax=4&starts=2"
# The first view fits the grid, the restarts and Old Faithful: slow on a busy 2-core machine.
TIMEOUT_MS = 240_000


@pytest.mark.browser
def test_model_selection_by_keyboard_alone_with_text_alternatives(browser, fresh_server):
    page = open_app_page(browser, page_url(fresh_server(), PAGE) + QUERY, timeout_ms=TIMEOUT_MS)
    assert_no_exception(page)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 8",
                           timeout=TIMEOUT_MS)
    assert page.get_by_role("heading", name="Model selection: how many components?",
                            level=1).is_visible()
    body = page.locator("body").inner_text()
    assert "BIC chooses K =" in body and "(scikit-learn's sign, lower is better" in body
    assert "Old Faithful: one Gaussian or two?" in body
    assert blocking_violations(page) == []
    # The first "Describe this figure", opened with Enter: the BIC chart in words.
    page.locator("h1").first.click()
    tab_to(page, "e => e.innerText && e.innerText.includes('Describe this figure')")
    page.keyboard.press("Enter")
    page.get_by_text("BIC against K for 2 covariance types", exact=False).first.wait_for(
        state="visible", timeout=TIMEOUT_MS)
    # The BIC sign (above the charts): a radio group; Tab reaches the chosen sign, an arrow
    # key moves to mclust's, Enter chooses it.
    page.locator("h1").first.click()
    tab_to(page, "e => e.getAttribute('role') === 'radio' && "
                 "e.innerText.startsWith('scikit-learn:')")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.innerText").startswith("mclust:")
    page.keyboard.press("Enter")
    wait_for_rerun(page, timeout_ms=TIMEOUT_MS)
    page.get_by_text("BIC against K (higher is better)", exact=False).first.wait_for(
        state="visible", timeout=TIMEOUT_MS)
    assert "bic=mclust" in page.url
    # Degenerate fits hidden with Space on their toggle.
    tab_to(page, "e => e.closest('label') && "
                 "e.closest('label').innerText.includes('Show degenerate fits')")
    page.keyboard.press("Space")
    wait_for_rerun(page, timeout_ms=TIMEOUT_MS)
    page.wait_for_function("() => location.search.includes('degenerate=0')",
                           timeout=TIMEOUT_MS)
    assert_no_exception(page)
    assert blocking_violations(page) == []
    screenshot(page, "model_selection_keyboard")
