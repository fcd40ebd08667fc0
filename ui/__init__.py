"""The app's pages and what they share (Streamlit; the mathematics lives in ``gmm_core``).

- ``ui.pages``: the page registry (file, URL path, title, icon, description of every page);
- ``ui.kit``: what every page uses (typed session state, deep links, the data picker,
  stepping and Play, the shared run store, number formatting, escaping of outside text);
- ``ui.figures``: pure Plotly builders shared by several pages (no Streamlit);
- one package per page: ``ui.stepper`` (EM in 1-D and 2-D), ``ui.compare`` (k-means vs EM),
  ``ui.selection`` (model selection), ``ui.mixture_model``, ``ui.autodiff``; and the
  features that span pages: ``ui.rooms`` (following the lecturer), ``ui.exports`` (downloads).

Importing ``ui`` has no side effect: page scripts call ``ui.kit.display.start_page`` (which
limits the BLAS threads) themselves.
"""
