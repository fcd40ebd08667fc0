"""Degenerate fits: when a fitted mixture's likelihood means nothing, and why, in words.

The likelihood of a Gaussian mixture has no maximum. A component squeezed onto one point, or
onto points that share one exact value in some direction, has a density there that grows
without bound as its variance shrinks. reg_covar (λ, added to every variance) stops the
collapse at variance λ, so EM returns a finite number; but that number measures λ, not the
data, and a criterion such as BIC then "prefers" the spike. On raw Old Faithful (waiting times
recorded in whole minutes) a diag fit with K = 5 puts one component on the 14 eruptions with
waiting exactly 83 and beats every sound model by about 90 BIC units.

:func:`assess` flags a fitted mixture as degenerate, one :class:`DegeneracyReason` per problem:

1. **squeezed**: a component's variance in some direction is held up by the regulariser
   (at most ``REGULARISER_SHARE`` = 10 times λ, so λ is at least a tenth of it), or is a tiny
   fraction (``RELATIVE_VARIANCE_FLOOR`` = 1e-8, a standard deviation of 0.01 %) of the data's
   own variance in that direction. The first catches every collapse that λ stops, whatever the
   data's scale; the second catches near-collapses on data so large that λ is negligible
   (a run with reg_covar = 0 stops as "collapsed" before this).
2. **few points** (when not already squeezed): its soft count N_k = Σ_i r_ik is below what
   its covariance type needs, by half a point or more: D + 1 points for a full covariance
   (fewer lie in a lower-dimensional plane, so the covariance is singular before λ), 2 for
   diag and spherical (one point has no spread), 1 for tied (the shape is shared; a component
   needs a point for its mean).
3. **too many components**: K ≥ N/2, about two points per component or fewer: on small data
   every component can sit on its own point(s).

The reasons are computed from the data: how many points the component holds (hard
assignments), whether they share one exact value in a column (and how that column is
rounded), and the column's name when given.

No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gmm_core.mixture import MixtureParams, as_data, e_step

# A variance at most this many times reg_covar is mostly the regulariser (λ is at least a tenth
# of it): the data alone would put it (nearly) at zero.
REGULARISER_SHARE = 10.0
# ... or a variance this small against the data's own variance in the same direction (a
# standard deviation of 0.01 % of the data's): a near-collapse that λ is too small to stop.
# The blob generator's tightest real clusters (spread 0.05, stretch 10, centres far apart)
# sit at about 1e-6; EMRun stops a run as collapsed at 1e-10 (with reg_covar that small).
RELATIVE_VARIANCE_FLOOR = 1e-8
# K at or above this fraction of N leaves about two points per component or fewer.
MAX_COMPONENTS_PER_POINT = 0.5
REASON_KINDS = ("squeezed", "few points", "too many components")


def min_points(covariance_type: str, n_features: int) -> int:
    """The fewest points a component of this covariance type needs to be estimated.

    full: D + 1 (D points or fewer lie in a plane of dimension < D, so the covariance is
    singular); diag and spherical: 2 (one point has no spread); tied: 1 (the covariance is
    estimated from all points; a component needs a point for its mean).
    """
    return {"full": n_features + 1, "diag": 2, "spherical": 2, "tied": 1}[covariance_type]


@dataclass(frozen=True)
class DegeneracyReason:
    """One reason a fit is degenerate.

    kind: one of ``REASON_KINDS``; component: the component k (0-based), None for the whole
    fit; n_points: points assigned to it (hard assignments); n_effective: N_k = Σ_i r_ik;
    variance: its smallest variance (squeezed only, else nan); message: a full explanation
    for a student; short: a few words for a tooltip.
    """

    kind: str
    component: int | None
    n_points: int
    n_effective: float
    variance: float
    message: str
    short: str


@dataclass(frozen=True)
class Degeneracy:
    """The verdict on one fit: ``reasons`` is empty for a sound fit."""

    reasons: tuple[DegeneracyReason, ...] = ()

    @property
    def degenerate(self) -> bool:
        return bool(self.reasons)

    @property
    def message(self) -> str:
        """Every reason's explanation, one after the other ("" for a sound fit)."""
        return " ".join(reason.message for reason in self.reasons)

    @property
    def short(self) -> str:
        """The first reason in a few words ("" for a sound fit)."""
        return self.reasons[0].short if self.reasons else ""

    @property
    def components(self) -> tuple[int, ...]:
        """The flagged components (0-based), each once, in the order of the reasons."""
        flagged = [reason.component for reason in self.reasons if reason.component is not None]
        return tuple(dict.fromkeys(flagged))


SOUND = Degeneracy()


