"""The sections of the page "The mixture model", each a heading, its text and its widgets.

The page script calls these in order, so it reads like a description of the screen; the
texts and formulas live here (and in bound.py, gaussian.py for sections 6 and 7), the widget
blocks in the sibling modules. Notation (issue #12): weights π_k, responsibilities r_ik, soft
counts N_k, data x_i (i = 1..N), components k = 1..K, θ = (π, μ, Σ).
"""

from __future__ import annotations

import streamlit as st

from gmm_core.datasets import Dataset
from gmm_core.generative import MixtureSpec, encode_spec
from ui.figures import figure_style
from ui.figures.common import FigureStyle
from ui.kit.accessible import DESCRIBE, formula
from ui.mixture_model import controls, describe, story
from ui.mixture_model.figures import graphical_model_dot
from ui.mixture_model.posterior import posterior_explorer
from ui.mixture_model.supervised import supervised_comparison
from ui.mixture_model.surface import MeansOnlyView, means_only_explorer


def introduction() -> None:
    st.markdown(
        "Before fitting a Gaussian mixture, look at what the model *claims* about the data: "
        "every point was made by first picking a component at random and then drawing the "
        "point from that component's Gaussian. This page plays that story forwards "
        "(sampling), then asks the reverse question (which component made this point?), "
        "shows why learning the parameters is easy with the components known and needs EM "
        "without them, and why EM's likelihood can only climb."
    )


def the_model() -> None:
    st.header("1 · The model")
    diagram_column, story_column = st.columns([2, 3])
    with diagram_column:
        st.graphviz_chart(graphical_model_dot(), width="stretch")
        with st.expander(DESCRIBE):
            st.markdown(describe.GRAPHICAL_MODEL)
        st.caption("Circles are random variables, rounded squares are parameters. Only the "
                   "shaded xᵢ is observed; zᵢ is latent (hidden). The box marked i = 1..N "
                   "repeats its contents for every data point, the box k = 1..K for every "
                   "component.")
    with story_column:
        st.markdown(
            "A mixture of K Gaussians in D dimensions (D = 2 in sections 2–4) has parameters "
            "θ = (π, μ, Σ): the **weights** πₖ, the **means** μₖ and the **covariances** "
            "Σₖ of the components k = 1, …, K. For each data point $xᵢ$, "
            "$i = 1, \\dots, N$, independently:\n"
            "1. **Roll a K-sided die** with probabilities $\\pi = (\\pi_1, \\dots, \\pi_K)$ "
            "to pick the component $zᵢ$.\n"
            "2. **Draw the point** $xᵢ$ from the Gaussian of that component, with mean "
            "$\\mu_{z_i}$ and covariance $\\Sigma_{z_i}$."
        )
        formula(r"z_i \sim \mathrm{Categorical}(\pi), \qquad "
                 r"x_i \mid z_i = k \;\sim\; \mathcal{N}(\mu_k, \Sigma_k)")
        st.markdown("Forgetting which component was picked gives the **mixture density**, a "
                    "weighted sum of K Gaussians:")
        formula(r"p(x \mid \theta) \;=\; \sum_{k=1}^{K} p(z = k)\, p(x \mid z = k) "
                 r"\;=\; \sum_{k=1}^{K} \pi_k\, \mathcal{N}(x \mid \mu_k, \Sigma_k), "
                 r"\qquad \pi_k \ge 0,\; \sum_{k} \pi_k = 1")


def generative_story(presentation: bool) -> tuple[MixtureSpec, Dataset, int, int]:
    """The mixture's widgets, the story and the hand-off; returns (spec, sample, n, seed)."""
    st.header("2 · The generative story: draw a sample")
    st.markdown(
        "Set the mixture on the left, then draw points one at a time or in batches (or press "
        "*Play*). Each point is coloured by the component that produced it. Then hide the "
        "colours: the grey cloud is all that EM is given."
    )
    controls_column, story_column = st.columns([1, 3])
    with controls_column:
        spec = controls.mixture_controls()
        n_samples, seed = controls.sample_controls()
    controls.write_link(spec, n_samples, seed)
    sample = controls.cached_sample(encode_spec(spec), n_samples, seed)
    with story_column:
        story.sampling_story(spec, sample, figure_style(n_samples, presentation))
        st.subheader("Hand the grey points to EM")
        story.stepper_hand_off(spec, n_samples, seed)
    return spec, sample, n_samples, seed


def the_posterior(spec: MixtureSpec, sample: Dataset, style: FigureStyle) -> None:
    st.header("3 · Who made this point? The posterior")
    st.markdown(
        "Run the story backwards: given a point x, how likely is it that component k "
        "produced it? Bayes' rule weighs each component's density at x by its weight and "
        "normalises (l runs over all components):"
    )
    formula(r"P(z = k \mid x, \theta) \;=\; \frac{\pi_k\, \mathcal{N}(x \mid \mu_k, \Sigma_k)}"
             r"{\sum_{l=1}^{K} \pi_l\, \mathcal{N}(x \mid \mu_l, \Sigma_l)}, \qquad "
             r"r_{ik} \;=\; P(z_i = k \mid x_i, \theta)")
    st.markdown(
        "**This is exactly what EM's E-step computes** for every data point xᵢ, with the "
        "current guess of θ instead of the true one: the **responsibilities** rᵢₖ that "
        "colour the points on the stepping pages. Each row sums to 1, and Nₖ = Σᵢ rᵢₖ is "
        "the *soft count* of component k. Type a point and compare: near one centre one "
        "component takes (almost) all of it; between two clusters they share it."
    )
    posterior_explorer(spec, sample, style)


