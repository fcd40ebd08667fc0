"""One fitted model on screen: drawn with the stepper's figure, and its numbers."""

from __future__ import annotations

import streamlit as st

from gmm_core.mixture import MixtureParams, predict_proba
from gmm_core.model_search import GridEntry
from ui.figures import FigureStyle, mixture_figure_1d, mixture_figure_2d, relax_aspect
from ui.kit.data_picker import LoadedData
from ui.kit.text import number
from ui.selection.texts import fit_status


def fit_figure(data: LoadedData, params: MixtureParams, style: FigureStyle):
    """The stepper's figure of a fitted mixture (responsibilities as colours), 1-D or 2-D."""
    X = data.X
    responsibilities = predict_proba(X, params)
    # The builders escape the column names (they may come from a user's CSV).
    names = data.feature_names
    if X.shape[1] == 1:
        return mixture_figure_1d(X, params, responsibilities, style, feature_name=names[0])
    return relax_aspect(mixture_figure_2d(X, params, responsibilities, style,
                                          feature_names=names[:2]), X)


def entry_metrics(entry: GridEntry, n_samples: int) -> None:
    """Log-likelihood, BIC, AIC and parameter count of one model, and how its EM run ended."""
    first, second, third, fourth = st.columns(4)
    first.metric("Log-likelihood", number(entry.fit.log_likelihood),
                 help=f"{number(entry.fit.log_likelihood / n_samples, 4)} per point")
    second.metric("BIC", number(entry.bic))
    third.metric("AIC", number(entry.aic))
    fourth.metric("Parameters", entry.n_params)
    fit = entry.fit
    st.caption(f"EM from {fit.init} (seed {fit.seed}) "
               f"{fit_status(fit.status, fit.n_iter, fit.tol)}.")
