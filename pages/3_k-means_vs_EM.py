"""k-means vs EM: the same data and the same initial centres, k-means on the left, EM on the right.

The screen: the scenario, K, the shared start and EM's model in the sidebar; one stepping bar
for both runs and one for each; k-means' hard clusters with their cells next to EM's
responsibilities and ellipses, the points where they disagree ringed in red; inertia,
log-likelihood and the adjusted Rand index per step; why hard EM is k-means.
"""

import streamlit as st

from ui.compare import texts
from ui.compare.runs import paired_runs
from ui.compare.sidebar import sidebar
from ui.compare.view import main_view
from ui.kit.display import start_page
from ui.pages import COMPARE

start_page(COMPARE)
texts.introduction()

setup = sidebar()
pair = None if setup is None else paired_runs(setup)
if pair is None:
    st.stop()
if setup.lesson:
    st.info(setup.lesson)

main_view(setup, pair)
texts.why_hard_em_is_kmeans(setup)
