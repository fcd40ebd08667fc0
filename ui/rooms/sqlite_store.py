"""The embedded room store: one SQLite file in WAL mode, shared by the replicas of one machine.

Nothing to install (``sqlite3`` is in Python's standard library). Several processes may use
the file at once: WAL mode lets readers run while one writer writes, every write is a short
``BEGIN IMMEDIATE`` transaction, and a busy timeout (default 1 s) bounds how long a write waits
for another process's lock before it gives up with ``RoomStoreUnavailable``. The file must be
on a local disk (WAL's shared memory does not work over NFS); for replicas on several machines
use ``RedisRoomStore``.

Threads: connections are pooled (``check_same_thread=False``); each operation borrows one, so
threads never share a connection at the same time. Streamlit runs each script run in a new
thread, which is why a thread-local connection would be opened again on every rerun. After a
``fork`` the child opens its own connections and leaves its parent's alone.

The path comes from ``EM_ROOM_STORE=sqlite:///absolute/path.db`` (see ``ui.rooms.factory``);
the default is ``<repository>/.run/rooms.db``, the same file for every replica started from the
same checkout (``scripts/serve.sh --replicas N``). The file also gets ``-wal`` and ``-shm``
companions beside it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ui.rooms.store import RoomRecord, RoomStore

DEFAULT_BUSY_TIMEOUT_SECONDS = 1.0
_MAX_IDLE_CONNECTIONS = 32  # kept open for the next operation; more may be open at once
_SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    payload TEXT,
    updated_at REAL NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rooms_by_expiry ON rooms (expires_at);
"""
_COLUMNS = "version, token_hash, closed, payload, updated_at, expires_at"
# The poll: the payload only when the version is newer than the caller's (or always if NULL).
_SELECT = ("SELECT version, token_hash, closed, "
           "CASE WHEN ?1 IS NULL OR version > ?1 THEN payload END, updated_at, expires_at "
           "FROM rooms WHERE code = ?2")
_REPLACE = (f"INSERT OR REPLACE INTO rooms (code, {_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)")


class SQLiteRoomStore(RoomStore):
    """Rooms in the SQLite file at ``path`` (opened lazily: the constructor does no I/O).

    busy_timeout_seconds: how long a write waits for another process's lock.
    create_directory: create the file's parent directory if missing (the default path does;
    a configured path must exist, so that a typo is reported rather than silently created).
    Other keyword arguments: see ``RoomStore``.
    """

    def __init__(self, path: str | os.PathLike, *,
                 busy_timeout_seconds: float = DEFAULT_BUSY_TIMEOUT_SECONDS,
                 create_directory: bool = False, **options) -> None:
        super().__init__(**options)
        self.path = Path(path)
        self.busy_timeout_seconds = float(busy_timeout_seconds)
        self.create_directory = create_directory
        self._lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._pid = os.getpid()
        self._schema_ready = False

    @property
    def description(self) -> str:
        return f"SQLite file {self.path}"

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        if self._pid == os.getpid():
            for connection in idle:
                connection.close()

    # --- connections --------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self.create_directory:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout_seconds,
                                     isolation_level=None, check_same_thread=False)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            # Rooms are ephemeral: losing the last update in a power cut is acceptable, and
            # NORMAL saves an fsync per write in WAL mode.
            connection.execute("PRAGMA synchronous=NORMAL")
            if not self._schema_ready:
                connection.executescript(_SCHEMA)
                self._schema_ready = True
        except BaseException:
            connection.close()
            raise
        return connection

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A pooled connection; sqlite3 errors become RoomStoreUnavailable."""
        connection = None
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's connections are not ours
                self._idle, self._pid, self._schema_ready = [], os.getpid(), False
            if self._idle:
                connection = self._idle.pop()
        try:
            if connection is None:
                connection = self._open()
            yield connection
        except (sqlite3.Error, OSError) as error:
            if connection is not None:
                connection.close()
            raise self._unavailable(str(error)) from error
        except BaseException:
            self._give_back(connection)
            raise
        else:
            self._give_back(connection)

    def _give_back(self, connection: sqlite3.Connection | None) -> None:
        if connection is None:
            return
        if connection.in_transaction:
            connection.rollback()
        with self._lock:
            if self._pid == os.getpid() and len(self._idle) < _MAX_IDLE_CONNECTIONS:
                self._idle.append(connection)
                return
        connection.close()

    @contextmanager
    def _write_transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` (the write lock, waiting up to the busy timeout) ... COMMIT;
        anything raised inside rolls back."""
        with self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.execute("COMMIT")

    # --- the backend --------------------------------------------------------------------------

    def _insert(self, code: str, record: RoomRecord, now: float) -> bool:
        with self._write_transaction() as connection:
            connection.execute("DELETE FROM rooms WHERE expires_at <= ?", (now,))
            taken = connection.execute("SELECT 1 FROM rooms WHERE code = ?", (code,)).fetchone()
            if taken:
                return False
            connection.execute(_REPLACE, (code, *_row(record)))
            return True

    def _fetch(self, code: str, newer_than: int | None) -> RoomRecord | None:
        with self._connection() as connection:
            row = connection.execute(_SELECT, (newer_than, code)).fetchone()
        return None if row is None else RoomRecord.from_raw(*row)

    def _modify(self, code: str,
                change: Callable[[RoomRecord | None], RoomRecord]) -> RoomRecord:
        with self._write_transaction() as connection:
            row = connection.execute(_SELECT, (None, code)).fetchone()
            record = change(None if row is None else RoomRecord.from_raw(*row))
            connection.execute(_REPLACE, (code, *_row(record)))
            return record

    def _ping(self) -> None:
        # An empty write transaction: proves the file can be locked for writing, not only read.
        with self._write_transaction() as connection:
            connection.execute("SELECT count(*) FROM rooms").fetchone()


def _row(record: RoomRecord) -> tuple:
    return (record.version, record.token_hash, int(record.closed), record.payload,
            record.updated_at, record.expires_at)
