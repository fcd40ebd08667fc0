"""Protocol load test: a lecture hall on the 2-D stepper, without rendering a single page.

Usage:
    python benchmarks/protocol_load.py [--sessions 200] [--seconds 60] [--think 5]
                                       [--ramp 10] [--baseline-seconds 30] [--n 2000]

The complement of load_test.py: there, 20 real headless Chromium sessions render every step in
software on the test machine and use far more CPU than the server, so its figures describe the
rig. Here every student is an asyncio task that speaks Streamlit's websocket protocol the way
Chromium does (checked against frames logged from a real browser), so hundreds of sessions cost
this process little and the server is the only thing measured.

A session does what a browser does, minus drawing:
- GETs the page, /_stcore/health (which sets the XSRF cookie) and /_stcore/host-config; the
  static JavaScript and fonts (~110 files, ~3 MB, cached by a browser after its first visit)
  are not fetched;
- opens ws://.../_stcore/stream with the subprotocols ``streamlit, <xsrf token>``, the cookie
  and the Origin header, and sends ``rerun_script`` with the deep link's query string, the page
  name and the browser's context info;
- keeps what the frontend keeps: every widget's value (from the elements the server sends:
  ``set_value`` wins, otherwise the value held, otherwise the default; widgets that a run no
  longer draws are dropped, per fragment), the buttons with their ``disabled`` flag and
  fragment id, the query string (``page_info_changed``), the page's script hash, and the
  frontend's ForwardMsg cache bookkeeping (the hashes of cacheable messages, aged per script
  run as the frontend does and sent back as ``cached_message_hashes``, so the server answers
  with ``ref_hash`` references exactly as it does to Chromium);
- a click is ``rerun_script`` with all widget states plus the button's ``trigger_value``, the
  button's fragment id, the current query string and page hash, and the cached hashes.

Every session opens ``/EM_in_2-D?dataset=blobs&n=<n>&k=<2..5>&seed=<its own>`` and clicks the
stepping buttons as load_test.py's sessions do (EM iteration, E-step/M-step, Back, Reset when
converged) for --seconds from the moment its page opened, pausing --think seconds on average
(uniform 0.5x..1.5x) between clicks. Sessions arrive evenly spread over --ramp seconds.

Measured per phase (each on a fresh server): a 1-session baseline (clicking every
--baseline-think seconds: one session alone never waits for another, so a short pause only
adds samples), then the hall:
- click latency: from sending the rerun request to the ``script_finished`` of the run it
  started (the status line is in the same run, so nothing else is waited for);
- errors: exception elements, error alerts in the main area, a wanted button missing or
  disabled, cache misses, timeouts, lost connections; leaks: after every click the query
  string's ``step``/``k``/``seed`` and the status line's half-step and log-likelihood must be
  those of the session's own run, computed here with gmm_core (load_test.expected_run);
- the server's CPU (utime + stime of its processes) per click, over the whole phase and over
  the part after every session had opened (the opens are full page runs), and its CPU share;
- the server's memory: idle (after one warm-up page), peak, after the sessions closed, per
  session; this client's own CPU, to show it did not starve the server.

Bounded: at most 300 sessions and 300 s per phase, a per-phase timeout and a watchdog thread
that interrupts the run (and then kills the server) when everything overruns; the servers are
stopped on exit, Ctrl-C included. Loopback only. Prints a table; writes JSON to
benchmarks/results/ (git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import statistics
import sys
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from urllib.parse import urlencode, urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from streamlit.proto.Alert_pb2 import Alert  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ClientState_pb2 import ContextInfo  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.NumberInput_pb2 import NumberInput  # noqa: E402
from streamlit.proto.Slider_pb2 import Slider  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402
from websockets.typing import Origin, Subprotocol  # noqa: E402

from benchmarks.load_test import (  # noqa: E402
    CLICK_TIMEOUT_S,
    K_CHOICES,
    OPEN_TIMEOUT_S,
    PAGE_PATH,
    RESULTS_DIR,
    ExpectedRun,
    MemorySampler,
    _check_view,
    _choose,
    _percentile,
    expected_run,
    server_cpu_s,
    server_pid,
    server_rss_mb,
)
from tests.browser.harness import streamlit_server  # noqa: E402
from ui.kit import view_settings as links  # noqa: E402

MAX_SESSIONS = 300
MAX_SECONDS = 300
MAX_RAMP_S = 120
MAX_THINK_S = 120
MAX_REPLICAS = 4
PAGE_NAME = PAGE_PATH.lstrip("/")
# What Chromium sends as ContextInfo (logged from a real session), minus the URL's host.
CONTEXT_INFO = {"timezone": "UTC", "timezone_offset": 0, "locale": "en-US",
                "is_embedded": False, "color_scheme": "light"}
# Figures are ~60 kB at n = 2000; a 100,000-point page is a few MB.
MAX_FRAME_BYTES = 64 * 2**20
WATCHDOG_GRACE_S = 30.0
# Streamlit's default; the server also announces it in new_session.config.
DEFAULT_MAX_CACHED_MESSAGE_AGE = 2


# --- what a browser keeps of the page ---------------------------------------------------------


@dataclass
class Button:
    id: str
    label: str
    disabled: bool
    fragment_id: str


@dataclass
class CachedMessage:
    """The frontend's ForwardMsg cache entry, without the message (never drawn here)."""

    run_count: int  # the script-run count when it was last received or referenced
    fragment_id: str


