"""The pages "k-means vs EM" and "Model selection" in a real browser, each opened by its URL as
the first request to a fresh server."""

import re

import pytest

from devtools.browser import (
    assert_no_exception,
    open_app_page,
    page_url,
    screenshot,
    wait_for_rerun,
)
from ui.compare.view import button_key


def css_key(key: str) -> str:
    """Streamlit's class for a widget key: st-key-<key>, every character outside
    [a-zA-Z0-9_-] replaced by "-"."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key)


def click_key(page, key: str) -> None:
    """Click the button whose widget key is ``key`` (Streamlit adds the class of css_key).

    A button with a help tooltip can be present twice in its container; the visible one counts.
    """
    page.locator(f".{css_key(key)} button:visible").first.click()
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
    for bar, action in (("both", "E-step"), ("both", "M-step"), ("kmeans", "EM iteration"),
                        ("both", "Run to convergence")):
        click_key(page, button_key(bar, action))
    body = page.locator("body").inner_text()
    assert "k-means · converged" in body and "EM · converged" in body
    assert "disagree on" in body
    assert plotly_count(page) >= 4
    screenshot(page, "kmeans_vs_em_converged")
    click_key(page, button_key("both", "Reset"))
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
