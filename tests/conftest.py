"""Shared test set-up: the repository root, a Streamlit AppTest factory, the lecture's means-only
data, browser-test ordering."""

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings
from streamlit.testing.v1 import AppTest

from gmm_core.means_only import means_only_data
from ui.kit.display import limit_threads

REPO_ROOT = Path(__file__).resolve().parent.parent

# One BLAS/OpenMP thread in the test process too, as on the server (ui.kit.display): on a shared
# 2-core machine a second OpenBLAS thread makes tiny solves milliseconds slower each.
limit_threads()
BROWSER_TESTS = REPO_ROOT / "tests" / "browser"

# The first run of a page imports scipy, scikit-learn and plotly (about 2 s here, more on a busy
# machine); AppTest's own default of 3 s is too tight.
APP_TEST_TIMEOUT_S = 30


@pytest.fixture(scope="module")
def lecture_data() -> np.ndarray:
    """The lecture's means-only example: (200, 1) points from two unit Gaussians 4 apart."""
    return means_only_data(4.0, 200, seed=0)


@pytest.fixture
def run_app() -> Callable[..., AppTest]:
    """A factory: ``at = run_app("pages/3_EM_in_2-D.py", query_params={"k": "3"})``.

    Loads the script (path relative to the repository root) with a generous timeout, sets the
    query parameters, runs it once and returns the AppTest.
    """

    def run(script: str, query_params: Mapping[str, str] | None = None) -> AppTest:
        app = AppTest.from_file(str(REPO_ROOT / script), default_timeout=APP_TEST_TIMEOUT_S)
        for name, value in (query_params or {}).items():
            app.query_params[name] = value
        return app.run()

    return run


def pytest_collection_modifyitems(config, items):
    """Mark everything under tests/browser as `browser`; run them last in one process, first
    with pytest-xdist's workers.

    The marker lets `-m "not browser"` leave them out even if a test forgets its decorator. In one
    process, running them last gives the fast unit and AppTest results first. With two workers
    (pyproject's addopts) the browser files are the longest, so they start first and the many
    short files fill the workers' time around them instead of leaving a long tail at the end.
    """
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
    browser_first = hasattr(config, "workerinput")  # set in xdist's worker processes
    items.sort(key=lambda item: (item.get_closest_marker("browser") is None) == browser_first)


# CI runs the property tests on a fixed set of examples, so a run is reproducible; developers'
# runs keep exploring new random examples (HYPOTHESIS_PROFILE=ci reproduces CI locally).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") or os.environ.get("HYPOTHESIS_PROFILE") == "ci":
    settings.load_profile("ci")
