"""What tabs 2 and 3 share: the lecture's function at its point, and its exact partial
derivatives by symbolic differentiation (the independent check of AD)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from gmm_core.autodiff import ExpressionError, parse_expression
from gmm_core.autodiff.expression import Expression
from gmm_core.autodiff.smoothness import Smoothness, smoothness
from ui.autodiff.latex import to_latex

# Expression swell: a longer symbolic derivative is counted, not printed.
LONGEST_SHOWN_DERIVATIVE = 160


@dataclass(frozen=True)
class LectureFunction:
    """The function of tabs 2 and 3, the point where it is differentiated, and what the
    evaluation met there (kinks and one-sided slopes)."""

    expression: Expression
    point: dict[str, float]
    smoothness: Smoothness


def lecture_function(expression: Expression, point: dict[str, float]) -> LectureFunction:
    return LectureFunction(expression, point, smoothness(expression, point))


@dataclass(frozen=True)
class ExactPartial:
    """∂f/∂x by symbolic differentiation: ``latex`` (or a count of its characters), its
    ``value`` at the point, or the ``problem`` that stops it being evaluated there."""

    latex: str
    value: float | None
    problem: str | None


@functools.lru_cache(maxsize=128)
def _symbolic_gradient(text: str, variables: tuple[str, ...]) -> dict[str, Expression] | None:
    """∂f/∂x for each variable, differentiated once per formula (shared by the two tabs)."""
    expression = parse_expression(text, variables)
    try:
        return {name: expression.derivative(name) for name in variables}
    except ExpressionError:
        return None


def exact_gradient(expression: Expression, point: dict[str, float]
                   ) -> dict[str, ExactPartial] | None:
    """Each partial derivative by symbolic differentiation, evaluated at ``point``; None when
    the formula is too deeply nested for the symbolic differentiator."""
    derivatives = _symbolic_gradient(expression.text, expression.variables)
    if derivatives is None:
        return None
    partials = {}
    for name, derivative in derivatives.items():
        latex = (to_latex(derivative.text) if len(derivative.text) <= LONGEST_SHOWN_DERIVATIVE
                 else rf"\text{{(a formula of {len(derivative.text)} characters)}}")
        try:
            partials[name] = ExactPartial(latex, float(derivative.evaluate(point)), None)
        except ExpressionError as trouble:
            partials[name] = ExactPartial(latex, None, str(trouble))
    return partials


def undefined_partials(partials: dict[str, ExactPartial]) -> list[str]:
    """Sentences for the symbolic partials that cannot be evaluated at the point (plain text)."""
    return [f"The symbolic formula for ∂f/∂{name} is undefined at this point: {partial.problem}"
            for name, partial in partials.items() if partial.value is None]


def ad_gradient(function: LectureFunction) -> dict[str, float] | None:
    """The gradient reverse mode reports at a kink (None when smooth, or when a local partial
    is infinite there and the sweep refuses)."""
    if not function.smoothness.kinks:
        return None
    try:
        return function.expression.gradient(function.point)
    except ExpressionError:
        return None
