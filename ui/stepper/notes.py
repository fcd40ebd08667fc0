"""The short "what to notice" note for the half-step on screen (pure text, Markdown).

Every sentence is computed from the state it describes: whether ℓ rose, fell or stayed, how
the run stopped, whether components coincide. One function per situation keeps each
explanation next to the condition that triggers it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gmm_core.diagnostics import diagnose_stop
from gmm_core.em_run import HalfStep
from gmm_core.initialisation import INIT_DESCRIPTIONS

WHY_EM_CLIMBS = "the mixture model page's *Why EM climbs*"

# How the start's parameters were made, when responsibilities were involved.
_START_ORIGINS = {
    "random-responsibilities": "an M-step on random responsibilities",
    "k-means": "an M-step on k-means' hard assignments (responsibilities of 0 or 1)",
}


@dataclass(frozen=True)
class NoteContext:
    """What the notes need besides the history: the run's settings and the data's scale.

    data_variance: the data's mean per-feature variance (the scale for coinciding components);
    decrease_reason: ``gmm_core.em_run.explain_decrease`` for the half-step on screen.
    """

    status: str
    init: str
    n_points: int
    n_features: int
    reg_covar: float
    tol: float
    max_iter: int
    data_variance: float
    decrease_reason: str | None = None  # why ℓ fell at this half-step (plain text), if it did


def _start_note(context: NoteContext) -> str:
    shapes = "curves" if context.n_features == 1 else "ellipses"
    origin = _START_ORIGINS.get(context.init)
    made = (f" They were computed by {origin}; those responsibilities are not the ones EM "
            "will compute from the starting parameters." if origin else "")
    return (
        f"**The start.** The {shapes} are the starting guess "
        f"({INIT_DESCRIPTIONS.get(context.init, context.init)}).{made} The points are grey "
        "because the page colours them only with responsibilities r_ik computed from the "
        "parameters on screen. Press **E-step**: every point will take the colours of the "
        "components that explain it best."
    )


def _e_note(entry: HalfStep, context: NoteContext) -> str:
    shapes = "curves" if context.n_features == 1 else "ellipses"
    text = (
        f"**E-step.** The points changed colour; the {shapes} did not move. With the "
        "parameters held fixed, each point's responsibilities r_ik are recomputed by Bayes' "
        "rule. The log-likelihood ℓ is unchanged; the lower bound (dotted) rises to touch it."
    )
    if entry.iteration == 0:
        text += " A point's colour mixes its components' colours in proportion to r_ik."
    return text


def _m_note(entry: HalfStep, previous: HalfStep, context: NoteContext) -> str:
    shift = np.linalg.norm(entry.params.means - previous.params.means, axis=1)
    mover = int(np.argmax(shift))
    text = (
        "**M-step.** The components moved to fit the coloured points, which kept their "
        "colours: each mean μ_k is now the responsibility-weighted average of the points, "
        "each weight π_k the component's share N_k / N of the points. "
        f"Component {mover + 1} moved most (by {shift[mover]:.3g})."
    )
    gain = entry.log_likelihood - previous.log_likelihood
    if not math.isfinite(gain):
        return text
    scale = max(abs(previous.log_likelihood), 1.0)
    if abs(gain) <= 1e-10 * scale:
        return text + " The log-likelihood did not change (to round-off): EM has stopped moving."
    if gain > 0:
        return text + (f" The log-likelihood rose by {gain:.4g} ({gain / context.n_points:.3g} "
                       "per point).")
    return text + " " + (context.decrease_reason or
                         f"The log-likelihood fell by {-gain:.4g} at this M-step.")


def _end_note(history: Sequence[HalfStep], context: NoteContext) -> str:
    diagnosis = diagnose_stop(history, context.status, context.tol, context.data_variance)
    if diagnosis.coinciding:
        pairs = ", ".join(f"{k + 1} and {j + 1}" for k, j in diagnosis.coinciding)
        return (
            f"**Stopped on coinciding components.** Components {pairs} have the same mean "
            "and covariance, so they get proportional responsibilities and every M-step keeps "
            "them identical: EM can never separate them. The fit acts like a model with fewer "
            "components; this is a stationary point of ℓ, usually a saddle, **not a "
            "maximum**. Start from different means."
        )
    if context.status == "converged":
        text = (f"**Converged** (ℓ changed less than tol = {context.tol:g} per point in the "
                "last iteration). Stopping proves no maximum: EM has slowed down here; another "
                "seed or initialisation may find a higher ℓ.")
        if diagnosis.loose_tol and diagnosis.last_gain is not None and diagnosis.last_gain > 0:
            text += (f" The last iteration still raised ℓ by {diagnosis.last_gain:.3g}: with a "
                     "tolerance this loose EM may stop while still climbing. Lower tol to "
                     "see where it settles.")
        return text
    if context.status == "max_iter":
        return (f"**Stopped after {context.max_iter} iterations** without meeting "
                f"tol = {context.tol:g}: EM was still moving. Raise the maximum number of "
                "iterations (or the tolerance).")
    return ""


def what_to_notice(history: Sequence[HalfStep], index: int, context: NoteContext) -> str:
    """Markdown for the half-step ``index`` of a run whose computed half-steps are ``history``."""
    entry = history[index]
    if entry.collapse is not None:
        if entry.collapse.at_start:
            return ("**Singular start.** The starting parameters already squeeze a component "
                    "onto a point or a line, so ℓ is unbounded and EM cannot take a step: the "
                    "collapse lesson below says why and what to do.")
        return (
            f"**Collapse.** Component {entry.collapse.component + 1} squeezed onto a point (or, "
            "in 2-D, a line) and ℓ ran off to infinity: the chart's last value is +∞. That is "
            "not a better model, it is a degenerate one; the collapse lesson below explains it."
        )
    parts = []
    if entry.kind == "start":
        parts.append(_start_note(context))
    elif entry.kind == "E":
        parts.append(_e_note(entry, context))
    else:
        parts.append(_m_note(entry, history[index - 1], context))
    if index == len(history) - 1 and context.status != "running":
        end = _end_note(history, context)
        if end:
            parts.append(end)
    return "\n\n".join(parts)
