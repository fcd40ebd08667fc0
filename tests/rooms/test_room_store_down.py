"""A store that is down gives one typed error, RoomStoreUnavailable, with a clear message.

No test here measures time (the machine is shared); "quickly" is checked by the configuration
(short socket timeouts, one reconnection) and by a server that never answers: without the
timeouts that test would hang instead of passing.
"""

from __future__ import annotations

import socket
import sqlite3

import pytest
import redis

from devtools.ports import free_port
from tests.rooms.conftest import VIEW
from ui.rooms import RoomStoreUnavailable, SQLiteRoomStore
from ui.rooms.redis_store import RedisRoomStore


def every_operation(store, code="ABCDEFGHJK", token="a" * 43):
    return {
        "create": lambda: store.create_room(VIEW),
        "read": lambda: store.read_room(code),
        "poll": lambda: store.read_room_if_newer(code, 1),
        "update": lambda: store.update_room(code, token, VIEW),
        "close": lambda: store.close_room(code, token),
        "ping": store.ping,
    }


def assert_all_unavailable(store, reason: str, where: str, **room) -> None:
    """Every operation raises RoomStoreUnavailable: ``reason`` in its message, ``where`` (a
    path, a host) only in its detail for the log, not in the message a hall may see."""
    for name, operation in every_operation(store, **room).items():
        with pytest.raises(RoomStoreUnavailable) as down:
            operation()
        message = str(down.value)
        assert message.startswith("The room store is unavailable ("), (name, message)
        assert "keeps working on its own" in message
        assert reason in message, (name, message)
        assert where in down.value.detail and where not in message, (name, down.value.detail)


# --- Redis -----------------------------------------------------------------------------------


def test_a_stopped_redis_is_reported(own_redis_server):
    store = RedisRoomStore(own_redis_server.url, key_prefix="down:")
    code, token = store.create_room(VIEW)
    assert store.read_room(code).version == 1
    own_redis_server.stop()
    assert_all_unavailable(store, "cannot connect",
                           f"Redis at 127.0.0.1:{own_redis_server.port}/0", code=code, token=token)
    store.close()


def test_a_port_where_nothing_listens_is_reported():
    port = free_port()
    assert_all_unavailable(RedisRoomStore(f"redis://127.0.0.1:{port}/0"), "cannot connect",
                           f"Redis at 127.0.0.1:{port}/0")


def test_a_server_that_never_answers_is_reported_after_the_short_timeout():
    with socket.socket() as silent:  # accepts connections (the kernel does) but never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        port = silent.getsockname()[1]
        store = RedisRoomStore(f"redis://127.0.0.1:{port}/0", timeout_seconds=0.1)
        with pytest.raises(RoomStoreUnavailable, match="no answer in time"):
            store.read_room("ABCDEFGHJK")
        store.close()


def test_redis_waits_only_briefly_and_retries_once():
    store = RedisRoomStore("redis://127.0.0.1:1/0")
    pool = store._client.connection_pool
    settings = pool.connection_kwargs
    assert settings["socket_timeout"] == settings["socket_connect_timeout"] == 0.5
    assert settings["retry"].get_retries() == 1
    assert isinstance(pool, redis.BlockingConnectionPool)
    assert (pool.max_connections, pool.timeout) == (32, 2.0)


def test_a_bad_redis_address_is_reported_without_its_password():
    with pytest.raises(RoomStoreUnavailable, match="Redis address cannot be used") as bad:
        RedisRoomStore("redis://:hunter2@127.0.0.1:notaport/0")
    assert "hunter2" not in str(bad.value)


def test_a_redis_key_of_another_type_is_a_corrupt_room(redis_server):
    from ui.rooms import RoomCorrupt

    store = RedisRoomStore(redis_server.url, key_prefix="wrongtype:")
    redis_server.client().set("wrongtype:ABCDEFGHJK", "a string, not a hash")
    with pytest.raises(RoomCorrupt, match="treated as missing"):
        store.read_room("ABCDEFGHJK")
    store.close()


def test_redis_deletes_a_room_itself_after_its_lifetime(redis_server):
    store = RedisRoomStore(redis_server.url, key_prefix="ttl:", ttl_seconds=600)
    code, token = store.create_room(VIEW)
    client = redis_server.client()
    assert 600_000 < client.pttl(store.room_key(code)) <= 660_000
    client.pexpire(store.room_key(code), 5_000)
    store.update_room(code, token, VIEW)  # activity restores the full lifetime
    assert client.pttl(store.room_key(code)) > 600_000
    store.close()


# --- SQLite ----------------------------------------------------------------------------------


def test_sqlite_in_a_missing_directory_is_reported(tmp_path):
    path = tmp_path / "no-such-dir" / "rooms.db"
    assert_all_unavailable(SQLiteRoomStore(path), "unable to open database file",
                           f"SQLite file {path}")
    assert not (tmp_path / "no-such-dir").exists()


def test_sqlite_in_a_read_only_directory_is_reported():
    # /proc takes no new files, even from root (a chmod'ed directory would not stop root).
    path = "/proc/em-rooms-test.db"
    assert_all_unavailable(SQLiteRoomStore(path), "unable to open database file",
                           f"SQLite file {path}")


def test_sqlite_under_a_file_instead_of_a_directory_is_reported(tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    path = tmp_path / "a-file" / "rooms.db"
    assert_all_unavailable(SQLiteRoomStore(path), "unable to open database file",
                           f"SQLite file {path}")


def test_a_file_that_is_not_a_database_is_reported(tmp_path):
    path = tmp_path / "rooms.db"
    path.write_bytes(b"this is not an SQLite database, just some bytes" * 100)
    assert_all_unavailable(SQLiteRoomStore(path), "file is not a database", f"SQLite file {path}")


def test_a_database_locked_by_another_process_is_reported_after_the_busy_timeout(tmp_path):
    path = tmp_path / "rooms.db"
    store = SQLiteRoomStore(path, busy_timeout_seconds=0.05)
    code, token = store.create_room(VIEW)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # as a writer stuck in another process would
    try:
        for write in (lambda: store.update_room(code, token, VIEW),
                      lambda: store.create_room(VIEW), store.ping):
            with pytest.raises(RoomStoreUnavailable, match="database is locked"):
                write()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.update_room(code, token, VIEW).version == 1  # works again once released
    store.close()


def test_the_default_directory_is_created_but_a_configured_one_is_not(tmp_path):
    created = SQLiteRoomStore(tmp_path / "run" / "rooms.db", create_directory=True)
    code, _ = created.create_room(VIEW)
    assert created.read_room(code).version == 1
    created.close()
    assert (tmp_path / "run" / "rooms.db").exists()
    with sqlite3.connect(tmp_path / "run" / "rooms.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
