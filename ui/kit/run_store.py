"""Runs shared between sessions: 200 students opening the same demo share one computation.

A run is deterministic given its data and settings, so runs live in one bounded, thread-safe
LRU store per server process (``run_store()``), keyed by everything that determines them.
A session keeps only its position in a run. Nobody truncates a shared run: Back lowers a
session's position, and extending a run happens under that run's lock.

:class:`SharedRun` wraps an ``EMRun`` or a ``KMeansRun`` (both step one half-step at a time)
and implements the :class:`ui.kit.step_rules.StepRun` protocol.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from gmm_core.em_run import EMRun
from gmm_core.initialisation import initial_params
from gmm_core.kmeans import KMeansRun
from gmm_core.mixture import ComponentCollapse

# A run holds its data (N x D) plus a few cached (N x K) responsibility matrices; the store
# evicts least-recently-used runs beyond these bounds.
MAX_RUNS = 48
MAX_STORED_VALUES = 30_000_000  # float64 values, about 240 MB
RESPONSIBILITY_SLOTS = 3
MEMO_SLOTS = 16


def data_digest(X: np.ndarray) -> str:
    """A short fingerprint of the data (shape and bytes): part of every run's key."""
    X = np.ascontiguousarray(X)
    hasher = hashlib.blake2b(digest_size=12)
    hasher.update(str((X.shape, X.dtype.str)).encode())
    hasher.update(memoryview(X).cast("B"))
    return hasher.hexdigest()


@dataclass(frozen=True)
class RunSpec:
    """Everything that determines a stepper's EM run besides the data (keyed by its digest)."""

    data_digest: str
    n_components: int
    covariance_type: str
    init: str
    seed: int
    reg_covar: float
    tol: float
    max_iter: int
    means: tuple[tuple[float, ...], ...] | None = None

    def build(self, X: np.ndarray) -> EMRun:
        """The run of this spec on X (N, D); raises ValueError for an impossible start."""
        start = initial_params(X, self.n_components, self.covariance_type, self.init,
                               seed=self.seed, reg_covar=self.reg_covar,
                               means=np.array(self.means) if self.means else None)
        return EMRun(X, start, reg_covar=self.reg_covar, tol=self.tol, max_iter=self.max_iter)


