"""The page's lessons as plain functions: finite differences, Newton, Jacobians."""

import math

import numpy as np
import pytest

from gmm_core.autodiff import EvaluationError, parse_expression
from gmm_core.autodiff.errors import NotDifferentiableError
from gmm_core.autodiff.lessons import (
    MACHINE_EPSILON,
    finite_difference_study,
    jacobian_study,
    newton_iterations,
)


def test_finite_differences_of_the_lecture_cube():
    study = finite_difference_study(parse_expression("x**3", ["x"]), 1.0)
    assert study.exact_derivative == 3.0 and study.exact_text == "3 * x ** 2"
    assert study.ad_error == 0.0
    # truncation: forward error ≈ 3h, central ≈ h² for large h
    big = study.steps == 1e-2
    assert study.forward_errors[big][0] == pytest.approx(3e-2, rel=0.02)
    assert study.central_errors[big][0] == pytest.approx(1e-4, rel=0.02)
    # round-off: the best steps sit near √ε and ∛ε, and both beat neither AD nor 1e-12
    assert 1e-10 < study.best_forward_step < 1e-6
    assert 1e-7 < study.best_central_step < 1e-3
    assert np.nanmin(study.forward_errors) > 1e3 * MACHINE_EPSILON


def test_finite_differences_skip_steps_outside_the_domain():
    study = finite_difference_study(parse_expression("sqrt(x)", ["x"]), 0.25)
    assert np.isnan(study.central_errors[-1])  # x - 1 < 0: sqrt undefined there
    assert np.isfinite(study.forward_errors[-1])


def test_finite_differences_fall_back_to_ad_for_a_very_deep_formula():
    tower = parse_expression("x" + "**x" * 160, ["x"])
    study = finite_difference_study(tower, 0.9)
    assert study.exact_text is None and study.ad_error == 0.0


def test_finite_differences_report_an_undefined_point():
    with pytest.raises(EvaluationError):
        finite_difference_study(parse_expression("log(x)", ["x"]), -1.0)
    # abs at 0: no derivative, said with its cause (a kink) and the one-sided slopes
    with pytest.raises(NotDifferentiableError, match="f is not differentiable at x = 0: the "
                       r"evaluation passes through abs\(x\) at x = 0 \(step w2\)"):
        finite_difference_study(parse_expression("abs(x)", ["x"]), 0.0)


def test_newton_converges_quadratically_to_newtons_own_root():
    steps, status = newton_iterations(parse_expression("x**3 - 2*x - 5", ["x"]), 3.0, 50)
    assert status.startswith("converged")
    final = steps[-1].x if steps[-1].next_x is None else steps[-1].next_x
    assert final == pytest.approx(2.0945514815423265, abs=1e-14)
    errors = [abs(s.x - 2.0945514815423265) for s in steps[:4]]
    assert errors[2] < errors[1] ** 2 and errors[3] < errors[2] ** 2 * 10


def test_newton_reports_flat_tangents_and_undefined_points():
    steps, status = newton_iterations(parse_expression("x**2 + 1", ["x"]), 0.0, 5)
    assert "horizontal" in status and steps[-1].next_x is None
    _steps, status = newton_iterations(parse_expression("sqrt(x) - 1", ["x"]), -1.0, 5)
    assert status.startswith("stopped") and "Square root" in status
    steps, status = newton_iterations(parse_expression("x**3 - 2*x - 5", ["x"]), 3.0, 2)
    assert status == "running" and len(steps) == 2


def test_jacobian_by_columns_equals_jacobian_by_rows():
    variables = ["x1", "x2", "x3"]
    functions = [parse_expression(text, variables)
                 for text in ("x1*x2 + sin(x3)", "x1**2 - x2*x3")]
    study = jacobian_study(functions, {"x1": 1.0, "x2": 1.5, "x3": 2.0})
    expected = np.array([[1.5, 1.0, math.cos(2.0)], [2.0, -2.0, -1.5]])
    np.testing.assert_allclose(study.by_columns, expected, rtol=1e-15)
    np.testing.assert_allclose(study.by_rows, expected, rtol=1e-15)
    np.testing.assert_allclose(study.by_vector_duals, expected, rtol=1e-15)
    assert study.sweeps == (3, 2)
    np.testing.assert_allclose(study.values, [1.5 + math.sin(2.0), -2.0])
