"""What a stepping button does: the rules, written once for every run that steps in half-steps.

A *step run* is anything with a history of half-steps that grows on demand: the EM stepper's
run, k-means' run (its assignment plays the E-step, its update the M-step), the means-only run
on the mixture-model page. Sessions share runs and each keeps its own position (an index into
the history), so the rules take a run and a position and return the new position; they never
truncate a history. Pure: no Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

# The stepping actions, with the labels of their buttons (the UI vocabulary).
E_STEP, M_STEP, ITERATION = "E-step", "M-step", "EM iteration"
CONVERGE, BACK, RESET = "Run to convergence", "Back", "Reset"
ACTIONS = (E_STEP, M_STEP, ITERATION, CONVERGE, BACK, RESET)

# What each kind of history entry is called on screen (k-means' assignment plays the E-step,
# its update the M-step), and how a run ended.
KIND_NAMES = {"start": "start", "E": "E-step", "M": "M-step", "assign": "assign (E-step)",
              "update": "update (M-step)"}
STATUS_NAMES = {"running": "running", "converged": "converged", "collapsed": "collapsed",
                "max_iter": "stopped at the iteration limit"}

E_KINDS = frozenset({"E", "assign"})
M_KINDS = frozenset({"M", "update"})


class StepEntry(Protocol):
    """One entry of a history: its kind ("start", "E"/"assign", "M"/"update") and iteration."""

    kind: str
    iteration: int


class StepRun(Protocol):
    """A run whose history grows one half-step at a time (safe to share between sessions)."""

    def history(self) -> Sequence[StepEntry]:
        """The entries computed so far: start, then one per half-step."""

    def status(self) -> str:
        """"running", "converged", "max_iter", "collapsed" (or the run's own word)."""

    def next_kind_after(self, index: int) -> str | None:
        """The kind of the entry after ``index``; None when the run ends at ``index``."""

    def extend_to(self, index: int | None, deadline: float | None = None) -> int:
        """Compute entries up to ``index`` (None: to the end) or until the run ends or
        ``time.monotonic()`` passes ``deadline``; return the last index computed."""

    def run_to_convergence(self, deadline: float | None = None) -> int:
        """Compute until the run ends (or ``deadline``); return the last index."""


def can_take(run: StepRun, index: int, action: str) -> bool:
    """Whether ``action`` would move ``run`` from entry ``index`` (enables its button)."""
    upcoming = run.next_kind_after(index)
    if action == E_STEP:
        return upcoming in E_KINDS
    if action == M_STEP:
        return upcoming in M_KINDS
    if action in (ITERATION, CONVERGE):
        return upcoming is not None
    if action in (BACK, RESET):
        return index > 0
    raise ValueError(f"unknown action {action!r}; choose from {', '.join(ACTIONS)}")


def advance(run: StepRun, index: int, action: str, deadline: float | None = None) -> int:
    """Apply ``action`` to ``run`` shown at entry ``index``; return the entry to show next.

    "E-step" / "M-step" take that half-step if it is the next one and otherwise stay; "EM
    iteration" goes through the next M-step (or update); "Run to convergence" to the end of
    the run (or as far as it gets before ``deadline``, a ``time.monotonic()`` value); "Back"
    one half-step back; "Reset" to the start. A rewound history is replayed, never
    recomputed.
    """
    index = max(int(index), 0)
    if action in (E_STEP, M_STEP):
        if not can_take(run, index, action):
            return index
        return min(index + 1, run.extend_to(index + 1))
    if action == ITERATION:
        while True:
            upcoming = run.next_kind_after(index)
            if upcoming is None:
                return index
            index = min(index + 1, run.extend_to(index + 1))
            if upcoming in M_KINDS:
                return index
    if action == CONVERGE:
        return run.run_to_convergence(deadline)
    if action == BACK:
        return max(index - 1, 0)
    if action == RESET:
        return 0
    raise ValueError(f"unknown action {action!r}; choose from {', '.join(ACTIONS)}")


def step_forward(run: StepRun, index: int) -> int:
    """The next half-step, whichever kind it is (Play); the same index at the end."""
    upcoming = run.next_kind_after(max(int(index), 0))
    if upcoming is None:
        return index
    return advance(run, index, E_STEP if upcoming in E_KINDS else M_STEP)


class KindEntry(NamedTuple):
    """A history entry known only by its kind and iteration (a :class:`FinishedRun`'s)."""

    kind: str
    iteration: int


class FinishedRun:
    """A history computed in full (e.g. a cached means-only run) seen as a :class:`StepRun`.

    kinds: the kind of every entry ("start", "E", "M", ...); status: how the run ended.
    """

    def __init__(self, kinds: Sequence[str], status: str = "converged"):
        iterations = 0
        entries = []
        for kind in kinds:
            iterations += kind in M_KINDS
            entries.append(KindEntry(kind, iterations))
        self._entries = tuple(entries)
        self._status = status

    def history(self) -> Sequence[KindEntry]:
        return self._entries

    def status(self) -> str:
        return self._status

    def next_kind_after(self, index: int) -> str | None:
        return self._entries[index + 1].kind if index + 1 < len(self._entries) else None

    def extend_to(self, index: int | None, deadline: float | None = None) -> int:
        return len(self._entries) - 1

    def run_to_convergence(self, deadline: float | None = None) -> int:
        return len(self._entries) - 1
