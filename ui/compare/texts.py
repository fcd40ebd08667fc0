"""The texts of "k-means vs EM": the introduction and why hard EM is k-means."""

from __future__ import annotations

import streamlit as st

from ui.compare.sidebar import PairSetup


def introduction() -> None:
    st.markdown(
        "Both start from the same centres. k-means gives every point to its nearest centre and "
        "moves each centre to the mean of its points; EM gives every point to every component "
        "in proportion to its responsibility and moves, stretches and reweights the "
        "components. Step them together and watch where they part ways."
    )


def why_hard_em_is_kmeans(setup: PairSetup) -> None:
    with st.expander("Why hard EM is k-means", expanded=setup.sigma is not None):
        st.markdown(
            "Fix every weight at 1/K and every covariance at σ²I, and let EM learn only the "
            "means. The E-step's responsibility of component k for point x is then a softmax "
            "of squared distances:"
        )
        st.latex(r"r_{k}(x) = \frac{\exp\!\left(-\lVert x-\mu_k\rVert^2 / 2\sigma^2\right)}"
                 r"{\sum_{j} \exp\!\left(-\lVert x-\mu_j\rVert^2 / 2\sigma^2\right)}"
                 r"\;\xrightarrow[\sigma \to 0]{}\; \begin{cases}1 & \text{if } \mu_k "
                 r"\text{ is the nearest mean}\\ 0 & \text{otherwise}\end{cases}")
        st.markdown(
            "With one-hot responsibilities the M-step's weighted mean "
            r"$\mu_k = \sum_i r_{ik} x_i / \sum_i r_{ik}$ is the plain mean of the points "
            "nearest to μₖ: exactly k-means' update. Switch on **Hard EM** in the sidebar and "
            "shrink σ: the colours harden, the circles shrink and EM's means follow k-means' "
            "centres step for step (at σ = 0.0001 × spread they agree to machine precision). "
            "With a larger σ the points near a boundary are shared, and the means are pulled "
            "towards each other."
        )
