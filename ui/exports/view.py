"""What every export needs to know about the view on screen, and the file names that describe it.

Pure Python (no Streamlit). A page builds one :class:`ExportView` from what it already has (the
data, the deep-link query, the run's history and the half-step on screen) and hands it to the
export functions of this package.
"""

from __future__ import annotations

import importlib.metadata
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np

from gmm_core.em_run import HalfStep
from gmm_core.mixture import e_step

# Bumped whenever the layout of the history CSV/JSON changes; readers check it.
FORMAT_VERSION = 1
DISTRIBUTION_NAME = "em-gaussian-mixtures"
DEFAULT_INIT = "k-means++"
DEFAULT_REG_COVAR = 1e-6
RUN_STATUSES = ("running", "converged", "max_iter", "collapsed")
KIND_NAMES = {"start": "start", "E": "E-step", "M": "M-step"}
# The blob generators and sampled mixtures: their file names also carry the number of points.
SIZED_DATASETS = ("blobs", "blobs-1d", "generated")
CSV_DATASET = "csv"
SAMPLE_SEED = 0


def app_version() -> str:
    """The installed version of this app, or "unknown" (e.g. run from a plain checkout)."""
    try:
        return importlib.metadata.version(DISTRIBUTION_NAME)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, eq=False)
class ExportView:
    """One view of a stepper page, as the exports see it.

    X: (N, D) float64 data as the run used it (after standardising, if the page did);
    feature_names: D column names; data_name: the data set's title on the page (for an upload,
    the file name: user text, escaped wherever it is shown); query: the page's deep-link
    parameters as strings (``ui.kit.view_settings.to_query``: dataset, n, k, cov, init, seed, reg, tol,
    iter, step, ...); history: the run's half-steps so far (start, E, M, ...); index: the
    half-step on screen; status: "running", "converged", "max_iter" or "collapsed"; reg_covar,
    tol, max_iter, seed, init: the run's settings; presentation: draw for a projector.
    K and the covariance type are read from the history's parameters.
    """

    X: np.ndarray
    feature_names: tuple[str, ...]
    data_name: str
    query: Mapping[str, str]
    history: tuple[HalfStep, ...]
    index: int
    status: str
    reg_covar: float
    tol: float
    max_iter: int
    seed: int
    init: str
    presentation: bool = False
    version: str = field(default_factory=app_version)

    def __post_init__(self):
        X = np.asarray(self.X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(f"X must have shape (N, D) with N >= 1, got {X.shape}")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "feature_names", tuple(str(n) for n in self.feature_names))
        if len(self.feature_names) != X.shape[1]:
            raise ValueError(f"{X.shape[1]} feature(s) need as many names, got "
                             f"{len(self.feature_names)}")
        object.__setattr__(self, "history", tuple(self.history))
        if not self.history:
            raise ValueError("the history is empty: a run always has its start")
        if not 0 <= self.index < len(self.history):
            raise ValueError(f"index {self.index} is outside the history (0 to "
                             f"{len(self.history) - 1})")
        if self.history[0].params.n_features != X.shape[1]:
            raise ValueError("the parameters and the data have different dimensions")
        if self.status not in RUN_STATUSES:
            raise ValueError(f"status must be one of {', '.join(RUN_STATUSES)}, "
                             f"not {self.status!r}")
        object.__setattr__(self, "query", {str(k): str(v) for k, v in self.query.items()})
        if "dataset" not in self.query:
            raise ValueError("the query must name the dataset (ui.kit.view_settings.to_query does)")

    # --- derived facts ---------------------------------------------------------------------

    @property
    def n_samples(self) -> int:
        """N, the points the run used (all of them, also when a picture draws a sample)."""
        return len(self.X)

    @property
    def n_features(self) -> int:
        """D, 1 or 2: which stepper page the view comes from (the width of X)."""
        return self.history[0].params.n_features

    @property
    def n_components(self) -> int:
        """K, as the run started (a collapse does not remove a component)."""
        return self.history[0].params.n_components

    @property
    def covariance_type(self) -> str:
        return self.history[0].params.covariance_type

    @property
    def dataset(self) -> str:
        """The data set's key in the link ("textbook", "blobs", "csv", ...)."""
        return self.query["dataset"]

    @property
    def standardised(self) -> bool:
        return self.query.get("std", "0") == "1"

    @property
    def entry(self) -> HalfStep:
        """The half-step on screen."""
        return self.history[self.index]

    @property
    def iteration(self) -> int:
        """Completed EM iterations (M-steps) at the half-step on screen."""
        return self.entry.iteration


def shown_responsibilities(history: Sequence[HalfStep], index: int, X) -> np.ndarray | None:
    """The responsibilities (N, K) the page shows at half-step ``index`` of ``history``.

    Those of the last E-step at or before ``index`` (an M-step keeps the colours of the E-step
    that produced it), evaluated on X (N, D) (which may be a subsample of the run's data);
    None before the first E-step. Same rule as ``EMRun.responsibilities_at``, for a history
    without its engine.
    """
    for position in range(index, 0, -1):
        if history[position].kind == "E":
            # An E-step does not change the parameters: its entry holds those it evaluated.
            return e_step(X, history[position].params)[0]
    return None


