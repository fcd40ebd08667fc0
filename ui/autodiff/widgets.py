"""What every tab of the automatic-differentiation page draws the same way: a formula box, a
chart with its description, messages, and the notes on kinks.

Messages from ``gmm_core.autodiff`` quote the typed formula, so they are shown as plain text
through ``untrusted_markdown``, never as Markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gmm_core.autodiff import ALLOWED_FUNCTIONS, ExpressionError, parse_expression
from gmm_core.autodiff.expression import MAX_LENGTH, Expression
from gmm_core.autodiff.smoothness import Smoothness, agreement_text, verdict_text
from ui.autodiff.state import STATE, bound
from ui.kit.display import show_figure
from ui.kit.escape import untrusted_markdown
from ui.kit.text import number

GRAMMAR_HELP = (  # Markdown: the operators in code spans, so that ** is not bold
    "Numbers, the variables, `+ - * / **` (powers: `x**2`, not `x^2`), parentheses, the "
    f"constants `pi` and `e`, and the functions {', '.join(f'`{f}`' for f in ALLOWED_FUNCTIONS)}."
    f" At most {MAX_LENGTH} characters."
)
# A message quotes at most a formula (MAX_LENGTH) and a few sentences around it.
MESSAGE_CHARS = 3 * MAX_LENGTH


def shown(text: object) -> str:
    """Text that did not come from the app's source, as Markdown that shows exactly it."""
    return untrusted_markdown(text, max_chars=MESSAGE_CHARS)


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


def math(latex: str) -> None:
    """A displayed formula, as display-style math inside Markdown. ``st.latex`` puts a formula
    wider than its column into a scroll box that a keyboard cannot reach; here a wide formula
    widens the page, which scrolls as usual. ``latex`` is the app's own (or from a parsed
    formula, see ``ui.autodiff.latex``): it never contains ``$``."""
    st.markdown(f"$\\displaystyle {latex}$")


def text_table(frame: pd.DataFrame) -> None:
    """A small table of text as a Markdown table: its cells wrap, so it never becomes a scroll
    box that a keyboard cannot reach (a wide ``st.dataframe`` or ``st.table`` does: their cells
    do not wrap). Every cell and heading is shown literally (``|`` included)."""
    header = "| " + " | ".join(shown(name) for name in frame.columns) + " |"
    rule = "|" + " --- |" * len(frame.columns)
    rows = ["| " + " | ".join(shown(cell) for cell in row) + " |"
            for row in frame.itertuples(index=False)]
    st.markdown("\n".join([header, rule, *rows]))


def refused(problem: Exception | str) -> None:
    """A refused formula or a point where it cannot be evaluated: one error box."""
    st.error(shown(problem), icon=":material/error:")


def chart(figure, name: str, description: str) -> None:
    """A Plotly figure across the column, keyed by the declared field ``name``, with its text
    alternative under it (what the figure shows in the current state, for every reader)."""
    show_figure(figure, key=STATE.key(name), width="stretch")
    describe_figure(description)


def describe_figure(description: str) -> None:
    """The "Describe this figure" line under a figure (plain text, escaped)."""
    st.caption(f"**Describe this figure:** {shown(description)}")


def kink_notes(report: Smoothness, ad_slopes: dict[str, float] | None = None,
               function: str = "f") -> None:
    """What the evaluation met at a kink (nothing when it met none): a warning for every input
    along which f has no derivative (or AD cannot tell), one note for those along which the
    one-sided slopes agree.

    ad_slopes: variable -> the derivative AD reported there; its rule at a corner of abs takes
    sign(0) = 0, a convention, which is said when it is not the truth. function: the name of
    the function in the sentences (``F2`` for a Jacobian's component).
    """
    if not report.kinks:
        return
    agreeing = []
    for variable in report.slopes:
        ad = None if ad_slopes is None else ad_slopes.get(variable)
        if report.partial_exists(variable) is True:
            agreeing.append(variable)
            if ad is not None and ad != report.slopes[variable].slope:
                st.warning(shown(f"{agreement_text(report, [variable], function)} AD reports "
                                 f"{number(ad)} {_convention(report)}"),
                           icon=":material/warning:")
                agreeing.pop()
            continue
        text = verdict_text(report, variable, function)
        if ad is not None:
            text += f" AD reports {number(ad)} {_convention(report)}"
        st.warning(shown(text), icon=":material/warning:")
    if agreeing:
        st.info(shown(agreement_text(report, agreeing, function)), icon=":material/info:")


def _convention(report: Smoothness) -> str:
    """Why AD reports a number where there is no derivative."""
    if any(kink.operation == "abs" for kink in report.kinks):
        return ("because it applies each operation's rule at the point, and its rule for abs "
                "at 0 takes sign(0) = 0: a convention, not a derivative.")
    return ("because it applies each operation's rule at the point, which here gives a number "
            "that is not a derivative.")
