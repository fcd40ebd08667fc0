"""EM runs shared between sessions, and the little state each session keeps.

A run is deterministic given the data and the model settings, so 200 students opening the
same demo share one computation: runs live in a bounded, thread-safe LRU store created once
per server (``st.cache_resource``). A session keeps only its settings (widget state) and the
index of the half-step it shows. Nobody ever truncates a shared run: Back lowers the index,
and extending a run happens under that run's lock.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import streamlit as st

from gmm_core.em_run import EMRun, HalfStep
from gmm_core.initialisation import initial_params
from gmm_core.mixture import ComponentCollapse

# A run holds its data (N x D) plus a few cached (N x K) responsibility matrices; the store
# evicts least-recently-used runs beyond these bounds.
MAX_RUNS = 48
MAX_STORED_VALUES = 30_000_000  # float64 values, about 240 MB
RESPONSIBILITY_SLOTS = 3


def data_digest(X: np.ndarray) -> str:
    """A short fingerprint of the data (shape and bytes): part of every run's key."""
    X = np.ascontiguousarray(X)
    hasher = hashlib.blake2b(digest_size=12)
    hasher.update(str((X.shape, X.dtype.str)).encode())
    hasher.update(memoryview(X).cast("B"))
    return hasher.hexdigest()


@dataclass(frozen=True)
class RunSpec:
    """Everything that determines an EM run besides the data (whose digest is part of it)."""

    data_digest: str
    n_components: int
    covariance_type: str
    init: str
    seed: int
    reg_covar: float
    tol: float
    max_iter: int
    means: tuple[tuple[float, ...], ...] | None = None


class SharedRun:
    """An ``EMRun`` made safe to share between sessions.

    The run is built lazily (k-means initialisation of 100,000 points takes a moment) under
    the run's own lock, so a slow start never blocks the whole store. Every read of the
    engine's mutable state goes through the lock too.
    """

    def __init__(self, X: np.ndarray, spec: RunSpec):
        self.spec = spec
        self._X = X
        self._lock = threading.Lock()
        self._run: EMRun | None = None
        self._error: str | None = None
        self._responsibilities: OrderedDict[int, np.ndarray | None] = OrderedDict()

    @property
    def weight(self) -> int:
        """Stored float64 values, for the store's memory bound."""
        n_samples, n_features = self._X.shape
        return n_samples * (n_features + RESPONSIBILITY_SLOTS * self.spec.n_components)

    def _ensure(self) -> EMRun | None:
        if self._run is None and self._error is None:
            spec = self.spec
            try:
                start = initial_params(
                    self._X, spec.n_components, spec.covariance_type, spec.init,
                    seed=spec.seed, reg_covar=spec.reg_covar,
                    means=np.array(spec.means) if spec.means else None,
                )
                self._run = EMRun(self._X, start, reg_covar=spec.reg_covar, tol=spec.tol,
                                  max_iter=spec.max_iter)
            except (ValueError, ComponentCollapse, np.linalg.LinAlgError) as error:
                self._error = str(error)
        return self._run

    @property
    def error(self) -> str | None:
        """Why the run could not start (e.g. K larger than the number of points), or None."""
        with self._lock:
            self._ensure()
            return self._error

    @property
    def X(self) -> np.ndarray:
        return self._X

    def history(self) -> tuple[HalfStep, ...]:
        """A snapshot of the half-steps computed so far (start, E, M, ...)."""
        with self._lock:
            run = self._ensure()
            return run.history if run is not None else ()

    def status(self) -> str:
        with self._lock:
            run = self._ensure()
            return run.status if run is not None else "failed"

    def _advance(self, run: EMRun, index: int | None) -> int:
        """Step up to ``index`` (None: to the end), keeping each E-step's responsibilities.

        The engine caches only the latest evaluation, which the M-step replaces; keeping the
        E-step's matrix saves recomputing it to draw the M-step that follows.
        """
        while not run.finished and (index is None or len(run) <= index):
            if run.step().kind == "E":
                source = len(run) - 1
                self._remember(source, run.responsibilities_at(source))
        return len(run) - 1

    def _remember(self, source: int, responsibilities: np.ndarray | None) -> None:
        self._responsibilities[source] = responsibilities
        self._responsibilities.move_to_end(source)
        while len(self._responsibilities) > RESPONSIBILITY_SLOTS:
            self._responsibilities.popitem(last=False)

    def extend_to(self, index: int) -> int:
        """Compute half-steps up to ``index`` (or until the run ends); return the last index."""
        with self._lock:
            run = self._ensure()
            return 0 if run is None else self._advance(run, index)

    def run_to_convergence(self) -> int:
        """Compute until converged, collapsed or max_iter; return the last index."""
        with self._lock:
            run = self._ensure()
            return 0 if run is None else self._advance(run, None)

    def next_kind_after(self, index: int) -> str | None:
        """The kind ("E" or "M") of the half-step after ``index``; None if the run ends there."""
        with self._lock:
            run = self._ensure()
            if run is None:
                return None
            if index + 1 < len(run):
                return run[index + 1].kind
            return run.next_kind

    def responsibilities_at(self, index: int) -> np.ndarray | None:
        """The responsibilities (N, K) shown at half-step ``index`` (None before the first E).

        A few recent matrices are kept per run, so replaying or several students standing on
        nearby steps do not recompute the E-step on every rerun.
        """
        with self._lock:
            run = self._ensure()
            if run is None:
                return None
            index = min(max(index, 0), len(run) - 1)
            source = index
            while source >= 0 and run[source].kind != "E":
                source -= 1
            if source in self._responsibilities:
                self._responsibilities.move_to_end(source)
                return self._responsibilities[source]
            responsibilities = run.responsibilities_at(index)
            self._remember(source, responsibilities)
            return responsibilities


