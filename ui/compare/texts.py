"""The texts of "k-means vs EM": the introduction for the model on screen, why EM with a fixed σ
tends to k-means while hard EM with it is k-means, and this page's notation (the reference
texts' symbols are in the kit's glossary). One notation: x_i (i = 1..N), component k = 1..K,
π_k, r_ik, N_k = Σ_i r_ik, N(x | μ, Σ)."""

from __future__ import annotations

import streamlit as st

from ui.compare.notes import EmModel
from ui.kit.accessible import formula
from ui.kit.notation import glossary

_EM_SIDES = {
    EmModel(False, False): (
        "**EM** fits a mixture of K Gaussian densities N(x | μ_k, Σ_k) with weights π_k: it "
        "gives every point x_i to every component k in proportion to its responsibility r_ik "
        "and re-estimates every component's weight, mean and covariance from those shares."),
    EmModel(False, True): (
        "**EM with a fixed σ** learns only the means μ_k of K Gaussians N(x | μ_k, σ²I) with "
        "equal weights π_k = 1/K: every point x_i is shared between the components in "
        "proportion to its responsibility r_ik, and each mean moves to the r_ik-weighted mean "
        "of the points."),
    EmModel(True, False): (
        "**Hard EM** fits the same mixture as EM (weights π_k, means μ_k, covariances Σ_k) but "
        "gives every point x_i wholly to its most responsible component (the largest r_ik) "
        "before each M-step."),
    EmModel(True, True): (
        "**Hard EM with a fixed σ** gives every point x_i wholly to its most responsible "
        "component of K Gaussians N(x | μ_k, σ²I) with equal weights: its nearest mean. That is "
        "k-means itself, at any σ: the two sides agree at every half-step."),
}


def introduction(model: EmModel | None) -> None:
    """What the two sides do; model: the EM side on screen (None before there is one)."""
    em_side = _EM_SIDES[EmModel(model.hard, model.fixed_sigma) if model else EmModel(False, False)]
    st.markdown(
        "Both start from the same centres. **k-means** gives every point x_i to its nearest "
        f"centre and moves each centre to the mean of its points. {em_side} Step them "
        "together and watch where they part ways (notation below the figures)."
    )


