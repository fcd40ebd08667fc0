"""Text alternatives for every figure of the automatic-differentiation page (pure, plain text).

Each function says in one or two sentences what its figure shows in the current state, for a
screen reader and for every student ("Describe this figure" under the figure). The text quotes
the typed formula, so the page shows it through ``untrusted_markdown``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gmm_core.autodiff.lessons import FiniteDifferenceStudy, NewtonStep
from gmm_core.autodiff.program import Program
from gmm_core.autodiff.sweeps import ForwardSweep, ReverseSweep
from ui.kit.text import number, subscript, vector

# A description lists at most this many iterates, steps or components, then says how many more.
_MOST_LISTED = 6


def _listed(items: Sequence[str]) -> str:
    shown = list(items[:_MOST_LISTED])
    if len(items) > _MOST_LISTED:
        shown.append(f"and {len(items) - _MOST_LISTED} more")
    return "; ".join(shown)


def _range(values: np.ndarray) -> str:
    finite = np.asarray(values, float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return "f is undefined over the whole range"
    return f"f(x) runs from {number(finite.min())} to {number(finite.max())}"


def tangent(formula: str, grid: np.ndarray, values: np.ndarray, a: float, value: float,
            slopes: tuple[float, float]) -> str:
    """Tab 1: f over its grid (G,) and the tangent, or the one-sided tangents, at a."""
    left, right = slopes
    start = (f"The curve of f(x) = {formula} for x from {number(grid[0])} to {number(grid[-1])}"
             f" ({_range(values)}), with the point (a, f(a)) = ({number(a)}, {number(value)})")
    if left == right:
        return f"{start} and the tangent there, a straight line with slope {number(right)}."
    sides = [f"{side} with slope {number(slope)}" for side, slope in
             (("to the left", left), ("to the right", right)) if np.isfinite(slope)]
    drawn = (f"two half-lines, {' and '.join(sides)}" if len(sides) == 2 else
             f"one half-line, {sides[0]}" if sides else "no tangent")
    return f"{start}. f has a kink there: the figure draws {drawn}."


def graph(program: Program, mode: str, values: Sequence[float], derivatives: Sequence[float],
          point: dict[str, float], input_derivatives: dict[str, float]) -> str:
    """Tabs 2 and 3: the computational graph with each node's value and tangent (``mode``
    "forward") or adjoint ("reverse")."""
    what = "tangent" if mode == "forward" else "adjoint"
    inputs = [f"{program.input_step(name)} = {name} (value {number(point[name])}, {what} "
              f"{number(input_derivatives[name])})" for name in program.used_variables]
    steps = [f"{ins.name} = {ins.definition(program.trace_name)} (value {number(value)}, "
             f"{what} {number(derivative)})"
             for ins, value, derivative in zip(program.instructions, values, derivatives,
                                               strict=True)]
    output = program.trace_name(program.output)
    flow = ("arrows run from the inputs to the output; each node carries its value and its "
            "tangent" if mode == "forward" else
            "arrows run from the inputs to the output, each labelled with its local partial "
            "derivative; the adjoints flow back along them")
    return (f"Computational graph of {len(program.instructions)} steps: {flow}. Inputs: "
            f"{_listed(inputs) or 'none'}. Steps: {_listed(steps) or 'none'}. The output is "
            f"{output}.")


def forward_graph(program: Program, sweep: ForwardSweep) -> str:
    return graph(program, "forward", sweep.values, sweep.tangents, sweep.point,
                 sweep.input_tangents)


def reverse_graph(program: Program, sweep: ReverseSweep) -> str:
    return graph(program, "reverse", sweep.values, sweep.adjoints, sweep.point, sweep.gradient)


def finite_differences(study: FiniteDifferenceStudy, formula: str) -> str:
    """Tab 4: the errors of the difference quotients against h, on log-log axes."""
    def best(kind: str, error: float, step: float) -> str:
        if not np.isfinite(error):
            return f"the {kind} difference is undefined for every h here"
        return (f"the {kind} difference's error is smallest, {number(error, 2)}, at h = "
                f"{step:.0e}")

    ad = ("AD is the reference here" if study.reference == "AD" else
          f"AD's error is {number(study.ad_error)} at every h (a flat line)")
    forward = best("forward", study.best_forward_error, study.best_forward_step)
    central = best("central", study.best_central_error, study.best_central_step)
    return (f"Log-log plot of the absolute error of the derivative of f(x) = {formula} at "
            f"x = {number(study.x)} against the step h from {number(study.steps[0])} to "
            f"{number(study.steps[-1])}: {forward}; {central}; below those steps the errors grow "
            f"again (round-off); {ad}.")


def newton(formula: str, steps: Sequence[NewtonStep], low: float, high: float) -> str:
    """Tab 5: f with each Newton tangent from (x_n, f(x_n)) down to the x-axis."""
    iterates = [f"x{subscript(n)} = {number(step.x, 10)}" for n, step in enumerate(steps)]
    if steps and steps[-1].next_x is not None:
        iterates.append(f"x{subscript(len(steps))} = {number(steps[-1].next_x, 10)}")
    return (f"The curve of f(x) = {formula} for x from {number(low)} to {number(high)}, with "
            f"the x-axis and {sum(s.next_x is not None for s in steps)} Newton tangent(s), each "
            f"from (xₙ, f(xₙ)) down to the x-axis at the next iterate. Iterates: "
            f"{_listed(iterates)}.")


def jacobian(mode: str, done: int, total: int, jacobian_: np.ndarray, known: np.ndarray,
             outputs: Sequence[str], inputs: Sequence[str]) -> str:
    """Tab 6: the Jacobian grid after ``done`` of ``total`` sweeps (known: boolean (m, n))."""
    unit = "column" if mode == "forward" else "row"
    entries = [f"∂{outputs[i]}/∂{inputs[j]} = {number(jacobian_[i, j])}"
               for i in range(jacobian_.shape[0]) for j in range(jacobian_.shape[1])
               if known[i, j]]
    missing = int((~known).sum())
    rest = ("Every entry is known." if not missing else
            f"{missing} entr{'y is' if missing == 1 else 'ies are'} not computed yet (shown "
            f"as ?).")
    return (f"The {jacobian_.shape[0]} × {jacobian_.shape[1]} Jacobian as a grid, one row per "
            f"output and one column per input, after {done} of {total} {mode} sweeps (one "
            f"{unit} each). Known: {_listed(entries) or 'nothing yet'}. {rest}")


def race(em: np.ndarray, ascent: np.ndarray, n_points: int, learning_rate: float) -> str:
    """Tab 7: ℓ/N per iteration for EM and for gradient ascent."""
    def path(name: str, values: np.ndarray) -> str:
        values = np.asarray(values, float) / n_points
        return (f"{name} from {number(values[0], 5)} to {number(values[-1], 5)} in "
                f"{len(values) - 1} iterations")

    return (f"Log-likelihood per point ℓ/N against the iteration: "
            f"{path('EM', em)}; {path(f'gradient ascent (η = {number(learning_rate)})', ascent)}.")


def paths(X: np.ndarray, em_means: np.ndarray, ascent_means: np.ndarray,
          feature_names: Sequence[str]) -> str:
    """Tab 7: the data and both paths of the means (em_means, ascent_means: (T, K, 2))."""
    moves = [f"mean {k + 1} from {vector(em_means[0, k])} to {vector(em_means[-1, k])} by EM "
             f"and to {vector(ascent_means[-1, k])} by gradient ascent"
             for k in range(em_means.shape[1])]
    return (f"{X.shape[0]} data points ({feature_names[0]} across, {feature_names[1]} up) "
            f"with the fixed 2σ ellipses of the start and the paths of the "
            f"{em_means.shape[1]} means: {_listed(moves)}.")