class RunStore:
    """A bounded LRU of ``SharedRun`` keyed by ``RunSpec``; safe to use from many threads."""

    def __init__(self, max_runs: int = MAX_RUNS, max_values: int = MAX_STORED_VALUES):
        self.max_runs = max_runs
        self.max_values = max_values
        self._runs: OrderedDict[RunSpec, SharedRun] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, X: np.ndarray, spec: RunSpec) -> SharedRun:
        """The shared run for ``spec`` (created empty if new; computed on first use)."""
        with self._lock:
            run = self._runs.get(spec)
            if run is None:
                run = SharedRun(X, spec)
                self._runs[spec] = run
                self._evict()
            else:
                self._runs.move_to_end(spec)
            return run

    def _evict(self):
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


# --- per-session state ------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionKeys:
    """Names of one page's entries in ``st.session_state`` (pages must not collide)."""

    prefix: str

    def widget(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    @property
    def index(self) -> str:
        return f"{self.prefix}.index"

    @property
    def playing(self) -> str:
        return f"{self.prefix}.playing"

    @property
    def run_spec(self) -> str:
        return f"{self.prefix}.run_spec"

    @property
    def requested_index(self) -> str:
        return f"{self.prefix}.requested_index"

    @property
    def ready(self) -> str:
        return f"{self.prefix}.ready"

    @property
    def link_problems(self) -> str:
        return f"{self.prefix}.link_problems"

    @property
    def saved_settings(self) -> str:
        return f"{self.prefix}.saved_settings"

    @property
    def tick(self) -> str:
        return f"{self.prefix}.tick"

    @property
    def full_rerun(self) -> str:
        return f"{self.prefix}.full_rerun"


def current_index(keys: SessionKeys) -> int:
    return int(st.session_state.get(keys.index, 0))


def set_index(keys: SessionKeys, index: int) -> None:
    st.session_state[keys.index] = max(int(index), 0)


def follow_run(keys: SessionKeys, run: SharedRun) -> int:
    """Attach the session to ``run`` and return the half-step index to show.

    A new run (the settings changed) starts at its start, unless a deep link or a lesson
    button asked for a particular half-step; the index is then clamped to what the run
    reaches.
    """
    announce = False
    if st.session_state.get(keys.run_spec) != run.spec:
        st.session_state[keys.run_spec] = run.spec
        requested, announce = st.session_state.pop(keys.requested_index, (0, False))
        set_index(keys, requested)
        st.session_state[keys.playing] = False
    index = current_index(keys)
    if index > 0:
        last = run.extend_to(index)
        if index > last:
            if announce:
                st.info(f"The link asks for half-step {index}, but this run ends at half-step "
                        f"{last} ({run.status()}); showing half-step {last}.")
            index = last
            set_index(keys, index)
    return index


def request_index(keys: SessionKeys, index: int, *, announce: bool = False) -> None:
    """Ask the next run attached (after a settings change) to open at half-step ``index``.

    announce: say so on screen if the run ends before ``index`` (a deep link's step); lesson
    buttons ask for a huge index to mean "the end" and stay quiet.
    """
    st.session_state[keys.requested_index] = (int(index), announce)


def shared_run(X: np.ndarray, spec: RunSpec) -> SharedRun:
    return run_store().get(X, spec)


def run_spec_for(digest: str, settings) -> RunSpec:
    """The RunSpec of ViewSettings-like ``settings`` on data with fingerprint ``digest``."""
    return RunSpec(
        data_digest=digest,
        n_components=settings.k,
        covariance_type=settings.cov,
        init=settings.init,
        seed=settings.seed,
        reg_covar=settings.reg,
        tol=settings.tol,
        max_iter=settings.max_iter,
        means=settings.means if settings.init == "given-means" else None,
    )

