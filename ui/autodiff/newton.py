"""Tab 5: Newton's method, each tangent's slope from one dual-number evaluation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gmm_core.autodiff.lessons import newton_iterations
from ui.autodiff import describe, figures
from ui.autodiff.state import STATE
from ui.autodiff.widgets import chart, one_variable_formula, shown, text_table
from ui.kit.text import number

MAX_STEPS = 100


def newton() -> None:
    st.markdown(
        "Newton's method follows the tangent to the x-axis: "
        "$x_{n+1} = x_n - f(x_n)/f'(x_n)$. One evaluation of $f$ on the dual number "
        "$x_n + \\varepsilon$ gives both $f(x_n)$ and $f'(x_n)$."
    )
    expression, x0 = one_variable_formula("start x₀", "newton_formula", "newton_x0")
    if expression is None:
        return
    # The count of steps belongs to one (formula, start): changing either starts over.
    signature = (expression.text, x0)
    progress = STATE.newton_progress
    if not progress or progress[0] != signature:
        progress = (signature, 1)
    buttons = st.columns([1, 1, 4])
    if buttons[0].button("Newton step", key=STATE.key("newton_step"), type="primary"):
        progress = (signature, min(progress[1] + 1, MAX_STEPS))
    if buttons[1].button("Start over", key=STATE.key("newton_reset")):
        progress = (signature, 1)
    steps, status = newton_iterations(expression, x0, progress[1])
    STATE.newton_progress = (signature, min(progress[1], len(steps)))
    if not steps:  # no step could be taken from x₀: a property of f there, or a bad x₀
        st.warning(shown(status.removeprefix("stopped: ")), icon=":material/warning:")
        return
    low, high = figures.newton_plot_range(steps, x0)
    grid = np.linspace(low, high, 600)
    curve = np.broadcast_to(np.asarray(expression.evaluate({"x": grid}, strict=False), float),
                            grid.shape)
    chart_column, table_column = st.columns([1, 1])
    with chart_column:
        chart(figures.newton_figure(grid, curve, steps, expression.text), "newton_chart",
              describe.newton(expression.text, steps, low, high))
    with table_column:
        text_table(_newton_table(steps))
        if status.startswith("converged"):
            st.success(shown(status), icon=":material/check_circle:")
        elif status.startswith("stopped"):
            st.warning(shown(status), icon=":material/warning:")
        elif len(steps) >= MAX_STEPS:
            st.warning(f"{MAX_STEPS} steps without converging: Newton's method may be "
                       f"cycling or diverging here. Try another start.",
                       icon=":material/warning:")
        else:
            st.info(f"{len(steps)} step(s) so far. Press **Newton step** for the next one.")


def _newton_table(steps) -> pd.DataFrame:
    """One row per iterate, x with all 16 digits, to watch the correct ones double each step.

    The newest iterate (where the next step will start) ends the table, its f not yet computed.
    """
    rows = [{"n": index, "xₙ": f"{step.x:.16g}", "f(xₙ)": f"{step.value:.3g}",
             "f′(xₙ) from ε": number(step.slope)} for index, step in enumerate(steps)]
    if steps and steps[-1].next_x is not None:
        rows.append({"n": len(steps), "xₙ": f"{steps[-1].next_x:.16g}", "f(xₙ)": "…",
                     "f′(xₙ) from ε": "…"})
    return pd.DataFrame(rows)
