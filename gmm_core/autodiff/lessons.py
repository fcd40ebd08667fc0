"""The computations behind the page's lessons, kept out of the page: finite differences against
AD, Newton's method with dual numbers, and Jacobians by forward and reverse sweeps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gmm_core.autodiff.dual import Dual, seed_variables
from gmm_core.autodiff.errors import EvaluationError, ExpressionError, NotDifferentiableError
from gmm_core.autodiff.expression import Expression
from gmm_core.autodiff.program import Program
from gmm_core.autodiff.smoothness import Smoothness, smoothness, verdict_text

__all__ = [
    "MACHINE_EPSILON",
    "DifferenceQuotients",
    "FiniteDifferenceStudy",
    "JacobianStudy",
    "NewtonStep",
    "TraceMemory",
    "difference_quotients",
    "differentiability",
    "finite_difference_study",
    "jacobian_study",
    "newton_iterations",
    "trace_memory",
    "value_and_derivative",
]

MACHINE_EPSILON = float(np.finfo(float).eps)


def value_and_derivative(expression: Expression, variable: str, x: float) -> tuple[float, float]:
    """(f(x), f'(x)) for a one-variable formula from one dual-number evaluation."""
    result = expression.evaluate({variable: Dual(x, 1.0)})
    if not isinstance(result, Dual):  # a constant formula
        return float(result), 0.0
    return float(result.value), float(result.deriv)


def differentiability(expression: Program, variable: str, x: float) -> Smoothness:
    """The smoothness report of a one-variable formula at x; raises
    :class:`NotDifferentiableError` (with the reason, naming the kink) when f has no derivative
    there or AD cannot tell."""
    report = smoothness(expression, {variable: x})
    if report.kinks and report.partial_exists(variable) is not True:
        raise NotDifferentiableError(verdict_text(report, variable), report)
    return report


@dataclass(frozen=True)
class FiniteDifferenceStudy:
    """Errors of difference quotients against the exact derivative at ``x``.

    ``steps`` (H,): the step sizes h; ``forward_errors`` and ``central_errors`` (H,): the absolute
    errors |quotient − f'(x)| (``nan`` where f cannot be evaluated at x ± h); ``ad_error``: the
    absolute error of automatic differentiation, usually exactly 0. ``reference`` says what
    ``exact_derivative`` is: "symbolic" (``exact_text`` evaluated at x), "one-sided" (the
    symbolic formula is undefined at x, e.g. 0/0 after abs at 0, but both one-sided slopes
    agree: that common slope) or "AD" (the formula is too deep to differentiate symbolically).
    """

    x: float
    steps: np.ndarray
    forward_errors: np.ndarray
    central_errors: np.ndarray
    forward_quotients: np.ndarray  # (H,) the quotients themselves, f′(x) ± their errors
    central_quotients: np.ndarray
    exact_derivative: float
    exact_text: str | None  # the symbolic derivative; None when AD had to be the reference
    ad_derivative: float
    ad_error: float
    reference: str = "symbolic"
    smoothness: Smoothness | None = None

    @property
    def ad_relative_error(self) -> float:
        return _relative(self.ad_error, self.exact_derivative)

    @property
    def best_forward_error(self) -> float:
        return _smallest(self.forward_errors)

    @property
    def best_central_error(self) -> float:
        return _smallest(self.central_errors)

    @property
    def best_forward_step(self) -> float:
        """The h of the smallest forward-difference error (nan if f is never defined at x + h)."""
        return _argmin_step(self.steps, self.forward_errors)

    @property
    def best_central_step(self) -> float:
        """The h of the smallest central-difference error (nan if never defined at x ± h)."""
        return _argmin_step(self.steps, self.central_errors)

    def quotient_at_best(self, kind: str) -> float:
        """The forward or central quotient at its best step (nan if never defined)."""
        quotients, errors = ((self.forward_quotients, self.forward_errors) if kind == "forward"
                             else (self.central_quotients, self.central_errors))
        if not np.any(np.isfinite(errors)):
            return math.nan
        return float(quotients[np.nanargmin(errors)])

    def relative(self, error: float) -> float:
        """``error / |f'(x)|`` (nan when f'(x) = 0: a relative error means nothing there)."""
        return _relative(error, self.exact_derivative)


def _relative(error: float, exact: float) -> float:
    return float(error) / abs(exact) if exact != 0 and np.isfinite(exact) else math.nan


def _smallest(errors: np.ndarray) -> float:
    finite = errors[np.isfinite(errors)]
    return float(finite.min()) if finite.size else math.nan


def _argmin_step(steps: np.ndarray, errors: np.ndarray) -> float:
    if not np.any(np.isfinite(errors)):
        return math.nan
    return float(steps[np.nanargmin(errors)])


def finite_difference_study(expression: Expression, x: float,
                            steps: Sequence[float] | None = None) -> FiniteDifferenceStudy:
    """Forward (f(x+h) − f(x))/h and central (f(x+h) − f(x−h))/2h against the exact f'(x).

    ``expression`` must have one variable. The exact derivative is the symbolic one; AD is the
    dual-number derivative (and the reference when the formula is too deep to differentiate
    symbolically). Raises :class:`NotDifferentiableError` where f has no derivative (a kink
    such as abs at 0), :class:`ExpressionError` if f or f' cannot be evaluated at x.
    """
    (variable,) = expression.variables
    steps = np.logspace(-16, 0, 97) if steps is None else np.asarray(steps, float)
    report = differentiability(expression, variable, x)
    value, ad_derivative = value_and_derivative(expression, variable, x)
    reference = "symbolic"
    try:
        exact_expression = expression.derivative(variable)
    except ExpressionError:
        # Too deep for the symbolic differentiator: AD itself becomes the reference.
        exact, exact_text, reference = ad_derivative, None, "AD"
    else:
        exact_text = exact_expression.text
        try:
            exact = float(exact_expression.evaluate({variable: x}))
        except EvaluationError as trouble:
            if not report.kinks:
                raise EvaluationError(
                    f"The exact derivative f′({variable}) = {exact_text} cannot be evaluated at "
                    f"{variable} = {x:g}. ({trouble})") from None
            # e.g. abs(x)**2 at 0: d/dx = 2*abs(x)*(x/abs(x)) is 0/0, but f′(0) = 0.
            exact, reference = report.slopes[variable].slope, "one-sided"
    with np.errstate(all="ignore"):
        above = np.asarray(expression.evaluate({variable: x + steps}, strict=False), float)
        below = np.asarray(expression.evaluate({variable: x - steps}, strict=False), float)
        above, below = np.broadcast_to(above, steps.shape), np.broadcast_to(below, steps.shape)
        forward = (above - value) / steps
        central = (above - below) / (2 * steps)
        forward = np.where(np.isfinite(forward), forward, np.nan)
        central = np.where(np.isfinite(central), central, np.nan)
        forward_errors = np.abs(forward - exact)
        central_errors = np.abs(central - exact)
    forward_errors[~np.isfinite(forward_errors)] = np.nan
    central_errors[~np.isfinite(central_errors)] = np.nan
    if np.all(np.isnan(forward_errors)) and np.all(np.isnan(central_errors)):
        raise EvaluationError("f cannot be evaluated next to this point: choose another x")
    return FiniteDifferenceStudy(float(x), steps, forward_errors, central_errors, forward,
                                 central, exact, exact_text, ad_derivative,
                                 abs(ad_derivative - exact), reference, report)




@dataclass(frozen=True)
class DifferenceQuotients:
    """Difference quotients at x for a few steps h (H,): forward (f(x+h) − f(x))/h, backward
    (f(x) − f(x−h))/h and central (f(x+h) − f(x−h))/2h; ``nan`` where f is undefined."""

    steps: np.ndarray
    forward: np.ndarray
    backward: np.ndarray
    central: np.ndarray


def difference_quotients(expression: Program, x: float,
                         steps: Sequence[float] = (1e-2, 1e-4, 1e-6)) -> DifferenceQuotients:
    """What the difference quotients say at x, e.g. at a kink, where no derivative exists."""
    (variable,) = expression.variables
    steps = np.asarray(steps, float)
    with np.errstate(all="ignore"):
        def f(points):
            values = expression.evaluate({variable: points}, strict=False)
            return np.broadcast_to(np.asarray(values, float), np.shape(points))

        centre = float(np.asarray(expression.evaluate({variable: x}, strict=False), float))
        above, below = f(x + steps), f(x - steps)
        quotients = ((above - centre) / steps, (centre - below) / steps,
                     (above - below) / (2 * steps))
    cleaned = [np.where(np.isfinite(q), q, np.nan) for q in quotients]
    return DifferenceQuotients(steps, *cleaned)


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
            value = float(expression.evaluate({variable: x}))
        except EvaluationError as trouble:
            return steps, f"stopped: f cannot be evaluated at x = {x:.6g}. {trouble}"
        if abs(value) <= tolerance:
            steps.append(NewtonStep(x, value, math.nan, None))
            return steps, f"converged: f(x) = {value:.3g} at x = {x:.15g}"
        try:
            differentiability(expression, variable, x)
            value, slope = value_and_derivative(expression, variable, x)
        except NotDifferentiableError as kink:
            return steps, (f"stopped: {kink} Newton's method follows the tangent, and f has "
                           f"none here: start somewhere else.")
        except EvaluationError as trouble:
            return steps, f"stopped: f cannot be differentiated at x = {x:.6g}. {trouble}"
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
    smoothness: tuple[Smoothness, ...] = ()  # one report per component (kinks, one-sided slopes)

    @property
    def sweeps(self) -> tuple[int, int]:
        """(forward, reverse): forward mode builds the Jacobian a column per sweep (n sweeps for
        n inputs), reverse mode a row per sweep (m sweeps for m outputs)."""
        return self.by_columns.shape[1], self.by_rows.shape[0]


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
    reports = tuple(smoothness(expression, point) for expression in expressions)
    return JacobianStudy(values, by_columns, by_rows, by_vector_duals, reports)


@dataclass(frozen=True)
class TraceMemory:
    """What each mode keeps in memory for one trace.

    ``n_inputs`` + ``n_steps`` values make the trace. Reverse mode keeps all of them on its
    tape until the backward sweep has read them (``tape_values``); forward mode can drop a value
    once its last user has run, so only ``forward_peak`` (value, tangent) pairs are ever alive
    at once.
    """

    n_inputs: int
    n_steps: int
    forward_peak: int

    @property
    def tape_values(self) -> int:
        return self.n_inputs + self.n_steps


def trace_memory(program: Program) -> TraceMemory:
    """Counts the values each mode must keep for ``program`` (see :class:`TraceMemory`)."""
    last_use: dict[str, int] = {}
    for instruction in program.instructions:
        for arg in instruction.args:
            if not arg.is_constant:
                last_use[program.trace_name(arg)] = instruction.index
    output = program.trace_name(program.output) if not program.output.is_constant else None
    live = {program.input_step(name) for name in program.variables if
            program.input_step(name) in last_use or program.input_step(name) == output}
    peak = len(live)
    for instruction in program.instructions:
        live.add(instruction.name)
        peak = max(peak, len(live))
        # after this step, the values it used for the last time can go (the output stays)
        live = {name for name in live
                if name == output or last_use.get(name, -1) > instruction.index}
    return TraceMemory(len(program.variables), len(program.instructions), peak)
