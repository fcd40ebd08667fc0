"""Tab 2: forward mode on the lecture's function f(x1, x2): the trace numbered as in the lecture,
the graph, and the two ways a tool gets the dual program (source transformation and operator
overloading)."""

from __future__ import annotations

import inspect

import pandas as pd
import streamlit as st

from gmm_core.autodiff import Dual, ExpressionError
from gmm_core.autodiff.codegen import overloading_source
from gmm_core.autodiff.expression import Expression
from gmm_core.autodiff.sweeps import ForwardSweep
from ui.autodiff import describe, traces
from ui.autodiff.latex import forward_trace_latex
from ui.autodiff.lecture import (
    LectureFunction,
    ad_gradient,
    exact_gradient,
    lecture_function,
    undefined_partials,
)
from ui.autodiff.state import LECTURE_VARIABLES, bound
from ui.autodiff.widgets import (
    describe_figure,
    formula_box,
    kink_notes,
    math,
    refused,
    shown,
    text_table,
)
from ui.kit.text import number

# The lines of this app's forward mode, the Dual class (counted, not typed).
DUAL_CLASS_LINES = len(inspect.getsourcelines(Dual)[0])


def forward_mode() -> LectureFunction | None:
    st.markdown(
        "Forward mode evaluates the program on dual numbers: each step $w_i$ carries its value "
        "and its **tangent** $\\dot w_i$, the derivative of $w_i$ along the chosen **seed** "
        "direction $\\dot x = (\\dot x_1, \\dot x_2)$. One sweep gives one directional "
        "derivative $\\dot f = \\nabla f \\cdot \\dot x$ (with $\\nabla f$ the gradient, the "
        "vector of partial derivatives $\\partial f/\\partial x_j$)."
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
    function = lecture_function(expression, {"x1": x1, "x2": x2})
    seeds = {"x1": seed1, "x2": seed2}
    try:
        sweep = expression.forward_sweep(function.point, seeds)
    except ExpressionError as trouble:
        refused(trouble)
        kink_notes(function.smoothness)
        return function
    st.markdown("**Evaluation trace**, numbered as in the lecture: the inputs are "
                "$w_1 = x_1$ and $w_2 = x_2$, every operation is a new step $w_3, w_4, \\dots$; "
                "beside each step, the chain rule for its tangent $\\dot w_i$")
    math(forward_trace_latex(expression, sweep))
    graph_column, result_column = st.columns([3, 2])
    with graph_column:
        st.markdown("**Computational graph** with values and tangents")
        st.graphviz_chart(traces.forward_graph(expression, sweep), width="content")
        describe_figure(describe.forward_graph(expression, sweep))
    with result_column:
        _forward_result(function, sweep, seeds)
        with st.expander("The trace as a table"):
            text_table(traces.forward_table(expression, sweep))
    _two_ways(expression, function.point, seeds, sweep)
    return function


def _forward_result(function: LectureFunction, sweep: ForwardSweep, seeds) -> None:
    st.markdown(f"**Forward mode:** $\\dot f = \\nabla f\\cdot\\dot x = "
                f"{number(sweep.derivative)}$ (seed $\\dot x = "
                f"({number(seeds['x1'])}, {number(seeds['x2'])})$).")
    partials = exact_gradient(function.expression, function.point)
    if partials is None:
        st.info("The formula is too deeply nested for the symbolic differentiator, so there is "
                "no exact derivative to compare with here.")
    else:
        values = {name: partial.value for name, partial in partials.items()}
        text = (f"**Exact**, by symbolic differentiation: $\\partial f/\\partial x_1 = "
                f"{partials['x1'].latex}$, $\\partial f/\\partial x_2 = {partials['x2'].latex}$")
        if None in values.values():
            st.markdown(text + ".")
            for sentence in undefined_partials(partials):
                st.warning(shown(sentence), icon=":material/warning:")
        else:
            exact = values["x1"] * seeds["x1"] + values["x2"] * seeds["x2"]
            st.markdown(text + f", so $\\nabla f\\cdot\\dot x = {number(exact)}$. Difference "
                        f"from AD: {number(abs(exact - sweep.derivative))}.")
    kink_notes(function.smoothness, ad_gradient(function))


def _two_ways(expression: Expression, point, seeds, sweep: ForwardSweep) -> None:
    st.subheader("How a tool gets the dual program: two ways")
    st.markdown(
        "The lecture's *dual program* (every step followed by its tangent) can be obtained in "
        "two ways. Both give the same numbers here, "
        f"$\\dot f = {number(sweep.derivative)}$:")
    overloading, transformation = st.columns(2)
    with overloading:
        st.markdown("**Operator overloading**: the numbers carry their tangents. The "
                    "program stays as it is, and every `+ − * /` and function is defined "
                    "again for dual numbers: this page's `Dual` class (like the lecture's "
                    "`function.cpp` with its `Number` type).")
        st.code(overloading_source(expression, point, seeds), language="python",
                wrap_lines=True)
    with transformation:
        st.markdown("**Source transformation**: a tool reads the program and *writes* a new "
                    "one, each line followed by the line of its tangent (like the lecture's "
                    "`diff_function.c`). This one was written from your formula:")
        st.code(expression.forward_source(), language="python", wrap_lines=True)
    text_table(_comparison(expression))


def _comparison(expression: Expression) -> pd.DataFrame:
    """The lecture's advantages and costs of the two ways, with this formula's numbers."""
    original = len(expression.instructions)
    generated = 2 * original
    swell = f" (here the trace's {original} lines become {generated})" if original else ""
    return pd.DataFrame([
        {"aspect": "how", "source transformation": "a tool rewrites the program's text",
         "operator overloading (this page's Dual)": "the program runs on new number types"},
        {"aspect": "advantages",
         "source transformation": "possible in every language; works on old Fortran/C code; "
                                  "the compiler can optimise the derivative program",
         "operator overloading (this page's Dual)": "no change to your code; flexible when the "
                                                    "code changes; the tool is easy to write "
                                                    f"(Dual is {DUAL_CLASS_LINES} lines here)"},
        {"aspect": "costs",
         "source transformation": "source code swell: every line gets a tangent line"
                                  f"{swell}; the tool is hard to write (it must read the "
                                  "language)",
         "operator overloading (this page's Dual)": "only in languages that let you redefine "
                                                    "operators; slower: every operation is a "
                                                    "method call that builds a new object at "
                                                    "run time"},
    ])
