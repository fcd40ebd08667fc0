"""Tab 4: finite differences against AD: the error of a difference quotient against its step h."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_core.autodiff import ExpressionError
from gmm_core.autodiff.lessons import finite_difference_study
from ui.autodiff import figures
from ui.autodiff.widgets import chart, one_variable_formula, refused
from ui.kit.text import number


def finite_differences() -> None:
    st.markdown(
        "A difference quotient needs a step $h$. Its **truncation error** shrinks with $h$ "
        "(like $h$ for forward, $h^2$ for central differences), but its **round-off error** "
        "grows like $\\varepsilon_{\\text{mach}}/h$: $f(x+h)$ and $f(x)$ agree in almost all "
        "digits and the subtraction cancels them. AD has no step and no cancellation."
    )
    expression, x = one_variable_formula("x", "fd_formula", "fd_x")
    if expression is None:
        return
    try:
        study = finite_difference_study(expression, x)
    except ExpressionError as trouble:
        refused(trouble)
        return
    chart(figures.finite_difference_figure(study, expression.text), "fd_chart")
    metrics = st.columns(4)
    if study.exact_text is None:
        st.info("This formula is too deep for the symbolic differentiator: the errors are "
                "measured against the AD derivative instead.")
    metrics[0].metric("exact f′(x)", number(study.exact_derivative),
                      help=f"symbolic: {study.exact_text or 'not available'}")
    metrics[1].metric("AD (dual numbers)", f"{study.ad_derivative:.15g}",
                      help="error " + number(study.ad_error))
    metrics[2].metric("best forward difference", number(np.nanmin(study.forward_errors)),
                      help=f"error at h = {study.best_forward_step:.1e}")
    metrics[3].metric("best central difference", number(np.nanmin(study.central_errors)),
                      help=f"error at h = {study.best_central_step:.1e}")
    st.caption(f"Smallest errors: forward at h ≈ {study.best_forward_step:.0e} (theory √ε ≈ "
               f"1.5e-08), central at h ≈ {study.best_central_step:.0e} (theory ∛ε ≈ 6e-06).")
