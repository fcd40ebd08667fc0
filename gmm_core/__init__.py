"""The mathematics behind the app: Gaussian mixtures, EM, k-means, model selection, autodiff.

Nothing in this package imports Streamlit, knows a page, parses a query string or holds a
lock: every function here can be tested on its own and compared with scikit-learn. Data ``X``
is always a 2-D float array of shape (N, D), also when D = 1. Parameter shapes follow
``sklearn.mixture.GaussianMixture``.

The public API (DESIGN.md) is these modules; the names the acceptance checks import are
``mixture.MixtureParams``, ``mixture.e_step``, ``mixture.m_step``, ``kmeans.assign``,
``kmeans.update``, ``selection.n_parameters``, ``selection.bic``, ``selection.aic``,
``autodiff.Dual``, ``autodiff.parse_expression`` and ``autodiff.ExpressionError``.
"""

__all__ = [
    "autodiff",        # dual numbers, reverse-mode tape, safe expression parser, derivative code
    "bound",           # the lower bound F(q, θ) behind "why EM climbs"
    "comparison",      # k-means against EM: classification EM, agreement, teaching presets
    "datasets",        # blob generator, presets, real data sets, CSV validation
    "degeneracy",      # fits that a squeezed or nearly empty component makes meaningless
    "diagnostics",     # what a stopped run has shown (coinciding components, loose tol)
    "em_run",          # EMRun: EM one half-step at a time, with its history
    "gaussian",        # the multivariate normal and its ellipses
    "half_steps",      # what EMRun and KMeansRun share: data, history, status
    "generative",      # the generative story: mixture specs, sampling, supervised estimates
    "initialisation",  # seeded starts
    "kmeans",          # Lloyd's two half-steps, k-means++, KMeansRun
    "means_only",      # the lecture's means-only example and its likelihood surface
    "mistakes",        # common mistakes of from-scratch EM code, computed on data
    "mixture",         # MixtureParams, E-step, M-step, log-likelihood
    "model_search",    # the BIC/AIC grid with several starts, restarts
    "selection",       # parameter counts, BIC (both conventions), AIC
]
