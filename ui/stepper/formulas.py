"""LaTeX for the formulas of each half-step, and worked examples with the current numbers.

Pure text builders (no Streamlit): every function returns a KaTeX string for ``st.latex``.
Notation follows the lecture: r_ic responsibilities, m_c = sum_i r_ic soft counts, pi_c
weights, mu_c means, Sigma_c covariances, lambda = reg_covar.
"""

from __future__ import annotations

import math

import numpy as np

from gmm_core.mixture import MixtureParams, full_covariances, weighted_log_densities


def number(value: float, digits: int = 4) -> str:
    """A float as LaTeX: 4 significant digits, powers of ten written as \\times 10^{k}."""
    value = float(value)
    if math.isnan(value):
        return r"\text{nan}"
    if math.isinf(value):
        return r"+\infty" if value > 0 else r"-\infty"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def vector(values, digits: int = 4) -> str:
    """A (D,) vector as a LaTeX column (a plain number when D = 1)."""
    values = np.atleast_1d(np.asarray(values, dtype=float))
    if values.size == 1:
        return number(values[0], digits)
    return r"\begin{pmatrix}" + r"\\".join(number(v, digits) for v in values) + r"\end{pmatrix}"


def matrix(values, digits: int = 4) -> str:
    """A (D, D) matrix as LaTeX (a plain number when D = 1)."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    if values.size == 1:
        return number(values[0, 0], digits)
    rows = [" & ".join(number(v, digits) for v in row) for row in values]
    return r"\begin{pmatrix}" + r"\\".join(rows) + r"\end{pmatrix}"


def _gaussian(n_features: int, component: str = "c") -> str:
    if n_features == 1:
        return rf"\mathcal{{N}}(x_i \mid \mu_{component}, \sigma^2_{component})"
    return rf"\mathcal{{N}}(x_i \mid \mu_{component}, \Sigma_{component})"


# --- the general formulas ----------------------------------------------------------------------


def e_step_latex(n_features: int) -> str:
    """The E-step: responsibilities by Bayes' rule."""
    return (
        r"r_{ic} = \frac{\pi_c\," + _gaussian(n_features) + r"}{\sum_{j=1}^{K} \pi_j\,"
        + _gaussian(n_features, "j") + r"}"
    )


def m_step_latex(covariance_type: str, n_features: int) -> str:
    """The M-step for ``covariance_type`` (1-D: "full" = own variance, "tied" = shared)."""
    counts = r"m_c = \sum_{i=1}^{N} r_{ic}"
    weights = r"\pi_c = \frac{m_c}{N}"
    means = r"\mu_c = \frac{1}{m_c} \sum_{i=1}^{N} r_{ic}\, x_i"
    if n_features == 1:
        if covariance_type == "tied":
            spread = (r"\sigma^2 = \frac{1}{N} \sum_{c=1}^{K} \sum_{i=1}^{N} r_{ic}"
                      r"(x_i - \mu_c)^2 + \lambda")
        else:
            spread = r"\sigma^2_c = \frac{1}{m_c} \sum_{i=1}^{N} r_{ic} (x_i - \mu_c)^2 + \lambda"
    else:
        outer = r"(x_i - \mu_c)(x_i - \mu_c)^\top"
        spread = {
            "full": rf"\Sigma_c = \frac{{1}}{{m_c}} \sum_{{i=1}}^{{N}} r_{{ic}} {outer} + \lambda I",
            "tied": rf"\Sigma = \frac{{1}}{{N}} \sum_{{c=1}}^{{K}} \sum_{{i=1}}^{{N}} r_{{ic}} "
                    rf"{outer} + \lambda I \quad \text{{(shared)}}",
            "diag": r"\sigma^2_{cd} = \frac{1}{m_c} \sum_{i=1}^{N} r_{ic} (x_{id} - \mu_{cd})^2"
                    r" + \lambda \quad \text{(diagonal)}",
            "spherical": r"\sigma^2_c = \frac{1}{D\,m_c} \sum_{i=1}^{N} r_{ic} \lVert x_i - "
                         r"\mu_c \rVert^2 + \lambda \quad \text{(one variance)}",
        }[covariance_type]
    return (r"\begin{aligned} " + counts + r" \qquad " + weights + r" \\ " + means + r" \\ "
            + spread + r" \end{aligned}")


