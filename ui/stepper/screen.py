"""The whole stepper page, for the two page scripts (EM in 1-D and EM in 2-D)."""

from __future__ import annotations

import streamlit as st

from ui.stepper.lessons import lesson_buttons
from ui.stepper.page import stepper_page
from ui.stepper.sidebar import current_run, sidebar
from ui.stepper.view import main_view


def stepper_screen(*, n_features: int) -> None:
    """Draw the stepper for ``n_features``-D data, after the page's ``start_page``: the sidebar
    (data, model, display, lessons, room), then the stepping bar, the figure, the
    log-likelihood chart and the panels. Stops the script when the sidebar has no run to show
    (an unusable CSV, a start that cannot be built: it has said why).
    """
    page = stepper_page(n_features=n_features)
    setup = sidebar(page, lessons=lesson_buttons)
    run = None if setup is None else current_run(page, setup)
    if run is None:
        st.stop()
    main_view(page, setup, run)
