"""Rooms on the EM steppers (issue #13), two AppTest sessions on one store: the lecturer presents,
the follower opens the join link and follows each of the lecturer's steps; Explore on my own
and Follow the lecturer; a follower cannot change the room. Every test runs on both backends:
a SQLite file (tmp_path) and Redis (a redis-server started here)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.pages.room_helpers import (
    DEMO,
    PAGE_2D,
    all_text,
    half_step,
    join,
    lecturer_steps,
    messages,
    open_page,
    presenting_lecturer,
    press,
    query,
    start_presenting,
    status_line,
)
from tests.pages.stepper_helpers import click
from ui.kit import view_settings as vs
from ui.rooms import RoomView, format_room_code, room_store_from_url
from ui.stepper.page import stepper_page


def _read(backend, code):
    store = room_store_from_url(backend.url)
    try:
        return store.read_room(code)
    finally:
        store.close()


def test_a_follower_follows_each_of_the_lecturers_steps(room_backend):
    lecturer, code = presenting_lecturer()

    # The join link is this page's address with room=<code> and nothing else; the code is
    # shown in two groups for the screen.
    link = next(element.value for element in lecturer.code if "room=" in element.value)
    assert urlparse(link).path.endswith("/EM_in_2-D")
    assert parse_qs(urlparse(link).query) == {"room": [code]}
    assert format_room_code(code) in all_text(lecturer)
    # The presenter's token is in its session only: not in its address bar, not on screen.
    token = lecturer.session_state["em2d.presenter_token"]
    assert len(token) >= 43
    assert "room" not in lecturer.query_params
    assert token not in str(dict(lecturer.query_params)) and token not in all_text(lecturer)

    follower = open_page(PAGE_2D, {"room": format_room_code(code)})
    assert "Following the lecturer" in all_text(follower)
    assert half_step(follower) == 0
    for name in ("k", "seed", "n"):
        assert follower.session_state[f"em2d.{name}"] == int(DEMO[name]), name
    assert follower.session_state["em2d.dataset"] == "blobs"
    # The follower's address keeps the room (a reload follows it again) and carries the view.
    assert query(follower)["room"] == code
    assert query(follower)["seed"] == "4"

    for label in ("E-step", "M-step", "EM iteration", "Back"):
        click(lecturer, PAGE_2D, label)
        follower.run()
        assert half_step(follower) == half_step(lecturer), label
        assert status_line(follower) == status_line(lecturer), label
    assert half_step(lecturer) == 3

    # A change of the model: the follower's sidebar shows it, at the lecturer's half-step.
    lecturer.slider(key="em2d.k").set_value(4).run()
    lecturer_steps(lecturer, follower, "EM iteration")
    assert follower.slider(key="em2d.k").value == 4
    assert status_line(follower) == status_line(lecturer)
    # What the room holds is the lecturer's link, nothing else.
    room = _read(room_backend, code)
    assert dict(room.query) == query(lecturer)


def test_explore_on_my_own_then_follow_the_lecturer(room_backend):
    lecturer, code = presenting_lecturer()
    follower = join(code)
    lecturer_steps(lecturer, follower, "E-step")
    assert half_step(follower) == 1

    press(follower, "em2d.explore_button")
    assert "Exploring on your own" in all_text(follower)
    assert "room" not in follower.query_params  # its own view: a reload keeps it
    # Polling stopped: the lecturer moves on, the follower stays where it was ...
    click(lecturer, PAGE_2D, "M-step")
    lecturer_steps(lecturer, follower, "E-step")
    assert half_step(follower) == 1
    # ... and has its own controls, starting from where the room was.
    click(follower, PAGE_2D, "Back")
    assert half_step(follower) == 0
    follower.slider(key="em2d.k").set_value(2).run()
    assert half_step(follower) == 0 and follower.slider(key="em2d.k").value == 2
    assert _read(room_backend, code).query["k"] == "3"  # the room never heard of it

    press(follower, "em2d.follow_button")
    assert "Following the lecturer" in all_text(follower)
    assert follower.slider(key="em2d.k").value == 3
    assert status_line(follower) == status_line(lecturer)
    assert half_step(follower) == 3
    assert query(follower)["room"] == code
    lecturer_steps(lecturer, follower, "M-step")
    assert half_step(follower) == 4


def test_a_follower_cannot_drive_the_room(room_backend):
    lecturer, code = presenting_lecturer()
    click(lecturer, PAGE_2D, "E-step")
    before = _read(room_backend, code)
    follower = join(code)

    # A step of the follower's own changes its own screen only, and it says so.
    click(follower, PAGE_2D, "M-step")
    assert half_step(follower) == 2
    said = messages(follower)
    assert "only the presenter can change room" in said
    assert "exploring on your own" in said
    assert "Follow the lecturer" in all_text(follower)
    after = _read(room_backend, code)
    assert (after.version, dict(after.query)) == (before.version, dict(before.query))
    lecturer.run()
    assert half_step(lecturer) == 1

    # Nor with a changed setting; and the follower's session never holds a token.
    press(follower, "em2d.follow_button")
    follower.slider(key="em2d.k").set_value(5).run()
    assert "only the presenter can change room" in messages(follower)
    assert _read(room_backend, code).version == before.version
    assert "em2d.presenter_token" not in follower.session_state
    # The store refuses a follower who tries anyway (without the token, or with a made-up one).
    store = room_store_from_url(room_backend.url)
    try:
        from ui.rooms import NotPresenter

        for token in ("", "x" * 43, "<script>"):
            with pytest.raises(NotPresenter):
                store.update_room(code, token, RoomView("em_2d", {**before.query, "step": "9"}))
    finally:
        store.close()
    assert _read(room_backend, code).version == before.version


def test_stop_presenting_closes_the_room_and_followers_carry_on(room_backend):
    lecturer, code = presenting_lecturer()
    click(lecturer, PAGE_2D, "EM iteration")
    follower = join(code)
    assert half_step(follower) == 2

    press(lecturer, "em2d.stop_presenting")
    assert f"Room {format_room_code(code)} is closed" in messages(lecturer)
    assert lecturer.session_state["em2d.presenter_token"] == ""  # forgotten
    assert any(button.label == "Start presenting" for button in lecturer.button)

    follower.run()
    assert f"The presenter closed room {format_room_code(code)}" in messages(follower)
    assert "Following the lecturer" not in all_text(follower)
    assert "room" not in follower.query_params
    click(follower, PAGE_2D, "E-step")  # on its own, from the lecturer's last view
    assert half_step(follower) == 3


def test_the_store_receives_only_validated_settings(room_backend):
    """A lecturer who opened a hostile link presents the page's own reading of it."""
    hostile = {"dataset": "<script>alert(1)</script>", "n": "-5", "k": "abc",
               "seed": "1e999", "reg": "nan", "tol": "**bold**", "evil": "x' OR 1=1",
               "step": "10000000"}
    lecturer = open_page(PAGE_2D, hostile)
    code = start_presenting(lecturer)
    stored = dict(_read(room_backend, code).query)
    spec = stepper_page(2).spec
    settings, _problems = vs.parse_query(hostile, spec, means_picker=True)
    expected = vs.to_query(settings, spec)
    assert {name: value for name, value in stored.items() if name != "step"} == \
        {name: value for name, value in expected.items() if name != "step"}
    assert "evil" not in stored and all("<" not in value and "*" not in value
                                        for value in stored.values())
    follower = join(code)
    assert status_line(follower) == status_line(lecturer)
