"""Choosing a model: a grid of K and covariance types, each fitted from several starts and
scored by BIC and AIC, with degenerate fits recognised; and restarts of one model.

- :func:`fit_mixture` runs EM from one seeded start (the grid's workhorse). The stepper's
  ``EMRun`` does the work, so a fit chosen here replays step by step in the stepper with the
  same settings (same start, same stopping rule, same result).
- :func:`model_grid` fits every (K, covariance type) from ``n_starts`` seeded starts and keeps,
  per model, the best fit that is not degenerate (``gmm_core.degeneracy``). How it finds the
  published answer on Old Faithful (tied = mclust's EEE, K = 3, ℓ ≈ −1126.32, BIC ≈ 2314.30):

  1. *Starts.* Start j (j = 0 … n_starts − 1) is seed ``seed + j``: k-means++ seeding, k-means
     to convergence, one M-step on its labels (scikit-learn's default start). The k-means run
     is shared by the covariance types of one K (:func:`fit_covariance_types`). Each start runs
     EM to ``tol`` (scikit-learn's default 1e-3 per point). The starts go in rounds (start 0
     of every model, then start 1, ...), so a grid cut short by its budget has fitted every
     model equally often.
  2. *Running on.* tol = 1e-3 per point stops EM on slow plateaus (the textbook lesson): on Old
     Faithful tied, K = 3, starts that stop near −1140.4 at tol 1e-3 reach −1126.32 later,
     while others stopped higher stay at −1140.09. So each model's first start and its best
     sound starts (highest ℓ, distinct values; 3 of them up to ``SMALL_DATA`` points, else 1)
     are run on to a middle tolerance √(tol · final_tol), which ranks them reliably, and the
     first start and the best of those on to ``final_tol`` (1e-5 per point, at most
     ``final_max_iter`` iterations in all). A fit run on equals the fit from the same start
     with ``tol=final_tol`` and ``max_iter=final_max_iter`` (:func:`continue_fit`). Running
     the first start on as well makes more starts never worse than one start from the same
     seed (given that running on gains less than the margin below, and no budget cut).
     Models are run on best first; one whose starts stopped more than ``run_on_margin`` BIC
     units behind the best model run on so far stays where its starts stopped
     (``GridEntry.run_on`` is False): it cannot become the choice.
  3. *Degenerate fits* are kept in the result (to be drawn hollow, with their reason) but never
     kept as a model's fit while a sound start exists, and never chosen by ``best``.

  ``progress(done, total, label)`` is called after every (K, start) row and every model run
  on; ``max_work`` and ``time_limit`` bound the work (every model is always fitted from its
  first start; further starts and running on stop when the budget is spent, and the result
  says so in ``stopped``).
- :func:`restarts` fits one model from ``n_starts`` seeds and labels how each run ended
  (converged by tol, stopped at max_iter, collapsed, degenerate).

No Streamlit here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from gmm_core import kmeans
from gmm_core.degeneracy import SOUND, DataSummary, Degeneracy, assess, summarise_data
from gmm_core.degeneracy import data_warnings as find_data_warnings
from gmm_core.em_run import EMRun
from gmm_core.initialisation import INIT_METHODS, initial_params
from gmm_core.mixture import (
    COVARIANCE_TYPES,
    MixtureParams,
    as_data,
    e_step,
    m_step,
)
from gmm_core.selection import mclust_model_name, n_parameters

# "given-means" needs means placed by hand, so it cannot be restarted from a seed.
RESTARTABLE_INITS = tuple(method for method in INIT_METHODS if method != "given-means")
# In one dimension full, diag and spherical covariances are the same model (one variance per
# component); fitting all three would draw the same curve three times.
COVARIANCE_TYPES_1D = ("full", "tied")
CRITERIA = ("bic", "aic")

# The textbook's GaussianMixture(n_init=10). With scikit-learn's k-means start, 12 of 20 seeds
# reach Old Faithful's tied K = 3 optimum, so 10 starts miss it with probability ~1e-4.
DEFAULT_N_STARTS = 10
# Cost grows with starts × N: by default at most this many point-fits per model, and never
# fewer than MIN_DEFAULT_STARTS starts (so the spread over starts always means something).
STARTS_POINT_BUDGET = 10_000
MIN_DEFAULT_STARTS = 2
# Running on: to 1e-5 per point (on Old Faithful ℓ within 0.01 of the converged value, where
# tol = 1e-3 can stop 14 units short), at most this many iterations from the start.
FINAL_TOL = 1e-5
FINAL_MAX_ITER = 1000
# A start "reached" the kept fit when its hard clustering (where it stopped, or after running
# on) agrees with the kept fit's on at least this share of the points, after matching component
# labels. On Old Faithful (tied, K = 3) a start stopped by tol = 1e-3 on the way to the kept fit
# agrees on 97 %, starts in the other local optimum on 71-84 %.
SAME_CLUSTERING = 0.95
# Screening may use this share of a work or time budget; the rest is kept for running on.
SCREENING_SHARE = 0.7
# Running on: this many of a model's best starts (distinct likelihoods) go on to the middle
# tolerance (1 above SMALL_DATA points, where each costs more and there are few starts), and
# at most MAX_RUN_ON of them (besides the first start) to the final one.
RUN_ON_CANDIDATES = 3
SMALL_DATA = 2_000
MAX_RUN_ON = 3
# A model whose best start stopped more than this many BIC units behind the best model run on
# so far is not run on (it cannot become the choice): at least RUN_ON_MARGIN, and at least
# RUN_ON_MARGIN_PER_STOP times 2 tol N (the BIC change of the last iteration allowed by tol).
# Measured gains of running on: at most 36 BIC units at N <= 2,000 (Old Faithful 28), at most
# 138 at N = 20,000 (3 blobs, K up to 10), where the margin is 400.
RUN_ON_MARGIN = 100.0
RUN_ON_MARGIN_PER_STOP = 10.0

# Work is counted in units that track time: an EM iteration on N points with K components
# costs N·K units plus this many for its fixed cost (measured: an iteration takes about
# a + b·N·K seconds with a ≈ 5,000 b, from Old Faithful at N·K ≈ 1,500 and 20,000 points at
# N·K ≈ 110,000): both ran at about 2e6 units per second on the shared 2-core development
# machine under a load average of 10 (benchmarks/bench_model_grid.py prints the rate).
ITERATION_OVERHEAD = 5_000

FIT_STATUSES = ("converged", "max_iter", "collapsed", "impossible", "skipped")


def covariance_types_for(n_features: int) -> tuple[str, ...]:
    """The covariance types worth comparing on data with ``n_features`` columns."""
    return COVARIANCE_TYPES_1D if n_features == 1 else COVARIANCE_TYPES


def default_run_on_candidates(n_samples: int) -> int:
    """Starts per model run on besides the first: 3 up to ``SMALL_DATA`` points, then 1."""
    return RUN_ON_CANDIDATES if n_samples <= SMALL_DATA else 1


def default_n_starts(n_samples: int) -> int:
    """Starts per model by default: 10 up to 1,000 points, then fewer (N = 2,000: 5;
    5,000 and more: 2), so that starts × N stays near ``STARTS_POINT_BUDGET``."""
    return max(MIN_DEFAULT_STARTS, min(DEFAULT_N_STARTS, STARTS_POINT_BUDGET // max(n_samples, 1)))


@dataclass(frozen=True, eq=False)
class FitResult:
    """EM run from one start.

    params: the final mixture (None if the start was impossible or skipped); log_likelihood:
    total log-likelihood of X under ``params`` (+inf after a collapse, nan without params);
    n_iter: M-steps taken (in all, when a fit was run on); status: one of ``FIT_STATUSES``:
    "converged" (ℓ changed by less than tol per point in the last iteration; not proof of a
    maximum), "max_iter" (stopped after max_iter iterations), "collapsed" (a component shrank
    onto a point with reg_covar too small to stop it), "impossible" (no start could be built,
    e.g. K > N), "skipped" (not fitted: the work budget ran out); message: why, for the last
    three; init, seed: the start; tol, max_iter: the stopping rule it ran under;
    last_change: the change of the per-point log-likelihood in its last iteration (nan when
    it took none).
    """

    params: MixtureParams | None
    log_likelihood: float
    n_iter: int
    status: str
    init: str
    seed: int
    message: str = ""
    tol: float = math.nan
    max_iter: int = 0
    last_change: float = math.nan

    @property
    def usable(self) -> bool:
        """A fit with finite likelihood that can be scored and compared."""
        return self.params is not None and math.isfinite(self.log_likelihood)


def fit_mixture(X, n_components: int, covariance_type: str = "full", *, init: str = "k-means",
                seed: int = 0, reg_covar: float = 1e-6, tol: float = 1e-3,
                max_iter: int = 100) -> FitResult:
    """Fit a K-component mixture to X (N, D) by EM from one seeded start.

    Stops when an iteration changes the per-sample log-likelihood by less than ``tol``, after
    ``max_iter`` M-steps, or when a covariance becomes singular (status "collapsed"). Never
    raises for a bad start: a start that cannot be built (K > N, ...) comes back with
    ``params=None`` and the reason in ``message``.
    """
    X = as_data(X)
    try:
        params = initial_params(X, n_components, covariance_type, init, seed=seed,
                                reg_covar=reg_covar)
    except ValueError as error:
        return FitResult(None, math.nan, 0, "impossible", init, seed, str(error), tol, max_iter)
    return fit_from(X, params, init=init, seed=seed, reg_covar=reg_covar, tol=tol,
                    max_iter=max_iter)


def fit_from(X, params: MixtureParams, *, init: str, seed: int, reg_covar: float = 1e-6,
             tol: float = 1e-3, max_iter: int = 100, iterations_before: int = 0) -> FitResult:
    """EM from the starting parameters ``params`` (see :func:`fit_mixture`).

    X: (N, D). init and seed only label the result. The stepper's ``EMRun`` does the work, so
    a fit stops exactly where the step-by-step run stops (collapse detection included).
    iterations_before: iterations already taken to reach ``params`` (a run continued by
    :func:`continue_fit`); they count towards ``max_iter`` and ``n_iter``.
    """
    try:
        run = EMRun(X, params, reg_covar=reg_covar, tol=tol,
                    max_iter=max_iter - iterations_before)
    except ValueError as error:  # a start EM cannot use at all (e.g. every density underflows)
        return FitResult(None, math.nan, iterations_before, "impossible", init, seed,
                         str(error), tol, max_iter)
    last = run.run_to_convergence()
    n_iter = iterations_before + last.iteration
    total_max_iter = max_iter
    if last.collapse is not None:
        return FitResult(last.params, math.inf, n_iter, "collapsed", init, seed,
                         last.collapse.message, tol, total_max_iter)
    last_change = math.nan
    if len(run) >= 3:
        # The last M-step's log-likelihood against the parameters before it (the E entry).
        last_change = (run[-1].log_likelihood - run[-2].log_likelihood) / run.X.shape[0]
    return FitResult(last.params, last.log_likelihood, n_iter, run.status, init, seed, "",
                     tol, total_max_iter, last_change)


def continue_fit(X, fit: FitResult, *, tol: float, max_iter: int,
                 reg_covar: float = 1e-6) -> FitResult:
    """Run a fit on to a tighter ``tol``, with at most ``max_iter`` iterations in all.

    X: (N, D). The result equals :func:`fit_mixture` from the same start with this ``tol`` and
    ``max_iter`` (EM is deterministic: the run continues the same path and stops where that
    run would). A fit that already meets ``tol``, collapsed, has no parameters or has used its
    iterations comes back unchanged (with ``tol`` and ``max_iter`` relabelled when it met them).
    """
    if not fit.usable or fit.status not in ("converged", "max_iter"):
        return fit
    if fit.status == "converged" and fit.last_change < tol:
        return _relabel(fit, tol, max_iter, "converged")
    if fit.n_iter >= max_iter:
        return _relabel(fit, tol, max_iter, "max_iter")
    return fit_from(X, fit.params, init=fit.init, seed=fit.seed, reg_covar=reg_covar, tol=tol,
                    max_iter=max_iter, iterations_before=fit.n_iter)


def _relabel(fit: FitResult, tol: float, max_iter: int, status: str) -> FitResult:
    return FitResult(fit.params, fit.log_likelihood, fit.n_iter, status, fit.init, fit.seed,
                     fit.message, tol, max_iter, fit.last_change)


def _kmeans_start_responsibilities(X, n_components: int, seed: int) -> np.ndarray:
    """The one-hot (N, K) labels of the "k-means" start, as ``initial_params`` computes them."""
    run = kmeans.KMeansRun(X, kmeans.init_centers(X, n_components, "k-means++", seed))
    run.run_to_convergence()
    return np.eye(n_components)[kmeans.assign(X, run.history[-1].centers)]


def fit_covariance_types(X, n_components: int, covariance_types: Sequence[str], *,
                         init: str = "k-means", seed: int = 0, reg_covar: float = 1e-6,
                         tol: float = 1e-3, max_iter: int = 100) -> tuple[FitResult, ...]:
    """:func:`fit_mixture` for each covariance type, with one K and one seeded start.

    X: (N, D). The "k-means" start (k-means to convergence, then one M-step on its labels) is
    the same for every covariance type up to that last M-step, so k-means runs once here
    instead of once per type: that run costs more than the EM fits that follow it.
    """
    X = as_data(X)
    if init != "k-means" or not 1 <= n_components <= X.shape[0]:
        return tuple(
            fit_mixture(X, n_components, covariance_type, init=init, seed=seed,
                        reg_covar=reg_covar, tol=tol, max_iter=max_iter)
            for covariance_type in covariance_types
        )
    responsibilities = _kmeans_start_responsibilities(X, n_components, seed)
    return tuple(
        fit_from(X, m_step(X, responsibilities, covariance_type, reg_covar), init=init,
                 seed=seed, reg_covar=reg_covar, tol=tol, max_iter=max_iter)
        for covariance_type in covariance_types
    )


def information_criteria(log_likelihood: float, n_params: int, n_samples: int):
    """(BIC, AIC) = (-2 log L + p log N, -2 log L + 2 p); lower is better."""
    return (-2.0 * log_likelihood + n_params * math.log(n_samples),
            -2.0 * log_likelihood + 2.0 * n_params)


# --- the grid's records ---------------------------------------------------------------------


@dataclass(frozen=True)
class StartRecord:
    """How one start of one model ended (light: no parameters).

    seed: the start's seed; log_likelihood: total ℓ where the start stopped at the grid's
    ``tol`` (nan if unusable, +inf after a collapse); bic, aic: scikit-learn's (nan if
    unusable); n_iter, status: as in :class:`FitResult`; degenerate, reason: the verdict of
    ``gmm_core.degeneracy`` and its short reason ("" when sound); same_as_kept: its hard
    clustering (after running on, if it was) agrees with the kept fit's on at least
    ``SAME_CLUSTERING`` of the points; final_log_likelihood, final_tol: ℓ after running on,
    and the tolerance it was run on to (the middle one, or the grid's ``final_tol``); nan if
    it was not run on.
    """

    seed: int
    log_likelihood: float
    bic: float
    aic: float
    n_iter: int
    status: str
    degenerate: bool = False
    reason: str = ""
    same_as_kept: bool = False
    final_log_likelihood: float = math.nan
    final_tol: float = math.nan


@dataclass(frozen=True, eq=False)
class GridEntry:
    """One scored model: K, covariance type, its kept fit, its parameter count, BIC and AIC.

    bic and aic are scikit-learn's (lower is better), nan when the fit is unusable (collapsed,
    impossible or skipped). degeneracy: the kept fit's verdict (a degenerate kept fit means no
    start gave a sound one). starts: (n_starts,) how each start ended, in seed order (empty
    for an entry made by :func:`score_fit`). set_aside: the best degenerate fit of this model
    when its likelihood beat the kept fit's (drawn hollow), else None. run_on: the kept fit
    was run on to the grid's ``final_tol``.
    """

    n_components: int
    covariance_type: str
    fit: FitResult
    n_params: int
    bic: float
    aic: float
    degeneracy: Degeneracy = SOUND
    starts: tuple[StartRecord, ...] = ()
    set_aside: GridEntry | None = None
    run_on: bool = False

    def criterion(self, name: str) -> float:
        if name not in CRITERIA:
            raise ValueError(f"criterion must be one of {', '.join(CRITERIA)}, not {name!r}")
        return self.bic if name == "bic" else self.aic

    @property
    def degenerate(self) -> bool:
        return self.degeneracy.degenerate

    @property
    def bic_mclust(self) -> float:
        """mclust's BIC, 2ℓ − p log N (higher is better): exactly ``-bic``."""
        return -self.bic

    def mclust_name(self, n_features: int) -> str:
        """mclust's model name (VVV, EEE, VVI, VII; V or E in 1-D)."""
        return mclust_model_name(self.covariance_type, n_features)

    @property
    def n_starts(self) -> int:
        return len(self.starts)

    def start_values(self, criterion: str = "bic") -> np.ndarray:
        """(n_starts,) each start's criterion where it stopped at the grid's tol (nan if
        unusable): the spread over starts, for whiskers or a band."""
        index = {"bic": "bic", "aic": "aic", "log_likelihood": "log_likelihood"}[criterion]
        return np.array([getattr(start, index) for start in self.starts], dtype=np.float64)

    def start_range(self, criterion: str = "bic") -> tuple[float, float]:
        """(lowest, highest) finite value over the starts and the kept fit; (nan, nan) if none."""
        values = np.append(self.start_values(criterion), self.criterion(criterion)
                           if criterion != "log_likelihood" else self.fit.log_likelihood)
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return math.nan, math.nan
        return float(finite.min()), float(finite.max())

    @property
    def n_reached(self) -> int:
        """Starts that ended in the kept fit's clustering (``SAME_CLUSTERING``)."""
        return sum(start.same_as_kept for start in self.starts)

    @property
    def n_degenerate_starts(self) -> int:
        return sum(start.degenerate for start in self.starts)


