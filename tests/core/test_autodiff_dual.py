"""Dual numbers: every operator, the elementary functions, vector duals, numpy interoperability.

The reference derivatives are written by hand (calculus) or come from the complex-step method
f'(x) = Im f(x + ih)/h, exact to round-off for analytic f.
"""

import cmath
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_core.autodiff import Dual, cos, exp, log, seed_variables, sin, sqrt, tan, tanh
from gmm_core.autodiff import abs as ad_abs

STEP = 1e-20  # the complex step: no subtraction, so no cancellation however small


def complex_step(function, x):
    return function(complex(x, STEP)).imag / STEP


def test_the_defining_rule_epsilon_squared_is_zero():
    epsilon = Dual(0.0, 1.0)
    square = epsilon * epsilon
    assert square.value == 0.0 and square.deriv == 0.0


def test_constructor_stores_value_and_deriv():
    number = Dual(3, 2)
    assert number.value == 3.0 and number.deriv == 2.0 and number.n_seeds is None
    assert Dual(1.5).deriv == 0.0
    assert str(Dual(3, -2)) == "3 - 2ε"


@pytest.mark.parametrize(
    ("result", "value", "deriv"),
    [
        (lambda x: x + 2, 5.0, 1.0),
        (lambda x: 2 + x, 5.0, 1.0),
        (lambda x: x - 2, 1.0, 1.0),
        (lambda x: 2 - x, -1.0, -1.0),
        (lambda x: x * 4, 12.0, 4.0),
        (lambda x: 4 * x, 12.0, 4.0),
        (lambda x: x / 2, 1.5, 0.5),
        (lambda x: 6 / x, 2.0, -6 / 9),
        (lambda x: x**2, 9.0, 6.0),
        (lambda x: 2**x, 8.0, 8 * math.log(2)),
        (lambda x: -x, -3.0, -1.0),
        (lambda x: +x, 3.0, 1.0),
        (lambda x: abs(-x), 3.0, 1.0),
        (lambda x: x * x * x - 2 * x + 1, 22.0, 25.0),
        (lambda x: (x + 1) / (x - 1), 2.0, -0.5),
    ],
)
def test_arithmetic_with_constants_on_both_sides(result, value, deriv):
    out = result(Dual(3.0, 1.0))
    assert out.value == pytest.approx(value, rel=1e-15)
    assert out.deriv == pytest.approx(deriv, rel=1e-15)


def test_operations_between_two_duals():
    a, b = Dual(2.0, 1.0), Dual(5.0, 3.0)
    assert (a + b).deriv == 4.0
    assert (a - b).deriv == -2.0
    assert (a * b).deriv == 1.0 * 5.0 + 2.0 * 3.0
    assert (a / b).deriv == pytest.approx((1.0 * 5.0 - 2.0 * 3.0) / 25.0)


def test_power_with_a_dual_exponent():
    # d/dt of a(t)^b(t) with a = 2 + t, b = 3 + 2t at t = 0: 3·2²·1 + 2³·log 2·2
    out = Dual(2.0, 1.0) ** Dual(3.0, 2.0)
    assert out.value == 8.0
    assert out.deriv == pytest.approx(12.0 + 16.0 * math.log(2.0), rel=1e-15)


def test_power_rule_corner_cases():
    assert (Dual(0.0, 1.0) ** 0).deriv == 0.0  # x^0 = 1 has slope 0, also at 0
    assert (Dual(0.0, 1.0) ** 2).deriv == 0.0
    assert (Dual(-2.0, 1.0) ** 3).deriv == 12.0  # integer powers of negative numbers are fine
    assert (Dual(0.0, 1.0) ** Dual(2.0, 1.0)).deriv == 0.0  # 0^b·log 0 -> 0 for b > 0
    assert math.isinf((Dual(0.0, 1.0) ** 0.5).deriv)  # the slope of sqrt at 0 is infinite


def test_comparisons_look_at_the_value_only():
    a, b = Dual(2.0, 100.0), Dual(3.0, -100.0)
    assert a < b and a <= b and b > a and b >= a and a != b
    assert Dual(2.0, 1.0) == Dual(2.0, 5.0)
    assert a < 2.5 and a == 2.0


def test_mixing_seed_counts_is_refused():
    with pytest.raises(ValueError, match="different numbers of seeds"):
        _ = Dual(1.0, [1.0, 0.0]) + Dual(1.0, 1.0)


def test_a_deriv_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="fits neither"):
        Dual(np.zeros(3), np.zeros(2))


FUNCTIONS = [
    (sin, cmath.sin, 0.7),
    (cos, cmath.cos, 0.7),
    (tan, cmath.tan, 0.7),
    (exp, cmath.exp, 0.7),
    (log, cmath.log, 0.7),
    (sqrt, cmath.sqrt, 0.7),
    (tanh, cmath.tanh, 0.7),
]


@pytest.mark.parametrize(("function", "oracle", "x"), FUNCTIONS)
def test_elementary_functions_against_the_complex_step(function, oracle, x):
    out = function(Dual(x, 1.0))
    assert out.value == pytest.approx(oracle(x).real, rel=1e-15)
    assert out.deriv == pytest.approx(complex_step(oracle, x), rel=1e-14)


