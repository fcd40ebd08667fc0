"""The steppers' Download panel and "The same in scikit-learn" (the files come from ui.exports).

Every file describes the view on screen (its name says which: data set, K, covariance type,
seed, half-step). The large ones are built only when their button is clicked (Streamlit runs a
callable ``data`` on its own thread), so a step never pays for them.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import streamlit as st

from ui import exports
from ui.exports.images import chromium_path
from ui.kit.escape import untrusted_markdown
from ui.stepper.page import StepperPage
from ui.stepper.sidebar import Setup, link_query

PURPOSES = {
    "html": "The whole run as one file that plays offline (from a USB stick, in slides): every "
            "half-step, a slider, Play, and the log-likelihood curve.",
    "pictures": "The figure on screen for slides and handouts (white background, 1280×720; the "
                "PNG at twice that).",
    "history": "The numbers of every half-step (weights, means, covariances, ℓ and the lower "
               "bound), one row per half-step and component; the JSON adds the settings.",
    "notebook": "A Jupyter notebook that redoes this view in plain numpy (the E-step and "
                "M-step written out) and checks it against scikit-learn.",
    "data": "The data as a CSV file (the notebook and the script read it when the data "
            "cannot be regenerated, e.g. an upload).",
}


def export_view(page: StepperPage, setup: Setup, run, index: int) -> exports.ExportView:
    """The view on screen, as the exports take it."""
    settings = setup.settings
    query = link_query(page, replace(settings, step=index)) or {"dataset": "csv"}
    return exports.ExportView(
        X=setup.data.X, feature_names=setup.data.feature_names, data_name=setup.data.name,
        query=query, history=run.history(), index=index, status=run.status(),
        reg_covar=settings.reg, tol=settings.tol, max_iter=settings.max_iter,
        seed=settings.seed, init=settings.init, presentation=setup.display.presentation)


def _button(label: str, data, file_name: str, kind: str, key: str, **options) -> None:
    st.download_button(label, data=data, file_name=file_name, mime=exports.MIME_TYPES[kind],
                       key=key, on_click="ignore", **options)


def downloads_panel(page: StepperPage, view: exports.ExportView) -> None:
    """One click per file: the run, the figure, the history, the notebook, the data."""
    names = exports.export_file_names(view)
    state = page.state
    with st.container(border=True):
        st.markdown("**Download this view** (offline run, figure, history, notebook, data)")
        st.caption(PURPOSES["html"])
        _button("The run (HTML, works offline)", partial(exports.run_html, view),
                names.run_html, "html", state.download.key("html"))
        st.caption(PURPOSES["pictures"])
        pictures_ready = chromium_path() is not None
        help_text = None if pictures_ready else (
            "The server has no Chromium to draw pictures with; `bash scripts/serve.sh` "
            "installs it.")
        with st.container(horizontal=True):
            _button("The figure (SVG)", partial(exports.figure_svg, view), names.figure_svg,
                    "svg", state.download.key("svg"), disabled=not pictures_ready,
                    help=help_text)
            _button("The figure (PNG)", partial(exports.figure_png, view), names.figure_png,
                    "png", state.download.key("png"), disabled=not pictures_ready,
                    help=help_text)
        st.caption(PURPOSES["history"])
        with st.container(horizontal=True):
            _button("The history (CSV)", partial(exports.history_csv, view), names.history_csv,
                    "csv", state.download.key("history_csv"))
            _button("The history (JSON)", partial(exports.history_json, view),
                    names.history_json, "json", state.download.key("history_json"))
        st.caption(PURPOSES["notebook"])
        _button("The notebook (.ipynb)", partial(exports.notebook_json, view), names.notebook,
                "ipynb", state.download.key("notebook"))
        st.caption(PURPOSES["data"])
        _button("The data (CSV)", partial(exports.data_csv, view), names.data_csv, "csv",
                state.download.key("data"))


def sklearn_panel(page: StepperPage, view: exports.ExportView) -> None:
    """A complete script that reproduces this view with sklearn.mixture.GaussianMixture."""
    names = exports.export_file_names(view)
    with st.container(border=True):
        st.markdown("**The same in scikit-learn**")
        st.markdown(
            "The textbook fits mixtures with `sklearn.mixture.GaussianMixture`. This script "
            "starts it from the same weights, means and precisions as this run "
            "(`weights_init`, `means_init`, `precisions_init`), with the same covariance type, "
            "reg_covar, tol and number of iterations, and prints the weights, the means and "
            "the total log-likelihood ℓ shown here.")
        if exports.needs_data_file(view):
            st.info("These data cannot be written into the script: it reads "
                    f"**{untrusted_markdown(names.data_csv)}**, the data file offered below "
                    "and in the Download panel.")
            _button("The data (CSV)", partial(exports.data_csv, view), names.data_csv, "csv",
                    page.state.download.key("data_for_script"))
        st.code(exports.sklearn_script(view), language="python")
        _button("The script (.py)", partial(exports.sklearn_script, view),
                names.sklearn_script, "py", page.state.download.key("script"))
