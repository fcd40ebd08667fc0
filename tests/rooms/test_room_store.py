"""One test suite for both room stores (SQLite file, Redis server): see conftest's ``backend``."""

from __future__ import annotations

import multiprocessing
import threading

import pytest

from tests.rooms.conftest import VIEW, view_at
from tests.rooms.processes import read_then_update
from ui.rooms import (
    DEFAULT_POLICY,
    InvalidRoomCode,
    InvalidRoomState,
    NotPresenter,
    RoomClosed,
    RoomCorrupt,
    RoomNotFound,
    RoomView,
    format_room_code,
    parse_room_code,
)
from ui.rooms.codes import hash_presenter_token

HOUR = 3600.0


# --- the life of a room ---------------------------------------------------------------------


def test_create_read_update_close(backend):
    store = backend.store()
    code, token = store.create_room(VIEW)
    assert parse_room_code(code) == code

    state = store.read_room(code)
    assert (state.code, state.page, dict(state.query), state.version) == (
        code, "em_2d", dict(VIEW.query), 1)

    updated = store.update_room(code, token, view_at(4, page="em_1d"))
    assert updated.version == 2
    again = store.read_room(format_room_code(code).lower())  # as a student types it
    assert (again.page, again.query["step"], again.version) == ("em_1d", "4", 2)

    store.close_room(code, token)
    for attempt in (lambda: store.read_room(code), lambda: store.read_room_if_newer(code, 2),
                    lambda: store.update_room(code, token, VIEW),
                    lambda: store.close_room(code, token)):
        with pytest.raises(RoomClosed, match="The presenter closed room"):
            attempt()


def test_versions_increase_with_each_change_and_not_without_one(backend):
    store = backend.store()
    code, token = store.create_room(view_at(0))
    versions = [store.update_room(code, token, view_at(step)).version for step in range(1, 6)]
    assert versions == [2, 3, 4, 5, 6]
    assert store.update_room(code, token, view_at(5)).version == 6  # same view: same version
    assert store.read_room(code).version == 6


def test_a_poll_returns_the_state_only_when_it_is_newer(backend):
    store = backend.store()
    code, token = store.create_room(VIEW)
    assert store.read_room_if_newer(code, 0).version == 1
    assert store.read_room_if_newer(code, 1) is None
    store.update_room(code, token, view_at(3))
    newer = store.read_room_if_newer(code, 1)
    assert (newer.version, newer.query["step"]) == (2, "3")
    assert store.read_room_if_newer(code, 2) is None
    with pytest.raises(ValueError):
        store.read_room_if_newer(code, -1)


def test_the_state_read_back_cannot_be_changed_in_place(backend):
    store = backend.store()
    code, _ = store.create_room(VIEW)
    state = store.read_room(code)
    with pytest.raises(TypeError):
        state.query["step"] = "99"
    with pytest.raises(AttributeError):
        state.version = 99


# --- only the presenter ----------------------------------------------------------------------


def test_a_wrong_or_missing_token_cannot_update_or_close(backend):
    store = backend.store()
    code, token = store.create_room(VIEW)
    other_code, other_token = store.create_room(VIEW)
    for wrong in (other_token, token[:-1] + ("A" if token[-1] != "A" else "B"), "guess"):
        with pytest.raises(NotPresenter, match="the presenter token does not match"):
            store.update_room(code, wrong, view_at(9))
        with pytest.raises(NotPresenter, match="the presenter token does not match"):
            store.close_room(code, wrong)
    for missing in (None, ""):
        with pytest.raises(NotPresenter, match="no presenter token was given"):
            store.update_room(code, missing, view_at(9))
        with pytest.raises(NotPresenter, match="no presenter token was given"):
            store.close_room(code, missing)
    for odd in ("x" * 10_000, "<script>", "tök", 12345):
        with pytest.raises(NotPresenter, match="not a presenter token"):
            store.update_room(code, odd, view_at(9))
    state = store.read_room(code)
    assert (state.version, state.query["step"]) == (1, "0")  # nothing changed
    assert store.update_room(code, token, view_at(9)).version == 2  # the presenter still can
    assert store.read_room(other_code).version == 1


def test_the_store_keeps_only_a_hash_of_the_token(backend):
    store = backend.store()
    code, token = store.create_room(VIEW)
    raw = backend.raw(code)
    assert raw["token_hash"] == hash_presenter_token(token)
    assert not any(token in str(value) for value in raw.values())
    assert token not in repr(store.create_room(VIEW))


# --- codes from URLs -------------------------------------------------------------------------


def test_a_forged_code_reads_as_not_found(backend):
    store = backend.store()
    code, token = store.create_room(VIEW)
    forged = "ABCDEFGHJK" if code != "ABCDEFGHJK" else "ZZZZZZZZZZ"
    with pytest.raises(RoomNotFound, match="was not found or has expired"):
        store.read_room(forged)
    with pytest.raises(RoomNotFound):
        store.read_room_if_newer(forged, 0)
    with pytest.raises(RoomNotFound):
        store.update_room(forged, token, view_at(2))  # a real token of another room


