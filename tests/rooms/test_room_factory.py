"""EM_ROOM_STORE and EM_ROOM_TTL_HOURS choose the store; a bad setting turns rooms off."""

from __future__ import annotations

import pytest

from tests.rooms.conftest import VIEW
from ui.rooms import (
    DEFAULT_SQLITE_PATH,
    DEFAULT_TTL_SECONDS,
    RoomStoreUnavailable,
    SQLiteRoomStore,
    room_store_from_environment,
)
from ui.rooms.factory import REPOSITORY_ROOT
from ui.rooms.redis_store import RedisRoomStore


def test_the_default_is_a_sqlite_file_under_the_repository():
    store = room_store_from_environment({})
    assert isinstance(store, SQLiteRoomStore)
    assert store.path == DEFAULT_SQLITE_PATH == REPOSITORY_ROOT / ".run" / "rooms.db"
    assert store.create_directory and store.ttl_seconds == DEFAULT_TTL_SECONDS == 4 * 3600
    for empty in ("", "sqlite://"):
        assert room_store_from_environment({"EM_ROOM_STORE": empty}).path == DEFAULT_SQLITE_PATH


def test_a_sqlite_path_absolute_or_from_the_repository_root(tmp_path):
    store = room_store_from_environment({"EM_ROOM_STORE": f"sqlite://{tmp_path}/rooms.db"})
    assert store.path == tmp_path / "rooms.db" and not store.create_directory
    code, _ = store.create_room(VIEW)
    assert store.read_room(code).version == 1
    store.close()
    relative = room_store_from_environment({"EM_ROOM_STORE": "sqlite://var/rooms.db"})
    assert relative.path == REPOSITORY_ROOT / "var" / "rooms.db"


def test_a_redis_address_chooses_redis(redis_server):
    store = room_store_from_environment({"EM_ROOM_STORE": redis_server.url,
                                         "EM_ROOM_TTL_HOURS": "2.5"})
    assert isinstance(store, RedisRoomStore)
    assert store.ttl_seconds == 2.5 * 3600
    code, token = store.create_room(VIEW)
    assert store.update_room(code, token, VIEW).version == 1
    assert store.description == f"Redis at 127.0.0.1:{redis_server.port}/0"
    store.close()


@pytest.mark.parametrize("setting, value, message", [
    ("EM_ROOM_STORE", "mysql://admin:hunter2@db/rooms", "must be sqlite:///path"),
    ("EM_ROOM_STORE", "/tmp/rooms.db", "must be sqlite:///path"),
    ("EM_ROOM_TTL_HOURS", "forever", "must be a number of hours"),
    ("EM_ROOM_TTL_HOURS", "0", "must be a number of hours"),
    ("EM_ROOM_TTL_HOURS", "1000", "must be a number of hours"),
])
def test_a_bad_setting_turns_rooms_off_with_a_clear_message(setting, value, message):
    with pytest.raises(RoomStoreUnavailable, match=message) as off:
        room_store_from_environment({setting: value})
    assert "keeps working without rooms" in str(off.value)
    assert "hunter2" not in str(off.value)