def why_fixed_sigma_leads_to_kmeans(model: EmModel) -> None:
    """Soft EM with a fixed σ tends to k-means as σ → 0; hard EM with it is k-means."""
    with st.expander("Why EM with a fixed σ tends to k-means, and hard EM with it is k-means",
                     expanded=model.fixed_sigma or model.hard):
        st.markdown(
            "**The model.** Fix every weight at π_k = 1/K and every covariance at Σ_k = σ²I "
            "(I is the D × D identity; D = 2 here) and let EM learn only the means μ_k. For a "
            "data point x_i (i = 1, …, N) and a component k (k = 1, …, K) the E-step's "
            "responsibility is then a softmax of squared distances (the factors 1/K and "
            "(2πσ²)^(−D/2) of π_k N(x_i | μ_k, σ²I) cancel):"
        )
        formula(r"r_{ik} = \frac{\exp\!\left(-\lVert x_i-\mu_k\rVert^2 / 2\sigma^2\right)}"
                 r"{\sum_{j=1}^{K} \exp\!\left(-\lVert x_i-\mu_j\rVert^2 / 2\sigma^2\right)}")
        st.markdown(
            "**Soft EM with a fixed σ tends to k-means as σ → 0, but is not k-means.** For "
            "every σ > 0 each r_ik lies strictly between 0 and 1: points near a boundary are "
            "shared, and the M-step's mean μ_k = Σ_i r_ik x_i / N_k, with the soft count "
            "N_k = Σ_i r_ik, is pulled towards the points it shares. As σ → 0 the r_ik of a "
            "point's unique nearest mean tends to 1 and the others to 0, so the E-step tends "
            "to k-means' assignment and the M-step to its update. Switch on **EM with a fixed "
            "shared σ** and shrink σ: the colours harden, the circles shrink and the gap to "
            "k-means' centres closes."
        )
        formula(r"z_i = \arg\max_k r_{ik} = \arg\min_k \lVert x_i-\mu_k\rVert^2,"
                 r"\qquad \mu_k = \frac{1}{N_k}\sum_{i:\, z_i = k} x_i")
        st.markdown(
            "**Hard EM with a fixed σ is k-means, at every σ.** Hard EM (classification EM) "
            "uses the E-step's r_ik only to give each point wholly to its most responsible "
            "component z_i, then sets r_ik = 1 for k = z_i and 0 otherwise. With equal weights "
            "and one σ²I the largest r_ik belongs to the nearest mean whatever σ is: k-means' "
            "assignment. With one-hot r_ik the M-step's μ_k is the plain mean of the N_k points "
            "given to k: k-means' update. Switch on both toggles: the gap is 0 at any σ. A "
            "point exactly as near to two means goes to the lower-numbered one, as in k-means; "
            "a component that receives no point (N_k = 0) keeps its mean, as k-means keeps an "
            "empty cluster's centre (when the weights are learnt, its weight becomes "
            "N_k / N = 0)."
        )
        st.markdown(
            "**What hard EM raises.** Not ℓ(θ) but the classification log-likelihood "
            "ℓ_C = Σ_i log π_{z_i} N(x_i | μ_{z_i}, Σ_{z_i}). With π_k = 1/K and Σ_k = σ²I, "
            "ℓ_C = −inertia / (2σ²) − N·(D/2)·log(2πσ²) − N·log K: raising ℓ_C is lowering "
            "k-means' inertia. With learnt weights and covariances hard EM is no longer "
            "k-means: the most responsible component maximises π_k N(x_i | μ_k, Σ_k), which "
            "measures distance in each component's own Σ_k and favours heavy components."
        )


_NOTATION = """
- **x_i**, i = 1, …, N: the data points (N of them, each with D = 2 coordinates).
- **component k**, k = 1, …, K: one Gaussian of the mixture, with weight **π_k** (the π_k sum
  to 1), mean **μ_k** and covariance **Σ_k**; **θ** = (π, μ, Σ) are all of them.
- **N(x | μ, Σ)**: the Gaussian density with mean μ and covariance Σ at x.
- **r_ik** = π_k N(x_i | μ_k, Σ_k) / Σ_j π_j N(x_i | μ_j, Σ_j): the responsibility of
  component k for point x_i (the E-step); **N_k** = Σ_i r_ik its soft count.
- **z_i**: the component or cluster x_i is given to. For EM the hard label is the most
  responsible component, argmax_k r_ik; hard EM uses it in place of r_ik.
- **ℓ(θ)** = Σ_i log Σ_k π_k N(x_i | μ_k, Σ_k): the log-likelihood. **λ = reg_covar**
  (10⁻⁶ here) is added to every learnt variance.
- k-means: the centre of cluster k is **μ_k** too; **inertia** = Σ_i ‖x_i − μ_{z_i}‖²; the
  **cells** are the regions nearest to each centre.
- **σ**: the fixed standard deviation, in units of the data's **spread** √(mean of the
  per-column variances).
- **Adjusted Rand index** (ARI): how well a clustering matches the true groups, 1 for the same
  partition (whatever the numbering), about 0 for a random one.
"""

def notation_and_glossary() -> None:
    """This page's symbols, then the kit's glossary of the reference texts' symbols."""
    with st.expander("Notation on this page"):
        st.markdown(_NOTATION)
        st.markdown("Hard assignments: the lecture writes δ(Y_j = k, x_j) for the 0-or-1 "
                    "responsibility of hard EM; the textbook calls z⁽ⁱ⁾ a point's latent "
                    "cluster.")
    glossary()
