"""Tab 3: reverse mode on the lecture's function: the adjoint sweep, the graph with local
partials, and the memory the tape costs."""

from __future__ import annotations

import re

import streamlit as st

from gmm_core.autodiff import ExpressionError
from gmm_core.autodiff.lessons import trace_memory
from gmm_core.autodiff.rules import partial_texts, trace_names
from ui.autodiff import describe, traces
from ui.autodiff.latex import reverse_trace_latex, to_latex
from ui.autodiff.lecture import LectureFunction, ad_gradient, exact_gradient, undefined_partials
from ui.autodiff.widgets import describe_figure, kink_notes, math, refused, shown, text_table
from ui.kit.text import number


def reverse_mode(function: LectureFunction | None) -> None:
    st.markdown(
        "Reverse mode runs the program once forwards, recording it on a *tape*, then sweeps it "
        "backwards propagating **adjoints** $\\bar w_i = \\partial f/\\partial w_i$, starting "
        "from $\\bar f = 1$. Each edge multiplies by its local partial derivative; where a "
        "variable is used twice, the contributions add up. **One sweep gives the whole "
        "gradient**: the adjoints of the inputs $w_1 = x_1$ and $w_2 = x_2$ are "
        "$\\partial f/\\partial x_1$ and $\\partial f/\\partial x_2$."
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
    st.markdown("**Adjoint sweep**, last step first: $\\bar w_i = \\sum_j \\bar w_j\\,"
                "\\partial w_j/\\partial w_i$ over the steps $j$ that use $w_i$")
    math(reverse_trace_latex(expression, sweep))
    st.markdown("**Graph** with adjoints; each edge shows its local partial ∂")
    st.graphviz_chart(traces.reverse_graph(expression, sweep), width="content")
    describe_figure(describe.reverse_graph(expression, sweep))
    with st.expander("The sweep as a table"):
        text_table(traces.reverse_table(expression, sweep))
    gradient = sweep.gradient
    st.markdown(f"**Reverse mode, one sweep:** $\\nabla f = "
                f"({number(gradient['x1'])},\\ {number(gradient['x2'])})$. "
                f"Forward mode needs {len(expression.variables)} sweeps for this, one per input.")
    partials = exact_gradient(expression, point)
    if partials is not None:
        values = {name: partial.value for name, partial in partials.items()}
        text = (f"$\\partial f/\\partial x_1 = {partials['x1'].latex}$ and "
                f"$\\partial f/\\partial x_2 = {partials['x2'].latex}$")
        if None in values.values():
            st.markdown(f"**Exact**, by symbolic differentiation: {text}.")
            for sentence in undefined_partials(partials):
                st.warning(shown(sentence), icon=":material/warning:")
        else:
            error = max(abs(values[n] - gradient[n]) for n in expression.variables)
            st.markdown(f"**Exact:** $\\nabla f = ({number(values['x1'])},\\ "
                        f"{number(values['x2'])})$ from {text}. Largest difference: "
                        f"{number(error)}.")
    kink_notes(function.smoothness, ad_gradient(function))
    _memory(function)
    with st.expander("The adjoint program, written by source transformation"):
        st.markdown("The tape above is recorded by operator overloading (the `Node` class "
                    "records each operation as the program runs); a tool can instead *write* "
                    "the adjoint program, the original lines followed by the adjoint lines in "
                    "reverse order:")
        st.code(expression.reverse_source(), language="python", wrap_lines=True)


def _memory(function: LectureFunction) -> None:
    """The memory cost of reverse mode for this function: the tape keeps every intermediate."""
    memory = trace_memory(function.expression)
    last = f"w_{{{memory.tape_values}}}"
    st.markdown(
        f"**What reverse mode costs in memory.** The backward sweep needs the values of the "
        f"forward sweep{_needed_value(function.expression)}, so the tape keeps all "
        f"{memory.tape_values} values $w_1, \\dots, {last}$ of this function until the sweep "
        f"has passed. Forward mode can forget a value once its last user has run: at most "
        f"{memory.forward_peak} (value, tangent) pairs are alive at once here. The tape grows "
        f"with the length of the program, forward mode's memory only with the number of values "
        f"alive at once: a loop of a million steps keeps a million values on the tape.")
    columns = st.columns(2)
    columns[0].metric("reverse mode: values kept on the tape", memory.tape_values)
    columns[1].metric("forward mode: most (value, tangent) pairs alive at once",
                      memory.forward_peak)


def _needed_value(expression) -> str:
    """Why this trace's backward sweep needs the forward sweep's values: an example of a local
    partial that reads one (or, when every local partial is a constant, that it would not)."""
    names = trace_names(expression)
    for instruction in expression.instructions:
        known = [names(arg) for arg in instruction.args if not arg.is_constant]
        known.append(instruction.name)
        for partial, arg in zip(partial_texts(instruction, names), instruction.args,
                                strict=True):
            used = [name for name in known if re.search(rf"\b{name}\b", partial or "")]
            if partial is not None and used:
                return (f" (the local partial of ${to_latex(instruction.name)} = "
                        f"{to_latex(instruction.definition(names))}$ with respect to "
                        f"${to_latex(names(arg))}$ is ${to_latex(partial)}$, so "
                        f"${to_latex(used[0])}$ must still be known)")
    return (" in general (here every local partial is a constant, so this sweep would not "
            "read them, but a tape records every value as the program runs)")
