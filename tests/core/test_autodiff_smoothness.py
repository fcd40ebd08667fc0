"""Kinks, one-sided slopes and the memory of the two modes (gmm_core.autodiff.smoothness and
lessons): AD's rule at abs(0) gives 0, and these say when that is not a derivative."""

import math

import numpy as np
import pytest

from gmm_core.autodiff import Dual, EvaluationError, parse_expression
from gmm_core.autodiff.codegen import overloading_source
from gmm_core.autodiff.errors import NotDifferentiableError
from gmm_core.autodiff.lessons import (
    difference_quotients,
    finite_difference_study,
    jacobian_study,
    newton_iterations,
    trace_memory,
)
from gmm_core.autodiff.mixture_gradient import reverse_tape_size
from gmm_core.autodiff.smoothness import (
    agreement_text,
    kinks,
    one_sided,
    slopes_along,
    smoothness,
    verdict_text,
)
from gmm_core.datasets import load_preset
from gmm_core.initialisation import initial_params


def _one(text):
    return parse_expression(text, ["x"])


@pytest.mark.parametrize(("text", "x", "operations"), [
    ("abs(x)", 0.0, ["abs"]),
    ("abs(x - 2) + x", 2.0, ["abs"]),
    ("sqrt(x)", 0.0, ["sqrt"]),
    ("x**1.5", 0.0, ["power"]),
    ("abs(x) + abs(-x)", 0.0, ["abs", "abs"]),
    ("abs(x)", 0.5, []),
    ("sqrt(4) + x", 0.0, []),  # sqrt of a constant is a number, not a kink of f
    ("x**2", 0.0, []),
])
def test_kinks_are_found_where_the_operation_has_no_derivative(text, x, operations):
    assert [kink.operation for kink in kinks(_one(text), {"x": x})] == operations


def test_a_kink_names_its_step_and_its_piece_of_the_formula():
    (kink,) = kinks(parse_expression("abs(x1)*x2", ["x1", "x2"]), {"x1": 0.0, "x2": 3.0})
    assert (kink.step, kink.source, kink.where) == ("w3", "abs(x1)", "x1 = 0")
    assert kink.text() == "abs(x1) at x1 = 0 (step w3), where abs has a corner"


@pytest.mark.parametrize(("text", "x", "behind", "ahead"), [
    ("abs(x)", 0.0, -1.0, 1.0),
    ("abs(x - 2) + 2*x", 2.0, 1.0, 3.0),
    ("abs(x)**2", 0.0, 0.0, 0.0),
    ("(abs(x) + x) - (abs(x) - x)", 0.0, 2.0, 2.0),  # = 2x: the kinks cancel
    ("abs(x)*sin(x) + 3*x", 0.0, 3.0, 3.0),
    ("x**3 - 2*x", 1.5, 3 * 1.5**2 - 2, 3 * 1.5**2 - 2),  # smooth: both sides are f'
])
def test_one_sided_slopes(text, x, behind, ahead):
    slopes = slopes_along(_one(text), {"x": x}, {"x": 1.0})
    assert slopes.behind.value == pytest.approx(behind)
    assert slopes.ahead.value == pytest.approx(ahead)
    assert slopes.agree == (behind == pytest.approx(ahead))


def test_one_sided_slopes_match_difference_quotients_on_random_kinked_formulas():
    rng = np.random.default_rng(3)
    for text in ("abs(x - 1) * exp(x)", "abs(sin(x)) + x**2", "abs(x)*abs(x - 1) - x"):
        expression = _one(text)
        for x in (0.0, 1.0, float(rng.uniform(-1, 2))):
            slopes = slopes_along(expression, {"x": x}, {"x": 1.0})
            h = 1e-7
            f = lambda t, e=expression: float(e.evaluate({"x": t}))  # noqa: E731
            assert slopes.ahead.value == pytest.approx((f(x + h) - f(x)) / h, abs=1e-5)
            assert slopes.behind.value == pytest.approx((f(x) - f(x - h)) / h, abs=1e-5)


def test_sqrt_at_zero_is_vertical_to_the_right_and_undefined_to_the_left():
    slopes = slopes_along(_one("sqrt(x)"), {"x": 0.0}, {"x": 1.0})
    assert slopes.ahead.value == math.inf and not slopes.behind.defined
    assert slopes.decided and not slopes.agree
    undecided = one_sided(_one("sqrt(x**4)"), {"x": 0.0}, {"x": 1.0})  # = x², but AD cannot tell
    assert not undecided.known


def test_verdicts_say_what_is_true_in_each_case():
    report = smoothness(_one("abs(x)"), {"x": 0.0})
    assert verdict_text(report, "x") == (
        "f is not differentiable at x = 0: the evaluation passes through abs(x) at x = 0 "
        "(step w2), where abs has a corner. The slope of f is -1 to the left and 1 to the right.")
    smooth_square = smoothness(_one("abs(x)**2"), {"x": 0.0})
    assert smooth_square.partial_exists("x") is True
    assert agreement_text(smooth_square, ["x"]).startswith(
        "f is differentiable at x = 0 although the evaluation passes through abs(x)")
    root = smoothness(_one("sqrt(x)"), {"x": 0.0})
    assert "undefined to the left (no values there) and +∞ to the right (a vertical tangent)" \
        in verdict_text(root, "x")
    unknown = smoothness(_one("sqrt(x**4)"), {"x": 0.0})
    assert unknown.partial_exists("x") is None
    assert verdict_text(unknown, "x").startswith("Automatic differentiation cannot tell whether")
    assert not smoothness(_one("x**2"), {"x": 0.0}).kinks


