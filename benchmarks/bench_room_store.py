"""What following the lecturer costs the room store: polls and updates, SQLite and Redis.

Usage: python benchmarks/bench_room_store.py [--pollers 200] [--polls 50] [--ops 2000]
                                             [--backends sqlite,redis]

For each backend (SQLite on a temporary file in WAL mode; Redis on a redis-server started here on
a free loopback port, stopped at the end) it prints, against references timed in the same run:

- one thread: the mean and median time of a follower's poll when nothing changed
  (``read_room_if_newer`` -> None, the common case), a poll that finds a new version, a full
  ``read_room``, and the presenter's ``update_room``; references: a Python dict lookup, a bare
  ``SELECT 1`` on a connection to the same file / a Redis ``PING`` on the same server;
- a hall: ``--pollers`` threads each polling ``--polls`` times as fast as they can while the
  presenter updates the room every 50 ms: polls per second, the latency of a poll (it includes
  waiting for the interpreter lock among all those threads), and the CPU time per poll of this
  process (and of redis-server). From that: what ``--pollers`` followers polling once a second
  cost, as a share of one core.

The machine is shared: compare the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.rooms.redis_server import RedisServerMissing, running_redis_server  # noqa: E402
from ui.rooms import RoomStore, RoomView, SQLiteRoomStore  # noqa: E402

VIEW = RoomView("em_2d", {"dataset": "blobs", "n": "2000", "centres": "3", "k": "3",
                          "cov": "full", "init": "k-means++", "seed": "1", "reg": "1e-06",
                          "step": "0"})
PRESENTER_PAUSE_S = 0.05


def view_at(step: int) -> RoomView:
    return RoomView(VIEW.page, {**VIEW.query, "step": str(step)})


def timed_calls(operation: Callable[[], object], count: int) -> tuple[float, float, float]:
    """(mean, median, p95) seconds per call of ``operation`` over ``count`` calls."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        operation()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.fmean(times), times[len(times) // 2], times[int(len(times) * 0.95)]


def batch_mean(operation: Callable[[], object], count: int) -> float:
    """Seconds per call, timed over the whole batch (for operations too fast to time singly)."""
    started = time.perf_counter()
    for _ in range(count):
        operation()
    return (time.perf_counter() - started) / count


