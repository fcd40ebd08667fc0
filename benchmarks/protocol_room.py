"""A room under load: one lecturer presents, N followers follow, on a real hall, no browsers.

Usage:
    python benchmarks/protocol_room.py [--followers 200] [--replicas 2] [--ramp 60]
                                       [--rest 30] [--clicks 20] [--think 3] [--n 2000]

Every session speaks Streamlit's websocket protocol as Chromium does (protocol_load.py's
PageState and Connection: widget states, cached messages, cookies, ``run_every`` fragments),
through HAProxy in front of ``--replicas`` replicas (``bash scripts/serve.sh --replicas N``,
deploy.hall_process.running_hall), with the rooms in a SQLite file of the run.

One phase, on a fresh hall:
1. the lecturer opens ``/EM_in_2-D?dataset=blobs&n=<n>&k=4&seed=7`` and presses
   ``Start presenting``; the join link is read from its page;
2. the followers open the join link, arriving evenly over --ramp seconds; each must show the
   lecturer's view at once (its status line, its address: the lecturer's data, model and
   half-step, and ``room=<code>``);
3. rest: --rest seconds without a click; the followers only poll (their fragment runs every
   second): the server's CPU share then is what N followers cost at rest;
4. the lecturer clicks --clicks times (the next half-step: E-step, M-step, ...) every --think
   seconds (0.5x..1.5x); the room is updated by each click's run;
5. a few seconds for the last click to reach everyone.

Measured: for each lecturer click and each follower, the delay from the click's request
leaving the lecturer to the end of the first run in which that follower shows the new half-step
(median, p95, max; a follower that never shows it is a miss); errors (exception elements, error
alerts, lost connections); leaks (a follower showing a half-step, log-likelihood or setting
that is not the lecturer's); the replicas' CPU at rest and while the lecturer clicks (CPU per
lecturer click, all followers included), HAProxy's CPU. The baseline phase (run first, on its
own fresh hall) is one lecturer and one follower, for the ratio.

Bounded (at most 300 followers, 120 s of ramp and rest, 100 clicks, a watchdog), loopback only,
stops its hall on exit (Ctrl-C included). Prints a table; writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from benchmarks import (  # noqa: E402
    common,
    load_test,  # noqa: E402
    protocol_load,
)

MAX_FOLLOWERS = 300
MAX_WAIT_S = 120
MAX_CLICKS = 100
LECTURER_DEMO = (4, 7)  # k, seed: a run long enough for the clicks (checked before the start)
SETTLE_S = 8.0  # after the last click: time for it to reach every follower


@dataclass
class Follower:
    session: int
    replica: str | None = None
    open_s: float | None = None
    shown: list[tuple[float, int]] = field(default_factory=list)  # (since phase start, step)
    delays_s: list[float] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)  # lecturer clicks never shown
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)


def _check_follower_view(page: protocol_load.PageState, lecturer: load_test.ExpectedRun, code: str,
                         record: Follower) -> int | None:
    """The half-step a follower shows, checked against the lecturer's run and link."""
    check = protocol_load.SessionResult(record.session, int(lecturer.query["k"]),
                                        int(lecturer.query["seed"]))
    query = {name: values[-1] for name, values in parse_qs(page.query_string).items()}
    if query.get("room") != code:
        record.leaks.append(f"address has room={query.get('room')!r}, expected {code!r}")
    step = query.get("step")
    if step is None or not step.isdigit():
        record.errors.append(f"no half-step in the address: {page.query_string[:200]!r}")
        return None
    load_test._check_view(page.view(), lecturer, int(step), check)
    record.leaks.extend(check.leaks)
    record.errors.extend(check.errors)
    return int(step)


async def follow(url: str, number: int, code: str, lecturer: load_test.ExpectedRun,
                 record: Follower, stop: asyncio.Event, phase_start: float) -> None:
    """A student who opened the join link: polls (its run_every fragment) until ``stop``."""
    page = protocol_load.PageState(url)
    connection = protocol_load.Connection(url)
    socket = None
    try:
        started = time.monotonic()
        await asyncio.to_thread(connection.page_requests, {"room": code})
        record.replica = connection.replica
        socket = await connection.websocket()
        await socket.send(page.open_message({"room": code}))
        status = await protocol_load._until_finished(socket, page, load_test.OPEN_TIMEOUT_S)
        record.open_s = time.monotonic() - started
        result = protocol_load.SessionResult(number, 0, 0)

        def on_finished(status: int) -> None:
            protocol_load._check_run(page, status, "a poll", result)
            if page.status_line is None:  # a poll that found nothing new draws nothing
                return
            step = _check_follower_view(page, lecturer, code, record)
            if step is not None:
                record.shown.append((time.monotonic() - phase_start, step))

        on_finished(status)
        if not page.auto_reruns:
            record.errors.append("the page has no polling fragment (not following?)")
        while not stop.is_set():
            await protocol_load.pause(socket, page, 0.25, on_finished=on_finished)
        record.errors.extend(result.errors)
    except Exception as error:  # noqa: BLE001 - every failure of a session is a counted error
        record.errors.append(common.error_text(error))
    finally:
        if socket is not None:
            await socket.close()


