"""Learning with the labels known: the closed-form estimates next to the mixture that was set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gmm_core import generative
from gmm_core.datasets import Dataset
from gmm_core.generative import MixtureSpec
from ui.figures.common import FigureStyle
from ui.kit import text
from ui.kit.accessible import figure
from ui.mixture_model import describe
from ui.mixture_model.figures import supervised_figure


def supervised_comparison(spec: MixtureSpec, dataset: Dataset, style: FigureStyle) -> None:
    """The estimates from the labelled sample next to the values set on the sliders."""
    params = spec.to_params()
    estimates = generative.supervised_estimates(dataset.X, dataset.labels, spec.n_components)
    figure(supervised_figure(dataset.X, dataset.labels, estimates, params, style),
           describe.supervised(estimates, params, len(dataset.X)), width="stretch")
    rows = []
    for k in range(spec.n_components):
        present = bool(estimates.present[k])
        rows.append({
            "component": k + 1,
            "points Nₖ": int(estimates.counts[k]),
            "π set": f"{params.weights[k]:.3f}",
            "π̂ estimated": f"{estimates.weights[k]:.3f}",
            "μ set": text.vector(params.means[k]),
            "μ̂ estimated": text.vector(estimates.means[k]) if present else "no points",
            "Σ set": text.matrix(params.covariances[k]),
            "Σ̂ estimated": text.matrix(estimates.covariances[k]) if present else "no points",
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    missing = [str(k + 1) for k in np.flatnonzero(~estimates.present)]
    if missing:
        st.warning(f"Component(s) {', '.join(missing)} produced no point in this sample, so "
                   "there is nothing to estimate their mean and covariance from. Draw more "
                   "points (raise n) or raise their weight.")
