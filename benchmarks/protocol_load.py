"""Protocol load test: a lecture hall on the 2-D stepper, without rendering a single page.

Usage:
    python benchmarks/protocol_load.py [--sessions 200] [--seconds 60] [--think 5]
                                       [--ramp 10] [--baseline-seconds 30] [--n 2000]
                                       [--replicas 2] [--kill-after 30]

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
  button's fragment id, the current query string and page hash, and the cached hashes;
- keeps the cookies of every HTTP answer and sends them with later requests and with the
  websocket upgrade: behind HAProxy, the ``em_hall_replica`` cookie of the first answer pins
  the session to one replica (HAProxy removes it before the replica sees the request);
- runs the page's ``run_every`` fragments (``auto_rerun``: a rerun of that fragment every
  interval, reset by each whole-page run) while it waits;
- when the websocket closes (its replica died), does what the frontend does: asks
  ``/_stcore/health`` every 0.5 s until it answers (HAProxy sends the request to a live replica
  and sets a new cookie), opens a new websocket with its old session id, and asks for a
  whole-page run with its widget states and address if a run was under way, the last run was
  a fragment's, or the page has a ``run_every`` fragment (Streamlit 1.67's rule; otherwise it
  asks for nothing, and the new session drops every click inside a fragment it does not
  know: the page looks alive but no longer steps).

Every session opens ``/EM_in_2-D?dataset=blobs&n=<n>&k=<2..5>&seed=<its own>`` and clicks the
stepping buttons as load_test.py's sessions do (EM iteration, E-step/M-step, Back, Reset when
converged) for --seconds from the moment its page opened, pausing --think seconds on average
(uniform 0.5x..1.5x) between clicks. Sessions arrive evenly spread over --ramp seconds.

``--replicas 1`` starts one ``streamlit run``; ``--replicas N`` (2 to 4) starts a real hall,
``bash scripts/serve.sh --replicas N`` (HAProxy in front of N replicas, sticky by cookie;
deploy.hall_process.running_hall), and every session goes through HAProxy. ``--kill-after S``
kills (SIGKILL) replica1 S seconds into the hall phase (serve.sh runs with --no-restart, so it
stays down): its sessions reconnect through HAProxy to the other replica, and each one's first
view there is checked against the view it had (its address carries data, settings and
half-step): "recovered" counts the sessions whose view came back exactly.

Measured per phase (each on a fresh server): a 1-session baseline (clicking every
--baseline-think seconds: one session alone never waits for another, so a short pause only
adds samples), then the hall:
- click latency: from sending the rerun request to the ``script_finished`` of the run it
  started (the status line is in the same run, so nothing else is waited for);
- errors: exception elements, error alerts in the main area, a wanted button missing or
  disabled, cache misses, timeouts, lost connections; leaks: after every click the query
  string's ``step``/``k``/``seed`` and the status line's half-step and log-likelihood must be
  those of the session's own run, computed here with gmm_core (load_test.expected_run);
- the server's CPU (utime + stime of its processes; a killed replica counts with what it had
  used) per click, over the whole phase and over the part after every session had opened (the
  opens are full page runs), and its CPU share; HAProxy's CPU separately;
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
import os
import random
import signal
import sys
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

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
from websockets.exceptions import ConnectionClosed  # noqa: E402
from websockets.typing import Origin, Subprotocol  # noqa: E402

from benchmarks import common, load_test  # noqa: E402
from deploy.hall_process import running_hall  # noqa: E402
from devtools.browser import streamlit_server  # noqa: E402

MAX_SESSIONS = 300
MAX_SECONDS = 300
MAX_RAMP_S = 120
MAX_THINK_S = 120
MAX_REPLICAS = 4
PAGE_NAME = load_test.PAGE_PATH.lstrip("/")
# What Chromium sends as ContextInfo (logged from a real session), minus the URL's host.
CONTEXT_INFO = {"timezone": "UTC", "timezone_offset": 0, "locale": "en-US",
                "is_embedded": False, "color_scheme": "light"}
# Figures are ~60 kB at n = 2000; a 100,000-point page is a few MB.
MAX_FRAME_BYTES = 64 * 2**20
WATCHDOG_GRACE_S = 30.0
# Streamlit's default; the server also announces it in new_session.config.
DEFAULT_MAX_CACHED_MESSAGE_AGE = 2
# HAProxy's stickiness cookie (deploy/haproxy.cfg.template) and Streamlit's XSRF cookie.
REPLICA_COOKIE = "em_hall_replica"
XSRF_COOKIE = "_streamlit_xsrf"
# A session whose replica died asks /_stcore/health this often, for at most this long.
HEALTH_PING_S = 0.5
RECONNECT_TIMEOUT_S = 60.0
# After a reconnection without a whole-page run, a click that gets no answer within this long
# was dropped by the new session (it does not know the clicked fragment).
DROPPED_CLICK_S = 15.0
# serve.sh options for the halls measured here: a killed replica stays down; closed sessions
# are dropped 5 s after they disconnect (the memory "after" figure).
HALL_OPTIONS = ("--no-restart", "--server.disconnectedSessionTTL", "5")


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
        self.url = f"{base_url}{load_test.PAGE_PATH}"
        self.query_string = ""
        self.page_script_hash = ""
        self.widgets: dict[str, tuple[WidgetState, str]] = {}  # id -> (state, fragment id)
        self.buttons: dict[str, Button] = {}  # id -> button
        self.cache: dict[str, CachedMessage] = {}  # message hash -> entry
        self.run_count = 0
        self.max_cached_message_age = DEFAULT_MAX_CACHED_MESSAGE_AGE
        self.status_line: str | None = None  # "Half-step i: ..." of the latest run
        self.codes: list[str] = []  # the st.code texts of the latest run (the join link ...)
        self.session_id = ""  # the server's id of this session (sent again on reconnection)
        # run_every fragments: fragment id -> [interval, next time due] (time.monotonic)
        self.auto_reruns: dict[str, list[float]] = {}
        self.in_flight = False  # a request sent and its run not finished yet
        self.fragment_ids_this_run: list[str] = []  # the latest run's fragments ([]: whole page)
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
        self.in_flight = True
        return message.SerializeToString()

    def rerun_message(self, fragment_id: str = "", *, auto: bool = False) -> bytes:
        """rerun_script as the frontend sends it without a click: a whole-page run with the
        widget states and the address (after a reconnection), or a run_every fragment's tick."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        state.page_name = PAGE_NAME
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        state.widget_states.widgets.extend(value for value, _fragment in self.widgets.values())
        state.cached_message_hashes.extend(self.cache)
        state.context_info.CopyFrom(ContextInfo(url=self.url, **CONTEXT_INFO))
        self._run_started = False
        self.in_flight = True
        return message.SerializeToString()

    def due_auto_reruns(self, now: float) -> list[str]:
        """The run_every fragments whose timer has fired by ``now`` (each timer moves on by
        its interval, as setInterval does)."""
        due = []
        for fragment_id, timer in self.auto_reruns.items():
            if timer[1] <= now:
                due.append(fragment_id)
                timer[1] = max(timer[1] + timer[0], now)
        return due

    def next_auto_rerun(self) -> float | None:
        return min((timer[1] for timer in self.auto_reruns.values()), default=None)

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
        self.in_flight = True
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
            self.session_id = message.new_session.initialize.session_id or self.session_id
            self.fragment_ids_this_run = list(message.metadata.run.fragment_ids)
            if not self.fragment_ids_this_run:
                # The frontend's cleanupAutoReruns: a whole-page run registers them again.
                self.auto_reruns.clear()
            config = message.new_session.config
            if config.max_cached_message_age:
                self.max_cached_message_age = config.max_cached_message_age
        elif kind == "navigation":
            self.page_script_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "auto_rerun":
            fragment_id, interval = message.auto_rerun.fragment_id, message.auto_rerun.interval
            timer = self.auto_reruns.get(fragment_id)
            if fragment_id and (timer is None or timer[0] != interval):
                self.auto_reruns[fragment_id] = [interval, time.monotonic() + interval]
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fragment_id, None)
        elif kind == "page_not_found":
            self.problems.append(f"page not found: {message.page_not_found.page_name!r}")
        elif kind == "script_finished":
            return self._finished(message)
        return None

    def _new_run(self):
        self._run_started = True
        self._drawn = set()
        self.status_line = None
        self.codes = []
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
        elif kind == "code":
            self.codes.append(element.code.code_text)
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
        if not self._run_started:
            return None
        self.in_flight = False
        return status


