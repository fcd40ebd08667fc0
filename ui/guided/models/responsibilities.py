"""Lesson "Responsibilities by hand": three points, two 1-D components, one r_ik by hand.

The E-step of ``gmm_core.mixture`` gives every r_ik; the numbers a student would get from the
usual slips (leaving out π_k, a variance passed where a standard deviation is meant, the other
component's share, the numerator alone, normalising over the points instead of over the
components, a percentage) are computed the same way, so that a wrong answer can be explained.
The worked solution is written out with the numbers plugged in.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gmm_core.mixture import e_step, weighted_log_densities
from ui.figures import FigureStyle, component_label, membership_bar_figure, mixture_figure_1d
from ui.guided.models.base import (
    LessonModel,
    Picture,
    SetupError,
    percent,
    setting,
    share,
    vector_setting,
    weights_setting,
)
from ui.guided.models.story import components_sentence, one_d_params
from ui.kit import text


def _latex(value: float) -> str:
    return text.latex_number(value, 4)


class ResponsibilitiesByHand(LessonModel):
    def __init__(self, setup: Mapping[str, object]):
        super().__init__()
        weights = weights_setting(setup, "weights", 2)
        means = setting(setup, "means", low=-100, high=100, size=2)
        sds = setting(setup, "sds", low=0.05, high=100, size=2)
        self.x = vector_setting(setup, "points", low=-100, high=100, sizes=(2, 6))
        self.i = setting(setup, "point", low=1, high=len(self.x), integer=True) - 1
        self.k = setting(setup, "component", low=1, high=2, integer=True) - 1
        self.params = one_d_params(weights, means, sds)
        X = self.x[:, None]
        self.r, _ = e_step(X, self.params)
        self.weighted = np.exp(weighted_log_densities(X, self.params))  # (N, 2) π_k N(x_i|k)
        self.densities = self.weighted / weights  # N(x_i | μ_k, σ_k²)
        # A variance passed where a standard deviation is meant (norm(scale=σ²)).
        swapped = one_d_params(weights, means, sds**2)
        self.r_variance_as_sd = e_step(X, swapped)[0]
        if self.r[self.i, self.k] in (0.0, 1.0):
            raise SetupError("[setup] choose a point that both components share (its r_ik "
                             "is 0 or 1 in floating point)")
        self._numbers()
        self._facts()

    def _numbers(self) -> None:
        i, k, r = self.i, self.k, self.r
        weighted, densities = self.weighted, self.densities
        soft_count = float(r[:, k].sum())
        self.numbers.update(
            r=float(r[i, k]),
            r_without_weights=float(densities[i, k] / densities[i].sum()),
            r_variance_as_sd=float(self.r_variance_as_sd[i, k]),
            r_other=float(r[i, 1 - k]),
            r_numerator=float(weighted[i, k]),
            r_over_points=float(weighted[i, k] / weighted[:, k].sum()),
            r_percent=100.0 * float(r[i, k]),
            soft_count=soft_count,
            hard_count=float(np.sum(r.argmax(axis=1) == k)),
            new_weight=soft_count / len(self.x),
            old_weight=float(self.params.weights[k]),
            soft_count_not_divided=soft_count,
        )

    def _facts(self) -> None:
        i, k, params, facts = self.i, self.k, self.params, self.facts
        sds = np.sqrt(params.covariances[:, 0, 0])
        facts.update(i=str(i + 1), k=str(k + 1), other_k=str(2 - k), n_points=str(len(self.x)),
                     i_sub=text.subscript(i + 1), k_sub=text.subscript(k + 1),
                     other_k_sub=text.subscript(2 - k),
                     x=text.number(self.x[i], 4), r=share(self.r[i, k]),
                     r_percent=percent(self.r[i, k]),
                     soft_count=text.number(self.numbers["soft_count"], 3),
                     hard_count=str(int(self.numbers["hard_count"])),
                     new_weight=share(self.numbers["new_weight"]),
                     old_weight=share(self.numbers["old_weight"]),
                     points=", ".join(f"x{text.subscript(j + 1)} = {text.number(v, 4)}"
                                      for j, v in enumerate(self.x)))
        for name in ("r_without_weights", "r_variance_as_sd", "r_other", "r_numerator",
                     "r_over_points"):
            facts[name] = text.number(self.numbers[name], 3)
        for c in range(2):
            facts.update({f"pi_{c + 1}": share(params.weights[c]),
                          f"mu_{c + 1}": text.number(params.means[c, 0], 4),
                          f"sigma_{c + 1}": text.number(sds[c], 4),
                          f"density_{c + 1}": text.number(self.densities[i, c], 4),
                          f"weighted_{c + 1}": text.number(self.weighted[i, c], 4)})
        facts["worked_densities"] = self._worked_densities(sds)
        facts["worked_r"] = self._worked_r()
        facts["r_table"] = self._table()
        facts["weighted_k"] = facts[f"weighted_{k + 1}"]
        facts["worked_soft_count"] = (
            rf"$N_{k + 1} = \sum_i r_{{i{k + 1}}} = "
            + " + ".join(_latex(value) for value in self.r[:, k])
            + f" = {_latex(self.numbers['soft_count'])}$")

    def _worked_densities(self, sds: np.ndarray) -> str:
        """N(x_i | μ_c, σ_c²) for both components, the numbers plugged in (LaTeX lines)."""
        i, lines = self.i, []
        for c in range(2):
            mu, sigma = self.params.means[c, 0], sds[c]
            lines.append(
                rf"\mathcal{{N}}(x_{i + 1} \mid \mu_{c + 1}, \sigma_{c + 1}^2) = "
                rf"\frac{{1}}{{\sqrt{{2\pi}}\,\sigma_{c + 1}}}"
                rf"\exp\!\Big(-\frac{{(x_{i + 1} - \mu_{c + 1})^2}}{{2\sigma_{c + 1}^2}}\Big) = "
                rf"\frac{{1}}{{\sqrt{{2\pi}} \cdot {_latex(sigma)}}}"
                rf"\exp\!\Big(-\frac{{({_latex(self.x[i])} - ({_latex(mu)}))^2}}"
                rf"{{2 \cdot {_latex(sigma)}^2}}\Big) = {_latex(self.densities[i, c])}")
        return "\n\n".join(f"$\\displaystyle {line}$" for line in lines)

    def _worked_r(self) -> str:
        i, k = self.i, self.k
        pi = self.params.weights
        terms = [rf"{_latex(pi[c])} \cdot {_latex(self.densities[i, c])}" for c in range(2)]
        return (rf"$\displaystyle r_{{{i + 1}{k + 1}}} = "
                rf"\frac{{\pi_{k + 1}\,\mathcal{{N}}(x_{i + 1} \mid \mu_{k + 1}, "
                rf"\sigma_{k + 1}^2)}}{{\sum_{{c=1}}^{{2}} \pi_c\,\mathcal{{N}}(x_{i + 1} "
                rf"\mid \mu_c, \sigma_c^2)}} = \frac{{{terms[k]}}}{{{terms[0]} + {terms[1]}}}"
                rf" = \frac{{{_latex(self.weighted[i, k])}}}"
                rf"{{{_latex(self.weighted[i].sum())}}} = {_latex(self.r[i, k])}$")

    def _table(self) -> str:
        rows = ["| point | x_i | r_i1 | r_i2 |", "|---|---|---|---|"]
        for j, value in enumerate(self.x):
            rows.append(f"| x{text.subscript(j + 1)} | {text.number(value, 4)} | "
                        f"{share(self.r[j, 0])} | {share(self.r[j, 1])} |")
        return "\n".join(rows)

    # --- pictures -----------------------------------------------------------------------------

    def _figure(self, style: FigureStyle, coloured: bool, title: str) -> Picture:
        figure = mixture_figure_1d(self.x[:, None], self.params, self.r if coloured else None,
                                   style)
        where = ", ".join(f"x{text.subscript(j + 1)} = {text.number(v, 4)}"
                          for j, v in enumerate(self.x))
        colours = (" coloured by their responsibilities (" + "; ".join(
            f"x{text.subscript(j + 1)}: r = {share(self.r[j, 0])}, {share(self.r[j, 1])}"
            for j in range(len(self.x))) + ")") if coloured else " in grey"
        return Picture(figure, f"The {len(self.x)} points ({where}) as a rug{colours}, "
                               f"under the weighted densities π_k N(x | μ_k, σ_k²) and their "
                               f"sum. {components_sentence(self.params)}.", title)

    def figure_setup(self, style: FigureStyle, guesses=None) -> Picture:
        return self._figure(style, False, "Three points, two components")

    def figure_worked(self, style: FigureStyle, guesses=None) -> tuple[Picture, ...]:
        probabilities = self.r[self.i]
        bars = membership_bar_figure(probabilities, style)
        listed = ", ".join(f"{component_label(c)} {share(p)}" for c, p in enumerate(probabilities))
        return (self._figure(style, True, "After the E-step: colours are responsibilities"),
                Picture(bars, f"Bars of the responsibilities of point {self.i + 1}: {listed}.",
                        f"r{text.subscript(self.i + 1)}ₖ for x{text.subscript(self.i + 1)}"))
