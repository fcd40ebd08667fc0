"""Messages of the formula language name the true cause (issue #17): pasted typography, an
overflowing tangent, an undefined symbolic derivative, a very long refused name."""

import pytest

from gmm_core.autodiff import EvaluationError, ExpressionError, parse_expression


@pytest.mark.parametrize(("text", "hint"), [
    ("−x + 1", "It looks like a minus sign: type the ASCII minus - instead."),
    ("x – 1", "It looks like a minus sign"),
    ("x² + 1", "For a power, write **2 (x**2, not x²)."),
    ("x³", "write **3"),
    ("2×x", "For a product, type * (2*x)."),
    ("x÷2", "For a division, type /."),
    ("√x", "For a square root, type sqrt(x)."),
    ("2π", "For π, type pi."),
])
def test_pasted_typography_gets_a_hint(text, hint):
    with pytest.raises(ExpressionError, match="cannot appear in a formula") as refused:
        parse_expression(text, ["x"])
    assert hint in str(refused.value)


def test_an_overflowing_tangent_is_called_an_overflow_not_a_kink():
    expression = parse_expression("x1*x2 + sin(x1)", ["x1", "x2"])
    with pytest.raises(EvaluationError, match="Overflow in the derivative in 'x1\\*x2' "
                                              "\\(step w3 = w1 \\* w2\\)"):
        expression.forward_sweep({"x1": 2.0, "x2": 3.0}, {"x1": 1e308, "x2": 1e308})
    with pytest.raises(EvaluationError, match="sqrt is not differentiable at 0"):
        parse_expression("sqrt(x1)", ["x1"]).forward_sweep({"x1": 0.0}, {"x1": 1.0})


def test_a_division_by_zero_names_the_denominator_and_the_lecture_step():
    with pytest.raises(EvaluationError, match=r"Division by zero in '1/\(x1-2\)' \(step w4 = "
                                              r"1 / w3\): the denominator x1-2 is 0"):
        parse_expression("1/(x1-2) + x2", ["x1", "x2"]).evaluate({"x1": 2.0, "x2": 1.0})


def test_a_long_refused_name_is_quoted_short():
    with pytest.raises(ExpressionError) as refused:
        parse_expression("x", ["a" * 5000])
    message = str(refused.value)
    assert "… (5000 characters)' cannot be a variable name" in message and len(message) < 250
