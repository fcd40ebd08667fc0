"""Fuzz tests of the automatic-differentiation page's pure functions (issue #17): random text,
random formulas from the grammar (kinks included) and extreme points. Nothing raises but
ExpressionError (a message for the student); no LaTeX command or HTML tag from outside gets
through; every figure builds."""

import math
import re

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gmm_core.autodiff import Dual, ExpressionError, parse_expression
from gmm_core.autodiff.codegen import overloading_source
from gmm_core.autodiff.lessons import (
    difference_quotients,
    finite_difference_study,
    jacobian_study,
    newton_iterations,
    trace_memory,
)
from gmm_core.autodiff.smoothness import agreement_text, smoothness, verdict_text
from ui.autodiff import describe, figures, traces
from ui.autodiff.dual_numbers import calculator_problem
from ui.autodiff.latex import forward_trace_latex, reverse_trace_latex, to_latex
from ui.autodiff.lecture import exact_gradient

VARIABLES = ("x1", "x2")
FORBIDDEN_LATEX = re.compile(r"\\(href|url|def|gdef|newcommand|input|includegraphics|html\w*)\b")
FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

EXTREMES = st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e308, -1e308, 1.7976931348623157e308,
                            5e-324, -5e-324, 1e-300, 1e16, math.pi / 2, 2.0])
NUMBERS = st.one_of(EXTREMES, st.floats(allow_nan=False, allow_infinity=False),
                    st.floats(-10, 10))


def _formulas(names):
    leaf = st.one_of(st.sampled_from(names),
                     st.sampled_from(["0", "1", "2", "0.5", "1e308", "1e-320", "pi", "e"]))

    def extend(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "abs",
                                       "-"]), children).map(lambda t: f"{t[0]}({t[1]})"),
        )

    return st.recursive(leaf, extend, max_leaves=10)


FORMULAS = _formulas(list(VARIABLES))
ONE_VARIABLE = _formulas(["x"])
POINTS = st.fixed_dictionaries({name: NUMBERS for name in VARIABLES})


def _parsed(text, variables):
    try:
        return parse_expression(text, variables)
    except ExpressionError:
        assume(False)


@FUZZ
@given(st.text(max_size=600))
def test_any_text_is_a_formula_or_a_message(text):
    try:
        expression = parse_expression(text, VARIABLES)
    except ExpressionError as refusal:
        assert str(refusal)
        return
    assert not FORBIDDEN_LATEX.search(to_latex(expression.canonical_text))


@FUZZ
@given(st.text(max_size=300))
def test_any_variable_list_is_names_or_a_message(text):
    try:
        expression = parse_expression("1", text)
    except ExpressionError as refusal:
        assert len(str(refusal)) < 400  # a pasted novel is not echoed whole
        return
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,15}", v) for v in expression.variables)


@FUZZ
@given(FORMULAS, POINTS, st.fixed_dictionaries({name: NUMBERS for name in VARIABLES}))
def test_the_trace_tabs_never_raise_and_never_emit_markup(text, point, seeds):
    expression = _parsed(text, VARIABLES)
    memory = trace_memory(expression)
    assert memory.tape_values == 2 + len(expression.instructions)
    assert 0 <= memory.forward_peak <= memory.tape_values
    report = smoothness(expression, point)
    for variable in VARIABLES:
        if report.kinks and report.partial_exists(variable) is True:
            assert agreement_text(report, [variable])
        elif report.kinks:
            assert verdict_text(report, variable)
    partials = exact_gradient(expression, point)
    for partial in (partials or {}).values():
        assert not FORBIDDEN_LATEX.search(partial.latex)
    assert "def f(x1, x2):" in overloading_source(expression, point, seeds)
    try:
        forward = expression.forward_sweep(point, seeds)
    except ExpressionError:
        forward = None
    if forward is not None:
        assert not FORBIDDEN_LATEX.search(forward_trace_latex(expression, forward))
        assert len(traces.forward_table(expression, forward)) == 2 + len(expression.instructions)
        assert traces.forward_graph(expression, forward).startswith("digraph")
        assert describe.forward_graph(expression, forward).startswith("Computational graph")
    try:
        reverse = expression.reverse_sweep(point)
    except ExpressionError:
        return
    assert not FORBIDDEN_LATEX.search(reverse_trace_latex(expression, reverse))
    assert traces.reverse_graph(expression, reverse).startswith("digraph")
    assert describe.reverse_graph(expression, reverse).endswith(".")
    traces.reverse_table(expression, reverse)


