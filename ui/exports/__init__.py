"""Downloads of a stepper view: the run as an offline HTML file, the figure as SVG/PNG, the
history as CSV/JSON, a notebook and a scikit-learn script that reproduce the view, and the data.

Pure Python (no Streamlit). A page builds one ``ExportView`` and passes it to the functions
below; each returns the file's contents (``str`` or ``bytes``), named by ``export_file_names``::

    view = ExportView(X=..., feature_names=..., data_name=..., query=links.to_query(...),
                      history=run.history(), index=index, status=run.status(),
                      reg_covar=s.reg, tol=s.tol, max_iter=s.max_iter, seed=s.seed,
                      init=s.init, presentation=...)
    names = export_file_names(view)
    st.download_button("The run (HTML)", data=partial(run_html, view),
                       file_name=names.run_html, mime=MIME_TYPES["html"])
"""

from ui.exports.code import DataSource, data_csv, data_source
from ui.exports.history import (
    HistoryFile,
    HistoryRecord,
    history_csv,
    history_json,
    read_history_csv,
    read_history_json,
)
from ui.exports.images import (
    ImageExportError,
    close_renderer,
    figure_png,
    figure_svg,
    prepare_renderer,
)
from ui.exports.notebook import notebook, notebook_json
from ui.exports.run_html import run_html
from ui.exports.sklearn_script import sklearn_script
from ui.exports.view import (
    FORMAT_VERSION,
    ExportFileNames,
    ExportView,
    export_file_names,
    file_stem,
    shown_responsibilities,
)

MIME_TYPES = {
    "html": "text/html",
    "svg": "image/svg+xml",
    "png": "image/png",
    "csv": "text/csv",
    "json": "application/json",
    "ipynb": "application/x-ipynb+json",
    "py": "text/x-python",
}


def needs_data_file(view: ExportView) -> bool:
    """True when the notebook and the script read the data from the data CSV (an upload, or
    data too large to write inline that cannot be regenerated): offer that file beside them."""
    return data_source(view).kind == "file"


__all__ = [
    "FORMAT_VERSION",
    "MIME_TYPES",
    "DataSource",
    "ExportFileNames",
    "ExportView",
    "HistoryFile",
    "HistoryRecord",
    "ImageExportError",
    "close_renderer",
    "data_csv",
    "data_source",
    "export_file_names",
    "figure_png",
    "figure_svg",
    "file_stem",
    "history_csv",
    "history_json",
    "needs_data_file",
    "notebook",
    "notebook_json",
    "prepare_renderer",
    "read_history_csv",
    "read_history_json",
    "run_html",
    "shown_responsibilities",
    "sklearn_script",
]
