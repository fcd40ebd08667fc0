"""Choose the room store from the environment: one setting, ``EM_ROOM_STORE``.

``EM_ROOM_STORE``
    unset or empty                  SQLite at ``<repository>/.run/rooms.db`` (the default; the
                                    ``.run`` directory is created on first use)
    ``sqlite:///abs/path/rooms.db``   SQLite at that absolute path (its directory must exist);
                                    ``sqlite://relative/rooms.db`` is taken from the repository
                                    root, not the working directory, so every replica agrees
    ``redis://host:6379/0``         Redis (also ``rediss://``, ``unix://``); needs the ``redis``
                                    extra: ``pip install -e ".[redis]"``
``EM_ROOM_TTL_HOURS``
    hours without the presenter's activity before a room expires: default 4, at most 168.

Nothing here touches the store: the first operation (or ``store.ping()``) does. A bad setting
raises ``RoomStoreUnavailable`` with a message that names the setting (never its value, which
may hold a password), so a page can report it and carry on without rooms.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path

from ui.rooms.errors import RoomStoreUnavailable
from ui.rooms.sqlite_store import SQLiteRoomStore
from ui.rooms.store import DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, RoomStore

ROOM_STORE_SETTING = "EM_ROOM_STORE"
ROOM_TTL_SETTING = "EM_ROOM_TTL_HOURS"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = REPOSITORY_ROOT / ".run" / "rooms.db"
_SQLITE_SCHEME = "sqlite://"
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def room_store_from_environment(environ: Mapping[str, str] | None = None,
                                **options) -> RoomStore:
    """The store that ``EM_ROOM_STORE`` and ``EM_ROOM_TTL_HOURS`` describe (see the module).

    ``options`` go to the store's constructor (e.g. ``clock=``, ``policy=``).
    """
    environ = os.environ if environ is None else environ
    ttl_text = environ.get(ROOM_TTL_SETTING, "").strip()
    if ttl_text:
        options.setdefault("ttl_seconds", _ttl_seconds(ttl_text))
    return room_store_from_url(environ.get(ROOM_STORE_SETTING, ""), **options)


def room_store_from_url(url: str, **options) -> RoomStore:
    """The store at ``url`` (``""`` for the default SQLite file); see the module for forms."""
    url = url.strip()
    if not url:
        return SQLiteRoomStore(DEFAULT_SQLITE_PATH, create_directory=True, **options)
    if url.startswith(_SQLITE_SCHEME):
        path_text = url[len(_SQLITE_SCHEME):]
        if not path_text:
            return SQLiteRoomStore(DEFAULT_SQLITE_PATH, create_directory=True, **options)
        path = Path(path_text)
        return SQLiteRoomStore(path if path.is_absolute() else REPOSITORY_ROOT / path, **options)
    if url.startswith(_REDIS_SCHEMES):
        try:
            from ui.rooms.redis_store import RedisRoomStore
        except ImportError:
            raise RoomStoreUnavailable(
                f"{ROOM_STORE_SETTING} asks for Redis, but the redis client is not installed "
                '(pip install -e ".[redis]"). The page keeps working without rooms.'
            ) from None
        return RedisRoomStore(url, **options)
    raise RoomStoreUnavailable(
        f"{ROOM_STORE_SETTING} must be sqlite:///path/to/rooms.db or redis://host:port/db; "
        "the room store is off. The page keeps working without rooms."
    )


def _ttl_seconds(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        hours = math.nan
    if not (math.isfinite(hours) and 0 < hours * 3600 <= MAX_TTL_SECONDS):
        raise RoomStoreUnavailable(
            f"{ROOM_TTL_SETTING} must be a number of hours above 0 and at most "
            f"{MAX_TTL_SECONDS / 3600:g} (default {DEFAULT_TTL_SECONDS / 3600:g}); the room "
            "store is off. The page keeps working without rooms."
        )
    return hours * 3600
