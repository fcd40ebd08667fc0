"""Rooms are inputs (issue #13, section 4): forged and absurd codes, rooms that expired, closed
or hold a bad value, a store that is down or misconfigured, a room of another page. Each gets a
clear, escaped message and the page keeps working on its own (a step still steps)."""

from __future__ import annotations

import pytest

from devtools.ports import free_port
from devtools.redis_server import running_redis_server
from tests.pages import room_helpers as rooms
from tests.pages.stepper_helpers import click
from ui.rooms import format_room_code, new_room_code, panel
from ui.rooms.qr import qr_svg_data_uri


@pytest.fixture
def sqlite_rooms(tmp_path, monkeypatch):
    """The app's store is a SQLite file that does not exist yet (created on first use)."""
    path = tmp_path / "rooms.db"
    monkeypatch.setenv("EM_ROOM_STORE", f"sqlite://{path}")
    panel.forget_room_store()
    yield path
    panel.forget_room_store()


def _works_on_its_own(app) -> None:
    """The page steps by itself, outside any room."""
    assert "Following the lecturer" not in rooms.all_text(app)
    before = rooms.half_step(app)
    click(app, rooms.PAGE_2D, "E-step" if before % 2 == 0 else "M-step")
    assert rooms.half_step(app) == before + 1
    assert "room" not in rooms.query(app)


def test_a_forged_code_is_not_found(room_backend):
    code = new_room_code()
    follower = rooms.join(format_room_code(code), **rooms.DEMO)
    assert f"Room {format_room_code(code)} was not found or has expired" in rooms.messages(follower)
    assert "The page works on its own" in rooms.messages(follower)
    # The link's own view is kept.
    assert follower.slider(key="em2d.k").value == 3
    _works_on_its_own(follower)


@pytest.mark.parametrize("text", ["A" * 10_000, "<img src=x onerror=alert(1)>",
                                  "**bold** [x](javascript:alert(1))", "ABCDE-FGHJ", "",
                                  "ÄBCDEFGHJK"])
def test_a_malformed_code_never_reaches_the_store(sqlite_rooms, text):
    follower = rooms.join(text)
    said = rooms.messages(follower)
    assert "This link's room cannot be joined" in said
    if len(text) == 10_000:
        assert "10,000 characters long" in said
    # Refused before any store was opened: the SQLite file was never created.
    assert not sqlite_rooms.exists()
    # Never echoed: nothing of the text reaches the page as markup or as text.
    shown = rooms.all_text(follower)
    for fragment in ("<img", "onerror", "javascript", "**bold**", "A" * 40):
        assert fragment not in shown
    _works_on_its_own(follower)


def test_an_expired_room_is_said_to_have_expired(room_backend):
    lecturer, code = rooms.presenting_lecturer()
    follower = rooms.join(code)
    click(lecturer, rooms.PAGE_2D, "E-step")
    # Four hours pass: the store's clock is real, so the room's expiry is moved instead.
    room_backend.raw.inject(code, expires_at=1.0)
    follower.run()
    assert "was not found or has expired" in rooms.messages(follower)
    assert "on your own from here" in rooms.messages(follower)
    _works_on_its_own(follower)
    latecomer = rooms.join(code)
    assert "was not found or has expired" in rooms.messages(latecomer)
    _works_on_its_own(latecomer)
    # The lecturer learns it at the next step, and can open a new room.
    click(lecturer, rooms.PAGE_2D, "M-step")
    assert "You are no longer presenting" in rooms.messages(lecturer)
    assert any(button.label == "Start presenting" for button in lecturer.button)


def test_a_closed_room_says_so_to_a_latecomer(room_backend):
    lecturer, code = rooms.presenting_lecturer()
    rooms.press(lecturer, "em2d.stop_presenting")
    latecomer = rooms.join(code)
    assert f"The presenter closed room {format_room_code(code)}" in rooms.messages(latecomer)
    _works_on_its_own(latecomer)


def test_a_room_holding_a_bad_value_is_refused(room_backend):
    lecturer, code = rooms.presenting_lecturer()
    room_backend.raw.inject(code, payload='{"page":"em_2d","query":{"k":"<script>"}}')
    follower = rooms.join(code)
    assert "fails validation" in rooms.messages(follower)
    assert "<script>" not in rooms.all_text(follower)
    _works_on_its_own(follower)


