"""A Jupyter notebook that reproduces the view on screen from scratch.

Plain numpy (and scipy's logsumexp) in the app's notation: the E-step and the M-step written
out, EM run from the app's start for as many half-steps as the view, the result printed next to
the app's own numbers, drawn with Plotly, and checked against
``sklearn.mixture.GaussianMixture`` stepped one iteration at a time from the same start.
The notebook needs numpy, scipy, scikit-learn and plotly, not this app.

Variables a reader (and the tests) can rely on after running it: ``X`` (N, D), ``pi`` (K,),
``mu`` (K, D), ``Sigma`` (scikit-learn's shape for the covariance type), ``r`` (N, K) or None
before the first E-step, ``log_likelihoods`` (one total ℓ per half-step, start included).
"""

from __future__ import annotations

import json

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ui.exports.code import (
    array_literal,
    comment,
    data_source,
    gaussian_mixture_code,
    start_code,
)
from ui.exports.sklearn_script import view_summary
from ui.exports.view import CSV_DATASET, ExportView, status_sentence
from ui.figures import PALETTE_HEX
from ui.kit.escape import untrusted_markdown

_E_STEP_CODE = '''\
def full_covariances(Sigma, covariance_type, K, D):
    """Every Σ_k as a (D, D) matrix, whatever the covariance type: (K, D, D)."""
    if covariance_type == "full":
        return Sigma
    if covariance_type == "tied":          # one Σ shared by every component
        return np.repeat(Sigma[None], K, axis=0)
    if covariance_type == "diag":          # independent coordinates: variances on the diagonal
        return np.array([np.diag(variances) for variances in Sigma])
    return Sigma[:, None, None] * np.eye(D)  # spherical: Σ_k = σ_k² I


def log_gaussian(X, mean, covariance):
    """log N(x_i | μ, Σ) for every row x_i of X (N, D): (N,)."""
    L = np.linalg.cholesky(covariance)                     # Σ = L Lᵀ
    z = solve_triangular(L, (X - mean).T, lower=True)      # z = L⁻¹ (x_i − μ): (D, N)
    D = X.shape[1]
    log_det = 2 * np.log(np.diag(L)).sum()                 # log |Σ|
    return -0.5 * (D * np.log(2 * np.pi) + log_det + (z ** 2).sum(axis=0))


def e_step(X, pi, mu, Sigma, covariance_type):
    """The responsibilities r (N, K) and the log-likelihood ℓ (a number)."""
    K, D = mu.shape
    covariances = full_covariances(Sigma, covariance_type, K, D)
    # log π_k + log N(x_i | μ_k, Σ_k) for every point and component: (N, K)
    log_weighted = np.column_stack(
        [np.log(pi[k]) + log_gaussian(X, mu[k], covariances[k]) for k in range(K)])
    log_p_x = logsumexp(log_weighted, axis=1)              # log p(x_i): (N,)
    r = np.exp(log_weighted - log_p_x[:, None])            # r_ik, each row sums to 1
    return r, log_p_x.sum()


def smallest_variance(Sigma, covariance_type, K, D):
    """The smallest variance in any direction of each component (eigenvalues of Σ_k): (K,)."""
    return np.array([np.linalg.eigvalsh(c)[0]
                     for c in full_covariances(Sigma, covariance_type, K, D)])


def log_likelihood(X, pi, mu, Sigma, covariance_type):
    """ℓ(θ) = Σ_i log Σ_k π_k N(x_i | μ_k, Σ_k); +∞ once a component has collapsed."""
    try:
        return e_step(X, pi, mu, Sigma, covariance_type)[1]
    except np.linalg.LinAlgError:  # a singular Σ_k: its density, and ℓ, are unbounded
        return np.inf
'''

