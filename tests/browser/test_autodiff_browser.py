"""The automatic-differentiation page in a real browser, opened by its URL as the first request to
a fresh server: the graph renders, a typed formula reruns the page, a refused one shows a message.
"""

import pytest

from devtools.browser import (
    assert_no_exception,
    click_and_wait,
    open_app_page,
    page_url,
    screenshot,
    wait_for_rerun,
)


@pytest.mark.browser
def test_autodiff_page_by_url_on_a_fresh_server(browser, fresh_server):
    page = open_app_page(browser, page_url(fresh_server(), "pages/6_Automatic_differentiation.py"))
    assert_no_exception(page)
    assert page.get_by_role("heading", name="Automatic differentiation", level=1).is_visible()

    page.get_by_role("tab", name="2 · Forward mode").click()
    graph = page.locator('[data-testid="stGraphVizChart"] svg').first
    graph.wait_for(state="visible")
    assert "= w1 + w2" in graph.text_content()  # the graph is drawn, with the lecture's trace
    screenshot(page, "autodiff_forward_mode")

    formula = page.get_by_role("textbox", name="f(x1, x2) =", exact=True)
    formula.fill("exp(x1) * x2**2")
    formula.press("Enter")
    wait_for_rerun(page)
    assert_no_exception(page)
    graph = page.locator('[data-testid="stGraphVizChart"] svg').first
    graph.wait_for(state="visible")
    assert "= exp(x1)" in graph.text_content()

    formula.fill("__import__('os').system('ls')")
    formula.press("Enter")
    wait_for_rerun(page)
    alert = page.locator('[data-testid="stAlertContentError"]').first
    assert "cannot appear in a formula" in alert.inner_text()
    assert_no_exception(page)

    page.get_by_role("tab", name="5 · Newton's method").click()
    click_and_wait(page, "Newton step")
    assert_no_exception(page)

    page.get_by_role("tab", name="7 · Gradient ascent vs EM").click()
    page.locator('[data-testid="stPlotlyChart"]').last.wait_for(state="visible")
    screenshot(page, "autodiff_gradient_vs_em")
