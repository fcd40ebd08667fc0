"""Tab 7: gradient ascent on the mixture's log-likelihood (its gradient from AD) against EM."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gmm_core.autodiff.mixture_gradient import (
    closed_form_mean_gradient,
    gradient_ascent,
    mean_gradient_forward,
    mean_gradient_reverse,
    reverse_tape_size,
)
from gmm_core.datasets import PRESETS, load_preset
from gmm_core.em_run import EMRun
from gmm_core.initialisation import initial_params, means_only_params
from gmm_core.mixture import full_covariances
from ui.autodiff import describe, figures
from ui.autodiff.state import SHARED_VARIANCE, bound
from ui.autodiff.widgets import chart, math, refused, text_table
from ui.figures import ellipse_outline
from ui.kit.text import number

LEARNING_RATES = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
TWO_D_PRESETS = tuple(key for key, info in PRESETS.items() if info.n_features == 2)
START_COVARIANCES = (SHARED_VARIANCE, "full", "diag", "tied")


def _start(X: np.ndarray, n_components: int, covariances: str, seed: int):
    """The common start: K data points as means; the covariances are held fixed by both methods.

    The means-only model takes σ² = (average variance of the data) / K², about the size of one
    cluster when K clusters share the data's spread; the others take the data's covariance.
    """
    means = initial_params(X, n_components, "spherical", "random-points", seed=seed).means
    if covariances == SHARED_VARIANCE:
        return means_only_params(means, float(X.var(axis=0).mean()) / n_components**2)
    return initial_params(X, n_components, covariances, "random-points", seed=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def _race(dataset: str, n_components: int, covariances: str, seed: int,
          learning_rate: float, n_iterations: int, means_only: bool) -> dict:
    """Everything tab 7 shows, for one choice of its controls (cached: shared by viewers)."""
    data = load_preset(dataset, seed=seed)
    X = data.X
    start = _start(X, n_components, covariances, seed)
    _total, forward = mean_gradient_forward(X, start)
    _total, reverse = mean_gradient_reverse(X, start)
    _total, closed = closed_form_mean_gradient(X, start)
    tape = reverse_tape_size(X, start)
    ascent = gradient_ascent(X, start, learning_rate, n_iterations)
    frozen = frozenset({"weights", "covariances"}) if means_only else frozenset()
    run = EMRun(X, start, frozen=frozen, tol=0.0, max_iter=n_iterations)
    run.run_to_convergence()
    em_entries = [entry for entry in run.history if entry.kind in ("start", "M")]
    return {
        "X": X, "feature_names": data.feature_names, "start": start,
        "forward": forward, "reverse": reverse, "closed": closed, "ascent": ascent, "tape": tape,
        "em_log_likelihoods": np.array([entry.log_likelihood for entry in em_entries]),
        "em_means": np.array([entry.params.means for entry in em_entries]),
        "em_status": run.status,
    }


def gradient_against_em() -> None:
    st.markdown(
        "The data are $N$ points $x_i$ ($i = 1, \\dots, N$) in $D = 2$ dimensions. A mixture of "
        "$K$ Gaussians (components $k = 1, \\dots, K$) has weights $\\pi_k$, means $\\mu_k$ and "
        "covariances $\\Sigma_k$; $\\mathcal N(x \\mid \\mu, \\Sigma)$ is the Gaussian density "
        "with mean $\\mu$ and covariance $\\Sigma$. With the weights and covariances held "
        "fixed, the log-likelihood of the means")
    math(r"\ell(\mu) = \sum_{i=1}^{N} \log \sum_{k=1}^{K} \pi_k\, "
             r"\mathcal N(x_i \mid \mu_k, \Sigma_k)")
    st.markdown(
        "is a program like any other: AD gives its gradient $\\partial \\ell/\\partial \\mu_k$, "
        "and **gradient ascent** climbs it. **EM** climbs the same likelihood from the same "
        "start, with no learning rate.")
    controls = st.columns(4)
    dataset = controls[0].selectbox("data set", TWO_D_PRESETS,
                                    format_func=lambda key: PRESETS[key].title,
                                    key=bound("em_data"))
    n_components = controls[1].slider("components K", 1, 6, key=bound("em_k"))
    covariances = controls[2].selectbox(
        "covariances (held fixed)", START_COVARIANCES, key=bound("em_cov"),
        help="Gradient ascent moves only the means. σ² I is the means-only model: every "
             "Σ_k = σ² I (I the identity) with σ² = (data variance) / K²; the other choices "
             "start every component from the data's covariance.")
    seed = controls[3].number_input("seed of the start", 0, 10_000, key=bound("em_seed"))
    controls = st.columns([2, 2, 3])
    learning_rate = controls[0].select_slider("learning rate η", LEARNING_RATES,
                                              key=bound("em_rate"))
    n_iterations = controls[1].slider("iterations", 5, 100, key=bound("em_iterations"))
    means_only = controls[2].checkbox(
        "EM moves only the means, like gradient ascent", key=bound("em_means_only"),
        help="Checked: EM's M-step keeps the weights and covariances of the start. Unchecked: "
             "EM re-estimates them too and can climb higher than any change of the means.")
    try:
        # A new choice costs up to a few seconds (100 iterations of each method at K = 6).
        with st.spinner("Running gradient ascent and EM from the same start…"):
            race = _race(dataset, n_components, covariances, int(seed), float(learning_rate),
                         n_iterations, means_only)
    except ValueError as trouble:  # e.g. more components than points
        refused(f"This start cannot be used: {trouble}")
        return
    ascent = race["ascent"]
    if ascent.stopped:
        st.warning(f"Gradient ascent stopped after {len(ascent.log_likelihoods) - 1} "
                   f"iterations: {ascent.stopped}.", icon=":material/warning:")
    chart_column, paths_column = st.columns(2)
    n_points = race["X"].shape[0]
    with chart_column:
        chart(figures.likelihood_race_figure(race["em_log_likelihoods"],
                                             ascent.log_likelihoods, n_points, learning_rate),
              "em_race_chart", describe.race(race["em_log_likelihoods"], ascent.log_likelihoods,
                                             n_points, learning_rate))
    with paths_column:
        start = race["start"]
        ellipses = [ellipse_outline(mean, covariance, 2.0)
                    for mean, covariance in zip(start.means, full_covariances(start),
                                                strict=True)]
        chart(figures.mean_paths_figure(race["X"], race["em_means"], ascent.means, ellipses,
                                        race["feature_names"]), "em_paths_chart",
              describe.paths(race["X"], race["em_means"], ascent.means, race["feature_names"]))
    st.markdown(
        "Gradient ascent moves every mean by $\\eta \\cdot \\frac{1}{N} \\cdot "
        "\\partial \\ell/\\partial \\mu_k$, with $\\eta$ the learning rate: too small an $\\eta$ "
        "crawls, too large an $\\eta$ overshoots. EM's M-step uses the **responsibilities** "
        "$r_{ik} = \\pi_k \\mathcal N(x_i \\mid \\mu_k, \\Sigma_k) / \\sum_{j=1}^{K} \\pi_j "
        "\\mathcal N(x_i \\mid \\mu_j, \\Sigma_j)$ (how much of point $x_i$ component $k$ "
        "explains) and the **soft counts** $N_k = \\sum_i r_{ik}$: its new mean "
        "$\\mu_k \\leftarrow \\sum_i r_{ik} x_i / N_k$ is the gradient step "
        "$\\mu_k + (\\Sigma_k / N_k)\\, \\partial \\ell/\\partial \\mu_k$: the step size "
        "$\\Sigma_k / N_k$ is built in, no learning rate to tune.")
    st.markdown("**Is the AD gradient right?** At the start, forward mode (one vectorised pass "
                "with one ε part per mean coordinate) and reverse mode (one sweep) against the "
                "textbook formula")
    math(r"\frac{\partial \ell}{\partial \mu_k} = \sum_i r_{ik}\, "
             r"\Sigma_k^{-1}(x_i - \mu_k)")
    text_table(_gradient_table(race))
    worst = max(np.abs(race["forward"] - race["closed"]).max(),
                np.abs(race["reverse"] - race["closed"]).max())
    scale = np.abs(race["closed"]).max()
    st.markdown(f"Largest difference from the closed form: {number(worst)} "
                f"(relative {number(worst / scale if scale else 0.0)}).")
    _tape_memory(race)


def _tape_memory(race: dict) -> None:
    """What reverse mode kept on its tape for this gradient, against the data's size."""
    operations, numbers = race["tape"]
    n_points, n_features = race["X"].shape
    n_tangents = race["closed"].size
    st.markdown(
        f"**Memory.** Reverse mode's tape for this gradient recorded {operations} operations "
        f"whose values hold {numbers:,} numbers, about {numbers / (n_points * n_features):.0f}× "
        f"the $N \\cdot D$ = {n_points * n_features:,} numbers of the data, all kept until the "
        f"backward sweep has read them. Forward mode keeps no tape but carries "
        f"$K \\cdot D$ = {n_tangents} tangent numbers beside every value (one per mean "
        f"coordinate).")


def _gradient_table(race: dict) -> pd.DataFrame:
    rows = []
    for k in range(race["closed"].shape[0]):
        row = {"component": k + 1}
        for method, key in (("forward AD (vector duals)", "forward"),
                            ("reverse AD (one sweep)", "reverse"),
                            ("closed form Σᵢ rᵢₖ Σₖ⁻¹(xᵢ − μₖ)", "closed")):
            row[method] = "(" + ", ".join(f"{v:.10g}" for v in race[key][k]) + ")"
        rows.append(row)
    return pd.DataFrame(rows)