def score_fit(fit: FitResult, n_components: int, covariance_type: str, n_samples: int,
              n_features: int, **details) -> GridEntry:
    """A fit with its parameter count, BIC and AIC (scikit-learn's conventions).

    details: GridEntry's optional fields (degeneracy, starts, set_aside, run_on).
    """
    n_params = n_parameters(n_components, n_features, covariance_type)
    if fit.usable:
        bic, aic = information_criteria(fit.log_likelihood, n_params, n_samples)
    else:
        bic = aic = math.nan
    return GridEntry(n_components, covariance_type, fit, n_params, bic, aic, **details)


@dataclass(frozen=True)
class GridNote:
    """One warning for the page, gathering every model it concerns into one sentence.

    kind: "data", "impossible", "collapsed", "skipped", "degenerate", "degenerate chosen",
    "largest K", "few starts reached", "budget"; message: the sentence; cells: the
    (K, covariance type) it concerns (empty for the whole grid).
    """

    kind: str
    message: str
    cells: tuple[tuple[int, str], ...] = ()


def _k_list(ks: Iterable[int]) -> str:
    """'3', '3 and 5', '3…10' (a run), '2, 4 and 7'."""
    ks = sorted(set(ks))
    if len(ks) >= 3 and ks == list(range(ks[0], ks[-1] + 1)):
        return f"{ks[0]}…{ks[-1]}"
    text = [str(k) for k in ks]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " and " + text[-1]


