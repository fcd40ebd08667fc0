"""The automatic-differentiation page's body: an introduction and seven tabs, one module each.

``show()`` is everything below the page's title; the mathematics lives in ``gmm_core.autodiff``.
"""

from __future__ import annotations

import streamlit as st

from ui.autodiff.dual_numbers import dual_numbers
from ui.autodiff.finite_differences import finite_differences
from ui.autodiff.forward_mode import forward_mode
from ui.autodiff.glossary import glossary
from ui.autodiff.gradient_em import gradient_against_em
from ui.autodiff.jacobians import jacobians
from ui.autodiff.newton import newton
from ui.autodiff.reverse_mode import reverse_mode

TAB_LABELS = (
    "1 · Dual numbers",
    "2 · Forward mode",
    "3 · Reverse mode",
    "4 · Finite differences",
    "5 · Newton's method",
    "6 · Jacobians",
    "7 · Gradient ascent vs EM",
)


def show() -> None:
    st.markdown(
        "Derivatives that are exact to machine precision, computed by running the program itself: "
        "no symbolic algebra, no step size. Type your own functions: formulas are read by a safe "
        "parser (numbers, variables, + − * / **, and a few functions), never executed as code."
    )
    glossary()
    tabs = st.tabs(TAB_LABELS)
    with tabs[0]:
        dual_numbers()
    with tabs[1]:
        lecture_function = forward_mode()
    with tabs[2]:
        reverse_mode(lecture_function)
    with tabs[3]:
        finite_differences()
    with tabs[4]:
        newton()
    with tabs[5]:
        jacobians()
    with tabs[6]:
        gradient_against_em()