@pytest.mark.parametrize("text, message", [
    ("A" * 10_000, "10,000 characters long"),
    ("<script>alert(1)</script>", "characters that room codes never use"),
    ("ABCDE-FGHJ0", "characters that room codes never use"),  # 0 is never used
    ("ABCDEFGHJ\x00", "characters that room codes never use"),
    ("ÄBCDEFGHJK", "characters that room codes never use"),
    ("ABCDE", "has 5 characters"),
    ("", "empty"),
    (["ABCDEFGHJK"], "is text"),
])
def test_a_malformed_code_is_refused_before_the_store_is_touched(backend, text, message):
    store = backend.store()
    token = store.create_room(VIEW).presenter_token
    for attempt in (lambda: store.read_room(text), lambda: store.read_room_if_newer(text, 0),
                    lambda: store.update_room(text, token, VIEW),
                    lambda: store.close_room(text, token)):
        with pytest.raises(InvalidRoomCode, match=message) as refused:
            attempt()
        assert "<script>" not in str(refused.value)


def test_a_malformed_code_never_reaches_a_store_that_is_down(tmp_path):
    from ui.rooms import SQLiteRoomStore

    down = SQLiteRoomStore(tmp_path / "missing" / "rooms.db")
    with pytest.raises(InvalidRoomCode):
        down.read_room("A" * 10_000)
    with pytest.raises(NotPresenter):
        down.update_room("ABCDEFGHJK", None, VIEW)
    with pytest.raises(InvalidRoomState):
        down.update_room("ABCDEFGHJK", "a" * 43, RoomView("em_2d", {"evil": "1"}))


# --- what a room may hold --------------------------------------------------------------------

BAD_VIEWS = {
    "unknown parameter": (RoomView("em_2d", {"k": "3", "room": "ABCDEFGHJK"}),
                          "'room' is not one a room may carry"),
    "markup in a name": (RoomView("em_2d", {"<img src=x onerror=alert(1)>": "1"}),
                         "with unusual characters is not one a room may carry"),
    "long value": (RoomView("em_2d", {"means": "1" * 2001}),
                   "2,001 characters long; a room accepts at most 2,000"),
    "non-ASCII value": (RoomView("em_2d", {"dataset": "blöbs"}),
                        "characters a room does not accept"),
    "markup in a value": (RoomView("em_2d", {"dataset": "<b>x</b>"}),
                          "characters a room does not accept"),
    "space in a value": (RoomView("em_2d", {"dataset": "a b"}),
                         "characters a room does not accept"),
    "wrong page": (RoomView("admin", {"k": "3"}), "can only show one of the pages"),
    "oversize": (RoomView("em_2d", {name: "1" * 1999 for name in ("means", "spec", "cols",
                                                                  "dataset", "init")}),
                 "characters long in all; a room accepts at most 8,000"),
}


@pytest.mark.parametrize("case", sorted(BAD_VIEWS))
def test_a_bad_view_is_refused_on_write_and_nothing_is_stored(backend, case):
    view, message = BAD_VIEWS[case]
    store = backend.store()
    code, token = store.create_room(VIEW)
    with pytest.raises(InvalidRoomState, match=message) as refused:
        store.create_room(view)
    assert "<" not in str(refused.value) and "ö" not in str(refused.value)
    with pytest.raises(InvalidRoomState, match=message):
        store.update_room(code, token, view)
    assert backend.room_count() == 1
    assert store.read_room(code).version == 1


def test_the_view_must_be_text_to_text():
    with pytest.raises(InvalidRoomState, match="text values"):
        RoomView("em_2d", {"k": 3})
    with pytest.raises(InvalidRoomState, match="page name"):
        RoomView(None, {})
    with pytest.raises(InvalidRoomState, match="mapping"):
        RoomView("em_2d", [("k", "3")])


@pytest.mark.parametrize("case", sorted(BAD_VIEWS))
def test_a_bad_value_planted_in_the_store_is_refused_on_read(backend, case):
    view, _ = BAD_VIEWS[case]
    store = backend.store()
    code, token = store.create_room(VIEW)
    backend.inject(code, payload=view.to_json())
    for attempt in (lambda: store.read_room(code), lambda: store.read_room_if_newer(code, 0)):
        with pytest.raises(RoomCorrupt, match="treated as missing") as refused:
            attempt()
        assert isinstance(refused.value, RoomNotFound)
        assert "<" not in str(refused.value) and "ö" not in str(refused.value)
    # The presenter's next update replaces the bad value.
    assert store.update_room(code, token, view_at(1)).version == 2
    assert store.read_room(code).query["step"] == "1"


@pytest.mark.parametrize("field, value", [
    ("payload", "not json {"),
    ("payload", '["em_2d", {"k": "3"}]'),
    ("payload", '{"page": "em_2d", "query": {"k": 3}}'),
    ("payload", '{"page": "em_2d", "query": {}, "extra": 1}'),
    ("payload", "x" * 100_000),
    ("version", "many"),
    ("version", "0"),
    ("expires_at", "soon"),
    ("token_hash", "not-a-digest"),
])
def test_a_malformed_record_is_refused_on_read(backend, field, value):
    store = backend.store()
    code, _ = store.create_room(VIEW)
    backend.inject(code, **{field: value})
    with pytest.raises(RoomCorrupt, match="treated as missing"):
        store.read_room(code)


