"""What a follower's poll asks of the store (issue #13: following must not cost a click per
student). While the room is unchanged, each page run of a follower makes one read of the store
that says only "nothing newer than your version" (no view fetched, decoded or applied) and
reruns nothing; a lecturer's click costs the follower exactly one rerun of the page.

Server CPU per poll is measured elsewhere (benchmarks/protocol_room.py): almost all of it is
Streamlit's fixed cost of a fragment run, so a poll that did more work, or reran the page
while nothing changed, is what these tests catch."""

from __future__ import annotations

import pytest

import ui.rooms.follower as follower_module
from tests.pages.room_helpers import PAGE_2D, half_step, join, presenting_lecturer, status_line
from tests.pages.stepper_helpers import click
from ui.rooms.live import room_store


class CountingStore:
    """The app's room store, with a record of the follower's reads: (method, known version)."""

    def __init__(self, store):
        self._store = store
        self.reads: list[tuple[str, int | None]] = []

    def read_room_if_newer(self, code, known_version):
        self.reads.append(("read_room_if_newer", known_version))
        return self._store.read_room_if_newer(code, known_version)

    def read_room(self, code):
        self.reads.append(("read_room", None))
        return self._store.read_room(code)


@pytest.fixture
def counted(monkeypatch) -> CountingStore:
    counting = CountingStore(room_store())
    monkeypatch.setattr(follower_module, "room_store", lambda: counting)
    return counting


def test_an_unchanged_room_costs_one_versioned_read_per_poll_and_no_rerun(room_backend,
                                                                          counted):
    lecturer, code = presenting_lecturer()
    follower = join(code)
    version = follower.session_state["em2d.room_version"]
    assert version >= 1 and half_step(follower) == 0
    shown = status_line(follower)

    for _ in range(3):
        counted.reads.clear()
        follower.run()
        assert counted.reads == [("read_room_if_newer", version)]
        assert status_line(follower) == shown
        assert follower.session_state["em2d.room_version"] == version


def test_a_lecturer_click_costs_a_follower_one_rerun(room_backend, counted):
    lecturer, code = presenting_lecturer()
    follower = join(code)
    version = follower.session_state["em2d.room_version"]

    click(lecturer, PAGE_2D, "E-step")
    counted.reads.clear()
    follower.run()
    # The poll finds the newer view and reruns the page once; that run's poll finds nothing.
    assert counted.reads == [("read_room_if_newer", version),
                             ("read_room_if_newer", version + 1)]
    assert half_step(follower) == half_step(lecturer) == 1
    assert status_line(follower) == status_line(lecturer)