# --- one session ----------------------------------------------------------------------------------


@dataclass
class Recovery:
    """What happened when a session's websocket closed under it (its replica died)."""

    lost_at_s: float  # since the phase started
    back_after_s: float | None = None  # until its first view on the new replica
    replica: str | None = None  # where HAProxy sent it
    rerun_requested: bool = False  # the frontend's rule: a run_every fragment, or a run under way
    recovered: bool = False  # that first view is exactly the view it had
    detail: str = ""


@dataclass
class SessionResult(common.SessionRecord):
    """A protocol session: besides the counts, its click latencies and what it received."""

    latencies_s: list[float] = field(default_factory=list)
    click_times_s: list[float] = field(default_factory=list)  # since the phase started
    cache_refs: int = 0
    bytes_received: int = 0
    replica: str | None = None  # HAProxy's cookie from the first answer (None: no HAProxy)
    recoveries: list[Recovery] = field(default_factory=list)


class Connection:
    """A browser's cookies and websocket for one page of the app (through HAProxy or not)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def replica(self) -> str | None:
        return self.cookies.get(REPLICA_COOKIE)

    def _take_cookies(self, headers: list[str]) -> None:
        for cookie in headers or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def get(self, path: str, timeout_s: float = load_test.OPEN_TIMEOUT_S) -> bytes:
        """GET ``path`` with the cookies held; keeps the cookies of the answer."""
        request = urllib.request.Request(f"{self.base_url}{path}")
        if self.cookies:
            request.add_header("Cookie", self._cookie_header())
        with self._opener.open(request, timeout=timeout_s) as response:
            body = response.read()
            self._take_cookies(response.headers.get_all("Set-Cookie"))
        return body

    def page_requests(self, query: dict) -> None:
        """The HTTP requests Chromium makes before the websocket (the page, the health check
        that sets the XSRF cookie, the host configuration)."""
        for path in (f"{load_test.PAGE_PATH}?{urlencode(query)}", "/_stcore/health",
                     "/_stcore/host-config"):
            self.get(path)

    def wait_for_health(self, timeout_s: float) -> None:
        """As the frontend does after losing its websocket: ask /_stcore/health until it
        answers "ok" (behind HAProxy, from a live replica, with a new cookie)."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if self.get("/_stcore/health", timeout_s=5).strip() == b"ok":
                    self.get("/_stcore/host-config", timeout_s=5)
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"/_stcore/health did not answer within {timeout_s:.0f} s")
            time.sleep(HEALTH_PING_S)

    async def websocket(self, session_id: str = ""):
        """The websocket, with the XSRF token (and the old session id on a reconnection) as
        subprotocols and every cookie held; keeps a cookie the upgrade answer sets."""
        token = self.cookies.get(XSRF_COOKIE, "")
        protocols = ["streamlit", token, session_id] if token and session_id else \
            [value for value in ("streamlit", token) if value]
        socket = await connect(
            f"ws{self.base_url.removeprefix('http')}/_stcore/stream",
            subprotocols=[Subprotocol(value) for value in protocols],
            origin=Origin(self.base_url), additional_headers={"Cookie": self._cookie_header()},
            max_size=MAX_FRAME_BYTES, proxy=None, open_timeout=load_test.OPEN_TIMEOUT_S,
            # Browsers send no pings; the server's are answered by the library.
            ping_interval=None)
        if socket.response is not None:
            self._take_cookies(socket.response.headers.get_all("Set-Cookie"))
        return socket


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


