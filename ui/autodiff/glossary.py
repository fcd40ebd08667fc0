"""The page's notation against the reference texts' (``../shared/reference``): the lecture notes
on automatic differentiation and Gaussian mixtures, the textbook excerpt and the from-scratch
tutorial. A student reading one of them beside the page finds here which symbol is which."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.autodiff.widgets import text_table

PAGE, LECTURE, TEXTBOOK, TUTORIAL, MEANING = (
    "this page", "lecture notes", "textbook", "tutorial", "meaning")

AUTODIFF_NOTATION = (
    {PAGE: "ε, with ε² = 0", LECTURE: "d, with d² = 0",
     MEANING: "the unit of the second (dual) component of a dual number"},
    {PAGE: "a + bε;  x + ẋε", LECTURE: "x + ẋd",
     MEANING: "a dual number: a value and a tangent"},
    {PAGE: "w₁, …, wₙ = the inputs x₁, …, xₙ; then w_{n+1}, …",
     LECTURE: "w1 = x1, w2 = x2, w3 = w1 w2, …",
     MEANING: "the steps of the evaluation trace, numbered as in the lecture"},
    {PAGE: "ẇᵢ;  w3_dot in generated code", LECTURE: "ẇᵢ;  dw3 in diff_function.c",
     MEANING: "the tangent of a step: its derivative along the seed"},
    {PAGE: "ẋ = (ẋ₁, ẋ₂)", LECTURE: "ẋ (a column vector of seeds)",
     MEANING: "the seed of a forward sweep: the direction of the derivative"},
    {PAGE: "w̄ᵢ = ∂f/∂wᵢ;  x1_bar in generated code", LECTURE: "ȳ (a row vector of seeds)",
     MEANING: "adjoints, propagated by the reverse sweep from f̄ = 1"},
    {PAGE: "F: ℝⁿ → ℝᵐ, J (m × n)", LECTURE: "F: Rⁿ ↦ Rᵐ, J = DF(x)",
     MEANING: "a vector function and its Jacobian"},
    {PAGE: "h, ε_mach ≈ 2.2·10⁻¹⁶", LECTURE: "h",
     MEANING: "the step of a divided difference; machine epsilon (not the ε of duals)"},
)

MIXTURE_NOTATION = (
    {PAGE: "xᵢ, i = 1 … N", LECTURE: "x_j, j = 1 … m (m examples)", TEXTBOOK: "x⁽ⁱ⁾",
     TUTORIAL: "xᵢ", MEANING: "a data point, and the number of points"},
    {PAGE: "D", LECTURE: "m (in the Gaussian's 1/(2π)^{m/2})", TEXTBOOK: "",
     TUTORIAL: "n", MEANING: "the dimension of a point"},
    {PAGE: "component k = 1 … K", LECTURE: "k (also i, as in N(μᵢ, Σᵢ))", TEXTBOOK: "k",
     TUTORIAL: "c", MEANING: "one Gaussian of the mixture"},
    {PAGE: "πₖ", LECTURE: "P(y = k), pₖ, θₖ", TEXTBOOK: "ϕ⁽ᵏ⁾", TUTORIAL: "π_c",
     MEANING: "the weight of component k (the weights sum to 1)"},
    {PAGE: "μₖ, Σₖ", LECTURE: "μₖ, Σₖ (also μᵢ, Σᵢ)", TEXTBOOK: "μ⁽ᵏ⁾, Σ⁽ᵏ⁾",
     TUTORIAL: "μ_c, Σ_c", MEANING: "the mean and covariance of component k"},
    {PAGE: "N(x | μ, Σ)", LECTURE: "N(x_j, μᵢ, Σᵢ)", TEXTBOOK: "", TUTORIAL: "N(x | μ, Σ)",
     MEANING: "the Gaussian density at x"},
    {PAGE: "r_ik", LECTURE: "P(Y_j = k | x_j, θ)", TEXTBOOK: "w_j⁽ⁱ⁾", TUTORIAL: "r_ic",
     MEANING: "the responsibility of component k for point i"},
    {PAGE: "N_k = Σᵢ r_ik", LECTURE: "Σ_j P(Y_j = k | x_j)", TEXTBOOK: "", TUTORIAL: "m_c",
     MEANING: "the soft count of component k"},
    {PAGE: "θ = (π, μ, Σ)", LECTURE: "θ, also λ_t", TEXTBOOK: "", TUTORIAL: "",
     MEANING: "all the parameters (on the other pages λ is reg_covar, not the parameters)"},
    {PAGE: "ℓ(θ) = Σᵢ log Σₖ πₖ N(xᵢ | μₖ, Σₖ)", LECTURE: "lg Π_j Σ_k P(Y_j = k, x_j | θ)",
     TEXTBOOK: "", TUTORIAL: "ln p(X | π, μ, Σ)", MEANING: "the log-likelihood"},
    {PAGE: "(not used here)", LECTURE: "Y_j", TEXTBOOK: "z⁽ⁱ⁾", TUTORIAL: "",
     MEANING: "the hidden component that generated a point"},
)


def glossary() -> None:
    """The two tables, in an expander (the page's notation and the references')."""
    with st.expander("Notation: this page's symbols and the reference texts'"):
        st.markdown("**Automatic differentiation** (the lecture notes, Week 7)")
        text_table(pd.DataFrame(AUTODIFF_NOTATION, columns=[PAGE, LECTURE, MEANING]))
        st.markdown("**Gaussian mixtures** (tab 7; the lecture notes, the textbook excerpt "
                    "and the from-scratch tutorial)")
        text_table(pd.DataFrame(MIXTURE_NOTATION,
                                columns=[PAGE, LECTURE, TEXTBOOK, TUTORIAL, MEANING]).fillna(""))