_M_STEP_CODE = '''\
def m_step(X, r, covariance_type, reg_covar):
    """New parameters π (K,), μ (K, D), Σ from the responsibilities r (N, K)."""
    N, D = X.shape
    # Soft counts N_k = Σ_i r_ik (plus 10 machine epsilons, as scikit-learn adds, so that an
    # empty component does not divide by zero).
    N_k = r.sum(axis=0) + 10 * np.finfo(float).eps
    pi = N_k / N_k.sum()                                   # π_k = N_k / N
    mu = r.T @ X / N_k[:, None]                            # μ_k = Σ_i r_ik x_i / N_k
    differences = X[None, :, :] - mu[:, None, :]           # x_i − μ_k: (K, N, D)
    # Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ for every component: (K, D, D)
    scatter = np.einsum("nk,kni,knj->kij", r, differences, differences)
    if covariance_type == "full":      # Σ_k = scatter_k / N_k + λI
        Sigma = scatter / N_k[:, None, None] + reg_covar * np.eye(D)
    elif covariance_type == "tied":    # one Σ = Σ_k scatter_k / N + λI
        Sigma = scatter.sum(axis=0) / N_k.sum() + reg_covar * np.eye(D)
    elif covariance_type == "diag":    # only the diagonal of each Σ_k
        Sigma = np.einsum("kii->ki", scatter) / N_k[:, None] + reg_covar
    else:                              # spherical: σ_k² = the mean of those diagonal variances
        Sigma = (np.einsum("kii->ki", scatter) / N_k[:, None] + reg_covar).mean(axis=1)
    return pi, mu, Sigma
'''

_RUN_CODE = '''\
pi, mu, Sigma = weights_init.copy(), means_init.copy(), covariances_init.copy()
r = None  # no responsibilities before the first E-step
# The app's rule for a component that has shrunk onto a point (only possible when λ ≈ 0).
collapse_floor = 1e-10 * X.var(axis=0).mean()
log_likelihoods = [log_likelihood(X, pi, mu, Sigma, covariance_type)]  # half-step 0: the start
for half_step in range(1, n_half_steps + 1):
    if half_step % 2 == 1:  # odd half-steps are E-steps: recolour the points
        r, ell = e_step(X, pi, mu, Sigma, covariance_type)
        log_likelihoods.append(ell)  # θ did not move, so neither did ℓ
    else:                   # even half-steps are M-steps: move the components
        pi, mu, Sigma = m_step(X, r, covariance_type, reg_covar)
        log_likelihoods.append(log_likelihood(X, pi, mu, Sigma, covariance_type))
        if (reg_covar <= collapse_floor
                and smallest_variance(Sigma, covariance_type, *mu.shape).min() <= collapse_floor):
            print(f"half-step {half_step}: a component has collapsed onto a point (its variance"
                  " is about 0), so ℓ can grow without bound; EM stops here, as in the app. "
                  "Its last numbers are round-off and may differ from the app's.")
            break

print(f"after {n_half_steps} half-steps ({n_half_steps // 2} EM iterations):")
for k in range(len(pi)):
    print(f"  component {k + 1}: π = {pi[k]:.6f}, μ = {np.round(mu[k], 6)}")
print(f"  log-likelihood ℓ = {log_likelihoods[-1]:.6f}")
'''

_COMPARE_CODE = '''\
print("largest differences from the app's numbers:")
print("  weights π:    ", np.abs(pi - app_weights).max())
print("  means μ:      ", np.abs(mu - app_means).max())
print("  covariances Σ:", np.abs(Sigma - app_covariances).max())
print("  ℓ, relative:  ", abs(log_likelihoods[-1] - app_log_likelihood)
      / max(abs(app_log_likelihood), 1.0))
'''