async def pause(socket, page: PageState, seconds: float,
                on_finished=None) -> None:
    """Wait ``seconds`` as an open browser tab does: read what the server sends and send the
    page's run_every fragment reruns when their timers fire. ``on_finished(status)`` is called
    for every run that finishes meanwhile. Raises ConnectionClosed if the socket closes."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        now = time.monotonic()
        for fragment_id in page.due_auto_reruns(now):
            await socket.send(page.rerun_message(fragment_id, auto=True))
        due = page.next_auto_rerun()
        wait_s = left if due is None else max(0.0, min(left, due - now))
        try:
            frame = await asyncio.wait_for(socket.recv(), timeout=wait_s)
        except TimeoutError:
            continue
        if isinstance(frame, bytes):
            status = page.receive(frame)
            if status is not None and on_finished is not None:
                on_finished(status)


def _check_run(page: PageState, status: int, after: str, result: SessionResult) -> None:
    if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
        result.errors.append(f"compile error after {after}")
    for problem in page.problems:
        result.errors.append(f"after {after}: {problem}")


def _shown_step(page: PageState) -> int | None:
    """The half-step the page's address says (what a reload or a reconnection rebuilds)."""
    step = parse_qs(page.query_string).get("step", [None])[-1]
    return int(step) if step is not None and step.isdigit() else None


