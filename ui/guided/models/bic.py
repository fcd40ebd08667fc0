"""Lesson "How many components?": the K that BIC chooses, and why.

Small seeded blobs (``gmm_core.datasets.make_blobs``), a grid of K with one covariance type
fitted from a few seeded starts (``gmm_core.model_search.model_grid``, kept small and computed
once per process), BIC = −2ℓ + p log N and AIC = −2ℓ + 2p per K, drawn with the model-selection
page's own builders (``ui.selection.figures.criterion_figure`` and its text alternative).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from gmm_core.datasets import make_blobs
from gmm_core.mixture import COVARIANCE_TYPES, e_step
from gmm_core.model_search import model_grid
from ui.figures import FigureStyle, mixture_figure_2d
from ui.guided.models.base import LessonModel, Picture, SetupError, setting
from ui.kit import text
from ui.selection import describe
from ui.selection.figures import criterion_figure


class HowManyComponents(LessonModel):
    def __init__(self, setup: Mapping[str, object]):
        super().__init__()
        n_points = setting(setup, "n_points", low=20, high=1000, integer=True)
        true_k = setting(setup, "k", low=1, high=6, integer=True)
        seed = setting(setup, "seed", low=0, high=2**31 - 1, integer=True)
        k_max = setting(setup, "k_max", low=2, high=8, integer=True)
        n_starts = setting(setup, "n_starts", low=1, high=5, integer=True)
        self.covariance_type = str(setup.get("covariance_type", "full"))
        if self.covariance_type not in COVARIANCE_TYPES:
            raise SetupError(f"[setup] covariance_type must be one of "
                             f"{', '.join(COVARIANCE_TYPES)}")
        self.data = make_blobs(n_points, true_k, 2, seed=seed)
        # Fitted as the model-selection page fits, without running on to a tighter tol:
        # small data, a handful of starts, a lesson that opens fast.
        self.grid = model_grid(self.data.X, range(1, k_max + 1), (self.covariance_type,),
                               seed=seed, n_starts=n_starts, final_tol=None)
        self.best = {name: self.grid.best(name) for name in ("bic", "aic")}
        if self.best["bic"] is None or self.best["aic"] is None:
            raise SetupError("[setup] no sound model was fitted: choose other data")
        bic_k, aic_k = (self.best[name].n_components for name in ("bic", "aic"))
        n_samples = len(self.data.X)
        self.facts.update(
            n_points=str(n_samples), true_k=str(true_k), k_max=str(k_max),
            covariance_type=self.covariance_type, bic_k=str(bic_k), aic_k=str(aic_k),
            aic_vs_bic="more" if aic_k > bic_k else ("fewer" if aic_k < bic_k else "same"),
            log_n=text.number(math.log(n_samples), 3),
            bic_table=self._table(),
            p_best=str(self.best["bic"].n_params),
            bic_best=text.number(self.best["bic"].bic, 6))
        self._gains(n_samples)
        for entry in self.grid.entries:
            name = str(entry.n_components)
            self.facts.update({f"bic_{name}": text.number(entry.bic, 6),
                               f"aic_{name}": text.number(entry.aic, 6),
                               f"p_{name}": str(entry.n_params),
                               f"ell_{name}": text.log_likelihood(
                                   entry.fit.log_likelihood)})

    def _gains(self, n_samples: int) -> None:
        """What each extra component gains in ℓ, and what it costs in BIC."""
        entries = sorted(self.grid.entries, key=lambda entry: entry.n_components)
        per_component = entries[1].n_params - entries[0].n_params
        price = per_component * math.log(n_samples)
        gains = [f"{text.number(after.fit.log_likelihood - before.fit.log_likelihood, 3)} "
                 f"from K = {before.n_components} to {after.n_components}"
                 for before, after in zip(entries[:-1], entries[1:], strict=True)]
        intercept = entries[0].n_params - per_component
        sign = "+" if intercept >= 0 else "−"
        self.facts.update(p_formula=f"{per_component}K {sign} {abs(intercept)}",
                          per_component=str(per_component), price=text.number(price, 3),
                          half_price=text.number(price / 2, 3),
                          gains="ℓ gained " + ", ".join(gains))

    def _table(self) -> str:
        rows = ["| K | ℓ | p | BIC = −2ℓ + p log N | AIC = −2ℓ + 2p |", "|---|---|---|---|---|"]
        for entry in self.grid.entries:
            marks = [name.upper() for name in ("bic", "aic")
                     if self.best[name] is entry]
            chosen = f" ← {' and '.join(marks)}" if marks else ""
            rows.append(f"| {entry.n_components}{chosen} | "
                        f"{text.log_likelihood(entry.fit.log_likelihood)} | {entry.n_params} | "
                        f"{text.number(entry.bic, 6)} | {text.number(entry.aic, 6)} |")
        return "\n".join(rows)

    # --- pictures -----------------------------------------------------------------------------

    def figure_data(self, style: FigureStyle, guesses=None) -> Picture:
        X = self.data.X
        figure = mixture_figure_2d(X, None, None, style)
        return Picture(figure, f"{len(X)} points in grey, from x = {text.number(X[:, 0].min(), 3)}"
                               f" to {text.number(X[:, 0].max(), 3)} and y = "
                               f"{text.number(X[:, 1].min(), 3)} to "
                               f"{text.number(X[:, 1].max(), 3)}; no colours: the groups are "
                               "not given.", f"{len(X)} points, no labels")

    def figure_bic(self, style: FigureStyle, guesses=None) -> Picture:
        figure = criterion_figure(self.grid, "bic", style, height=380)
        return Picture(figure, describe.criterion_chart(self.grid, "bic"), "BIC against K")

    def figure_best_fit(self, style: FigureStyle, guesses=None) -> Picture:
        entry = self.best["bic"]
        params = entry.fit.params
        X = self.data.X
        figure = mixture_figure_2d(X, params, e_step(X, params)[0], style)
        means = "; ".join(text.vector(mean, 2) for mean in params.means)
        weights = ", ".join(text.number(w, 3) for w in np.asarray(params.weights))
        return Picture(figure, f"The fit BIC chooses, K = {entry.n_components} "
                               f"({self.covariance_type}): means {means}, weights {weights}, "
                               "points coloured by their responsibilities.",
                       f"BIC's choice: K = {entry.n_components}")
