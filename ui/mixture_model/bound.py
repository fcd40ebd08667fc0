"""Section "Why EM climbs": the lower bound F(q, θ) under ℓ(θ), the two half-steps as moves on
it, and Bishop's figure live on the means-only run of the section before (same run, same
half-step, its own step bar).

Its anchor is ``why-em-climbs``; the steppers link to it with
``ui.mixture_model.links.why_em_climbs_link()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from gmm_core.bound import bound_maximiser, means_only_slice
from gmm_core.means_only import MeansOnlyPath
from ui.figures.common import FigureStyle
from ui.kit.accessible import figure, formula
from ui.kit.stepping import step_bar
from ui.kit.text import log_likelihood, number
from ui.mixture_model import describe
from ui.mixture_model.links import ANCHOR
from ui.mixture_model.state import STATE
from ui.mixture_model.surface import MeansOnlyView
from ui.mixture_model.surface_figures import bound_figure

AXES = ("μ₁", "μ₂")


@dataclass(frozen=True)
class ClimbState:
    """The numbers of the figure at one half-step.

    kind: "start", "E" or "M"; means: (2,) the current (mu_1, mu_2); q: (N, 2) the
    responsibilities of the last E-step or None; log_likelihood: l now; bound: F(q, θ now) or
    None; before: l before the last M-step (at an M-step) or None; top: (2,) the bound's
    maximiser or None.
    """

    kind: str
    means: np.ndarray
    q: np.ndarray | None
    log_likelihood: float
    bound: float | None
    before: float | None
    top: np.ndarray | None


def climb_state(X: np.ndarray, path: MeansOnlyPath, index: int) -> ClimbState:
    """What the figure shows at half-step ``index`` of a means-only path."""
    kind = path.kinds[index]
    means = path.means[index]
    q = path.responsibilities_at(X, index)
    ell = float(path.log_likelihoods[index])
    if q is None:
        return ClimbState(kind, means, None, ell, None, None, None)
    _ell, bound = means_only_slice(X, means, 0, [means[0]], q)
    before = float(path.log_likelihoods[index - 1]) if kind == "M" else None
    return ClimbState(kind, means, q, ell, float(bound[0]), before, bound_maximiser(X, q))


def climb_note(state: ClimbState, moving: int) -> str:
    """What the student sees at this half-step, in numbers (Markdown)."""
    name = AXES[moving]
    if state.q is None:
        return ("**The start.** There is no q yet, so only ℓ is drawn. The first E-step "
                "computes q = the responsibilities at these means and draws the bound "
                f"touching ℓ at the current {name}.")
    gap = state.log_likelihood - state.bound
    if state.kind == "E":
        return (f"**After an E-step**, q is the posterior at the current means, so the gap "
                f"ℓ − F = KL = {number(gap, 2)} (zero up to rounding): the bound touches ℓ at "
                f"{name} = {number(state.means[moving], 4)}, where ℓ = "
                f"{log_likelihood(state.log_likelihood)}. Its top (the triangle) is where "
                f"the next M-step puts {name}.")
    rise = state.bound - state.before
    return (f"**After an M-step**, the means sit at the top of the bound, (μ₁, μ₂) = "
            f"({number(state.means[0], 4)}, {number(state.means[1], 4)}), the r-weighted "
            f"means of the data. The bound rose from F = ℓ(before) = "
            f"{log_likelihood(state.before)} by {number(rise, 3)} to "
            f"{log_likelihood(state.bound)}, and ℓ is higher still, "
            f"{log_likelihood(state.log_likelihood)}: the gap ℓ − F = "
            f"KL(q ‖ p(z | x, θ)) = {number(gap, 3)} ≥ 0 is what the next E-step closes. "
            f"(The curve of ℓ is redrawn at the new {AXES[1 - moving]}, which moved too.)")


def why_em_climbs(view: MeansOnlyView, style: FigureStyle) -> None:
    """The section: the decomposition, the two half-steps, and the live figure."""
    st.header("6 · Why EM climbs", anchor=ANCHOR)
    st.markdown(
        "EM never lowers the (marginal) log-likelihood ℓ(θ). The reason is a **lower bound**. "
        "Take any distribution q over the hidden labels, qᵢₖ ≥ 0 with Σₖ qᵢₖ = 1 for every "
        "point. Then"
    )
    formula(r"\ell(\theta) \;=\; \mathcal{F}(q, \theta) \;+\; \sum_{i=1}^{N} "
             r"\mathrm{KL}\big(q_i \,\|\, p(z_i \mid x_i, \theta)\big), \qquad "
             r"\mathcal{F}(q, \theta) \;=\; \underbrace{\sum_{i=1}^{N}\sum_{k=1}^{K} q_{ik}"
             r"\log\big(\pi_k\, \mathcal{N}(x_i \mid \mu_k, \Sigma_k)\big)}_{Q(\theta;\, q)"
             r"\;=\;\mathbb{E}_q[\log p(X, z \mid \theta)]}"
             r"\;\underbrace{-\sum_{i}\sum_{k} q_{ik}\log q_{ik}}_{H(q)}")
    st.markdown(
        "A Kullback–Leibler divergence is never negative, so **F(q, θ) ≤ ℓ(θ) for every q "
        "and every θ** (the same inequality is Jensen's: the log of an average is at least "
        "the average of the logs). EM's two half-steps each raise F:\n"
        "- **E-step:** set q to the posterior, qᵢₖ = rᵢₖ = p(zᵢ = k | xᵢ, θ). Then the KL "
        "gap is 0 and the bound **touches** ℓ at the current θ: F(q, θ) = ℓ(θ). ℓ itself does "
        "not change.\n"
        "- **M-step:** maximise F(q, θ) over θ with q fixed. H(q) does not depend on θ, so "
        "this maximises Q(θ; q), the expected complete-data log-likelihood: a sum of one term "
        "per component, like $\\ell_c$ of section 4 with the indicators 1{zᵢ = k} replaced by "
        "rᵢₖ. Its maximiser is exactly the M-step's formulas: Nₖ = Σᵢ rᵢₖ, "
        "πₖ = Nₖ / N, μₖ = Σᵢ rᵢₖ xᵢ / Nₖ, Σₖ = Σᵢ rᵢₖ (xᵢ − μₖ)(xᵢ − μₖ)ᵀ / Nₖ."
    )
    formula(r"\ell(\theta^{\text{new}}) \;\ge\; \mathcal{F}(q, \theta^{\text{new}}) \;\ge\; "
             r"\mathcal{F}(q, \theta^{\text{old}}) \;=\; \ell(\theta^{\text{old}})")
    st.markdown(
        "So ℓ can only rise. One caveat: the steppers add λ = reg_covar (a small number) to "
        "the diagonal of every Σₖ after the M-step, as scikit-learn does; that M-step is no "
        "longer the exact maximiser of Q, and with a large λ ℓ can fall (the steppers warn "
        "when it does). The means-only example below has no λ."
    )
    _live_figure(view, style)


def bound_picture(X: np.ndarray, state, moving: int, grid: np.ndarray,
                  style: FigureStyle) -> tuple:
    """Bishop's picture for one half-step: ℓ and the bound F(q, ·) along the moving mean, the
    other mean held at its current value; returns (figure, its description).

    X: (N, 1) the means-only data; state: ``climb_state`` of the half-step; moving: 0 or 1,
    the mean along which ℓ and F are drawn; grid: (G,) the values it takes.
    """
    held = float(state.means[1 - moving])
    ell, bound = means_only_slice(X, state.means, moving, grid, state.q)
    top = None
    if state.top is not None and np.all(np.isfinite(state.top)):
        top_at = float(state.top[moving])
        top = (top_at, float(means_only_slice(X, state.means, moving, [top_at],
                                              state.q)[1][0]))
    now = (float(state.means[moving]), state.log_likelihood, state.bound)
    return (bound_figure(grid, ell, bound, moving, held, now, style, top=top,
                         before=state.before),
            describe.bound(AXES[moving], AXES[1 - moving], held, grid, ell, bound, now, top))


def _live_figure(view: MeansOnlyView, style: FigureStyle) -> None:
    st.subheader("The bound, live: the means-only run of section 5")
    figure_column, side_column = st.columns([3, 2])
    with side_column:
        STATE.set_default("bound_axis", AXES[0])
        moving = AXES.index(st.radio("Draw ℓ and F along", AXES, key=STATE.key("bound_axis"),
                                     horizontal=True,
                                     help="The other mean is held at its current value."))
        step_bar(STATE, (view.track,), {view.track.name: view.current}, bar="bound",
                 play=False, shortcuts=False, columns=2)
        state = climb_state(view.X, view.path, view.current)
        st.markdown(f"At half-step **{view.current}** of {len(view.path) - 1}. "
                    + climb_note(state, moving))
    with figure_column:
        figure(*bound_picture(view.X, state, moving, view.grid, style), width="stretch")
        st.caption("Solid: ℓ along one mean with the other held at its current value. Dashed: "
                   "the bound F(q, θ) for the q of the last E-step, under ℓ everywhere. Pink: "
                   "the gap ℓ − F. Triangle: the top of the bound, where the M-step goes.")
