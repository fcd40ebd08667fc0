"""What the hall benchmarks share (load_test.py, protocol_load.py, protocol_room.py).

Argument checks, the figures every phase reports (latency statistics, errors and leaks, the
server's CPU and memory), the tables printed at the end and the JSON written to
benchmarks/results/ (git-ignored). The benchmarks run as scripts: each puts the repository root
on ``sys.path`` before importing this module.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ui.kit import view_settings as links

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"

# A column of a printed table: (heading, width, cell(phase name, phase figures) -> printed value).
Column = tuple[str, int, Callable[[str, dict], object]]


# --- arguments ----------------------------------------------------------------------------------


def check_range(parser: argparse.ArgumentParser, args: argparse.Namespace,
                names: Sequence[str], low: float, high: float) -> None:
    """Stop with parser.error unless every argument in ``names`` is from ``low`` to ``high``."""
    for name in names:
        if not low <= getattr(args, name) <= high:
            parser.error(f"--{name.replace('_', '-')} must be from {low} to {high}")


def add_hall_arguments(parser: argparse.ArgumentParser, *, sessions: int, kind: str,
                       max_sessions: int, max_seconds: float, seconds_help: str) -> None:
    """``--sessions`` (``kind`` sessions of the hall), ``--seconds`` (their stepping time) and
    ``--baseline-seconds`` (the 1-session baseline's); checked by check_hall_arguments."""
    parser.add_argument("--sessions", type=int, default=sessions,
                        help=f"concurrent {kind} sessions (1 to {max_sessions})")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help=f"{seconds_help} (at most {max_seconds})")
    parser.add_argument("--baseline-seconds", type=float, default=30.0,
                        help="stepping time of the 1-session baseline (0: skip it)")


def check_hall_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace,
                         max_sessions: int, max_seconds: float) -> None:
    """The bounds of add_hall_arguments' arguments; the hall's ``--seconds`` must be positive."""
    check_range(parser, args, ("sessions",), 1, max_sessions)
    check_range(parser, args, ("seconds", "baseline_seconds"), 0, max_seconds)
    if args.seconds <= 0:
        parser.error("--seconds must be positive")


def add_ramp_argument(parser: argparse.ArgumentParser, default: float, who: str) -> None:
    """``--ramp``: ``who`` (the sessions, the followers) arrive evenly over this many seconds."""
    parser.add_argument("--ramp", type=float, default=default,
                        help=f"{who} arrive evenly spread over this many seconds")


def add_points_argument(parser: argparse.ArgumentParser, whose: str) -> None:
    """``--n``: the number of data points N of ``whose`` data (checked by check_points)."""
    parser.add_argument("--n", type=int, default=2000, help=f"points in {whose} data")


