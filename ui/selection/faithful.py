"""Section 3 of the page "Model selection": Old Faithful, one Gaussian against a mixture of two,
numbers side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gmm_core.model_search import GridResult, score_fit
from ui.figures import figure_style
from ui.kit.accessible import figure
from ui.kit.data_picker import load_dataset
from ui.kit.text import number
from ui.selection import describe
from ui.selection.controls import SelectionSetup
from ui.selection.fit_view import entry_metrics, fit_figure
from ui.selection.fits import fit_once
from ui.selection.state import DEFAULT_FAITHFUL, STATE

# Data set key -> (its dimension, the switch's label).
FAITHFUL_CHOICES = {"faithful": (2, "both measurements (2-D)"),
                    "faithful-eruptions": (1, "eruption durations only (1-D)")}


def faithful_section(setup: SelectionSetup) -> None:
    """One Gaussian against a mixture of two on Old Faithful, numbers side by side."""
    STATE.set_default("faithful", DEFAULT_FAITHFUL)
    key = st.segmented_control("Old Faithful data", tuple(FAITHFUL_CHOICES),
                               key=STATE.key("faithful"), required=True,
                               format_func=lambda choice: FAITHFUL_CHOICES[choice][1])
    data = load_dataset(key, FAITHFUL_CHOICES[key][0], 0, 0, 0.0, 0.0, 0, None, False)
    style = figure_style(len(data.X), setup.style.presentation)
    n_samples, n_features = data.X.shape
    entries = [score_fit(fit_once(data, k, "full"), k, "full", n_samples, n_features)
               for k in (1, 2)]
    columns = st.columns(2)
    for column, entry, title in zip(columns, entries, ("One Gaussian", "A mixture of two"),
                                    strict=True):
        with column:
            st.markdown(f"**{title}** (K = {entry.n_components})")
            figure(fit_figure(data, entry.fit.params, style),
                   describe.fit_chart(entry.fit.params, data, title=title),
                   key=STATE.key(f"faithful_{entry.n_components}"))
            entry_metrics(entry, n_samples)
    one, two = entries
    rise = two.fit.log_likelihood - one.fit.log_likelihood
    st.markdown(
        f"Two components raise the log-likelihood ℓ by **{number(rise, 5)}** "
        f"for {two.n_params - one.n_params} extra parameters (p = {one.n_params} → "
        f"{two.n_params}), and lower the BIC by "
        f"**{number(one.bic - two.bic, 5)}** (a BIC difference above 10 is very strong "
        "evidence). "
        "One Gaussian puts its mass in the empty middle between the short and the long "
        "eruptions; the mixture puts it where the eruptions are."
    )
    st.dataframe(pd.DataFrame(GridResult(tuple(entries), n_samples, n_features).rows()),
                 hide_index=True)
