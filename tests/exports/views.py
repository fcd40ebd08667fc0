"""Views of real EM runs for the export tests, built the way a stepper page builds them."""

from __future__ import annotations

import numpy as np

from gmm_core import datasets
from gmm_core.em_run import EMRun
from gmm_core.initialisation import initial_params
from ui.exports import ExportView


def standardised(X: np.ndarray) -> np.ndarray:
    """What the page's "Standardise" toggle does to the data."""
    return (X - X.mean(axis=0)) / X.std(axis=0)


def make_view(dataset: str = "textbook", *, k: int = 3, cov: str = "full",
              init: str = "k-means++", seed: int = 0, reg: float = 1e-6, tol: float = 1e-3,
              max_iter: int = 100, step: int | None = None, half_steps: int | None = None,
              X: np.ndarray | None = None, feature_names=None, data_name: str | None = None,
              columns=None, standardise: bool = False, n: int | None = None,
              means=None) -> tuple[ExportView, EMRun]:
    """An ExportView of a run on ``dataset`` (or on ``X`` for "csv" and the generators).

    half_steps: how far to compute the run (None: to the end); step: the half-step on screen
    (None: the last one computed).
    """
    query = {"dataset": dataset}
    if X is None:
        if dataset in ("blobs", "blobs-1d"):
            n = n or 500
            data = datasets.make_blobs(n, k, 1 if dataset == "blobs-1d" else 2, seed=0)
            query.update(n=str(n), centres=str(k))
        else:
            data = datasets.load_preset(dataset, columns=columns)
        X, feature_names, data_name = data.X, data.feature_names, data.name
        if columns:
            query["cols"] = ",".join(columns)
    if standardise:
        X = standardised(X)
        query["std"] = "1"
    start = initial_params(X, k, cov, init, seed=seed, reg_covar=reg, means=means)
    run = EMRun(X, start, reg_covar=reg, tol=tol, max_iter=max_iter)
    if half_steps is None:
        run.run_to_convergence()
    else:
        run.extend_to(half_steps)
    index = len(run) - 1 if step is None else step
    query.update(k=str(k), cov=cov, init=init, seed=str(seed), reg=repr(reg), step=str(index))
    if tol != 1e-3:
        query["tol"] = repr(tol)
    if max_iter != 100:
        query["iter"] = str(max_iter)
    view = ExportView(X=X, feature_names=feature_names, data_name=data_name or dataset,
                      query=query, history=run.history, index=index, status=run.status,
                      reg_covar=reg, tol=tol, max_iter=max_iter, seed=seed, init=init)
    return view, run
