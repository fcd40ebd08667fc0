"""The computations behind the page's lessons, kept out of the page: finite differences against
AD, Newton's method with dual numbers, and Jacobians by forward and reverse sweeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gmm_core.autodiff.dual import Dual, seed_variables
from gmm_core.autodiff.errors import EvaluationError, ExpressionError
from gmm_core.autodiff.expression import Expression

__all__ = [
    "FiniteDifferenceStudy",
    "value_and_derivative",
    "JacobianStudy",
    "NewtonStep",
    "finite_difference_study",
    "jacobian_study",
    "newton_iterations",
]

MACHINE_EPSILON = float(np.finfo(float).eps)


def value_and_derivative(expression: Expression, variable: str, x: float) -> tuple[float, float]:
    """(f(x), f'(x)) for a one-variable formula from one dual-number evaluation."""
    result = expression.evaluate({variable: Dual(x, 1.0)})
    if not isinstance(result, Dual):  # a constant formula
        return float(result), 0.0
    return float(result.value), float(result.deriv)


@dataclass(frozen=True)
class FiniteDifferenceStudy:
    """Errors of difference quotients against the exact derivative at ``x``.

    ``steps`` (H,): the step sizes h; ``forward_errors`` and ``central_errors`` (H,): the absolute
    errors |quotient − f'(x)| (``nan`` where f cannot be evaluated at x ± h); ``ad_error``: the
    absolute error of automatic differentiation, usually exactly 0.
    """

    x: float
    steps: np.ndarray
    forward_errors: np.ndarray
    central_errors: np.ndarray
    exact_derivative: float
    exact_text: str | None  # the symbolic derivative; None when AD had to be the reference
    ad_derivative: float
    ad_error: float

    @property
    def best_forward_step(self) -> float:
        return float(self.steps[np.nanargmin(self.forward_errors)])

    @property
    def best_central_step(self) -> float:
        return float(self.steps[np.nanargmin(self.central_errors)])


def finite_difference_study(expression: Expression, x: float,
                            steps: Sequence[float] | None = None) -> FiniteDifferenceStudy:
    """Forward (f(x+h) − f(x))/h and central (f(x+h) − f(x−h))/2h against the exact f'(x).

    ``expression`` must have one variable. The exact derivative is the symbolic one; AD is the
    dual-number derivative (and the reference when the formula is too deep to differentiate
    symbolically). Raises :class:`ExpressionError` if f or f' cannot be evaluated at x.
    """
    (variable,) = expression.variables
    steps = np.logspace(-16, 0, 97) if steps is None else np.asarray(steps, float)
    value, ad_derivative = value_and_derivative(expression, variable, x)
    try:
        exact_expression = expression.derivative(variable)
    except ExpressionError:
        # Too deep for the symbolic differentiator: AD itself becomes the reference.
        exact, exact_text = ad_derivative, None
    else:
        exact_text = exact_expression.text
        try:
            exact = float(exact_expression.evaluate({variable: x}))
        except EvaluationError as trouble:
            raise EvaluationError(
                f"The exact derivative f′({variable}) = {exact_text} cannot be evaluated at "
                f"{variable} = {x:g}, so f is probably not differentiable there. ({trouble})"
            ) from None
    with np.errstate(all="ignore"):
        above = np.asarray(expression.evaluate({variable: x + steps}, strict=False), float)
        below = np.asarray(expression.evaluate({variable: x - steps}, strict=False), float)
        above, below = np.broadcast_to(above, steps.shape), np.broadcast_to(below, steps.shape)
        forward_errors = np.abs((above - value) / steps - exact)
        central_errors = np.abs((above - below) / (2 * steps) - exact)
    forward_errors[~np.isfinite(forward_errors)] = np.nan
    central_errors[~np.isfinite(central_errors)] = np.nan
    if np.all(np.isnan(forward_errors)):
        raise EvaluationError("f cannot be evaluated next to this point: choose another x")
    return FiniteDifferenceStudy(float(x), steps, forward_errors, central_errors, exact,
                                 exact_text, ad_derivative, abs(ad_derivative - exact))


@dataclass(frozen=True)
class NewtonStep:
    """One Newton update x_next = x − f(x)/f'(x), with f'(x) from a dual number."""

    x: float
    value: float
    slope: float
    next_x: float | None  # None when the step cannot be taken (flat tangent)


def newton_iterations(expression: Expression, x0: float, n_steps: int,
                      tolerance: float = 0.0) -> tuple[list[NewtonStep], str]:
    """Up to ``n_steps`` Newton steps from ``x0``; returns (steps, status message).

    The status says whether the iteration converged (|f(x)| ≤ tolerance or the step stopped
    moving x), met a flat tangent, left the domain of f, or is still running.
    """
    (variable,) = expression.variables
    steps: list[NewtonStep] = []
    x = float(x0)
    for _ in range(int(n_steps)):
        try:
            value, slope = value_and_derivative(expression, variable, x)
        except EvaluationError as trouble:
            return steps, f"stopped: f cannot be differentiated at x = {x:.6g}. {trouble}"
        if abs(value) <= tolerance:
            steps.append(NewtonStep(x, value, slope, None))
            return steps, f"converged: f(x) = {value:.3g} at x = {x:.15g}"
        if slope == 0.0:
            steps.append(NewtonStep(x, value, slope, None))
            return steps, (f"stopped: the tangent at x = {x:.6g} is horizontal (f'(x) = 0), so "
                           f"it never meets the x-axis. Start somewhere else.")
        next_x = x - value / slope
        steps.append(NewtonStep(x, value, slope, next_x))
        if not np.isfinite(next_x):
            return steps, "stopped: the step ran off to infinity. Start closer to a root."
        if abs(next_x - x) <= 4 * MACHINE_EPSILON * max(1.0, abs(x)):
            return steps, f"converged: x stopped moving at {next_x:.15g}"
        x = next_x
    return steps, "running"


@dataclass(frozen=True)
class JacobianStudy:
    """The Jacobian J (m, n) of F: Rⁿ → Rᵐ computed twice.

    ``by_columns``: n forward sweeps, sweep j seeded with e_j, each giving column j;
    ``by_rows``: m reverse sweeps, sweep i seeded with ē_i, each giving row i.
    ``by_vector_duals``: one forward pass on vector duals seeded with the identity.
    ``values`` (m,): F at the point.
    """

    values: np.ndarray
    by_columns: np.ndarray
    by_rows: np.ndarray
    by_vector_duals: np.ndarray  # one forward pass with n ε parts: all columns at once

    @property
    def forward_sweeps(self) -> int:
        return self.by_columns.shape[1]

    @property
    def reverse_sweeps(self) -> int:
        return self.by_rows.shape[0]


def jacobian_study(expressions: Sequence[Expression], point: dict[str, float]) -> JacobianStudy:
    """Forward and reverse sweeps over the program computing all components of F at ``point``."""
    if not expressions:
        raise ExpressionError("type at least one component of F")
    variables = expressions[0].variables
    n_inputs, n_outputs = len(variables), len(expressions)
    by_columns = np.empty((n_outputs, n_inputs))
    values = np.empty(n_outputs)
    for j, name in enumerate(variables):
        seed = {v: float(v == name) for v in variables}
        for i, expression in enumerate(expressions):  # one sweep runs the whole program
            sweep = expression.forward_sweep(point, seed)
            by_columns[i, j] = sweep.derivative
            values[i] = sweep.value
    by_rows = np.empty((n_outputs, n_inputs))
    for i, expression in enumerate(expressions):
        gradient = expression.reverse_sweep(point).gradient
        by_rows[i] = [gradient[v] for v in variables]
    inputs = dict(zip(variables, seed_variables([point[v] for v in variables]), strict=True))
    by_vector_duals = np.empty((n_outputs, n_inputs))
    for i, expression in enumerate(expressions):
        result = expression.evaluate(inputs)
        by_vector_duals[i] = result.deriv if isinstance(result, Dual) else 0.0
    return JacobianStudy(values, by_columns, by_rows, by_vector_duals)
