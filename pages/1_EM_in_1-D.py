"""EM in 1-D: step through EM on data along a line, one half-step at a time.

The screen: data, model and display controls in the sidebar; the stepping bar; the data's
histogram with each weighted component density, the mixture density and the data as a rug
coloured by responsibilities; the log-likelihood chart with a note on what to notice; the
numbers and the formulas of the current half-step; the link to this view; the collapse lesson.
"""

import streamlit as st

from ui import pages
from ui.kit.display import start_page
from ui.stepper.lessons import lesson_buttons
from ui.stepper.page import stepper_page
from ui.stepper.sidebar import current_run, sidebar
from ui.stepper.view import main_view

start_page(pages.EM_1D, title="EM in 1-D: a mixture of Gaussians on a line")

page = stepper_page(n_features=1)
setup = sidebar(page, lessons=lesson_buttons)
run = None if setup is None else current_run(page, setup)
if run is None:
    st.stop()

main_view(page, setup, run)
