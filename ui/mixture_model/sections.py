"""The sections of the page "The mixture model", each a heading, its text and its widgets.

The page script calls these in order, so it reads like a description of the screen; the
texts and formulas live here, the widget blocks in the sibling modules.
"""

from __future__ import annotations

import streamlit as st

from gmm_core.datasets import Dataset
from gmm_core.generative import MixtureSpec, encode_spec
from ui.figures import figure_style
from ui.figures.common import FigureStyle
from ui.mixture_model import controls, story
from ui.mixture_model.figures import graphical_model_dot
from ui.mixture_model.posterior import posterior_explorer
from ui.mixture_model.state import DEFAULT_LECTURE_N
from ui.mixture_model.supervised import supervised_comparison
from ui.mixture_model.surface import means_only_explorer


def introduction() -> None:
    st.markdown(
        "Before fitting a Gaussian mixture, look at what the model *claims* about the data: "
        "every point was made by first picking a component at random and then drawing the "
        "point from that component's Gaussian. This page plays that story forwards "
        "(sampling), then asks the reverse question (which component made this point?), and "
        "shows why learning the parameters is easy with the components known and needs EM "
        "without them."
    )


def the_model() -> None:
    st.header("1 · The model")
    diagram_column, story_column = st.columns([2, 3])
    with diagram_column:
        st.graphviz_chart(graphical_model_dot(), width="stretch")
        st.caption("Circles are random variables, rounded squares are parameters. Only the "
                   "shaded x(i) is observed; z(i) is latent. The box marked i = 1..N repeats "
                   "its contents for every data point, the box j = 1..K for every component.")
    with story_column:
        st.markdown(
            "For each data point $i = 1, \\dots, N$, independently:\n"
            "1. **Roll a K-sided die** with probabilities $\\phi = (\\phi_1, \\dots, \\phi_K)$ "
            "to pick the component $z^{(i)}$.\n"
            "2. **Draw the point** $x^{(i)}$ from the Gaussian of that component, with mean "
            "$\\mu_{z^{(i)}}$ and covariance $\\Sigma_{z^{(i)}}$."
        )
        st.latex(r"z^{(i)} \sim \mathrm{Multinomial}(\phi), \qquad "
                 r"x^{(i)} \mid z^{(i)} = j \;\sim\; \mathcal{N}(\mu_j, \Sigma_j)")
        st.markdown("Forgetting which component was picked gives the **mixture density**, a "
                    "weighted sum of K Gaussians:")
        st.latex(r"p(x) \;=\; \sum_{j=1}^{K} p(z = j)\, p(x \mid z = j) "
                 r"\;=\; \sum_{j=1}^{K} \phi_j\, \mathcal{N}(x;\, \mu_j, \Sigma_j), "
                 r"\qquad \phi_j \ge 0,\; \sum_{j} \phi_j = 1")


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
        "Run the story backwards: given a point x, how likely is it that component j "
        "produced it? Bayes' rule weighs each component's density at x by its weight and "
        "normalises:"
    )
    st.latex(r"w^{(i)}_j \;=\; P\big(z^{(i)} = j \mid x^{(i)};\, \phi, \mu, \Sigma\big) "
             r"\;=\; \frac{\phi_j\, \mathcal{N}(x^{(i)};\, \mu_j, \Sigma_j)}"
             r"{\sum_{l=1}^{K} \phi_l\, \mathcal{N}(x^{(i)};\, \mu_l, \Sigma_l)}")
    st.markdown(
        "**This is exactly what EM's E-step computes** for every data point, with the current "
        "guess of the parameters instead of the true ones; these w's are the "
        "*responsibilities* that colour the points on the stepping pages. Type a point and "
        "compare: near one centre one component takes (almost) all of it; between two "
        "clusters they share it."
    )
    posterior_explorer(spec, sample, style)


