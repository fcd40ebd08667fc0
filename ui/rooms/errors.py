"""The errors of the room store: one family, each with a message a page can show as it is.

Every message is plain text built from the store's own words, room codes (which only contain
the characters of ``CODE_ALPHABET``) and allow-listed parameter names: it never repeats a value
that came from a URL or from the store, so a page may show ``str(error)`` without escaping it
as markup. Show it with ``st.error(str(error))`` or ``st.text``; log details come separately.

    RoomError                       base class: catch this to keep the page working on its own
    ├── InvalidRoomCode (ValueError)   a ``room=`` value that cannot be a room code (no store access)
    ├── InvalidRoomState (ValueError)  settings the store refuses to hold (checked before writing)
    ├── RoomNotFound                  no such room, or it expired
    │   ├── RoomClosed                the presenter closed it
    │   └── RoomCorrupt               the stored value fails validation: treated as missing
    ├── NotPresenter                  a missing or wrong presenter token: only the presenter may
    │                                 update or close a room
    └── RoomStoreUnavailable          the store cannot be reached or used (Redis down, SQLite file
                                      unwritable or locked, a bad EM_ROOM_STORE setting)
"""

from __future__ import annotations


class RoomError(Exception):
    """Anything that went wrong with a room; ``str(error)`` is a sentence fit for the page."""


class InvalidRoomCode(RoomError, ValueError):
    """The text is not a well-formed room code (refused before the store is touched)."""


class InvalidRoomState(RoomError, ValueError):
    """A room value that breaks the room policy (page, parameter names, characters, sizes)."""


class RoomNotFound(RoomError):
    """No room with this code, or it expired (a few hours without the presenter's activity)."""


class RoomClosed(RoomNotFound):
    """The presenter closed the room."""


class RoomCorrupt(RoomNotFound):
    """The store holds a value for this room that fails validation; it is never passed on."""


class NotPresenter(RoomError):
    """The presenter token is missing or wrong: a follower cannot change a room."""


class RoomStoreUnavailable(RoomError):
    """The store is down, unreachable, locked or misconfigured; the page must carry on alone.

    ``str(error)`` says what failed in general words (fit for a hall); ``error.detail`` adds
    where (the SQLite file's path, the Redis host and port) for the server's log.
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail if detail is not None else message
