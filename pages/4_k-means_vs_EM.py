"""k-means vs EM: the same data and the same initial centres, k-means on the left, EM on the right.

The screen: the scenario, K, the shared start and EM's model (soft or hard, learnt covariances
or a fixed σ) in the sidebar; one stepping bar for both runs and one for each; k-means' hard
clusters with their cells next to EM's responsibilities and ellipses, the points where they
disagree ringed in red; inertia, log-likelihood and the adjusted Rand index per step; why EM
with a fixed σ tends to k-means and hard EM with it is k-means; the notation and a glossary.
"""

import streamlit as st

from ui.compare import texts
from ui.compare.runs import paired_runs
from ui.compare.sidebar import sidebar
from ui.compare.view import main_view
from ui.kit.display import start_page
from ui.pages import COMPARE

start_page(COMPARE)
introduction = st.container()  # filled once the sidebar has chosen the EM side

setup = sidebar()
with introduction:
    texts.introduction(None if setup is None else setup.model)
pair = None if setup is None else paired_runs(setup)
if pair is None:
    st.stop()
if setup.lesson:
    st.info(setup.lesson)

main_view(setup, pair)
texts.why_fixed_sigma_leads_to_kmeans(setup.model)
texts.notation_and_glossary()
