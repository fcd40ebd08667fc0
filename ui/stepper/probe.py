"""The probe point: "where would a new x belong?", typed or clicked on the figure."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_core.mixture import ComponentCollapse, DensityUnderflow, predict_proba
from ui.figures import figure_style, membership_bar_figure
from ui.figures.click_grid import clicked_point
from ui.kit.data_picker import MESSAGE_CHARS
from ui.kit.display import show_figure
from ui.kit.escape import untrusted_markdown
from ui.stepper.page import StepperPage
from ui.stepper.sidebar import Setup

PROBE_CAPTION = {1: "Click the figure near the x axis to move the point, or type it:",
                 2: "Click anywhere on the figure to move the point, or type it:"}


def move_probe_to_click(page: StepperPage, decimals) -> None:
    """Figure callback: the probe point moves to the clicked spot (a point of the click grid,
    or a data point or mean under the mouse). decimals: ``ClickGrid.decimals``, one per
    coordinate."""
    chart = page.state.figure
    point = clicked_point(chart.get("selection") if chart else None, decimals, curves=None)
    if point is None:  # a click that deselected
        return
    for coordinate, value in enumerate(point):
        page.state.probe[coordinate] = value


def probe(page: StepperPage, setup: Setup, params) -> np.ndarray | None:
    """The probe point's toggle, inputs and membership bars; returns the point (D,) or None."""
    state = page.state
    if not st.toggle("Probe a point: where would a new x belong?", key=state.key("probe_on"),
                     persist_state="session"):
        return None
    st.caption(PROBE_CAPTION[page.n_features])
    X = setup.data.X
    centre = X.mean(axis=0)
    point = []
    for d, column in enumerate(st.columns(page.n_features)):
        state.probe.setdefault(d, float(np.round(centre[d], 2)))
        with column:
            point.append(st.number_input(untrusted_markdown(setup.data.feature_names[d]),
                                         key=state.probe.key(d), format="%.3f",
                                         step=float(np.round(X[:, d].std() / 10, 3)) or 0.1))
    point = np.array(point)
    try:
        probabilities = predict_proba(point.reshape(1, -1), params)[0]
    except DensityUnderflow as underflow:
        # Nothing collapsed: every density is 0 in floating point this far from the data.
        st.warning(untrusted_markdown(underflow.message, max_chars=MESSAGE_CHARS))
        return point
    except ComponentCollapse as collapse:
        st.warning("Membership probabilities are undefined here: "
                   + untrusted_markdown(collapse.message, max_chars=MESSAGE_CHARS))
        return point
    style = figure_style(len(X), setup.display.presentation)
    show_figure(membership_bar_figure(probabilities, style, title="p(component | probe)"),
                key=state.key("probe_bars"))
    return point
