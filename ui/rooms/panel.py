"""Rooms on a page: the presenter's panel and the follower's poll (the Streamlit side of rooms).

A page that offers rooms adds :class:`RoomSessionState` to its state class and calls, with its
registry entry ``page`` (``ui.pages.EM_2D`` ...)::

    note_join_link(state, query)          # from its link reader, when a link has just opened
    room_panel(state, page, apply_query, sidebar_box)   # before its settings widgets are drawn
    sync_room(state, page, query)         # where it writes its link, on every draw

``apply_query(query) -> problems`` shows a view given by its deep-link query, as the page's own
link reader does (every value checked again), at that query's half-step.

The lecturer presses ``Start presenting``: a room is created from the view on screen (the same
query as the page's link, so only validated settings reach the store); the page shows the join
link (``<page URL>?room=<code>``), the code and, in presentation mode, a large QR code; every
draw whose query changed updates the room. The presenter token stays in this session's state.

A student who opens the join link joins the room: the room's view is applied before the widgets
are drawn, and a fragment polls the store every ``POLL_S`` seconds (one small read while nothing
changed); a newer view is applied and the page reruns. ``Explore on my own`` stops following
(the student's own controls, from where the room is); ``Follow the lecturer`` comes back to the
room's current view. A follower's own change of the view is exploring: it never reaches the
room. Every failure (a malformed code, a room that is gone, a store that is down or misconfigured)
is said in a sentence, and the page carries on alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlparse

import streamlit as st

from ui import pages
from ui.kit.escape import untrusted_markdown
from ui.kit.links import LinkState, last_value, link_url
from ui.kit.session import SESSION, Field
from ui.rooms.codes import ROOM_QUERY_PARAMETER, format_room_code, parse_room_code
from ui.rooms.errors import (
    InvalidRoomCode,
    InvalidRoomState,
    RoomError,
    RoomNotFound,
    RoomStoreUnavailable,
)
from ui.rooms.factory import room_store_from_environment
from ui.rooms.model import RoomState, RoomView
from ui.rooms.qr import qr_html
from ui.rooms.store import RoomStore

POLL_S = 1.0  # a follower shows the lecturer's click within about this long (+ one page run)
RECONNECT_GUARD_S = 3600.0  # see reconnect_guard
ROOM_PAGE_IDS = {pages.EM_1D: "em_1d", pages.EM_2D: "em_2d", pages.COMPARE: "compare"}
MESSAGE_CHARS = 700
_LOOPBACK_NAMES = ("localhost", "::1", "0.0.0.0")

ApplyQuery = Callable[[dict[str, str]], Sequence[str]]


class RoomSessionState(LinkState):
    """What a session knows about its room on one page (``LinkState.followed_room`` is the room
    followed now, kept in the address bar; "" while exploring or outside a room)."""

    # The presenter.
    presenting = Field(str, "")             # the code of the room this session presents
    presenter_token = Field(str, "")        # its secret: kept here only, never in a URL
    published_query = Field(object, None)   # the view last sent to the room
    show_qr = Field(bool, True)             # the join link's QR code (presentation mode)
    shown_query = Field(object, None)       # the view on screen (None: no link can carry it)
    # A follower.
    member_of = Field(str, "")              # the room joined (kept while exploring)
    room_query = Field(object, None)        # the room's view as last applied
    room_version = Field(int, 0)
    drawn_step = Field(object, None)        # the half-step drawn since (None: not drawn yet)
    join_request = Field(object, None)      # a join link's room= text, until room_panel reads it
    room_notice = Field(object, None)       # (kind, sentence) to show on the next page run
    # Buttons.
    start_presenting = Field(bool, False)
    stop_presenting = Field(bool, False)
    explore_button = Field(bool, False)
    follow_button = Field(bool, False)


# --- the store: one per server process ------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _store_or_problem() -> tuple[RoomStore | None, str]:
    # Building a store touches nothing; only a bad EM_ROOM_STORE / EM_ROOM_TTL_HOURS fails here.
    try:
        return room_store_from_environment(), ""
    except RoomStoreUnavailable as error:
        return None, str(error)


def room_store() -> RoomStore:
    """This server process's room store (``EM_ROOM_STORE``); RoomStoreUnavailable when the
    setting is wrong (rooms are then off, and every room action says so)."""
    store, problem = _store_or_problem()
    if store is None:
        raise RoomStoreUnavailable(problem)
    return store


def forget_room_store() -> None:
    """Build the store again from the environment on next use (tests change EM_ROOM_STORE)."""
    store, _problem = _store_or_problem()
    if store is not None:
        store.close()
    _store_or_problem.clear()


# --- the seam with the page -----------------------------------------------------------------


def note_join_link(state: RoomSessionState, query: Mapping[str, object]) -> None:
    """A link has just opened (the page's link reader calls this with its whole query).

    Its ``room=`` is joined by ``room_panel``; a link without one is the student's own view,
    so a room followed until now is no longer followed (it can be followed again)."""
    if ROOM_QUERY_PARAMETER in query:
        state.join_request = last_value(query[ROOM_QUERY_PARAMETER])
    elif state.followed_room:
        state.followed_room = ""


def room_panel(state: RoomSessionState, page: pages.Page, apply_query: ApplyQuery,
               sidebar_box) -> None:
    """The room's part of the page: joins a join link's room, shows the presenter's or the
    follower's bar at the top of the page and the "Room" section in ``sidebar_box``.

    Must run before the page's settings widgets are drawn (a room's view is written into them).
    """
    page_id = ROOM_PAGE_IDS[page]
    request = state.take("join_request", None)
    if request is not None:
        _join(state, page_id, request, apply_query)
    notice = state.take("room_notice", None)
    if notice is not None:
        _show_notice(*notice)
    with sidebar_box:
        _sidebar_section(state, page_id)
    if state.presenting:
        _presenter_bar(state, page)
    elif state.member_of:
        _follower_bar(state, page_id, apply_query)
    if not state.followed_room:  # a follower's poll does the same
        reconnect_guard()


def reconnect_guard() -> None:
    """A fragment that does nothing, once an hour: it makes a page survive the death of its
    server process behind a load balancer.

    The browser reconnects to another replica, which starts a new session that knows none of
    the page's fragments. Streamlit's frontend (1.67) then asks for a whole-page run only if a
    run was under way, the last run was a fragment's (a step), or the page has a ``run_every``
    fragment; otherwise (the last run was a whole-page run: the page just opened, a setting
    changed) it asks for nothing, and the new session drops every click inside a fragment it
    does not know (the stepping bar): the page looks alive but no longer steps. With this
    fragment every reconnection reruns the page, which rebuilds its view from the address bar
    (the link carries the view; a follower's also carries the room). Tested in Chromium in
    tests/browser/test_rooms_browser.py (a killed replica behind HAProxy).
    """

    @st.fragment(run_every=RECONNECT_GUARD_S)
    def reconnect_guard_fragment() -> None:
        pass

    reconnect_guard_fragment()


def sync_room(state: RoomSessionState, page: pages.Page,
              query: Mapping[str, str] | None) -> None:
    """On every draw, with the view's query (None when no link can carry it, e.g. a CSV):
    the presenter's room is updated when the view changed; a follower who changed the view
    themselves is exploring from now on."""
    state.shown_query = None if query is None else dict(query)
    if state.presenting:
        _publish(state, ROOM_PAGE_IDS[page], query)
    elif state.followed_room:
        _check_follower(state, query)


def join_link(page: pages.Page, code: str) -> str:
    """``<this page's address>?room=<code>``, from the address the browser used."""
    base = st.context.url or f"http://localhost:8501/{page.url_path}"
    return link_url(base, {ROOM_QUERY_PARAMETER: code})


# --- messages -----------------------------------------------------------------------------------


def _notice(state: RoomSessionState, kind: str, markdown: str) -> None:
    state.room_notice = (kind, markdown)


def _show_notice(kind: str, markdown: str) -> None:
    """Show a notice: Markdown written here, whose outside parts went through ``_said``."""
    show = {"error": st.error, "warning": st.warning, "success": st.success}.get(kind, st.info)
    show(markdown)


def _said(error: object) -> str:
    """A room error's sentence for Markdown. The store writes its messages from its own words
    and canonical codes, but they are escaped like any text the page did not write."""
    return untrusted_markdown(str(error), max_chars=MESSAGE_CHARS)


def _problem_list(problems: Sequence[str]) -> str:
    return "\n".join(f"- {untrusted_markdown(problem, max_chars=400)}" for problem in problems)


# --- the presenter --------------------------------------------------------------------------------


def _start(state: RoomSessionState, page_id: str) -> None:
    query = state.shown_query
    if query is None:
        _notice(state, "warning", "This view cannot be presented: a room carries the settings "
                "of a link, and an uploaded CSV stays in your browser session. Choose a data "
                "set from the list to present.")
        return
    try:
        code, token = room_store().create_room(RoomView(page=page_id, query=dict(query)))
    except RoomError as error:
        _notice(state, "error", f"No room could be opened. {_said(error)}")
        return
    state.presenting, state.presenter_token = code, token
    state.published_query = dict(query)
    state.show_qr = True


def _end_presenting(state: RoomSessionState) -> None:
    state.presenting = state.presenter_token = ""
    state.published_query = None


def _stop(state: RoomSessionState) -> None:
    code, token = state.presenting, state.presenter_token
    _end_presenting(state)
    shown = format_room_code(code)
    try:
        room_store().close_room(code, token)
    except RoomNotFound:
        _notice(state, "info", f"Room {shown} had already ended.")
    except RoomError as error:
        _notice(state, "warning", f"Room {shown} could not be closed: {_said(error)} It ends by "
                f"itself "
                f"{room_store_ttl_hours():g} h after your last step.")
    else:
        _notice(state, "success", f"Room {shown} is closed. Its students are told so and keep "
                "working on their own.")


def room_store_ttl_hours() -> float:
    store, _problem = _store_or_problem()
    return 4.0 if store is None else store.ttl_seconds / 3600


def _publish(state: RoomSessionState, page_id: str, query: Mapping[str, str] | None) -> None:
    shown = format_room_code(state.presenting)
    if query is None:
        st.info(f"This view (an uploaded CSV) cannot be sent to room {shown}: a room carries "
                "the settings of a link. Your students keep seeing your last view.")
        return
    query = dict(query)
    if query == state.published_query:
        return
    try:
        room_store().update_room(state.presenting, state.presenter_token,
                                 RoomView(page=page_id, query=query))
    except RoomStoreUnavailable as error:
        st.warning(f"{_said(error)} Your students keep seeing your last view until the store "
                   "answers; your next step tries again.")
        return
    except InvalidRoomState as error:
        st.warning(f"This view cannot be sent to room {shown}: {_said(error)}")
        return
    except RoomError as error:  # the room ended: expired, closed, or no longer ours
        _end_presenting(state)
        _notice(state, "warning", f"{_said(error)} You are no longer presenting; press "
                "“Start presenting” to open a new room.")
        st.rerun(scope="app")
    state.published_query = query


def _sidebar_section(state: RoomSessionState, page_id: str) -> None:
    st.header("Room")
    if state.presenting:
        st.markdown(f"Presenting room **{format_room_code(state.presenting)}**: each of your "
                    "steps is sent to the students who follow it.")
        state.set_default("show_qr", True)
        st.toggle("Large QR code of the join link (presentation mode)", key=state.key("show_qr"))
        st.button("Stop presenting", key=state.key("stop_presenting"), on_click=_stop,
                  args=(state,), help="Close the room: its students keep working on their own.")
    elif state.member_of:
        st.caption(f"You joined room {format_room_code(state.member_of)} (above the figure).")
    else:
        st.button("Start presenting", key=state.key("start_presenting"), on_click=_start,
                  args=(state, page_id),
                  help="Open a room: students who open its link see your view and follow each "
                       "of your steps on their own screens.")


def _presenter_bar(state: RoomSessionState, page: pages.Page) -> None:
    link = join_link(page, state.presenting)
    shown = format_room_code(state.presenting)
    large_qr = SESSION.presentation and state.show_qr
    with st.container(border=True):
        if large_qr:
            text_column, qr_column = st.columns([2, 3], vertical_alignment="center")
        else:
            text_column = qr_column = st.container()
        with text_column:
            st.markdown(f"**Presenting room {shown}.** Students join with this link"
                        f"{' or the QR code' if large_qr else ''}:")
            st.code(link, language=None, wrap_lines=True)
            host = urlparse(link).hostname or ""
            if host in _LOOPBACK_NAMES or host.startswith("127."):
                st.warning("This address names this computer itself, so students' devices "
                           "cannot open it. Give them this machine's network address (serve.sh "
                           f"prints it) followed by /{page.url_path}?room={state.presenting}, "
                           "or open the app at that address and present from there.")
        if large_qr:
            with qr_column:
                st.html(qr_html(link))


# --- a follower -----------------------------------------------------------------------------------


def _join(state: RoomSessionState, page_id: str, text: str, apply_query: ApplyQuery) -> None:
    try:
        code = parse_room_code(text)  # before any store sees it
    except InvalidRoomCode as error:
        _leave(state)
        _show_notice("error", f"This link's room cannot be joined. {_said(error)} The page "
                     "works on its own.")
        return
    if code == state.presenting:
        return  # the presenter opened their own join link
    _follow(state, page_id, code, apply_query, show=_show_notice)


def _follow(state: RoomSessionState, page_id: str, code: str, apply_query: ApplyQuery,
            show: Callable[[str, str], None]) -> None:
    try:
        room = room_store().read_room(code)
    except RoomNotFound as error:  # closed, expired, never was, or unreadable
        _leave(state)
        show("warning", f"{_said(error)} The page works on its own.")
        return
    except RoomError as error:  # the store: the room may still be there
        state.followed_room = ""
        show("error", f"{_said(error)}")
        return
    if room.page != page_id:
        _leave(state)
        target = next(entry for entry, room_id in ROOM_PAGE_IDS.items() if room_id == room.page)
        show("warning", f"Room {format_room_code(code)} is presented on the page "
             f"“{target.title}”: [open it there]({target.link({ROOM_QUERY_PARAMETER: code})}).")
        return
    state.member_of = state.followed_room = code
    problems = _show_room(state, room, apply_query)
    if problems:
        show("warning", "Some of the room's settings could not be used here:\n"
             + _problem_list(problems))


def _show_room(state: RoomSessionState, room: RoomState, apply_query: ApplyQuery):
    """Apply the room's view; returns the problems the page's link reader found in it."""
    problems = tuple(apply_query(dict(room.query)))
    state.room_query = dict(room.query)
    state.room_version = room.version
    state.drawn_step = None
    return problems


def _leave(state: RoomSessionState) -> None:
    state.member_of = state.followed_room = ""
    state.room_query = None
    state.room_version = 0


def _explore(state: RoomSessionState) -> None:
    state.followed_room = ""


def _follow_again(state: RoomSessionState, page_id: str, apply_query: ApplyQuery) -> None:
    _follow(state, page_id, state.member_of, apply_query,
            show=lambda kind, text: _notice(state, kind, text))


def _follower_bar(state: RoomSessionState, page_id: str, apply_query: ApplyQuery) -> None:
    shown = format_room_code(state.member_of)
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        if state.followed_room:
            st.markdown(f"**Following the lecturer** in room {shown}: this page shows the "
                        "lecturer's view and follows each of their steps.")
            st.button("Explore on my own", key=state.key("explore_button"), on_click=_explore,
                      args=(state,), help="Use your own controls, starting from here; the "
                                          "room goes on without you.")
        else:
            st.markdown(f"**Exploring on your own.** Room {shown} goes on without you.")
            st.button("Follow the lecturer", key=state.key("follow_button"),
                      on_click=_follow_again, args=(state, page_id, apply_query),
                      help="Back to the lecturer's current view.")
    if state.followed_room:
        _poll(state, apply_query)


def _poll(state: RoomSessionState, apply_query: ApplyQuery) -> None:
    @st.fragment(run_every=POLL_S)
    def poll():
        code = state.followed_room
        if not code:
            return
        try:
            newer = room_store().read_room_if_newer(code, state.room_version)
        except RoomStoreUnavailable as error:
            # Keep following: the store may answer at the next poll.
            st.warning(f"{_said(error)} This page keeps the lecturer's last view and asks "
                       "again every second.")
            return
        except RoomError as error:  # the room ended (closed, expired, or unreadable)
            _leave(state)
            _notice(state, "warning", f"{_said(error)} You are on your own from here, with "
                    "the lecturer's last view.")
            st.rerun(scope="app")
        if newer is None:
            return
        problems = _show_room(state, newer, apply_query)
        if problems:
            _notice(state, "warning", "Some of the room's settings could not be used here:\n"
                    + _problem_list(problems))
        st.rerun(scope="app")

    poll()


def _check_follower(state: RoomSessionState, query: Mapping[str, str] | None) -> None:
    """A follower's view is the room's, or on its way there (a run computed in slices reaches
    the room's half-step over a few page runs); anything else is the follower's own doing."""
    room = state.room_query
    if room is None:
        return
    step = int(query.get("step", "0")) if query is not None else None
    room_step = int(room.get("step", "0"))
    drawn = state.drawn_step
    if (query is not None and _settings(query) == _settings(room) and step <= room_step
            and (drawn is None or step >= drawn)):
        state.drawn_step = step
        return
    _explore(state)
    _notice(state, "info", "Your own step changed only your screen: only the presenter can "
            f"change room {format_room_code(state.member_of)}. You are exploring on your own "
            "now; press “Follow the lecturer” to see the lecturer's view again.")
    st.rerun(scope="app")


def _settings(query: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in query.items()
            if name not in ("step", ROOM_QUERY_PARAMETER)}