@dataclass(frozen=True, eq=False)
class GridResult:
    """All scored models of a grid, in the order K outer, covariance type inner.

    n_samples, n_features: the data's N and D; n_starts: starts per model that every model
    received (the rounds completed); n_starts_requested: what was asked for; tol, final_tol
    (None: no running on), reg_covar: the settings; work: the work units spent (see
    ``ITERATION_OVERHEAD``: Σ over EM iterations of N·K + 5,000); elapsed: seconds; stopped: why the work stopped before all that
    was asked ("" when it did not); data_warnings: problems with the data themselves;
    run_on_margin: models whose starts stopped more than this many BIC units behind the best
    were not run on (``GridEntry.run_on`` is False; nan when nothing was run on).
    """

    entries: tuple[GridEntry, ...]
    n_samples: int
    n_features: int = 0
    n_starts: int = 1
    n_starts_requested: int = 1
    tol: float = 1e-3
    final_tol: float | None = None
    reg_covar: float = 1e-6
    work: int = 0
    elapsed: float = 0.0
    stopped: str = ""
    data_warnings: tuple[str, ...] = ()
    run_on_margin: float = math.nan

    @property
    def complete(self) -> bool:
        """Everything asked for was done (no budget cut)."""
        return not self.stopped

    def best(self, criterion: str = "bic", *, include_degenerate: bool = False) -> GridEntry | None:
        """The usable, sound model with the lowest criterion; ties go to the fewer parameters.

        include_degenerate: also consider degenerate fits (the kept ones and those set aside):
        what the criterion would choose taken at face value.
        """
        candidates = []
        for entry in self.entries:
            candidates.append(entry)
            if include_degenerate and entry.set_aside is not None:
                candidates.append(entry.set_aside)
        usable = [entry for entry in candidates
                  if math.isfinite(entry.criterion(criterion))
                  and (include_degenerate or not entry.degenerate)]
        if not usable:
            return None
        return min(usable, key=lambda entry: (entry.criterion(criterion), entry.n_params))

    def entry(self, n_components: int, covariance_type: str) -> GridEntry | None:
        for entry in self.entries:
            if entry.n_components == n_components and entry.covariance_type == covariance_type:
                return entry
        return None

    @property
    def problems(self) -> tuple[str, ...]:
        """One sentence per model that could not be scored (see :meth:`notes` for a summary)."""
        return tuple(
            f"K = {entry.n_components}, {entry.covariance_type}: {entry.fit.message}"
            for entry in self.entries if not entry.fit.usable
        )

    @property
    def degenerate_entries(self) -> tuple[GridEntry, ...]:
        """Models whose kept fit is degenerate (no start gave a sound fit)."""
        return tuple(entry for entry in self.entries if entry.degenerate)

    def notes(self, criterion: str = "bic") -> tuple[GridNote, ...]:
        """What a page should warn about, each problem once for all the models it concerns.

        Data problems; models not fitted (K > N: one note for all of them), collapsed or
        skipped by the budget; degenerate models; a criterion that would choose a degenerate
        fit taken at face value (K ≥ N/2 included); the best model at the largest K tried; a
        best model that few starts reached; a budget that cut the work short.
        """
        notes = [GridNote("data", message) for message in self.data_warnings]
        name = criterion.upper()
        for status, kind in (("impossible", "impossible"), ("collapsed", "collapsed"),
                             ("skipped", "skipped")):
            entries = [entry for entry in self.entries if entry.fit.status == status]
            if entries:
                notes.append(GridNote(kind, self._unfitted_sentence(status, entries),
                                      tuple((e.n_components, e.covariance_type) for e in entries)))
        degenerate = self.degenerate_entries
        if degenerate:
            listed = ", ".join(f"K = {e.n_components} {e.covariance_type}" for e in degenerate)
            notes.append(GridNote(
                "degenerate",
                f"{len(degenerate)} of {len(self.entries)} models gave only degenerate fits "
                f"({listed}); they are left out of the choice.",
                tuple((e.n_components, e.covariance_type) for e in degenerate)))
        best = self.best(criterion)
        face_value = self.best(criterion, include_degenerate=True)
        if face_value is not None and face_value.degenerate and face_value is not best:
            notes.append(GridNote(
                "degenerate chosen",
                f"Taken at face value, {name} would choose K = {face_value.n_components} "
                f"({face_value.covariance_type}, {name} {face_value.criterion(criterion):.1f}), "
                f"but that fit is degenerate: {face_value.degeneracy.message}",
                ((face_value.n_components, face_value.covariance_type),)))
        if best is not None:
            largest = max(entry.n_components for entry in self.entries)
            if best.n_components == largest and len({e.n_components for e in self.entries}) > 1:
                notes.append(GridNote(
                    "largest K",
                    f"{name} is lowest at the largest K tried (K = {largest}): more "
                    "components might score better still.",
                    ((best.n_components, best.covariance_type),)))
            if best.n_starts > 1 and best.n_reached <= 1:
                notes.append(GridNote(
                    "few starts reached",
                    f"Only {best.n_reached} of {best.n_starts} starts reached the chosen fit "
                    f"(K = {best.n_components}, {best.covariance_type}): with fewer starts the "
                    "choice could have been different.",
                    ((best.n_components, best.covariance_type),)))
        if self.stopped:
            notes.append(GridNote("budget", self.stopped))
        return tuple(notes)

    def _unfitted_sentence(self, status: str, entries: Sequence[GridEntry]) -> str:
        ks = _k_list(entry.n_components for entry in entries)
        count = f"{len(entries)} model" + ("" if len(entries) == 1 else "s")
        if status == "impossible":
            return (f"K = {ks} cannot be fitted: every component needs at least one point and "
                    f"the data has {self.n_samples} ({count} not fitted).")
        if status == "collapsed":
            return (f"K = {ks}: a component collapsed onto a point in every start, with "
                    f"reg_covar = {self.reg_covar:g} too small to stop it ({count} not "
                    "scored). Raise reg_covar.")
        return f"K = {ks}: not fitted, the work budget ran out first ({count})."

    def _dimension(self) -> int:
        """D: the field, or (for a result built from entries alone) the fits' dimension."""
        if self.n_features:
            return self.n_features
        fitted = [entry.fit.params for entry in self.entries if entry.fit.params is not None]
        return fitted[0].n_features if fitted else 2

    def rows(self) -> list[dict]:
        """A table: one dict per model (K, covariance, log-likelihood, parameters, BIC, AIC, ...)."""
        return [
            {
                "K": entry.n_components,
                "covariance": entry.covariance_type,
                "mclust": entry.mclust_name(self._dimension()),
                "log-likelihood": entry.fit.log_likelihood,
                "parameters": entry.n_params,
                "BIC": entry.bic,
                "BIC (mclust)": entry.bic_mclust,
                "AIC": entry.aic,
                "iterations": entry.fit.n_iter,
                "status": entry.fit.status,
                "degenerate": entry.degeneracy.short,
                "starts": entry.n_starts,
                "starts reaching it": entry.n_reached,
            }
            for entry in self.entries
        ]


