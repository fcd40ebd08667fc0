"""Bounded work per request (issue #17): a link or a click computes for at most one slice of
time; longer computations show progress, continue slice by slice and can be stopped.

The slice is set to 0 s here, so that every slice computes exactly one half-step whatever the
machine's speed: the tests then count half-steps instead of timing anything.
"""

from __future__ import annotations

import pytest

from tests.pages.stepper_helpers import PAGE_2D, assert_clean, click, index, open_page, texts
from ui.kit import stepping


@pytest.fixture(autouse=True)
def one_half_step_per_slice(monkeypatch):
    monkeypatch.setattr(stepping, "SLICE_S", 0.0)


def test_a_link_to_a_far_step_stops_after_one_slice_and_says_so():
    app = open_page(PAGE_2D, {"dataset": "blobs", "n": "300", "k": "3", "tol": "1e-12",
                              "iter": "1000", "step": "6"})
    assert index(app, PAGE_2D) == 1
    warning = texts(app.warning)
    assert "would take longer than 0 s, so the page stopped" in warning
    assert "half-step 1 computed, heading for half-step 6" in warning
    app.button(key="em2d.continue_button").click().run()
    assert_clean(app)
    for _ in range(10):  # each run of the progress fragment computes one more slice
        if index(app, PAGE_2D) == 6:
            break
        app.run()
    assert index(app, PAGE_2D) == 6
    assert "heading for" not in texts(app.info) + texts(app.warning)


def test_run_to_convergence_continues_with_progress_and_can_be_stopped():
    app = open_page(PAGE_2D, {"dataset": "blobs", "n": "300", "k": "3", "tol": "1e-12",
                              "iter": "1000"})
    click(app, PAGE_2D, "Run to convergence")
    assert "Computing in slices" in texts(app.info)
    assert "heading for the end of the run" in texts(app.info)
    app.run()
    reached = index(app, PAGE_2D)
    assert reached >= 2
    app.button(key="em2d.stop_button").click().run()
    assert_clean(app)
    assert index(app, PAGE_2D) == reached
    assert "Computing in slices" not in texts(app.info)
    app.run()
    assert index(app, PAGE_2D) == reached  # stopped means stopped
    click(app, PAGE_2D, "E-step" if not app.button(
        key="em2d.step_button.main.e_step").disabled else "M-step")
    assert index(app, PAGE_2D) == reached + 1  # and the page goes on as usual
