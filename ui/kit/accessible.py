"""Formulas and figures that every student can reach (issue #14), for every page.

``formula``: st.latex puts a display formula wider than its column into a horizontally
scrollable box (KaTeX's .katex-display) that a keyboard cannot reach (axe-core:
"scrollable-region-focusable", serious). Display-style inline maths in a centred paragraph
wraps at the formula's top-level relations and operators instead, so there is nothing to
scroll. ``figure``: a Plotly figure with its generated text alternative under "Describe this
figure".
"""

from __future__ import annotations

import streamlit as st

from ui.kit.display import show_figure

DESCRIBE = "Describe this figure"


def formula(latex: str) -> None:
    """A display formula (LaTeX written by the app) that wraps instead of scrolling."""
    st.markdown(f"$\\displaystyle {latex}$", text_alignment="center")


def figure(plotly_figure, description: str, **options) -> None:
    """Show a figure (``show_figure`` options: key, on_click, width ...) and, under it, what it
    shows in words (written by the app from the numbers it draws)."""
    show_figure(plotly_figure, **options)
    with st.expander(DESCRIBE):
        st.markdown(description)