def _widget_state(element, held: WidgetState | None) -> WidgetState | None:
    """The WidgetState a browser reports for a widget element (None: no value, or no widget).

    As the frontend does: a value the server sets (``set_value``) wins, else the value the
    browser already holds for this widget id, else the element's default.
    """
    kind = element.WhichOneof("type")
    widget = getattr(element, kind)
    if kind == "button" or not hasattr(widget, "id") or not hasattr(widget, "set_value"):
        return None
    if held is not None and not widget.set_value:
        return held
    state = WidgetState(id=widget.id)
    if kind == "checkbox":
        state.bool_value = widget.value if widget.set_value else widget.default
    elif kind == "number_input":
        use_value = widget.set_value and widget.HasField("value")
        if not use_value and not widget.HasField("default"):
            return None
        value = widget.value if use_value else widget.default
        if widget.data_type == NumberInput.INT:
            state.int_value = int(value)
        else:
            state.double_value = value
    elif kind == "text_input":
        if widget.set_value and widget.HasField("value"):
            state.string_value = widget.value
        elif widget.HasField("default"):
            state.string_value = widget.default
        else:
            return None
    elif kind == "selectbox":
        if widget.set_value and widget.HasField("raw_value"):
            state.string_value = widget.raw_value
        elif widget.HasField("default"):
            state.string_value = widget.options[widget.default]
        else:
            return None
    elif kind == "slider" and widget.type == Slider.SELECT_SLIDER:
        state.string_array_value.data.extend(
            widget.raw_value if widget.set_value
            else [widget.options[int(i)] for i in widget.default])
    elif kind == "slider":
        state.double_array_value.data.extend(widget.value if widget.set_value
                                             else widget.default)
    elif kind == "button_group":
        state.string_array_value.data.extend(
            widget.raw_values if widget.set_value
            else [widget.options[i].content for i in widget.default])
    else:  # a widget this page does not draw: report no value rather than a wrong one
        return None
    return state


