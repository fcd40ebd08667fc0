"""Fixtures for the real-browser tests: a fresh `streamlit run` per test, one Chromium per session.

Helpers (open_app_page, wait_for_rerun, click_and_wait, assert_no_exception, screenshot, page_url)
live in ``devtools/browser.py``; import them from there.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from devtools.browser import chromium_problem, launch_chromium, streamlit_server


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, shared by the whole session.

    Fails (never skips) when /usr/bin/chromium is missing: `bash scripts/test.sh` installs it.
    """
    problem = chromium_problem()
    if problem:
        pytest.fail(problem, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _close_browser_contexts(request) -> Iterator[None]:
    """Close the contexts (tabs) a test opened, so no page outlives its test's server."""
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()


@pytest.fixture
def fresh_server() -> Iterator[Callable[..., str]]:
    """A factory: ``base_url = fresh_server()`` starts a new `streamlit run app.py` on a free port.

    Each call starts its own server, so the URL a test opens first is the first request that server
    sees (the way a student's bookmark reaches a freshly deployed app). Extra arguments go to
    `streamlit run`, e.g. ``fresh_server("--server.maxUploadSize", "1")``. Every server started
    is terminated with its process group when the test ends.
    """
    with ExitStack() as servers:
        yield lambda *extra_args: servers.enter_context(streamlit_server(*extra_args))
