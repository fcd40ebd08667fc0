"""Tab 1: dual numbers: the calculator, a function evaluated on a + ε, the elementary functions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gmm_core.autodiff import ALLOWED_FUNCTIONS, Dual, ExpressionError, parse_expression
from gmm_core.autodiff.lessons import value_and_derivative
from gmm_core.autodiff.smoothness import smoothness
from ui.autodiff import describe, figures
from ui.autodiff.state import bound
from ui.autodiff.widgets import (
    chart,
    kink_notes,
    math,
    one_variable_formula,
    refused,
    text_table,
)
from ui.kit.text import number

_OPERATIONS = {
    "+": (lambda p, q: p + q, r"(a + c) + (b + d)\,\varepsilon"),
    "−": (lambda p, q: p - q, r"(a - c) + (b - d)\,\varepsilon"),
    "×": (lambda p, q: p * q, r"ac + (ad + bc)\,\varepsilon + bd\,\varepsilon^2 "
                              r"= ac + (ad + bc)\,\varepsilon"),
    "÷": (lambda p, q: p / q, r"\frac{a}{c} + \frac{bc - ad}{c^2}\,\varepsilon"),
    # With d = 0 the exponent is a plain number: no log a term, so (-2 + ε)^3 works.
    "power": (lambda p, q: p ** (q if q.deriv != 0 else q.value),
              r"a^c + \left(c\,a^{c-1} b + a^c \ln a \; d\right)\varepsilon"),
}
_SYMBOLS = {"+": "+", "−": "-", "×": r"\times", "÷": r"\div", "power": "^"}


def _dual_latex(value: float, deriv: float) -> str:
    sign = "-" if deriv < 0 else "+"
    return rf"{number(value)} {sign} {number(abs(deriv))}\,\varepsilon"


def dual_numbers() -> None:
    st.markdown(
        "A **dual number** $a + b\\,\\varepsilon$ is a pair of real numbers with a new unit "
        "$\\varepsilon$ whose square is zero: $\\varepsilon^2 = 0$ (but $\\varepsilon \\neq 0$). "
        "Arithmetic is the usual one, with every $\\varepsilon^2$ dropped. The $\\varepsilon$ "
        "part then follows the rules of differentiation by itself:"
    )
    math(r"f(a + b\,\varepsilon) = f(a) + f'(a)\,b\,\varepsilon"
             r"\qquad\text{(Taylor: all terms with } \varepsilon^2, \varepsilon^3, \dots"
             r"\text{ vanish)}")
    _calculator()
    a_point = _function_on_a_dual()
    st.markdown("**The elementary functions on $a + \\varepsilon$**: each one knows its own "
                "derivative (this table is computed, not typed).")
    text_table(_elementary_table(a_point))


def _calculator() -> None:
    st.subheader("Calculator")
    columns = st.columns(5)
    a = columns[0].number_input("a", key=bound("calc_a"),
                                help="The value of the first number a + bε.")
    b = columns[1].number_input("b (ε part)", key=bound("calc_b"))
    operation = columns[2].selectbox("operation", list(_OPERATIONS), key=bound("calc_op"))
    c = columns[3].number_input("c", key=bound("calc_c"),
                                help="The value of the second number c + dε.")
    d = columns[4].number_input("d (ε part)", key=bound("calc_d"))
    apply, rule = _OPERATIONS[operation]
    symbol = _SYMBOLS[operation]
    with np.errstate(all="ignore"):
        result = apply(Dual(a, b), Dual(c, d))
    math(rf"(a + b\varepsilon) {symbol} (c + d\varepsilon) = {rule}")
    if np.isfinite(result.value) and np.isfinite(result.deriv):
        math(rf"({_dual_latex(a, b)}) {symbol} ({_dual_latex(c, d)}) = "
                 rf"{_dual_latex(result.value, result.deriv)}")
    else:
        st.warning(f"This result is not a real number: {calculator_problem(a, b, operation, c, d)}"
                   " Change the inputs.", icon=":material/warning:")


def calculator_problem(a: float, b: float, operation: str, c: float, d: float) -> str:
    """Why (a + bε) op (c + dε) has no real value or ε part (the calculator's inputs)."""
    if operation == "÷" and c == 0:
        return "a division by zero (c = 0)."
    if operation == "power":
        if a < 0 and d == 0 and c != round(c):
            return "a negative number a to a fractional power c has no real value."
        if a == 0 and c < 0:
            return "0 to a negative power divides by zero."
        if a <= 0 and d != 0:
            return ("its ε part needs ln a (the exponent has an ε part d ≠ 0), and ln a is "
                    "not defined for a ≤ 0.")
        if a == 0 and c < 1 and c != 0:
            return ("the slope of a^c at a = 0 is infinite for c < 1 (c·a^(c−1) divides by "
                    "zero).")
    return ("a number overflowed: the result is larger than about 1.8e308, the largest "
            "floating-point number.")


def _function_on_a_dual() -> float:
    """The formula box and its tangent; returns the point a (the table below uses it too)."""
    st.subheader("A function evaluated on a + ε")
    st.markdown("Evaluate any formula on $x = a + 1\\,\\varepsilon$: the $\\varepsilon$ part of "
                "the result is the derivative $f'(a)$, exact, with no step size, wherever $f$ "
                "has a derivative.")
    expression, a = one_variable_formula("a", "poly_formula", "poly_a")
    if expression is None:
        return a
    report = smoothness(expression, {"x": a})
    exists = report.partial_exists("x")
    try:
        value, slope = value_and_derivative(expression, "x", a)
    except ExpressionError as trouble:
        if report.kinks:  # e.g. sqrt at 0: the rule's slope is infinite; say why
            kink_notes(report)
        else:
            refused(trouble)
        return a
    dual = rf"f({number(a)} + \varepsilon) = {_dual_latex(value, slope)}"
    if exists:
        math(rf"{dual}\quad\Rightarrow\quad f({number(a)}) = {number(value)},\;\; "
                 rf"f'({number(a)}) = {number(slope)}")
        slopes = (slope, slope)
    else:
        math(rf"{dual}\quad\Rightarrow\quad f({number(a)}) = {number(value)},"
                 rf"\;\; \text{{but the }}\varepsilon\text{{ part is not }} f'({number(a)})")
        sides = report.slopes["x"]
        slopes = (sides.behind.value, sides.ahead.value)
    kink_notes(report, {"x": slope})
    grid = np.linspace(a - 2.0, a + 2.0, 401)
    curve = np.asarray(expression.evaluate({"x": grid}, strict=False), float)
    curve = np.broadcast_to(curve, grid.shape)
    chart(figures.tangent_figure(grid, curve, a, value, slopes, expression.text),
          "tangent_chart", describe.tangent(expression.text, grid, curve, a, value, slopes))
    return a


def _elementary_table(a: float) -> pd.DataFrame:
    rows = []
    for name in ALLOWED_FUNCTIONS:
        with np.errstate(all="ignore"):
            result = getattr(Dual(a, 1.0), name)()
        defined = np.isfinite(result.value)
        kinks = smoothness(parse_expression(f"{name}(x)", ("x",)), {"x": a}).kinks
        if kinks:
            slope = f"none at {number(a)}: {kinks[0].why}"
        elif defined and np.isfinite(result.deriv):
            slope = number(result.deriv)
        else:
            slope = "undefined"
        rows.append({
            "function": f"{name}(a + ε)",
            "value f(a)": number(result.value) if defined else "undefined",
            "ε part f′(a)": slope,
        })
    return pd.DataFrame(rows)
