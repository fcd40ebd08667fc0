"""Tabs 2 and 3: forward and reverse mode on the lecture's function f(x1, x2)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import streamlit as st

from gmm_core.autodiff import ExpressionError, parse_expression
from gmm_core.autodiff.expression import Expression
from gmm_core.autodiff.sweeps import ForwardSweep
from ui.autodiff import figures
from ui.autodiff.latex import forward_trace_latex, reverse_trace_latex, to_latex
from ui.autodiff.state import LECTURE_VARIABLES, bound
from ui.autodiff.widgets import formula_box, refused
from ui.kit.text import number


@dataclass(frozen=True)
class LectureFunction:
    """The function of tabs 2 and 3 and the point where it is differentiated."""

    expression: Expression
    point: dict[str, float]


_LONGEST_SHOWN_DERIVATIVE = 160


@functools.lru_cache(maxsize=128)
def _symbolic_gradient(text: str, variables: tuple[str, ...]) -> dict[str, Expression] | None:
    """∂f/∂x for each variable, differentiated once per formula (shared by the two tabs)."""
    expression = parse_expression(text, variables)
    try:
        return {name: expression.derivative(name) for name in variables}
    except ExpressionError:
        return None


def _exact_gradient(expression: Expression, point: dict[str, float]):
    """(each partial derivative as LaTeX, their values) or None if they cannot be had."""
    derivatives = _symbolic_gradient(expression.text, expression.variables)
    if derivatives is None:
        return None
    texts, values = {}, {}
    for name, derivative in derivatives.items():
        try:
            values[name] = float(derivative.evaluate(point))
        except ExpressionError:
            return None
        # Expression swell: a long symbolic derivative is counted, not printed.
        texts[name] = (to_latex(derivative.text) if len(derivative.text)
                       <= _LONGEST_SHOWN_DERIVATIVE else
                       rf"\text{{(a formula of {len(derivative.text)} characters)}}")
    return texts, values


def forward_mode() -> LectureFunction | None:
    st.markdown(
        "Forward mode evaluates the program on dual numbers: each step $w_i$ carries its value "
        "and its **tangent** $\\dot w_i$, the derivative along the chosen seed direction "
        "$\\dot x$. One sweep gives one directional derivative $\\nabla f \\cdot \\dot x$."
    )
    columns = st.columns([4, 1, 1, 1, 1])
    with columns[0]:
        expression = formula_box("f(x1, x2) =", "formula", LECTURE_VARIABLES)
    x1 = columns[1].number_input("x1", key=bound("x1"))
    x2 = columns[2].number_input("x2", key=bound("x2"))
    seed1 = columns[3].number_input("seed ẋ1", key=bound("seed1"))
    seed2 = columns[4].number_input("seed ẋ2", key=bound("seed2"))
    if expression is None:
        return None
    point = {"x1": x1, "x2": x2}
    try:
        sweep = expression.forward_sweep(point, {"x1": seed1, "x2": seed2})
    except ExpressionError as trouble:
        refused(trouble)
        return LectureFunction(expression, point)
    st.markdown("**Evaluation trace** (the Wengert list): every step $w_i$ with its value, "
                "and beside it the chain rule for its tangent $\\dot w_i$")
    st.latex(forward_trace_latex(expression, sweep))
    graph_column, result_column = st.columns([3, 2])
    with graph_column:
        st.markdown("**Computational graph** with values and tangents")
        st.graphviz_chart(figures.forward_graph(expression, sweep), width="content")
    with result_column:
        _forward_result(expression, sweep, point, (seed1, seed2))
        with st.expander("The trace as a table"):
            st.dataframe(figures.forward_table(expression, sweep), hide_index=True,
                         width="stretch")
        with st.expander("The derivative program, written by source transformation"):
            st.markdown("An AD tool can also *write* the derivative program: after each line "
                        "of the original, the line of its tangent (like the lecture's "
                        "`diff_function.c`).")
            st.code(expression.forward_source(), language="python")
    return LectureFunction(expression, point)


def _forward_result(expression: Expression, sweep: ForwardSweep, point, seeds) -> None:
    exact = _exact_gradient(expression, point)
    st.markdown(f"**Forward mode:** $\\dot f = \\nabla f\\cdot\\dot x = "
                f"{number(sweep.derivative)}$ (seed $\\dot x = "
                f"({number(seeds[0])}, {number(seeds[1])})$).")
    if exact is None:
        st.info("The symbolic derivative is too large to compare here.")
        return
    texts, values = exact
    exact_directional = values["x1"] * seeds[0] + values["x2"] * seeds[1]
    st.markdown(
        f"**Exact**, by symbolic differentiation: $\\partial f/\\partial x_1 = "
        f"{texts['x1']}$, $\\partial f/\\partial x_2 = {texts['x2']}$, "
        f"so $\\nabla f\\cdot\\dot x = {number(exact_directional)}$. Difference "
        f"from AD: {number(abs(exact_directional - sweep.derivative))}."
    )


def reverse_mode(function: LectureFunction | None) -> None:
    st.markdown(
        "Reverse mode runs the program once forwards, recording it on a *tape*, then sweeps it "
        "backwards propagating **adjoints** $\\bar w_i = \\partial f/\\partial w_i$, starting "
        "from $\\bar f = 1$. Each edge multiplies by its local partial derivative; where a "
        "variable is used twice, the contributions add up. **One sweep gives the whole "
        "gradient.**"
    )
    st.caption("The function and the point are those of the Forward mode tab.")
    if function is None:
        st.warning("Type a valid formula in the Forward mode tab first.",
                   icon=":material/warning:")
        return
    expression, point = function.expression, function.point
    st.markdown(f"$f(x_1, x_2) = {to_latex(expression.canonical_text)}$ at "
                f"$x_1 = {number(point['x1'])}$, $x_2 = {number(point['x2'])}$")
    try:
        sweep = expression.reverse_sweep(point)
    except ExpressionError as trouble:
        refused(trouble)
        return
    trace_column, graph_column = st.columns([1, 2])
    with trace_column:
        st.markdown("**Adjoint sweep**, last step first: $\\bar w_i = \\sum_j \\bar w_j\\,"
                    "\\partial w_j/\\partial w_i$ over the steps $j$ that use $w_i$")
        st.latex(reverse_trace_latex(expression, sweep))
    with graph_column:
        st.markdown("**Graph** with adjoints; each edge shows its local partial ∂")
        st.graphviz_chart(figures.reverse_graph(expression, sweep), width="content")
    with st.expander("The sweep as a table"):
        st.dataframe(figures.reverse_table(expression, sweep), hide_index=True, width="stretch")
    gradient = sweep.gradient
    st.markdown(f"**Reverse mode, one sweep:** $\\nabla f = "
                f"({number(gradient['x1'])},\\ {number(gradient['x2'])})$. "
                f"Forward mode needs {len(expression.variables)} sweeps for this, one per input.")
    exact = _exact_gradient(expression, point)
    if exact is not None:
        texts, values = exact
        error = max(abs(values[n] - gradient[n]) for n in expression.variables)
        st.markdown(f"**Exact:** $\\nabla f = ({number(values['x1'])},\\ "
                    f"{number(values['x2'])})$ from $\\partial f/\\partial x_1 = "
                    f"{texts['x1']}$ and $\\partial f/\\partial x_2 = "
                    f"{texts['x2']}$. Largest difference: {number(error)}.")
    with st.expander("The adjoint program, written by source transformation"):
        st.code(expression.reverse_source(), language="python")