def test_the_issue_example_abs_x1_times_x2():
    expression = parse_expression("abs(x1)*x2", ["x1", "x2"])
    report = smoothness(expression, {"x1": 0.0, "x2": 3.0})
    assert report.missing_partials == ("x1",) and report.partial_exists("x2") is True
    assert verdict_text(report, "x1").startswith("∂f/∂x1 does not exist at this point")
    assert "the slope of f is -3 to the left and 3 to the right" in verdict_text(report, "x1")
    # the symbolic derivative is undefined there (0/0), and the message says why
    with pytest.raises(EvaluationError, match=r"Division by zero in 'x1 / abs\(x1\)': the "
                                              r"denominator abs\(x1\) is 0"):
        expression.derivative("x1").evaluate({"x1": 0.0, "x2": 3.0})
    # at x2 = 0 the function is flat along x1: the partial exists although abs met 0
    flat = smoothness(expression, {"x1": 0.0, "x2": 0.0})
    assert flat.partial_exists("x1") is True and flat.slopes["x1"].slope == 0.0


def test_finite_differences_at_a_kink_and_through_a_harmless_one():
    with pytest.raises(NotDifferentiableError) as caught:
        finite_difference_study(_one("abs(x)"), 0.0)
    assert caught.value.smoothness.missing_partials == ("x",)
    study = finite_difference_study(_one("abs(x)**2"), 0.0)
    assert study.reference == "one-sided" and study.exact_derivative == 0.0
    quotients = difference_quotients(_one("abs(x)"), 0.0)
    np.testing.assert_allclose(quotients.forward, 1.0)
    np.testing.assert_allclose(quotients.backward, -1.0)
    np.testing.assert_allclose(quotients.central, 0.0)


def test_finite_differences_where_x_minus_h_is_never_defined_do_not_raise():
    study = finite_difference_study(_one("sqrt(x)"), 1e-20)  # x − h < 0 for every h here
    assert math.isnan(study.best_central_step) and math.isnan(study.best_central_error)
    assert math.isnan(study.quotient_at_best("central"))
    assert study.best_forward_step > 0


def test_newton_stops_at_a_kink_and_says_why():
    steps, status = newton_iterations(_one("abs(x) - 1"), 0.0, 5)
    assert steps == [] and status.startswith("stopped: f is not differentiable at x = 0")
    assert "Newton's method follows the tangent" in status
    steps, status = newton_iterations(_one("abs(x)"), 0.0, 5)  # a root at the kink
    assert status.startswith("converged") and len(steps) == 1


def test_jacobian_reports_kinks_per_component():
    expressions = [parse_expression(t, ["x1", "x2"]) for t in ("abs(x1)*x2", "x1 + x2")]
    study = jacobian_study(expressions, {"x1": 0.0, "x2": 2.0})
    assert study.smoothness[0].missing_partials == ("x1",)
    assert not study.smoothness[1].kinks


@pytest.mark.parametrize(("text", "variables", "tape", "peak"), [
    ("x1*x2 + sin(x1)", ["x1", "x2"], 5, 3),  # the lecture: w1 … w5 on the tape, 3 alive
    ("sin(sin(sin(sin(x))))", ["x"], 5, 2),  # a chain: the tape grows, forward mode does not
    ("x", ["x"], 1, 1),
])
def test_the_memory_of_each_mode(text, variables, tape, peak):
    memory = trace_memory(parse_expression(text, variables))
    assert (memory.tape_values, memory.forward_peak) == (tape, peak)


def test_a_long_chain_keeps_every_value_on_the_tape_but_two_in_forward_mode():
    chain = "x"
    for _ in range(40):
        chain = f"sin({chain})"
    memory = trace_memory(_one(chain))
    assert memory.tape_values == 41 and memory.forward_peak == 2


def test_the_operator_overloading_program_runs_and_gives_the_sweep():
    expression = parse_expression("x1*x2 + sin(x1) + abs(x2)*pi - exp(x1)/2", ["x1", "x2"])
    point, seeds = {"x1": 2.0, "x2": -3.0}, {"x1": 1.0, "x2": 0.5}
    source = overloading_source(expression, point, seeds)
    assert "def f(x1, x2):\n" in source and "return x1 * x2 + sin(x1)" in source
    namespace = {}
    # Test-only: runs code *we generated* from a validated formula, to check what it shows.
    runnable = source.replace("print(", "_ = (")
    exec(compile(runnable, "<overloading>", "exec"), namespace)  # noqa: S102
    result = namespace["result"]
    sweep = expression.forward_sweep(point, seeds)
    assert isinstance(result, Dual)
    assert result.value == pytest.approx(sweep.value) and result.deriv == pytest.approx(
        sweep.derivative)


def test_the_mixture_tape_is_counted():
    X = load_preset("tutorial-2d").X
    params = initial_params(X, 3, "full", "random-points", seed=0)
    operations, numbers = reverse_tape_size(X, params)
    assert operations > 10 and numbers > X.size  # the tape holds more than the data
