"""The protocol load clients (benchmarks/protocol_load.py, benchmarks/protocol_room.py) against a
real `streamlit run` (one server for the module, rooms in a SQLite file of the test).

Sessions step through their own demos over Streamlit's websocket protocol, without a browser:
every answer must be what the session's own run predicts, and a session checking against
deliberately wrong log-likelihoods must find leaks (a checker that stopped checking fails here).
A session whose server went away comes back to its own view on a new session (what a replica's
death does behind HAProxy); followers of a room show each of the lecturer's half-steps; and the
client keeps HAProxy's cookie from its first answer for every later request and the websocket.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from http import HTTPStatus

import pytest
from websockets.asyncio.server import serve

from benchmarks import load_test, protocol_load, protocol_room
from benchmarks.load_test import expected_run
from devtools.browser import free_port, streamlit_server

N_POINTS = 300
SECONDS = 3.0
THINK_S = 0.2


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One `streamlit run` for the module; its rooms live in a SQLite file of the test."""
    rooms = tmp_path_factory.mktemp("rooms") / "rooms.db"
    previous = os.environ.get("EM_ROOM_STORE")
    os.environ["EM_ROOM_STORE"] = f"sqlite://{rooms}"
    try:
        with streamlit_server() as base_url:
            yield base_url
    finally:
        if previous is None:
            os.environ.pop("EM_ROOM_STORE", None)
        else:
            os.environ["EM_ROOM_STORE"] = previous


async def _drive(base_url: str, sessions: list) -> list[protocol_load.SessionResult]:
    started = time.monotonic()
    results = [protocol_load.SessionResult(number, int(expected.query["k"]),
                                           int(expected.query["seed"]))
               for number, expected in enumerate(sessions)]
    await asyncio.gather(*(protocol_load.drive_session(base_url, number, expected, SECONDS,
                                                       THINK_S, results[number], started)
                           for number, expected in enumerate(sessions)))
    return results


def test_sessions_see_their_own_runs_and_a_wrong_expectation_is_a_leak(server):
    honest = [expected_run(N_POINTS, 2, 11), expected_run(N_POINTS, 3, 12)]
    wrong = protocol_load.with_wrong_log_likelihoods(expected_run(N_POINTS, 2, 13))
    *results, fooled = asyncio.run(_drive(server, [*honest, wrong]))

    for result in results:
        assert result.errors == [], result.errors
        assert result.leaks == [], result.leaks
        assert result.clicks > 0
        assert len(result.latencies_s) == result.clicks
        assert result.open_s is not None
        assert result.replica is None and result.recoveries == []  # no HAProxy, no failure

    # The wrong session opened a real page and clicked; every view it checked (the opened page
    # and each click) disagreed with its expectation, and only in the log-likelihood.
    assert fooled.errors == [], fooled.errors
    assert fooled.clicks > 0
    assert len(fooled.leaks) == fooled.clicks + 1
    assert all("log-likelihood" in leak for leak in fooled.leaks)


async def _open_and_step(base_url, expected, labels):
    page = protocol_load.PageState(base_url)
    connection = protocol_load.Connection(base_url)
    await asyncio.to_thread(connection.page_requests, expected.query)
    socket = await connection.websocket()
    await socket.send(page.open_message(expected.query))
    await protocol_load._until_finished(socket, page, 120)
    for label in labels:
        await socket.send(page.click_message(page.button(label)))
        await protocol_load._until_finished(socket, page, 120)
    return page, connection, socket


def test_a_session_whose_server_went_away_comes_back_to_its_view(server):
    """Behind HAProxy a dead replica's browsers reconnect to another replica, where a new
    session knows none of the page's fragments. After a whole-page run (here: the page asked
    for one, as a changed setting does) only the stepper's hourly run_every fragment makes the
    frontend ask for a whole-page run, which rebuilds the view from the address."""
    expected = expected_run(N_POINTS, 3, 21)

    async def scenario():
        page, connection, socket = await _open_and_step(server, expected,
                                                        ["E-step", "M-step", "E-step"])
        await socket.send(page.rerun_message())
        await protocol_load._until_finished(socket, page, 120)
        assert page.fragment_ids_this_run == []  # the last run was the whole page's
        assert page.auto_reruns, "the page has no run_every fragment: nothing asks for a rerun"
        old_session = page.session_id
        await socket.close()
        page.session_id = ""  # the replica that knew this session is gone
        result = protocol_load.SessionResult(0, 3, 21)
        socket = await protocol_load.reconnect(connection, page, result, time.monotonic(),
                                               expected)
        recovery = result.recoveries[0]
        assert page.session_id and page.session_id != old_session  # a new session
        assert recovery.rerun_requested and recovery.recovered, recovery
        assert result.errors == [] and result.leaks == []
        # And it steps on from there.
        await socket.send(page.click_message(page.button("M-step")))
        await protocol_load._until_finished(socket, page, 120)
        load_test._check_view(page.view(), expected, 4, result)
        await socket.close()
        return result

    result = asyncio.run(scenario())
    assert result.leaks == [] and result.errors == []


