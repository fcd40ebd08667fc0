"""Where a formula is not differentiable: kinks met by the evaluation, and one-sided slopes.

Dual numbers and the tape apply each operation's derivative rule at the point, including where
the operation has none: ``abs`` at 0 gets the slope ``sign(0) = 0``, so AD reports
``f'(0) = 0`` for ``f(x) = |x|``. This module finds such points and decides, from first
derivatives, whether ``f`` itself is differentiable there.

* :func:`kinks` lists the steps of the trace evaluated exactly where their operation has no
  derivative: ``abs`` at 0 (a corner), ``sqrt`` at 0 (a vertical tangent, nothing to the left),
  a fractional power of 0 (nothing to the left).
* :func:`one_sided` computes the one-sided directional derivative
  ``lim_{t→0+} (f(x + t·d) − f(x)) / t`` by a forward sweep whose rules at those points are the
  one-sided ones (``abs`` at 0 contributes ``|u̇|``, the directional derivative of a
  corner). Along a line through ``x`` the slope ahead is ``D(+d)`` and the slope behind is
  ``−D(−d)``: ``f`` is differentiable along the line when they are equal.
* :func:`smoothness` gathers both for every input variable, and :func:`verdict_text` says it
  in a sentence.

Everything is evaluated on plain floats; nothing here raises for a point outside the domain
(that is the evaluator's message to give).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from gmm_core.autodiff.dual import Dual
from gmm_core.autodiff.program import Instruction, Program, apply_operation, format_number

__all__ = [
    "Kink",
    "OneSided",
    "Slopes",
    "Smoothness",
    "kinks",
    "one_sided",
    "agreement_text",
    "smoothness",
    "verdict_text",
]

# Slopes that agree to this relative tolerance are equal (both sides run the same arithmetic
# with the signs of the tangents flipped, so they agree exactly unless a kink contributes).
_AGREEMENT = 1e-12


@dataclass(frozen=True)
class Kink:
    """A step evaluated exactly where its operation has no derivative.

    step: the trace's name (``"w3"``); operation: ``"abs"``, ``"sqrt"`` or ``"power"``;
    source: the piece of the formula (``"abs(x1)"``); where: what is 0 there (``"x1 = 0"``);
    why: what the operation does at that point.
    """

    step: str
    operation: str
    source: str
    where: str
    why: str

    def text(self) -> str:
        """``"abs(x1) at x1 = 0 (step w3), where abs has a corner"``."""
        return f"{self.source} at {self.where} (step {self.step}), where {self.why}"


@dataclass(frozen=True)
class OneSided:
    """A one-sided directional derivative ``D(d)`` of f at a point.

    value: the slope (±inf for a vertical tangent; nan when not ``known``);
    defined: False when f is not defined on that side (e.g. sqrt left of 0);
    known: False when first derivatives cannot decide (e.g. sqrt of something whose tangent
    is 0 there).
    """

    value: float
    defined: bool = True
    known: bool = True


@dataclass(frozen=True)
class Slopes:
    """The slopes of f along one line through the point: ``behind`` = −D(−d), ``ahead`` = D(+d)."""

    behind: OneSided
    ahead: OneSided

    @property
    def decided(self) -> bool:
        return self.behind.known and self.ahead.known

    @property
    def agree(self) -> bool:
        """Both sides defined, finite and equal: f is differentiable along the line."""
        sides = (self.behind, self.ahead)
        if not all(s.known and s.defined and math.isfinite(s.value) for s in sides):
            return False
        return math.isclose(self.behind.value, self.ahead.value, rel_tol=_AGREEMENT,
                            abs_tol=1e-300)

    @property
    def slope(self) -> float:
        """The derivative along the line when the two sides agree, else nan."""
        return self.ahead.value if self.agree else math.nan


@dataclass(frozen=True)
class Smoothness:
    """What the evaluation at ``point`` met, and the one-sided partial slopes.

    kinks: every kink of the trace at the point (empty for a smooth evaluation);
    slopes: variable -> its :class:`Slopes` along the coordinate line (only computed when there
    are kinks; empty otherwise).
    """

    point: dict[str, float]
    kinks: tuple[Kink, ...] = ()
    slopes: dict[str, Slopes] = field(default_factory=dict)

    def partial_exists(self, variable: str) -> bool | None:
        """True/False when decided; None when first derivatives cannot decide."""
        if not self.kinks:
            return True
        slopes = self.slopes[variable]
        if slopes.agree:
            return True
        return False if slopes.decided else None

    @property
    def missing_partials(self) -> tuple[str, ...]:
        """The variables whose partial derivative certainly does not exist here."""
        return tuple(v for v in self.slopes if self.partial_exists(v) is False)

    @property
    def undecided_partials(self) -> tuple[str, ...]:
        return tuple(v for v in self.slopes if self.partial_exists(v) is None)


def _float_steps(program: Program, point: Mapping[str, float]) -> list[float]:
    steps, _ = program.evaluate_steps({name: float(point[name]) for name in program.used_variables},
                                      strict=False)
    return [float(step) for step in steps]


def _argument_values(program: Program, instruction: Instruction, point, steps) -> list[float]:
    inputs = {name: float(point[name]) for name in program.used_variables}
    return [float(program.operand_value(arg, inputs, steps)) for arg in instruction.args]


def _is_fractional(exponent: float) -> bool:
    return math.isfinite(exponent) and exponent != round(exponent)


def _kink_of(program: Program, instruction: Instruction, args: list[float]) -> Kink | None:
    argument = instruction.args[0]
    if argument.is_constant:  # sqrt(0) is a number, not a point of f
        return None
    shown = (argument.name if argument.kind == "input"
             else program.instructions[argument.key].source)
    where = f"{shown} = 0"
    if instruction.op == "abs" and args[0] == 0.0:
        return Kink(instruction.name, "abs", instruction.source, where, "abs has a corner")
    if instruction.op == "sqrt" and args[0] == 0.0:
        return Kink(instruction.name, "sqrt", instruction.source, where,
                    "sqrt has a vertical tangent and no values left of 0")
    if instruction.op == "pow" and args[0] == 0.0 and _is_fractional(args[1]) and args[1] > 0:
        shape = "a vertical tangent and " if args[1] < 1 else ""
        return Kink(instruction.name, "power", instruction.source, where,
                    f"a power with the fractional exponent {format_number(args[1])} has "
                    f"{shape}no values left of 0")
    return None


def kinks(program: Program, point: Mapping[str, float]) -> tuple[Kink, ...]:
    """The steps evaluated at a point where their operation has no derivative (in trace order).

    ``point``: variable name -> float. Steps whose value is not finite are skipped (the
    evaluator reports those).
    """
    with np.errstate(all="ignore"):
        steps = _float_steps(program, point)
        found = []
        for instruction in program.instructions:
            args = _argument_values(program, instruction, point, steps)
            if not all(math.isfinite(a) for a in args):
                continue
            kink = _kink_of(program, instruction, args)
            if kink is not None:
                found.append(kink)
    return tuple(found)


def _one_sided_step(op: str, args: list[float],
                    tangents: list[float | None]) -> tuple[float, str]:
    """(tangent of one step, "" or "undefined" or "unknown"), with one-sided rules at kinks.

    ``tangents[i]`` is None for a constant argument.
    """
    u, du = args[0], tangents[0]
    if du is not None and u == 0.0:
        if op == "abs":
            return abs(du), ""
        if op == "sqrt" or (op == "pow" and _is_fractional(args[1]) and args[1] > 0):
            if du < 0:
                return math.nan, "undefined"
            if du == 0:
                return math.nan, "unknown"
            return (0.0 if op == "pow" and args[1] > 1 else math.inf), ""
    operands = [np.float64(a) if t is None else Dual(a, t)
                for a, t in zip(args, tangents, strict=True)]
    result = apply_operation(op, operands)
    return (float(result.deriv) if isinstance(result, Dual) else 0.0), ""


def one_sided(program: Program, point: Mapping[str, float],
              direction: Mapping[str, float]) -> OneSided:
    """``D(d) = lim_{t→0+} (f(x + t·d) − f(x)) / t`` at ``point`` along ``direction``.

    Both map variable names to floats (a missing direction is 0).
    """
    inputs = {name: float(point[name]) for name in program.used_variables}
    input_tangents = {name: float(direction.get(name, 0.0)) for name in inputs}
    with np.errstate(all="ignore"):
        steps = _float_steps(program, point)
        tangents: list[float] = []
        status = ""

        def tangent_of(operand) -> float | None:
            if operand.kind == "input":
                return input_tangents[operand.key]
            return tangents[operand.key] if operand.kind == "slot" else None

        for instruction in program.instructions:
            args = [float(program.operand_value(arg, inputs, steps)) for arg in instruction.args]
            arg_tangents = [tangent_of(arg) for arg in instruction.args]
            if all(t is None for t in arg_tangents):  # e.g. sin(2): a constant step
                tangents.append(0.0)
                continue
            tangent, trouble = _one_sided_step(instruction.op, args, arg_tangents)
            status = status or trouble
            tangents.append(tangent)
        value = tangent_of(program.output)
    value = 0.0 if value is None else value  # a constant formula
    if status == "undefined":
        return OneSided(math.nan, defined=False)
    if status == "unknown" or math.isnan(value):
        return OneSided(math.nan, known=False)
    return OneSided(value)


def slopes_along(program: Program, point: Mapping[str, float],
                 direction: Mapping[str, float]) -> Slopes:
    """The slopes behind and ahead of the point along ``direction``."""
    ahead = one_sided(program, point, direction)
    back = one_sided(program, point, {name: -value for name, value in direction.items()})
    behind = OneSided(-back.value, back.defined, back.known)
    return Slopes(behind, ahead)


def smoothness(program: Program, point: Mapping[str, float]) -> Smoothness:
    """The kinks at ``point`` and, if there are any, the one-sided slopes along every input."""
    point = {name: float(point[name]) for name in program.variables if name in point}
    found = kinks(program, point)
    if not found:
        return Smoothness(point)
    slopes = {name: slopes_along(program, point, {name: 1.0}) for name in program.variables}
    return Smoothness(point, found, slopes)


def _side(side: OneSided, which: str) -> str:
    if not side.defined:
        return f"undefined {which} (no values there)"
    if math.isinf(side.value):
        return f"{'+' if side.value > 0 else '−'}∞ {which} (a vertical tangent)"
    return f"{format_number(side.value)} {which}"


def verdict_text(report: Smoothness, variable: str, function: str = "f") -> str:
    """Sentences on a derivative that does not exist (or that AD cannot decide), for a report
    with kinks (plain text; :func:`agreement_text` for the derivatives that exist).

    With one input: "f is not differentiable at x = 0: the evaluation passes through abs(x) at
    x = 0 (step w2), where abs has a corner. The slope of f is -1 to the left and 1 to the
    right." With several: "∂f/∂x1 does not exist at this point: … Along x1, the slope of f is
    …". ``function``: the function's name in the sentences (``F2`` for a Jacobian's component).
    """
    one_input = len(report.point) == 1
    at = f"{variable} = {format_number(report.point[variable])}"
    met = "; ".join(kink.text() for kink in report.kinks)
    slopes = report.slopes[variable]
    if report.partial_exists(variable) is None:
        subject = (f"whether {function} is differentiable at {at}" if one_input else
                   f"whether ∂{function}/∂{variable} exists at this point")
        return (f"Automatic differentiation cannot tell {subject}: the evaluation passes "
                f"through {met}, and the slopes of {function} there do not follow from first "
                f"derivatives.")
    subject = (f"{function} is not differentiable at {at}" if one_input else
               f"∂{function}/∂{variable} does not exist at this point")
    along = "" if one_input else f"Along {variable}, "
    slope = f"the slope of {function}" if one_input else f"the slope of {function}"
    sentence = (f"{along}{slope} is {_side(slopes.behind, 'to the left')} and "
                f"{_side(slopes.ahead, 'to the right')}.")
    return f"{subject}: the evaluation passes through {met}. {sentence[0].upper()}{sentence[1:]}"


def agreement_text(report: Smoothness, variables: list[str], function: str = "f") -> str:
    """One sentence for the derivatives that exist although the evaluation met a kink."""
    met = "; ".join(kink.text() for kink in report.kinks)
    slopes = ", ".join(format_number(report.slopes[v].slope) for v in variables)
    if len(report.point) == 1:
        (variable,) = variables
        at = f"{variable} = {format_number(report.point[variable])}"
        return (f"{function} is differentiable at {at} although the evaluation passes through "
                f"{met}: both one-sided slopes are {slopes}.")
    names = " and ".join(f"∂{function}/∂{v}" for v in variables)
    verb = "exists" if len(variables) == 1 else "exist"
    return (f"{names} {verb} at this point although the evaluation passes through {met}: the "
            f"one-sided slopes agree ({slopes}).")
