"""Run a lecture hall (``bash scripts/serve.sh --replicas N``) from Python: tests and benchmarks.

    from deploy.hall_process import running_hall

    with running_hall(replicas=2) as hall:       # returns once HAProxy answers, every replica up
        hall.url                                 # "http://127.0.0.1:<port>", HAProxy's address
        hall.replicas                            # {"replica1": Replica(url, pid), ...}
        hall.stats()                             # HAProxy's counters per replica (show stat)
    # leaving the block sends SIGINT (as Ctrl-C does) and waits until everything has stopped

Only the standard library, and the machine-readable lines of deploy/hall.py.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from deploy import haproxy

REPO_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 300.0  # includes serve.sh's set-up check and the replicas' first imports


class HallStartError(RuntimeError):
    """serve.sh exited or did not print READY in time; the message holds its output."""


@dataclass
class Replica:
    url: str
    pid: int


@dataclass
class RunningHall:
    """A running ``serve.sh --replicas N`` and what it printed about itself."""

    process: subprocess.Popen
    output: list[str] = field(default_factory=list)  # every line printed so far
    url: str = ""
    replicas: dict[str, Replica] = field(default_factory=dict)
    haproxy_pid: int = 0
    config_path: Path | None = None
    stats_socket: Path | None = None
    _lines: queue.Queue = field(default_factory=queue.Queue)

    def started_pids(self) -> set[int]:
        """HAProxy's and every replica's pid (restarted ones included)."""
        return {self.haproxy_pid, *(replica.pid for replica in self.replicas.values())} - {0}

    def stats(self) -> dict[str, dict[str, str]]:
        """HAProxy's ``show stat`` rows for the replicas (see deploy.haproxy.read_stats)."""
        assert self.stats_socket is not None
        return haproxy.read_stats(self.stats_socket)

    def _take(self, line: str) -> None:
        """Record one printed line (REPLICA/HAPROXY/RESTARTED/READY lines update the fields)."""
        self.output.append(line)
        words = line.split()
        if not words:
            return
        values = dict(word.split("=", 1) for word in words if "=" in word)
        if words[0] == "REPLICA" and len(words) >= 4:
            self.replicas[words[1]] = Replica(words[2], int(values["pid"]))
        elif words[0] == "RESTARTED" and words[1] in self.replicas:
            self.replicas[words[1]].pid = int(values["pid"])
        elif words[0] == "HAPROXY":
            self.haproxy_pid = int(values["pid"])
            self.config_path = Path(values["config"])
            self.stats_socket = Path(values["stats"])
        elif words[0] == "READY":
            self.url = words[1]

    def wait_for_line(self, prefix: str, timeout_s: float) -> str:
        """Read output until a line starting with ``prefix``; raise HallStartError otherwise."""
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HallStartError(f"no {prefix!r} line within {timeout_s:.0f} s; output:\n"
                                     + "\n".join(self.output[-60:]))
            try:
                line = self._lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if line is None:
                raise HallStartError(f"serve.sh exited ({self.process.wait()}) before printing "
                                     f"{prefix!r}; output:\n" + "\n".join(self.output[-60:]))
            self._take(line)
            if line.startswith(prefix):
                return line

    def drain(self) -> None:
        """Record the lines printed so far without waiting."""
        with contextlib.suppress(queue.Empty):
            while (line := self._lines.get_nowait()) is not None:
                self._take(line)

    def stop(self, signum: int = signal.SIGINT, timeout_s: float = 60.0) -> int:
        """Send ``signum`` to serve.sh's process group (as a terminal's Ctrl-C does); return its
        exit code once it has exited, with every remaining line recorded."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)
        code = self.process.wait(timeout=timeout_s)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                break
            self._take(line)
        return code


def free_port() -> int:
    """A loopback TCP port whose neighbours are free too (the replicas take the next ones)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port < 65000:
            return port
    raise RuntimeError("no free port found")


def process_alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie, already dead but not reaped, is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def processes_in_groups(groups: set[int]) -> list[int]:
    """Live processes whose process group is one of ``groups`` (each child the hall starts
    leads its own group, so this finds what a replica or HAProxy might have left behind)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the closing parenthesis: state, ppid, pgrp, ...
        if fields[0] != "Z" and int(fields[2]) in groups:
            found.append(int(entry.name))
    return found


def _read_lines(stream, lines: queue.Queue) -> None:
    for raw in stream:
        lines.put(raw.rstrip("\n"))
    lines.put(None)


@contextlib.contextmanager
def running_hall(replicas: int = 2, *, port: int | None = None, address: str = "127.0.0.1",
                 options: Sequence[str] = (), backends: str | None = None,
                 timeout_s: float = START_TIMEOUT_S) -> Iterator[RunningHall]:
    """Start ``bash scripts/serve.sh --replicas N --port P --address A [options]``, wait for its
    READY line, yield it; on exit stop it with SIGINT (unless it has stopped already).

    ``port`` defaults to a free loopback port; ``address`` defaults to loopback only, so a test
    never exposes the app. With ``backends`` ("host:port,...") HAProxy alone is started in front
    of them (``--backends``) and ``replicas`` is ignored. Raises HallStartError with serve.sh's
    output if it does not start.
    """
    port = port or free_port()
    where = ["--backends", backends] if backends else ["--replicas", str(replicas)]
    command = ["bash", "scripts/serve.sh", *where, "--port", str(port), "--address", address,
               *options]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               bufsize=1, start_new_session=True)
    hall = RunningHall(process)
    threading.Thread(target=_read_lines, args=(process.stdout, hall._lines), daemon=True).start()
    try:
        hall.wait_for_line("READY ", timeout_s)
        yield hall
    finally:
        try:
            if process.poll() is None:
                hall.stop(signal.SIGINT)
        except BaseException:
            # The hall did not stop by itself: nothing it started may outlive the block.
            hall.drain()
            groups = {process.pid, *hall.started_pids()}
            for group in [group for group in groups if processes_in_groups({group})]:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(group, signal.SIGKILL)
            raise
