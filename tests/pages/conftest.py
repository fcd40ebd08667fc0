"""Fixtures of the page tests: the room store of the rooms tests (tests/pages/test_rooms*.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.redis_server import RedisServer
from tests.pages.room_helpers import RoomBackend
from tests.rooms.conftest import Backend, redis_server_or_fail
from ui.rooms import panel
from ui.rooms.redis_store import DEFAULT_KEY_PREFIX


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """A redis-server for the room tests of one module."""
    with redis_server_or_fail() as server:
        yield server


@pytest.fixture(params=["sqlite", "redis"])
def room_backend(request, tmp_path, monkeypatch) -> Iterator[RoomBackend]:
    """Every room test runs twice: EM_ROOM_STORE is a SQLite file in ``tmp_path``, then the
    module's ``redis_server``; the app builds its store again on its next run."""
    if request.param == "sqlite":
        path = tmp_path / "rooms.db"
        chosen = RoomBackend(f"sqlite://{path}", Backend("sqlite", sqlite_path=path))
    else:
        server = request.getfixturevalue("redis_server")
        chosen = RoomBackend(server.url, Backend("redis", redis_server=server,
                                                 key_prefix=DEFAULT_KEY_PREFIX))
    monkeypatch.setenv("EM_ROOM_STORE", chosen.url)
    monkeypatch.delenv("EM_ROOM_TTL_HOURS", raising=False)
    panel.forget_room_store()
    yield chosen
    panel.forget_room_store()
