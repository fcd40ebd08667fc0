"""Lesson "The generative story": which component most likely made this point?

1-D mixture with K components N(μ_k, σ_k²) and weights π_k; a point x. The posterior
p(z = k | x) = π_k N(x | μ_k, σ_k²) / Σ_j π_j N(x | μ_j, σ_j²) is computed with
``gmm_core.mixture``; "sample and see" draws from the story (``gmm_core.mixture.sample``) and
counts which component made the sampled points that land near x.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gmm_core.mixture import MixtureParams, predict_proba, sample, weighted_log_densities
from ui.figures import FigureStyle, component_label, membership_bar_figure, mixture_figure_1d
from ui.guided.models.base import (
    LessonModel,
    Picture,
    percent,
    setting,
    share,
    vector_setting,
    weights_setting,
)
from ui.kit import text


def one_d_params(weights: np.ndarray, means: np.ndarray, sds: np.ndarray) -> MixtureParams:
    """K 1-D components N(means_k, sds_k²) with ``weights`` (each (K,))."""
    return MixtureParams(weights, np.asarray(means, dtype=float)[:, None],
                         (np.asarray(sds, dtype=float) ** 2)[:, None, None], "full")


def weighted_densities(x: float, params: MixtureParams) -> np.ndarray:
    """π_k N(x | μ_k, σ_k²) for every k: (K,)."""
    return np.exp(weighted_log_densities(np.array([[x]]), params)[0])


def components_sentence(params: MixtureParams) -> str:
    sds = np.sqrt(params.covariances[:, 0, 0])
    return "; ".join(f"{component_label(k)}: π = {share(params.weights[k])}, μ = "
                     f"{text.number(params.means[k, 0], 3)}, σ = {text.number(sds[k], 3)}"
                     for k in range(params.n_components))


class GenerativeStory(LessonModel):
    def __init__(self, setup: Mapping[str, object]):
        super().__init__()
        means = vector_setting(setup, "means", low=-100, high=100, sizes=(2, 5))
        n_components = len(means)
        self.params = one_d_params(weights_setting(setup, "weights", n_components), means,
                                   setting(setup, "sds", low=0.01, high=100, size=n_components))
        self.equal = one_d_params(weights_setting(setup, "equal_weights", n_components), means,
                                  np.sqrt(self.params.covariances[:, 0, 0]))
        self.x = setting(setup, "point", low=-100, high=100)
        self.window = setting(setup, "window", low=1e-3, high=10)
        seed = setting(setup, "seed", low=0, high=2**31 - 1, integer=True)
        n_picture = setting(setup, "n_picture", low=20, high=5000, integer=True)
        n_sample = setting(setup, "n_sample", low=100, high=200_000, integer=True)
        self.picture, self.picture_labels = sample(self.params, n_picture, seed)
        self.picture_equal, self.picture_equal_labels = sample(self.equal, n_picture, seed)
        drawn, drawn_labels = sample(self.params, n_sample, seed + 1)
        near = np.abs(drawn[:, 0] - self.x) <= self.window
        self.near_counts = np.bincount(drawn_labels[near], minlength=n_components)
        self.posterior = predict_proba(np.array([[self.x]]), self.params)[0]
        self.posterior_equal = predict_proba(np.array([[self.x]]), self.equal)[0]
        self._facts(n_sample, n_picture)

    def _facts(self, n_sample: int, n_picture: int) -> None:
        params, facts = self.params, self.facts
        sds = np.sqrt(params.covariances[:, 0, 0])
        distances = np.abs(params.means[:, 0] - self.x)
        densities = weighted_densities(self.x, params)
        densities_equal = weighted_densities(self.x, self.equal)
        n_near = int(self.near_counts.sum())
        nearest = int(np.argmin(distances))
        others = ", ".join(f"{text.number(distances[k], 3)} from μ{text.subscript(k + 1)}"
                           for k in range(params.n_components) if k != nearest)
        facts["nearness"] = (f"x = {text.number(self.x, 3)} is nearest to "
                             f"μ{text.subscript(nearest + 1)} ({text.number(distances[nearest], 3)}"
                             f" away, against {others})")
        facts.update(x=text.number(self.x, 3), window=text.number(self.window, 3),
                     n_sample=f"{n_sample:,}".replace(",", " "), n_picture=str(n_picture),
                     n_near=str(n_near), n_components=str(params.n_components),
                     most_likely=str(int(np.argmax(self.posterior)) + 1),
                     nearest=str(nearest + 1),
                     most_likely_equal=str(int(np.argmax(self.posterior_equal)) + 1),
                     r_best=share(self.posterior.max()),
                     r_best_equal=share(self.posterior_equal.max()))
        for k in range(params.n_components):
            name = str(k + 1)
            shares = self.near_counts[k] / n_near if n_near else float("nan")
            facts.update({
                f"pi_{name}": share(params.weights[k]), f"mu_{name}": text.number(
                    params.means[k, 0], 3), f"sigma_{name}": text.number(sds[k], 3),
                f"dist_{name}": text.number(distances[k], 3),
                f"dens_{name}": text.number(densities[k], 3),
                f"r_{name}": share(self.posterior[k]), f"r_percent_{name}": percent(
                    self.posterior[k]),
                f"pi_equal_{name}": share(self.equal.weights[k]),
                f"dens_equal_{name}": text.number(densities_equal[k], 3),
                f"r_equal_{name}": share(self.posterior_equal[k]),
                f"n_near_{name}": str(int(self.near_counts[k])),
                f"share_near_{name}": share(shares), f"share_near_percent_{name}": percent(shares),
                f"n_picture_{name}": str(int(np.sum(self.picture_labels == k))),
            })
            self.numbers[f"r_{name}"] = float(self.posterior[k])
            self.numbers[f"pi_{name}"] = float(params.weights[k])
            self.numbers[f"share_near_{name}"] = float(shares)
        self.numbers["uniform"] = 1.0 / params.n_components

    # --- pictures -----------------------------------------------------------------------------

    def _story_figure(self, params, X, labels, style, *, probe=None):
        one_hot = np.eye(params.n_components)[labels]
        return mixture_figure_1d(X, params, one_hot, style, probe=probe)

    def _story_description(self, params: MixtureParams, labels: np.ndarray) -> str:
        counts = ", ".join(f"{int(np.sum(labels == k))} from {component_label(k)}"
                           for k in range(params.n_components))
        return (f"{len(labels)} points drawn from the story ({counts}), as a histogram and "
                f"a rug coloured by the component that made each point, under the weighted "
                f"densities π_k N(x | μ_k, σ_k²) and their sum p(x). {components_sentence(params)}.")

    def figure_story(self, style: FigureStyle, guesses=None) -> Picture:
        figure = self._story_figure(self.params, self.picture, self.picture_labels, style)
        return Picture(figure, self._story_description(self.params, self.picture_labels),
                       "Points drawn from the story, coloured by their z")

    def figure_probe(self, style: FigureStyle, guesses=None) -> Picture:
        figure = self._story_figure(self.params, self.picture, self.picture_labels, style,
                                    probe=self.x)
        return Picture(figure, self._story_description(self.params, self.picture_labels)
                       + f" A star marks the new point x = {text.number(self.x, 3)}.",
                       f"A new point at x = {text.number(self.x, 3)} (the star)")

    def figure_probe_equal(self, style: FigureStyle, guesses=None) -> Picture:
        figure = self._story_figure(self.equal, self.picture_equal, self.picture_equal_labels,
                                    style, probe=self.x)
        return Picture(figure, self._story_description(self.equal, self.picture_equal_labels)
                       + f" A star marks the point x = {text.number(self.x, 3)}.",
                       "The same components with the new weights")

    def _bars(self, probabilities: np.ndarray, style: FigureStyle, title: str,
              what: str) -> Picture:
        listed = ", ".join(f"{component_label(k)} {percent(p)}"
                           for k, p in enumerate(probabilities))
        return Picture(membership_bar_figure(probabilities, style),
                       f"Bars, one per component, of {what}: {listed}.", title)

    def figure_posterior(self, style: FigureStyle, guesses=None) -> Picture:
        return self._bars(self.posterior, style,
                          f"p(z = k | x = {text.number(self.x, 3)}), computed",
                          f"the posterior p(z = k | x = {text.number(self.x, 3)})")

    def figure_posterior_equal(self, style: FigureStyle, guesses=None) -> Picture:
        return self._bars(self.posterior_equal, style,
                          f"p(z = k | x = {text.number(self.x, 3)}) with the new weights",
                          "the posterior with the new weights")

    def figure_sample_near(self, style: FigureStyle, guesses=None) -> tuple[Picture, ...]:
        n_near = max(int(self.near_counts.sum()), 1)
        sampled = self._bars(self.near_counts / n_near, style,
                             f"Sampled points within ±{text.number(self.window, 3)} of x: "
                             "who made them",
                             f"the share of the {int(self.near_counts.sum())} sampled points "
                             f"within ±{text.number(self.window, 3)} of x = "
                             f"{text.number(self.x, 3)} that each component made")
        return sampled, self.figure_posterior(style)
