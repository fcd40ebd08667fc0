"""Lesson "The log-likelihood": what each half-step does to ℓ, and the bound that explains it.

The lecture's means-only example (``gmm_core.means_only``: 1-D, σ = 1 and π = ½ fixed, no λ)
run to convergence; the lesson stops at one M-step and asks what the next E-step and M-step do
to ℓ, then shows Bishop's picture with the page "The mixture model"'s own builders
(``ui.mixture_model.bound.climb_state``, ``ui.mixture_model.surface_figures.bound_figure``):
ℓ along μ₁ and the lower bound F(q, θ) under it. A second run, full EM with a large
λ = reg_covar on the same data, shows ℓ falling (``gmm_core.em_run.likelihood_decreases`` and
``explain_decrease`` say where and why).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gmm_core.em_run import EMRun, explain_decrease, likelihood_decreases
from gmm_core.initialisation import initial_params
from gmm_core.means_only import (
    LECTURE_MEAN_LIMIT,
    SEPARATION_MAX,
    means_only_data,
    means_only_path,
    surface_grid,
)
from ui.figures import FigureStyle, log_likelihood_figure
from ui.guided.models.base import LessonModel, Picture, SetupError, change_word, setting
from ui.kit import text
from ui.mixture_model.bound import AXES, bound_picture, climb_state

GRID_POINTS = 300
KIND_WORDS = {"start": "the start", "E": "an E-step", "M": "an M-step"}


class LogLikelihood(LessonModel):
    def __init__(self, setup: Mapping[str, object]):
        super().__init__()
        separation = setting(setup, "separation", low=0, high=SEPARATION_MAX)
        n_points = setting(setup, "n_points", low=10, high=500, integer=True)
        seed = setting(setup, "seed", low=0, high=2**31 - 1, integer=True)
        start = setting(setup, "start_means", low=-LECTURE_MEAN_LIMIT, high=LECTURE_MEAN_LIMIT,
                        size=2)
        self.index = setting(setup, "half_step", low=0, high=400, integer=True)
        self.moving = setting(setup, "moving_mean", low=1, high=2, integer=True) - 1
        self.lam = setting(setup, "lambda_demo", low=1e-3, high=100)
        self.X = means_only_data(separation, n_points, seed)
        self.path = means_only_path(self.X, float(start[0]), float(start[1]))
        if self.index + 2 >= len(self.path) or self.path.kinds[self.index] != "M":
            raise SetupError(f"[setup] half_step must be an M-step with an E-step and an M-step "
                             f"after it; this run has {len(self.path)} half-steps")
        self.grid = surface_grid(self.X, GRID_POINTS)
        self.states = {i: climb_state(self.X, self.path, i)
                       for i in (self.index, self.index + 1, self.index + 2)}
        self.demo = EMRun(self.X, initial_params(self.X, 2, "full", "k-means", seed=0,
                                                 reg_covar=1e-6),
                          reg_covar=self.lam, max_iter=50)
        self.demo.run_to_convergence()
        self.decreases = likelihood_decreases(self.demo.log_likelihoods,
                                              n_samples=len(self.X))
        self._facts()

    def _facts(self) -> None:
        i, ell = self.index, self.path.log_likelihoods
        now, after_e, after_m = (self.states[j] for j in (i, i + 1, i + 2))
        n_points = len(self.X)
        n_m_steps = sum(entry.kind == "M" for entry in self.demo.history)
        self.facts.update(
            half_step=str(i), n_points=str(n_points), moving=AXES[self.moving],
            ell_now=text.log_likelihood(ell[i]), ell_after_e=text.log_likelihood(ell[i + 1]),
            ell_after_m=text.log_likelihood(ell[i + 2]),
            e_change=change_word(ell[i], ell[i + 1], n_points),
            m_change=change_word(ell[i + 1], ell[i + 2], n_points),
            m_rise=text.number(ell[i + 2] - ell[i + 1], 3),
            bound_now=text.log_likelihood(now.bound), gap_now=text.number(
                now.log_likelihood - now.bound, 3),
            bound_after_m=text.log_likelihood(after_m.bound),
            gap_after_m=text.number(after_m.log_likelihood - after_m.bound, 3),
            bound_rise=text.number(after_m.bound - after_e.bound, 3),
            means_now=self._means(now.means), means_after_m=self._means(after_m.means),
            top_after_e=self._means(after_e.top),
            lam=text.number(self.lam, 3), demo_m_steps=str(n_m_steps),
            demo_decreases=str(len(self.decreases)),
            lambda_falls="yes" if len(self.decreases) else "no",
            demo_first=text.log_likelihood(self.demo.log_likelihoods[0]),
            demo_last=text.log_likelihood(self.demo.log_likelihoods[-1]),
            demo_why=explain_decrease(self.X, self.demo.history, self.lam) or
            "ℓ did not fall in this run.")

    @staticmethod
    def _means(means: np.ndarray) -> str:
        return f"(μ₁, μ₂) = ({text.number(means[0], 4)}, {text.number(means[1], 4)})"

    # --- pictures -----------------------------------------------------------------------------

    def _bound_picture(self, index: int, style: FigureStyle) -> Picture:
        """Bishop's picture at half-step ``index``: ℓ and F(q, ·) along the moving mean."""
        state, moving = self.states[index], self.moving
        figure, words = bound_picture(self.X, state, moving, self.grid, style)
        return Picture(figure, f"At half-step {index}, after {KIND_WORDS[state.kind]}. {words}",
                       f"ℓ and the lower bound along {AXES[moving]}, after half-step {index} "
                       f"({KIND_WORDS[state.kind]})")

    def figure_bound_now(self, style: FigureStyle, guesses=None) -> Picture:
        return self._bound_picture(self.index, style)

    def figure_bound_after_e(self, style: FigureStyle, guesses=None) -> Picture:
        return self._bound_picture(self.index + 1, style)

    def figure_bound_after_m(self, style: FigureStyle, guesses=None) -> Picture:
        return self._bound_picture(self.index + 2, style)

    def _chart(self, last: int, style: FigureStyle) -> Picture:
        values = self.path.log_likelihoods[:last + 1]
        kinds = self.path.kinds[:last + 1]
        figure = log_likelihood_figure(values, kinds, last, style, height=300)
        listed = "; ".join(f"{j}, {KIND_WORDS[kind]}: {text.log_likelihood(value)}"
                           for j, (kind, value) in enumerate(zip(kinds, values, strict=True)))
        return Picture(figure, f"ℓ after each half-step so far (half-step, what it was, ℓ): "
                               f"{listed}.", "ℓ(θ) after each half-step")

    def figure_chart_now(self, style: FigureStyle, guesses=None) -> Picture:
        return self._chart(self.index, style)

    def figure_chart_after_m(self, style: FigureStyle, guesses=None) -> Picture:
        return self._chart(self.index + 2, style)

    def figure_lambda_chart(self, style: FigureStyle, guesses=None) -> Picture:
        values = self.demo.log_likelihoods
        kinds = [entry.kind for entry in self.demo.history]
        figure = log_likelihood_figure(values, kinds, len(values) - 1, style,
                                       status=self.demo.status, height=300)
        return Picture(figure, (
            f"ℓ after each of the {len(values)} half-steps of full EM (K = 2) on the same "
            f"{len(self.X)} points with λ = reg_covar = {text.number(self.lam, 3)}, from "
            f"{text.log_likelihood(values[0])} to {text.log_likelihood(values[-1])}; red "
            f"crosses mark the {len(self.decreases)} half-steps where ℓ fell."),
            f"Full EM with λ = {text.number(self.lam, 3)}: ℓ after each half-step")
