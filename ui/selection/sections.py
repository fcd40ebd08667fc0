"""The body of the page "Model selection": the introduction and its three sections.

``show()`` is everything below the page's title: the sidebar (data and fitting settings), then
1 · BIC and AIC for K = 1, 2, … (the grid, the verdict, one model drawn), 2 · restarts of one
model, 3 · Old Faithful with one Gaussian against two.
"""

from __future__ import annotations

import streamlit as st

from ui.kit.notation import glossary
from ui.selection.controls import sidebar, write_view_link
from ui.selection.faithful import faithful_section
from ui.selection.grid import grid_section
from ui.selection.restarts import restarts_section
from ui.selection.state import STATE
from ui.selection.texts import INTRODUCTION, PAGE_SYMBOLS, RESTARTS_INTRODUCTION

TITLE = "Model selection: how many components?"


def show() -> None:
    st.markdown(INTRODUCTION)
    glossary()
    with st.expander("This page's symbols, and how scikit-learn and mclust name them"):
        st.markdown(PAGE_SYMBOLS)
    setup = sidebar()
    if setup is None:
        st.stop()

    st.header("1 · BIC and AIC for K = 1, 2, …")
    grid = grid_section(setup)
    write_view_link(setup)

    st.header("2 · Restarts: one model, many starts")
    st.markdown(RESTARTS_INTRODUCTION)
    restarts_section(setup, grid, STATE.show_degenerate)

    st.header("3 · Old Faithful: one Gaussian or two?")
    faithful_section(setup)
