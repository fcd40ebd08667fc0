"""The room store for replicas on several machines: Redis (Debian's ``redis-server``).

Needs the ``redis`` client: ``pip install -e ".[redis]"`` (the test extra includes it).
Chosen with ``EM_ROOM_STORE=redis://host:6379/0`` (``rediss://`` for TLS; a password goes in the
URL as ``redis://:password@host:6379/0``; ``unix:///path/to/redis.sock`` also works).

Each room is one hash, ``<key_prefix><code>``, with the fields v (version), h (SHA-256 of the
presenter token), c (closed, 0/1), p (the view as JSON; empty once closed), u (updated_at) and
e (expires_at). Redis deletes the key ``ttl_seconds`` + 1 minute after the presenter's last
write (PEXPIRE); the store itself decides expiry from ``e`` and its own clock, so that tests can
inject a clock (and a few seconds of clock skew between machines do not matter against hours).

A poll (``read_room_if_newer``) is one HGETALL (one round trip, an atomic snapshot of a
~300-byte hash); the view is decoded and validated only when the version is newer. Updates run as optimistic
transactions (WATCH, read, check the token in constant time in Python, MULTI/EXEC): a
concurrent change of the same room makes EXEC fail and the update start again, so versions
never go backwards or repeat.

A Redis that is down costs at most a few short timeouts (``timeout_seconds``, default 0.5 s,
for connecting and for each answer, one reconnection attempt) and then raises
``RoomStoreUnavailable``. Each process opens at most ``max_connections`` (default 32)
connections; a thread that finds them all busy waits up to ``POOL_WAIT_SECONDS`` for one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from ui.rooms.store import MalformedRecord, RoomRecord, RoomStore

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_KEY_PREFIX = "em-rooms:"
DEFAULT_TIMEOUT_SECONDS = 0.5
DEFAULT_MAX_CONNECTIONS = 32  # per process; a command holds one for ~0.1 ms
POOL_WAIT_SECONDS = 2.0  # how long a thread waits for a free connection when all are busy
_EXPIRY_MARGIN_SECONDS = 60.0
_WATCH_ATTEMPTS = 50  # concurrent updates of one room retry; beyond this, report the store busy


class RedisRoomStore(RoomStore):
    """Rooms in the Redis server at ``url`` (connects lazily: the constructor does no I/O).

    key_prefix: prepended to each room code (several apps may share one Redis).
    timeout_seconds: socket connect and read timeout. max_connections: the most connections this
    process opens (threads beyond wait up to ``POOL_WAIT_SECONDS`` for one). Other keyword
    arguments: ``RoomStore``.
    """

    def __init__(self, url: str = DEFAULT_REDIS_URL, *, key_prefix: str = DEFAULT_KEY_PREFIX,
                 timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
                 max_connections: int = DEFAULT_MAX_CONNECTIONS, **options) -> None:
        super().__init__(**options)
        self.key_prefix = key_prefix
        self.timeout_seconds = float(timeout_seconds)
        try:
            # A bounded pool that makes a thread wait (briefly) for a free connection: redis-py's
            # default pool refuses the 101st concurrent command outright, and a replica runs
            # each follower's poll in its own script thread.
            pool = redis.BlockingConnectionPool.from_url(
                url, max_connections=max_connections, timeout=POOL_WAIT_SECONDS,
                socket_timeout=self.timeout_seconds,
                socket_connect_timeout=self.timeout_seconds,
                retry=Retry(NoBackoff(), 1), decode_responses=True, health_check_interval=0)
        except ValueError as error:  # a malformed URL; the message names the problem, not it
            raise self._unavailable(f"the Redis address cannot be used: {error}") from None
        self._client = redis.Redis(connection_pool=pool)
        kwargs = self._client.connection_pool.connection_kwargs
        if "path" in kwargs:
            self._where = f"Redis at {kwargs['path']}"
        else:
            self._where = (f"Redis at {kwargs.get('host', '?')}:{kwargs.get('port', '?')}"
                           f"/{kwargs.get('db', 0)}")

    @property
    def description(self) -> str:
        return getattr(self, "_where", "Redis")

    def room_key(self, code: str) -> str:
        """The Redis key of the room with canonical code ``code``."""
        return self.key_prefix + code

    def close(self) -> None:
        self._client.connection_pool.disconnect()

    # --- the backend --------------------------------------------------------------------------

    def _insert(self, code: str, record: RoomRecord, now: float) -> bool:
        key = self.room_key(code)
        with self._errors_mapped(), self._client.pipeline() as pipe:
            try:
                pipe.watch(key)
                if pipe.exists(key):
                    return False
                pipe.multi()
                self._write(pipe, key, record)
                pipe.execute()
                return True
            except redis.WatchError:  # someone took the code between WATCH and EXEC
                return False

    def _fetch(self, code: str, newer_than: int | None) -> RoomRecord | None:
        # One round trip whether or not the version is newer: the whole hash is ~300 bytes, and
        # a round trip costs far more than those bytes. (``RoomStore`` decodes and validates the
        # view only when the version is newer than ``newer_than``.)
        with self._errors_mapped():
            fields = self._client.hgetall(self.room_key(code))
        return _record(fields) if fields else None

    def _modify(self, code: str,
                change: Callable[[RoomRecord | None], RoomRecord]) -> RoomRecord:
        key = self.room_key(code)
        with self._errors_mapped(), self._client.pipeline() as pipe:
            for _ in range(_WATCH_ATTEMPTS):
                try:
                    pipe.watch(key)
                    fields = pipe.hgetall(key)
                    record = change(_record(fields) if fields else None)
                    pipe.multi()
                    self._write(pipe, key, record)
                    pipe.execute()
                    return record
                except redis.WatchError:
                    continue
        raise self._unavailable("the room changed too often while it was being updated")

    def _ping(self) -> None:
        with self._errors_mapped():
            self._client.ping()

    # --- helpers ------------------------------------------------------------------------------

    def _write(self, pipe, key: str, record: RoomRecord) -> None:
        pipe.hset(key, mapping={
            "v": record.version, "h": record.token_hash, "c": int(record.closed),
            "p": record.payload or "", "u": repr(record.updated_at),
            "e": repr(record.expires_at),
        })
        pipe.pexpire(key, int((self.ttl_seconds + _EXPIRY_MARGIN_SECONDS) * 1000))

    @contextmanager
    def _errors_mapped(self) -> Iterator[None]:
        """The client's failures as RoomStoreUnavailable (a key of the wrong type, put there
        by something else, is a malformed record instead)."""
        try:
            yield
        except redis.ResponseError as error:
            if str(error).startswith("WRONGTYPE"):
                raise MalformedRecord("its key holds something other than a room") from None
            raise self._unavailable(type(error).__name__) from error
        except redis.AuthenticationError as error:
            raise self._unavailable("authentication failed") from error
        except redis.TimeoutError as error:
            raise self._unavailable("no answer in time") from error
        except redis.ConnectionError as error:
            if str(error) == "No connection available.":  # the pool's wait timed out
                raise self._unavailable("too busy: no free connection") from error
            raise self._unavailable("cannot connect") from error
        except redis.RedisError as error:
            raise self._unavailable(type(error).__name__) from error


def _record(fields: dict[str, str]) -> RoomRecord:
    payload = fields.get("p")
    return RoomRecord.from_raw(fields.get("v"), fields.get("h"), fields.get("c"),
                               payload if payload else None, fields.get("u"), fields.get("e"))