def link_text(view: ExportView) -> str:
    """The view's deep-link query, "?dataset=...&k=3&...", percent-encoded as in the address
    bar (so no newline or quote from a value can break the text it is put into)."""
    return "?" + urlencode(dict(view.query), safe=",;")


def drawn_points(n_samples: int, n_drawn: int) -> np.ndarray:
    """Indices (n_drawn,) of the points an export draws, in their original order: all of them,
    or a seeded random sample (the same on every export of the same data)."""
    if n_drawn >= n_samples:
        return np.arange(n_samples)
    rng = np.random.default_rng(SAMPLE_SEED)
    return np.sort(rng.choice(n_samples, size=n_drawn, replace=False))


# --- file names ---------------------------------------------------------------------------------


def _slug(text: str, max_chars: int = 32) -> str:
    """Lower-case letters, digits and single hyphens only: safe in any file system."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_chars].strip("-")


def _number(value: float) -> str:
    """A number for a file name: 1e-06 -> 1e-06, 0.5 -> 0.5, 0 -> 0."""
    return f"{value:g}" if math.isfinite(value) else "inf"


def file_stem(view: ExportView, *, with_step: bool) -> str:
    """The part of every file name that describes the view, e.g. ``em-2d-textbook-k3-full-seed0``.

    The data set (with its number of points for generated data, the upload's name for a CSV,
    "-std" when standardised), K, the covariance type, the initialisation when it is not the
    default k-means++, the seed, reg_covar when it is not the default 1e-6 and, with
    ``with_step``, the half-step on screen (``-step12``).
    """
    parts = ["em", f"{view.n_features}d"]
    dataset = _slug(view.dataset) or "data"
    if view.dataset == CSV_DATASET:
        name = _slug(re.sub(r"\.csv$", "", view.data_name, flags=re.IGNORECASE))
        dataset = f"csv-{name}" if name else "csv"
    elif view.dataset in SIZED_DATASETS:
        dataset += f"-n{view.n_samples}"
    parts.append(dataset)
    if view.standardised:
        parts.append("std")
    parts += [f"k{view.n_components}", view.covariance_type]
    if view.init != DEFAULT_INIT:
        parts.append(_slug(view.init))
    parts.append(f"seed{view.seed}")
    if view.reg_covar != DEFAULT_REG_COVAR:
        parts.append(f"reg{_number(view.reg_covar)}")
    if with_step:
        parts.append(f"step{view.index}")
    return "-".join(parts)


@dataclass(frozen=True)
class ExportFileNames:
    """The download names of every export of one view."""

    run_html: str
    figure_svg: str
    figure_png: str
    history_csv: str
    history_json: str
    notebook: str
    sklearn_script: str
    data_csv: str


def export_file_names(view: ExportView) -> ExportFileNames:
    """File names for the downloads: the run, the history and the data describe the whole run;
    the figure, the notebook and the scikit-learn script the half-step on screen."""
    run, step = file_stem(view, with_step=False), file_stem(view, with_step=True)
    return ExportFileNames(
        run_html=f"{run}.html",
        figure_svg=f"{step}.svg",
        figure_png=f"{step}.png",
        history_csv=f"{run}-history.csv",
        history_json=f"{run}-history.json",
        notebook=f"{step}.ipynb",
        sklearn_script=f"{step}-sklearn.py",
        data_csv=f"{run}-data.csv",
    )


def status_sentence(view: ExportView) -> str:
    """How far the run went, in words that are true in each state (plain text)."""
    history = view.history
    iterations = history[-1].iteration
    done = f"{iterations} EM iteration{'s' if iterations != 1 else ''}"
    if view.status == "converged":
        return (f"EM stopped after {done}: the log-likelihood per point changed by less than "
                f"tol = {view.tol:g} in the last iteration. That is convergence by a tolerance, "
                "not a proof that this is the best fit (EM can stop on a plateau, a saddle or "
                "a local maximum).")
    if view.status == "max_iter":
        return (f"EM stopped at the iteration limit (max_iter = {view.max_iter}) after {done}, "
                "before the log-likelihood settled.")
    if view.status == "collapsed":
        return (f"EM stopped after {done} because a component collapsed onto a point: with "
                f"reg_covar = {view.reg_covar:g} its variance can shrink to zero and the "
                "likelihood grows without bound.")
    return (f"The run had reached half-step {len(history) - 1} ({done}) when this was saved; "
            "the app computes further half-steps as you step.")


def covariance_words(view: ExportView) -> str:
    """The covariance type as the page names it ("full covariances"; in 1-D "one shared
    variance" or "own variance per component")."""
    if view.n_features == 1:
        return "one shared variance" if view.covariance_type == "tied" else \
            "own variance per component"
    return f"{view.covariance_type} covariances"


def half_step_title(view: ExportView, index: int) -> str:
    """"Half-step 12: M-step (iteration 6) · ℓ = −4033.7916", as the page's status line."""
    entry = view.history[index]
    value = entry.log_likelihood
    shown = "+∞" if math.isinf(value) and value > 0 else f"{value:,.4f}".replace(",", " ")
    return (f"Half-step {index}: {KIND_NAMES[entry.kind]} (iteration {entry.iteration}) · "
            f"log-likelihood ℓ = {shown}")