@FUZZ
@given(ONE_VARIABLE, NUMBERS)
def test_the_one_variable_tabs_never_raise(text, x):
    expression = _parsed(text, ("x",))
    try:
        study = finite_difference_study(expression, x)
    except ExpressionError as trouble:
        assert str(trouble)
    else:
        assert isinstance(figures.finite_difference_figure(study, expression.text), go.Figure)
        assert describe.finite_differences(study, expression.text).startswith("Log-log plot")
        for kind in ("forward", "central"):
            study.quotient_at_best(kind)
        study.relative(study.best_forward_error)
    quotients = difference_quotients(expression, x)
    assert quotients.forward.shape == (3,)
    steps, status = newton_iterations(expression, x, 5)
    assert status.startswith(("converged", "stopped", "running"))
    if steps:
        low, high = figures.newton_plot_range(steps, x)
        grid = np.linspace(low, high, 50)
        with np.errstate(all="ignore"):
            curve = np.broadcast_to(np.asarray(expression.evaluate({"x": grid}, strict=False),
                                               float), grid.shape)
        assert isinstance(figures.newton_figure(grid, curve, steps, expression.text), go.Figure)
        assert "Iterates: x₀" in describe.newton(expression.text, steps, low, high)
    report = smoothness(expression, {"x": x})
    sides = report.slopes["x"] if report.kinks else None
    slopes = (sides.behind.value, sides.ahead.value) if sides else (1.0, 1.0)
    grid = np.linspace(x - 2.0, x + 2.0, 41)
    with np.errstate(all="ignore"):
        curve = np.broadcast_to(np.asarray(expression.evaluate({"x": grid}, strict=False),
                                           float), grid.shape)
    assert isinstance(figures.tangent_figure(grid, curve, x, 0.0, slopes, expression.text),
                      go.Figure)
    assert describe.tangent(expression.text, grid, curve, x, 0.0, slopes).endswith(".")


@FUZZ
@given(st.lists(FORMULAS, min_size=1, max_size=3), POINTS)
def test_jacobians_never_raise(texts, point):
    expressions = [_parsed(text, VARIABLES) for text in texts]
    try:
        study = jacobian_study(expressions, point)
    except ExpressionError:
        return
    assert study.by_rows.shape == (len(texts), 2) and len(study.smoothness) == len(texts)
    known = np.ones(study.by_rows.shape, bool)
    assert isinstance(figures.jacobian_figure(study.by_rows, known, ~known, ["F1"] * len(texts),
                                              VARIABLES, "title"), go.Figure)
    assert describe.jacobian("reverse", 1, 1, study.by_rows, known, ["F1"] * len(texts),
                             VARIABLES).endswith("Every entry is known.")


@FUZZ
@given(NUMBERS, NUMBERS, st.sampled_from(["+", "−", "×", "÷", "power"]), NUMBERS, NUMBERS)
def test_the_calculator_always_has_a_result_or_a_cause(a, b, operation, c, d):
    with np.errstate(all="ignore"):
        left, right = Dual(a, b), Dual(c, d)
        result = {"+": lambda: left + right, "−": lambda: left - right,
                  "×": lambda: left * right, "÷": lambda: left / right,
                  "power": lambda: left ** (right if right.deriv != 0 else right.value)}[
            operation]()
    if not (np.isfinite(result.value) and np.isfinite(result.deriv)):
        assert calculator_problem(a, b, operation, c, d).endswith(".")


@pytest.mark.parametrize("hostile", ["\\href{https://evil.example}{x}", "$x$", "<img src=x>",
                                     "a}b{", "%{x}", "x\\y"])
def test_to_latex_shows_anything_unexpected_as_text(hostile):
    assert not FORBIDDEN_LATEX.search(to_latex(hostile))
    assert "$" not in to_latex(hostile)


def test_the_tangent_figures_range_stays_finite_for_values_near_the_largest_float():
    # f = 1e308·x on [-1.5, 1.5]: max − min overflows to inf if computed directly.
    grid = np.linspace(-1.5, 1.5, 7)
    with np.errstate(over="ignore"):
        curve = 1e308 * grid
    low, high = figures.tangent_figure(grid, curve, 0.0, 0.0, (1e308, 1e308),
                                       "1e308*x").layout.yaxis.range
    assert np.isfinite([low, high]).all() and low < float(np.nanmin(curve[np.isfinite(curve)]))
    assert high > 0
    # A constant still gets a visible band around it.
    flat = figures.tangent_figure(grid, np.full(7, 2.0), 0.0, 2.0, (0.0, 0.0), "2").layout
    assert flat.yaxis.range == (1.9, 2.1)