async def reconnect(connection: Connection, page: PageState, result: SessionResult,
                    phase_start: float, expected: load_test.ExpectedRun | None = None):
    """The websocket closed: reconnect as the frontend does, and record whether the first view
    on the new replica is the view the page had. Returns the new socket."""
    lost = time.monotonic()
    recovery = Recovery(lost_at_s=lost - phase_start)
    result.recoveries.append(recovery)
    # The frontend's rule (App.handleConnectionStateChanged in Streamlit 1.67).
    rerun = page.in_flight or bool(page.fragment_ids_this_run) or bool(page.auto_reruns)
    await asyncio.to_thread(connection.wait_for_health, RECONNECT_TIMEOUT_S)
    socket = await connection.websocket(page.session_id)
    recovery.replica = connection.replica
    recovery.rerun_requested = rerun
    if rerun:
        index = _shown_step(page)
        await socket.send(page.rerun_message())
        status = await _until_finished(socket, page, load_test.OPEN_TIMEOUT_S)
        recovery.back_after_s = time.monotonic() - lost
        _check_run(page, status, "reconnecting", result)
        if expected is not None and index is not None:
            check = SessionResult(result.session, result.k, result.seed)
            load_test._check_view(page.view(), expected, index, check)
            recovery.recovered = not (check.leaks or check.errors or page.problems)
            recovery.detail = "; ".join(check.leaks + check.errors)[:300]
    else:
        recovery.detail = ("no whole-page run asked for (the last run was a whole-page run "
                           "and the page has no run_every fragment)")
    return socket


async def drive_session(base_url: str, number: int, expected: load_test.ExpectedRun, seconds: float,
                        think_s: float, result: SessionResult, phase_start: float) -> None:
    """Open the session's deep link, then click for ``seconds`` from the moment it opened;
    reconnect (and check the view that comes back) whenever the websocket closes."""
    rng = random.Random(number)
    page = PageState(base_url)
    connection = Connection(base_url)
    socket = None
    try:
        started = time.monotonic()
        await asyncio.to_thread(connection.page_requests, expected.query)
        result.replica = connection.replica
        socket = await connection.websocket()
        await socket.send(page.open_message(expected.query))
        status = await _until_finished(socket, page, load_test.OPEN_TIMEOUT_S)
        result.open_s = time.monotonic() - started
        _check_run(page, status, "opening", result)
        index = 0
        load_test._check_view(page.view(), expected, index, result)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            label, target = load_test._choose(rng, expected, index)
            button = page.button(label)
            if button is None or button.disabled:
                result.errors.append(f"half-step {index}: button {label!r} is "
                                     f"{'missing' if button is None else 'disabled'}")
                break
            sent = time.monotonic()
            reconnected = bool(result.recoveries)
            try:
                await socket.send(page.click_message(button))
                status = await _until_finished(
                    socket, page, DROPPED_CLICK_S if reconnected and not
                    result.recoveries[-1].rerun_requested else load_test.CLICK_TIMEOUT_S)
            except ConnectionClosed:
                await socket.close()
                socket = await reconnect(connection, page, result, phase_start, expected)
                index = _shown_step(page) or 0
                continue
            except TimeoutError:
                if reconnected and not result.recoveries[-1].rerun_requested:
                    result.errors.append(f"after reconnecting: {label!r} got no answer "
                                         f"within {DROPPED_CLICK_S:.0f} s (dropped)")
                    break
                raise
            result.latencies_s.append(time.monotonic() - sent)
            result.click_times_s.append(sent - phase_start)
            result.clicks += 1
            index = target
            _check_run(page, status, label, result)
            load_test._check_view(page.view(), expected, index, result)
            if think_s:
                try:
                    await pause(socket, page, think_s * rng.uniform(0.5, 1.5))
                except ConnectionClosed:
                    await socket.close()
                    socket = await reconnect(connection, page, result, phase_start, expected)
                    index = _shown_step(page) or 0
    except Exception as error:  # noqa: BLE001 - every failure of a session is a counted error
        result.errors.append(common.error_text(error))
    finally:
        if socket is not None:
            await socket.close()
        result.cache_refs = page.cache_refs
        result.bytes_received = page.bytes_received


