"""Run the story backwards: the posterior P(z = k | x) at a point the student picks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gmm_core import generative
from gmm_core.datasets import Dataset
from gmm_core.generative import MixtureSpec
from gmm_core.mixture import e_step, weighted_log_densities
from ui.figures import membership_bar_figure, mixture_figure_2d
from ui.figures.common import FigureStyle
from ui.kit.accessible import figure
from ui.mixture_model import describe
from ui.mixture_model.state import STATE


def posterior_explorer(spec: MixtureSpec, dataset: Dataset, style: FigureStyle) -> None:
    """Pick a point x; see pi_k N(x | mu_k, Sigma_k) for every k and the posterior P(z = k | x)."""
    params = spec.to_params()
    STATE.set_default("probe_x", 0.0)
    STATE.set_default("probe_y", 0.0)
    figure_column, numbers_column = st.columns([3, 2])
    with numbers_column:
        left, right = st.columns(2)
        limit = 2 * generative.MEAN_LIMIT
        with left:
            probe_x = st.number_input("point x: first coordinate", -limit, limit, step=0.5,
                                      key=STATE.key("probe_x"))
        with right:
            probe_y = st.number_input("point x: second coordinate", -limit, limit, step=0.5,
                                      key=STATE.key("probe_y"))
        probe = np.array([[probe_x, probe_y]])
        joint = np.exp(weighted_log_densities(probe, params)[0])
        posterior = e_step(probe, params)[0][0]
        table = pd.DataFrame({
            "component k": [k + 1 for k in range(params.n_components)],
            "πₖ": params.weights,
            "πₖ N(x | μₖ, Σₖ)": joint,
            "P(z = k | x)": posterior,
        })
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={"πₖ N(x | μₖ, Σₖ)": st.column_config.NumberColumn(
                         format="%.3e")})
        figure(membership_bar_figure(posterior, style, title="P(z = k | x)"),
               "Bars of the posterior P(z = k | x) at your point: "
               + ", ".join(f"component {k + 1}: {p:.3f}" for k, p in enumerate(posterior))
               + ".", width="stretch")
    with figure_column:
        st.markdown("**The mixture you set, its sample in grey, and your point ★**")
        figure(mixture_figure_2d(dataset.X, params, None, style, probe=(probe_x, probe_y)),
               describe.posterior(params, len(dataset.X), (probe_x, probe_y), posterior),
               width="stretch")
