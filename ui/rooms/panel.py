"""Rooms on a page: the seam with the page and the presenter's panel (the Streamlit side of
rooms; the follower's side is ``follower``, what both share ``live``).

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

from collections.abc import Mapping
from urllib.parse import urlparse

import streamlit as st

from ui import pages
from ui.kit.links import last_value, link_url
from ui.kit.session import SESSION
from ui.rooms.codes import ROOM_QUERY_PARAMETER, format_room_code
from ui.rooms.errors import InvalidRoomState, RoomError, RoomNotFound, RoomStoreUnavailable
from ui.rooms.follower import check_follower, follower_bar, join
from ui.rooms.live import (  # noqa: F401 (RoomSessionState, forget_room_store: the seam's API)
    RECONNECT_GUARD_S,
    ROOM_PAGE_IDS,
    ApplyQuery,
    RoomSessionState,
    forget_room_store,
    notice,
    room_store,
    room_store_ttl_hours,
    said,
    show_notice,
)
from ui.rooms.model import RoomView
from ui.rooms.qr import qr_html

_LOOPBACK_NAMES = ("localhost", "::1", "0.0.0.0")

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
        join(state, page_id, request, apply_query)
    notice = state.take("room_notice", None)
    if notice is not None:
        show_notice(*notice)
    with sidebar_box:
        _sidebar_section(state, page_id)
    if state.presenting:
        _presenter_bar(state, page)
    elif state.member_of:
        follower_bar(state, page_id, apply_query)
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
        check_follower(state, query)


def join_link(page: pages.Page, code: str) -> str:
    """``<this page's address>?room=<code>``, from the address the browser used."""
    base = st.context.url or f"http://localhost:8501/{page.url_path}"
    return link_url(base, {ROOM_QUERY_PARAMETER: code})


# --- the presenter --------------------------------------------------------------------------------


def _start(state: RoomSessionState, page_id: str) -> None:
    query = state.shown_query
    if query is None:
        notice(state, "warning", "This view cannot be presented: a room carries the settings "
                "of a link, and an uploaded CSV stays in your browser session. Choose a data "
                "set from the list to present.")
        return
    try:
        code, token = room_store().create_room(RoomView(page=page_id, query=dict(query)))
    except RoomError as error:
        notice(state, "error", f"No room could be opened. {said(error)}")
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
        notice(state, "info", f"Room {shown} had already ended.")
    except RoomError as error:
        notice(state, "warning", f"Room {shown} could not be closed: {said(error)} It ends by "
                f"itself "
                f"{room_store_ttl_hours():g} h after your last step.")
    else:
        notice(state, "success", f"Room {shown} is closed. Its students are told so and keep "
                "working on their own.")


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
        st.warning(f"{said(error)} Your students keep seeing your last view until the store "
                   "answers; your next step tries again.")
        return
    except InvalidRoomState as error:
        st.warning(f"This view cannot be sent to room {shown}: {said(error)}")
        return
    except RoomError as error:  # the room ended: expired, closed, or no longer ours
        _end_presenting(state)
        notice(state, "warning", f"{said(error)} You are no longer presenting; press "
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
