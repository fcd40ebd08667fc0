"""Section "The Gaussian behind the ellipses": the density, its ellipses and axes, what each
covariance type assumes, how many parameters each costs (the count BIC uses), and how much
mass an ellipse holds."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_core.gaussian import covariance_2d, fraction_within, mass_within, principal_axes
from gmm_core.mixture import MixtureParams, sample
from gmm_core.selection import n_parameters
from ui.figures.common import FigureStyle
from ui.kit.accessible import figure, formula
from ui.kit.text import latex_matrix, latex_number, latex_vector
from ui.mixture_model import describe
from ui.mixture_model.gaussian_figure import gaussian_figure
from ui.mixture_model.state import STATE

ANCHOR = "the-gaussian-behind-the-ellipses"
SAMPLE_SIZE = 1000
# (covariance type, Sigma_k as LaTeX, what it assumes, its free covariance parameters as a
# formula in K and D: the count gmm_core.selection.n_parameters uses, checked by a test).
COVARIANCE_TYPES = (
    ("spherical", r"\Sigma_k = \sigma_k^2 I",
     "one variance per component: round circles (spheres), of any size", "K"),
    ("diag", r"\Sigma_k = \mathrm{diag}(\sigma_{k1}^2, \dots, \sigma_{kD}^2)",
     "independent coordinates within a component: ellipses along the axes", "K·D"),
    ("tied", r"\Sigma_k = \Sigma \text{ for every } k",
     "one shared shape: every component has the same size and orientation",
     "D·(D + 1)/2"),
    ("full", r"\Sigma_k \text{ any symmetric positive definite matrix}",
     "any ellipse: the eigenvalues of Σₖ are the squared half-axes, its eigenvectors the "
     "orientation", "K·D·(D + 1)/2"),
)
EXAMPLE_K, EXAMPLE_D = 3, 2


def covariance_types_table() -> str:
    """The four types with their assumptions and parameter counts, as a Markdown table (p for
    K = 3, D = 2 from gmm_core.selection.n_parameters)."""
    lines = [f"| covariance_type | assumes | covariance parameters | p for K = {EXAMPLE_K}, "
             f"D = {EXAMPLE_D} |", "|---|---|---|---|"]
    for name, _sigma, assumes, count in COVARIANCE_TYPES:
        lines.append(f"| {name} | {assumes} | {count} | "
                     f"{n_parameters(EXAMPLE_K, EXAMPLE_D, name)} |")
    return "\n".join(lines)


def the_gaussian(style: FigureStyle) -> None:
    st.header("7 · The Gaussian behind the ellipses", anchor=ANCHOR)
    st.markdown("Each component is a Gaussian in D dimensions (D = 2 for the points of "
                "section 2). Its density is")
    formula(r"\mathcal{N}(x \mid \mu_k, \Sigma_k) = \frac{1}{(2\pi)^{D/2}\,|\Sigma_k|^{1/2}}"
             r"\exp\!\Big(-\tfrac{1}{2}(x - \mu_k)^{\mathsf T}\,\Sigma_k^{-1}\,(x - \mu_k)\Big)")
    st.markdown(
        "It is the same on every ellipse (x − μₖ)ᵀ Σₖ⁻¹ (x − μₖ) = c²: the 1σ and 2σ "
        "ellipses drawn on every page are c = 1 and c = 2. Write Σ = U Λ Uᵀ (its "
        "eigen-decomposition): the columns u₁, u₂ of U give the ellipse's orientation, and "
        "the half-axes of the cσ ellipse are c √λ₁ and c √λ₂. Set a covariance and see:"
    )
    figure_column, numbers_column = st.columns([3, 2])
    with numbers_column:
        covariance, coverage = _gaussian_controls()
        _decomposition(covariance)
    draws, _labels = sample(MixtureParams(np.ones(1), np.zeros((1, 2)), covariance[None],
                                          "full"), SAMPLE_SIZE, 0)
    with figure_column:
        figure(gaussian_figure(covariance, draws, style, coverage=coverage),
               describe.gaussian(STATE.gauss_std1, STATE.gauss_std2, STATE.gauss_rho,
                                 covariance, draws),
               width="stretch")
    inside = [fraction_within(draws, np.zeros(2), covariance, c) for c in (1.0, 2.0)]
    st.markdown(
        "**What an ellipse holds.** For a draw from its own Gaussian, (x − μ)ᵀ Σ⁻¹ (x − μ) "
        "follows a χ² distribution with D degrees of freedom, whatever Σ is. So in 2-D the "
        f"1σ ellipse holds **{100 * mass_within(1.0, 2):.1f} %** of the mass and the 2σ "
        f"ellipse **{100 * mass_within(2.0, 2):.1f} %**, much less than the "
        f"{100 * mass_within(1.0, 1):.1f} % and {100 * mass_within(2.0, 1):.1f} % of a 1-D "
        f"±1σ and ±2σ interval. Of the {SAMPLE_SIZE} draws above, "
        f"{100 * inside[0]:.1f} % lie inside the 1σ ellipse and {100 * inside[1]:.1f} % "
        "inside the 2σ one."
    )
    st.markdown("**Covariance types** (scikit-learn's `covariance_type`) restrict Σₖ and so "
                "the shapes a mixture can take:")
    for pair in (COVARIANCE_TYPES[:2], COVARIANCE_TYPES[2:]):
        formula(r"\qquad ".join(f"\\text{{{name}: }} {sigma}"
                                for name, sigma, _assumes, _count in pair))
    st.markdown(covariance_types_table())
    st.markdown(
        "A mixture's free parameters are p = (K − 1) weights (they sum to 1) + K·D means + "
        "the covariance parameters above. This p is the one BIC uses: "
        "BIC = −2 ℓ(θ̂) + p log N (lower is better; θ̂ is the fitted θ)."
    )


def _gaussian_controls() -> tuple[np.ndarray, bool]:
    STATE.set_default("gauss_std1", 2.0)
    STATE.set_default("gauss_std2", 1.0)
    STATE.set_default("gauss_rho", 0.6)
    std_1 = st.slider("σ₁ (standard deviation of x₁)", 0.2, 3.0, step=0.1,
                      key=STATE.key("gauss_std1"))
    std_2 = st.slider("σ₂ (standard deviation of x₂)", 0.2, 3.0, step=0.1,
                      key=STATE.key("gauss_std2"))
    rho = st.slider("ρ (correlation of x₁ and x₂)", -0.95, 0.95, step=0.05,
                    key=STATE.key("gauss_rho"))
    coverage = st.toggle("Also draw the 50 % and 95 % ellipses", key=STATE.key("gauss_coverage"))
    return covariance_2d(std_1, std_2, rho), coverage


def _decomposition(covariance: np.ndarray) -> None:
    axes = principal_axes(covariance)
    formula(r"\Sigma = " + latex_matrix(covariance, 3) + " = U \\Lambda U^{\\mathsf T},"
             r"\quad U = " + latex_matrix(axes.directions, 3)
             + r",\quad \Lambda = " + latex_matrix(np.diag(axes.variances), 3))
    formula(r"\sqrt{\lambda_1} = " + latex_number(axes.half_axes[0], 3)
             + r",\; \sqrt{\lambda_2} = " + latex_number(axes.half_axes[1], 3)
             + r",\quad u_1 = " + latex_vector(axes.directions[:, 0], 3)
             + r"\ \text{at } " + latex_number(axes.angle_degrees, 3) + r"^\circ")
    if np.isclose(axes.variances[0], axes.variances[1], rtol=1e-9):
        where = "The ellipse is a circle: every direction is an axis (a spherical Σ)."
    else:
        where = f"The long axis points {axes.angle_degrees:.1f}° from the x₁ axis."
    st.caption(where + " With ρ = 0 the axes are the coordinate axes (a diagonal Σ); with "
               "σ₁ = σ₂ and ρ = 0 the ellipse is a circle (a spherical Σ).")