# --- one phase: fresh servers, N sessions --------------------------------------------------------


# Process groups running now (a server, or serve.sh with its hall), for the watchdog's last resort.
RUNNING_SERVERS: set[int] = set()


@dataclass
class Servers:
    """Where the sessions go (``url``: the one server, or HAProxy in front of the replicas),
    and the processes to measure."""

    url: str
    replicas: dict[str, tuple[str, int]]  # name -> (its own url, pid)
    haproxy_pid: int | None = None


@contextlib.contextmanager
def running_servers(replicas: int):
    """One fresh ``streamlit run`` (replicas=1), or a fresh hall: ``serve.sh --replicas N``
    with HAProxy in front (running_hall), a killed replica left down (--no-restart)."""
    if replicas == 1:
        with streamlit_server("--server.disconnectedSessionTTL", "5") as url:
            pid = load_test.server_pid(urlparse(url).port)
            RUNNING_SERVERS.add(pid)
            try:
                yield Servers(url, {"server": (url, pid)})
            finally:
                RUNNING_SERVERS.discard(pid)
        return
    with running_hall(replicas=replicas, options=HALL_OPTIONS) as hall:
        RUNNING_SERVERS.add(hall.process.pid)
        try:
            yield Servers(hall.url, {name: (replica.url, replica.pid)
                                     for name, replica in hall.replicas.items()},
                          hall.haproxy_pid)
        finally:
            RUNNING_SERVERS.discard(hall.process.pid)


class CpuTracker(load_test.PeriodicThread):
    """The CPU time of each process (and its children), sampled every 0.25 s; a process that
    died keeps what it had used when last seen."""

    def __init__(self, pids):
        super().__init__()
        self.last = {pid: load_test.server_cpu_s([pid]) for pid in pids}

    def tick(self) -> None:
        for pid in list(self.last):
            self.last[pid] = max(self.last[pid], load_test.server_cpu_s([pid]))

    def total(self) -> float:
        self.tick()
        return sum(self.last.values())


async def warm_up(servers: Servers, demo: load_test.ExpectedRun) -> None:
    """One page view on each replica (straight to it, not through HAProxy), so that the idle
    memory includes the imports every session needs."""
    for name, (url, pid) in servers.replicas.items():
        print(f"  {name}: pid {pid} at {url}", flush=True)
        result = SessionResult(-1, int(demo.query["k"]), int(demo.query["seed"]))
        await drive_session(url, -1, demo, 0.0, 0.0, result, time.monotonic())
        if result.errors:
            raise RuntimeError(f"the warm-up page failed on {name}: {result.errors}")


def _kill(pid: int, killed: dict) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    killed["at"] = time.monotonic()