_PICTURE_2D = '''\
import plotly.graph_objects as go

palette = np.array({palette}) / 255  # the app's colours of components 1, 2, ...
K = len(pi)
# Each point's colour mixes the component colours by its responsibilities r_ik (grey before
# the first E-step).
rgb = np.rint(255 * (r @ palette[:K] if r is not None else np.full((len(X), 3), 0.62)))
colours = [f"rgb({{red:.0f}},{{green:.0f}},{{blue:.0f}})" for red, green, blue in rgb]
figure = go.Figure(go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", name="data",
                              marker=dict(color=colours, size=5)))
covariances = full_covariances(Sigma, covariance_type, K, X.shape[1])
angles = np.linspace(0, 2 * np.pi, 90)
circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
for k in range(K):
    # The ellipse {{μ_k + s Σ_k^(1/2) u : |u| = 1}}: half-axes s √eigenvalue along the eigenvectors.
    eigenvalues, eigenvectors = np.linalg.eigh(covariances[k])
    colour = f"rgb({{', '.join(str(round(255 * c)) for c in palette[k])}})"
    for s, dash in ((1, "solid"), (2, "dash")):
        outline = mu[k] + (circle * s * np.sqrt(np.clip(eigenvalues, 0, None))) @ eigenvectors.T
        figure.add_scatter(x=outline[:, 0], y=outline[:, 1], mode="lines",
                           line=dict(color=colour, dash=dash), name=f"component {{k + 1}}, {{s}}σ")
figure.update_layout(title=f"after {{n_half_steps}} half-steps: ℓ = {{log_likelihoods[-1]:.4f}}",
                     yaxis=dict(scaleanchor="x"), template="plotly_white", height=550)
figure.show()
'''

_PICTURE_1D = '''\
import plotly.graph_objects as go

palette = np.array({palette}) / 255  # the app's colours of components 1, 2, ...
K = len(pi)
x = X[:, 0]
grid = np.linspace(x.min() - 0.1 * np.ptp(x), x.max() + 0.1 * np.ptp(x), 500)
variances = full_covariances(Sigma, covariance_type, K, 1)[:, 0, 0]
figure = go.Figure(go.Histogram(x=x, histnorm="probability density", name="data",
                                marker_color="rgba(120,120,120,0.35)"))
for k in range(K):
    # π_k N(x | μ_k, σ_k²) on the grid
    density = pi[k] * np.exp(-0.5 * (grid - mu[k, 0]) ** 2 / variances[k]) / np.sqrt(
        2 * np.pi * variances[k])
    colour = f"rgb({{', '.join(str(round(255 * c)) for c in palette[k])}})"
    figure.add_scatter(x=grid, y=density, mode="lines", line=dict(color=colour),
                       name=f"π{{k + 1}} N(x | μ{{k + 1}}, σ{{k + 1}}²)")
# The points as a rug below the axis, coloured by their responsibilities (grey before the
# first E-step).
rgb = np.rint(255 * (r @ palette[:K] if r is not None else np.full((len(x), 3), 0.62)))
figure.add_scatter(x=x, y=np.zeros_like(x), mode="markers", name="data (rug)",
                   marker=dict(symbol="line-ns-open", size=12,
                               color=[f"rgb({{a:.0f}},{{b:.0f}},{{c:.0f}})" for a, b, c in rgb]))
figure.update_layout(title=f"after {{n_half_steps}} half-steps: ℓ = {{log_likelihoods[-1]:.4f}}",
                     template="plotly_white", height=450, bargap=0)
figure.show()
'''

_SKLEARN_CODE = '''\
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

n_iterations = n_half_steps // 2  # completed M-steps at this half-step
{model}sklearn_lower_bounds = []
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # one iteration per fit, on purpose
        for iteration in range(max(n_iterations, 1)):
            gm.fit(X)  # warm_start: each fit continues from the last, one E-step + one M-step
            sklearn_lower_bounds.append(gm.lower_bound_ * len(X))
except ValueError as error:  # a collapsed component: scikit-learn refuses to go on
    print("scikit-learn stopped:", error)
else:
    # lower_bound_ is the log-likelihood per point of the parameters *before* the last
    # M-step: after fit number t it is ℓ after t − 1 iterations (t = 1: the start).
    ours = [log_likelihoods[2 * t] for t in range(len(sklearn_lower_bounds))]
    print("scikit-learn's lower_bound_ × N:", np.round(sklearn_lower_bounds, 6))
    print("our ℓ one iteration earlier:    ", np.round(ours, 6))
    assert np.allclose(sklearn_lower_bounds, ours, rtol=1e-8, atol=1e-8)
    if n_iterations >= 1:
        print("largest differences from scikit-learn after", n_iterations, "iteration(s):")
        print("  weights π:    ", np.abs(gm.weights_ - pi).max())
        print("  means μ:      ", np.abs(gm.means_ - mu).max())
        print("  covariances Σ:", np.abs(gm.covariances_ - Sigma).max())
        print("  ℓ = N × score:", gm.score(X) * len(X), "against ours", log_likelihoods[-1])
        assert np.allclose(gm.weights_, pi, rtol=1e-6, atol=1e-9)
        assert np.allclose(gm.means_, mu, rtol=1e-6, atol=1e-9)
        assert np.allclose(gm.covariances_, Sigma, rtol=1e-6, atol=1e-9)
    else:
        print("This view comes before the first M-step: scikit-learn's lower_bound_ after one"
              " fit is the start's log-likelihood, as above.")
'''


