"""Rooms: followers see the lecturer's view. A pure-Python store (no Streamlit import).

The lecturer's page creates a room with its current view and updates it on each click; each
follower's page polls it by code. Everything a page needs is importable from here::

    from ui import rooms

    store = rooms.room_store_from_environment()     # once per process (st.cache_resource)
    view = rooms.RoomView(page="em_2d", query={"dataset": "blobs", "k": "3", "step": "4"})
    code, token = store.create_room(view)           # the token stays in the lecturer's session
    store.update_room(code, token, view)            # on each of the lecturer's clicks
    code = rooms.parse_room_code(text_from_url)     # InvalidRoomCode before any store access
    state = store.read_room_if_newer(code, known)   # follower's poll: RoomState or None
    rooms.format_room_code(code)                    # "ABCDE-FGHJK" for the screen

Every failure is a ``rooms.RoomError`` whose ``str()`` is a sentence the page can show as is.
Modules: ``codes`` (codes, tokens), ``model`` (RoomView, RoomState, RoomPolicy), ``errors``,
``store`` (the RoomStore interface and shared rules), ``sqlite_store``, ``redis_store``,
``factory`` (``EM_ROOM_STORE``), ``qr`` (the join link's QR code, segno).

The Streamlit side is imported on its own, so that this package stays free of Streamlit:
``ui.rooms.panel`` is the seam a page calls (``RoomSessionState``, ``note_join_link``,
``room_panel``, ``sync_room``) and the presenter's panel; ``ui.rooms.follower`` the follower's
join, poll and bar; ``ui.rooms.live`` what both share (the session's room state, the store).
"""

from ui.rooms.codes import (
    CODE_ALPHABET,
    CODE_BITS,
    CODE_LENGTH,
    ROOM_QUERY_PARAMETER,
    format_room_code,
    new_room_code,
    parse_room_code,
)
from ui.rooms.errors import (
    InvalidRoomCode,
    InvalidRoomState,
    NotPresenter,
    RoomClosed,
    RoomCorrupt,
    RoomError,
    RoomNotFound,
    RoomStoreUnavailable,
)
from ui.rooms.factory import (
    DEFAULT_SQLITE_PATH,
    ROOM_STORE_SETTING,
    ROOM_TTL_SETTING,
    room_store_from_environment,
    room_store_from_url,
)
from ui.rooms.model import (
    DEFAULT_POLICY,
    ROOM_PAGES,
    ROOM_PARAMETERS,
    RoomCreated,
    RoomPolicy,
    RoomState,
    RoomView,
)
from ui.rooms.sqlite_store import SQLiteRoomStore
from ui.rooms.store import DEFAULT_TTL_SECONDS, RoomStore

__all__ = [
    "CODE_ALPHABET", "CODE_BITS", "CODE_LENGTH", "DEFAULT_POLICY", "DEFAULT_SQLITE_PATH",
    "DEFAULT_TTL_SECONDS", "ROOM_PAGES", "ROOM_PARAMETERS", "ROOM_QUERY_PARAMETER",
    "ROOM_STORE_SETTING",
    "ROOM_TTL_SETTING", "InvalidRoomCode", "InvalidRoomState", "NotPresenter", "RoomClosed",
    "RoomCorrupt", "RoomCreated", "RoomError", "RoomNotFound", "RoomPolicy", "RoomState",
    "RoomStore", "RoomStoreUnavailable", "RoomView", "SQLiteRoomStore", "format_room_code",
    "new_room_code", "parse_room_code", "room_store_from_environment", "room_store_from_url",
]