async def run_phase(n_sessions: int, seconds: float, think_s: float, ramp_s: float,
                    expected: list[load_test.ExpectedRun], warm_up_demo: load_test.ExpectedRun,
                    replicas: int = 1, kill_after_s: float | None = None) -> dict:
    """Start fresh servers (``running_servers``), warm each up with ``warm_up_demo`` (a demo
    no session uses), then run the sessions, all through the same address (HAProxy's for a
    hall). With ``kill_after_s``, replica1 is killed that long after the phase started. CPU
    and memory are summed over the replicas; HAProxy's CPU is reported on its own."""
    with running_servers(replicas) as servers:
        pids = [pid for _url, pid in servers.replicas.values()]
        await warm_up(servers, warm_up_demo)
        await asyncio.sleep(2)
        idle_mb = load_test.server_rss_mb(pids)
        results = [SessionResult(number, int(expected[number].query["k"]),
                                 int(expected[number].query["seed"]))
                   for number in range(n_sessions)]
        opened = {"cpu_s": None, "at_s": None}
        killed: dict = {}

        async def session(number: int):
            await asyncio.sleep(ramp_s * number / n_sessions)
            await drive_session(servers.url, number, expected[number], seconds, think_s,
                                results[number], started)

        async def note_all_open():
            while not all(r.open_s is not None or r.errors for r in results):
                await asyncio.sleep(0.1)
            opened["cpu_s"] = cpu.total() - cpu_before
            opened["at_s"] = time.monotonic() - started

        haproxy = CpuTracker([servers.haproxy_pid] if servers.haproxy_pid else [])
        with load_test.MemorySampler(pids) as sampler, CpuTracker(pids) as cpu, haproxy:
            cpu_before, haproxy_before = cpu.total(), haproxy.total()
            client_before = time.process_time()
            started = time.monotonic()
            if kill_after_s is not None:
                victim = "replica1" if "replica1" in servers.replicas else "server"
                killed["replica"] = victim
                asyncio.get_running_loop().call_later(
                    kill_after_s, _kill, servers.replicas[victim][1], killed)
            watcher = asyncio.create_task(note_all_open())
            async with asyncio.timeout(phase_timeout_s(seconds, ramp_s)):
                await asyncio.gather(*(session(number) for number in range(n_sessions)))
            elapsed = time.monotonic() - started
            cpu_s = cpu.total() - cpu_before
            haproxy_cpu_s = haproxy.total() - haproxy_before
            client_cpu_s = time.process_time() - client_before
            peak_mb = sampler.peak
            if not watcher.done():  # a session failed before opening: no "all open" time
                watcher.cancel()
        await asyncio.sleep(8)  # past disconnectedSessionTTL: closed sessions are dropped
        after_mb = load_test.server_rss_mb(pids)
    summary = _phase_summary(results, n_sessions, seconds, think_s, ramp_s, replicas, elapsed,
                             opened, cpu_s, client_cpu_s, idle_mb, peak_mb, after_mb)
    summary["haproxy_cpu_s"] = haproxy_cpu_s if servers.haproxy_pid else None
    summary["replica_of_sessions"] = dict(sorted(
        Counter(result.replica or "-" for result in results).items()))
    if killed:
        summary["kill"] = _kill_summary(results, killed, started)
    return summary


def _phase_summary(results, n_sessions, seconds, think_s, ramp_s, replicas, elapsed, opened,
                   cpu_s, client_cpu_s, idle_mb, peak_mb, after_mb) -> dict:
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
        **common.click_figures(clicks, elapsed),
        **common.latency_figures("latency", latencies),
        **common.latency_figures("steady_latency", steady),
        "open": common.latency_summary(opens),
        "all_open_after_s": opened["at_s"],
        **common.problem_counts(results),
        "cache_refs": sum(result.cache_refs for result in results),
        "mb_received": sum(result.bytes_received for result in results) / 2**20,
        **common.server_figures(cpu_s, elapsed, clicks, n_sessions, idle_mb, peak_mb, after_mb),
        "server_cpu_s_opening": opened["cpu_s"],
        "steady_clicks": steady_clicks,
        "server_cpu_s_per_click_steady": (steady_cpu_s / steady_clicks
                                          if steady_clicks and steady_cpu_s is not None
                                          else None),
        "client_cpu_s": client_cpu_s,
        "client_cpu_share": client_cpu_s / elapsed if elapsed else None,
        "session_details": [asdict(result) for result in results],
    }


