"""The "Common mistakes" panel: errors of from-scratch EM code, each with what it would do to
the data and the half-step on screen (the numbers come from ``gmm_core.mistakes``)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_core import mistakes
from gmm_core.mixture import ComponentCollapse, DensityUnderflow, MixtureParams, e_step
from ui.kit.text import number


def _vector(values: np.ndarray, digits: int = 3) -> str:
    return ", ".join(f"{float(value):.{digits}g}" for value in values)


def _code(wrong: str, right: str) -> None:
    st.code(f"# wrong\n{wrong}\n# right\n{right}", language="python")


def mistakes_panel(X: np.ndarray, params: MixtureParams,
                   responsibilities: np.ndarray | None) -> None:
    """Six mistakes, each with its effect here. X: (N, D); params: the parameters on screen;
    responsibilities: (N, K) on screen, or None before the first E-step (the responsibilities
    the next E-step computes are used then)."""
    try:
        shown = responsibilities if responsibilities is not None else e_step(X, params)[0]
        scale = mistakes.variance_as_scale(X, params)
        normalised = mistakes.wrong_normalisation(X, params)
        logs = mistakes.log_of_sum(X, params)
        prediction = mistakes.prediction_without_weights(X, params)
    except (ComponentCollapse, DensityUnderflow) as problem:
        st.info(f"No numbers at this half-step: {problem}")
        return
    counts = mistakes.missing_one_over_count(shown)
    inner = mistakes.inner_for_outer(X, shown)
    which = ("the responsibilities on screen" if responsibilities is not None
             else "the responsibilities the next E-step computes")
    st.markdown("Each mistake below is in the from-scratch tutorial this app corrects. The "
                "numbers are what it would do **here**: these data, these parameters, "
                f"{which}.")

    st.markdown("**1 · A variance where a standard deviation is expected.** "
                "`scipy.stats.norm(loc, scale)` takes σ, not σ²: passing the variance squares "
                "the spread once too often.")
    _code("norm(mu_k, var_k).pdf(x)", "norm(mu_k, np.sqrt(var_k)).pdf(x)")
    st.markdown(f"Here each component would be {_vector(scale.widths)} times as wide along its "
                f"widest direction, {scale.changed_labels} of {len(X)} points would change "
                f"their most responsible component, and a responsibility would change by up "
                f"to {scale.max_gap:.3g}.")

    st.markdown("**2 · Responsibilities normalised by the wrong sum.** Each point's r_ik must "
                "be divided by that point's own Σ_j π_j N(x_i | μ_j, Σ_j), so that Σ_k r_ik = 1.")
    _code("r = pi_k * pdf_k / (pi.sum() * pdf.sum())",
          "r = pi_k * pdf_k / (pi * pdf).sum(axis=1, keepdims=True)")
    low, high = normalised.row_sums
    st.markdown(f"Here Σ_k r_ik would range from {number(low, 3)} to {number(high, 3)} "
                f"instead of being 1 for every point, and the weights after the M-step would "
                f"sum to {number(normalised.weight_sum, 3)} instead of 1.")

    st.markdown("**3 · Σ_k without 1/N_k.** The covariance is a weighted *average* of the "
                "outer products, so it is divided by the soft count N_k = Σ_i r_ik.")
    _code("Sigma_k = (r[:, k, None] * d).T @ d", "Sigma_k = (r[:, k, None] * d).T @ d / N_k")
    st.markdown(f"Here N_k = {_vector(counts.counts, 4)}: every ellipse would be drawn "
                f"{_vector(counts.scale)} times too large (√N_k).")

    st.markdown("**4 · The log of a sum instead of a sum of logs.** "
                "ℓ(θ) = Σ_i log p(x_i): one log per point, then the sum.")
    _code("ll = np.log(p.sum())", "ll = np.log(p).sum()")
    st.markdown(f"Here ℓ(θ) = {logs.right:.6g}; the mistaken line gives {logs.wrong:.6g}, "
                "which is dominated by the few most likely points and does not measure the fit.")

    st.markdown("**5 · Predicting without the weights.** p(k | x) ∝ π_k N(x | μ_k, Σ_k): "
                "a component that explains few points needs π_k to stay small.")
    _code("k = np.argmax(pdf_k(x))", "k = np.argmax(pi_k * pdf_k(x))")
    st.markdown(f"Here {prediction.changed} of {prediction.n_points} points would get a "
                "different component" + (" (the weights are equal or the clusters are far "
                                         "apart, so the mistake hides)."
                                         if prediction.changed == 0 else "."))

    if X.shape[1] > 1:
        st.markdown("**6 · (x − μ)ᵀ(x − μ) for (x − μ)(x − μ)ᵀ.** The first is a number (a "
                    "squared distance), the second a D×D matrix: only the matrix has the "
                    "covariances that tilt and stretch an ellipse.")
        _code("Sigma_k = sum(r_ik * (x_i - mu_k).T @ (x_i - mu_k)) / N_k   # a number",
              "Sigma_k = sum(r_ik * np.outer(x_i - mu_k, x_i - mu_k)) / N_k  # a matrix")
        k = 0
        st.markdown(f"Here, for component {k + 1}, the line gives one number, "
                    f"{inner.wrong[k]:.4g} (the trace of Σ_{k + 1}), where the matrix is "
                    f"[{_vector(inner.right[k].ravel(), 4)}] (row by row): as σ²I it would "
                    "draw a circle and lose the orientation.")
