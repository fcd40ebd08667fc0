"""EM in 2-D: step through EM on two-dimensional data, one half-step at a time.

The screen: data, model and display controls in the sidebar; the stepping bar; the points
coloured by responsibilities with each component's 1σ and 2σ ellipses; the log-likelihood
chart with a note on what to notice; the numbers and the formulas of the current half-step;
the link to this view; the collapse lesson and the textbook example.
"""

import streamlit as st

from ui import controls, stepper

st.set_page_config(page_title="EM in 2-D", page_icon="🎯", layout="wide")
st.title("EM in 2-D: Gaussian mixtures, one half-step at a time")

page = controls.stepper_page(n_features=2)
setup = controls.sidebar(page, lessons=stepper.lesson_buttons)
if setup is None:
    st.stop()
run = controls.current_run(page, setup)
if run is None:
    st.stop()

stepper.main_view(page, setup, run)