def _kill_summary(results: list[SessionResult], killed: dict, started: float) -> dict:
    """Who was on the killed replica, who came back, how fast and to what."""
    victim = killed["replica"]
    at_s = killed["at"] - started if "at" in killed else None
    on_victim = [result for result in results if result.replica == victim]
    hit = [result for result in results if result.recoveries]
    recovered = [result for result in hit
                 if all(recovery.recovered for recovery in result.recoveries)]
    back = [recovery.back_after_s for result in hit for recovery in result.recoveries
            if recovery.back_after_s is not None]
    return {
        "replica": victim,
        "at_s": at_s,
        "sessions_on_it": len(on_victim),
        "sessions_reconnected": len(hit),
        "sessions_recovered_exactly": len(recovered),
        "rerun_requested": sum(recovery.rerun_requested for result in hit
                               for recovery in result.recoveries),
        "back_after": common.latency_summary(back),
        "replicas_after": dict(Counter(recovery.replica or "-" for result in hit
                                       for recovery in result.recoveries)),
        "not_recovered": [f"session {result.session}: {recovery.detail}"
                          for result in hit for recovery in result.recoveries
                          if not recovery.recovered][:20],
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
    return ramp_s + load_test.OPEN_TIMEOUT_S + seconds + load_test.CLICK_TIMEOUT_S + MAX_THINK_S


def phase_budget_s(seconds: float, ramp_s: float, replicas: int = 1) -> float:
    """An upper bound on a whole phase: the servers' start (a hall: serve.sh's own limit),
    the warm-up pages, the sessions, the wait for the closed sessions to be dropped and the
    servers to stop."""
    start_s = 60 if replicas == 1 else 300
    return start_s + replicas * load_test.OPEN_TIMEOUT_S + phase_timeout_s(seconds, ramp_s) + 30


# --- main -----------------------------------------------------------------------------------------


# (heading, width, cell) of the two tables main() prints, one row per phase.
CLICK_COLUMNS = (
    *common.SESSION_COLUMNS,
    *common.latency_columns("lat.", "latency", 8),
    *common.latency_columns("st.", "steady_latency", 7),
    ("open med", 8, lambda name, p: common.ms(p["open"]["median_s"])),
    ("open p95", 8, lambda name, p: common.ms(p["open"]["p95_s"])),
    ("errors", 6, lambda name, p: p["errors"]),
    ("leaks", 5, lambda name, p: p["leaks"]),
)
SERVER_COLUMNS = (
    ("phase", 9, lambda name, p: name),
    ("cpu ms/cl", 9, lambda name, p: common.ms(p["server_cpu_s_per_click"])),
    ("steady", 7, lambda name, p: common.ms(p["server_cpu_s_per_click_steady"])),
    ("server", 7, lambda name, p: f"{p['server_cpu_share'] * 100:.0f}%"),
    ("client", 7, lambda name, p: f"{p['client_cpu_share'] * 100:.0f}%"),
    ("idle MB", 7, lambda name, p: f"{p['rss_idle_mb']:.0f}"),
    ("peak MB", 7, lambda name, p: f"{p['rss_peak_mb']:.0f}"),
    ("after MB", 8, lambda name, p: f"{p['rss_after_mb']:.0f}"),
    ("MB/sess", 7, lambda name, p: f"{p['rss_per_session_mb']:.2f}"),
    ("refs", 6, lambda name, p: p["cache_refs"]),
    ("MB recv", 7, lambda name, p: f"{p['mb_received']:.0f}"),
)


def expected_runs(n_sessions: int, n_points: int, seed: int) -> list[load_test.ExpectedRun]:
    """Each session's own deep link and run: K cycles through 2..5, seeds drawn from ``seed``
    (never 0: seed 0 is the warm-up page's, see warm_up_run)."""
    rng = random.Random(seed)
    choices = load_test.K_CHOICES
    return [load_test.expected_run(n_points, choices[number % len(choices)],
                                   rng.randrange(1, 10**6))
            for number in range(n_sessions)]


def warm_up_run(n_points: int) -> load_test.ExpectedRun:
    return load_test.expected_run(n_points, 2, 0)


def with_wrong_log_likelihoods(expected: load_test.ExpectedRun) -> load_test.ExpectedRun:
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
                                             expected[:1], warm_up, replicas=args.replicas)
    where = ("1 server" if args.replicas == 1
             else f"{args.replicas} replicas behind HAProxy")
    print(f"Hall: {args.sessions} sessions on {where} for {args.seconds:.0f} s, think "
          f"{args.think:g} s, arriving over {args.ramp:g} s"
          + (f", replica1 killed after {args.kill_after:g} s" if args.kill_after else "")
          + " ...", flush=True)
    phases["hall"] = await run_phase(args.sessions, args.seconds, args.think, args.ramp,
                                     expected, warm_up, replicas=args.replicas,
                                     kill_after_s=args.kill_after)
    return phases


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_hall_arguments(parser, sessions=200, kind="protocol", max_sessions=MAX_SESSIONS,
                              max_seconds=MAX_SECONDS,
                              seconds_help="stepping time of each hall session")
    parser.add_argument("--think", type=float, default=5.0,
                        help="mean pause between a session's clicks, in seconds (0: none)")
    common.add_ramp_argument(parser, 10.0, "the sessions")
    parser.add_argument("--baseline-think", type=float, default=0.5,
                        help="mean pause between the baseline session's clicks")
    common.add_points_argument(parser, "each session's")
    parser.add_argument("--seed", type=int, default=0, help="draws the sessions' seeds")
    parser.add_argument("--replicas", type=int, default=1,
                        help=f"1: one streamlit server; 2 to {MAX_REPLICAS}: a hall, serve.sh "
                             "--replicas N (HAProxy in front, sticky by cookie); the baseline "
                             "runs on the same kind of servers")
    parser.add_argument("--kill-after", type=float, default=None,
                        help="kill (SIGKILL) replica1 this many seconds into the hall phase "
                             "(needs --replicas 2 or more)")
    args = parser.parse_args(argv)
    common.check_hall_arguments(parser, args, MAX_SESSIONS, MAX_SECONDS)
    common.check_range(parser, args, ("think", "baseline_think"), 0, MAX_THINK_S)
    common.check_range(parser, args, ("replicas",), 1, MAX_REPLICAS)
    if args.kill_after is not None and (args.replicas < 2
                                        or not 0 < args.kill_after < args.ramp + args.seconds):
        parser.error("--kill-after needs --replicas 2 or more and a time within the hall phase")
    common.check_range(parser, args, ("ramp",), 0, MAX_RAMP_S)
    common.check_points(parser, args)
    return args


