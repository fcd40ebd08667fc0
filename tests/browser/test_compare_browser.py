"""The pages "k-means vs EM" and "Model selection" in a real browser, each opened by its URL as
the first request to a fresh server."""

import pytest

from tests.browser.harness import (
    assert_no_exception,
    open_app_page,
    page_url,
    screenshot,
    wait_for_rerun,
)


def click_key(page, key: str) -> None:
    """Click the button whose widget key is ``key`` (Streamlit adds the class st-key-<key>).

    A button with a help tooltip can be present twice in its container; the visible one counts.
    """
    page.locator(f".st-key-{key} button:visible").first.click()
    wait_for_rerun(page)
    assert_no_exception(page)


def plotly_count(page) -> int:
    return page.locator(".js-plotly-plot").count()


@pytest.mark.browser
def test_kmeans_vs_em_opens_by_url_and_steps(browser, fresh_server):
    url = page_url(fresh_server(), "pages/3_k-means_vs_EM.py") + "?dataset=unequal-sizes"
    page = open_app_page(browser, url)
    assert_no_exception(page)
    assert page.get_by_role("heading", name="k-means vs EM", level=1).is_visible()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4")
    for key in ("kmvem-both-e_step", "kmvem-both-m_step", "kmvem-kmeans-iterate",
                "kmvem-both-converge"):
        click_key(page, key)
    body = page.locator("body").inner_text()
    assert "k-means · converged" in body and "EM · converged" in body
    assert "disagree on" in body
    assert plotly_count(page) >= 4
    screenshot(page, "kmeans_vs_em_converged")
    click_key(page, "kmvem-both-reset")
    assert "half-step 0" in page.locator("body").inner_text()


@pytest.mark.browser
def test_model_selection_opens_by_url(browser, fresh_server):
    url = page_url(fresh_server(), "pages/4_Model_selection.py") + "?dataset=faithful&k=2"
    page = open_app_page(browser, url)
    assert_no_exception(page)
    assert page.get_by_role("heading", name="Model selection: how many components?",
                            level=1).is_visible()
    body = page.locator("body").inner_text()
    assert "BIC chooses K =" in body
    assert "Old Faithful: one Gaussian or two?" in body
    # grid (BIC, AIC), the fit shown, restarts (histogram, best fit, comparison), Faithful (2)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 8")
    screenshot(page, "model_selection")