def _markdown_text(text: str) -> str:
    """User text (a file name) shown literally in a Markdown cell: no markup, no maths."""
    return untrusted_markdown(text, max_chars=300)


def _title(view: ExportView) -> str:
    data = ("your uploaded CSV file" if view.dataset == CSV_DATASET
            else _markdown_text(view.data_name))
    return (f"# EM for a Gaussian mixture, by hand\n\n"
            f"This notebook reproduces a view of the app *See EM*: **{view_summary(view)}** of "
            f"EM on {data} (N = {view.n_samples} points, D = {view.n_features}), with "
            f"K = {view.n_components} components and covariance type "
            f"`{view.covariance_type}`.\n\n"
            f"It runs EM from the app's start with plain numpy, checks its numbers against the "
            f"app's and against scikit-learn's `GaussianMixture`, and draws the result.\n\n"
            "Notation (the app's): data points $x_i$ ($i = 1..N$), components $k = 1..K$, "
            "weights $\\pi_k$, means $\\mu_k$, covariances $\\Sigma_k$, responsibilities "
            "$r_{ik}$, soft counts $N_k = \\sum_i r_{ik}$, parameters "
            "$\\theta = (\\pi, \\mu, \\Sigma)$, $\\lambda$ = reg_covar, log-likelihood "
            "$\\ell(\\theta) = \\sum_i \\log \\sum_k \\pi_k\\, \\mathcal{N}(x_i \\mid \\mu_k, "
            "\\Sigma_k)$.\n\n"
            f"About the whole run in the app: {_markdown_text(status_sentence(view))}")