@dataclass
class Lecturer:
    page: protocol_load.PageState
    connection: protocol_load.Connection
    socket: object
    code: str
    clicks: list[tuple[float, int]] = field(default_factory=list)  # (sent, since start; step)
    latencies_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)


async def start_lecturer(url: str, demo: load_test.ExpectedRun) -> Lecturer:
    """Open the demo, press Start presenting, read the room's code off the join link."""
    page, connection = protocol_load.PageState(url), protocol_load.Connection(url)
    await asyncio.to_thread(connection.page_requests, demo.query)
    socket = await connection.websocket()
    await socket.send(page.open_message(demo.query))
    await protocol_load._until_finished(socket, page, load_test.OPEN_TIMEOUT_S)
    button = page.button("Start presenting")
    if button is None:
        raise RuntimeError("the lecturer's page has no Start presenting button")
    await socket.send(page.click_message(button))
    await protocol_load._until_finished(socket, page, load_test.CLICK_TIMEOUT_S)
    links_shown = [text for text in page.codes if "?room=" in text]
    if not links_shown:
        raise RuntimeError(f"no join link on the lecturer's page: {page.problems}")
    code = parse_qs(urlparse(links_shown[0]).query)["room"][-1]
    return Lecturer(page, connection, socket, code)


async def lecture(lecturer: Lecturer, demo: load_test.ExpectedRun, clicks: int, think_s: float,
                  phase_start: float, rng: random.Random) -> None:
    """The lecturer's clicks: always the next half-step, every ``think_s`` on average."""
    page, socket = lecturer.page, lecturer.socket
    index = 0
    for _ in range(clicks):
        kind = demo.next_kind(index)
        if kind is None:
            lecturer.errors.append(f"the demo's run ends at half-step {index}")
            return
        button = page.button(f"{kind}-step")
        if button is None or button.disabled:
            lecturer.errors.append(f"half-step {index}: {kind}-step is not available")
            return
        sent = time.monotonic()
        await socket.send(page.click_message(button))
        status = await protocol_load._until_finished(socket, page, load_test.CLICK_TIMEOUT_S)
        lecturer.latencies_s.append(time.monotonic() - sent)
        index += 1
        lecturer.clicks.append((sent - phase_start, index))
        result = protocol_load.SessionResult(-1, int(demo.query["k"]), int(demo.query["seed"]))
        protocol_load._check_run(page, status, f"{kind}-step", result)
        load_test._check_view(page.view(), demo, index, result)
        lecturer.errors.extend(result.errors)
        lecturer.leaks.extend(result.leaks)
        await protocol_load.pause(socket, page, think_s * rng.uniform(0.5, 1.5))


def match_delays(record: Follower, clicks: list[tuple[float, int]]) -> None:
    """Each click's delay: until the first run after it that shows its half-step, or a later
    one (the lecture only moves forward; a follower polling once a second shows the newest
    half-step, so two quick clicks may reach it as one)."""
    for sent, step in clicks:
        shown = next((at for at, shown_step in record.shown
                      if at >= sent and shown_step >= step), None)
        if shown is None:
            record.missed.append(step)
        else:
            record.delays_s.append(shown - sent)


