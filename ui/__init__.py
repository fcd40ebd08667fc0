"""Streamlit building blocks shared by the pages.

Pure (no Streamlit import; testable on their own):
- ``ui.figures`` (re-exporting ``figures_common``, ``figures_1d``, ``figures_2d``): Plotly
  figure builders; ``ui.figures_svg``: the log-likelihood chart as inline SVG;
- ``ui.links``: query string <-> validated view settings;
- ``ui.formulas`` (LaTeX), ``ui.notes`` ("what to notice"), ``ui.numbers`` (tables),
  ``ui.lessons`` (the collapse lesson and the textbook example).

Streamlit:
- ``ui.state``: the bounded cross-session cache of EM runs and the per-session step index;
- ``ui.controls``: the widget blocks (data picker, model controls, stepping bar, link box);
- ``ui.stepper``: the body of the EM stepper pages.
"""

from threadpoolctl import threadpool_limits

# One BLAS thread per server process: the matrices here are tiny (D <= 5), and on a shared
# 2-core server OpenBLAS's worker threads spin against other sessions' work (a 2x2 triangular
# solve was measured at 5 ms instead of 14 µs under load).
threadpool_limits(1)
