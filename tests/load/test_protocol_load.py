"""The protocol load client (benchmarks/protocol_load.py) against a real `streamlit run`.

Two sessions step through their own demos over Streamlit's websocket protocol, without a browser:
every answer must be what the session's own run predicts. A third session checks its answers
against deliberately wrong log-likelihoods, so a checker that stopped checking fails here.
"""

from __future__ import annotations

import asyncio
import time

from benchmarks import protocol_load
from benchmarks.load_test import expected_run
from tests.browser.harness import streamlit_server

N_POINTS = 300
SECONDS = 3.0
THINK_S = 0.2


async def _drive(base_url: str, sessions: list) -> list[protocol_load.SessionResult]:
    started = time.monotonic()
    results = [protocol_load.SessionResult(number, int(expected.query["k"]),
                                           int(expected.query["seed"]))
               for number, expected in enumerate(sessions)]
    await asyncio.gather(*(protocol_load.drive_session(base_url, number, expected, SECONDS,
                                                       THINK_S, results[number], started)
                           for number, expected in enumerate(sessions)))
    return results


def test_sessions_see_their_own_runs_and_a_wrong_expectation_is_a_leak():
    honest = [expected_run(N_POINTS, 2, 11), expected_run(N_POINTS, 3, 12)]
    wrong = protocol_load.with_wrong_log_likelihoods(expected_run(N_POINTS, 2, 13))
    with streamlit_server() as base_url:
        *results, fooled = asyncio.run(_drive(base_url, [*honest, wrong]))

    for result in results:
        assert result.errors == [], result.errors
        assert result.leaks == [], result.leaks
        assert result.clicks > 0
        assert len(result.latencies_s) == result.clicks
        assert result.open_s is not None

    # The wrong session opened a real page and clicked; every view it checked (the opened page
    # and each click) disagreed with its expectation, and only in the log-likelihood.
    assert fooled.errors == [], fooled.errors
    assert fooled.clicks > 0
    assert len(fooled.leaks) == fooled.clicks + 1
    assert all("log-likelihood" in leak for leak in fooled.leaks)


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
