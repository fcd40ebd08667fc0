"""EM in 1-D: step through EM on data along a line, one half-step at a time.

The screen: data, model and display controls in the sidebar; the stepping bar; the data's
histogram with each weighted component density, the mixture density and the data as a rug
coloured by responsibilities; the log-likelihood chart with a note on what to notice; the
numbers and the formulas of the current half-step; the link to this view; the collapse lesson.
"""

import streamlit as st

from ui import controls, stepper

st.set_page_config(page_title="EM in 1-D", page_icon="📈", layout="wide")
st.title("EM in 1-D: a mixture of Gaussians on a line")

page = controls.stepper_page(n_features=1)
setup = controls.sidebar(page, lessons=stepper.lesson_buttons)
if setup is None:
    st.stop()
run = controls.current_run(page, setup)
if run is None:
    st.stop()

stepper.main_view(page, setup, run)
