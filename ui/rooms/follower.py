"""A follower's side of a room: joining from a join link, polling the store for the lecturer's
newer view, "Explore on my own" and "Follow the lecturer"."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from ui.rooms.codes import ROOM_QUERY_PARAMETER, format_room_code, parse_room_code
from ui.rooms.errors import InvalidRoomCode, RoomError, RoomNotFound, RoomStoreUnavailable
from ui.rooms.live import (
    POLL_S,
    ROOM_PAGE_IDS,
    ApplyQuery,
    RoomSessionState,
    notice,
    problem_list,
    room_store,
    said,
    show_notice,
)
from ui.rooms.model import RoomState


def join(state: RoomSessionState, page_id: str, text: str, apply_query: ApplyQuery) -> None:
    try:
        code = parse_room_code(text)  # before any store sees it
    except InvalidRoomCode as error:
        _leave(state)
        show_notice("error", f"This link's room cannot be joined. {said(error)} The page "
                     "works on its own.")
        return
    if code == state.presenting:
        return  # the presenter opened their own join link
    _follow(state, page_id, code, apply_query, show=show_notice)


def _follow(state: RoomSessionState, page_id: str, code: str, apply_query: ApplyQuery,
            show: Callable[[str, str], None]) -> None:
    try:
        room = room_store().read_room(code)
    except RoomNotFound as error:  # closed, expired, never was, or unreadable
        _leave(state)
        show("warning", f"{said(error)} The page works on its own.")
        return
    except RoomError as error:  # the store: the room may still be there
        state.followed_room = ""
        show("error", f"{said(error)}")
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
             + problem_list(problems))


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
            show=lambda kind, text: notice(state, kind, text))


def follower_bar(state: RoomSessionState, page_id: str, apply_query: ApplyQuery) -> None:
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
            st.warning(f"{said(error)} This page keeps the lecturer's last view and asks "
                       "again every second.")
            return
        except RoomError as error:  # the room ended (closed, expired, or unreadable)
            _leave(state)
            notice(state, "warning", f"{said(error)} You are on your own from here, with "
                    "the lecturer's last view.")
            st.rerun(scope="app")
        if newer is None:
            return
        problems = _show_room(state, newer, apply_query)
        if problems:
            notice(state, "warning", "Some of the room's settings could not be used here:\n"
                    + problem_list(problems))
        st.rerun(scope="app")

    poll()


def check_follower(state: RoomSessionState, query: Mapping[str, str] | None) -> None:
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
    notice(state, "info", "Your own step changed only your screen: only the presenter can "
            f"change room {format_room_code(state.member_of)}. You are exploring on your own "
            "now; press “Follow the lecturer” to see the lecturer's view again.")
    st.rerun(scope="app")


def _settings(query: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in query.items()
            if name not in ("step", ROOM_QUERY_PARAMETER)}
