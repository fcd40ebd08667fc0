"""Forward and reverse sweeps over an expression's trace, keeping every intermediate number.

These are what the lecture tables show: the primal value and tangent of each step ``w_i``
(forward mode, dual numbers), or its adjoint ``w̄_i`` (reverse mode, the tape of
:mod:`gmm_core.autodiff.reverse`), plus the local partial ∂w_i/∂arg on every edge of the graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gmm_core.autodiff.dual import Dual
from gmm_core.autodiff.errors import EvaluationError, ExpressionError
from gmm_core.autodiff.program import Program, apply_operation, format_number
from gmm_core.autodiff.reverse import Node

__all__ = ["ForwardSweep", "ReverseSweep", "forward_sweep", "local_partials", "reverse_sweep"]


@dataclass(frozen=True)
class ForwardSweep:
    """One forward-mode pass: for step ``i``, ``values[i]`` = w_i and ``tangents[i]`` = ẇ_i.

    ``input_tangents`` maps each variable to its seed; ``derivative`` = ∇f·seed.
    """

    point: dict[str, float]
    input_tangents: dict[str, float]
    values: tuple[float, ...]
    tangents: tuple[float, ...]
    value: float
    derivative: float


@dataclass(frozen=True)
class ReverseSweep:
    """One reverse-mode pass: ``values[i]`` = w_i, ``adjoints[i]`` = w̄_i = ∂f/∂w_i.

    ``gradient`` maps every declared variable to ∂f/∂x (0 for variables the formula does not use);
    ``partials[(i, k)]`` is the local derivative of step i with respect to its k-th argument.
    """

    point: dict[str, float]
    values: tuple[float, ...]
    adjoints: tuple[float, ...]
    gradient: dict[str, float]
    partials: dict[tuple[int, int], float]
    value: float


def _point(expression: Program, point: Mapping[str, float], what: str) -> dict[str, float]:
    values = {}
    for name in expression.variables:
        raw = point.get(name, 0.0 if what == "seed" else None)
        if raw is None:
            if name in expression.used_variables:
                raise ExpressionError(f"no {what} given for the variable '{name}'")
            raw = 0.0
        try:
            values[name] = float(raw)
        except (TypeError, ValueError):
            raise ExpressionError(f"the {what} of '{name}' is not a number") from None
        if not np.isfinite(values[name]):
            raise ExpressionError(f"the {what} of '{name}' must be a finite number")
    return values


def forward_sweep(expression: Program, point: Mapping[str, float],
                  direction: Mapping[str, float]) -> ForwardSweep:
    """Evaluates ``expression`` on dual numbers ``x + ẋ·ε`` (see :class:`ForwardSweep`)."""
    point = _point(expression, point, "value")
    direction = _point(expression, direction, "seed")
    duals = {name: Dual(point[name], direction[name]) for name in expression.variables}
    steps, result = expression.evaluate_steps(duals, lift=_as_dual)
    return ForwardSweep(point, direction, tuple(float(s.value) for s in steps),
                        tuple(float(s.deriv) for s in steps), float(result.value),
                        float(result.deriv))


def _as_dual(value):
    """Constant steps (``w1 = 2 * pi``) become duals with tangent 0."""
    return value if isinstance(value, Dual) else Dual(value, 0.0)


def _as_node(value):
    """Constant steps become leaves of the tape, so that they receive an adjoint too."""
    return value if isinstance(value, Node) else Node(value)


def local_partials(expression: Program, point: Mapping[str, float],
                   values) -> dict[tuple[int, int], float]:
    """∂w_i/∂(k-th argument) at a point, computed with one dual number per edge of the graph.

    ``point``: variable name -> value; ``values``: the primal of every step (from a sweep).
    Returns ``{(i, k): float}`` for the non-constant arguments. Raises :class:`EvaluationError`
    where a local derivative is infinite (e.g. ``sqrt`` at 0), naming the step.
    """
    partials = {}
    for instruction in expression.instructions:
        args = []
        for arg in instruction.args:
            if arg.kind == "slot":
                args.append(np.float64(values[arg.key]))
            elif arg.kind == "input":
                args.append(np.float64(point[arg.key]))
            else:
                args.append(np.float64(arg.key))
        for position, arg in enumerate(instruction.args):
            if arg.is_constant:
                continue
            # Only the argument on this edge is a dual: the others stay plain numbers, so that
            # e.g. the power rule does not touch log(base) for a constant exponent.
            seeded = list(args)
            seeded[position] = Dual(args[position], 1.0)
            with np.errstate(all="ignore"):
                slope = float(apply_operation(instruction.op, seeded).deriv)
            if not np.isfinite(slope):
                raise EvaluationError(
                    f"The derivative is not finite in '{instruction.source}' (step "
                    f"{instruction.name} = {instruction.definition(Program.trace_name)}): "
                    f"{instruction.op} is not "
                    f"differentiable at {format_number(args[position])}.")
            partials[(instruction.index, position)] = slope
    return partials


def reverse_sweep(expression: Program, point: Mapping[str, float]) -> ReverseSweep:
    """Records the formula on a tape of :class:`Node` objects and sweeps it backwards once."""
    point = _point(expression, point, "value")
    nodes = {name: Node(point[name], label=name) for name in expression.variables}
    steps, result = expression.evaluate_steps(nodes, lift=_as_node)
    values = tuple(float(step.value) for step in steps)
    # The local partials name the step where a derivative blows up, before the sweep meets it.
    partials = local_partials(expression, point, values)
    result.backward()
    gradient = {name: float(node.grad) for name, node in nodes.items()}
    adjoints = tuple(float(step.grad) for step in steps)
    return ReverseSweep(point, values, adjoints, gradient, partials, float(result.value))