def labels_known(spec: MixtureSpec, sample: Dataset, style: FigureStyle) -> None:
    st.header("4 · Learning with the labels known: one formula, no iterations")
    st.markdown(
        "Suppose we had kept the colours, i.e. we knew every z(i). Then the log-likelihood "
        "splits into one term per component, and maximising it gives counts, averages and "
        "covariances of each colour group:"
    )
    st.latex(r"\ell(\phi,\mu,\Sigma) = \sum_{i=1}^{N} \Big[\log p\big(x^{(i)} \mid z^{(i)};"
             r"\, \mu, \Sigma\big) + \log p\big(z^{(i)};\, \phi\big)\Big]")
    st.latex(r"\phi_j = \frac{1}{N}\sum_{i=1}^{N} 1\{z^{(i)} = j\}, \quad "
             r"\mu_j = \frac{\sum_{i} 1\{z^{(i)} = j\}\, x^{(i)}}{\sum_{i} 1\{z^{(i)} = j\}}, "
             r"\quad \Sigma_j = \frac{\sum_{i} 1\{z^{(i)} = j\}\, (x^{(i)} - \mu_j)"
             r"(x^{(i)} - \mu_j)^T}{\sum_{i} 1\{z^{(i)} = j\}}")
    st.markdown(
        f"Below: these estimates from all {len(sample.X)} points of your sample with their "
        "true colours (solid ellipses and crosses), over the mixture you set (dotted ellipses "
        "and open circles). With more points the two agree more closely."
    )
    supervised_comparison(spec, sample, style)


def labels_unknown(presentation: bool) -> None:
    st.header("5 · Learning without labels: the means only")
    st.markdown(
        "Without the z's we can only maximise the **marginal likelihood**, the probability of "
        "the points alone, summed over every possible component of every point:"
    )
    st.latex(r"\ell(\phi,\mu,\Sigma) = \sum_{i=1}^{N} \log p\big(x^{(i)};\, \phi,\mu,\Sigma"
             r"\big) = \sum_{i=1}^{N} \log \sum_{j=1}^{K} p\big(x^{(i)} \mid z^{(i)} = j;\, "
             r"\mu,\Sigma\big)\, p\big(z^{(i)} = j;\, \phi\big)")
    st.markdown(
        "The logarithm of a sum does not split into per-component terms, and setting the "
        "gradient to zero gives no closed form. To see the problem, take the lecture's "
        "smallest example: 1-D data, two components with **σ = 1 and equal weights ½ "
        "fixed**, so only the two means μ₁ and μ₂ are unknown. The log-likelihood is then a "
        "surface over (μ₁, μ₂):"
    )
    st.latex(r"\ell(\mu_1, \mu_2) = \sum_{i=1}^{N} \log\Big(\tfrac{1}{2}\,"
             r"\mathcal{N}(x^{(i)};\, \mu_1, 1) + \tfrac{1}{2}\,"
             r"\mathcal{N}(x^{(i)};\, \mu_2, 1)\Big)")
    st.markdown(
        "Read the surface: it has **two equally high maxima** (stars), mirror images across "
        "the dotted line μ₁ = μ₂, because calling the left cluster '1' and the right one '2' "
        "explains the data exactly as well as the other way round (*label switching*). "
        "Between them lies a saddle on the mirror line. Setting the derivative to zero gives "
        "$\\mu_1 = \\sum_i w_1^{(i)} x^{(i)} / \\sum_i w_1^{(i)}$, where the weights "
        "$w_1^{(i)}$ themselves depend on $\\mu_1$ and $\\mu_2$: a circle with no "
        "closed-form exit. EM breaks the circle by alternating: the **E-step** computes the "
        "w's with the current means (section 3), the **M-step** uses them as soft labels in "
        "the formulas of section 4. Step it below and watch the path climb."
    )
    means_only_explorer(figure_style(DEFAULT_LECTURE_N, presentation))


def why_em_exists() -> None:
    st.header("6 · Why EM exists, in four lines")
    st.markdown(
        "1. The model says: pick $z$ with probabilities $\\phi$, then draw $x$ from "
        "$\\mathcal{N}(\\mu_z, \\Sigma_z)$ (sections 1 and 2).\n"
        "2. With z known, the maximum likelihood estimates are averages over each group "
        "(section 4): no iterations needed.\n"
        "3. With z hidden, the log of a sum couples everything; the optimum of the means "
        "depends on the posterior w, which depends on the means (section 5). The surface has "
        "several maxima, one per relabelling of the components.\n"
        "4. EM alternates between the two easy problems: guess the hidden z softly (E-step: "
        "the posterior of section 3), then solve the labelled problem with those soft labels "
        "(M-step: the formulas of section 4). Each round can only raise the likelihood, which "
        "is why the path on the surface never goes downhill, but which maximum it reaches "
        "depends on where it starts."
    )