class PageState:
    """A browser's view of one Streamlit session, fed with the server's ForwardMsgs."""

    def __init__(self, base_url: str):
        self.url = f"{base_url}{PAGE_PATH}"
        self.query_string = ""
        self.page_script_hash = ""
        self.widgets: dict[str, tuple[WidgetState, str]] = {}  # id -> (state, fragment id)
        self.buttons: dict[str, Button] = {}  # id -> button
        self.cache: dict[str, CachedMessage] = {}  # message hash -> entry
        self.run_count = 0
        self.max_cached_message_age = DEFAULT_MAX_CACHED_MESSAGE_AGE
        self.status_line: str | None = None  # "Half-step i: ..." of the latest run
        self.problems: list[str] = []  # exceptions, error alerts, cache misses of the latest run
        self.cache_refs = 0
        self.bytes_received = 0
        self._drawn: set[str] = set()  # element ids drawn by the current run
        self._run_started = False  # a run started since the last request

    # -- requests -------------------------------------------------------------------------------

    def open_message(self, query: dict) -> bytes:
        """The first rerun_script of a page opened by its URL (no hash, no widgets yet)."""
        self.query_string = urlencode(query)
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_name = PAGE_NAME
        state.widget_states.SetInParent()
        state.context_info.CopyFrom(ContextInfo(url=self.url, **CONTEXT_INFO))
        self._run_started = False
        return message.SerializeToString()

    def click_message(self, button: Button) -> bytes:
        """rerun_script as Chromium sends it for a click on ``button``."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        state.fragment_id = button.fragment_id
        widgets = state.widget_states.widgets
        widgets.extend(value for value, _fragment in self.widgets.values())
        widgets.add(id=button.id, trigger_value=True)
        state.cached_message_hashes.extend(self.cache)
        state.context_info.CopyFrom(ContextInfo(url=self.url, **CONTEXT_INFO))
        self._run_started = False
        return message.SerializeToString()

    def button(self, label: str) -> Button | None:
        for button in self.buttons.values():
            if button.label == label:
                return button
        return None

    def view(self) -> dict:
        """What load_test._check_view reads from a browser page."""
        return {"url": f"{self.url}?{self.query_string}", "line": self.status_line,
                "errors": [], "buttons": {}}

    # -- answers --------------------------------------------------------------------------------

    def receive(self, frame: bytes) -> int | None:
        """Take one ForwardMsg; return the status of a run finished since the last request."""
        self.bytes_received += len(frame)
        message = ForwardMsg()
        message.ParseFromString(frame)
        kind = message.WhichOneof("type")
        if kind == "delta":
            self._delta(message)
        elif kind == "ref_hash":
            self.cache_refs += 1
            entry = self.cache.get(message.ref_hash)
            if entry is None:
                self.problems.append(f"cached ForwardMsg miss (hash {message.ref_hash})")
            else:
                entry.run_count = self.run_count
        elif kind == "new_session":
            self._new_run()
            self.page_script_hash = message.new_session.page_script_hash
            config = message.new_session.config
            if config.max_cached_message_age:
                self.max_cached_message_age = config.max_cached_message_age
        elif kind == "navigation":
            self.page_script_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "page_not_found":
            self.problems.append(f"page not found: {message.page_not_found.page_name!r}")
        elif kind == "script_finished":
            return self._finished(message)
        return None

    def _new_run(self):
        self._run_started = True
        self._drawn = set()
        self.status_line = None
        self.problems = []

    def _delta(self, message: ForwardMsg):
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if message.metadata.cacheable and message.hash and message.hash not in self.cache:
            self.cache[message.hash] = CachedMessage(self.run_count, delta.fragment_id)
        elif message.hash in self.cache:
            self.cache[message.hash].run_count = self.run_count
        in_main = bool(message.metadata.delta_path) and message.metadata.delta_path[0] == 0
        if kind == "markdown":
            body = element.markdown.body
            if body.startswith("**Half-step "):
                self.status_line = body.replace("**", "")
        elif kind == "exception":
            self.problems.append(f"exception {element.exception.type}: "
                                 f"{element.exception.message[:200]}")
        elif kind == "alert" and in_main and element.alert.format == Alert.ERROR:
            self.problems.append(f"error alert: {element.alert.body[:200]}")
        elif kind == "button":
            button = element.button
            self.buttons[button.id] = Button(button.id, button.label, button.disabled,
                                             delta.fragment_id)
            self._drawn.add(button.id)
        else:
            widget_id = getattr(getattr(element, kind), "id", None)
            if widget_id:
                held = self.widgets.get(widget_id)
                state = _widget_state(element, held[0] if held else None)
                if state is not None:
                    self.widgets[widget_id] = (state, delta.fragment_id)
                    self._drawn.add(widget_id)

    def _finished(self, message: ForwardMsg) -> int | None:
        status = message.script_finished
        if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return None
        fragment_ids = set(message.metadata.run.fragment_ids)

        def stale(fragment_id: str, element_id: str) -> bool:
            """Not drawn by this run, in the part of the page this run redrew."""
            return element_id not in self._drawn and (not fragment_ids
                                                       or fragment_id in fragment_ids)

        self.widgets = {key: value for key, value in self.widgets.items()
                        if not stale(value[1], key)}
        self.buttons = {key: button for key, button in self.buttons.items()
                        if not stale(button.fragment_id, key)}
        # The frontend's ForwardMsgCache.incrementRunCount: a fragment run ages only its own
        # fragment's messages.
        self.run_count += 1
        self.cache = {key: entry for key, entry in self.cache.items()
                      if not ((not fragment_ids or entry.fragment_id in fragment_ids)
                              and self.run_count - entry.run_count
                              > self.max_cached_message_age)}
        return status if self._run_started else None


# --- one session ----------------------------------------------------------------------------------


@dataclass
class SessionResult:
    session: int
    k: int
    seed: int
    clicks: int = 0
    latencies_s: list[float] = field(default_factory=list)
    click_times_s: list[float] = field(default_factory=list)  # since the phase started
    open_s: float | None = None
    cache_refs: int = 0
    bytes_received: int = 0
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)


def _browser_requests(base_url: str, query: dict) -> str:
    """The HTTP requests Chromium makes before the websocket; returns the XSRF token."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    token = ""
    for path in (f"{PAGE_PATH}?{urlencode(query)}", "/_stcore/health", "/_stcore/host-config"):
        with opener.open(f"{base_url}{path}", timeout=OPEN_TIMEOUT_S) as response:
            response.read()
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                if name.strip() == "_streamlit_xsrf":
                    token = rest.split(";", 1)[0]
    return token