async def run_phase(n_followers: int, replicas: int, ramp_s: float, rest_s: float,
                    clicks: int, think_s: float, n_points: int, seed: int) -> dict:
    demo = load_test.expected_run(n_points, *LECTURER_DEMO)
    if demo.last < clicks:
        raise SystemExit(f"the lecturer's demo has {demo.last} half-steps; ask for fewer "
                         f"clicks than that (--clicks)")
    with tempfile.TemporaryDirectory(prefix="em-rooms-bench-") as directory:
        # The replicas share this room store (serve.sh passes the environment on).
        os.environ["EM_ROOM_STORE"] = f"sqlite://{Path(directory) / 'rooms.db'}"
        with protocol_load.running_servers(replicas) as servers:
            pids = [pid for _url, pid in servers.replicas.values()]
            await protocol_load.warm_up(servers, protocol_load.warm_up_run(n_points))
            phase_start = time.monotonic()
            lecturer = await start_lecturer(servers.url, demo)
            print(f"  room {lecturer.code}; {n_followers} follower(s) arriving over "
                  f"{ramp_s:g} s ...", flush=True)
            records = [Follower(number) for number in range(n_followers)]
            stop = asyncio.Event()

            async def arrive(number: int):
                await asyncio.sleep(ramp_s * number / max(n_followers, 1))
                await follow(servers.url, number, lecturer.code, demo, records[number], stop,
                             phase_start)

            followers = [asyncio.create_task(arrive(number)) for number in range(n_followers)]
            haproxy = protocol_load.CpuTracker([servers.haproxy_pid] if servers.haproxy_pid else [])
            with protocol_load.CpuTracker(pids) as cpu, haproxy:
                deadline = time.monotonic() + ramp_s + load_test.OPEN_TIMEOUT_S
                while (not all(r.open_s is not None or r.errors for r in records)
                       and time.monotonic() < deadline):
                    await protocol_load.pause(lecturer.socket, lecturer.page, 0.5)
                opened_s = time.monotonic() - phase_start
                print(f"  all open after {opened_s:.0f} s; {rest_s:g} s at rest ...",
                      flush=True)
                rest_cpu_before, rest_at = cpu.total(), time.monotonic()
                await protocol_load.pause(lecturer.socket, lecturer.page, rest_s)
                rest_cpu_s, rest_elapsed = cpu.total() - rest_cpu_before, time.monotonic() - rest_at
                print(f"  the lecturer clicks {clicks} times ...", flush=True)
                active_cpu_before, active_at = cpu.total(), time.monotonic()
                haproxy_before = haproxy.total()
                await lecture(lecturer, demo, clicks, think_s, phase_start,
                              random.Random(seed))
                await protocol_load.pause(lecturer.socket, lecturer.page, SETTLE_S)
                active_cpu_s = cpu.total() - active_cpu_before
                active_elapsed = time.monotonic() - active_at
                haproxy_cpu_s = haproxy.total() - haproxy_before
            stop.set()
            await asyncio.gather(*followers)
            await lecturer.socket.close()
    for record in records:
        match_delays(record, lecturer.clicks)
    delays = [delay for record in records for delay in record.delays_s]
    rest_share = rest_cpu_s / rest_elapsed if rest_elapsed else None
    done_clicks = len(lecturer.clicks)
    # What the clicks cost above the followers' polling at rest.
    click_cpu_s = (active_cpu_s - (rest_share or 0) * active_elapsed) / done_clicks \
        if done_clicks else None
    return {
        "followers": n_followers,
        "replicas": replicas,
        "room": lecturer.code,
        "clicks": done_clicks,
        "follower_replicas": dict(Counter(record.replica or "-" for record in records)),
        "open": common.latency_summary([record.open_s for record in records
                                 if record.open_s is not None]),
        "all_open_after_s": opened_s,
        **common.latency_figures("delay", delays),
        "delays": len(delays),
        "missed": sum(len(record.missed) for record in records),
        "lecturer_latency_median_s": (statistics.median(lecturer.latencies_s)
                                      if lecturer.latencies_s else None),
        "errors": sum(len(record.errors) for record in records) + len(lecturer.errors),
        "leaks": sum(len(record.leaks) for record in records) + len(lecturer.leaks),
        "rest_s": rest_elapsed,
        "rest_cpu_share": rest_share,
        "rest_cpu_ms_per_follower_per_s": (rest_share / n_followers * 1000
                                           if rest_share is not None and n_followers else None),
        "active_s": active_elapsed,
        "active_cpu_share": active_cpu_s / active_elapsed if active_elapsed else None,
        "cpu_s_per_lecturer_click": click_cpu_s,
        "haproxy_cpu_share_active": (haproxy_cpu_s / active_elapsed
                                     if servers.haproxy_pid and active_elapsed else None),
        "lecturer": {"errors": lecturer.errors, "leaks": lecturer.leaks},
        "follower_details": [asdict(record) for record in records],
    }


def _pct(value) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


