"""The room store's one interface: ``RoomStore``, and the rules both backends share.

Every rule lives here, once: codes are parsed (``parse_room_code``) and tokens checked for
form before a backend is touched; views pass ``RoomPolicy.check`` before they are written and
again after they are read; tokens are compared in constant time; expiry is decided by the
store's clock (injectable, for tests). A backend (``SQLiteRoomStore``, ``RedisRoomStore``)
only keeps ``RoomRecord``s: insert one if the code is free, fetch one (its payload only if it is
newer than a version the caller has), change one atomically, and maps its own failures to
``RoomStoreUnavailable``.

Lifecycle of a room::

    code, token = store.create_room(view)        # version 1; the presenter keeps the token
    store.update_room(code, token, view)         # version + 1 if the view changed; activity
    store.read_room(code)                        # -> RoomState (followers; not activity)
    store.read_room_if_newer(code, version)      # -> RoomState or None: the cheap poll
    store.close_room(code, token)                # followers then read RoomClosed

A room expires ``ttl_seconds`` (default 4 h) after the presenter's last create/update; reading
never extends it. An expired room reads as RoomNotFound ("not found or has expired").
"""

from __future__ import annotations

import logging
import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace

from ui.rooms.codes import (
    format_room_code,
    hash_presenter_token,
    is_well_formed_token,
    new_presenter_token,
    new_room_code,
    parse_room_code,
    token_matches,
)
from ui.rooms.errors import (
    InvalidRoomState,
    NotPresenter,
    RoomClosed,
    RoomCorrupt,
    RoomNotFound,
    RoomStoreUnavailable,
)
from ui.rooms.model import DEFAULT_POLICY, RoomCreated, RoomPolicy, RoomState, RoomView

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 4 * 3600.0
MAX_TTL_SECONDS = 7 * 24 * 3600.0
_CREATE_ATTEMPTS = 5  # a clash of two 50-bit codes is ~1e-15 per room: 5 tries is plenty
_HEX = frozenset("0123456789abcdef")
_LOG_EVERY_S = 30.0

Clock = Callable[[], float]


class MalformedRecord(Exception):
    """Raised by ``RoomRecord.from_raw`` (a backend's stored fields are not a room record)."""


@dataclass(frozen=True)
class RoomRecord:
    """What a backend keeps per room code.

    version: >= 1. token_hash: SHA-256 hex digest of the presenter token. closed: the presenter
    closed the room (a tombstone until it expires). payload: ``RoomView.to_json()``; None when
    the room is closed, or when a fetch asked only for a version newer than the caller's and
    there was none. updated_at, expires_at: seconds since the epoch (the store's clock).
    """

    version: int
    token_hash: str
    closed: bool
    payload: str | None
    updated_at: float
    expires_at: float

    @classmethod
    def from_raw(cls, version, token_hash, closed, payload, updated_at, expires_at) -> RoomRecord:
        """A record from a backend's raw values (text or numbers): MalformedRecord if bad."""
        try:
            version_number = int(version)
            updated = float(updated_at)
            expires = float(expires_at)
            closed_flag = int(closed)
        except (TypeError, ValueError):
            raise MalformedRecord("its version, times or flags are not numbers") from None
        if version_number < 1 or closed_flag not in (0, 1):
            raise MalformedRecord("its version or closed flag is out of range")
        if not (math.isfinite(updated) and math.isfinite(expires)):
            raise MalformedRecord("its times are not finite")
        if not (isinstance(token_hash, str) and len(token_hash) == 64
                and set(token_hash) <= _HEX):
            raise MalformedRecord("its token digest is not a SHA-256 digest")
        if payload is not None and not isinstance(payload, str):
            raise MalformedRecord("its value is not text")
        return cls(version_number, token_hash, bool(closed_flag), payload, updated, expires)


