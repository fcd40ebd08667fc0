"""Code run in a second process (multiprocessing "spawn") by the room-store tests."""

from __future__ import annotations

from ui.rooms import RoomStore, RoomView, SQLiteRoomStore


def open_store(spec: tuple) -> RoomStore:
    """The store described by ``Backend.spec()``."""
    if spec[0] == "sqlite":
        return SQLiteRoomStore(spec[1])
    from ui.rooms.redis_store import RedisRoomStore

    return RedisRoomStore(spec[1], key_prefix=spec[2])


def read_then_update(spec: tuple, code: str, token: str, page: str, query: dict,
                     results) -> None:
    """Report the version this process reads, then publish (page, query) as the presenter."""
    store = open_store(spec)
    try:
        state = store.read_room(code)
        results.put(("read", state.version, dict(state.query)))
        updated = store.update_room(code, token, RoomView(page=page, query=query))
        results.put(("updated", updated.version, dict(updated.query)))
    except Exception as error:  # reported to the parent, which fails the test with it
        results.put(("error", type(error).__name__, str(error)))
    finally:
        store.close()
