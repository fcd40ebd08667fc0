"""Lesson "The M-step": where will each mean move?

2-D data from a seeded mixture, a start whose means are off, one E-step (``gmm_core.mixture.
e_step``) and the M-step after it (``m_step``): μ_k = Σ_i r_ik x_i / N_k. The student places a
guess for each new mean by clicking the figure (a click grid, ``ui.figures.click_grid``) or by
typing it; the guesses are compared with the real M-step and with the points a misconception
gives (the means not moving, the plain mean of all points, the two means swapped).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gmm_core.mixture import MixtureParams, e_step, m_step, sample
from ui.figures import FigureStyle, component_hex, make_figure, mixture_figure_2d
from ui.figures.click_grid import click_grid, with_click_grid
from ui.guided.models.base import (
    LessonModel,
    Picture,
    change_word,
    marker_trace,
    setting,
    share,
    weights_setting,
    with_traces,
)
from ui.kit import text

GUESS_HOVER = "click to place your guess at (%{x}, %{y})"


def _means_sentence(means: np.ndarray, symbol: str = "μ") -> str:
    return ", ".join(f"{symbol}{text.subscript(k + 1)} = {text.vector(mean, 2)}"
                     for k, mean in enumerate(means))


class MStepGuess(LessonModel):
    def __init__(self, setup: Mapping[str, object]):
        super().__init__()
        centres = setting(setup, "centres", low=-50, high=50, shape=(2, 2))
        sd = setting(setup, "sd", low=0.05, high=10)
        n_points = setting(setup, "n_points", low=10, high=2000, integer=True)
        seed = setting(setup, "seed", low=0, high=2**31 - 1, integer=True)
        truth = MixtureParams(weights_setting(setup, "cluster_weights", 2), centres,
                              np.array([sd**2 * np.eye(2)] * 2), "full")
        self.X, _labels = sample(truth, n_points, seed)
        self.start = MixtureParams(
            weights_setting(setup, "start_weights", 2),
            setting(setup, "start_means", low=-50, high=50, shape=(2, 2)),
            np.array([setting(setup, "start_variance", low=0.01, high=100) * np.eye(2)] * 2),
            "full")
        self.r, _ = e_step(self.X, self.start)
        self.new = m_step(self.X, self.r, "full", reg_covar=1e-6)
        self.click = click_grid(self.X)
        counts = self.r.sum(axis=0)
        hard = self.r.argmax(axis=1)
        self.points.update(
            new_means=self.new.means, old_means=self.start.means,
            data_mean=np.repeat(self.X.mean(axis=0)[None, :], 2, axis=0),
            swapped=self.new.means[::-1],
            hard_means=np.array([self.X[hard == k].mean(axis=0) if np.any(hard == k)
                                 else self.start.means[k] for k in range(2)]))
        self.facts.update(
            n_points=str(n_points), old_means=_means_sentence(self.start.means),
            new_means=_means_sentence(self.new.means),
            data_mean=text.vector(self.X.mean(axis=0), 2),
            pi_change=change_word(self.start.weights[0], self.new.weights[0], 1),
            moved=", ".join(
                f"μ{text.subscript(k + 1)} moved {text.number(distance, 3)}" for k, distance in
                enumerate(np.linalg.norm(self.new.means - self.start.means, axis=1))))
        for k in range(2):
            name = str(k + 1)
            self.facts.update({f"count_{name}": text.number(counts[k], 4),
                               f"old_pi_{name}": share(self.start.weights[k]),
                               f"new_pi_{name}": share(self.new.weights[k]),
                               f"new_mean_{name}": text.vector(self.new.means[k], 2),
                               f"old_mean_{name}": text.vector(self.start.means[k], 2),
                               f"hard_mean_{name}": text.vector(self.points["hard_means"][k], 2),
                               f"shared_{name}": str(int(np.sum((self.r[:, k] > 0.1)
                                                                & (self.r[:, k] < 0.9))))})

    # --- pictures -----------------------------------------------------------------------------

    def _placed(self, guesses: np.ndarray | None) -> list[int]:
        if guesses is None:
            return []
        return [k for k in range(len(guesses)) if np.all(np.isfinite(guesses[k]))]

    def _guess_trace(self, guesses: np.ndarray, style: FigureStyle) -> list[dict]:
        placed = self._placed(guesses)
        if not placed:
            return []
        return [marker_trace(guesses[placed], "your guesses", style, symbol="star",
                             colours=[component_hex(k) for k in placed],
                             hover="your guess (%{x:.2f}, %{y:.2f})",
                             text_labels=[f"guess μ{text.subscript(k + 1)}" for k in placed])]

    def _guess_words(self, guesses: np.ndarray | None) -> str:
        placed = self._placed(guesses)
        if not placed:
            return " No guess is placed yet."
        return " Stars mark your guesses: " + ", ".join(
            f"μ{text.subscript(k + 1)} at {text.vector(guesses[k], 2)}" for k in placed) + "."

    def _state_words(self) -> str:
        return (f"{len(self.X)} points coloured by their responsibilities after the E-step; "
                f"the two components before the M-step drawn as 1σ and 2σ ellipses with their "
                f"means ({_means_sentence(self.start.means)}); the soft counts are N₁ = "
                f"{text.number(self.r[:, 0].sum(), 4)} and N₂ = "
                f"{text.number(self.r[:, 1].sum(), 4)}.")

    def figure_after_e(self, style: FigureStyle, guesses=None) -> Picture:
        figure = mixture_figure_2d(self.X, self.start, self.r, style)
        return Picture(figure, self._state_words(), "After the E-step, before the M-step")

    def figure_guess(self, style: FigureStyle, guesses=None) -> Picture:
        """The figure to click on: the click grid first (trace 0), the guesses on top."""
        base = mixture_figure_2d(self.X, self.start, self.r, style)
        traces = with_click_grid(base.spec["data"], self.click, GUESS_HOVER)
        figure = make_figure({"data": [*traces, *self._guess_trace(guesses, style)],
                              "layout": base.spec["layout"]})
        return Picture(figure, self._state_words() + self._guess_words(guesses),
                       "Click where you expect the new mean")

    def figure_m_step(self, style: FigureStyle, guesses=None) -> Picture:
        base = mixture_figure_2d(self.X, self.new, self.r, style)
        arrows = [{"type": "scatter", "mode": "lines", "name": f"μ{text.subscript(k + 1)} moved",
                   "x": [float(self.start.means[k, 0]), float(self.new.means[k, 0])],
                   "y": [float(self.start.means[k, 1]), float(self.new.means[k, 1])],
                   "line": {"color": component_hex(k), "width": style.line_width,
                            "dash": "dot"}, "hoverinfo": "skip", "showlegend": False}
                  for k in range(2)]
        old = marker_trace(self.start.means, "old means", style, symbol="circle-open",
                           colours=[component_hex(k) for k in range(2)],
                           hover="old mean (%{x:.2f}, %{y:.2f})")
        figure = with_traces(base, [*arrows, old, *self._guess_trace(guesses, style)])
        return Picture(figure, (
            f"The same {len(self.X)} points, still coloured by the E-step's responsibilities, "
            f"with the components after the M-step: {_means_sentence(self.new.means)}, "
            f"weights π₁ = {share(self.new.weights[0])}, π₂ = {share(self.new.weights[1])}; "
            f"hollow circles mark the old means ({_means_sentence(self.start.means)})."
            + self._guess_words(guesses)),
            "The real M-step: old means (circles) → new means (×)")
