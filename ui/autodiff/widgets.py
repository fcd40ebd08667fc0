"""What every tab of the automatic-differentiation page draws the same way: a formula box, a
chart, a message."""

from __future__ import annotations

import streamlit as st

from gmm_core.autodiff import ALLOWED_FUNCTIONS, ExpressionError, parse_expression
from gmm_core.autodiff.expression import MAX_LENGTH, Expression
from ui.autodiff.state import STATE, bound
from ui.kit.display import show_figure

GRAMMAR_HELP = (
    "Numbers, the variables, + − * / ** (powers: x**2, not x^2), parentheses, the constants pi "
    f"and e, and the functions {', '.join(ALLOWED_FUNCTIONS)}. At most {MAX_LENGTH} characters."
)


def formula_box(label: str, name: str, variables) -> Expression | None:
    """A formula box bound to field ``name``; the parsed expression, or None with the reason
    shown."""
    text = st.text_input(label, key=bound(name), max_chars=MAX_LENGTH, help=GRAMMAR_HELP)
    try:
        return parse_expression(text, variables)
    except ExpressionError as refusal:
        refused(refusal)
        return None


def one_variable_formula(point_label: str, formula_field: str,
                         point_field: str) -> tuple[Expression | None, float]:
    """A formula f(x) and a point side by side: (the parsed formula or None, the point)."""
    formula_column, point_column = st.columns([3, 1])
    with formula_column:
        expression = formula_box("f(x) =", formula_field, ("x",))
    with point_column:
        point = st.number_input(point_label, key=bound(point_field))
    return expression, point


def refused(problem: Exception | str) -> None:
    """A refused formula or a point where it cannot be evaluated: one error box."""
    st.error(str(problem), icon=":material/error:")


def chart(figure, name: str) -> None:
    """A Plotly figure across the column, keyed by the declared field ``name``."""
    show_figure(figure, key=STATE.key(name), width="stretch")
