"""The short "what to notice" note for the half-step on screen (pure text, Markdown).

One function per situation keeps each explanation next to the condition that triggers it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from gmm_core.em_run import HalfStep
from gmm_core.initialisation import INIT_DESCRIPTIONS


def _start_note(init: str, n_features: int) -> str:
    shapes = "curves" if n_features == 1 else "ellipses"
    return (
        f"**The start.** The points are grey: nobody has computed responsibilities yet. The "
        f"{shapes} are the starting guess ({INIT_DESCRIPTIONS.get(init, init)}). "
        "Press **E-step**: every point will take the colours of the components that explain "
        "it best."
    )


def _e_note(entry: HalfStep, n_features: int) -> str:
    shapes = "curves" if n_features == 1 else "ellipses"
    text = (
        f"**E-step.** The points changed colour; the {shapes} did not move. With the "
        "parameters held fixed, each point's responsibilities r_ic are recomputed by Bayes' "
        "rule. The log-likelihood is unchanged, but the lower bound (dotted) now touches it."
    )
    if entry.iteration == 0:
        text += " A point's colour mixes its components' colours in proportion to r_ic."
    return text


def _m_note(entry: HalfStep, previous: HalfStep, n_points: int) -> str:
    shift = np.linalg.norm(entry.params.means - previous.params.means, axis=1)
    mover = int(np.argmax(shift))
    gain = entry.log_likelihood - previous.log_likelihood
    text = (
        "**M-step.** The components moved to fit the coloured points, which kept their "
        "colours: each mean is now the responsibility-weighted average of the points, each "
        "weight π_c the component's share m_c / N of the points. "
        f"Component {mover + 1} moved most (by {shift[mover]:.3g})."
    )
    if math.isfinite(gain):
        text += (f" The log-likelihood rose by {gain:.4g} ({gain / n_points:.3g} per point): "
                 "EM never lowers it.")
    return text


def _end_note(status: str, tol: float, max_iter: int) -> str:
    if status == "converged":
        return (
            f"**Converged.** The last iteration changed the log-likelihood by less than "
            f"tol = {tol:g} per point. That is a local maximum: another seed or "
            "initialisation may find a better (higher) one."
        )
    if status == "max_iter":
        return (f"**Stopped after {max_iter} iterations** without meeting tol = {tol:g}. "
                "Raise the maximum number of iterations, or the tolerance.")
    return ""


def what_to_notice(history: Sequence[HalfStep], index: int, *, status: str, init: str,
                   n_points: int, n_features: int, tol: float, max_iter: int,
                   decreased: Sequence[int] = ()) -> str:
    """Markdown for the half-step ``index`` of a run whose computed half-steps are ``history``."""
    entry = history[index]
    if entry.collapse is not None:
        return (
            f"**Collapse.** {entry.collapse.message} Watch the log-likelihood chart: it shoots "
            "up because a Gaussian squeezed onto a point (or, in 2-D, a line) has an ever "
            "higher density there. That is not a better model, it is a degenerate one."
        )
    parts = []
    if entry.kind == "start":
        parts.append(_start_note(init, n_features))
    elif entry.kind == "E":
        parts.append(_e_note(entry, n_features))
    else:
        parts.append(_m_note(entry, history[index - 1], n_points))
    if index == len(history) - 1:
        end = _end_note(status, tol, max_iter)
        if end:
            parts.append(end)
    if decreased:
        parts.append(
            f"**Warning:** the log-likelihood decreased at half-step(s) "
            f"{', '.join(str(i) for i in decreased)}. Plain EM never does that: it means a "
            "numerical problem (e.g. a variance near zero)."
        )
    return "\n\n".join(parts)