FitFunction = Callable[..., FitResult]
RowFunction = Callable[..., tuple[FitResult, ...]]
ProgressCallback = Callable[[int, int, str], None]


class _Budget:
    """Work and time spent against optional limits (work units: ``ITERATION_OVERHEAD``)."""

    def __init__(self, max_work: float | None, time_limit: float | None):
        self.max_work, self.time_limit = max_work, time_limit
        self.work = 0
        self.started = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def charge(self, fit: FitResult, n_samples: int, n_components: int, before: int = 0) -> None:
        """Charge the iterations of ``fit`` after the first ``before`` (+ 1 for its start)."""
        self.work += (n_samples * n_components + ITERATION_OVERHEAD) * (fit.n_iter - before + 1)

    def allows(self, share: float, next_work: float = 0.0, next_seconds: float = 0.0) -> bool:
        """Whether ``share`` of each limit still has room for the next piece of work."""
        if self.max_work is not None and self.work + next_work > share * self.max_work:
            return False
        if self.time_limit is not None and self.elapsed + next_seconds > share * self.time_limit:
            return False
        return True

    def describe(self) -> str:
        limits = []
        if self.max_work is not None:
            limits.append(f"the work budget ({self.max_work:.3g} units)")
        if self.time_limit is not None:
            limits.append(f"the time limit ({self.time_limit:g} s)")
        return " and ".join(limits)