COLUMNS = (
    ("phase", 9, lambda name, p: name),
    ("followers", 9, lambda name, p: p["followers"]),
    ("clicks", 6, lambda name, p: p["clicks"]),
    ("delay med", 9, lambda name, p: common.ms(p["delay_median_s"])),
    ("p95", 6, lambda name, p: common.ms(p["delay_p95_s"])),
    ("max", 6, lambda name, p: common.ms(p["delay_max_s"])),
    ("missed", 6, lambda name, p: p["missed"]),
    ("errors", 6, lambda name, p: p["errors"]),
    ("leaks", 5, lambda name, p: p["leaks"]),
    ("rest CPU", 8, lambda name, p: _pct(p["rest_cpu_share"])),
    ("ms/fol/s", 8, lambda name, p: "-" if p["rest_cpu_ms_per_follower_per_s"] is None
     else f"{p['rest_cpu_ms_per_follower_per_s']:.2f}"),
    ("active", 6, lambda name, p: _pct(p["active_cpu_share"])),
    ("CPU/click", 9, lambda name, p: common.ms(p["cpu_s_per_lecturer_click"])),
)


async def main_async(args) -> dict:
    phases = {}
    if args.baseline:
        print("Baseline: 1 lecturer, 1 follower ...", flush=True)
        phases["baseline"] = await run_phase(1, args.replicas, 0.0, min(args.rest, 10.0),
                                             args.clicks, args.think, args.n, args.seed)
    print(f"Room: 1 lecturer, {args.followers} followers on {args.replicas} replica(s) ...",
          flush=True)
    phases["room"] = await run_phase(args.followers, args.replicas, args.ramp, args.rest,
                                     args.clicks, args.think, args.n, args.seed)
    return phases


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=200)
    parser.add_argument("--replicas", type=int, default=2,
                        help="replicas behind HAProxy (1: one plain streamlit server)")
    common.add_ramp_argument(parser, 60.0, "the followers")
    parser.add_argument("--rest", type=float, default=30.0,
                        help="seconds with every follower polling and nobody clicking")
    parser.add_argument("--clicks", type=int, default=20, help="the lecturer's clicks")
    parser.add_argument("--think", type=float, default=3.0,
                        help="mean pause between the lecturer's clicks, in seconds")
    common.add_points_argument(parser, "the lecturer's")
    parser.add_argument("--seed", type=int, default=0, help="draws the lecturer's pauses")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the 1-follower baseline")
    args = parser.parse_args(argv)
    common.check_range(parser, args, ("followers",), 1, MAX_FOLLOWERS)
    common.check_range(parser, args, ("replicas",), 1, 4)
    common.check_range(parser, args, ("ramp", "rest", "think"), 0, MAX_WAIT_S)
    common.check_range(parser, args, ("clicks",), 1, MAX_CLICKS)
    common.check_points(parser, args)
    return args


def main(argv=None) -> int:
    args = parse_arguments(argv)
    common.unwind_on_sigterm()
    one_phase_s = (300 + 3 * load_test.OPEN_TIMEOUT_S + args.ramp + args.rest
                   + args.clicks * (1.5 * args.think + load_test.CLICK_TIMEOUT_S) + 60)
    try:
        with protocol_load.Watchdog(2 * one_phase_s):
            phases = asyncio.run(main_async(args))
    except KeyboardInterrupt:
        print("\ninterrupted: the sessions were closed and the hall stopped", file=sys.stderr)
        return 130
    print()
    print(common.table(COLUMNS, phases))
    print("(delay: the lecturer's click sent -> the end of the follower's first run showing "
          "that half-step; rest CPU: the replicas' CPU share of one core with every follower "
          "polling, ms/fol/s: per follower per second; active: while the lecturer clicks; "
          "CPU/click: per lecturer click above the polling, every follower's rerun included)")
    room = phases["room"]
    baseline = phases.get("baseline")
    summary = common.run_summary(args, phases) | common.ratios(room, baseline, "delay")
    print(f"\nfollowers per replica: {room['follower_replicas']}; all open after "
          f"{room['all_open_after_s']:.0f} s; HAProxy while clicking: "
          f"{_pct(room['haproxy_cpu_share_active'])} of a core")
    if "median_ratio" in summary:
        print(f"delay, {room['followers']} followers against 1: median "
              f"{summary['median_ratio']:.2f}x, p95 {summary['p95_ratio']:.2f}x")
    for name, phase in phases.items():
        problems = phase["lecturer"]["errors"] + phase["lecturer"]["leaks"]
        for detail in phase["follower_details"]:
            problems += [f"follower {detail['session']}: {text}"
                         for text in detail["errors"] + detail["leaks"]][:2]
        for text in problems[:10]:
            print(f"  {name}: {text}")
    common.write_results(f"protocol_room_{args.followers}f_r{args.replicas}", summary)
    return 0 if room["errors"] == 0 and room["leaks"] == 0 and room["missed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