def main(argv=None) -> int:
    args = parse_arguments(argv)
    common.unwind_on_sigterm()  # asyncio.run's own SIGINT handler then cancels the run
    budget_s = (phase_budget_s(args.seconds, args.ramp, args.replicas)
                + phase_budget_s(args.baseline_seconds, 0.0, args.replicas)
                + 300)  # + the expected runs
    try:
        with Watchdog(budget_s):
            phases = asyncio.run(main_async(args))
    except KeyboardInterrupt:
        print("\ninterrupted: the sessions were closed and the server stopped", file=sys.stderr)
        return 130
    hall = phases["hall"]
    baseline = phases.get("baseline")
    print()
    print(common.table(CLICK_COLUMNS, phases))
    print("(lat.: click latency, request sent -> script_finished; st.: clicks sent after "
          "every session had opened; open: first GET -> first run finished)\n")
    print(common.table(SERVER_COLUMNS, phases))
    print("(server CPU per click over the whole phase, opens included; steady: after every "
          "session had opened; server/client: CPU share of one core; refs: cached-figure "
          "references the server sent instead of figures)")
    summary = common.run_summary(args, phases) | common.ratios(hall, baseline, "latency")
    if "p95_ratio" in summary:
        print(f"\np95 click latency, {hall['sessions']} sessions against 1 alone: "
              f"{summary['p95_ratio']:.2f}x (target <= 3x); median {summary['median_ratio']:.2f}x")
    for name, phase in phases.items():
        if phase.get("haproxy_cpu_s") is not None:
            print(f"{name}: sessions per replica (HAProxy's cookie) "
                  f"{phase['replica_of_sessions']}; HAProxy used "
                  f"{phase['haproxy_cpu_s']:.1f} CPU-s")
        kill = phase.get("kill")
        if kill:
            back = kill["back_after"]
            print(f"{name}: {kill['replica']} killed at {kill['at_s']:.1f} s with "
                  f"{kill['sessions_on_it']} sessions on it; {kill['sessions_reconnected']} "
                  f"reconnected (to {kill['replicas_after']}), "
                  f"{kill['sessions_recovered_exactly']} came back to exactly their view "
                  f"(whole-page runs asked for: {kill['rerun_requested']}); back after "
                  f"{common.ms(back['median_s'])} ms median, {common.ms(back['p95_s'])} ms p95, "
                  f"{common.ms(back['max_s'])} ms max")
            for line in kill["not_recovered"][:5]:
                print(f"  not recovered: {line}")
        common.print_session_problems(name, phase)
    common.write_results(f"protocol_load_{args.sessions}x{args.seconds:.0f}s_think{args.think:g}"
                  f"_r{args.replicas}{'_kill' if args.kill_after else ''}", summary)
    kill = hall.get("kill")
    recovered = (kill is None or kill["sessions_recovered_exactly"]
                 == kill["sessions_reconnected"] == kill["sessions_on_it"])
    return 0 if hall["errors"] == 0 and hall["leaks"] == 0 and recovered else 1


if __name__ == "__main__":
    sys.exit(main())
