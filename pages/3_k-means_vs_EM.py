"""k-means vs EM: the same data and the same initial centres, k-means on the left, EM on the right.

The screen: the scenario, K, the shared start and EM's model (or hard EM with its σ) in the
sidebar; one stepping bar for both runs and one for each; k-means' hard clusters with their
cells next to EM's responsibilities and ellipses, the points where they disagree ringed in red;
inertia, log-likelihood and the adjusted Rand index per step; why hard EM is k-means.
"""

import streamlit as st

from ui import compare_controls as compare

st.set_page_config(page_title="k-means vs EM", page_icon=":material/compare:", layout="wide")
st.title("k-means vs EM")
st.markdown(
    "Both start from the same centres. k-means gives every point to its nearest centre and "
    "moves each centre to the mean of its points; EM gives every point to every component in "
    "proportion to its responsibility and moves, stretches and reweights the components. "
    "Step them together and watch where they part ways."
)

setup = compare.sidebar()
if setup is None:
    st.stop()
if setup.lesson:
    st.info(setup.lesson)
pair = compare.paired_runs(setup)
current = compare.positions(pair)
compare.link_box(setup, current)

st.markdown("**Both together** (E-step = assign for k-means, M-step = update)")
compare.stepping_bar(pair, "both", current)
left, right = st.columns(2)
with left:
    st.markdown("**k-means alone**")
    compare.stepping_bar(pair, "kmeans", current)
with right:
    st.markdown("**EM alone**")
    compare.stepping_bar(pair, "em", current)

compare.play_view(pair, lambda positions: compare.draw_pair(setup, pair, positions))

with st.expander("Why hard EM is k-means", expanded=setup.sigma is not None):
    st.markdown(
        "Fix every weight at 1/K and every covariance at σ²I, and let EM learn only the means. "
        "The E-step's responsibility of component k for point x is then a softmax of squared "
        "distances:"
    )
    st.latex(r"r_{k}(x) = \frac{\exp\!\left(-\lVert x-\mu_k\rVert^2 / 2\sigma^2\right)}"
             r"{\sum_{j} \exp\!\left(-\lVert x-\mu_j\rVert^2 / 2\sigma^2\right)}"
             r"\;\xrightarrow[\sigma \to 0]{}\; \begin{cases}1 & \text{if } \mu_k "
             r"\text{ is the nearest mean}\\ 0 & \text{otherwise}\end{cases}")
    st.markdown(
        "With one-hot responsibilities the M-step's weighted mean "
        r"$\mu_k = \sum_i r_{ik} x_i / \sum_i r_{ik}$ is the plain mean of the points nearest "
        "to μₖ: exactly k-means' update. Switch on **Hard EM** in the sidebar and shrink σ: "
        "the colours harden, the circles shrink and EM's means follow k-means' centres step "
        "for step (at σ = 0.0001 × spread they agree to machine precision). With a larger σ "
        "the points near a boundary are shared, and the means are pulled towards each other."
    )
