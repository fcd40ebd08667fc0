"""What following the lecturer costs the room store: polls and updates, SQLite and Redis.

Usage: python benchmarks/bench_room_store.py [--pollers 200] [--interval 1] [--click-every 3]
                [--seconds 15] [--threads 8] [--ops 2000] [--backends sqlite,redis]

For each backend (SQLite on a temporary file in WAL mode; Redis on a redis-server started here on
a free loopback port, stopped at the end) it prints, against references timed in the same run:

- one thread: mean, median and p95 time of a follower's poll when nothing changed
  (``read_room_if_newer`` -> None, the common case), of a poll that finds a new version, of a
  full ``read_room`` and of the presenter's ``update_room``; the references are a Python dict
  lookup and a bare ``SELECT 1`` on a connection to the same file / a Redis ``PING`` to the
  same server (the ratio column: median / the reference's median);
- flat out: ``--threads`` threads polling without pause: the most polls per second one process
  gets, and the CPU time per poll (this process, and redis-server's);
- a hall: ``--pollers`` followers (threads) each polling every ``--interval`` s, staggered,
  for ``--seconds``, while the presenter changes the view every ``--click-every`` s: poll
  latency, how long a new version took to reach the followers' polls, and the CPU this costs
  (share of one core).

The store alone is measured: a follower's page adds its fragment's rerun to each poll. The
machine is shared: compare the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.redis_server import RedisServerMissing, running_redis_server  # noqa: E402
from ui.rooms import RoomStore, RoomView, SQLiteRoomStore  # noqa: E402

VIEW = RoomView("em_2d", {"dataset": "blobs", "n": "2000", "centres": "3", "k": "3",
                          "cov": "full", "init": "k-means++", "seed": "1", "reg": "1e-06",
                          "step": "0"})


def view_at(step: int) -> RoomView:
    return RoomView(VIEW.page, {**VIEW.query, "step": str(step)})


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def timed_calls(operation: Callable[[], object], count: int) -> tuple[float, float, float]:
    """(mean, median, p95) seconds per call of ``operation`` over ``count`` calls."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        operation()
        times.append(time.perf_counter() - started)
    return statistics.fmean(times), percentile(times, 0.5), percentile(times, 0.95)


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


@dataclass
class Usage:
    """Wall-clock seconds and CPU seconds (this process; the store's server, 0 if none)."""

    elapsed: float = 0.0
    cpu: float = 0.0
    server_cpu: float = 0.0


@contextmanager
def measured_usage(server_pid: int | None) -> Iterator[Usage]:
    """The time and CPU spent inside the ``with`` block, filled in when it ends."""
    usage = Usage()
    cpu_before, server_before = time.process_time(), cpu_seconds_of(server_pid)
    started = time.perf_counter()
    yield usage
    usage.elapsed = time.perf_counter() - started
    usage.cpu = time.process_time() - cpu_before
    usage.server_cpu = cpu_seconds_of(server_pid) - server_before


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
    version = store.read_room(code).version
    rows = [
        ("dict lookup (pure Python)", (dict_lookup, dict_lookup, dict_lookup)),
        (reference_name, reference_time),
        ("poll, nothing new", timed_calls(lambda: store.read_room_if_newer(code, version), ops)),
        ("poll, a new version", timed_calls(
            lambda: store.read_room_if_newer(code, version - 1), ops)),
        ("read_room", timed_calls(lambda: store.read_room(code), ops)),
        ("update_room (changed view)", timed_calls(update, ops)),
        ("update_room (same view)", timed_calls(
            lambda: store.update_room(code, token, view_at(step)), ops)),
    ]
    print(f"  one thread, {ops} calls each:")
    print(f"    {'operation':<30}{'mean µs':>10}{'median µs':>11}{'p95 µs':>9}"
          f"{'calls/s':>13}{'median × ' + reference_name.split()[0]:>18}")
    for name, (mean, median, p95) in rows:
        print(f"    {name:<30}{mean * 1e6:>10.1f}{median * 1e6:>11.1f}{p95 * 1e6:>9.1f}"
              f"{1 / mean:>13,.0f}{median / reference_time[1]:>18.2f}")