def test_a_store_that_is_down(monkeypatch):
    monkeypatch.setenv("EM_ROOM_STORE", f"redis://127.0.0.1:{free_port()}/0")  # nobody there
    panel.forget_room_store()
    try:
        lecturer = rooms.open_page(rooms.PAGE_2D, rooms.DEMO)
        rooms.press(lecturer, "em2d.start_presenting")
        assert "No room could be opened. The room store is unavailable" in rooms.messages(lecturer)
        assert "em2d.presenting" not in lecturer.session_state
        _works_on_its_own(lecturer)
        follower = rooms.join(new_room_code())
        assert "The room store is unavailable" in rooms.messages(follower)
        _works_on_its_own(follower)
    finally:
        panel.forget_room_store()


def test_a_store_that_goes_down_during_the_lecture(monkeypatch):
    with running_redis_server() as server:
        monkeypatch.setenv("EM_ROOM_STORE", server.url)
        panel.forget_room_store()
        try:
            lecturer, code = rooms.presenting_lecturer()
            follower = rooms.join(code)
            rooms.lecturer_steps(lecturer, follower, "E-step")
            assert rooms.half_step(follower) == 1
            server.stop()
            click(lecturer, rooms.PAGE_2D, "M-step")
            assert "students keep seeing your last view" in rooms.messages(lecturer)
            assert lecturer.session_state["em2d.presenting"] == code  # still presenting
            follower.run()
            assert "keeps the lecturer's last view and asks again" in rooms.messages(follower)
            assert rooms.half_step(follower) == 1
            assert "Following the lecturer" in rooms.all_text(follower)
            # Its own controls still work (it is then exploring on its own).
            click(follower, rooms.PAGE_2D, "M-step")
            assert rooms.half_step(follower) == 2
        finally:
            panel.forget_room_store()


def test_a_misconfigured_store_turns_rooms_off(monkeypatch):
    monkeypatch.setenv("EM_ROOM_STORE", "ftp://rooms.example.org/")
    panel.forget_room_store()
    try:
        lecturer = rooms.open_page(rooms.PAGE_2D, rooms.DEMO)
        rooms.press(lecturer, "em2d.start_presenting")
        said = rooms.messages(lecturer)
        assert "EM_ROOM_STORE must be" in said and "ftp" not in said
        _works_on_its_own(lecturer)
    finally:
        panel.forget_room_store()


def test_a_room_of_the_other_stepper_points_there(room_backend):
    lecturer = rooms.open_page(rooms.PAGE_1D,
                               {"dataset": "blobs", "n": "200", "k": "2", "seed": "3"})
    code = rooms.start_presenting(lecturer, prefix="em1d")
    follower = rooms.join(code)
    said = rooms.messages(follower)
    assert f"Room {format_room_code(code)} is presented on the page “EM in 1-D”" in said
    assert any(f"](EM_in_1-D?room={code})" in str(element.value) for element in follower.warning)
    _works_on_its_own(follower)


def test_a_plain_link_opened_while_following_is_ones_own_view(room_backend):
    lecturer, code = rooms.presenting_lecturer()
    follower = rooms.join(code)
    follower.query_params.clear()
    for name, value in {**rooms.DEMO, "k": "2"}.items():
        follower.query_params[name] = value
    follower.run()
    assert follower.slider(key="em2d.k").value == 2
    assert "Exploring on your own" in rooms.all_text(follower)
    rooms.lecturer_steps(lecturer, follower, "E-step")
    assert rooms.half_step(follower) == 0


def test_presentation_mode_shows_a_large_qr_code_of_the_join_link(room_backend):
    lecturer, code = rooms.presenting_lecturer()
    assert not [body for body in _html(lecturer) if "<img" in body]  # not outside presentation
    lecturer.toggle(key="presentation").set_value(True).run()
    link = next(element.value for element in lecturer.code if "room=" in element.value)
    pictures = [body for body in _html(lecturer) if body.startswith("<img")]
    assert len(pictures) == 1
    assert f'src="{qr_svg_data_uri(link)}"' in pictures[0]
    assert f'alt="QR code of the join link {link}"' in pictures[0]
    assert "min(100%, 70vh)" in pictures[0]
    # AppTest's page address is localhost: the lecturer is told students cannot open it.
    assert "names this computer itself" in rooms.messages(lecturer)
    lecturer.toggle(key="em2d.show_qr").set_value(False).run()
    assert not [body for body in _html(lecturer) if body.startswith("<img")]
    assert link.endswith(f"/EM_in_2-D?room={code}")


def _html(app) -> list[str]:
    return [element.proto.body for element in app.get("html")]
