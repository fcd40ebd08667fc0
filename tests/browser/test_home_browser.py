"""The home page in a real browser, opened as the first request to a fresh server."""

import pytest

from tests.browser.harness import assert_no_exception, open_app_page, screenshot


@pytest.mark.browser
def test_home_page_opens_on_a_fresh_server(browser, fresh_server):
    page = open_app_page(browser, fresh_server())
    assert_no_exception(page)
    title = page.get_by_role("heading", name="The EM algorithm for Gaussian mixtures", level=1)
    assert title.is_visible()
    assert page.title() == "EM for Gaussian mixtures"
    screenshot(page, "home")
