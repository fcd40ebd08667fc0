"""EM one half-step at a time, with a history that can be rewound and replayed.

The history is: start, E, M, E, M, ... Each entry holds the *parameters* and the total
log-likelihood of the data under them, never an (N, K) responsibility matrix:
``EMRun.responsibilities_at(i)`` recomputes the responsibilities shown at half-step i.

- An E-step recolours the points (new responsibilities); the parameters do not change, so
  neither does the log-likelihood, but the lower bound (ELBO) rises to meet it.
- An M-step moves the components (new parameters) while the points keep the colours of the
  E-step that produced them; the log-likelihood rises.

Convergence: the run stops when an EM iteration changed the per-sample log-likelihood by less
than ``tol`` (scikit-learn applies the same test one E-step later, so it performs one extra
M-step), or after ``max_iter`` iterations, or when a component collapses (``reg_covar = 0``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gmm_core.mixture import (
    ComponentCollapse,
    MixtureParams,
    as_data,
    component_variance_floor,
    m_step,
    normalise_log_densities,
    weighted_log_densities,
)

FREEZABLE = ("weights", "covariances")

# A component whose smallest variance falls below this fraction of the data's average
# variance is treated as collapsed onto a point when there is no regularisation: at that
# scale its density (and the likelihood) is still finite in floating point, but it is
# running off to infinity and further steps only show round-off.
COLLAPSE_RELATIVE_VARIANCE = 1e-10


@dataclass(frozen=True)
class Collapse:
    """Why a run stopped on a degenerate component: which one, how many points it holds."""

    component: int
    n_effective: float
    message: str


@dataclass(frozen=True, eq=False)
class HalfStep:
    """One entry of the history.

    kind: "start", "E" or "M"; iteration: completed M-steps; params: the parameters now;
    log_likelihood: total log-likelihood of X under ``params`` (+inf after a collapse to a
    singular covariance: the likelihood is unbounded); lower_bound: the evidence lower bound
    with the responsibilities shown at this half-step (None at start); collapse: set on the
    entry where a component collapsed.
    """

    kind: str
    iteration: int
    params: MixtureParams
    log_likelihood: float
    lower_bound: float | None = None
    collapse: Collapse | None = None


def _lower_bound(responsibilities: np.ndarray, weighted_log_dens: np.ndarray) -> float:
    """ELBO = sum_ik r_ik (log pi_k N(x_i | theta_k) - log r_ik), with 0 log 0 = 0.

    responsibilities: (N, K); weighted_log_dens: (N, K).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        # r = 0 next to a log-density of -inf must contribute 0, not 0 * -inf = nan.
        terms = responsibilities * (weighted_log_dens - np.log(responsibilities))
    return float(np.where(responsibilities > 0, terms, 0.0).sum())