class RoomStore(ABC):
    """A place where rooms live, shared by every replica that uses the same settings.

    Thread-safe; one instance per process is enough (``st.cache_resource``). Every method may
    raise ``RoomStoreUnavailable`` (quickly: short timeouts) besides the errors it documents;
    all are ``RoomError``s whose message a page can show as it is.

    policy: the allow-list every view must pass (write and read). ttl_seconds: a room expires
    this long after the presenter's last create/update (reads do not count). clock: seconds
    since the epoch (``time.time``; tests inject their own).
    """

    def __init__(self, *, policy: RoomPolicy = DEFAULT_POLICY,
                 ttl_seconds: float = DEFAULT_TTL_SECONDS, clock: Clock = time.time) -> None:
        if not (isinstance(ttl_seconds, int | float) and 0 < ttl_seconds <= MAX_TTL_SECONDS):
            raise ValueError(f"ttl_seconds must be in (0, {MAX_TTL_SECONDS:.0f}]")
        self.policy = policy
        self.ttl_seconds = float(ttl_seconds)
        self.clock = clock
        self._last_logged = -math.inf

    # --- the interface ------------------------------------------------------------------------

    def create_room(self, view: RoomView) -> RoomCreated:
        """A new room showing ``view`` (version 1): ``code, presenter_token = ...``.

        Raises InvalidRoomState if ``view`` breaks the policy (nothing is written).
        """
        payload = self.policy.check(view).to_json()
        token = new_presenter_token()
        now = self._now()
        record = RoomRecord(version=1, token_hash=hash_presenter_token(token), closed=False,
                            payload=payload, updated_at=now, expires_at=now + self.ttl_seconds)
        for _ in range(_CREATE_ATTEMPTS):
            code = new_room_code()
            if self._insert(code, record, now):
                return RoomCreated(code=code, presenter_token=token)
        raise RoomStoreUnavailable("No free room code was found; please try again.")

    def update_room(self, code: str, presenter_token: str, view: RoomView) -> RoomState:
        """Show ``view`` in the room; returns the room as followers will now read it.

        The version goes up by one if the view differs from the stored one (an unchanged view
        keeps the version, so followers fetch nothing); either way the room's expiry restarts.
        Raises InvalidRoomCode, NotPresenter (missing or wrong token), InvalidRoomState,
        RoomNotFound (missing or expired), RoomClosed.
        """
        code = parse_room_code(code)
        self._require_token(code, presenter_token)
        payload = self.policy.check(view).to_json()
        now = self._now()

        def change(record: RoomRecord | None) -> RoomRecord:
            live = self._presenters_room(code, record, presenter_token, now)
            changed = payload != live.payload
            return replace(live, version=live.version + changed, payload=payload,
                           updated_at=now, expires_at=now + self.ttl_seconds)

        record = self._modify_checked(code, change)
        return RoomState(code=code, view=view, version=record.version,
                         updated_at=record.updated_at)

    def close_room(self, code: str, presenter_token: str) -> None:
        """End the room: followers then read RoomClosed until it expires.

        Raises InvalidRoomCode, NotPresenter, RoomNotFound, RoomClosed (already closed).
        """
        code = parse_room_code(code)
        self._require_token(code, presenter_token)
        now = self._now()

        def change(record: RoomRecord | None) -> RoomRecord:
            live = self._presenters_room(code, record, presenter_token, now)
            return replace(live, version=live.version + 1, closed=True, payload=None,
                           updated_at=now, expires_at=now + self.ttl_seconds)

        self._modify_checked(code, change)

    def read_room(self, code: str) -> RoomState:
        """The room's current state. Raises InvalidRoomCode (before touching the store),
        RoomNotFound (missing or expired), RoomClosed, RoomCorrupt (fails validation)."""
        code = parse_room_code(code)
        record = self._live(code, self._fetch_checked(code, None), self._now())
        return self._state(code, record)

    def read_room_if_newer(self, code: str, known_version: int) -> RoomState | None:
        """The room's state if its version is above ``known_version``, else None: the poll.

        Reads the version first and the view only when it is newer, so an unchanged room costs
        one small lookup. ``known_version`` 0 always returns the state. Raises as ``read_room``.
        """
        if isinstance(known_version, bool) or not isinstance(known_version, int) \
                or known_version < 0:
            raise ValueError("known_version must be a whole number >= 0")
        code = parse_room_code(code)
        record = self._live(code, self._fetch_checked(code, known_version), self._now())
        if record.version <= known_version:
            return None
        return self._state(code, record)

    def ping(self) -> None:
        """Check that the store answers (and, for SQLite, that its file can be written);
        RoomStoreUnavailable if not."""
        self._ping()

    def close(self) -> None:  # noqa: B027 (optional for a backend)
        """Release connections (the store reconnects if used again)."""

    @property
    @abstractmethod
    def description(self) -> str:
        """Where the rooms live, for messages and logs (no password)."""

    # --- what a backend provides --------------------------------------------------------------

    @abstractmethod
    def _insert(self, code: str, record: RoomRecord, now: float) -> bool:
        """Store ``record`` under ``code`` unless a room holds the code: True if stored.

        A backend may drop rooms that expired before ``now`` while it is there.
        """

    @abstractmethod
    def _fetch(self, code: str, newer_than: int | None) -> RoomRecord | None:
        """The record (None if absent). With ``newer_than``, the payload may be left out
        (None) when the version is not above it: the cheap poll."""

    @abstractmethod
    def _modify(self, code: str,
                change: Callable[[RoomRecord | None], RoomRecord]) -> RoomRecord:
        """Atomically: read the record, ``change`` it (it may raise: then nothing is written),
        write the result, return it."""

    @abstractmethod
    def _ping(self) -> None:
        """Raise RoomStoreUnavailable unless the store answers."""

    # --- the shared rules ---------------------------------------------------------------------

    def _now(self) -> float:
        return float(self.clock())

    def _unavailable(self, reason: str) -> RoomStoreUnavailable:
        """The error for a store that failed; logged (at most every ``_LOG_EVERY_S``, since
        every follower's poll meets the same failure)."""
        detail = f"{self.description}: {reason}"
        now = time.monotonic()
        if now - self._last_logged >= _LOG_EVERY_S:
            self._last_logged = now
            log.warning("room store unavailable: %s", detail)
        return RoomStoreUnavailable(f"The room store is unavailable ({reason}). The page keeps "
                                    "working on its own.", detail=detail)

    def _not_found(self, code: str) -> RoomNotFound:
        hours = self.ttl_seconds / 3600
        return RoomNotFound(f"Room {format_room_code(code)} was not found or has expired "
                            f"(rooms expire {hours:g} h after the presenter's last step).")

    def _corrupt(self, code: str, reason: object) -> RoomCorrupt:
        log.warning("room %s in %s fails validation: %s", code, self.description, reason)
        return RoomCorrupt(f"Room {format_room_code(code)} holds a value that fails validation "
                           f"({reason}); it is treated as missing.")

    def _require_token(self, code: str, presenter_token: object) -> None:
        if presenter_token is None or presenter_token == "":
            raise NotPresenter(f"Only the presenter can change room {format_room_code(code)}, "
                               "and no presenter token was given.")
        if not is_well_formed_token(presenter_token):
            raise NotPresenter(f"Only the presenter can change room {format_room_code(code)}: "
                               "this is not a presenter token.")

    def _live(self, code: str, record: RoomRecord | None, now: float) -> RoomRecord:
        """``record`` if it is a room that has not expired and is not closed."""
        if record is None or now >= record.expires_at:
            raise self._not_found(code)
        if record.closed:
            raise RoomClosed(f"The presenter closed room {format_room_code(code)}.")
        return record

    def _presenters_room(self, code: str, record: RoomRecord | None, presenter_token: str,
                         now: float) -> RoomRecord:
        if record is None or now >= record.expires_at:
            raise self._not_found(code)
        if not token_matches(presenter_token, record.token_hash):
            raise NotPresenter(f"Only the presenter can change room {format_room_code(code)}: "
                               "the presenter token does not match.")
        return self._live(code, record, now)

    def _state(self, code: str, record: RoomRecord) -> RoomState:
        """The record as a follower may see it: its view re-validated (RoomCorrupt if not)."""
        try:
            view = self.policy.check(RoomView.from_json(record.payload))
        except InvalidRoomState as error:
            raise self._corrupt(code, str(error).rstrip(".")) from None
        return RoomState(code=code, view=view, version=record.version,
                         updated_at=record.updated_at)

    def _fetch_checked(self, code: str, newer_than: int | None) -> RoomRecord | None:
        try:
            return self._fetch(code, newer_than)
        except MalformedRecord as error:
            raise self._corrupt(code, str(error)) from None

    def _modify_checked(self, code: str,
                        change: Callable[[RoomRecord | None], RoomRecord]) -> RoomRecord:
        try:
            return self._modify(code, change)
        except MalformedRecord as error:
            raise self._corrupt(code, str(error)) from None
