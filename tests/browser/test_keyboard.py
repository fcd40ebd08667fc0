"""The 2-D stepper by keyboard alone (issue #14): Tab to each control and use it with Enter,
Space, the arrow keys and typing, never the mouse. The stepping buttons move the half-step, the
history slider moves back, a toggle flips, the probe's input takes a value and the membership
bars follow it.

(The buttons' shortcuts, Right, Left, I, End, Home and P, are tested in test_stepper_browser.)
"""

from __future__ import annotations

import re

import pytest

from devtools.browser import (
    MAIN_BLOCK,
    PAGE_EM_2D,
    assert_no_exception,
    open_app_page,
    page_url,
    wait_for_rerun,
)
from tests.browser.axe_audit import focused, tab_to, wait_until_drawn

STATUS = re.compile(r"Half-step (\d+):")


def _half_step(page) -> int:
    match = STATUS.search(page.locator(MAIN_BLOCK).inner_text())
    assert match, "the status line 'Half-step N: ...' is missing"
    return int(match.group(1))


def _button(label: str) -> str:
    """A focus predicate: the button whose own label is ``label`` (not its shortcut)."""
    return (f"e => e.tagName === 'BUTTON' && [...e.querySelectorAll('p')]"
            f".some(p => p.textContent.trim() === {label!r})")


SLIDER = ("e => e.tagName === 'INPUT' && e.closest('[data-testid=\"stSlider\"]') && "
          "(e.getAttribute('aria-label') || '').startsWith('Half-step')")
PROBE_TOGGLE = ("e => e.getAttribute('role') === 'switch' && "
                "e.getAttribute('aria-label').startsWith('Probe a point')")
PROBE_INPUT = ("e => e.tagName === 'INPUT' && e.closest('[data-testid=\"stNumberInput\"]') && "
               "e.getAttribute('aria-label') === 'x1'")


@pytest.mark.browser
def test_the_2d_stepper_works_by_keyboard_alone(browser, fresh_server):
    page = open_app_page(browser, page_url(fresh_server(), PAGE_EM_2D)
                         + "?dataset=tutorial-2d&k=3&seed=1")
    wait_until_drawn(page)
    assert _half_step(page) == 0

    # The stepping buttons: Tab to "EM iteration", Enter takes a whole iteration.
    tab_to(page, _button("EM iteration"))
    page.keyboard.press("Enter")
    wait_for_rerun(page)
    page.wait_for_function("() => /Half-step 2:/.test(document.body.innerText)")
    # The focus stays on the button across the rerun: Space takes the next iteration.
    assert focused(page, _button("EM iteration")), "the rerun lost the keyboard focus"
    page.keyboard.press(" ")
    wait_for_rerun(page)
    page.wait_for_function("() => /Half-step 4:/.test(document.body.innerText)")
    # "E-step" by Tab and Space (the next half-step after an M-step).
    tab_to(page, _button("E-step"), backwards=True)
    page.keyboard.press(" ")
    wait_for_rerun(page)
    page.wait_for_function("() => /Half-step 5:/.test(document.body.innerText)")

    # The history slider: Tab to its handle, the arrow keys move it (and the half-step).
    tab_to(page, SLIDER)
    page.keyboard.press("ArrowLeft")
    wait_for_rerun(page)
    page.wait_for_function("() => /Half-step 4:/.test(document.body.innerText)")
    assert page.evaluate("() => document.activeElement.value") == "4"
    page.keyboard.press("Home")
    wait_for_rerun(page)
    page.wait_for_function("() => /Half-step 0:/.test(document.body.innerText)")

    # The figure's "Describe this figure": Enter opens it, the words follow the half-step.
    tab_to(page, "e => e.tagName === 'SUMMARY' && e.innerText.includes('Describe this figure')")
    page.keyboard.press("Enter")
    page.get_by_text("Scatter plot of 500 points", exact=False).first.wait_for(state="visible")

    # A toggle: Space switches the probe on; its inputs appear.
    tab_to(page, PROBE_TOGGLE)
    assert page.evaluate("() => document.activeElement.checked") is False
    page.keyboard.press(" ")
    wait_for_rerun(page)
    page.wait_for_function("() => document.activeElement.checked === true"
                           " || document.querySelector('[role=switch][aria-label^=\"Probe\"]')"
                           ".checked === true")
    # The probe's input: Tab to it, type a value, Enter; the bars describe that point.
    tab_to(page, PROBE_INPUT)
    page.keyboard.press("Control+A")
    page.keyboard.type("-7.5")
    page.keyboard.press("Enter")
    wait_for_rerun(page)
    wait_until_drawn(page)
    probe = page.get_by_label("x1", exact=True)
    assert float(probe.input_value()) == -7.5
    page.wait_for_function(
        "() => document.body.textContent.includes('The probe point (a black star) is at (-7.5, ')")
    # Play by Enter; Pause (a button of its own, in Play's place: see ui/kit/stepping.py) by
    # its shortcut, P; then the half-step holds.
    tab_to(page, _button("Play"), backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_function("() => /Half-step ([2-9]|\\d\\d+):/.test(document.body.innerText)",
                           timeout=30_000)
    page.keyboard.press("p")
    page.get_by_role("button").filter(has=page.get_by_text("Play", exact=True)).wait_for(
        timeout=30_000)
    page.wait_for_timeout(2_000)  # a tick already on its way may still land
    stopped = _half_step(page)
    page.wait_for_timeout(2_500)
    assert _half_step(page) == stopped, "playback went on after Pause"

    # Everything was done without the mouse; nothing went wrong on the way.
    assert_no_exception(page)