def labels_known(spec: MixtureSpec, sample: Dataset, style: FigureStyle) -> None:
    st.header("4 · Learning with the labels known: one formula, no iterations")
    st.markdown(
        "Suppose we had kept the colours, i.e. we knew every zᵢ. The log-likelihood of the "
        "points *and* their labels, the **complete-data log-likelihood** $\\ell_c$, is a sum over "
        "points of the log of one component's weight and density; with the indicator "
        "1{zᵢ = k} (1 if point i came from component k, else 0) it splits into **one term "
        "per component**:"
    )
    formula(r"\ell_c(\theta) \;=\; \log p(X, z \mid \theta) \;=\; \sum_{i=1}^{N}\sum_{k=1}^{K}"
             r" 1\{z_i = k\}\,\big[\log \pi_k + \log \mathcal{N}(x_i \mid \mu_k, \Sigma_k)\big]"
             r"\;=\; \sum_{k=1}^{K} \Big[\, N_k \log \pi_k \;+\; \sum_{i:\, z_i = k} "
             r"\log \mathcal{N}(x_i \mid \mu_k, \Sigma_k) \Big]")
    st.markdown(
        "with Nₖ = Σᵢ 1{zᵢ = k} the number of points of component k. μₖ and Σₖ appear "
        "in term k only, so each is fitted to its own colour group; the weights, under "
        "Σₖ πₖ = 1, become the group's share of the points:"
    )
    formula(r"\pi_k = \frac{N_k}{N}, \quad "
             r"\mu_k = \frac{1}{N_k}\sum_{i:\, z_i = k} x_i, \quad "
             r"\Sigma_k = \frac{1}{N_k}\sum_{i:\, z_i = k} (x_i - \mu_k)(x_i - \mu_k)^{\mathsf T}")
    st.markdown(
        f"Below: these estimates from all {len(sample.X)} points of your sample with their "
        "true colours (solid ellipses and crosses), over the mixture you set (dotted ellipses "
        "and open circles). With more points the two agree more closely."
    )
    supervised_comparison(spec, sample, style)


def labels_unknown(style: FigureStyle) -> MeansOnlyView:
    st.header("5 · Learning without labels: the means only")
    st.markdown(
        "Without the z's we can only maximise the probability of the points alone, summed "
        "over every possible component of every point: the **marginal (incomplete-data) "
        "log-likelihood** ℓ(θ), the quantity every EM page plots:"
    )
    formula(r"\ell(\theta) \;=\; \log p(X \mid \theta) \;=\; \sum_{i=1}^{N} \log "
             r"\sum_{k=1}^{K} \pi_k\, \mathcal{N}(x_i \mid \mu_k, \Sigma_k)")
    st.markdown(
        "The logarithm of a sum does not split into per-component terms, and setting the "
        "gradient to zero gives no closed form. To see the problem, take the lecture's "
        "smallest example: 1-D data (D = 1), K = 2 components with **σ² = 1 and equal "
        "weights π₁ = π₂ = ½ fixed**, so only the two means μ₁ and μ₂ are unknown. ℓ is "
        "then a surface over (μ₁, μ₂):"
    )
    formula(r"\ell(\mu_1, \mu_2) = \sum_{i=1}^{N} \log\Big(\tfrac{1}{2}\,"
             r"\mathcal{N}(x_i \mid \mu_1, 1) + \tfrac{1}{2}\,\mathcal{N}(x_i \mid \mu_2, 1)"
             r"\Big), \qquad \frac{\partial \ell}{\partial \mu_k} = \sum_{i=1}^{N} r_{ik}"
             r"\,(x_i - \mu_k)")
    st.markdown(
        "Swapping μ₁ and μ₂ gives the same ℓ, so the surface is a mirror image of itself "
        "across the dotted line μ₁ = μ₂. Setting the derivative to zero gives "
        "$\\mu_k = \\sum_i r_{ik} x_i / N_k$, where the responsibilities $r_{ik}$ themselves "
        "depend on μ₁ and μ₂: a circle with no closed-form exit. EM breaks the circle by "
        "alternating: the **E-step** computes the rᵢₖ with the current means (section 3), "
        "the **M-step** uses them as soft labels in the formulas of section 4. Step it below "
        "and watch the path climb; the text under the surface says what this surface, for "
        "these data, looks like."
    )
    return means_only_explorer(style)


def why_em_exists() -> None:
    st.header("8 · Why EM exists, in four lines")
    st.markdown(
        "1. The model says: pick $z_i$ with probabilities $\\pi$, then draw $x_i$ from "
        "$\\mathcal{N}(\\mu_{z_i}, \\Sigma_{z_i})$ (sections 1 and 2).\n"
        "2. With the zᵢ known, the complete-data log-likelihood $\\ell_c$ splits into one term per "
        "component and the maximum likelihood estimates are counts, averages and covariances "
        "of each group (section 4): no iterations needed.\n"
        "3. With the zᵢ hidden, the marginal ℓ(θ) is a sum of logs of sums that couples "
        "everything; the best means depend on the responsibilities, which depend on the "
        "means (section 5). Its surface can have one maximum or several, and flat points "
        "that are not maxima.\n"
        "4. EM alternates between the two easy problems: guess the hidden zᵢ softly (E-step: "
        "the posterior of section 3), then solve the labelled problem with those soft labels "
        "(M-step: the formulas of section 4). Each round raises a lower bound that touches ℓ "
        "(section 6), so ℓ never goes down; where EM stops depends on where it starts, and a "
        "stop is a flat point, not always a maximum."
    )
