"""What the mixture figures and the log-likelihood chart show, in words (issue #14).

Text alternatives: a screen reader reads them in place of the picture, and every student can
open them under "Describe this figure". Each function is pure and computes every sentence from
the numbers its figure draws (weights, means, spreads, responsibilities, ℓ), so a sentence is
only there when it is true of the state shown. Plain text: names that came from outside the app
(a CSV's column names) are escaped where the text is shown, not here; they are only cleaned and
shortened here (a 10,000-character header must not fill a screen reader's sentence).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from gmm_core.mixture import MixtureParams, full_covariances
from ui.figures.charts import decrease_indices
from ui.figures.common import component_colour_name
from ui.kit.escape import untrusted_plain
from ui.kit.step_rules import KIND_NAMES, STATUS_NAMES
from ui.kit.text import log_likelihood, number, subscript


def percent(probability: float) -> str:
    """A probability in percent with one decimal, never rounded to 0 % or 100 % when it is
    not exactly that ("< 0.1 %", "> 99.9 %")."""
    probability = float(probability)
    if 0.0 < probability < 0.0005:
        return "< 0.1 %"
    if 0.9995 <= probability < 1.0:
        return "> 99.9 %"
    return f"{100 * probability:.1f} %"


def _name(name: str) -> str:
    """A column name as a description quotes it: cleaned, at most 60 characters."""
    return untrusted_plain(name, max_chars=60)


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _point(values: Sequence[float]) -> str:
    """A point: "(−1.412, 1.427)" in 2-D, "2.041" in 1-D (4 significant digits)."""
    values = [number(value, 4) for value in values]
    return values[0] if len(values) == 1 else "(" + ", ".join(values) + ")"


def _series(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def most_responsible_counts(responsibilities: np.ndarray) -> np.ndarray:
    """How many points each component is most responsible for: (K,) from (N, K) (ties go to
    the lower k, as argmax and the hard labels do)."""
    return np.bincount(responsibilities.argmax(axis=1), minlength=responsibilities.shape[1])


def changed_assignments(responsibilities: np.ndarray, previous: np.ndarray) -> int:
    """How many points have a different most responsible component in ``responsibilities``
    (N, K) than in ``previous`` (N, K)."""
    return int(np.count_nonzero(responsibilities.argmax(axis=1) != previous.argmax(axis=1)))


def _components(params: MixtureParams, responsibilities: np.ndarray | None) -> str:
    """One clause per component: colour, mean, weight, spread and the points it owns."""
    covariances = full_covariances(params)
    counts = None if responsibilities is None else most_responsible_counts(responsibilities)
    clauses = []
    for k in range(params.n_components):
        sub = subscript(k + 1)
        name = f"component {k + 1} ({component_colour_name(k)})"
        if params.n_features == 1:
            spread = f"σ{sub} = {number(math.sqrt(max(covariances[k, 0, 0], 0.0)), 4)}"
            clause = (f"{name}: mean μ{sub} = {_point(params.means[k])}, {spread}, weight "
                      f"π{sub} = {number(params.weights[k], 3)}")
        else:
            # Standard deviations along the ellipse's axes: sqrt of Σ_k's eigenvalues, largest
            # first (round-off negatives count as 0).
            deviations = np.sqrt(np.clip(np.linalg.eigvalsh(covariances[k]), 0.0, None))[::-1]
            clause = (f"{name} at {_point(params.means[k])} with weight "
                      f"π{sub} = {number(params.weights[k], 3)}, standard deviations "
                      f"{_series([number(value, 3) for value in deviations])} along its "
                      "ellipse's axes")
        if counts is not None:
            clause += f", most responsible for {_count(int(counts[k]), 'point')}"
        clauses.append(clause)
    return "; ".join(clauses)


def _colours(responsibilities: np.ndarray | None, hard_labels: bool) -> str:
    if responsibilities is None:
        return "grey: no responsibilities yet (the first E-step computes them)"
    if hard_labels:
        return "in the colour of their most responsible component (hard labels)"
    return ("by their responsibilities r_ik: each point's colour is the mix of the component "
            "colours weighted by its r_ik")


def mixture_2d(X: np.ndarray, params: MixtureParams | None,
               responsibilities: np.ndarray | None, *, feature_names: Sequence[str] = ("x", "y"),
               hard_labels: bool = False, show_density: bool = False,
               probe: Sequence[float] | None = None) -> str:
    """What ``mixture_figure_2d`` draws. X: (N, 2); responsibilities: (N, K) or None."""
    text = (f"Scatter plot of {_count(len(X), 'point')}, {_name(feature_names[0])} across and "
            f"{_name(feature_names[1])} up, coloured {_colours(responsibilities, hard_labels)}.")
    if params is not None:
        text += (f" {_count(params.n_components, 'component')}, each drawn as a cross at its "
                 f"mean and ellipses around it: {_components(params, responsibilities)}.")
    if params is not None and show_density:
        text += " Grey contour lines show the mixture density p(x)."
    if probe is not None:
        text += f" The probe point (a black star) is at {_point(probe)}."
    return text


def mixture_1d(X: np.ndarray, params: MixtureParams | None,
               responsibilities: np.ndarray | None, *, feature_name: str = "x",
               hard_labels: bool = False, probe: float | None = None) -> str:
    """What ``mixture_figure_1d`` draws. X: (N, 1) or (N,); responsibilities: (N, K) or None."""
    n_points = np.asarray(X).reshape(-1).size
    text = (f"Histogram of {_count(n_points, 'point')} of {_name(feature_name)} on a density scale, "
            f"with the points as a rug of ticks under it, coloured "
            f"{_colours(responsibilities, hard_labels)}.")
    if params is not None:
        n_components = params.n_components
        text += (f" {n_components} weighted component densit"
                 f"{'y' if n_components == 1 else 'ies'} π_k N(x | μ_k, σ²_k) as filled curves and their sum p(x) as a dashed curve: "
                 f"{_components(params, responsibilities)}.")
    if probe is not None:
        text += f" The probe point (a black star) is at {_point([probe])}."
    return text


def half_step_change(kind: str, n_points: int, *, changed: int | None = None,
                     params: MixtureParams | None = None,
                     previous_params: MixtureParams | None = None) -> str:
    """What the half-step on screen did to the picture.

    kind: "start", "E" or "M"; changed: for an E-step, how many points changed their most
    responsible component (None: the first E-step, nothing to compare with); params and
    previous_params: for an M-step, the parameters after and before it.
    """
    if kind == "E":
        if changed is None:
            return "This first E-step gave every point its responsibilities: the colours appear."
        if changed == 0:
            return "In this E-step no point changed its most responsible component."
        return (f"In this E-step {changed} of the {_count(n_points, 'point')} changed their "
                "most responsible component.")
    if kind == "M" and params is not None and previous_params is not None:
        moved = np.linalg.norm(params.means - previous_params.means, axis=1)
        distances = _series([f"{number(distance, 3)} (component {k + 1})"
                             for k, distance in enumerate(moved)])
        return (f"This M-step moved the means by {distances}; the points keep the colours of "
                "the E-step before it.")
    return ""


def log_likelihood_chart(log_likelihoods: Sequence[float], kinds: Sequence[str], current: int,
                         *, lower_bounds: Sequence[float | None] | None = None,
                         status: str = "running") -> str:
    """What ``log_likelihood_svg`` (and ``log_likelihood_figure``) draw: ℓ after every half-step,
    the half-step on screen, what it did to ℓ, and how the run stands.

    log_likelihoods: (S,) (+inf after a collapse); kinds: (S,) "start" | "E" | "M"; current:
    the index on screen; lower_bounds: (S,) or None; status: the run's status.
    """
    values = np.array([math.nan if v is None else v for v in log_likelihoods], dtype=float)
    last = len(values) - 1
    current = int(np.clip(current, 0, max(last, 0)))
    kind = kinds[current]
    text = (f"Line chart of the log-likelihood ℓ(θ) after each half-step, 0 to {last} "
            f"({_count(last, 'half-step')} computed; E-steps as hollow circles). Marked: "
            f"half-step {current} ({KIND_NAMES.get(kind, kind)}), ℓ = "
            f"{log_likelihood(values[current])}.")
    if current > 0 and math.isfinite(values[current]) and math.isfinite(values[current - 1]):
        change = values[current] - values[current - 1]
        step = f"This {KIND_NAMES.get(kind, kind)}"
        if abs(change) < 5e-5:
            text += f" {step} did not change ℓ (to four decimals)."
        else:
            text += (f" {step} {'raised' if change > 0 else 'lowered'} ℓ by "
                     f"{log_likelihood(abs(change))}.")
    finite = np.isfinite(values)
    if finite[0] and last > 0:
        best = int(np.nanargmax(np.where(finite, values, np.nan)))
        text += (f" From {log_likelihood(values[0])} at the start to "
                 f"{log_likelihood(values[last])} at half-step {last}"
                 + ("" if values[best] <= values[last] else
                    f"; highest {log_likelihood(values[best])} at half-step {best}") + ".")
    decreased = decrease_indices(values)
    if decreased:
        text += (f" ℓ decreased at half-step{'' if len(decreased) == 1 else 's'} "
                 f"{_series([str(i) for i in decreased])} (red crosses).")
    if lower_bounds is not None and lower_bounds[current] is not None:
        bound = float(lower_bounds[current])
        text += f" The lower bound F(q, θ) (dotted) is {log_likelihood(bound)} here"
        if math.isfinite(bound) and math.isfinite(values[current]):
            text += f", {log_likelihood(values[current] - bound)} below ℓ"
        text += "."
    if status == "converged":
        text += f" The run converged at half-step {last}."
    elif status == "collapsed" or (last >= 0 and not finite[last]):
        text += f" A component collapsed at half-step {last}: ℓ runs away to +∞."
    elif status == "running":
        text += " The run has not stopped yet."
    else:
        text += f" The run {STATUS_NAMES.get(status, status)} at half-step {last}."
    return text


def membership_bars(probabilities: Sequence[float], point: Sequence[float] | None = None) -> str:
    """What ``membership_bar_figure`` draws: p(z = k | x) per component, for ``point``."""
    probabilities = np.asarray(probabilities, dtype=float)
    where = "" if point is None else f" at {_point(point)}"
    shares = _series([f"component {k + 1} ({component_colour_name(k)}) {percent(p)}"
                      for k, p in enumerate(probabilities)])
    best = int(np.argmax(probabilities))
    return (f"Bar chart of the membership probabilities p(z = k | x) of the probe point{where}: "
            f"{shares}. The most likely component is component {best + 1}.")