async def _until_finished(socket, page: PageState, timeout_s: float) -> int:
    """Read ForwardMsgs until the run started by the last request has finished."""
    async with asyncio.timeout(timeout_s):
        while True:
            frame = await socket.recv()
            if isinstance(frame, str):
                continue
            status = page.receive(frame)
            if status is not None:
                return status


def _check_run(page: PageState, status: int, after: str, result: SessionResult) -> None:
    if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
        result.errors.append(f"compile error after {after}")
    for problem in page.problems:
        result.errors.append(f"after {after}: {problem}")


async def drive_session(base_url: str, number: int, expected: ExpectedRun, seconds: float,
                        think_s: float, result: SessionResult, phase_start: float) -> None:
    """Open the session's deep link, then click for ``seconds`` from the moment it opened."""
    rng = random.Random(number)
    page = PageState(base_url)
    try:
        started = time.monotonic()
        token = await asyncio.to_thread(_browser_requests, base_url, expected.query)
        async with connect(
                f"ws{base_url.removeprefix('http')}/_stcore/stream",
                subprotocols=[Subprotocol(value) for value in ("streamlit", token) if value],
                origin=Origin(base_url), additional_headers={"Cookie": f"_streamlit_xsrf={token}"},
                max_size=MAX_FRAME_BYTES, proxy=None, open_timeout=OPEN_TIMEOUT_S,
                # Browsers send no pings; the server's are answered by the library.
                ping_interval=None) as socket:
            await socket.send(page.open_message(expected.query))
            status = await _until_finished(socket, page, OPEN_TIMEOUT_S)
            result.open_s = time.monotonic() - started
            _check_run(page, status, "opening", result)
            index = 0
            _check_view(page.view(), expected, index, result)
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                label, target = _choose(rng, expected, index)
                button = page.button(label)
                if button is None or button.disabled:
                    result.errors.append(f"half-step {index}: button {label!r} is "
                                         f"{'missing' if button is None else 'disabled'}")
                    break
                sent = time.monotonic()
                await socket.send(page.click_message(button))
                status = await _until_finished(socket, page, CLICK_TIMEOUT_S)
                result.latencies_s.append(time.monotonic() - sent)
                result.click_times_s.append(sent - phase_start)
                result.clicks += 1
                index = target
                _check_run(page, status, label, result)
                _check_view(page.view(), expected, index, result)
                if think_s:
                    await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
    except Exception as error:  # noqa: BLE001 - every failure of a session is a counted error
        text = str(error).splitlines()[0][:300] if str(error) else "no answer in time"
        result.errors.append(f"{type(error).__name__}: {text}")
    finally:
        result.cache_refs = page.cache_refs
        result.bytes_received = page.bytes_received