def check_points(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """``--n`` must be a data size the app's links accept."""
    check_range(parser, args, ("n",), links.N_MIN, links.N_MAX)


def unwind_on_sigterm() -> None:
    """Make Ctrl-C, a watchdog's SIGINT and a plain ``kill`` raise KeyboardInterrupt.

    Also when the benchmark was started in the background (where SIGINT arrives ignored), so
    that every server is stopped by its context manager.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda _signum, _frame: signal.raise_signal(signal.SIGINT))


# --- figures ------------------------------------------------------------------------------------


@dataclass
class SessionRecord:
    """One simulated student: the K and seed of its link, its clicks, what went wrong.

    ``errors``: exceptions, error alerts, timeouts, lost connections; ``leaks``: a view that is
    not the one the session's own clicks imply.
    """

    session: int
    k: int
    seed: int
    clicks: int = 0
    open_s: float | None = None
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)


def error_text(error: BaseException) -> str:
    """How a session's failure is counted: the exception's type and first line."""
    text = str(error).splitlines()[0][:300] if str(error) else "no answer in time"
    return f"{type(error).__name__}: {text}"


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) of ``values``, interpolated linearly; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(values: Sequence[float]) -> dict:
    """``{"median_s", "p95_s", "max_s"}`` of durations in seconds (None when there are none)."""
    return {"median_s": statistics.median(values) if values else None,
            "p95_s": percentile(values, 0.95), "max_s": max(values) if values else None}


def latency_figures(name: str, values: Sequence[float]) -> dict:
    """latency_summary with the keys prefixed: ``{name}_median_s``, ``{name}_p95_s``, ..."""
    return {f"{name}_{key}": value for key, value in latency_summary(values).items()}


def click_figures(clicks: int, elapsed_s: float) -> dict:
    """A phase's length, clicks and clicks per second."""
    return {"elapsed_s": elapsed_s, "clicks": clicks,
            "clicks_per_s": clicks / elapsed_s if elapsed_s else None}


def problem_counts(records: Iterable[SessionRecord]) -> dict:
    """``{"errors": n, "leaks": n}`` summed over the sessions."""
    records = list(records)
    return {"errors": sum(len(record.errors) for record in records),
            "leaks": sum(len(record.leaks) for record in records)}


def server_figures(cpu_s: float, elapsed_s: float, clicks: int, n_sessions: int,
                   idle_mb: float, peak_mb: float, after_mb: float) -> dict:
    """The server's CPU seconds (per click, share of one core) and memory (MB) over a phase."""
    return {
        "server_cpu_s": cpu_s,
        "server_cpu_s_per_click": cpu_s / clicks if clicks else None,
        "server_cpu_share": cpu_s / elapsed_s if elapsed_s else None,
        "rss_idle_mb": idle_mb,
        "rss_peak_mb": peak_mb,
        "rss_after_mb": after_mb,
        "rss_per_session_mb": (peak_mb - idle_mb) / n_sessions,
    }


def ratios(hall: dict, baseline: dict | None, name: str, prefix: str = "") -> dict:
    """The hall's median and p95 of ``name`` over the baseline's, as
    ``{prefix}median_ratio`` and ``{prefix}p95_ratio``; empty when a figure is missing."""
    statistics_ = ("median", "p95")
    figures = [phase and phase.get(f"{name}_{statistic}_s")
               for phase in (hall, baseline) for statistic in statistics_]
    if not all(figures):
        return {}
    return {f"{prefix}{statistic}_ratio": hall[f"{name}_{statistic}_s"]
            / baseline[f"{name}_{statistic}_s"] for statistic in statistics_}


# --- what a run prints and writes ---------------------------------------------------------------


def ms(value: float | None) -> str:
    """Seconds as whole milliseconds for a table; "-" for no value."""
    return "-" if value is None else f"{value * 1000:.0f}"


# The first columns of the hall benchmarks' tables: the phase, its sessions and clicks.
SESSION_COLUMNS: tuple[Column, ...] = (
    ("phase", 9, lambda name, p: name),
    ("sessions", 8, lambda name, p: p["sessions"]),
    ("clicks", 6, lambda name, p: p["clicks"]),
    ("clicks/s", 8, lambda name, p: f"{p['clicks_per_s']:.2f}"),
)


def latency_columns(label: str, name: str, width: int) -> tuple[Column, Column]:
    """Columns "<label> med" and "<label> p95": latency_figures(name, ...) in milliseconds."""
    return ((f"{label} med", width, lambda _name, p: ms(p[f"{name}_median_s"])),
            (f"{label} p95", width, lambda _name, p: ms(p[f"{name}_p95_s"])))


def table(columns: Sequence[Column], phases: dict[str, dict]) -> str:
    """A text table: a heading line, then one row per phase (first column left-aligned)."""
    def line(cells) -> str:
        return " ".join(f"{cell!s:<{width}}" if number == 0 else f"{cell!s:>{width}}"
                        for number, (cell, width) in enumerate(cells))

    lines = [line((heading, width) for heading, width, _cell in columns)]
    lines += [line((cell(name, phase), width) for _heading, width, cell in columns)
              for name, phase in phases.items()]
    return "\n".join(lines)


def print_session_problems(name: str, phase: dict, per_session: int = 3) -> None:
    """The first errors and leaks of every session of a phase."""
    for detail in phase["session_details"]:
        for problem in (detail["errors"] + detail["leaks"])[:per_session]:
            print(f"  {name} session {detail['session']}: {problem}")


def run_summary(args: argparse.Namespace, phases: dict[str, dict]) -> dict:
    """The JSON a run writes: its arguments, the machine, the phases and when it ended.

    The load average at the end flags a noisy run: the machine is shared.
    """
    return {"arguments": vars(args), "machine_cpus": os.cpu_count(), "phases": phases,
            "load_average_at_end": os.getloadavg(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S")}


def write_results(stem: str, summary: dict) -> Path:
    """Write ``summary`` to benchmarks/results/<stem>_<unix time>.json, say where, return it."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{stem}_{int(time.time())}.json"
    path.write_text(json.dumps(summary, indent=2))
    print(f"\nWrote {path.relative_to(REPO_ROOT)}")
    return path