def test_the_allow_list_is_a_setting_and_is_enforced_on_read(backend):
    wider = DEFAULT_POLICY.extended(parameters={"probe"}, pages={"mixture_model"})
    lead_store = backend.store(policy=wider)
    code, _ = lead_store.create_room(RoomView("mixture_model", {"probe": "1.5,2", "k": "2"}))
    assert lead_store.read_room(code).query["probe"] == "1.5,2"
    with pytest.raises(RoomCorrupt, match="can only show one of the pages"):
        backend.store().read_room(code)  # a replica with the default policy refuses it


# --- expiry ----------------------------------------------------------------------------------


def test_a_room_expires_after_hours_without_the_presenters_activity(backend, clock):
    store = backend.store(clock=clock, ttl_seconds=4 * HOUR)
    code, token = store.create_room(VIEW)
    clock.advance(3.9 * HOUR)
    assert store.read_room(code).version == 1  # reading refreshes nothing ...
    clock.advance(0.2 * HOUR)
    with pytest.raises(RoomNotFound, match="not found or has expired"):
        store.read_room(code)  # ... so 4.1 h after creation the room is gone
    with pytest.raises(RoomNotFound):
        store.read_room_if_newer(code, 0)
    with pytest.raises(RoomNotFound):
        store.update_room(code, token, view_at(1))


def test_the_presenters_updates_keep_a_room_alive(backend, clock):
    store = backend.store(clock=clock, ttl_seconds=4 * HOUR)
    code, token = store.create_room(VIEW)
    for _ in range(3):
        clock.advance(3.9 * HOUR)
        store.update_room(code, token, VIEW)  # unchanged view: still activity
    state = store.read_room(code)
    assert (state.version, state.updated_at) == (1, clock.now)
    clock.advance(4 * HOUR)
    with pytest.raises(RoomNotFound):
        store.read_room(code)


def test_an_expired_code_can_be_created_again(backend, clock):
    store = backend.store(clock=clock, ttl_seconds=HOUR)
    code, _ = store.create_room(VIEW)
    clock.advance(2 * HOUR)
    assert store.create_room(VIEW).code != code
    with pytest.raises(RoomNotFound):
        store.read_room(code)


# --- several writers -------------------------------------------------------------------------


def test_concurrent_updates_from_threads_keep_versions_monotonic(backend):
    store = backend.store()
    code, token = store.create_room(VIEW)
    threads, per_thread = 6, 15
    returned: dict[int, list[int]] = {}
    seen_by_reader: list[int] = []
    failures: list[BaseException] = []
    writing = threading.Event()

    def write(number: int) -> None:
        try:
            returned[number] = [store.update_room(code, token, view_at(1000 * number + i + 1)).version
                                for i in range(per_thread)]
        except BaseException as error:  # reported below
            failures.append(error)

    def read() -> None:
        try:
            while writing.is_set():
                seen_by_reader.append(store.read_room(code).version)
        except BaseException as error:
            failures.append(error)

    writing.set()
    reader = threading.Thread(target=read)
    writers = [threading.Thread(target=write, args=(number,)) for number in range(threads)]
    reader.start()
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    writing.clear()
    reader.join()

    assert failures == []
    every = sorted(version for versions in returned.values() for version in versions)
    assert every == list(range(2, 2 + threads * per_thread))  # each update its own version
    for versions in returned.values():
        assert versions == sorted(versions)
    assert seen_by_reader == sorted(seen_by_reader)
    assert store.read_room(code).version == 1 + threads * per_thread


def test_a_hall_of_followers_polling_at_once_is_served(backend):
    # 150 threads start polling at the same moment: more than redis-py's default pool of 100
    # connections, which refuses the rest ("Too many connections") instead of queueing them.
    store = backend.store()
    code, token = store.create_room(VIEW)
    followers, polls = 150, 4
    start_line = threading.Barrier(followers)
    versions: list[int] = []
    failures: list[BaseException] = []

    def follow() -> None:
        try:
            start_line.wait()
            for _ in range(polls):
                versions.append(store.read_room_if_newer(code, 0).version)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=follow) for _ in range(followers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert versions == [1] * (followers * polls)
    assert store.update_room(code, token, view_at(1)).version == 2


def test_another_process_reads_and_writes_the_same_rooms(backend):
    store = backend.store()
    code, token = store.create_room(VIEW)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    other = context.Process(target=read_then_update,
                            args=(backend.spec(), code, token, "em_1d",
                                  {**VIEW.query, "step": "7"}, results))
    other.start()
    try:
        first = results.get(timeout=120)
        second = results.get(timeout=120) if first[0] != "error" else first
    finally:
        other.join(timeout=60)
    assert first == ("read", 1, dict(VIEW.query)), first
    assert second[:2] == ("updated", 2), second
    state = store.read_room_if_newer(code, 1)
    assert (state.version, state.page, state.query["step"]) == (2, "em_1d", "7")
    assert other.exitcode == 0