# --- one phase: a fresh server, N sessions --------------------------------------------------------


# Servers running now, by pid, for the watchdog's last resort.
RUNNING_SERVERS: set[int] = set()


def _summary(values: list[float]) -> dict:
    return {"median_s": statistics.median(values) if values else None,
            "p95_s": _percentile(values, 0.95), "max_s": max(values) if values else None}


async def run_phase(n_sessions: int, seconds: float, think_s: float, ramp_s: float,
                    expected: list[ExpectedRun], warm_up_demo: ExpectedRun,
                    replicas: int = 1) -> dict:
    """Start ``replicas`` fresh servers, open one page on each (``warm_up_demo``, a demo no
    session uses) so that the idle memory includes the imports every session needs, then run
    the sessions, session i on server i % replicas (as a load balancer with sticky sessions
    would spread them). CPU and memory are summed over the servers."""
    with contextlib.ExitStack() as servers:
        base_urls = [servers.enter_context(
            streamlit_server("--server.disconnectedSessionTTL", "5"))
            for _ in range(replicas)]
        pids = [server_pid(urlparse(base_url).port) for base_url in base_urls]
        RUNNING_SERVERS.update(pids)
        try:
            for pid, base_url in zip(pids, base_urls, strict=True):
                print(f"  server pid {pid} at {base_url}", flush=True)
                warm_up = SessionResult(-1, int(warm_up_demo.query["k"]),
                                        int(warm_up_demo.query["seed"]))
                await drive_session(base_url, -1, warm_up_demo, 0.0, 0.0, warm_up,
                                    time.monotonic())
                if warm_up.errors:
                    raise RuntimeError(f"the warm-up page failed: {warm_up.errors}")
            await asyncio.sleep(2)
            idle_mb = server_rss_mb(pids)
            results = [SessionResult(number, int(expected[number].query["k"]),
                                     int(expected[number].query["seed"]))
                       for number in range(n_sessions)]
            opened = {"count": 0, "cpu_s": None, "at_s": None}

            async def session(number: int):
                await asyncio.sleep(ramp_s * number / n_sessions)
                await drive_session(base_urls[number % replicas], number, expected[number],
                                    seconds, think_s, results[number], started)

            async def note_all_open():
                while not all(r.open_s is not None or r.errors for r in results):
                    await asyncio.sleep(0.1)
                opened["cpu_s"] = server_cpu_s(pids) - cpu_before
                opened["at_s"] = time.monotonic() - started

            with MemorySampler(pids) as sampler:
                cpu_before = server_cpu_s(pids)
                client_before = time.process_time()
                started = time.monotonic()
                watcher = asyncio.create_task(note_all_open())
                async with asyncio.timeout(phase_timeout_s(seconds, ramp_s)):
                    await asyncio.gather(*(session(number) for number in range(n_sessions)))
                elapsed = time.monotonic() - started
                cpu_s = server_cpu_s(pids) - cpu_before
                client_cpu_s = time.process_time() - client_before
                peak_mb = sampler.peak
                if not watcher.done():  # a session failed before opening: no "all open" time
                    watcher.cancel()
            await asyncio.sleep(8)  # past disconnectedSessionTTL: closed sessions are dropped
            after_mb = server_rss_mb(pids)
        finally:
            RUNNING_SERVERS.difference_update(pids)
    latencies = [value for result in results for value in result.latencies_s]
    opens = [result.open_s for result in results if result.open_s is not None]
    clicks = sum(result.clicks for result in results)
    # Clicks sent after every session had opened: no full page run competes with them.
    steady = ([latency for result in results
               for latency, at in zip(result.latencies_s, result.click_times_s, strict=True)
               if at >= opened["at_s"]] if opened["at_s"] is not None else [])
    steady_clicks = len(steady)
    steady_cpu_s = cpu_s - opened["cpu_s"] if opened["cpu_s"] is not None else None
    return {
        "sessions": n_sessions,
        "replicas": replicas,
        "seconds": seconds,
        "think_s": think_s,
        "ramp_s": ramp_s,
        "elapsed_s": elapsed,
        "clicks": clicks,
        "clicks_per_s": clicks / elapsed if elapsed else None,
        "latency_median_s": statistics.median(latencies) if latencies else None,
        "latency_p95_s": _percentile(latencies, 0.95),
        "latency_max_s": max(latencies) if latencies else None,
        "steady_latency_median_s": statistics.median(steady) if steady else None,
        "steady_latency_p95_s": _percentile(steady, 0.95),
        "open": _summary(opens),
        "all_open_after_s": opened["at_s"],
        "errors": sum(len(result.errors) for result in results),
        "leaks": sum(len(result.leaks) for result in results),
        "cache_refs": sum(result.cache_refs for result in results),
        "mb_received": sum(result.bytes_received for result in results) / 2**20,
        "server_cpu_s": cpu_s,
        "server_cpu_s_per_click": cpu_s / clicks if clicks else None,
        "server_cpu_s_opening": opened["cpu_s"],
        "steady_clicks": steady_clicks,
        "server_cpu_s_per_click_steady": (steady_cpu_s / steady_clicks
                                          if steady_clicks and steady_cpu_s is not None
                                          else None),
        "server_cpu_share": cpu_s / elapsed if elapsed else None,
        "client_cpu_s": client_cpu_s,
        "client_cpu_share": client_cpu_s / elapsed if elapsed else None,
        "rss_idle_mb": idle_mb,
        "rss_peak_mb": peak_mb,
        "rss_after_mb": after_mb,
        "rss_per_session_mb": (peak_mb - idle_mb) / n_sessions,
        "session_details": [asdict(result) for result in results],
    }


