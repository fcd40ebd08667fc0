"""What the presenter's and the follower's sides of a room share: the session's room state,
the page identifiers a room names, this server's room store and the room messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from ui import pages
from ui.kit.escape import untrusted_markdown
from ui.kit.links import LinkState
from ui.kit.session import Field
from ui.rooms.errors import RoomStoreUnavailable
from ui.rooms.factory import room_store_from_environment
from ui.rooms.store import RoomStore

# A follower shows the lecturer's click within about POLL_S (+ one page run). Each poll is a
# fragment run, and its server CPU is almost all Streamlit's fixed cost of a run (the browser's
# message with every widget's state, a script thread, the new-session, block, status and
# finished messages): 7-9 ms on the 2-core test machine, against 0.02 ms for the store read
# (SQLite; 0.2 ms with Redis) (issue #13). At POLL_S = 1, 200 followers cost about 1.5 cores
# at rest; a shorter interval costs proportionally more, and only fewer runs per follower (a
# push) would cost less.
POLL_S = 1.0
RECONNECT_GUARD_S = 3600.0  # see reconnect_guard
ROOM_PAGE_IDS = {pages.EM_1D: "em_1d", pages.EM_2D: "em_2d", pages.COMPARE: "compare"}
MESSAGE_CHARS = 700

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


def room_store_ttl_hours() -> float:
    """How long a room lives after its last update (4 h when rooms are off)."""
    store, _problem = _store_or_problem()
    return 4.0 if store is None else store.ttl_seconds / 3600


def forget_room_store() -> None:
    """Build the store again from the environment on next use (tests change EM_ROOM_STORE)."""
    store, _problem = _store_or_problem()
    if store is not None:
        store.close()
    _store_or_problem.clear()


# --- messages -----------------------------------------------------------------------------------


def notice(state: RoomSessionState, kind: str, markdown: str) -> None:
    state.room_notice = (kind, markdown)


def show_notice(kind: str, markdown: str) -> None:
    """Show a notice: Markdown written here, whose outside parts went through ``said``."""
    show = {"error": st.error, "warning": st.warning, "success": st.success}.get(kind, st.info)
    show(markdown)


def said(error: object) -> str:
    """A room error's sentence for Markdown. The store writes its messages from its own words
    and canonical codes, but they are escaped like any text the page did not write."""
    return untrusted_markdown(str(error), max_chars=MESSAGE_CHARS)


def problem_list(problems: Sequence[str]) -> str:
    return "\n".join(f"- {untrusted_markdown(problem, max_chars=400)}" for problem in problems)
