"""The figures' text alternatives (ui.autodiff.describe) say what each figure shows."""

import math

import numpy as np

from gmm_core.autodiff import parse_expression
from gmm_core.autodiff.lessons import NewtonStep, finite_difference_study
from ui.autodiff import describe


def test_a_tangent_and_one_sided_tangents():
    grid = np.linspace(-1.0, 3.0, 5)
    smooth = describe.tangent("x**2", grid, grid**2, 1.0, 1.0, (2.0, 2.0))
    assert smooth == ("The curve of f(x) = x**2 for x from -1 to 3 (f(x) runs from 0 to 9), with "
                      "the point (a, f(a)) = (1, 1) and the tangent there, a straight line with "
                      "slope 2.")
    kink = describe.tangent("abs(x)", grid, np.abs(grid), 0.0, 0.0, (-1.0, 1.0))
    assert kink.endswith("f has a kink there: the figure draws two half-lines, to the left with "
                         "slope -1 and to the right with slope 1.")
    root = describe.tangent("sqrt(x)", grid, np.sqrt(np.abs(grid)), 0.0, 0.0, (math.nan,
                                                                              math.inf))
    assert root.endswith("the figure draws no tangent.")
    edge = describe.tangent("x**1.5", grid, grid, 0.0, 0.0, (math.nan, 0.0))
    assert edge.endswith("one half-line, to the right with slope 0.")
    empty = describe.tangent("log(x)", grid, np.full(5, np.nan), 1.0, 0.0, (1.0, 1.0))
    assert "f is undefined over the whole range" in empty


def test_the_graphs_list_inputs_and_steps():
    expression = parse_expression("x1*x2 + sin(x1)", ["x1", "x2"])
    point = {"x1": 2.0, "x2": 3.0}
    forward = describe.forward_graph(expression, expression.forward_sweep(point, {"x1": 1.0}))
    assert "Inputs: w1 = x1 (value 2, tangent 1); w2 = x2 (value 3, tangent 0)." in forward
    assert "w3 = w1 * w2 (value 6, tangent 3)" in forward and forward.endswith("is w5.")
    reverse = describe.reverse_graph(expression, expression.reverse_sweep(point))
    assert "labelled with its local partial derivative" in reverse
    assert "w1 = x1 (value 2, adjoint 2.58385)" in reverse
    long_chain = parse_expression("sin(" * 10 + "x1" + ")" * 10, ["x1"])
    sweep = long_chain.forward_sweep({"x1": 0.5}, {"x1": 1.0})
    assert "and 4 more" in describe.forward_graph(long_chain, sweep)


def test_finite_differences_newton_jacobian_race_and_paths():
    study = finite_difference_study(parse_expression("x**3", ["x"]), 1.0)
    text = describe.finite_differences(study, "x**3")
    assert text.startswith("Log-log plot of the absolute error of the derivative of f(x) = "
                           "x**3 at x = 1 against the step h from 1e-16 to 1:")
    assert "AD's error is 0 at every h (a flat line)" in text
    one_sided = finite_difference_study(parse_expression("sqrt(x)", ["x"]), 1e-20)
    assert "the central difference is undefined for every h here" in \
        describe.finite_differences(one_sided, "sqrt(x)")
    steps = [NewtonStep(3.0, 16.0, 25.0, 2.36), NewtonStep(2.36, 3.42, 14.7, None)]
    assert describe.newton("x**3 - 2*x - 5", steps, 2.0, 3.5).endswith(
        "with the x-axis and 1 Newton tangent(s), each from (xₙ, f(xₙ)) down to the x-axis at "
        "the next iterate. Iterates: x₀ = 3; x₁ = 2.36.")
    jacobian = np.array([[1.0, 2.0], [3.0, 4.0]])
    known = np.array([[True, False], [True, False]])
    assert describe.jacobian("forward", 1, 2, jacobian, known, ["F1", "F2"], ["a", "b"]) == (
        "The 2 × 2 Jacobian as a grid, one row per output and one column per input, after 1 of "
        "2 forward sweeps (one column each). Known: ∂F1/∂a = 1; ∂F2/∂a = 3. 2 entries are not "
        "computed yet (shown as ?).")
    assert describe.jacobian("reverse", 2, 2, jacobian, np.ones((2, 2), bool), ["F1", "F2"],
                             ["a", "b"]).endswith("Every entry is known.")
    assert describe.race(np.array([-20.0, -10.0]), np.array([-20.0, -15.0]), 10, 3.0) == (
        "Log-likelihood per point ℓ/N against the iteration: EM from -2 to -1 in 1 iterations; "
        "gradient ascent (η = 3) from -2 to -1.5 in 1 iterations.")
    means = np.zeros((2, 1, 2))
    means[1, 0] = [1.0, 2.0]
    assert describe.paths(np.zeros((4, 2)), means, means, ["a", "b"]) == (
        "4 data points (a across, b up) with the fixed 2σ ellipses of the start and the paths "
        "of the 1 means: mean 1 from (0.00, 0.00) to (1.00, 2.00) by EM and to (1.00, 2.00) by "
        "gradient ascent.")
