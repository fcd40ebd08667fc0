"""LaTeX for the formulas of each half-step, and worked examples with the current numbers.

Pure text builders (no Streamlit): every function returns a KaTeX string for
``ui.kit.accessible.formula`` (display maths that wraps instead of scrolling).
The app's one notation: x_i the data points (i = 1..N), component k = 1..K, weights pi_k,
responsibilities r_ik, soft counts N_k = sum_i r_ik, means mu_k, covariances Sigma_k, D the
dimension, lambda = reg_covar, theta = (pi, mu, Sigma).
"""

from __future__ import annotations

import math

import numpy as np

from gmm_core.mixture import MixtureParams, full_covariances, weighted_log_densities
from ui.kit.text import latex_matrix as matrix
from ui.kit.text import latex_number as number
from ui.kit.text import latex_vector as vector


def _gaussian(n_features: int, component: str = "k", covariance_type: str = "full",
              point: str = "x_i") -> str:
    """N(x_i | mu_k, Sigma_k), with the shared Sigma (no index) for tied covariances."""
    shared = covariance_type == "tied"
    if n_features == 1:
        spread = r"\sigma^2" if shared else rf"\sigma^2_{component}"
    else:
        spread = r"\Sigma" if shared else rf"\Sigma_{component}"
    return rf"\mathcal{{N}}({point} \mid \mu_{component}, {spread})"


# --- the general formulas ----------------------------------------------------------------------


def e_step_latex(n_features: int, covariance_type: str = "full") -> str:
    """The E-step: responsibilities by Bayes' rule."""
    return (
        r"r_{ik} = \frac{\pi_k\," + _gaussian(n_features, "k", covariance_type)
        + r"}{\sum_{j=1}^{K} \pi_j\," + _gaussian(n_features, "j", covariance_type) + r"}"
    )


def m_step_latex(covariance_type: str, n_features: int) -> str:
    """The M-step for ``covariance_type`` (1-D: "full" = own variance, "tied" = shared)."""
    counts = r"N_k = \sum_{i=1}^{N} r_{ik}"
    weights = r"\pi_k = \frac{N_k}{N}"
    means = r"\mu_k = \frac{1}{N_k} \sum_{i=1}^{N} r_{ik}\, x_i"
    if n_features == 1:
        if covariance_type == "tied":
            spread = (r"\sigma^2 = \frac{1}{N} \sum_{k=1}^{K} \sum_{i=1}^{N} r_{ik}"
                      r"(x_i - \mu_k)^2 + \lambda")
        else:
            spread = r"\sigma^2_k = \frac{1}{N_k} \sum_{i=1}^{N} r_{ik} (x_i - \mu_k)^2 + \lambda"
    else:
        outer = r"(x_i - \mu_k)(x_i - \mu_k)^\top"
        spread = {
            "full": rf"\Sigma_k = \frac{{1}}{{N_k}} \sum_{{i=1}}^{{N}} r_{{ik}} {outer} + \lambda I",
            "tied": rf"\Sigma = \frac{{1}}{{N}} \sum_{{k=1}}^{{K}} \sum_{{i=1}}^{{N}} r_{{ik}} "
                    rf"{outer} + \lambda I \quad \text{{(shared)}}",
            "diag": r"\sigma^2_{kd} = \frac{1}{N_k} \sum_{i=1}^{N} r_{ik} (x_{id} - \mu_{kd})^2"
                    r" + \lambda \quad \text{(diagonal)}",
            "spherical": r"\sigma^2_k = \frac{1}{D\,N_k} \sum_{i=1}^{N} r_{ik} \lVert x_i - "
                         r"\mu_k \rVert^2 + \lambda \quad \text{(one variance)}",
        }[covariance_type]
    return (r"\begin{aligned} " + counts + r" \qquad " + weights + r" \\ " + means + r" \\ "
            + spread + r" \end{aligned}")


def log_likelihood_latex(n_features: int, covariance_type: str = "full") -> str:
    """The (marginal) log-likelihood of the data: a sum over points of the log of a sum."""
    return (r"\ell(\theta) = \sum_{i=1}^{N} \log \sum_{k=1}^{K} \pi_k\,"
            + _gaussian(n_features, "k", covariance_type))


