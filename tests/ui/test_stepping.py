"""A click delivered twice must act once (ui.kit.stepping), and the step rules (ui.kit.step_rules).

Under load Streamlit was seen sending one click on Pause twice (it landed together with a Play
tick), and a toggling callback then un-paused at once. The stepping callbacks therefore take
what the button meant when it was drawn (the half-step shown, the play state to set) and give
the same result however often they run. AppTest cannot deliver one click twice, so the
callbacks are called directly, with the session state they would see.
"""

from types import SimpleNamespace

import pytest

from ui.kit import session as kit_session
from ui.kit import stepping
from ui.kit.step_rules import FinishedRun, advance, can_take, step_forward
from ui.kit.stepping import SteppingState, Track


class AlternatingRun:
    """Stands in for a SharedRun: E after even half-steps, M after odd ones, never ending."""

    def extend_to(self, target: int, deadline: float | None = None) -> int:
        return target

    def next_kind_after(self, index: int) -> str:
        return "E" if index % 2 == 0 else "M"

    def run_to_convergence(self, deadline: float | None = None) -> int:
        return 40


@pytest.fixture
def session(monkeypatch) -> dict:
    state = {}
    monkeypatch.setattr(kit_session, "st", SimpleNamespace(session_state=state))
    return state


@pytest.mark.parametrize(("action", "shown", "expected"), [
    ("E-step", 2, 3),
    ("M-step", 3, 4),
    ("EM iteration", 4, 6),  # E then M
    ("EM iteration", 5, 6),  # the M that completes the iteration
    ("Back", 6, 5),
    ("Reset", 6, 0),
    ("Run to convergence", 6, 40),
])
def test_a_stepping_click_delivered_twice_moves_once(session, action, shown, expected):
    state = SteppingState("page")
    tracks = (Track("em", AlternatingRun(), "run"),)
    state.position["em"] = shown
    stepping._on_action(state, tracks, {"em": shown}, action)
    assert state.position["em"] == expected
    stepping._on_action(state, tracks, {"em": shown}, action)  # the same click again
    assert state.position["em"] == expected
    assert session["page.position.em"] == expected


def test_pause_delivered_twice_stays_paused(session, monkeypatch):
    # (A second delivery after the redraw reaches the Pause button's own callback: Play and
    # Pause have two keys, checked in tests/pages/test_em_2d.py and test_compare.py.)
    reruns = []
    monkeypatch.setattr(stepping.st, "rerun", lambda scope: reruns.append(scope))
    state = SteppingState("page")
    state.playing = True
    for delivery in range(1, 3):
        stepping._on_play(state, False)  # the button read "Pause"
        assert state.playing is False
        assert reruns == ["app"] * delivery  # the Play timer stops with a whole-page run
        assert state.full_rerun is False     # asked now, not left for the fragment
    for _ in range(2):
        stepping._on_play(state, True)
        assert state.playing is True


def test_one_bar_moves_every_track_it_steps(session):
    state = SteppingState("pair")
    kmeans = FinishedRun(["start", "assign", "update", "assign", "update"])
    em = AlternatingRun()
    tracks = (Track("kmeans", kmeans, 1), Track("em", em, 2))
    stepping._on_action(state, tracks, {"kmeans": 0, "em": 0}, "EM iteration")
    assert (state.position["kmeans"], state.position["em"]) == (2, 2)
    # k-means has ended: EM iteration still moves EM, and k-means stays at its end.
    stepping._on_action(state, tracks, {"kmeans": 4, "em": 4}, "EM iteration")
    assert (state.position["kmeans"], state.position["em"]) == (4, 6)


def test_follow_opens_new_runs_where_asked_and_keeps_a_changed_one_in_step(session):
    state = SteppingState("pair")
    run = AlternatingRun()
    stepping.request_position(state, 5, announce=True)
    followed = stepping.follow(state, (Track("a", run, 1), Track("b", run, 1)))
    assert followed.positions == {"a": 5, "b": 5} and followed.cut_short is None
    state.position["a"] = 7
    # Only b's run changed (e.g. sigma moved): it opens where a stands.
    followed = stepping.follow(state, (Track("a", run, 1), Track("b", run, 2)))
    assert followed.positions == {"a": 7, "b": 7}


def test_follow_clamps_a_link_step_beyond_the_end_and_says_so(session):
    state = SteppingState("page")
    stepping.request_position(state, 99, announce=True)
    followed = stepping.follow(state, (Track("em", FinishedRun(["start", "E", "M"]), "x"),))
    assert followed.positions == {"em": 2} and followed.cut_short == (99, 2)


def test_step_rules_on_a_finished_history():
    run = FinishedRun(["start", "E", "M", "E", "M"])
    assert can_take(run, 0, "E-step") and not can_take(run, 0, "M-step")
    assert advance(run, 0, "M-step") == 0  # not due: stays
    assert advance(run, 1, "EM iteration") == 2
    assert advance(run, 0, "Run to convergence") == 4
    assert step_forward(run, 4) == 4 and not can_take(run, 4, "EM iteration")
    assert run.history()[4].iteration == 2
    with pytest.raises(ValueError, match="unknown action"):
        advance(run, 0, "Jump")


def test_step_rules_at_the_end_at_the_start_and_when_replaying():
    """What the k-means vs EM page's rule tests checked (moved from gmm_core.comparison)."""
    run = FinishedRun(["start", "assign", "update", "assign", "update"])
    assert not can_take(run, 0, "Back") and not can_take(run, 0, "Reset")
    assert can_take(run, 1, "Back") and can_take(run, 1, "Reset")
    # at the end every forward action stays where it is
    assert advance(run, 4, "EM iteration") == 4
    assert advance(run, 4, "M-step") == 4 and advance(run, 4, "E-step") == 4
    # replaying a rewound history moves along the stored entries, one kind at a time
    assert advance(run, 1, "M-step") == 2 and advance(run, 1, "E-step") == 1
    assert [step_forward(run, i) for i in range(5)] == [1, 2, 3, 4, 4]
    for action in ("E-step", "M-step", "EM iteration", "Run to convergence", "Back", "Reset"):
        assert isinstance(advance(run, 2, action), int)
    with pytest.raises(ValueError, match="unknown action"):
        can_take(run, 0, "Jump")
