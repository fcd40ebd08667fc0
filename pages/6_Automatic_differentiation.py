"""Automatic differentiation: dual numbers, forward and reverse mode, and AD against EM.

A thin page: the seven sections live in ``ui.autodiff_sections``, the mathematics in
``gmm_core.autodiff``.
"""

import streamlit as st

from ui import autodiff_sections as sections

st.set_page_config(page_title="Automatic differentiation", page_icon=":material/functions:",
                   layout="wide")

st.title("Automatic differentiation")
st.markdown(
    "Derivatives that are exact to machine precision, computed by running the program itself: "
    "no symbolic algebra, no step size. Type your own functions: formulas are read by a safe "
    "parser (numbers, variables, + − * / **, and a few functions), never executed as code."
)

tabs = st.tabs([
    "1 · Dual numbers",
    "2 · Forward mode",
    "3 · Reverse mode",
    "4 · Finite differences",
    "5 · Newton's method",
    "6 · Jacobians",
    "7 · Gradient ascent vs EM",
])
with tabs[0]:
    sections.dual_numbers()
with tabs[1]:
    lecture_function = sections.forward_mode()
with tabs[2]:
    sections.reverse_mode(lecture_function)
with tabs[3]:
    sections.finite_differences()
with tabs[4]:
    sections.newton()
with tabs[5]:
    sections.jacobians()
with tabs[6]:
    sections.gradient_against_em()