def cpu_seconds_of(pid: int | None) -> float:
    """User + system CPU seconds of another process (0 if none)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_thread(store: RoomStore, reference: Callable[[], object], reference_name: str,
               ops: int) -> None:
    code, token = store.create_room(view_at(0))
    step = 0

    def update() -> None:
        nonlocal step
        step += 1
        store.update_room(code, token, view_at(step))

    lookup_table = {code: VIEW}
    dict_lookup = batch_mean(lambda: lookup_table.get(code), ops * 10)
    reference_time = timed_calls(reference, ops)
    rows = [
        ("dict lookup (pure Python)", (dict_lookup, dict_lookup, dict_lookup)),
        (reference_name, reference_time),
    ]
    version = store.read_room(code).version
    rows.append(("poll, nothing new", timed_calls(
        lambda: store.read_room_if_newer(code, version), ops)))
    rows.append(("poll, a new version", timed_calls(
        lambda: store.read_room_if_newer(code, version - 1), ops)))
    rows.append(("read_room", timed_calls(lambda: store.read_room(code), ops)))
    rows.append(("update_room (changed view)", timed_calls(update, ops)))
    rows.append(("update_room (same view)", timed_calls(
        lambda: store.update_room(code, token, view_at(step)), ops)))
    print(f"  one thread, {ops} calls each:")
    print(f"    {'operation':<30}{'mean µs':>10}{'median µs':>11}{'p95 µs':>9}"
          f"{'calls/s':>13}{'median × ' + reference_name.split()[0]:>18}")
    for name, (mean, median, p95) in rows:
        print(f"    {name:<30}{mean * 1e6:>10.1f}{median * 1e6:>11.1f}{p95 * 1e6:>9.1f}"
              f"{1 / mean:>13,.0f}{median / reference_time[1]:>18.2f}")


def hall(store: RoomStore, pollers: int, polls: int, server_pid: int | None) -> None:
    code, token = store.create_room(view_at(0))
    start_line = threading.Barrier(pollers + 1)
    latencies: list[list[float]] = [[] for _ in range(pollers)]
    new_versions = [0] * pollers
    failures: list[BaseException] = []
    presenting = threading.Event()

    def follow(number: int) -> None:
        known = 0
        own = latencies[number]
        try:
            start_line.wait()
            for _ in range(polls):
                started = time.perf_counter()
                state = store.read_room_if_newer(code, known)
                own.append(time.perf_counter() - started)
                if state is not None:
                    known = state.version
                    new_versions[number] += 1
        except BaseException as error:  # reported after the run
            failures.append(error)

    def present() -> None:
        step = 0
        while presenting.is_set():
            step += 1
            store.update_room(code, token, view_at(step))
            time.sleep(PRESENTER_PAUSE_S)

    followers = [threading.Thread(target=follow, args=(n,)) for n in range(pollers)]
    for follower in followers:
        follower.start()
    presenter = threading.Thread(target=present)
    presenting.set()
    presenter.start()
    cpu_before, server_before = time.process_time(), cpu_seconds_of(server_pid)
    started = time.perf_counter()
    start_line.wait()
    for follower in followers:
        follower.join()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    server_cpu = cpu_seconds_of(server_pid) - server_before
    presenting.clear()
    presenter.join()
    if failures:
        print(f"  FAILED: {len(failures)} pollers failed, e.g. {failures[0]!r}")
        return
    every = sorted(t for own in latencies for t in own)
    total = len(every)
    per_poll_cpu = (cpu + server_cpu) / total
    print(f"  a hall: {pollers} threads x {polls} polls while the presenter updates every "
          f"{PRESENTER_PAUSE_S * 1000:.0f} ms")
    print(f"    {total:,} polls in {elapsed:.2f} s = {total / elapsed:,.0f} polls/s; "
          f"{sum(new_versions):,} of them found a new version")
    print(f"    poll latency (incl. waiting for the GIL among {pollers} threads): median "
          f"{every[total // 2] * 1e3:.2f} ms, p95 {every[int(total * 0.95)] * 1e3:.2f} ms")
    server_text = (f" + redis-server {server_cpu / total * 1e6:.1f} µs"
                   if server_pid is not None else "")
    print(f"    CPU per poll: this process {cpu / total * 1e6:.1f} µs{server_text}")
    print(f"    => {pollers} followers polling once a second cost {pollers * per_poll_cpu * 100:.2f} "
          f"% of one core")


def run_backend(name: str, store: RoomStore, reference: Callable[[], object],
                reference_name: str, args, server_pid: int | None = None) -> None:
    print(f"\n== {name}: {store.description}")
    one_thread(store, reference, reference_name, args.ops)
    hall(store, args.pollers, args.polls, server_pid)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pollers", type=int, default=200)
    parser.add_argument("--polls", type=int, default=50, help="polls per poller")
    parser.add_argument("--ops", type=int, default=2000, help="calls per one-thread figure")
    parser.add_argument("--backends", default="sqlite,redis")
    args = parser.parse_args()
    backends = args.backends.split(",")
    print(f"Room store: {args.pollers} pollers x {args.polls} polls; {args.ops} calls per "
          "one-thread figure")

    if "sqlite" in backends:
        import sqlite3

        with tempfile.TemporaryDirectory(prefix="em-rooms-bench-") as directory:
            path = Path(directory) / "rooms.db"
            store = SQLiteRoomStore(path)
            store.ping()  # creates the file in WAL mode
            bare = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            run_backend("SQLite", store, lambda: bare.execute("SELECT 1").fetchone(),
                        "SELECT 1 (bare sqlite3)", args)
            bare.close()

    if "redis" in backends:
        from ui.rooms.redis_store import RedisRoomStore

        try:
            with running_redis_server() as server:
                client = server.client()
                store = RedisRoomStore(server.url, key_prefix="bench:")
                run_backend("Redis", store, client.ping, "PING (bare redis client)", args,
                            server_pid=server.process.pid)
                client.close()
        except RedisServerMissing as missing:
            print(f"\n== Redis: not measured: {missing}")


if __name__ == "__main__":
    main()
