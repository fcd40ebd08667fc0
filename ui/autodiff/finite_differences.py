"""Tab 4: finite differences against AD: the error of a difference quotient against its step h,
and what the quotients say where f has no derivative."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from gmm_core.autodiff import ExpressionError
from gmm_core.autodiff.errors import NotDifferentiableError
from gmm_core.autodiff.expression import Expression
from gmm_core.autodiff.lessons import (
    FiniteDifferenceStudy,
    difference_quotients,
    finite_difference_study,
)
from ui.autodiff import describe, figures
from ui.autodiff.widgets import (
    chart,
    kink_notes,
    one_variable_formula,
    refused,
    shown,
    text_table,
)
from ui.kit.text import number


def finite_differences() -> None:
    st.markdown(
        "A difference quotient needs a step $h$. Its **truncation error** shrinks with $h$ "
        "(like $h$ for forward, $h^2$ for central differences), but its **round-off error** "
        "grows like $\\varepsilon_{\\text{mach}}/h$, where $\\varepsilon_{\\text{mach}} "
        "\\approx 2.2\\cdot 10^{-16}$ (machine epsilon, the gap between 1 and the next "
        "floating-point number; not the $\\varepsilon$ of dual numbers): $f(x+h)$ and $f(x)$ "
        "agree in almost all digits and the subtraction cancels them. AD has no step and no "
        "cancellation."
    )
    expression, x = one_variable_formula("x", "fd_formula", "fd_x")
    if expression is None:
        return
    try:
        study = finite_difference_study(expression, x)
    except NotDifferentiableError as kink:
        _no_derivative(expression, x, kink)
        return
    except ExpressionError as trouble:
        refused(trouble)
        return
    chart(figures.finite_difference_figure(study, expression.text), "fd_chart",
          describe.finite_differences(study, expression.text))
    if study.reference == "AD":
        st.info("This formula is too deep for the symbolic differentiator: the errors are "
                "measured against the AD derivative instead.")
    metrics = st.columns(2)
    metrics[0].metric("exact f′(x)", number(study.exact_derivative),
                      help=shown(_exact_help(study)))
    metrics[1].metric("AD f′(x) (dual numbers)", f"{study.ad_derivative:.15g}",
                      help="The value from one evaluation on x + ε; its error is in the table.")
    st.markdown("**How far each method is from the exact f′(x)** (the errors, not the "
                "derivatives; the quotients' errors at their best step h):")
    text_table(_error_table(study))
    if study.reference == "one-sided":
        kink_notes(study.smoothness, {"x": study.ad_derivative})
    st.caption(f"Smallest errors: forward at h ≈ {study.best_forward_step:.0e} (theory "
               f"√ε_mach ≈ 1.5e-08), central at h ≈ {study.best_central_step:.0e} (theory "
               f"∛ε_mach ≈ 6e-06).")


def _exact_help(study: FiniteDifferenceStudy) -> str:
    if study.reference == "AD":
        return "symbolic: not available (the formula is too deep)"
    if study.reference == "one-sided":
        return (f"symbolic: {study.exact_text}, which cannot be evaluated at this x; the "
                f"value is the common slope from both sides")
    return f"symbolic: {study.exact_text}"


def _error_table(study: FiniteDifferenceStudy) -> pd.DataFrame:
    """One row per method: its f′(x) (a value), its absolute and relative error, its step."""
    rows = [
        ("AD (dual numbers)", study.ad_derivative, study.ad_error, "none"),
        ("forward difference (f(x+h) − f(x))/h", study.quotient_at_best("forward"),
         study.best_forward_error, f"{study.best_forward_step:.1e}"),
        ("central difference (f(x+h) − f(x−h))/2h", study.quotient_at_best("central"),
         study.best_central_error, f"{study.best_central_step:.1e}"),
    ]
    return pd.DataFrame([{
        "method": method,
        "value: its f′(x)": f"{value:.15g}" if math.isfinite(value) else number(value),
        "absolute error |value − exact f′(x)|": number(error),
        "relative error (absolute error / |exact f′(x)|)": number(study.relative(error)),
        "best step h": step,
    } for method, value, error, step in rows])


def _no_derivative(expression: Expression, x: float, kink: NotDifferentiableError) -> None:
    """At a kink there is no f′(x) to measure errors against: what the quotients say there."""
    st.warning(shown(kink), icon=":material/warning:")
    quotients = difference_quotients(expression, x)
    st.markdown("So there is no exact f′(x) to measure errors against. The difference quotients "
                "still give numbers: each one is a slope over one side, or the average of both "
                "(the central quotient), not a derivative.")
    text_table(pd.DataFrame({
        "step h": [f"{h:.0e}" for h in quotients.steps],
        "forward (f(x+h) − f(x))/h: slope to the right": [number(v) for v in quotients.forward],
        "backward (f(x) − f(x−h))/h: slope to the left": [number(v) for v in quotients.backward],
        "central (f(x+h) − f(x−h))/2h: their average": [number(v) for v in quotients.central],
    }))