class EMRun:
    """A step-by-step EM run on data X (N, D) from ``init_params``.

    frozen: a subset of {"weights", "covariances"} kept at their initial values by every M-step
    (the lecture's "learn the means only" variant freezes both).
    """

    def __init__(
        self,
        X,
        init_params: MixtureParams,
        *,
        reg_covar: float = 1e-6,
        tol: float = 1e-3,
        max_iter: int = 100,
        frozen=frozenset(),
    ):
        self._X = as_data(X)
        if self._X.shape[1] != init_params.n_features:
            raise ValueError(
                f"the data has {self._X.shape[1]} feature(s), the start has {init_params.n_features}"
            )
        if not (reg_covar >= 0 and math.isfinite(reg_covar)):
            raise ValueError(f"reg_covar must be a finite number >= 0, not {reg_covar}")
        if not (tol >= 0 and math.isfinite(tol)):
            raise ValueError(f"tol must be a finite number >= 0, not {tol}")
        if max_iter < 1:
            raise ValueError(f"max_iter must be at least 1, not {max_iter}")
        unknown = set(frozen) - set(FREEZABLE)
        if unknown:
            raise ValueError(f"only {' and '.join(FREEZABLE)} can be frozen, not {sorted(unknown)}")
        self.reg_covar = float(reg_covar)
        self.tol = float(tol)
        self.max_iter = int(max_iter)
        self.frozen = frozenset(frozen)
        self._data_scale = float(np.var(self._X, axis=0).mean())
        self.status = "running"
        # (index of the entry whose parameters produced them, responsibilities, log densities)
        self._evaluated: tuple[int, np.ndarray, np.ndarray] | None = None
        self._history: list[HalfStep] = []
        try:
            log_likelihood = self._evaluate(init_params, 0)
            collapse = None
        except ComponentCollapse as error:
            log_likelihood = math.inf
            collapse = Collapse(error.component, 0.0, "The starting parameters: " + error.message)
            self.status = "collapsed"
        self._history.append(HalfStep("start", 0, init_params, log_likelihood, None, collapse))

    # --- reading the history ---------------------------------------------------------------

    @property
    def X(self) -> np.ndarray:
        return self._X

    @property
    def history(self) -> tuple[HalfStep, ...]:
        return tuple(self._history)

    def __len__(self) -> int:
        return len(self._history)

    def __getitem__(self, index: int) -> HalfStep:
        return self._history[index]

    @property
    def log_likelihoods(self) -> np.ndarray:
        """Total log-likelihood at every half-step so far: (len(run),)."""
        return np.array([entry.log_likelihood for entry in self._history])

    @property
    def finished(self) -> bool:
        return self.status != "running"

    @property
    def next_kind(self) -> str | None:
        """"E" or "M": the half-step ``step()`` would take; None once the run has finished."""
        if self.finished:
            return None
        return "M" if self._history[-1].kind == "E" else "E"

    def responsibilities_at(self, index: int) -> np.ndarray | None:
        """The responsibilities (N, K) shown at half-step ``index``.

        Those computed by the last E-step at or before ``index`` (None before the first E-step).
        """
        index = range(len(self._history))[index]
        while index >= 0 and self._history[index].kind != "E":
            index -= 1
        if index < 0:
            return None
        # The E-step at `index` evaluated the parameters of the entry just before it.
        source = index - 1
        if self._evaluated is not None and self._evaluated[0] == source:
            return self._evaluated[1]
        self._evaluate(self._history[source].params, source)
        return self._evaluated[1]

    # --- taking steps ----------------------------------------------------------------------

    def _evaluate(self, params: MixtureParams, index: int) -> float:
        """Compute (and cache) responsibilities for ``params``; return the total log-likelihood."""
        log_dens = weighted_log_densities(self._X, params)
        responsibilities, log_norms = normalise_log_densities(log_dens)
        responsibilities.flags.writeable = False
        self._evaluated = (index, responsibilities, log_dens)
        return float(log_norms.sum())

    def step(self) -> HalfStep:
        """Take the next half-step; a finished run returns its last entry unchanged."""
        if self.finished:
            return self._history[-1]
        if self.next_kind == "E":
            return self._e_step()
        return self._m_step()

    def _e_step(self) -> HalfStep:
        last_index = len(self._history) - 1
        last = self._history[last_index]
        if self._evaluated is None or self._evaluated[0] != last_index:
            self._evaluate(last.params, last_index)
        entry = HalfStep("E", last.iteration, last.params, last.log_likelihood, last.log_likelihood)
        self._history.append(entry)
        return entry

    def _m_step(self) -> HalfStep:
        e_index = len(self._history) - 1
        e_entry = self._history[e_index]
        responsibilities = self.responsibilities_at(e_index)
        params = m_step(self._X, responsibilities, e_entry.params.covariance_type, self.reg_covar)
        if self.frozen:
            params = params.replace(
                **{name: getattr(e_entry.params, name) for name in self.frozen}
            )
        iteration = e_entry.iteration + 1
        counts = responsibilities.sum(axis=0)
        collapse = self._detect_collapse(params, counts)
        try:
            log_likelihood = self._evaluate(params, e_index + 1)
            lower_bound = _lower_bound(responsibilities, self._evaluated[2])
        except ComponentCollapse as error:
            component = error.component if error.component >= 0 else 0
            collapse = collapse or Collapse(component, float(counts[component]), error.message)
            log_likelihood, lower_bound = math.inf, math.inf
            # The cache still holds the E-step's responsibilities, now for the wrong entry.
            self._evaluated = None
        entry = HalfStep("M", iteration, params, log_likelihood, lower_bound, collapse)
        self._history.append(entry)
        if collapse is not None:
            self.status = "collapsed"
        elif abs(log_likelihood - e_entry.log_likelihood) / self._X.shape[0] < self.tol:
            self.status = "converged"
        elif iteration >= self.max_iter:
            self.status = "max_iter"
        return entry

    def _detect_collapse(self, params: MixtureParams, counts: np.ndarray) -> Collapse | None:
        """A component whose variance has (numerically) vanished, with reg_covar too small to stop it."""
        threshold = COLLAPSE_RELATIVE_VARIANCE * self._data_scale
        if self.reg_covar > threshold:
            return None  # the regulariser keeps every variance above the danger zone
        floors = component_variance_floor(params)
        collapsed = np.flatnonzero(floors <= threshold)
        if collapsed.size == 0:
            return None
        k = int(collapsed[0])
        n_effective = float(counts[k])
        if n_effective < 0.5:
            what = "has lost all its points"
        else:
            what = f"holds about {n_effective:.1f} point(s) and has shrunk onto them"
        if self.reg_covar > 0:
            remedy = (
                f"reg_covar = {self.reg_covar:g} is negligible next to the data's variance "
                f"({self._data_scale:.3g}): raise it (about 1e-6 of that variance or more) or "
                "standardise the data."
            )
        else:
            remedy = "With reg_covar > 0 every variance keeps a floor and this cannot happen."
        message = (
            f"Component {k + 1} {what}: its variance is now {floors[k]:.2e}, essentially zero "
            "next to the data's spread. A Gaussian squeezed onto a single point has an unbounded "
            "density there, so the likelihood can grow without limit: maximum likelihood has no "
            f"answer and EM stops here. {remedy}"
        )
        return Collapse(k, n_effective, message)

    def iterate(self) -> HalfStep:
        """Complete the current EM iteration: E then M, or only M right after an E-step."""
        entry = self.step()
        if entry.kind == "E" and not self.finished:
            entry = self.step()
        return entry

    def extend_to(self, index: int) -> HalfStep:
        """Take half-steps until entry ``index`` exists or the run has finished."""
        while len(self._history) <= index and not self.finished:
            self.step()
        return self._history[min(index, len(self._history) - 1)]

    def run_to_convergence(self) -> HalfStep:
        """Step until converged, collapsed or ``max_iter`` iterations."""
        while not self.finished:
            self.step()
        return self._history[-1]


def likelihood_decreases(log_likelihoods, rtol: float = 1e-10, n_samples: int = 1) -> np.ndarray:
    """Indices i where the log-likelihood fell from entry i-1 to i beyond round-off: (M,) ints.

    log_likelihoods: (M + 1,) totals over ``n_samples`` points; a fall counts when it exceeds
    rtol * max(|log L|, N).

    EM never decreases the likelihood; a hit here means a bug or a frozen-parameter variant
    that breaks the guarantee, and the pages show it as a warning.
    """
    values = np.asarray(log_likelihoods, dtype=np.float64)
    if values.size < 2:
        return np.array([], dtype=int)
    previous, current = values[:-1], values[1:]
    finite = np.isfinite(previous) & np.isfinite(current)
    # Round-off in a total over N points grows with N as well as with |log L|.
    tolerance = rtol * np.maximum(np.abs(previous), max(n_samples, 1))
    fell = finite & (current < previous - tolerance)
    return np.flatnonzero(fell) + 1