# --- the watchdog ---------------------------------------------------------------------------------


class Watchdog:
    """Interrupts the whole run (SIGINT: the servers stop in their context managers) after
    ``budget_s``; if that does not end it within WATCHDOG_GRACE_S, kills the servers' process
    groups and exits."""

    def __init__(self, budget_s: float):
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(budget_s,), daemon=True)

    def _watch(self, budget_s: float):
        if self._done.wait(budget_s):
            return
        print(f"\nwatchdog: the run exceeded {budget_s:.0f} s; interrupting it",
              file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGINT)
        if self._done.wait(WATCHDOG_GRACE_S):
            return
        for pid in list(RUNNING_SERVERS):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        os._exit(3)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()


def phase_timeout_s(seconds: float, ramp_s: float) -> float:
    """The sessions of one phase: the last arrives after ``ramp_s``, opens, steps for
    ``seconds``, then waits at most one answer and one pause."""
    return ramp_s + OPEN_TIMEOUT_S + seconds + CLICK_TIMEOUT_S + MAX_THINK_S


def phase_budget_s(seconds: float, ramp_s: float) -> float:
    """An upper bound on a whole phase: server start (60 s), the warm-up page, the sessions,
    the wait for the closed sessions to be dropped and the server to stop."""
    return 60 + OPEN_TIMEOUT_S + phase_timeout_s(seconds, ramp_s) + 30


# --- main -----------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


