"""Fixtures: one room-store test suite, run against SQLite (a temp file) and Redis (a
redis-server started here on a free loopback port, stopped afterwards).

``backend`` gives a ``Backend``: ``backend.store(**options)`` builds a store on the same storage
(options such as ``clock=``, ``policy=``, ``ttl_seconds=``), ``backend.raw(code)`` and
``backend.inject(code, field=value)`` read and write the stored fields directly, bypassing every
check, so that a test can plant a bad value and see that reading refuses it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devtools.redis_server import (
    RedisServer,
    RedisServerMissing,
    running_redis_server,
)
from ui.rooms import RoomStore, RoomView, SQLiteRoomStore
from ui.rooms.redis_store import RedisRoomStore

# Stored field names: the store's record attribute -> SQLite column / Redis hash field.
SQLITE_COLUMNS = {"version": "version", "token_hash": "token_hash", "closed": "closed",
                  "payload": "payload", "updated_at": "updated_at", "expires_at": "expires_at"}
REDIS_FIELDS = {"version": "v", "token_hash": "h", "closed": "c", "payload": "p",
                "updated_at": "u", "expires_at": "e"}

VIEW = RoomView(page="em_2d", query={"dataset": "blobs", "n": "2000", "k": "3", "seed": "1",
                                     "step": "0"})


def view_at(step: int, page: str = "em_2d") -> RoomView:
    """VIEW at another half-step."""
    return RoomView(page=page, query={**VIEW.query, "step": str(step)})


@dataclass
class FakeClock:
    """An injectable time source: ``clock.advance(3600)`` instead of sleeping."""

    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Backend:
    name: str
    sqlite_path: Path | None = None
    redis_server: RedisServer | None = None
    key_prefix: str = ""
    stores: list[RoomStore] = field(default_factory=list)

    def store(self, **options) -> RoomStore:
        if self.name == "sqlite":
            store = SQLiteRoomStore(self.sqlite_path, **options)
        else:
            store = RedisRoomStore(self.redis_server.url, key_prefix=self.key_prefix, **options)
        self.stores.append(store)
        return store

    def spec(self) -> tuple:
        """What another process needs to open the same storage (picklable)."""
        if self.name == "sqlite":
            return ("sqlite", str(self.sqlite_path))
        return ("redis", self.redis_server.url, self.key_prefix)

    def raw(self, code: str) -> dict | None:
        """The stored fields of a room, by record attribute name (None if absent)."""
        if self.name == "sqlite":
            with sqlite3.connect(self.sqlite_path) as connection:
                row = connection.execute(
                    f"SELECT {', '.join(SQLITE_COLUMNS.values())} FROM rooms WHERE code = ?",
                    (code,)).fetchone()
            return None if row is None else dict(zip(SQLITE_COLUMNS, row, strict=True))
        fields = self.redis_server.client().hgetall(self.key_prefix + code)
        return {name: fields.get(key) for name, key in REDIS_FIELDS.items()} if fields else None

    def inject(self, code: str, **values) -> None:
        """Overwrite stored fields of an existing room directly (no validation at all)."""
        if self.name == "sqlite":
            with sqlite3.connect(self.sqlite_path) as connection:
                for name, value in values.items():
                    connection.execute(f"UPDATE rooms SET {SQLITE_COLUMNS[name]} = ? "
                                       "WHERE code = ?", (value, code))
        else:
            self.redis_server.client().hset(
                self.key_prefix + code,
                mapping={REDIS_FIELDS[name]: value for name, value in values.items()})

    def room_count(self) -> int:
        if self.name == "sqlite":
            if not self.sqlite_path.exists():
                return 0
            with sqlite3.connect(self.sqlite_path) as connection:
                tables = connection.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'rooms'").fetchone()[0]
                if not tables:
                    return 0
                return connection.execute("SELECT count(*) FROM rooms").fetchone()[0]
        return len(self.redis_server.client().keys(self.key_prefix + "*"))


@contextmanager
def redis_server_or_fail() -> Iterator[RedisServer]:
    """A fresh redis-server for the ``with`` block; the test fails (never skips) without one."""
    try:
        with running_redis_server() as server:
            yield server
    except RedisServerMissing as missing:
        pytest.fail(str(missing))


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One redis-server for the session (each test uses its own key prefix)."""
    with redis_server_or_fail() as server:
        yield server


@pytest.fixture
def own_redis_server() -> Iterator[RedisServer]:
    """A redis-server of this test alone (it may stop it)."""
    with redis_server_or_fail() as server:
        yield server


@pytest.fixture(params=["sqlite", "redis"])
def backend(request, tmp_path) -> Iterator[Backend]:
    if request.param == "sqlite":
        chosen = Backend("sqlite", sqlite_path=tmp_path / "rooms.db")
    else:
        chosen = Backend("redis", redis_server=request.getfixturevalue("redis_server"),
                         key_prefix=f"test-{uuid.uuid4().hex[:12]}:")
    yield chosen
    for store in chosen.stores:
        store.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
