"""A throw-away ``redis-server`` on a free loopback port (for the room-store tests and benchmark).

Shared by the tests (tests/rooms, tests/pages/room_helpers.py) and benchmarks/bench_room_store.py.
No persistence (``--save '' --appendonly no``), its working directory in a temporary folder,
stopped (and waited for) on exit. ``bash scripts/test.sh`` installs Debian's ``redis-server``.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from devtools.ports import free_port

REDIS_SERVER = Path("/usr/bin/redis-server")
MISSING_MESSAGE = (f"{REDIS_SERVER} is missing: the Redis room-store tests start their own "
                   "redis-server. `bash scripts/test.sh` installs it (Debian package "
                   "redis-server: apt-get install -y redis-server).")
_START_ATTEMPTS = 3
_START_TIMEOUT_S = 20.0


class RedisServerMissing(RuntimeError):
    """/usr/bin/redis-server is not installed."""


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True,
                           socket_timeout=5)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        return redis.Redis(host="127.0.0.1", port=port, socket_timeout=1,
                           socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _start(directory: str) -> RedisServer:
    if not REDIS_SERVER.exists():
        raise RedisServerMissing(MISSING_MESSAGE)
    for _ in range(_START_ATTEMPTS):  # another program may take the free port first
        port = free_port()
        process = subprocess.Popen(
            [str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", directory,
             "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + _START_TIMEOUT_S
        while process.poll() is None and time.monotonic() < deadline:
            if _answers(port):
                return RedisServer(port, process)
            time.sleep(0.05)
        RedisServer(port, process).stop()
    raise RuntimeError(f"redis-server did not start on a free loopback port "
                       f"({_START_ATTEMPTS} attempts)")


@contextmanager
def running_redis_server() -> Iterator[RedisServer]:
    """A fresh redis-server for the ``with`` block; RedisServerMissing if not installed."""
    with tempfile.TemporaryDirectory(prefix="em-redis-") as directory:
        server = _start(directory)
        try:
            yield server
        finally:
            server.stop()