# --- worked examples ----------------------------------------------------------------------------


def _component_terms(point: np.ndarray, params: MixtureParams) -> np.ndarray:
    """pi_k N(x | mu_k, Sigma_k) for one point (D,) and every component: (K,)."""
    return np.exp(weighted_log_densities(point.reshape(1, -1), params)[0])


def worked_e_step(point: np.ndarray, point_index: int, params: MixtureParams) -> str:
    """The E-step for one point with the current numbers.

    point: (D,); point_index: its row i in X (the point number shown on hover); params: the
    parameters the E-step used. Lists pi_k N(x_i | mu_k, Sigma_k) per component, their sum
    and the responsibilities r_ik, all written for this i.
    """
    point = np.asarray(point, dtype=float).reshape(-1)
    terms = _component_terms(point, params)
    total = float(terms.sum())
    covariances = full_covariances(params)
    x = rf"x_{{{point_index}}}"
    lines = [rf"{x} = {vector(point)}"]
    for k, term in enumerate(terms):
        spread = (number(covariances[k, 0, 0]) if params.n_features == 1
                  else matrix(covariances[k], 3))
        lines.append(
            rf"\pi_{{{k + 1}}}\,\mathcal{{N}}({x} \mid {vector(params.means[k], 3)}, {spread})"
            rf" = {number(params.weights[k], 3)} \times "
            rf"{number(term / params.weights[k]) if params.weights[k] > 0 else '0'}"
            rf" = {number(term)}"
        )
    lines.append(rf"\textstyle\sum_j \pi_j\,\mathcal{{N}}({x} \mid \mu_j, \Sigma_j) = "
                 + number(total))
    if total > 0:
        shares = ", ".join(
            rf"r_{{{point_index},{k + 1}}} = {number(term / total, 3)}"
            for k, term in enumerate(terms)
        )
        lines.append(shares)
    else:
        lines.append(r"\text{every density underflows to 0 here: see the log-space note below}")
    return r"\begin{aligned}" + r"\\".join(lines) + r"\end{aligned}"


def worked_m_step(X: np.ndarray, responsibilities: np.ndarray, params: MixtureParams,
                  component: int, reg_covar: float) -> str:
    """The M-step for one component with the current numbers.

    X: (N, D); responsibilities: (N, K) from the E-step before; params: the parameters this
    M-step produced; component: k (0-based).
    """
    n_samples = X.shape[0]
    count = float(responsibilities[:, component].sum())
    weighted_sum = responsibilities[:, component] @ X
    k = component + 1
    lines = [
        rf"N_{{{k}}} = \textstyle\sum_i r_{{i{k}}} = {number(count)}",
        rf"\pi_{{{k}}} = \frac{{{number(count)}}}{{{n_samples}}} = "
        rf"{number(params.weights[component])}",
        rf"\mu_{{{k}}} = \frac{{1}}{{{number(count)}}} {vector(weighted_sum)} = "
        rf"{vector(params.means[component])}",
    ]
    covariance = full_covariances(params)[component]
    name = rf"\sigma^2_{{{k}}}" if params.n_features == 1 else rf"\Sigma_{{{k}}}"
    if params.covariance_type == "tied":
        name = r"\sigma^2" if params.n_features == 1 else r"\Sigma"
    lines.append(rf"{name} = {matrix(covariance)} \quad (\lambda = {number(reg_covar)}"
                 r"\text{ included})")
    return r"\begin{aligned}" + r"\\".join(lines) + r"\end{aligned}"


def worked_log_likelihood(point: np.ndarray, point_index: int, params: MixtureParams,
                          total: float, n_samples: int) -> str:
    """The log-likelihood: one point's term log p(x_i) and the total over all N points."""
    terms = _component_terms(np.asarray(point, dtype=float).reshape(-1), params)
    density = float(terms.sum())
    one = rf"\log p(x_{{{point_index}}}) = \log {number(density)} = "
    one += number(math.log(density)) if density > 0 else r"-\infty"
    return (r"\begin{aligned}" + one + r"\\ \ell(\theta) = \textstyle\sum_{i=1}^{"
            + str(n_samples) + r"} \log p(x_i) = " + number(total, 8)
            + r" \quad (\text{per point } " + number(total / n_samples) + r")\end{aligned}")