@pytest.mark.parametrize(("function", "oracle", "x"), FUNCTIONS)
def test_elementary_functions_accept_floats_arrays_and_numpy_ufuncs(function, oracle, x):
    assert function(x) == pytest.approx(oracle(x).real)
    grid = np.array([0.3, x, 1.1])
    np.testing.assert_allclose(function(grid), [oracle(v).real for v in grid])
    via_numpy = getattr(np, function.__name__)(Dual(x, 1.0))
    assert isinstance(via_numpy, Dual)
    assert via_numpy.deriv == pytest.approx(function(Dual(x, 1.0)).deriv, rel=1e-15)


def test_abs_is_the_sign_with_zero_at_the_kink():
    assert ad_abs(Dual(-2.0, 1.0)).deriv == -1.0
    assert ad_abs(Dual(2.0, 1.0)).deriv == 1.0
    assert ad_abs(Dual(0.0, 1.0)).deriv == 0.0
    assert np.abs(Dual(-3.0, 2.0)).deriv == -2.0
    assert ad_abs(-4.0) == 4.0


@settings(max_examples=200, deadline=None)
@given(st.floats(-3.0, 3.0), st.floats(0.1, 3.0))
def test_a_composite_function_against_the_complex_step(x, y):
    # f(x, y) = exp(sin(x)·y) / (1 + x²) + log(y)·sqrt(y) - tanh(x·y)³
    def f(a, b, m):
        return m.exp(m.sin(a) * b) / (1 + a * a) + m.log(b) * m.sqrt(b) - m.tanh(a * b) ** 3

    class DualMath:
        exp, sin, log, sqrt, tanh = exp, sin, log, sqrt, tanh

    x_dual, y_dual = seed_variables([x, y])  # one pass, both partials (vector dual)
    out = f(x_dual, y_dual, DualMath)
    d_dx = f(complex(x, STEP), y, cmath).imag / STEP
    d_dy = f(x, complex(y, STEP), cmath).imag / STEP
    np.testing.assert_allclose(out.deriv, [d_dx, d_dy], rtol=1e-12, atol=1e-13)


def test_vector_duals_give_the_gradient_in_one_pass():
    x1, x2 = seed_variables([2.0, 3.0])
    assert x1.n_seeds == 2
    f = x1 * x2 + sin(x1)  # the lecture's example
    np.testing.assert_allclose(f.deriv, [3.0 + math.cos(2.0), 2.0])
    one_direction = seed_variables([2.0, 3.0], directions=[1.0, 1.0])
    g = one_direction[0] * one_direction[1] + sin(one_direction[0])
    assert g.deriv == pytest.approx(f.deriv.sum())


def test_array_valued_duals_broadcast_with_numpy_arrays():
    x = Dual(np.array([1.0, 2.0, 3.0]), 1.0)  # one seed, elementwise derivative
    np.testing.assert_array_equal(x.deriv, [1.0, 1.0, 1.0])
    y = np.array([2.0, 2.0, 2.0]) * x**2 + np.array([1.0, 0.0, -1.0])
    np.testing.assert_allclose(y.value, [3.0, 8.0, 17.0])
    np.testing.assert_allclose(y.deriv, [4.0, 8.0, 12.0])
    assert y.shape == (3,) and y.ndim == 1 and len(y) == 3
    assert np.all(y > 2.0)


def test_matrix_products_and_sums_of_vector_duals():
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(3, 3))
    points = rng.normal(size=(5, 3))
    centre = Dual(np.array([0.5, -0.2, 0.1]), np.eye(3))  # seeds: one per coordinate
    # f(c) = Σ_i |A (x_i - c)|², gradient -2 Σ_i Aᵀ A (x_i - c)
    whitened = (points - centre) @ matrix.T
    f = (whitened * whitened).sum()
    expected = -2.0 * matrix.T @ matrix @ (points - centre.value).sum(axis=0)
    np.testing.assert_allclose(f.deriv, expected, rtol=1e-12)
    left = matrix @ centre  # constant @ dual
    np.testing.assert_allclose(left.deriv, matrix)
    np.testing.assert_allclose(left[1].deriv, matrix[1])


def test_product_of_two_dual_matrices():
    a = Dual(np.eye(2), np.ones((2, 2)))
    b = Dual(np.array([[1.0, 2.0], [3.0, 4.0]]), np.eye(2))
    product = a @ b
    np.testing.assert_allclose(product.value, b.value)
    np.testing.assert_allclose(product.deriv, np.ones((2, 2)) @ b.value + np.eye(2))


def test_no_runtime_warnings_at_singular_points():
    # log(0) = -inf and sqrt'(0) = inf are reported as numbers; the formula layer explains them
    assert log(Dual(0.0, 1.0)).value == -math.inf
    assert sqrt(Dual(0.0, 1.0)).deriv == math.inf
    assert math.isnan((Dual(-1.0, 1.0) ** 0.5).value)
