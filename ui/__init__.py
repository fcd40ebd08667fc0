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

# The libraries whose native thread pools are limited below; threadpoolctl only reaches the
# pools of libraries already loaded: numpy's and scipy's OpenBLAS, scikit-learn's OpenMP.
import numpy  # noqa: F401, I001
import scipy.linalg  # noqa: F401
import sklearn.mixture  # noqa: F401
from threadpoolctl import threadpool_limits

# One BLAS/OpenMP thread per server process: the matrices here are tiny (D <= 5), and on a
# shared 2-core server OpenBLAS's second thread spins against other sessions' work (a 2x2
# triangular solve was measured at 5 ms instead of 14 µs under load; with 2 threads the server
# spent 72 ms of CPU per click alone, with 1 thread 27 ms).
threadpool_limits(1)