# --- what the data look like ------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DataSummary:
    """What the reasons need to know about X (N, D), computed once per data set.

    covariance: (D, D) the data's covariance (divided by N); steps: (D,) each column's recording
    step (1.0 for whole numbers, 0.001 for three decimals), nan when the values are not on a
    decimal grid; feature_names: (D,) column names.
    """

    n_samples: int
    covariance: np.ndarray
    steps: np.ndarray
    feature_names: tuple[str, ...]

    @property
    def n_features(self) -> int:
        return self.covariance.shape[0]


def recording_step(values) -> float:
    """The coarsest decimal step (1000, 100, ..., 1, 0.1, ..., 1e-6) that every value is a
    whole multiple of: the rounding of the column. nan if none is (continuous values)."""
    values = np.asarray(values, dtype=np.float64)
    scale = float(np.max(np.abs(values))) if values.size else 0.0
    if scale == 0.0:
        return math.nan
    for exponent in range(3, -7, -1):
        step = 10.0**exponent
        multiples = values / step
        # Decimal fractions such as 3.6 are not exact in binary: allow round-off.
        if np.all(np.abs(multiples - np.round(multiples)) <= 1e-9 * max(1.0, scale / step)):
            return step
    return math.nan


def summarise_data(X, feature_names: Sequence[str] | None = None) -> DataSummary:
    """The data's covariance, each column's rounding and names, for :func:`assess`."""
    X = as_data(X)
    n_samples, n_features = X.shape
    centred = X - X.mean(axis=0)
    covariance = centred.T @ centred / n_samples
    names = tuple(str(name) for name in feature_names) if feature_names is not None else ()
    if len(names) != n_features:
        names = tuple(f"x{j + 1}" for j in range(n_features)) if n_features > 1 else ("x",)
    steps = np.array([recording_step(X[:, j]) for j in range(n_features)])
    return DataSummary(n_samples, covariance, steps, names)


def describe_step(step: float) -> str:
    """'whole numbers', 'steps of 10', '1 decimal', '3 decimals' (for a recording step)."""
    if step == 1.0:
        return "whole numbers"
    if step > 1.0:
        return f"steps of {step:g}"
    decimals = round(-math.log10(step))
    return f"{decimals} decimal" + ("" if decimals == 1 else "s")


# --- the verdict ------------------------------------------------------------------------------


def _directions(params: MixtureParams, k: int, data: DataSummary):
    """(variances (M,), directions (M, D), the data's variance along each (M,)) of component k.

    full and tied: the eigenvalues and eigenvectors of Σ_k; diag: the coordinate axes;
    spherical: one variance, compared with the data's least variance in any direction.
    """
    n_features = params.n_features
    if params.covariance_type == "diag":
        return params.covariances[k], np.eye(n_features), np.diag(data.covariance)
    if params.covariance_type == "spherical":
        values, vectors = np.linalg.eigh(data.covariance)
        return params.covariances[k : k + 1], vectors[:, :1].T, values[:1]
    covariance = params.covariances if params.covariance_type == "tied" else params.covariances[k]
    values, vectors = np.linalg.eigh(covariance)
    data_variances = np.einsum("di,de,ei->i", vectors, data.covariance, vectors)
    return values, vectors.T, data_variances


def _floor(reg_covar: float, data_variance: float) -> float:
    """The variance at or below which a component counts as squeezed in a direction."""
    return max(REGULARISER_SHARE * reg_covar, RELATIVE_VARIANCE_FLOOR * data_variance)


def _point_noun(count: int, noun: str) -> str:
    if count == 1:
        return "point" if noun == "points" else noun.removesuffix("s")
    return noun


def _coordinates(x: np.ndarray, data: DataSummary) -> str:
    return ", ".join(f"{name} = {value:g}" for name, value in zip(data.feature_names, x,
                                                                  strict=True))


