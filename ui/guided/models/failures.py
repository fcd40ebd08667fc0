"""Lesson "Where EM goes wrong": a component on a single point, and a bad start.

1. A 1-D sample with one far point, and a start whose second component sits on it. With
   λ = reg_covar = 0 EM squeezes that component onto the point (``gmm_core.em_run.EMRun``
   reports the collapse and says why); ℓ at the point grows without bound as σ shrinks; with
   a small λ the run stops, but the fit is degenerate (``gmm_core.degeneracy.assess``).
2. A comparison preset (``gmm_core.comparison``) whose start puts two means in one blob: EM from
   it against EM from a k-means++ start, by ℓ and by the adjusted Rand index.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gmm_core.comparison import COMPARISON_PRESETS, adjusted_rand_index, load_comparison_preset
from gmm_core.degeneracy import assess
from gmm_core.em_run import EMRun
from gmm_core.initialisation import initial_params, params_from_means
from gmm_core.mixture import MixtureParams, e_step, log_likelihood, sample
from ui.figures import FigureStyle, log_likelihood_figure, mixture_figure_1d, mixture_figure_2d
from ui.guided.models.base import (
    LessonModel,
    Picture,
    SetupError,
    setting,
    vector_setting,
    weights_setting,
)
from ui.guided.models.story import components_sentence, one_d_params
from ui.kit import text

MAX_ITER = 200


def _final_labels(run: EMRun) -> np.ndarray:
    return e_step(run.X, run[-1].params)[0].argmax(axis=1)


def _ending(run: EMRun) -> str:
    return {"converged": "converged (ℓ changed less than tol)", "collapsed": "collapsed",
            "max_iter": f"stopped after {run.max_iter} iterations"}.get(run.status, run.status)


class WhereEMGoesWrong(LessonModel):
    def __init__(self, setup: Mapping[str, object]):
        super().__init__()
        self._collapse(setup)
        self._bad_start(setup)

    # --- a component on one point -------------------------------------------------------------

    def _collapse(self, setup: Mapping[str, object]) -> None:
        n_points = setting(setup, "n_points", low=5, high=500, integer=True)
        seed = setting(setup, "seed", low=0, high=2**31 - 1, integer=True)
        outlier = setting(setup, "outlier", low=-100, high=100)
        one = MixtureParams([1.0], [[0.0]], [[[1.0]]])
        self.X = np.vstack([sample(one, n_points, seed)[0], [[outlier]]])
        self.start = one_d_params(weights_setting(setup, "start_weights", 2),
                                  setting(setup, "start_means", low=-100, high=100, size=2),
                                  setting(setup, "start_sds", low=1e-3, high=100, size=2))
        self.lam = setting(setup, "small_lambda", low=1e-12, high=1.0)
        self.shrink = vector_setting(setup, "shrinking_sds", low=1e-12, high=100, sizes=(2, 8))
        self.bare = EMRun(self.X, self.start, reg_covar=0.0, max_iter=MAX_ITER)
        self.bare.run_to_convergence()
        self.floored = EMRun(self.X, self.start, reg_covar=self.lam, max_iter=MAX_ITER)
        self.floored.run_to_convergence()
        end = self.floored[-1].params
        degeneracy = assess(self.X, end, reg_covar=self.lam)
        collapse = self.bare[-1].collapse
        values = [log_likelihood(self.X, self.start.replace(
            covariances=np.array([self.start.covariances[0], [[sd**2]]]))) for sd in self.shrink]
        counts = e_step(self.X, self.start)[0].sum(axis=0)
        self.facts.update(
            n_points=str(len(self.X)), outlier=text.number(outlier, 4),
            n_near_zero=str(n_points), start_count_2=text.number(counts[1], 4),
            start_words=components_sentence(self.start),
            collapse_outcome="unbounded" if self.bare.status == "collapsed" else "finite",
            collapse_why=collapse.message if collapse else "No component collapsed.",
            bare_steps=str(len(self.bare) - 1),
            bare_ell=", ".join(text.log_likelihood(v) for v in self.bare.log_likelihoods),
            shrinking="; ".join(f"σ₂ = {text.number(sd, 3)}: ℓ = {text.log_likelihood(value)}"
                                for sd, value in zip(self.shrink, values, strict=True)),
            lam=text.number(self.lam, 3), lambda_outcome=(
                "collapse" if self.floored.status == "collapsed" else "finite"),
            lambda_ending=_ending(self.floored),
            lambda_ell=text.log_likelihood(self.floored[-1].log_likelihood),
            lambda_variance=text.number(float(end.covariances[1, 0, 0]), 3),
            degenerate="yes" if degeneracy.degenerate else "no",
            degenerate_why=degeneracy.message or "The fit is not degenerate.")

    # --- a bad start --------------------------------------------------------------------------

    def _bad_start(self, setup: Mapping[str, object]) -> None:
        key = str(setup.get("preset", ""))
        if key not in COMPARISON_PRESETS:
            raise SetupError(f"[setup] preset must be one of {', '.join(COMPARISON_PRESETS)}")
        preset = COMPARISON_PRESETS[key]
        data, start = load_comparison_preset(key)
        self.data = data
        seed = setting(setup, "good_seed", low=0, high=2**31 - 1, integer=True)
        k, cov = preset.n_components, preset.covariance_type
        self.bad = EMRun(data.X, params_from_means(data.X, start, cov), max_iter=MAX_ITER)
        self.good = EMRun(data.X, initial_params(data.X, k, cov, "k-means++", seed=seed),
                          max_iter=MAX_ITER)
        for run in (self.bad, self.good):
            run.run_to_convergence()
        ell_bad, ell_good = self.bad[-1].log_likelihood, self.good[-1].log_likelihood
        margin = 1e-6 * max(abs(ell_good), 1.0)
        if self.bad.status == "collapsed":
            outcome = "collapse"
        elif ell_bad < ell_good - margin:
            outcome = "worse"
        elif ell_bad <= ell_good + margin:
            outcome = "same"
        else:
            raise SetupError("[setup] the 'good' start ends lower than the bad one: choose "
                             "another good_seed")
        self.facts.update(
            preset_title=preset.title, preset_k=str(k), preset_n=str(len(data.X)),
            bad_outcome=outcome, bad_ell=text.log_likelihood(ell_bad),
            good_ell=text.log_likelihood(ell_good),
            ell_gap=text.number(ell_good - ell_bad, 4),
            bad_ari=text.number(adjusted_rand_index(data.labels, _final_labels(self.bad)), 3),
            good_ari=text.number(adjusted_rand_index(data.labels, _final_labels(self.good)), 3),
            bad_ending=_ending(self.bad), good_ending=_ending(self.good),
            bad_start_means="; ".join(text.vector(mean, 2) for mean in start))

    # --- pictures -----------------------------------------------------------------------------

    def _one_d(self, params: MixtureParams, responsibilities, style: FigureStyle,
               title: str, words: str) -> Picture:
        figure = mixture_figure_1d(self.X, params, responsibilities, style)
        return Picture(figure, f"{len(self.X)} points as a histogram and a rug; {words} "
                               f"{components_sentence(params)}.", title)

    def figure_collapse_start(self, style: FigureStyle, guesses=None) -> Picture:
        return self._one_d(self.start, None, style, "The start: component 2 on the far point",
                           "the start's two weighted densities:")

    def figure_collapse_end(self, style: FigureStyle, guesses=None) -> tuple[Picture, ...]:
        last = len(self.bare) - 1
        spike = self._one_d(self.bare[-1].params, self.bare.responsibilities_at(last), style,
                            "With reg_covar = 0: where EM stopped",
                            f"EM with λ = 0 stopped after {last} half-steps ({_ending(self.bare)}):")
        kinds = [entry.kind for entry in self.bare.history]
        chart = log_likelihood_figure(self.bare.log_likelihoods, kinds, last, style,
                                      status=self.bare.status, height=300)
        values = ", ".join(text.log_likelihood(v) for v in self.bare.log_likelihoods)
        return spike, Picture(chart, f"ℓ after each half-step of that run: {values}.",
                              "ℓ along that run")

    def figure_lambda_end(self, style: FigureStyle, guesses=None) -> Picture:
        last = len(self.floored) - 1
        return self._one_d(self.floored[-1].params, self.floored.responsibilities_at(last),
                           style, f"With reg_covar = {text.number(self.lam, 3)}: the end",
                           f"EM with λ = {text.number(self.lam, 3)} {_ending(self.floored)} "
                           f"after {last} half-steps:")

    def _two_d(self, run: EMRun, style: FigureStyle, title: str, what: str) -> Picture:
        params = run[-1].params
        responsibilities = e_step(self.data.X, params)[0]
        figure = mixture_figure_2d(self.data.X, params, responsibilities, style)
        means = "; ".join(text.vector(mean, 2) for mean in params.means)
        return Picture(figure, f"{len(self.data.X)} points coloured by their responsibilities "
                               f"under {what}: means {means}, ℓ = "
                               f"{text.log_likelihood(run[-1].log_likelihood)}.", title)

    def figure_bad_start(self, style: FigureStyle, guesses=None) -> Picture:
        params = self.bad[0].params
        figure = mixture_figure_2d(self.data.X, params, None, style)
        means = "; ".join(text.vector(mean, 2) for mean in params.means)
        return Picture(figure, f"{len(self.data.X)} points in grey and the start's "
                               f"{params.n_components} components, means at {means}.",
                       "The start")

    def figure_bad_vs_good(self, style: FigureStyle, guesses=None) -> tuple[Picture, ...]:
        return (self._two_d(self.bad, style, "EM from this start", "the end of EM from the "
                                                                   "bad start"),
                self._two_d(self.good, style, "EM from a k-means++ start",
                            "the end of EM from a k-means++ start"))
