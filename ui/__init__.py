"""Streamlit building blocks shared by the pages.

- ``ui.figures`` (and ``figures_common``, ``figures_1d``, ``figures_2d``): pure Plotly builders.
- ``ui.links``: query string <-> validated view settings (pure).
- ``ui.formulas`` and ``ui.notes``: LaTeX and the "what to notice" text (pure).
- ``ui.numbers``: parameter and responsibility tables (pure pandas).
- ``ui.state``: the bounded cross-session cache of EM runs and the per-session step index.
- ``ui.controls``: the Streamlit widget blocks (data picker, model controls, stepping bar).
"""