def _clusterings_agree(labels: np.ndarray, reference: np.ndarray, n_components: int) -> float:
    """Share of points with the same hard label after the best matching of component labels."""
    table = np.zeros((n_components, n_components))
    np.add.at(table, (labels, reference), 1.0)
    rows, columns = linear_sum_assignment(-table)
    return float(table[rows, columns].sum() / labels.size)


@dataclass
class _Start:
    """A start of one model while the grid runs: its fit, verdict and hard labels."""

    fit: FitResult
    degeneracy: Degeneracy | None = None  # None: unusable
    labels: np.ndarray | None = None
    final: FitResult | None = None
    final_degeneracy: Degeneracy | None = None
    final_labels: np.ndarray | None = None


def _judge(X, fit: FitResult, reg_covar: float, data: DataSummary, noun: str):
    """(degeneracy, hard labels (N,)) of a usable fit, (None, None) otherwise."""
    if not fit.usable:
        return None, None
    try:
        responsibilities = e_step(X, fit.params)[0]
    except ValueError:  # ComponentCollapse or an underflow: nothing to judge
        return None, None
    degeneracy = assess(X, fit.params, reg_covar=reg_covar, responsibilities=responsibilities,
                        data=data, noun=noun)
    return degeneracy, responsibilities.argmax(axis=1)


