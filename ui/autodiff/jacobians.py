"""Tab 6: Jacobians of F: Rⁿ → Rᵐ, column by column (forward) and row by row (reverse)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gmm_core.autodiff import ExpressionError, parse_expression
from gmm_core.autodiff.expression import MAX_LENGTH, Expression
from gmm_core.autodiff.lessons import jacobian_study
from ui.autodiff import describe, figures
from ui.autodiff.state import STATE, bound
from ui.autodiff.widgets import GRAMMAR_HELP, chart, kink_notes, refused, shown, text_table
from ui.kit.text import number

MAX_COMPONENTS = 6


def jacobians() -> None:
    st.markdown(
        "For $F:\\mathbb{R}^n\\to\\mathbb{R}^m$ a forward sweep seeded with $\\dot x = e_j$ "
        "gives **column** $j$ of the Jacobian; a reverse sweep seeded with $\\bar y = e_i$ "
        "gives **row** $i$. So forward mode needs $n$ sweeps, reverse mode $m$: reverse wins "
        "when there are few outputs (a loss function has $m = 1$)."
    )
    names_column, formulas_column = st.columns([1, 3])
    with names_column:
        names_text = st.text_input("inputs", key=bound("jac_inputs"), max_chars=200,
                                   help="Comma-separated variable names, at most 8.")
    with formulas_column:
        formulas_text = st.text_area("components of F, one per line", key=bound("jac_formulas"),
                                     height=110, help=GRAMMAR_HELP,
                                     max_chars=MAX_COMPONENTS * (MAX_LENGTH + 1))
    try:
        expressions = _parse_components(names_text, formulas_text)
    except ExpressionError as refusal:
        refused(refusal)
        return
    variables = expressions[0].variables
    point_columns = st.columns(len(variables))
    point = {}
    for index, (name, column) in enumerate(zip(variables, point_columns, strict=True)):
        STATE.jac_point.setdefault(name, 1.0 + 0.5 * index)
        point[name] = column.number_input(shown(name), key=STATE.jac_point.key(name))
    try:
        study = jacobian_study(expressions, point)
    except ExpressionError as trouble:
        refused(trouble)
        return
    n_inputs, n_outputs = len(variables), len(expressions)
    outputs = [f"F{index + 1}" for index in range(n_outputs)]
    forward_column, reverse_column = st.columns(2)
    with forward_column:
        done = st.slider("forward sweeps done", 0, n_inputs, n_inputs,
                         key=STATE.key("jac_forward"))
        known = np.zeros((n_outputs, n_inputs), bool)
        known[:, :done] = True
        latest = np.zeros_like(known)
        if done:
            latest[:, done - 1] = True
        chart(figures.jacobian_figure(study.by_columns, known, latest, outputs, variables,
                                      f"Forward mode: {done} of {n_inputs} sweeps"),
              "jac_forward_chart", describe.jacobian("forward", done, n_inputs,
                                                     study.by_columns, known, outputs, variables))
    with reverse_column:
        done = st.slider("reverse sweeps done", 0, n_outputs, n_outputs,
                         key=STATE.key("jac_reverse"))
        known = np.zeros((n_outputs, n_inputs), bool)
        known[:done, :] = True
        latest = np.zeros_like(known)
        if done:
            latest[done - 1, :] = True
        chart(figures.jacobian_figure(study.by_rows, known, latest, outputs, variables,
                                      f"Reverse mode: {done} of {n_outputs} sweeps"),
              "jac_reverse_chart", describe.jacobian("reverse", done, n_outputs, study.by_rows,
                                                     known, outputs, variables))
    text_table(pd.DataFrame([
        {"mode": "forward", "one sweep gives": "one column (∂F/∂xⱼ)",
         "sweeps for the whole Jacobian": n_inputs},
        {"mode": "reverse", "one sweep gives": "one row (∇Fᵢ)",
         "sweeps for the whole Jacobian": n_outputs},
    ]))
    difference = float(max(np.abs(study.by_columns - study.by_rows).max(),
                           np.abs(study.by_vector_duals - study.by_rows).max()))
    winner = ("reverse" if n_outputs < n_inputs else "forward" if n_inputs < n_outputs
              else "either")
    for index, report in enumerate(study.smoothness):
        kink_notes(report, dict(zip(variables, study.by_rows[index], strict=True)),
                   function=outputs[index])
    st.markdown(f"Both modes give the same Jacobian (largest difference "
                f"{number(difference)}, also against one pass of vector dual numbers "
                f"with {n_inputs} ε parts, which carries all columns at once for {n_inputs}× the "
                f"work). With n = {n_inputs} inputs and m = {n_outputs} outputs, **{winner} "
                f"mode** needs fewer sweeps.")


def _parse_components(names_text: str, formulas_text: str) -> list[Expression]:
    parse_expression("0", names_text)  # the input names first, so that their errors say so
    lines = [line.strip() for line in formulas_text.splitlines() if line.strip()]
    if not lines:
        raise ExpressionError("Type at least one component of F, one formula per line.")
    if len(lines) > MAX_COMPONENTS:
        raise ExpressionError(f"At most {MAX_COMPONENTS} components, got {len(lines)}.")
    expressions = []
    for index, line in enumerate(lines, start=1):
        try:
            expressions.append(parse_expression(line, names_text))
        except ExpressionError as refusal:
            raise ExpressionError(f"Component F{index}: {refusal}") from None
    return expressions