# (heading, width, cell) of the two tables main() prints, one row per phase.
CLICK_COLUMNS = (
    ("phase", 9, lambda name, p: name),
    ("sessions", 8, lambda name, p: p["sessions"]),
    ("clicks", 6, lambda name, p: p["clicks"]),
    ("clicks/s", 8, lambda name, p: f"{p['clicks_per_s']:.2f}"),
    ("med ms", 7, lambda name, p: _ms(p["latency_median_s"])),
    ("p95 ms", 7, lambda name, p: _ms(p["latency_p95_s"])),
    ("st. med", 7, lambda name, p: _ms(p["steady_latency_median_s"])),
    ("st. p95", 7, lambda name, p: _ms(p["steady_latency_p95_s"])),
    ("open med", 8, lambda name, p: _ms(p["open"]["median_s"])),
    ("open p95", 8, lambda name, p: _ms(p["open"]["p95_s"])),
    ("errors", 6, lambda name, p: p["errors"]),
    ("leaks", 5, lambda name, p: p["leaks"]),
)
SERVER_COLUMNS = (
    ("phase", 9, lambda name, p: name),
    ("cpu ms/cl", 9, lambda name, p: _ms(p["server_cpu_s_per_click"])),
    ("steady", 7, lambda name, p: _ms(p["server_cpu_s_per_click_steady"])),
    ("server", 7, lambda name, p: f"{p['server_cpu_share'] * 100:.0f}%"),
    ("client", 7, lambda name, p: f"{p['client_cpu_share'] * 100:.0f}%"),
    ("idle MB", 7, lambda name, p: f"{p['rss_idle_mb']:.0f}"),
    ("peak MB", 7, lambda name, p: f"{p['rss_peak_mb']:.0f}"),
    ("after MB", 8, lambda name, p: f"{p['rss_after_mb']:.0f}"),
    ("MB/sess", 7, lambda name, p: f"{p['rss_per_session_mb']:.2f}"),
    ("refs", 6, lambda name, p: p["cache_refs"]),
    ("MB recv", 7, lambda name, p: f"{p['mb_received']:.0f}"),
)


def _table(columns, phases: dict) -> str:
    lines = [" ".join(f"{heading:<{width}}" if number == 0 else f"{heading:>{width}}"
                      for number, (heading, width, _cell) in enumerate(columns))]
    for name, phase in phases.items():
        lines.append(" ".join(f"{cell(name, phase)!s:<{width}}" if number == 0
                              else f"{cell(name, phase)!s:>{width}}"
                              for number, (_heading, width, cell) in enumerate(columns)))
    return "\n".join(lines)


def expected_runs(n_sessions: int, n_points: int, seed: int) -> list[ExpectedRun]:
    """Each session's own deep link and run: K cycles through 2..5, seeds drawn from ``seed``
    (never 0: seed 0 is the warm-up page's, see warm_up_run)."""
    rng = random.Random(seed)
    return [expected_run(n_points, K_CHOICES[number % len(K_CHOICES)], rng.randrange(1, 10**6))
            for number in range(n_sessions)]


def warm_up_run(n_points: int) -> ExpectedRun:
    return expected_run(n_points, 2, 0)


def with_wrong_log_likelihoods(expected: ExpectedRun) -> ExpectedRun:
    """The same link and half-steps, every log-likelihood off by one: a checker that accepts
    this view has stopped checking (used by the tests)."""
    return replace(expected, log_likelihoods=tuple(value - 1.0
                                                   for value in expected.log_likelihoods))


