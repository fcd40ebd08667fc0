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
A start that is singular itself (a component on one point or a line, with ``reg_covar = 0``)
is a run of one entry with status "collapsed" and ``Collapse.at_start``; a start with a point
at density 0 under every component (means at 1e300) is refused with a ValueError.

For the pages: :func:`explain_decrease` says why the log-likelihood fell (a large reg_covar)
and :func:`reg_covar_warning` warns when the data's variance is at or below reg_covar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import linalg
from scipy.special import logsumexp

from gmm_core.half_steps import HalfStepHistory
from gmm_core.initialisation import far_start_message
from gmm_core.mixture import (
    ComponentCollapse,
    DensityUnderflow,
    MixtureParams,
    as_data,
    component_variance_floor,
    density_underflow,
    e_step,
    full_covariances,
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
    """Why a run stopped on a degenerate component.

    component: its index k (0-based); n_effective: how many points it holds (the soft count
    N_k after an M-step; at the start, the data points lying on the point or line it is
    squeezed onto); message: the explanation for a student, with what to do; at_start: True
    when the starting parameters themselves are singular (the run has no step before it, and
    its start's log-likelihood may be +inf).
    """

    component: int
    n_effective: float
    message: str
    at_start: bool = False


@dataclass(frozen=True, eq=False)
class HalfStep:
    """One entry of the history.

    kind: "start", "E" or "M"; iteration: completed M-steps; params: the parameters now;
    log_likelihood: total log-likelihood of X under ``params`` (+inf after a collapse to a
    singular covariance, also at a singular start: the likelihood is unbounded; never nan);
    lower_bound: the evidence lower bound
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


def _singular_components(params: MixtureParams) -> list[int]:
    """The components whose (D, D) covariance has no Cholesky factor: singular to working
    precision, as the E-step finds them (a variance floor above 0 does not rule this out)."""
    singular = []
    for k, covariance in enumerate(full_covariances(params)):
        try:
            linalg.cholesky(covariance, lower=True, check_finite=False)
        except linalg.LinAlgError:
            singular.append(k)
    return singular


def _sentence(text: str) -> str:
    """``text`` with its first letter in upper case (str.capitalize lowers all the others)."""
    return text[:1].upper() + text[1:]


class EMRun(HalfStepHistory[HalfStep]):
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
        log_likelihood, collapse = self._evaluate_start(init_params)
        if collapse is not None:
            self.status = "collapsed"
        self._history.append(HalfStep("start", 0, init_params, log_likelihood, None, collapse))

    # --- reading the history ---------------------------------------------------------------

    @property
    def log_likelihoods(self) -> np.ndarray:
        """Total log-likelihood at every half-step so far: (len(run),)."""
        return np.array([entry.log_likelihood for entry in self._history])

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

    # --- the start -------------------------------------------------------------------------

    def _collapse_threshold(self) -> float:
        """The variance below which a component counts as squeezed onto a point or a line."""
        if self._data_scale > 0:
            return COLLAPSE_RELATIVE_VARIANCE * self._data_scale
        # Every point is the same point: any variance left is round-off of their magnitude.
        round_off = 1e3 * np.finfo(np.float64).eps * float(np.abs(self._X).max())
        return max(round_off**2, np.finfo(np.float64).tiny)

    def _evaluate_start(self, params: MixtureParams) -> tuple[float, Collapse | None]:
        """(log-likelihood of the start, the Collapse when the start itself is singular).

        Raises ValueError when the start cannot be used at all: a data point with density 0
        under every component (means placed absurdly far from the data).
        """
        threshold = self._collapse_threshold()
        floors = component_variance_floor(params)
        try:
            log_likelihood = self._evaluate(params, 0)
            singular = []
        except ComponentCollapse as error:
            # Every component without a Cholesky factor, not only the first one found.
            singular = sorted({error.component, *_singular_components(params),
                               *(int(k) for k in np.flatnonzero(floors <= 0))})
            log_likelihood = None
        except DensityUnderflow as error:
            raise ValueError(far_start_message(self._X, params, error.point)) from None
        if log_likelihood == -math.inf:
            # Every point has a finite log-density, but their sum is beyond -1.8e308.
            raise ValueError(far_start_message(self._X, params, self._least_likely_point()))
        squeezed = set(singular)
        if self.reg_covar <= threshold:
            squeezed |= {int(k) for k in np.flatnonzero(floors <= threshold)}
        if not squeezed:
            return log_likelihood, None
        supports = {k: self._support(params, k) for k in sorted(squeezed)}
        # The first component that makes the likelihood unbounded (one holding data points).
        k = max(supports, key=lambda j: (supports[j][0] > 0, -j))
        if log_likelihood is None:
            if any(supports[j][0] for j in singular):
                log_likelihood = math.inf  # a density that is infinite on a data point
            else:
                # Singular components with no data on their point or line add density 0 to
                # every data point: the likelihood is that of the other components.
                log_likelihood = self._log_likelihood_without(params, singular)
        return log_likelihood, self._start_collapse(params, k, supports[k], log_likelihood)

    def _log_likelihood_without(self, params: MixtureParams, dropped) -> float:
        """Total log-likelihood with the components ``dropped`` contributing density 0."""
        kept = [k for k in range(params.n_components) if k not in set(dropped)]
        if not kept or params.covariance_type == "tied":
            return -math.inf
        covariances = params.covariances[kept]
        weighted = weighted_log_densities(self._X, MixtureParams(
            params.weights[kept], params.means[kept], covariances, params.covariance_type))
        with np.errstate(divide="ignore", over="ignore"):
            return float(logsumexp(weighted, axis=1).sum())

    def _least_likely_point(self) -> int:
        """The point with the lowest density under the parameters evaluated last."""
        log_densities = self._evaluated[2].max(axis=1)
        return int(np.argmin(log_densities))

    def _support(self, params: MixtureParams, k: int):
        """Where component k is squeezed: (number of data points there, directions of zero
        variance (D, F) as columns, their count F)."""
        X, n_features = self._X, self._X.shape[1]
        variances, directions = np.linalg.eigh(full_covariances(params)[k])
        if self._data_scale == 0:
            flat = np.ones(n_features, dtype=bool)  # all points coincide: no spread anywhere
        else:
            flat = variances <= self._collapse_threshold()
        if not flat.any():
            flat[np.argmin(variances)] = True
        # The data points on the point or line where the Gaussian is squeezed: no offset from
        # its mean along the directions of zero variance (beyond round-off of the data scale).
        offsets = (X - params.means[k]) @ directions[:, flat]
        tolerance = max(1e-6 * math.sqrt(self._data_scale), 1e-12 * float(np.abs(X).max()))
        n_points = int(np.count_nonzero(np.all(np.abs(offsets) <= tolerance, axis=1)))
        return n_points, int(flat.sum())

    def _start_collapse(self, params: MixtureParams, k: int, support,
                        log_likelihood: float) -> Collapse:
        """The Collapse of a start whose component k is singular (or numerically so)."""
        n_samples, n_features = self._X.shape
        n_points, n_flat = support
        if n_flat == n_features:
            where, shape = "every direction", "a single point"
        elif n_features - n_flat == 1:
            where, shape = "one direction", "a line"
        else:
            where, shape = f"{n_flat} directions", f"a flat of dimension {n_features - n_flat}"
        if math.isinf(log_likelihood):
            value = "+∞"
        else:
            value = f"{log_likelihood:.4g}, finite only through round-off (exactly it is +∞)"
        if n_points == n_samples and n_samples > 1:
            columns = [d + 1 for d in range(n_features) if np.ptp(self._X[:, d]) == 0]
            if len(columns) == 1:
                which = f" (column {columns[0]} of the data is constant)"
            elif columns:
                listed = ", ".join(map(str, columns[:-1])) + f" and {columns[-1]}"
                which = f" (columns {listed} of the data are constant)"
            else:
                which = ""
            message = (
                f"The start itself is singular: component {k + 1}'s covariance has zero "
                f"variance in {where}, because all {n_samples} data points lie on {shape}: "
                f"the data have no spread there{which}. Its density on them is infinite, so "
                f"the log-likelihood of the start is {value} and EM cannot take a step. "
                f"Another start will not help: {self._singular_remedy(data_degenerate=True)}"
            )
        elif n_points == 0:
            message = (
                f"The start itself is singular: component {k + 1} holds no data point, so the "
                f"start gives it zero variance in {where}: a Gaussian squeezed onto {shape} "
                "where no data lie, which has no density EM could work with. EM stops before "
                f"its first step. {_sentence(self._singular_remedy(data_degenerate=False))}"
            )
        else:
            holds = f"{n_points} data point{'' if n_points == 1 else 's'}"
            if n_points > 1 and shape != "a single point":
                holds += f", which lie on {shape}"
            message = (
                f"The start itself is singular: component {k + 1} holds {holds}, and its "
                f"covariance has zero variance in {where}: the Gaussian is squeezed onto "
                f"{shape}, where its density is infinite. The log-likelihood of the start is "
                f"{value}, so maximum likelihood has no answer and EM stops before its first "
                f"step. {_sentence(self._singular_remedy(data_degenerate=False))}"
            )
        return Collapse(k, float(n_points), message, at_start=True)

    def _singular_remedy(self, data_degenerate: bool) -> str:
        """What to do about a singular start, for this run's reg_covar (starts in lower case)."""
        if self.reg_covar > 0:
            floor = (f"the floor reg_covar = {self.reg_covar:g} is negligible next to the "
                     f"data's variance ({self._data_scale:.3g}): raise it (to about 1e-6 of that "
                     "variance or more) or standardise the data")
        else:
            floor = ("with reg_covar = 0 nothing keeps a variance above zero: set reg_covar > 0 "
                     "(for example 1e-6)")
        if data_degenerate:
            return floor + ", or leave out a column that is constant (or a combination of others)."
        return (floor + ", or choose another start (another seed or initialisation) in which "
                "every component holds several points that do not lie on one line.")

    # --- taking steps ----------------------------------------------------------------------

    def _evaluate(self, params: MixtureParams, index: int) -> float:
        """Compute (and cache) responsibilities for ``params``; return the total log-likelihood.

        Raises ComponentCollapse (singular covariance) or DensityUnderflow (a point too far
        from every component).
        """
        log_dens = weighted_log_densities(self._X, params)
        try:
            responsibilities, log_norms = normalise_log_densities(log_dens)
        except DensityUnderflow as error:
            raise density_underflow(self._X, params, error.point) from None
        responsibilities.flags.writeable = False
        self._evaluated = (index, responsibilities, log_dens)
        with np.errstate(over="ignore"):  # a sum beyond -1.8e308 is -inf, honestly
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
        except DensityUnderflow:
            # Points with density 0 under every component after an M-step: for data accepted by
            # as_data only components squeezed to variances of ~1e-300 do that, and that
            # collapse was detected above; it is the cause, so it is what the run reports. The
            # log-likelihood is -inf in floating point (those points' densities are 0).
            if collapse is None:
                raise
            log_likelihood, lower_bound = -math.inf, -math.inf
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
        threshold = self._collapse_threshold()
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


# --- explanations for the pages -------------------------------------------------------------


def _smallest_data_variance(X: np.ndarray):
    """(smallest variance of X (N, D) in any direction, that direction (D,)): eigen of cov."""
    centred = X - X.mean(axis=0)
    variances, directions = np.linalg.eigh(centred.T @ centred / X.shape[0])
    return max(float(variances[0]), 0.0), directions[:, 0]


def _direction_name(direction: np.ndarray, feature_names) -> str:
    """"x1" (or the column's name) when ``direction`` (D,) is a coordinate axis; else a phrase."""
    axis = int(np.argmax(np.abs(direction)))
    if len(direction) == 1 or abs(direction[axis]) > 0.999:
        if feature_names is not None and axis < len(feature_names):
            return f"'{feature_names[axis]}'"
        return f"column {axis + 1}"
    return "the direction of least spread"


def _power_of_ten_below(value: float) -> float:
    """The largest power of ten at most ``value`` (> 0)."""
    return 10.0 ** math.floor(math.log10(value))


def explain_decrease(X, history, reg_covar: float, index: int | None = None,
                     frozen=frozenset()) -> str | None:
    """Why the log-likelihood fell at half-step ``index`` of ``history``, or None if it did not.

    X: (N, D) the run's data; history: the run's HalfSteps (start, E, M, ...); reg_covar: the
    run's lambda; index: the entry to explain (None: the first decrease beyond round-off, see
    :func:`likelihood_decreases`); frozen: the run's frozen parameters.

    EM's guarantee is for the exact M-step, which maximises the lower bound F(q, theta) (the
    Q function plus a constant). With reg_covar the M-step adds lambda to every variance
    *after* maximising, so it is not the exact maximiser of Q: this function recomputes the
    M-step without lambda from the same responsibilities and says which it was. The text is
    plain (no markup) and quotes no outside text.
    """
    X = as_data(X)
    values = [entry.log_likelihood for entry in history]
    decreases = [int(i) for i in likelihood_decreases(values, n_samples=X.shape[0])]
    if index is None:
        if not decreases:
            return None
        index = decreases[0]
    index = range(len(history))[index]
    if index not in decreases or history[index].kind != "M":
        return None
    before, after = history[index - 1], history[index]
    drop = before.log_likelihood - after.log_likelihood
    fell = (f"The log-likelihood fell by {drop:.4g} at this M-step (from "
            f"{before.log_likelihood:.4f} to {after.log_likelihood:.4f}).")
    responsibilities = e_step(X, before.params)[0]
    exact = m_step(X, responsibilities, before.params.covariance_type, 0.0)
    if frozen:
        exact = exact.replace(**{name: getattr(before.params, name) for name in frozen})
    try:
        exact_bound = _lower_bound(responsibilities, weighted_log_densities(X, exact))
    except ComponentCollapse:
        exact_bound = math.inf  # without lambda a component would be singular: F unbounded
    bound_before = before.log_likelihood  # right after an E-step, F(q, theta) = l(theta)
    bound_after = after.lower_bound if after.lower_bound is not None else -math.inf
    tolerance = 1e-10 * max(abs(bound_before), X.shape[0])
    regularised = ("covariances" not in frozen and reg_covar > 0
                   and bound_after < bound_before - tolerance
                   and exact_bound >= bound_before - tolerance)
    if not regularised:
        return (f"{fell} EM's exact M-step can only raise it, and removing λ = reg_covar = "
                f"{reg_covar:g} would not have prevented this fall, so regularisation is not "
                "the cause. It is most likely round-off on extreme data; if it persists on "
                "ordinary data, it is a bug worth reporting.")
    exact_text = ("would have raised it to +∞ (a component would become singular)"
                  if math.isinf(exact_bound) else f"would have raised it to {exact_bound:.4f}")
    smallest, _ = _smallest_data_variance(X)
    if smallest > 0:
        ratio = reg_covar / smallest
        size = (f"{ratio:.3g} times" if ratio >= 1 else f"{ratio:.1%} of")
        suggestion = _power_of_ten_below(smallest * 1e-3)
        matters = (f" λ is large here: {size} the data's smallest variance ({smallest:.3g}). "
                   "To see the log-likelihood climb at every step, lower reg_covar (for example "
                   f"to {suggestion:g}; on standardised data, where every variance is 1, the "
                   "default 1e-6 is negligible).")
    else:
        matters = (" To see the log-likelihood climb at every step, lower reg_covar (on "
                   "standardised data the default 1e-6 is negligible).")
    return (
        f"{fell} This is the regularisation, not a bug: EM's guarantee that the "
        "log-likelihood never falls holds for the exact M-step, which maximises the lower "
        "bound (the Q function plus a constant). Here the M-step adds λ = reg_covar = "
        f"{reg_covar:g} to every variance after maximising, so it is not the exact maximiser "
        f"of Q: with λ the lower bound fell from {bound_before:.4f} to {bound_after:.4f}, "
        f"while the same M-step without λ {exact_text}.{matters}"
    )


def reg_covar_warning(X, reg_covar: float, feature_names=None) -> str | None:
    """A warning when the data's variance in some direction is at or below reg_covar, or None.

    X: (N, D); feature_names: D column names to name the direction (None: "column d"). Then
    every component's covariance gets at least lambda in that direction, as much as the whole
    data set's spread there, so EM cannot separate clusters along it (e.g. data at scale 1e-9
    with reg_covar = 1e-6). The text is plain (no markup) and may quote ``feature_names``:
    escape it for display.
    """
    X = as_data(X)
    if reg_covar <= 0:
        return None
    smallest, direction = _smallest_data_variance(X)
    if smallest > reg_covar:
        return None
    where = _direction_name(direction, feature_names)
    if smallest == 0:
        return (
            f"The data do not vary at all along {where} (variance 0): every component's "
            f"variance there is λ = reg_covar = {reg_covar:g} itself, and EM has nothing to fit "
            "in that direction. Leave that column out (or the one it depends on)."
        )
    suggestion = f" (for example {_power_of_ten_below(smallest * 1e-3):g})"
    return (
        f"The data's variance along {where} is {smallest:.3g}, at or below λ = reg_covar = "
        f"{reg_covar:g}. Every component's covariance gets λ added, which in that direction is "
        "as much as the whole data set's spread or more: EM cannot separate clusters along it, "
        "and the ellipses there show λ rather than the data. Lower reg_covar well below the "
        f"data's variance{suggestion} or standardise the data."
    )
