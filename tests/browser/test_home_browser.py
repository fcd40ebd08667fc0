"""The home page in a real browser, opened as the first request to a fresh server: its pictures
are drawn, and the one-click demo opens the 2-D stepper on the textbook data."""

from urllib.parse import parse_qs, urlsplit

import pytest

from devtools.browser import (
    RUN_TIMEOUT_MS,
    assert_no_exception,
    open_app_page,
    screenshot,
    wait_for_rerun,
)
from ui import pages

DEMO_LABEL = "Start the demo: EM in 2-D on the textbook data"
# The pictures are drawn once per server: on a fresh server the first visitor waits for them.
PICTURES_TIMEOUT_MS = 120_000


@pytest.mark.browser
def test_home_page_opens_on_a_fresh_server_with_its_pictures_and_demo(browser, fresh_server):
    page = open_app_page(browser, fresh_server())
    assert_no_exception(page)
    title = page.get_by_role("heading", name="The EM algorithm for Gaussian mixtures", level=1)
    assert title.is_visible()
    assert page.title() == "EM for Gaussian mixtures"
    # Every picture (the demo's and one per page) is decoded by the browser and has its words.
    images = page.locator('[data-testid="stMainBlockContainer"] [data-testid="stImage"] img')
    page.wait_for_function(
        "([selector, count]) => { const images = document.querySelectorAll(selector);"
        " return images.length === count && [...images].every(image => image.complete"
        " && image.naturalWidth > 0); }",
        arg=['[data-testid="stMainBlockContainer"] [data-testid="stImage"] img',
             1 + len(pages.PAGES)], timeout=PICTURES_TIMEOUT_MS)
    alts = [images.nth(i).get_attribute("alt") for i in range(images.count())]
    assert all(alt and len(alt) > 40 for alt in alts), alts
    assert "textbook data" in alts[0]
    screenshot(page, "home")

    # The one-click demo: the 2-D stepper on the textbook data, K = 3, at its start.
    demo = page.get_by_role("link", name=DEMO_LABEL)
    demo.click(timeout=RUN_TIMEOUT_MS)
    page.wait_for_url(f"**/{pages.EM_2D.url_path}?*", timeout=RUN_TIMEOUT_MS)
    wait_for_rerun(page)
    page.get_by_text("Half-step 0: start", exact=False).first.wait_for(timeout=RUN_TIMEOUT_MS)
    query = parse_qs(urlsplit(page.url).query)
    assert query["dataset"] == ["textbook"] and query["k"] == ["3"]
    assert page.get_by_role("heading", level=1).first.inner_text().startswith("EM in 2-D")
    # The figure's text alternative (read by screen readers) says what is drawn: the
    # textbook's 1,250 points and 3 components.
    page.wait_for_function(
        "() => document.body.textContent.includes('Scatter plot of 1250 points')",
        timeout=RUN_TIMEOUT_MS)
    assert "3 components, each drawn as a cross" in page.locator("body").text_content()
    assert_no_exception(page)