def flat_out(store: RoomStore, threads: int, polls: int, server_pid: int | None) -> None:
    """The most polls per second ``threads`` threads get from the store (no pause)."""
    code, _ = store.create_room(view_at(0))
    start_line = threading.Barrier(threads + 1)
    failures: list[BaseException] = []

    def hammer() -> None:
        try:
            start_line.wait()
            for _ in range(polls):
                store.read_room_if_newer(code, 1)
        except BaseException as error:  # reported after the run
            failures.append(error)

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    with measured_usage(server_pid) as usage:
        start_line.wait()
        for worker in workers:
            worker.join()
    elapsed, cpu, server_cpu = usage.elapsed, usage.cpu, usage.server_cpu
    if failures:
        print(f"  flat out: FAILED: {len(failures)} threads failed, e.g. {failures[0]!r}")
        return
    total = threads * polls
    server_text = (f" + redis-server {server_cpu / total * 1e6:.1f} µs"
                   if server_pid is not None else "")
    print(f"  flat out: {threads} threads x {polls} polls, no pause: {total / elapsed:,.0f} "
          f"polls/s; CPU per poll: this process {cpu / total * 1e6:.1f} µs{server_text}")


def hall(store: RoomStore, pollers: int, interval: float, click_every: float, seconds: float,
         server_pid: int | None) -> None:
    """``pollers`` followers, each polling every ``interval`` s (staggered), for ``seconds``,
    while the presenter changes the view every ``click_every`` s."""
    code, token = store.create_room(view_at(0))
    published: dict[int, float] = {}  # version -> when its update returned
    latencies: list[float] = []
    delays: list[float] = []  # an update returning -> a follower's poll returning that version
    found_new = [0] * pollers  # polls that returned a state (a version newer than the follower's)
    failures: list[BaseException] = []
    stop = threading.Event()
    started = time.perf_counter()

    def follow(number: int) -> None:
        known = 0
        next_poll = started + interval * number / pollers
        try:
            while not stop.wait(max(0.0, next_poll - time.perf_counter())):
                before = time.perf_counter()
                state = store.read_room_if_newer(code, known)
                after = time.perf_counter()
                latencies.append(after - before)
                if state is not None:
                    found_new[number] += 1
                    if state.version in published:
                        delays.append(after - published[state.version])
                    known = state.version
                next_poll += interval
        except BaseException as error:  # reported after the run
            failures.append(error)

    def present() -> None:
        step = 0
        while not stop.wait(click_every):
            step += 1
            version = store.update_room(code, token, view_at(step)).version
            published[version] = time.perf_counter()

    threads = [threading.Thread(target=follow, args=(n,)) for n in range(pollers)]
    threads.append(threading.Thread(target=present))
    with measured_usage(server_pid) as usage:
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join()
    elapsed, cpu, server_cpu = usage.elapsed, usage.cpu, usage.server_cpu
    print(f"  a hall: {pollers} followers polling every {interval:g} s for {seconds:g} s, the "
          f"presenter changing the view every {click_every:g} s")
    if failures:
        print(f"    FAILED: {len(failures)} followers failed, e.g. {failures[0]!r}")
        return
    total = len(latencies)
    print(f"    {total:,} polls ({total / elapsed:,.0f}/s, {sum(found_new):,} of them found a new "
          f"version); poll latency median "
          f"{percentile(latencies, 0.5) * 1e3:.2f} ms, p95 "
          f"{percentile(latencies, 0.95) * 1e3:.2f} ms")
    if delays:
        print(f"    a new version reached the followers' polls after: median "
              f"{percentile(delays, 0.5) * 1e3:.0f} ms, p95 "
              f"{percentile(delays, 0.95) * 1e3:.0f} ms (the poll interval bounds it)")
    server_text = (f", redis-server {server_cpu / elapsed * 100:.2f} %"
                   if server_pid is not None else "")
    print(f"    CPU: this process {cpu / elapsed * 100:.2f} % of one core{server_text} "
          f"({(cpu + server_cpu) / total * 1e6:.0f} µs per poll, the presenter and "
          f"{pollers} waiting threads included)")


def run_backend(name: str, store: RoomStore, reference: Callable[[], object],
                reference_name: str, args, server_pid: int | None = None) -> None:
    print(f"\n== {name}: {store.description}")
    one_thread(store, reference, reference_name, args.ops)
    flat_out(store, args.threads, args.ops, server_pid)
    hall(store, args.pollers, args.interval, args.click_every, args.seconds, server_pid)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pollers", type=int, default=200, help="followers in the hall")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    parser.add_argument("--click-every", type=float, default=3.0,
                        help="seconds between the presenter's changes of the view")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of the hall run")
    parser.add_argument("--threads", type=int, default=8, help="threads of the flat-out run")
    parser.add_argument("--ops", type=int, default=2000,
                        help="calls per one-thread figure and per flat-out thread")
    parser.add_argument("--backends", default="sqlite,redis")
    args = parser.parse_args()
    backends = args.backends.split(",")
    print(f"Room store: {args.ops} calls per one-thread figure; flat out: {args.threads} "
          f"threads; a hall of {args.pollers} followers polling every {args.interval:g} s")

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