def model_grid(
    X,
    n_components: Iterable[int] = range(1, 11),
    covariance_types: Sequence[str] | None = None,
    *,
    init: str = "k-means",
    seed: int = 0,
    reg_covar: float = 1e-6,
    tol: float = 1e-3,
    max_iter: int = 100,
    progress: ProgressCallback | None = None,
    fit_row: RowFunction | None = None,
    n_starts: int | None = None,
    final_tol: float | None = FINAL_TOL,
    final_max_iter: int = FINAL_MAX_ITER,
    max_work: float | None = None,
    time_limit: float | None = None,
    feature_names: Sequence[str] | None = None,
    noun: str = "points",
    run_on_candidates: int | None = None,
) -> GridResult:
    """Fit and score every (K, covariance type) on X (N, D) from several starts (module doc).

    covariance_types: None means :func:`covariance_types_for` the data's dimension. K larger
    than N is reported as impossible, not fitted. n_starts: starts per model (None:
    :func:`default_n_starts`); start j uses seed ``seed + j``. tol, max_iter: each start's
    stopping rule; final_tol, final_max_iter: the kept fits are run on to these (final_tol
    None: not run on, the grid of one start per model used to be exactly that).
    run_on_candidates: how many of a model's best starts are run on besides the first (None:
    :func:`default_run_on_candidates`); models more than ``GridResult.run_on_margin`` BIC
    units behind the best are not run on. progress(done, total, label): after each (K, start)
    row (done counts fits; label "K = 3" with one start, "K = 3, start 2 of 10" with several)
    and after each model considered for running on (one more each; total counts both).
    fit_row: a function with :func:`fit_covariance_types`' signature (a page passes a cached
    one). max_work (work units, ``ITERATION_OVERHEAD``; deterministic) and time_limit (seconds, wall
    clock): optional budgets; every model is fitted from its first start whatever they say,
    further starts take at most ``SCREENING_SHARE`` of them and running on the rest; what was
    cut is said in ``stopped``. feature_names, noun: word the degeneracy reasons ("waiting",
    "eruptions").
    """
    fit_row = fit_row or fit_covariance_types
    X = as_data(X)
    n_samples, n_features = X.shape
    ks = [int(k) for k in n_components]
    if not ks or min(ks) < 1:
        raise ValueError("the grid needs at least one K, each at least 1")
    types = tuple(covariance_types) if covariance_types is not None else covariance_types_for(
        n_features)
    unknown = [name for name in types if name not in COVARIANCE_TYPES]
    if unknown:
        raise ValueError(f"unknown covariance type(s) {unknown}; use {', '.join(COVARIANCE_TYPES)}")
    n_starts = default_n_starts(n_samples) if n_starts is None else int(n_starts)
    if n_starts < 1:
        raise ValueError(f"n_starts must be at least 1, not {n_starts}")
    if final_tol is not None and not (final_tol >= 0 and math.isfinite(final_tol)):
        raise ValueError(f"final_tol must be a finite number >= 0 or None, not {final_tol}")
    run_on = final_tol is not None and (final_tol < tol or final_max_iter > max_iter)
    final_max_iter = max(final_max_iter, max_iter)
    data = summarise_data(X, feature_names)
    budget = _Budget(max_work, time_limit)
    cells = [(k, covariance_type) for k in ks for covariance_type in types]
    starts: dict[tuple[int, str], list[_Start]] = {cell: [] for cell in cells}
    total = len(cells) * n_starts + (len(cells) if run_on else 0)
    done = 0
    stopped = []
    rounds_done = 0
    round_work = round_seconds = 0.0
    for round_index in range(n_starts):
        if round_index > 0 and not budget.allows(SCREENING_SHARE, round_work, round_seconds):
            stopped.append(f"{round_index} of {n_starts} starts per model: {budget.describe()} "
                           "was reached")
            total -= len(cells) * (n_starts - round_index)
            break
        work_before, seconds_before = budget.work, budget.elapsed
        start_seed = seed + round_index
        for k in ks:
            if round_index > 0 and k > n_samples:
                done += len(types)  # impossible, said once by the first round
                continue
            fits = fit_row(X, k, types, init=init, seed=start_seed, reg_covar=reg_covar,
                           tol=tol, max_iter=max_iter)
            for covariance_type, fit in zip(types, fits, strict=True):
                budget.charge(fit, n_samples, k)
                degeneracy, labels = _judge(X, fit, reg_covar, data, noun)
                starts[(k, covariance_type)].append(_Start(fit, degeneracy, labels))
            done += len(types)
            if progress is not None:
                label = f"K = {k}" if n_starts == 1 else (
                    f"K = {k}, start {round_index + 1} of {n_starts}")
                progress(done, total, label)
        rounds_done += 1
        round_work = budget.work - work_before
        round_seconds = budget.elapsed - seconds_before
    run_on_margin = math.nan
    if run_on:
        run_on_margin = max(RUN_ON_MARGIN, RUN_ON_MARGIN_PER_STOP * 2.0 * tol * n_samples)
        candidates = (default_run_on_candidates(n_samples) if run_on_candidates is None
                      else int(run_on_candidates))
        # The most promising models first: a budget cut then spares the likely choices, and
        # the best BIC run on so far tells which models are too far behind to matter.
        best_final = math.inf
        not_run_on = []
        for cell in sorted(cells, key=lambda cell: _screened_bic(starts[cell], cell, n_samples,
                                                                 n_features)):
            what = f"K = {cell[0]} ({cell[1]})"
            if _screened_bic(starts[cell], cell, n_samples, n_features) > (
                    best_final + run_on_margin):
                what += " left where its starts stopped: far behind the best"
            elif not budget.allows(1.0):
                not_run_on.append(cell)
                what += " left where its starts stopped: budget reached"
            else:
                _run_on(X, cell, starts[cell], tol, final_tol, final_max_iter, reg_covar, data,
                        noun, budget, n_samples, candidates)
                best_final = min(best_final, _final_bic(starts[cell], cell, n_samples,
                                                        n_features))
                what += f" run on to tol {final_tol:g}"
            done += 1
            if progress is not None:
                progress(done, total, what)
        if not_run_on:
            stopped.append(f"{len(not_run_on)} of {len(cells)} models were not run on to "
                           f"tol {final_tol:g}: {budget.describe()} was reached")
    entries = tuple(_entry(cell, starts[cell], n_samples, n_features,
                           final_tol if run_on else None) for cell in cells)
    return GridResult(
        entries, n_samples, n_features, rounds_done, n_starts, tol,
        final_tol if run_on else None, reg_covar, int(budget.work), budget.elapsed,
        _sentence("; ".join(stopped)),
        find_data_warnings(X, reg_covar=reg_covar, data=data), run_on_margin,
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "." if text else ""


def _screened_bic(cell_starts: list[_Start], cell, n_samples: int, n_features: int) -> float:
    """The lowest BIC among a model's sound starts where they stopped (inf if none)."""
    return min((_bic_of(start.fit, cell, n_samples, n_features) for start in cell_starts
                if _sound(start.degeneracy)), default=math.inf)


def _final_bic(cell_starts: list[_Start], cell, n_samples: int, n_features: int) -> float:
    """The lowest BIC among a model's starts that were run on and stayed sound (inf if none)."""
    return min((_bic_of(start.final, cell, n_samples, n_features) for start in cell_starts
                if start.final is not None and _sound(start.final_degeneracy)), default=math.inf)


def _bic_of(fit: FitResult, cell: tuple[int, str], n_samples: int, n_features: int) -> float:
    if not fit.usable:
        return math.inf
    return information_criteria(fit.log_likelihood, n_parameters(cell[0], n_features, cell[1]),
                                n_samples)[0]


def _sound(degeneracy: Degeneracy | None) -> bool:
    return degeneracy is not None and not degeneracy.degenerate


def _continue(X, start: _Start, tol: float, max_iter: int, reg_covar: float,
              data: DataSummary, noun: str, budget: _Budget, n_samples: int, k: int) -> None:
    """Run one start on (from where it stands) to ``tol``, judging the new fit."""
    base = start.final if start.final is not None else start.fit
    final = continue_fit(X, base, tol=tol, max_iter=max_iter, reg_covar=reg_covar)
    budget.charge(final, n_samples, k, before=base.n_iter)
    if start.final is None:
        start.final_degeneracy, start.final_labels = start.degeneracy, start.labels
    if final is not base:
        start.final_degeneracy, start.final_labels = _judge(X, final, reg_covar, data, noun)
    start.final = final


def _distinct_best(indices: list[int], likelihoods: list[float], count: int) -> list[int]:
    """The first ``count`` indices with distinct likelihoods, in the given (best-first) order.

    Starts whose k-means runs ended in the same partition give identical fits: running on more
    than one of them would repeat the same work.
    """
    chosen, values = [], []
    for index in indices:
        value = likelihoods[index]
        if not any(math.isclose(value, seen, rel_tol=1e-12, abs_tol=1e-9) for seen in values):
            chosen.append(index)
            values.append(value)
        if len(chosen) == count:
            break
    return chosen


def _run_on(X, cell, cell_starts: list[_Start], tol, final_tol, final_max_iter, reg_covar,
            data, noun, budget: _Budget, n_samples: int, n_candidates: int) -> None:
    """Run a model's most promising starts on to ``final_tol`` (see the module doc).

    Two tiers, because a loose tol ranks starts badly on plateaus: the first start and the
    ``n_candidates`` best sound starts (distinct likelihoods) go on to a middle tolerance
    (√(tol · final_tol)); then the first start and the best sound one at that tolerance go on
    to ``final_tol``, and if that one ends degenerate, the next, up to ``MAX_RUN_ON``. With
    two candidates or fewer the middle tier has nothing to rank and is skipped.
    """
    k = cell[0]
    screened = [start.fit.log_likelihood for start in cell_starts]
    sound = [index for index, start in enumerate(cell_starts) if _sound(start.degeneracy)]
    by_likelihood = sorted(sound, key=lambda index: -screened[index])
    first = [0] if 0 in sound else []
    candidates = list(dict.fromkeys(first + _distinct_best(by_likelihood, screened,
                                                           n_candidates)))
    if final_tol < tol / 10 and len(candidates) > 2:
        middle = math.sqrt(tol * final_tol)
        for index in candidates:
            _continue(X, cell_starts[index], middle, final_max_iter, reg_covar, data, noun,
                      budget, n_samples, k)
        candidates = [index for index in candidates
                      if _sound(cell_starts[index].final_degeneracy)]
        first = [index for index in first if index in candidates]
    ranked = sorted(candidates, key=lambda index: -(cell_starts[index].final or
                                                     cell_starts[index].fit).log_likelihood)
    finished = []
    for index in list(dict.fromkeys(first + ranked)):
        if index not in first and (
                len(finished) >= MAX_RUN_ON + len(first)
                or any(_sound(cell_starts[i].final_degeneracy) for i in finished
                       if i not in first)):
            break
        _continue(X, cell_starts[index], final_tol, final_max_iter, reg_covar, data, noun,
                  budget, n_samples, k)
        finished.append(index)


def _entry(cell, cell_starts: list[_Start], n_samples: int, n_features: int,
           final_tol: float | None) -> GridEntry:
    """The scored model: keep the best sound fit (run on if it was), record every start."""
    k, covariance_type = cell
    if not cell_starts:
        skipped = FitResult(None, math.nan, 0, "skipped", "", 0,
                            "not fitted: the work budget ran out")
        return score_fit(skipped, k, covariance_type, n_samples, n_features)
    candidates = []  # (fit, degeneracy, labels, was run on)
    for start in cell_starts:
        if start.final is not None:
            candidates.append((start.final, start.final_degeneracy, start.final_labels, True))
        else:
            candidates.append((start.fit, start.degeneracy, start.labels, False))
    usable = [c for c in candidates if c[1] is not None]
    sound = [c for c in usable if not c[1].degenerate]
    degenerate = [c for c in usable if c[1].degenerate]
    # Run-on fits first among equals: they are the converged values.
    if sound:
        kept = max(sound, key=lambda c: (c[0].log_likelihood, c[3]))
    elif degenerate:
        kept = max(degenerate, key=lambda c: c[0].log_likelihood)
    else:
        kept = (cell_starts[0].fit, None, None, False)
    fit, degeneracy, labels, _ = kept
    set_aside = None
    if sound and degenerate:
        worst_case = max(degenerate, key=lambda c: c[0].log_likelihood)
        if worst_case[0].log_likelihood > fit.log_likelihood:
            set_aside = score_fit(worst_case[0], k, covariance_type, n_samples, n_features,
                                  degeneracy=worst_case[1])
    records = []
    for start in cell_starts:
        bic, aic = (information_criteria(start.fit.log_likelihood,
                                         n_parameters(k, n_features, covariance_type), n_samples)
                    if start.fit.usable else (math.nan, math.nan))
        latest = start.final_labels if start.final_labels is not None else start.labels
        same = (labels is not None and latest is not None
                and _clusterings_agree(latest, labels, k) >= SAME_CLUSTERING)
        records.append(StartRecord(
            start.fit.seed, start.fit.log_likelihood, bic, aic, start.fit.n_iter,
            start.fit.status,
            degenerate=start.degeneracy is not None and start.degeneracy.degenerate,
            reason=start.degeneracy.short if start.degeneracy is not None else "",
            same_as_kept=bool(same),
            final_log_likelihood=(start.final.log_likelihood if start.final is not None
                                  else math.nan),
            final_tol=start.final.tol if start.final is not None else math.nan,
        ))
    return score_fit(fit, k, covariance_type, n_samples, n_features,
                     degeneracy=degeneracy if degeneracy is not None else SOUND,
                     starts=tuple(records), set_aside=set_aside,
                     run_on=final_tol is not None and fit.tol == final_tol)


# --- restarts of one model ---------------------------------------------------------------------

# How a restart ended, in words for the histogram's legend.
RESTART_OUTCOMES = {
    "converged": "stopped by tol: ℓ changed by less than tol per point in one iteration "
                 "(a plateau or an optimum; not proof of a maximum)",
    "max_iter": "stopped after max_iter iterations, still climbing",
    "collapsed": "a component collapsed onto a point (reg_covar too small to stop it)",
    "degenerate": "ended on a degenerate fit: its likelihood measures reg_covar, not the data",
    "impossible": "no start could be built (e.g. K > N)",
}


@dataclass(frozen=True, eq=False)
class RestartResult:
    """Fits of one model from several seeds.

    fits: one per start, in seed order; degeneracies: one verdict per fit (None for an
    unusable fit; empty when not assessed); log_likelihoods: (n_starts,) their final total
    log-likelihoods (nan for an unusable fit).
    """

    fits: tuple[FitResult, ...]
    degeneracies: tuple[Degeneracy | None, ...] = ()

    @property
    def log_likelihoods(self) -> np.ndarray:
        return np.array([fit.log_likelihood if fit.usable else math.nan for fit in self.fits])

    def _degenerate(self, index: int) -> bool:
        if not self.degeneracies:
            return False
        verdict = self.degeneracies[index]
        return verdict is not None and verdict.degenerate

    @property
    def outcomes(self) -> tuple[str, ...]:
        """How each run ended (a key of ``RESTART_OUTCOMES``): "degenerate" before the stop."""
        return tuple("degenerate" if self._degenerate(index) else fit.status
                     for index, fit in enumerate(self.fits))

    @property
    def best(self) -> FitResult | None:
        """The sound usable fit with the highest likelihood (the first such seed on ties); if
        every usable fit is degenerate, the best of those (``best_is_degenerate`` says so)."""
        index = self._best_index()
        return None if index is None else self.fits[index]

    @property
    def best_is_degenerate(self) -> bool:
        index = self._best_index()
        return index is not None and self._degenerate(index)

    def _best_index(self) -> int | None:
        values = self.log_likelihoods
        if not np.any(np.isfinite(values)):
            return None
        sound = np.array([not self._degenerate(i) for i in range(len(self.fits))])
        pool = np.where(sound & np.isfinite(values), values, np.nan)
        if not np.any(np.isfinite(pool)):
            pool = values
        return int(np.nanargmax(pool))

    def share_near_best(self, n_samples: int, tol_per_sample: float = 1e-3) -> float:
        """Share of starts whose per-sample log-likelihood is within ``tol_per_sample`` of the
        best (sound) fit's, or above it."""
        values = self.log_likelihoods
        finite = np.isfinite(values)
        if not finite.any():
            return 0.0
        gap = (self.best.log_likelihood - values[finite]) / n_samples
        return float(np.sum(gap <= tol_per_sample) / len(values))

    def n_distinct_optima(self, n_samples: int, tol_per_sample: float = 1e-3) -> int:
        """How many different final likelihoods the starts reached (closer than tol count as one).

        Starts stopped by tol on the same slope can count as different: see ``outcomes``.
        """
        values = np.sort(self.log_likelihoods[np.isfinite(self.log_likelihoods)]) / n_samples
        if values.size == 0:
            return 0
        return int(1 + np.sum(np.diff(values) > tol_per_sample))

    def count(self, outcome: str) -> int:
        """How many runs ended with ``outcome`` (a key of ``RESTART_OUTCOMES``)."""
        return self.outcomes.count(outcome)


def restarts(
    X,
    n_components: int,
    covariance_type: str = "full",
    *,
    init: str = "random-points",
    n_starts: int = 20,
    first_seed: int = 0,
    reg_covar: float = 1e-6,
    tol: float = 1e-3,
    max_iter: int = 100,
    progress: ProgressCallback | None = None,
    fit: FitFunction = fit_mixture,
    feature_names: Sequence[str] | None = None,
    noun: str = "points",
) -> RestartResult:
    """Fit the same model from seeds first_seed, first_seed + 1, ... (n_starts of them).

    X: (N, D). progress(done, total, label) is called after each start. Every usable fit is
    judged by ``gmm_core.degeneracy.assess`` (feature_names and noun word its reasons).
    """
    if init not in RESTARTABLE_INITS:
        raise ValueError(
            f"restarts need a seeded initialisation ({', '.join(RESTARTABLE_INITS)}), not {init!r}"
        )
    if n_starts < 1:
        raise ValueError(f"n_starts must be at least 1, not {n_starts}")
    X = as_data(X)
    data = summarise_data(X, feature_names)
    fits, verdicts = [], []
    for offset in range(n_starts):
        result = fit(X, n_components, covariance_type, init=init, seed=first_seed + offset,
                     reg_covar=reg_covar, tol=tol, max_iter=max_iter)
        fits.append(result)
        verdicts.append(_judge(X, result, reg_covar, data, noun)[0])
        if progress is not None:
            progress(offset + 1, n_starts, f"{init}, seed {first_seed + offset}")
    return RestartResult(tuple(fits), tuple(verdicts))