class SharedRun:
    """An ``EMRun`` or ``KMeansRun`` made safe to share between sessions.

    The engine is built lazily by ``build`` (k-means initialisation of 100,000 points takes a
    moment) under the run's own lock, so a slow start never blocks the whole store; a start
    that cannot be built (K > N ...) becomes ``error``. Every read of the engine's mutable
    state goes through the lock.
    """

    def __init__(self, X: np.ndarray, build: Callable[[], EMRun | KMeansRun], *,
                 n_components: int):
        self.key: Hashable | None = None  # set by the store: what identifies the run
        self._X = X
        self._build = build
        self._n_components = n_components
        self._lock = threading.Lock()
        self._run: EMRun | KMeansRun | None = None
        self._error: str | None = None
        # EM only: recent E-steps' responsibilities (N, K), by the index of their E entry.
        self._responsibilities: OrderedDict[int, np.ndarray | None] = OrderedDict()
        # Derived results a page computes from the run (see ``memo``).
        self._memo: OrderedDict[Hashable, object] = OrderedDict()

    @property
    def weight(self) -> int:
        """Stored float64 values, for the store's memory bound."""
        n_samples, n_features = self._X.shape
        return n_samples * (n_features + RESPONSIBILITY_SLOTS * self._n_components)

    @property
    def X(self) -> np.ndarray:
        return self._X

    @property
    def is_kmeans(self) -> bool:
        with self._lock:
            return isinstance(self._ensure(), KMeansRun)

    def _ensure(self) -> EMRun | KMeansRun | None:
        if self._run is None and self._error is None:
            try:
                self._run = self._build()
            except (ValueError, ComponentCollapse, np.linalg.LinAlgError) as error:
                self._error = str(error)
        return self._run

    @property
    def error(self) -> str | None:
        """Why the run could not start (e.g. K larger than the number of points), or None."""
        with self._lock:
            self._ensure()
            return self._error

    def history(self) -> tuple:
        """The entries computed so far (``HalfStep`` or ``KMeansHalfStep``): start, E, M..."""
        with self._lock:
            run = self._ensure()
            return run.history if run is not None else ()

    def status(self) -> str:
        with self._lock:
            run = self._ensure()
            return run.status if run is not None else "failed"

    def next_kind_after(self, index: int) -> str | None:
        """The kind of the entry after ``index``; None if the run ends there. A rewound
        history replays its stored entries; at its end it is the run's own next step."""
        with self._lock:
            run = self._ensure()
            if run is None:
                return None
            if index + 1 < len(run):
                return run[index + 1].kind
            return run.next_kind

    def _step(self, run: EMRun | KMeansRun) -> None:
        """One half-step, keeping an E-step's responsibilities (the engine caches only its
        latest evaluation, which the M-step replaces). Called under the lock."""
        if run.step().kind == "E":
            source = len(run) - 1
            self._remember(source, run.responsibilities_at(source))

    def _remember(self, source: int, responsibilities: np.ndarray | None) -> None:
        self._responsibilities[source] = responsibilities
        self._responsibilities.move_to_end(source)
        while len(self._responsibilities) > RESPONSIBILITY_SLOTS:
            self._responsibilities.popitem(last=False)

    def extend_to(self, index: int | None, deadline: float | None = None) -> int:
        """Compute entries up to ``index`` (None: to the end of the run) or until the run ends,
        or until ``time.monotonic()`` passes ``deadline``; return the last index computed.

        The lock is taken for one half-step at a time, so other sessions reading this run
        wait for at most one half-step, never for a whole long computation.
        """
        while True:
            with self._lock:
                run = self._ensure()
                if run is None:
                    return 0
                if run.finished or (index is not None and len(run) > index):
                    return len(run) - 1
                self._step(run)
                last = len(run) - 1
            if deadline is not None and time.monotonic() >= deadline:
                return last

    def run_to_convergence(self, deadline: float | None = None) -> int:
        """Compute until converged, collapsed or max_iter (or ``deadline``); the last index."""
        return self.extend_to(None, deadline)

    def memo(self, key: Hashable, compute: Callable[[], object]) -> object:
        """``compute()``, kept with the run under ``key`` (a few at most): what every session
        on this run would otherwise recompute, e.g. the explanation of a decrease of ℓ."""
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_SLOTS:
                self._memo.popitem(last=False)
        return value

    @property
    def finished(self) -> bool:
        """True when the run has ended (converged, collapsed, max_iter) or could not start."""
        with self._lock:
            run = self._ensure()
            return run is None or run.finished

    def responsibilities_at(self, index: int) -> np.ndarray | None:
        """The responsibilities (N, K) shown at entry ``index`` (None before the first E);
        one-hot labels for k-means. A few recent matrices are kept per run, so replaying or
        several students on nearby steps do not recompute the E-step on every rerun."""
        with self._lock:
            run = self._ensure()
            if run is None:
                return None
            index = min(max(index, 0), len(run) - 1)
            if isinstance(run, KMeansRun):
                labels = run.labels_at(index)
                return None if labels is None else np.eye(self._n_components)[labels]
            source = index
            while source >= 0 and run[source].kind != "E":
                source -= 1
            if source in self._responsibilities:
                self._responsibilities.move_to_end(source)
                return self._responsibilities[source]
            responsibilities = run.responsibilities_at(index)
            self._remember(source, responsibilities)
            return responsibilities

    def labels_at(self, index: int) -> np.ndarray | None:
        """Hard labels (N,) at entry ``index``: k-means' clusters or EM's most responsible
        component; None before the first assignment or E-step."""
        with self._lock:
            run = self._ensure()
            if isinstance(run, KMeansRun):
                return run.labels_at(index)
        responsibilities = self.responsibilities_at(index)
        return None if responsibilities is None else responsibilities.argmax(axis=1)


class RunStore:
    """A bounded LRU of :class:`SharedRun` by key; safe to use from many threads."""

    def __init__(self, max_runs: int = MAX_RUNS, max_values: int = MAX_STORED_VALUES):
        self.max_runs = max_runs
        self.max_values = max_values
        self._runs: OrderedDict[Hashable, SharedRun] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], SharedRun]) -> SharedRun:
        """The shared run for ``key``, made by ``make()`` (not yet computed) if new."""
        with self._lock:
            run = self._runs.get(key)
            if run is None:
                run = make()
                run.key = key
                self._runs[key] = run
                self._evict()
            else:
                self._runs.move_to_end(key)
            return run

    def em_run(self, X: np.ndarray, spec: RunSpec) -> SharedRun:
        """The shared EM run of ``spec`` on X (N, D)."""
        return self.get(spec, lambda: SharedRun(X, lambda: spec.build(X),
                                                n_components=spec.n_components))

    def _evict(self) -> None:
        # The newest run always stays, even if it alone exceeds the budget.
        while len(self._runs) > 1 and (
            len(self._runs) > self.max_runs
            or sum(run.weight for run in self._runs.values()) > self.max_values
        ):
            self._runs.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._runs)


@st.cache_resource(show_spinner=False)
def run_store() -> RunStore:
    """The one run store of this server process, shared by every session."""
    return RunStore()