def log_likelihood_latex(n_features: int) -> str:
    return (r"\ell(\theta) = \sum_{i=1}^{N} \log \sum_{c=1}^{K} \pi_c\,"
            + _gaussian(n_features))


# --- worked examples ----------------------------------------------------------------------------


def _component_terms(point: np.ndarray, params: MixtureParams) -> np.ndarray:
    """pi_c N(x | mu_c, Sigma_c) for one point (D,) and every component: (K,)."""
    return np.exp(weighted_log_densities(point.reshape(1, -1), params)[0])


def worked_e_step(point: np.ndarray, point_index: int, params: MixtureParams) -> str:
    """The E-step for one point with the current numbers.

    point: (D,); point_index: its row in X (the point number shown on hover); params: the parameters the
    E-step used. Lists pi_c N(x_i | ...) per component, their sum and the responsibilities.
    """
    point = np.asarray(point, dtype=float).reshape(-1)
    terms = _component_terms(point, params)
    total = float(terms.sum())
    covariances = full_covariances(params)
    lines = [rf"x_{{{point_index}}} = {vector(point)}"]
    for c, term in enumerate(terms):
        spread = (number(covariances[c, 0, 0]) if params.n_features == 1
                  else matrix(covariances[c], 3))
        lines.append(
            rf"\pi_{{{c + 1}}}\,\mathcal{{N}}(x_i \mid {vector(params.means[c], 3)}, {spread})"
            rf" = {number(params.weights[c], 3)} \times "
            rf"{number(term / params.weights[c]) if params.weights[c] > 0 else '0'}"
            rf" = {number(term)}"
        )
    lines.append(r"\textstyle\sum_j \pi_j\,\mathcal{N}(x_i \mid \dots) = " + number(total))
    if total > 0:
        shares = ", ".join(
            rf"r_{{i{c + 1}}} = {number(term / total, 3)}" for c, term in enumerate(terms)
        )
        lines.append(shares)
    else:
        lines.append(r"\text{every density underflows to 0 here: see the log-space note below}")
    return r"\begin{aligned}" + r"\\".join(lines) + r"\end{aligned}"


def worked_m_step(X: np.ndarray, responsibilities: np.ndarray, params: MixtureParams,
                  component: int, reg_covar: float) -> str:
    """The M-step for one component with the current numbers.

    X: (N, D); responsibilities: (N, K) from the E-step before; params: the parameters this
    M-step produced; component: c (0-based).
    """
    n_samples = X.shape[0]
    count = float(responsibilities[:, component].sum())
    weighted_sum = responsibilities[:, component] @ X
    c = component + 1
    lines = [
        rf"m_{{{c}}} = \textstyle\sum_i r_{{i{c}}} = {number(count)}",
        rf"\pi_{{{c}}} = \frac{{{number(count)}}}{{{n_samples}}} = "
        rf"{number(params.weights[component])}",
        rf"\mu_{{{c}}} = \frac{{1}}{{{number(count)}}} {vector(weighted_sum)} = "
        rf"{vector(params.means[component])}",
    ]
    covariance = full_covariances(params)[component]
    name = rf"\sigma^2_{{{c}}}" if params.n_features == 1 else rf"\Sigma_{{{c}}}"
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
    return (r"\begin{aligned}" + one + r"\\ \ell = \textstyle\sum_{i=1}^{" + str(n_samples)
            + r"} \log p(x_i) = " + number(total, 8) + r" \quad (\text{per point } "
            + number(total / n_samples) + r")\end{aligned}")
