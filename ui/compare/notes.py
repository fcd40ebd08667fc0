"""The sentences of "k-means vs EM" that describe a state, computed from it (pure, no Streamlit).

Every note here is true in the state it is shown with: how each run ended (converged, and
what that proves; stopped at the iteration limit; collapsed), whether the two methods agree at
the half-steps on screen, what the EM side is. Notation: x_i (i = 1..N), component k = 1..K,
π_k, r_ik, N_k = Σ_i r_ik, N(x | μ, Σ).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gmm_core.diagnostics import diagnose_stop
from ui.kit.step_rules import KIND_NAMES, STATUS_NAMES


@dataclass(frozen=True)
class EmModel:
    """What the EM side runs: hard (classification EM) or soft, a fixed σ or a covariance type."""

    hard: bool
    fixed_sigma: bool
    cov: str = "full"

    @property
    def name(self) -> str:
        """"EM", "EM with a fixed σ", "hard EM", "hard EM with a fixed σ"."""
        name = "hard EM" if self.hard else "EM"
        return f"{name} with a fixed σ" if self.fixed_sigma else name

    @property
    def title(self) -> str:
        return self.name[0].upper() + self.name[1:]

    @property
    def is_kmeans(self) -> bool:
        """Hard EM with equal weights and one fixed σ²I: k-means itself, at any σ."""
        return self.hard and self.fixed_sigma


def percent(count: int, total: int) -> str:
    """count / total as a percentage that never rounds a real share to 0 % or to 100 %."""
    if total <= 0 or count <= 0:
        return "0%"
    if count >= total:
        return "100%"
    share = count / total
    if share < 0.001:
        return "<0.1%"
    if share > 0.999:
        return ">99.9%"
    return f"{share:.1%}"


def _on_the_way(method: str, status: str, index: int, last: int,
                next_kind: str | None) -> str | None:
    """The note for a half-step before the end of the run (None at the end of a finished run).

    A run is shared by every session, so how far it has been computed says nothing about
    this student's view: only where it ends (once known) and what comes next.
    """
    if status == "running":
        step = KIND_NAMES.get(next_kind, next_kind) if next_kind else "next one"
        return f"{method} · has not stopped: the next half-step is the {step}."
    if index < last:
        return (f"{method} · the run ends at half-step {last} "
                f"({STATUS_NAMES.get(status, status)}); this is half-step {index}.")
    return None


def _iteration_limit(method: str, last: int, max_iter: int) -> str:
    iterations = f"{max_iter} iteration{'' if max_iter == 1 else 's'}"
    return (f"{method} · stopped at half-step {last}: it reached the iteration limit "
            f"({iterations}) before converging.")


def kmeans_note(status: str, history: Sequence, index: int, next_kind: str | None,
                max_iter: int) -> str:
    """How k-means' run stands at half-step ``index``. history: its entries (KMeansHalfStep)
    computed so far; next_kind: the kind of the entry after ``index`` (None at the end)."""
    last = len(history) - 1
    on_the_way = _on_the_way("k-means", status, index, last, next_kind)
    if on_the_way:
        return on_the_way
    if status == "max_iter":
        return _iteration_limit("k-means", last, max_iter)
    text = (f"k-means · converged at half-step {last}: its last update left every centre where "
            "it was, so no assignment can change any more. A fixed point of Lloyd's algorithm, "
            "not necessarily the lowest inertia: another start may do better.")
    empty = history[-1].empty_clusters
    if len(empty) == 1:
        text += f" Cluster {empty[0] + 1} holds no point, so it keeps its old centre."
    elif empty:
        clusters = ", ".join(str(k + 1) for k in empty)
        text += f" Clusters {clusters} hold no point, so they keep their old centres."
    return text


def em_note(model: EmModel, status: str, history: Sequence, index: int,
            next_kind: str | None, *, tol: float, max_iter: int, data_variance: float) -> str:
    """How the EM side's run stands at half-step ``index``. history: its entries (HalfStep)
    computed so far; next_kind: the kind of the entry after ``index`` (None at the end)."""
    method, last = model.title, len(history) - 1
    on_the_way = _on_the_way(method, status, index, last, next_kind)
    if on_the_way:
        return on_the_way
    if status == "max_iter":
        return _iteration_limit(method, last, max_iter)
    if status == "collapsed":
        collapse = history[-1].collapse
        which = f"component {collapse.component + 1}" if collapse else "a component"
        return (f"{method} · stopped at half-step {last}: {which} collapsed onto a point or a "
                "line, where its density (and ℓ) is unbounded: a degenerate fit, not a better one.")
    diagnosis = diagnose_stop(history, status, tol, data_variance)
    if model.hard:
        text = (f"{method} · converged at half-step {last}: its last M-step returned exactly the "
                "parameters it started from, so no assignment can change any more. A fixed "
                "point of hard EM, not necessarily the best one: another start may do better.")
    else:
        text = (f"{method} · converged at half-step {last}: the last iteration changed ℓ by "
                f"less than tol = {tol:g} per point. A stop by tolerance proves no maximum.")
        if diagnosis.loose_tol and diagnosis.last_gain is not None and diagnosis.last_gain > 0:
            text += (f" The last iteration still raised ℓ by {diagnosis.last_gain:.3g}: with a "
                     "tolerance this loose EM can stop while still climbing.")
    if diagnosis.coinciding:
        pairs = ", ".join(f"{k + 1} and {j + 1}" for k, j in diagnosis.coinciding)
        text += (f" Components {pairs} coincide (same mean and covariance) and EM can never "
                 "separate them: a stationary point of ℓ, usually a saddle, not a maximum.")
    return text


def agreement_note(count: int | None, n_points: int, kmeans_index: int, em_index: int,
                   model: EmModel) -> str:
    """Whether k-means' clusters and EM's hard labels agree at the half-steps on screen
    (Markdown). count: the points on which they disagree, None before both have assigned."""
    if count is None:
        return ("Disagreements appear once both have assigned the points (after their first "
                "E-step).")
    where = ("at the half-step shown" if kmeans_index == em_index else
             f"at the half-steps shown (k-means at {kmeans_index}, {model.name} at {em_index})")
    labels = (f"the clusters of {model.name}" if model.hard else
              f"the hard labels of {model.name} (each point's most responsible component, the "
              "largest r_ik)")
    matched = "cluster numbers matched to component numbers by overlap"
    if count == 0:
        return (f"k-means' clusters and {labels} agree on all {n_points} points {where} "
                f"({matched}).")
    return (f"**k-means' clusters and {labels} disagree on {count} of {n_points} points "
            f"({percent(count, n_points)})** {where}, ringed in red in both figures "
            f"({matched}).")
