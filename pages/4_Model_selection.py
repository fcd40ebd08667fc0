"""Model selection: how many components, which covariance type, and which of many starts.

The screen: the data (1-D or 2-D) and the fitting settings in the sidebar; BIC and AIC against
K for every covariance type with the best model marked (a progress bar while the grid runs) and
any chosen model drawn with the stepper's figure; restarts with the histogram of their final
log-likelihoods, the best fit and the initialisations side by side; Old Faithful with one
Gaussian against two.
"""

import streamlit as st

from ui import selection_controls as selection

st.set_page_config(page_title="Model selection", page_icon=":material/leaderboard:",
                   layout="wide")
st.title("Model selection: how many components?")
st.markdown(
    "More components always fit the data at least as well, so the likelihood alone cannot "
    "choose K. The information criteria add a price per parameter: "
    "BIC = −2 log L + p log N and AIC = −2 log L + 2p, lower is better."
)

setup = selection.sidebar()
if setup is None:
    st.stop()

st.header("1 · BIC and AIC for K = 1, 2, …")
grid = selection.grid_section(setup)
selection.sync_link(setup)

st.header("2 · Restarts: one model, many starts")
st.markdown(
    "EM climbs to the nearest hill of the likelihood. Starting it from different places shows "
    "how many hills there are, and keeping the best of several starts is the usual remedy."
)
selection.restarts_section(setup, grid)

st.header("3 · Old Faithful: one Gaussian or two?")
selection.faithful_section(setup)
