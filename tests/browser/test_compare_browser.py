"""The page "k-means vs EM" in a real browser: opened by its URL as the first request to a fresh
server, used by keyboard alone and under axe-core's accessibility audit. (Model selection has its
own file, test_model_selection_browser.)"""

import re

import pytest

from devtools.browser import (
    assert_no_exception,
    open_app_page,
    page_url,
    screenshot,
    wait_for_rerun,
)
from tests.browser.axe_audit import blocking_violations, tab_to
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
    url = page_url(fresh_server(), "pages/4_k-means_vs_EM.py") + "?dataset=unequal-sizes"
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


def half_steps(page) -> tuple[int, int]:
    """The half-steps in the lines above the two figures ("k-means · half-step 2: ...")."""
    text = page.locator("body").inner_text()
    found = re.findall(r"(?:k-means|EM[^·\n]*) · half-step (\d+):", text)
    return int(found[0]), int(found[1])


@pytest.mark.browser
def test_kmeans_vs_em_by_keyboard_alone_with_text_alternatives(browser, fresh_server):
    url = page_url(fresh_server(), "pages/4_k-means_vs_EM.py") + "?dataset=unequal-spreads"
    page = open_app_page(browser, url)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4")
    assert blocking_violations(page) == []
    # The shortcuts of the shared bar: Right = the next half-step, I = EM iteration,
    # Left = Back, Home = Reset (keys reach the app once the page, not a text box, has focus).
    page.locator("h1").first.click()
    for key, expected in (("ArrowRight", (1, 1)), ("i", (2, 2)), ("ArrowLeft", (1, 1)),
                          ("Home", (0, 0))):
        page.keyboard.press(key)
        wait_for_rerun(page)
        page.wait_for_function(
            "expected => document.body.innerText.includes('k-means · half-step ' + expected)",
            arg=str(expected[0]))
        assert half_steps(page) == expected, key
    # Tab to EM's own E-step button and press it with Enter.
    page.locator("h1").first.click()
    tab_to(page, "e => e.tagName === 'BUTTON' && e.closest('.st-key-kmvem-step_button-em-e_step')")
    page.keyboard.press("Enter")
    wait_for_rerun(page)
    assert half_steps(page) == (0, 1)
    # Tab to the first "Describe this figure" and open it with Enter: the text alternative.
    tab_to(page, "e => e.innerText && e.innerText.includes('Describe this figure')")
    page.keyboard.press("Enter")
    # (the text is escaped Markdown: invisible word joiners follow its colons)
    description = page.locator('[data-testid="stExpanderDetails"]').get_by_text(
        "k-means, half-step 0 (start, iteration 0)")
    description.wait_for(state="visible")
    assert "centre 1 at (" in description.inner_text()
    # A sidebar toggle by keyboard: Space switches on hard EM.
    tab_to(page, "e => e.type === 'checkbox' && "
                 "(e.closest('label')?.innerText || '').startsWith('Hard EM')")
    page.keyboard.press("Space")
    wait_for_rerun(page)
    page.get_by_text("Hard EM · half-step", exact=False).first.wait_for(state="visible")
    assert_no_exception(page)
    assert blocking_violations(page) == []
    screenshot(page, "kmeans_vs_em_keyboard")