def _squeezed_reason(X, k: int, held: np.ndarray, n_effective: float, variance: float,
                     direction: np.ndarray, data_variance: float, reg_covar: float,
                     data: DataSummary, noun: str, everywhere: bool) -> DegeneracyReason:
    """Why component k is squeezed, from the points it holds (held: (N,) bool).

    variance: its smallest variance relative to the floor, along ``direction`` (D,), where the
    data's variance is ``data_variance``; everywhere: it is squeezed in every direction.
    """
    points = X[held]
    n_points = int(points.shape[0])
    number = f"Component {k + 1}"
    held_by_lambda = variance <= REGULARISER_SHARE * reg_covar
    if data_variance <= REGULARISER_SHARE * reg_covar:
        message = (
            f"{number}'s variance in one direction is {variance:.2g}, and the data's own "
            f"variance in that direction is only {data_variance:.2g}, not much more than "
            f"reg_covar (λ = {reg_covar:g}): the fit shows λ, not the data. Standardise the "
            "data or choose a smaller reg_covar."
        )
        return DegeneracyReason("squeezed", k, n_points, n_effective, variance, message,
                                f"component {k + 1}: the data's variance is near λ")

    def cause(where: str) -> str:
        if held_by_lambda:
            return (f"its variance {where} is {variance:.2g}, held up only by reg_covar "
                    f"(λ = {reg_covar:g}): its huge likelihood measures λ, not the data.")
        return (f"its variance {where} is {variance:.2g}, {variance / data_variance:.1e} of "
                "the data's: it has nearly collapsed, and its likelihood grows without bound "
                "as it does.")
    unbounded = "a Gaussian squeezed onto them has unbounded density"
    if n_points == 0:
        message = (f"{number} holds no point of its own (N_k = {n_effective:.2f}) and has "
                   f"shrunk: {cause('in one direction')}")
        short = f"component {k + 1}: empty and shrunk (variance {variance:.2g})"
        return DegeneracyReason("squeezed", k, 0, n_effective, variance, message, short)
    spread = np.ptp(points, axis=0)
    if n_points == 1 or not np.any(spread):
        where = _coordinates(points[0], data)
        if n_points == 1:
            what = f"a single {_point_noun(1, noun)} ({where})"
            unbounded_here = "a Gaussian squeezed onto one point has unbounded density"
        else:
            what = f"{n_points} {noun} at exactly the same place ({where})"
            unbounded_here = unbounded
        where_squeezed = "in every direction" if everywhere else "in one direction"
        message = f"{number} sits on {what}: {unbounded_here}; {cause(where_squeezed)}"
        short = f"component {k + 1} on {what}"
        return DegeneracyReason("squeezed", k, n_points, n_effective, variance, message, short)
    shared = np.flatnonzero(spread == 0)
    if shared.size:
        # The shared column closest to the squeezed direction.
        j = int(shared[np.argmax(np.abs(direction[shared]))])
        name, value = data.feature_names[j], points[0, j]
        rounding = ""
        if math.isfinite(data.steps[j]):
            rounding = f"; {name} is recorded in {describe_step(data.steps[j])}"
        message = (f"{n_points} {noun} with {name} exactly {value:g}: {unbounded}{rounding}. "
                   f"{number} sits on them; {cause('in ' + name)}")
        short = f"component {k + 1} on {n_points} {noun} with {name} = {value:g}"
        return DegeneracyReason("squeezed", k, n_points, n_effective, variance, message, short)
    offsets = (points - points.mean(axis=0)) @ direction
    # Flat up to round-off and the leak of other points' responsibilities into Σ_k, which
    # tilts its eigenvectors by about λ / (the spread along the line).
    extent = float(np.max(spread))
    if data.n_features >= 2 and np.ptp(offsets) <= 1e-6 * extent:
        shape = "a straight line" if data.n_features == 2 else "a flat plane"
        message = (f"{number} sits on {n_points} {noun} that lie exactly on {shape}: a Gaussian "
                   f"squeezed onto {shape} has unbounded density; {cause('across it')}")
        short = f"component {k + 1} on {n_points} {noun} on {shape}"
        return DegeneracyReason("squeezed", k, n_points, n_effective, variance, message, short)
    message = (f"{number} holds {n_points} {_point_noun(n_points, noun)} that hardly spread in "
               f"one direction: {cause('in that direction')}")
    short = f"component {k + 1} squeezed (variance {variance:.2g})"
    return DegeneracyReason("squeezed", k, n_points, n_effective, variance, message, short)


def _few_points_reason(k: int, n_points: int, n_effective: float, covariance_type: str,
                       n_features: int, noun: str) -> DegeneracyReason:
    need = min_points(covariance_type, n_features)
    why = {
        "full": (f"a full covariance in {n_features}-D needs at least {need} (D + 1): fewer "
                 "points lie in a lower-dimensional plane, so its shape in the missing "
                 "direction(s) is made up"),
        "diag": "a diagonal covariance needs at least 2 to have a spread in each coordinate",
        "spherical": "a spherical covariance needs at least 2 to have a spread",
        "tied": "a component needs at least 1 to place its mean; this one is almost empty",
    }[covariance_type]
    message = (f"Component {k + 1} holds N_k = {n_effective:.2f} {_point_noun(2, noun)} "
               f"(N_k = Σ_i r_ik); {why}.")
    short = f"component {k + 1}: N_k = {n_effective:.2f} < {need}"
    return DegeneracyReason("few points", k, n_points, n_effective, math.nan, message, short)


