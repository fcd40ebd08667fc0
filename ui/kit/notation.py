"""The app's one notation, and how the reference texts write the same things.

Every page uses the same symbols: data points x_i (i = 1..N) in D dimensions, components
k = 1..K, weights π_k, means μ_k, covariances Σ_k, the Gaussian density N(x | μ_k, Σ_k),
responsibilities r_ik, soft counts N_k = Σ_i r_ik, parameters θ = (π, μ, Σ), λ = reg_covar and
the log-likelihood ℓ(θ). The reference texts (a textbook excerpt, a from-scratch tutorial,
lecture notes) use other letters; :data:`GLOSSARY` maps them, and :func:`glossary` shows the
table on any page, so a student reading a text beside the app never wonders whether two
symbols are the same thing.
"""

from __future__ import annotations

import streamlit as st

# (meaning, this app, textbook, tutorial, lecture), as Markdown with $...$ math.
GLOSSARY = (
    ("data point", r"$x_i$, $i = 1..N$", r"$x^{(i)}$, written x(i)", r"$x_i$",
     r"$x_j$, $j = 1..m$"),
    ("its hidden component", r"$z_i$", r"$z^{(i)}$, written z(i)", "the cluster $c$ of $x_i$",
     r"$Y_j$"),
    ("component index", r"$k = 1..K$", r"$j = 1..k$", r"$c$", r"$k$ (also $i$)"),
    ("weights", r"$\pi_k$", r"$\phi^{(j)}$ (phi)", r"$\pi_c$",
     r"$\pi_k$, $P(y = k)$, $p_k$, $\theta_k$"),
    ("means, covariances", r"$\mu_k$, $\Sigma_k$", r"$\mu^{(j)}$, $\Sigma^{(j)}$",
     r"$\mu_c$, $\Sigma_c$", r"$\mu_k$, $\Sigma_k$ (also $\mu_i$, $\Sigma_i$)"),
    ("responsibilities", r"$r_{ik} = P(z_i = k \mid x_i, \theta)$", r"$w_j^{(i)}$",
     r"$r_{ic}$", r"$P(Y_j = k \mid x_j, \theta)$"),
    ("soft counts", r"$N_k = \sum_i r_{ik}$", "—", r"$m_c$",
     r"$\sum_j P(Y_j = k \mid x_j)$"),
    ("number of points", r"$N$", "—", r"$m$ (and $n$)", r"$m$"),
    ("dimension", r"$D$", "—", r"$n$", r"$m$ (in $(2\pi)^{m/2}$)"),
    ("all parameters", r"$\theta = (\pi, \mu, \Sigma)$", r"$\phi, \mu, \Sigma$",
     r"$\pi, \mu, \Sigma$", r"$\theta$, also $\lambda_t$"),
    ("regularisation", r"$\lambda$ = reg_covar", "—", "reg_cov",
     r"— (its $\lambda$ means $\theta$)"),
    ("component density", r"$\mathcal{N}(x \mid \mu_k, \Sigma_k)$", "—",
     r"$N(x_i \mid \mu_c, \Sigma_c)$", r"$N(x \mid \mu_k, \Sigma_k)$, $N(x_j, \mu_i, \Sigma_i)$"),
    ("draw of the label", r"$z_i \sim \mathrm{Categorical}(\pi)$", "—", "—",
     "Multinomial over clusters"),
)


GLOSSARY_HEADER = ("meaning", "this app", "textbook", "tutorial", "lecture")


def glossary_table() -> str:
    """The glossary as a Markdown table."""
    lines = ["| " + " | ".join(GLOSSARY_HEADER) + " |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in GLOSSARY]
    return "\n".join(lines)


def glossary() -> None:
    """The glossary in an expander (every page shows the same one)."""
    with st.expander("Notation, and how the textbook, the tutorial and the lecture write it"):
        st.markdown(
            "This app writes the same symbol for the same thing on every page. The reference "
            "texts use other letters; this table maps them (— where a text has no symbol for "
            "it). The lecture's \"Multinomial\" is one draw with K outcomes: a Categorical "
            "distribution.\n\n" + glossary_table()
        )
