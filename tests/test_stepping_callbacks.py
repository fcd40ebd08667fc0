"""A click delivered twice must act once.

Under load Streamlit was seen sending one click on Pause twice (it landed together with a Play
tick), and a toggling callback then un-paused at once. The stepping callbacks therefore take
what the button meant when it was drawn (the half-step shown, the play state to set) and give
the same result however often they run. AppTest cannot deliver one click twice, so the
callbacks are called directly, with the session state they would see.
"""

from types import SimpleNamespace

import pytest

from ui import compare_controls, controls
from ui import state as ui_state
from ui.controls import stepper_page


class AlternatingRun:
    """Stands in for a SharedRun: E after even half-steps, M after odd ones, never ending."""

    def extend_to(self, target: int) -> int:
        return target

    def next_kind_after(self, index: int) -> str:
        return "E" if index % 2 == 0 else "M"

    def run_to_convergence(self) -> int:
        return 40


@pytest.fixture
def session(monkeypatch) -> dict:
    state = {}
    fake = SimpleNamespace(session_state=state)
    for module in (controls, ui_state, compare_controls):
        monkeypatch.setattr(module, "st", fake)
    return state


@pytest.mark.parametrize(("callback", "shown", "expected"), [
    (controls._on_half_step, 3, 4),
    (controls._on_iteration, 4, 6),  # E then M
    (controls._on_iteration, 5, 6),  # the M that completes the iteration
    (controls._on_back, 6, 5),
    (controls._on_reset, 6, 0),
    (controls._on_converge, 6, 40),
])
def test_a_stepping_click_delivered_twice_moves_once(session, callback, shown, expected):
    keys = stepper_page(2).keys
    session[keys.index] = shown
    run = AlternatingRun()
    callback(keys, run, shown)
    assert session[keys.index] == expected
    callback(keys, run, shown)  # the same click again, as drawn with half-step ``shown``
    assert session[keys.index] == expected


def test_pause_delivered_twice_stays_paused(session):
    keys = stepper_page(2).keys
    session[keys.playing] = True
    for _ in range(2):
        controls._on_play(keys, False)  # the button read "Pause"
        assert session[keys.playing] is False
        assert session[keys.full_rerun] is True  # the Play timer stops with a full run
    for _ in range(2):
        controls._on_play(keys, True)
        assert session[keys.playing] is True


def test_the_comparison_page_play_button_sets_rather_than_toggles(session):
    for play in (True, True, False, False):
        compare_controls._on_play(play)
        assert session[compare_controls.KEYS.playing] is play