def too_few_points(n_effective: float, covariance_type: str, n_features: int) -> bool:
    """N_k is below what the covariance type needs (:func:`min_points`), by half a point or more.

    The half point of slack keeps a component that holds exactly D + 1 points, with a little
    responsibility leaking to its neighbours (N_k = 2.99 for 3 points), from being flagged.
    """
    return n_effective < min_points(covariance_type, n_features) - 0.5


def too_many_components(n_components: int, n_samples: int) -> bool:
    """K ≥ N/2: about two points per component or fewer."""
    return n_components >= MAX_COMPONENTS_PER_POINT * n_samples


def _too_many_reason(n_components: int, n_samples: int, noun: str) -> DegeneracyReason:
    message = (f"K = {n_components} components for {n_samples} {_point_noun(n_samples, noun)} "
               f"(K ≥ N/2): about {n_samples / n_components:.1f} per component, so components "
               "can sit on single points and no criterion can be trusted. Use more data or a "
               "smaller K.")
    short = f"K = {n_components} for N = {n_samples}"
    return DegeneracyReason("too many components", None, 0, math.nan, math.nan, message, short)


def assess(X, params: MixtureParams, *, reg_covar: float = 1e-6,
           feature_names: Sequence[str] | None = None, responsibilities=None,
           data: DataSummary | None = None, noun: str = "points") -> Degeneracy:
    """Is the fitted mixture ``params`` on X (N, D) degenerate, and why (see the module doc)?

    reg_covar: the λ the fit was made with; responsibilities: (N, K) under ``params`` if the
    caller has them (else computed); data: :func:`summarise_data` of X if the caller has it
    (saves recomputing it for every fit of a grid); noun: what the rows are ("points",
    "eruptions", ...), used in the messages. A pure function.
    """
    X = as_data(X)
    data = data if data is not None else summarise_data(X, feature_names)
    if responsibilities is None:
        responsibilities = e_step(X, params)[0]
    n_samples = X.shape[0]
    counts = responsibilities.sum(axis=0)
    labels = responsibilities.argmax(axis=1)
    reasons = []
    for k in range(params.n_components):
        held = labels == k
        variances, directions, data_variances = _directions(params, k, data)
        floors = np.array([_floor(reg_covar, value) for value in data_variances])
        # The direction most squeezed relative to its own floor.
        worst = int(np.argmin(variances / floors))
        if variances[worst] <= floors[worst]:
            everywhere = params.n_features > 1 and bool(np.all(variances <= floors))
            reasons.append(_squeezed_reason(
                X, k, held, float(counts[k]), float(variances[worst]), directions[worst],
                float(data_variances[worst]), reg_covar, data, noun, everywhere))
        elif too_few_points(float(counts[k]), params.covariance_type, params.n_features):
            reasons.append(_few_points_reason(k, int(held.sum()), float(counts[k]),
                                              params.covariance_type, params.n_features, noun))
    if too_many_components(params.n_components, n_samples):
        reasons.append(_too_many_reason(params.n_components, n_samples, noun))
    return Degeneracy(tuple(reasons))


def data_warnings(X, *, reg_covar: float = 1e-6, feature_names: Sequence[str] | None = None,
                  data: DataSummary | None = None) -> tuple[str, ...]:
    """Problems with the data themselves that make every fit dubious (one sentence each).

    A constant column, a column whose variance is at or below ``REGULARISER_SHARE`` ×
    reg_covar (the regulariser would dominate a variance fitted to it), and a data set with
    fewer than 2 points or with fewer points than a full covariance needs for one component
    (D + 1).
    """
    X = as_data(X)
    data = data if data is not None else summarise_data(X, feature_names)
    warnings = []
    n_samples, n_features = X.shape
    if n_samples < 2:
        warnings.append(f"The data has {n_samples} point: no model can estimate a spread from "
                        "it. Add data.")
    elif n_samples < n_features + 1:
        warnings.append(f"The data has {n_samples} points in {n_features}-D: fewer than the "
                        f"{n_features + 1} (D + 1) a full covariance needs even for K = 1.")
    for j, name in enumerate(data.feature_names):
        variance = float(data.covariance[j, j])
        if n_samples >= 2 and variance == 0.0:
            warnings.append(
                f"{name} has the same value in every row: it tells the components nothing, "
                f"and a covariance fitted to it alone is only λ = {reg_covar:g}. Drop the "
                "column."
            )
        elif variance <= REGULARISER_SHARE * reg_covar:
            warnings.append(
                f"The variance of {name} is {variance:.2g}, at or below 10 × reg_covar "
                f"(λ = {reg_covar:g}): a variance fitted to {name} alone is mostly λ, so EM "
                f"cannot separate anything along it. Standardise the data or lower reg_covar."
            )
    return tuple(warnings)