async def main_async(args) -> dict:
    print(f"Computing the expected runs of {args.sessions} sessions with gmm_core ...",
          flush=True)
    expected = expected_runs(args.sessions, args.n, args.seed)
    warm_up = warm_up_run(args.n)
    phases = {}
    if args.baseline_seconds > 0:
        print(f"Baseline: 1 session for {args.baseline_seconds:.0f} s, think "
              f"{args.baseline_think:g} s ...", flush=True)
        phases["baseline"] = await run_phase(1, args.baseline_seconds, args.baseline_think, 0.0,
                                             expected[:1], warm_up)
    print(f"Hall: {args.sessions} sessions on {args.replicas} server(s) for {args.seconds:.0f} s,"
          f" think {args.think:g} s, arriving over {args.ramp:g} s ...", flush=True)
    phases["hall"] = await run_phase(args.sessions, args.seconds, args.think, args.ramp,
                                     expected, warm_up, replicas=args.replicas)
    return phases


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=200,
                        help=f"concurrent protocol sessions (1 to {MAX_SESSIONS})")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help=f"stepping time of each hall session (at most {MAX_SECONDS})")
    parser.add_argument("--think", type=float, default=5.0,
                        help="mean pause between a session's clicks, in seconds (0: none)")
    parser.add_argument("--ramp", type=float, default=10.0,
                        help="the sessions arrive evenly spread over this many seconds")
    parser.add_argument("--baseline-seconds", type=float, default=30.0,
                        help="stepping time of the 1-session baseline (0: skip it)")
    parser.add_argument("--baseline-think", type=float, default=0.5,
                        help="mean pause between the baseline session's clicks")
    parser.add_argument("--n", type=int, default=2000, help="points in each session's data")
    parser.add_argument("--seed", type=int, default=0, help="draws the sessions' seeds")
    parser.add_argument("--replicas", type=int, default=1,
                        help=f"hall servers, session i on server i %% replicas, as behind a "
                             f"load balancer with sticky sessions (1 to {MAX_REPLICAS})")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be from 1 to {MAX_SESSIONS}")
    for name in ("seconds", "baseline_seconds"):
        if not 0 <= getattr(args, name) <= MAX_SECONDS:
            parser.error(f"--{name.replace('_', '-')} must be from 0 to {MAX_SECONDS}")
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    for name in ("think", "baseline_think"):
        if not 0 <= getattr(args, name) <= MAX_THINK_S:
            parser.error(f"--{name.replace('_', '-')} must be from 0 to {MAX_THINK_S}")
    if not 1 <= args.replicas <= MAX_REPLICAS:
        parser.error(f"--replicas must be from 1 to {MAX_REPLICAS}")
    if not 0 <= args.ramp <= MAX_RAMP_S:
        parser.error(f"--ramp must be from 0 to {MAX_RAMP_S}")
    if not links.N_MIN <= args.n <= links.N_MAX:
        parser.error(f"--n must be from {links.N_MIN} to {links.N_MAX}")
    return args


def _interrupt(_signum, _frame):
    signal.raise_signal(signal.SIGINT)  # asyncio.run's own handler then cancels the run


def main(argv=None) -> int:
    args = parse_arguments(argv)
    # Ctrl-C, the watchdog's SIGINT and a plain `kill` all unwind through the servers' context
    # managers, also when this was started in the background (where SIGINT arrives ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    budget_s = (phase_budget_s(args.seconds, args.ramp)
                + phase_budget_s(args.baseline_seconds, 0.0) + 300)  # + the expected runs
    try:
        with Watchdog(budget_s):
            phases = asyncio.run(main_async(args))
    except KeyboardInterrupt:
        print("\ninterrupted: the sessions were closed and the server stopped", file=sys.stderr)
        return 130
    hall = phases["hall"]
    baseline = phases.get("baseline")
    print()
    print(_table(CLICK_COLUMNS, phases))
    print("(click latency: request sent -> script_finished; st.: clicks sent after every "
          "session had opened; open: first GET -> first run finished)\n")
    print(_table(SERVER_COLUMNS, phases))
    print("(server CPU per click over the whole phase, opens included; steady: after every "
          "session had opened; server/client: CPU share of one core; refs: cached-figure "
          "references the server sent instead of figures)")
    # A shared machine: a load average well above what this run explains flags a noisy run.
    summary = {"arguments": vars(args), "machine_cpus": os.cpu_count(), "phases": phases,
               "load_average_at_end": os.getloadavg(),
               "time": time.strftime("%Y-%m-%dT%H:%M:%S")}
    if baseline and baseline["latency_p95_s"] and hall["latency_p95_s"]:
        summary["p95_ratio"] = hall["latency_p95_s"] / baseline["latency_p95_s"]
        summary["median_ratio"] = hall["latency_median_s"] / baseline["latency_median_s"]
        print(f"\np95 click latency, {hall['sessions']} sessions against 1 alone: "
              f"{summary['p95_ratio']:.2f}x (target <= 3x); median {summary['median_ratio']:.2f}x")
    for name, phase in phases.items():
        for detail in phase["session_details"]:
            for problem in (detail["errors"] + detail["leaks"])[:3]:
                print(f"  {name} session {detail['session']}: {problem}")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / (f"protocol_load_{args.sessions}x{args.seconds:.0f}s_"
                          f"think{args.think:g}_{int(time.time())}.json")
    path.write_text(json.dumps(summary, indent=2))
    print(f"\nWrote {path.relative_to(REPO_ROOT)}")
    return 0 if hall["errors"] == 0 and hall["leaks"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