def test_followers_show_each_of_the_lecturers_half_steps(server):
    demo = expected_run(N_POINTS, *protocol_room.LECTURER_DEMO)
    impostor = protocol_load.with_wrong_log_likelihoods(demo)

    async def scenario():
        started = time.monotonic()
        lecturer = await protocol_room.start_lecturer(server, demo)
        records = [protocol_room.Follower(number) for number in range(3)]
        stop = asyncio.Event()
        expectations = [demo, demo, impostor]
        tasks = [asyncio.create_task(protocol_room.follow(
            server, number, lecturer.code, expectations[number], records[number], stop,
            started)) for number in range(3)]
        while not all(record.open_s is not None or record.errors for record in records):
            await protocol_load.pause(lecturer.socket, lecturer.page, 0.2)
        await protocol_room.lecture(lecturer, demo, 2, 1.5, started, random.Random(0))
        await protocol_load.pause(lecturer.socket, lecturer.page, 3.0)
        stop.set()
        await asyncio.gather(*tasks)
        await lecturer.socket.close()
        return lecturer, records

    lecturer, (first, second, fooled) = asyncio.run(scenario())
    assert lecturer.errors == [] and lecturer.leaks == []
    assert [step for _at, step in lecturer.clicks] == [1, 2]
    for record in (first, second):
        assert record.errors == [] and record.leaks == [], (record.errors, record.leaks)
        protocol_room.match_delays(record, lecturer.clicks)
        assert record.missed == [] and len(record.delays_s) == 2
        steps = [step for _at, step in record.shown]
        assert steps[0] == 0 and steps[-1] == 2 and steps == sorted(steps)
    # Its expectation was wrong in the log-likelihoods only: every view it checked is a leak.
    assert fooled.errors == []
    assert len(fooled.leaks) == len(fooled.shown) > 0
    assert all("log-likelihood" in leak for leak in fooled.leaks)


def test_the_client_keeps_the_load_balancers_cookie_for_the_websocket():
    """A stand-in for HAProxy on loopback: it sets em_hall_replica on the first answer (as
    `cookie ... insert` does) and a new value on the websocket upgrade; it records what the
    client sends."""
    seen: list[tuple[str, str | None, str | None]] = []

    def answer(connection, request):
        cookie = request.headers.get("Cookie")
        protocols = request.headers.get("Sec-WebSocket-Protocol")
        seen.append((request.path.split("?")[0], cookie, protocols))
        if request.path == "/_stcore/stream":
            return None  # the upgrade goes ahead
        response = connection.respond(HTTPStatus.OK, "ok")
        if cookie is None:
            response.headers["Set-Cookie"] = "em_hall_replica=replica2; path=/; HttpOnly"
        if request.path == "/_stcore/health":
            response.headers["Set-Cookie"] = "_streamlit_xsrf=token123; path=/"
        return response

    def upgraded(connection, request, response):
        if response.status_code == HTTPStatus.SWITCHING_PROTOCOLS:
            response.headers["Set-Cookie"] = "em_hall_replica=replica1; path=/"

    async def handler(websocket):
        await websocket.wait_closed()

    async def scenario():
        port = free_port()
        async with serve(handler, "127.0.0.1", port, process_request=answer,
                         process_response=upgraded, subprotocols=["streamlit"]):
            connection = protocol_load.Connection(f"http://127.0.0.1:{port}")
            await asyncio.to_thread(connection.page_requests, {"k": "3"})
            assert connection.replica == "replica2"
            socket = await connection.websocket()
            await socket.close()
            return connection

    connection = asyncio.run(scenario())
    first, *later = seen
    assert first[0] == "/EM_in_2-D" and first[1] is None
    assert [path for path, _cookie, _protocols in later] == [
        "/_stcore/health", "/_stcore/host-config", "/_stcore/stream"]
    for _path, cookie, _protocols in later:
        assert "em_hall_replica=replica2" in cookie
    assert "_streamlit_xsrf=token123" in later[-1][1]
    assert later[-1][2] == "streamlit, token123"
    assert connection.replica == "replica1"  # a cookie set by the upgrade answer is kept


def test_widget_states_follow_the_frontends_rules():
    """set_value wins, else the value held, else the default (as Chromium reports them)."""
    from streamlit.proto.Element_pb2 import Element

    element = Element()
    element.slider.id = "speed"
    element.slider.type = element.slider.SELECT_SLIDER
    element.slider.options.extend(["slow", "fast"])
    element.slider.default.append(1)
    fresh = protocol_load._widget_state(element, None)
    assert list(fresh.string_array_value.data) == ["fast"]

    held = protocol_load.WidgetState(id="speed")
    held.string_array_value.data.append("slow")
    assert protocol_load._widget_state(element, held) is held

    element.slider.set_value = True
    element.slider.raw_value.append("slow")
    assert list(protocol_load._widget_state(element, None).string_array_value.data) == ["slow"]

    number = Element()
    number.number_input.id = "n"
    number.number_input.default = 10
    number.number_input.value = 2000
    number.number_input.set_value = True
    assert protocol_load._widget_state(number, None).int_value == 2000