def notebook(view: ExportView) -> nbformat.NotebookNode:
    """The notebook for ``view`` (nbformat v4, not executed)."""
    source = data_source(view)
    entry = view.entry
    imports = "\n".join(["import numpy as np", "from scipy.linalg import solve_triangular",
                         "from scipy.special import logsumexp", *source.imports])
    settings = (
        f"covariance_type = {view.covariance_type!r}\n"
        f"reg_covar = {view.reg_covar!r}  # λ, added to every variance after each M-step\n"
        f"n_half_steps = {view.index}  # the view: {view_summary(view)}\n"
        f"{start_code(view)}"
    )
    app_numbers = (
        comment(f"The app's numbers at {view_summary(view)}, copied when this notebook was made.")
        + f"app_weights = {array_literal(entry.params.weights)}\n"
        f"app_means = {array_literal(entry.params.means)}\n"
        f"app_covariances = {array_literal(entry.params.covariances)}\n"
        f"app_log_likelihood = {entry.log_likelihood!r}\n"
    ).replace("= inf\n", "= np.inf\n")
    palette = json.dumps([[int(code[i:i + 2], 16) for i in (1, 3, 5)] for code in PALETTE_HEX])
    picture = (_PICTURE_1D if view.n_features == 1 else _PICTURE_2D).format(palette=palette)
    model = gaussian_mixture_code(view, max_iter=1, tol=0, warm_start=True)
    cells = [
        new_markdown_cell(_title(view)),
        new_markdown_cell("## The data\n\n" + _markdown_text(source.description)
                          + "\n\n$X$ is an array of shape (N, D): one row $x_i$ per point."),
        new_code_cell(f"{imports}\n\n{source.code}print(X.shape)"),
        new_markdown_cell(
            "## Where EM starts\n\n" + _markdown_text(
                "The starting parameters θ (half-step 0), exactly as the app built them. "
                "scikit-learn takes the covariances' inverses, the precisions.")),
        new_code_cell(settings),
        new_markdown_cell(
            "## The E-step\n\nFor every point and component, the responsibility is the "
            "posterior probability that component $k$ produced $x_i$:\n\n"
            "$$r_{ik} = \\frac{\\pi_k\\, \\mathcal{N}(x_i \\mid \\mu_k, \\Sigma_k)}"
            "{\\sum_{j=1}^K \\pi_j\\, \\mathcal{N}(x_i \\mid \\mu_j, \\Sigma_j)}$$\n\n"
            "It is computed in log space (`logsumexp`) with a Cholesky factor $\\Sigma = LL^T$, "
            "so that tiny densities do not underflow. The E-step does not change θ, so "
            "$\\ell(\\theta)$ does not change either."),
        new_code_cell(_E_STEP_CODE),
        new_markdown_cell(
            "## The M-step\n\nWith the soft counts $N_k = \\sum_i r_{ik}$:\n\n"
            "$$\\pi_k = \\frac{N_k}{N}, \\qquad \\mu_k = \\frac{1}{N_k} \\sum_i r_{ik}\\, x_i, "
            "\\qquad \\Sigma_k = \\frac{1}{N_k} \\sum_i r_{ik}\\, (x_i - \\mu_k)(x_i - \\mu_k)^T"
            " + \\lambda I$$\n\n"
            "`tied` shares one $\\Sigma = \\frac{1}{N} \\sum_k \\sum_i r_{ik} (x_i - \\mu_k)"
            "(x_i - \\mu_k)^T + \\lambda I$; `diag` keeps only the diagonal of each "
            "$\\Sigma_k$; `spherical` keeps one variance $\\sigma_k^2$, the mean of that "
            "diagonal. $\\lambda$ (reg_covar) keeps every variance above a floor, as in "
            "scikit-learn."),
        new_code_cell(_M_STEP_CODE),
        new_markdown_cell(
            "## Run EM to the app's half-step\n\nHalf-step 0 is the start; then E-step, "
            "M-step, E-step, ... An E-step recolours the points, an M-step moves the "
            "components."),
        new_code_cell(_RUN_CODE),
        new_markdown_cell("## The same numbers as the app?\n\nThe differences below should "
                          "be round-off (about 1e-12 or smaller)."),
        new_code_cell(app_numbers + "\n" + _COMPARE_CODE),
        new_markdown_cell(
            "## The picture\n\n" + ("Each weighted component density "
                                    "$\\pi_k\\, \\mathcal{N}(x \\mid \\mu_k, \\sigma_k^2)$ over "
                                    "the data's histogram; the points below the axis are "
                                    "coloured by their responsibilities."
                                    if view.n_features == 1 else
                                    "Points coloured by their responsibilities; each "
                                    "component's ellipses at 1σ and 2σ (in 2-D they hold "
                                    "39.3 % and 86.5 % of the component's mass).")),
        new_code_cell(picture),
        new_markdown_cell(
            "## The same run in scikit-learn\n\n`GaussianMixture` from the same start "
            "(`weights_init`, `means_init`, `precisions_init`), stepped one EM iteration per "
            "`fit` with `max_iter=1, warm_start=True, tol=0`. Its `lower_bound_` is the "
            "log-likelihood per point of the parameters *before* its last M-step, so it lags "
            "one iteration behind our ℓ."),
        new_code_cell(_SKLEARN_CODE.format(model=model)),
    ]
    notebook_node = new_notebook(cells=cells)
    notebook_node.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}
    notebook_node.metadata["language_info"] = {"name": "python"}
    notebook_node.metadata["see_em"] = {"app_version": view.version,
                                        "settings": dict(view.query)}
    return notebook_node


def notebook_json(view: ExportView) -> str:
    """The notebook as the text of an .ipynb file."""
    return nbformat.writes(notebook(view), version=4)
