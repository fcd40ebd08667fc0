"""The sentences of the page "Model selection", computed from the state they describe. Pure.

Every function returns Markdown written by the app; text that came from outside (a CSV's column
names inside a degeneracy reason or a note) is escaped here with ``ui.kit.escape``.
"""

from __future__ import annotations

import math

import numpy as np

from gmm_core.degeneracy import Degeneracy
from gmm_core.mixture import predict_proba
from gmm_core.model_search import GridEntry, GridResult
from gmm_core.selection import MCLUST_MULTIVARIATE_MODELS, mclust_model_name
from ui.kit.escape import untrusted_markdown
from ui.kit.text import number
from ui.selection.settings import MAX_ITER, TOL

# What mclust selects on raw Old Faithful: mclustBIC(faithful) (R package mclust, G = 1..9),
# its BIC in mclust's sign as published (rounded), and its hard classification.
PUBLISHED = {"faithful": (3, "tied")}
PUBLISHED_BIC = -2314.0
PUBLISHED_COUNTS = (130, 97, 45)
MESSAGE_CHARS = 1200
INTRODUCTION = (
    "More components always fit the data at least as well, so the likelihood alone cannot "
    "choose the number of components K. The information criteria add a price per parameter: "
    "**BIC = −2ℓ + p log N** and **AIC = −2ℓ + 2p**, lower is better. Here ℓ = Σ_i log p(x_i | θ) "
    "is the log-likelihood of the N data points x_i (i = 1..N) under the fitted parameters "
    "θ = (π, μ, Σ), p is the number of free parameters (weights π_k, means μ_k and covariances "
    "Σ_k of the K components, in D dimensions), and log is the natural logarithm."
)

RESTARTS_INTRODUCTION = (
    "EM never lowers ℓ: from its start it climbs until an iteration changes ℓ by less than "
    "tol per point. Where it stops depends on the start: on top of a hill (a local maximum), "
    "on a saddle, or on a slow slope that tol cut short. Starting it from different places "
    "shows how many different end points there are; keeping the best of several starts is "
    "the usual remedy (scikit-learn's n_init)."
)
# The page's own quantities beside scikit-learn's and mclust's names (the reference texts do
# not treat model selection; ui.kit.notation maps their symbols for the mixture itself).
PAGE_SYMBOLS = "\n".join((
    "| meaning | this app | scikit-learn | mclust (R) |",
    "|---|---|---|---|",
    "| number of components | $K$ | `n_components` | `G` |",
    "| number of data points, dimension | $N$, $D$ | `n_samples`, `n_features` | `n`, `d` |",
    "| total log-likelihood of the data | $\\ell(\\theta) = \\sum_i \\log p(x_i \\mid \\theta)$ | "
    "`score(X)` is $\\ell / N$, the mean per point | `loglik` |",
    "| free parameters | $p$ | `_n_parameters()` | `df` |",
    "| BIC | $-2\\ell + p \\log N$, lower is better | `bic(X)`, the same | "
    "`BIC` $= 2\\ell - p \\log N$, higher is better |",
    "| AIC | $-2\\ell + 2p$, lower is better | `aic(X)`, the same | — |",
    "| covariance type | full, tied, diag, spherical | `covariance_type` | "
    "`modelNames`: VVV, EEE, VVI, VII (and 10 more) |",
    "| starts per model | starts per model | `n_init` | one start, from hierarchical "
    "clustering |",
    "| regularisation | $\\lambda$ = reg_covar | `reg_covar` | a prior (`prior=`), off by default |",
    "| stopping rule | tol on the change of $\\ell / N$ in an iteration | `tol` on the gain of "
    "`lower_bound_` $= \\ell / N$ (one step behind) | `tol` on the relative change of "
    "$\\ell$ |",
))


def grid_caption(grid: GridResult, *, init: str, seed: int) -> str:
    """What the grid is: how many models, from how many starts, stopped how."""
    types = list(dict.fromkeys(entry.covariance_type for entry in grid.entries))
    ks = [entry.n_components for entry in grid.entries]
    starts = grid.n_starts
    if starts == 1:
        how = f"each fitted once from {init} (seed {seed})"
    else:
        how = (f"each fitted from {starts} starts ({init}, seeds {seed}…{seed + starts - 1}) "
               "keeping its best sound fit")
    text = (f"{len(grid.entries)} models: K = {min(ks)}…{max(ks)} × {len(types)} covariance "
            f"type(s) ({', '.join(types)}), {how}; EM stops when ℓ changes by less than "
            f"tol = {TOL:g} per point in an iteration, or after {MAX_ITER} iterations.")
    if grid.final_tol is not None:
        run_on = sum(entry.run_on for entry in grid.entries)
        others = "the others were too far behind to become the choice"
        if grid.stopped:
            others += ", or the work budget ran out first"
        text += (f" For {run_on} of the {len(grid.entries)} models the best starts were then "
                 f"run on to tol = {grid.final_tol:g}, so that a slow climb is not mistaken "
                 f"for its end" + (f"; {others}." if run_on < len(grid.entries) else "."))
    if starts > 1:
        text += (" Whiskers span the criterion over a model's sound starts (where each "
                 "stopped): a long whisker means the starts mattered.")
    return text


def verdict(best_bic: GridEntry, best_aic: GridEntry | None, n_features: int) -> str:
    """The UI's verdict, ``BIC chooses K = <k> (<covariance type>)``, with that model's BIC in
    both conventions, its ℓ and p; then AIC's choice."""
    mclust = mclust_model_name(best_bic.covariance_type, n_features)
    text = (f"**BIC chooses K = {best_bic.n_components} ({best_bic.covariance_type})**: "
            f"BIC = {number(best_bic.bic)} (scikit-learn's sign, lower is better; "
            f"{number(best_bic.bic_mclust)} in mclust's sign, higher is better), from "
            f"ℓ = {number(best_bic.fit.log_likelihood)} and p = {best_bic.n_params} free "
            f"parameters. In mclust's names this model is {mclust}, {best_bic.n_components}.")
    if best_aic is not None:
        text += (f" AIC chooses K = {best_aic.n_components} ({best_aic.covariance_type}), "
                 f"AIC = {number(best_aic.aic)}. Both reward ℓ and charge for parameters; "
                 "BIC's charge, log N per parameter, grows with the data and usually picks "
                 "fewer components than AIC's flat 2.")
    return text


def conventions(n_features: int) -> str:
    """Both BIC conventions and the covariance types' mclust names."""
    names = ", ".join(f"{name} = {mclust_model_name(name, n_features)}"
                      for name in ("full", "tied", "diag", "spherical"))
    if n_features == 1:
        names = ("full = V (each component its own variance), tied = E (one shared "
                 "variance)")
    more = len(MCLUST_MULTIVARIATE_MODELS) - 4
    return (
        "**Two signs, one criterion.** scikit-learn writes BIC = −2ℓ + p log N (**lower is "
        "better**); the R package mclust writes BIC = 2ℓ − p log N (**higher is better**). "
        "One is minus the other, so both choose the same model; only the direction of "
        f"\"better\" flips. In mclust's model names: {names}. mclust has {more} more "
        "multivariate models (for example EII, one round shape shared by all components, "
        "or VVE, a shared orientation with its own volume and shape)."
    )


def published_note(dataset: str, standardised: bool, grid: GridResult,
                   best: GridEntry) -> str | None:
    """On raw Old Faithful, how the choice compares with mclust's published one."""
    if dataset not in PUBLISHED or standardised:
        return None
    k, covariance_type = PUBLISHED[dataset]
    source = (f"BIC {PUBLISHED_BIC:g} in its sign, from mclustBIC on R's faithful data, the "
              "same 272 eruptions")
    published = f"mclust selects EEE (tied) with {k} components for these data ({source})"
    if (best.n_components, best.covariance_type) == (k, covariance_type):
        here = (f"; here {number(best.bic_mclust)}" if abs(best.bic_mclust - PUBLISHED_BIC) < 1.0
                else "")
        return (f"This is the model mclust selects for these data: EEE with {k} components "
                f"({source}{here}).")
    entry = grid.entry(k, covariance_type)
    if entry is None:
        return f"{published}; this grid does not include that model (see K and the types)."
    if not entry.fit.usable or entry.degenerate:
        return f"{published}; this grid found no sound fit of that model."
    return (f"{published}. In this grid that model scores BIC {number(entry.bic)} "
            f"({number(entry.bic_mclust)} in mclust's sign), worse than the chosen one: EM "
            "stops at a local optimum that depends on its start, so with other settings "
            "(fewer starts per model, another initialisation or seed) it can miss mclust's "
            "fit.")


def hard_counts(X, entry: GridEntry, dataset: str, standardised: bool) -> str:
    """How many points each component holds when every point goes to the component with the
    largest responsibility r_ik (largest first); beside mclust's on raw Old Faithful's EEE, 3.

    X: (N, D) the data the entry was fitted to.
    """
    labels = predict_proba(X, entry.fit.params).argmax(axis=1)
    counts = sorted(np.bincount(labels, minlength=entry.n_components).tolist(), reverse=True)
    text = ("Hard classification (each point x_i to the component k with the largest r_ik): "
            + " / ".join(str(count) for count in counts) + " points.")
    k, covariance_type = PUBLISHED.get(dataset, (0, ""))
    if not standardised and (entry.n_components, entry.covariance_type) == (k, covariance_type):
        text += (f" mclust's classification of its EEE, {k} fit is "
                 + " / ".join(map(str, PUBLISHED_COUNTS)) + ": points near a boundary between "
                 "two components can go either way.")
    return text


def degeneracy_summary(degeneracy: Degeneracy) -> str:
    """A degenerate fit's reasons, one of each kind ("squeezed", "few points", "too many
    components") with a count of the components alike; plain text (escape it for display)."""
    by_kind: dict[str, list[str]] = {}
    for reason in degeneracy.reasons:
        by_kind.setdefault(reason.kind, []).append(reason.message)
    pieces = []
    for messages in by_kind.values():
        more = len(messages) - 1
        pieces.append(messages[0] + (f" (The same for {more} more component"
                                     f"{'s' if more > 1 else ''}.)" if more else ""))
    return " ".join(pieces)


def notes_box(grid: GridResult, criterion: str = "bic") -> str | None:
    """Every note on the grid in one Markdown list (None when there is none)."""
    notes = grid.notes(criterion)
    if not notes:
        return None
    face_value = grid.best(criterion, include_degenerate=True)
    lines = []
    for note in notes:
        message = note.message
        if note.kind == "degenerate chosen" and face_value is not None:
            name = criterion.upper()
            message = (f"Taken at face value, {name} would choose K = "
                       f"{face_value.n_components} ({face_value.covariance_type}, {name} "
                       f"{number(face_value.criterion(criterion))}), but that fit is degenerate: "
                       + degeneracy_summary(face_value.degeneracy))
        lines.append(f"- {untrusted_markdown(message, max_chars=MESSAGE_CHARS)}")
    return "\n".join(lines)


DEGENERACY_INTRO = (
    "The likelihood of a Gaussian mixture has no maximum: a component squeezed onto one "
    "point, or onto points that share one exact value in some direction, has a density there "
    "that grows without bound as its variance shrinks. reg_covar (λ, added to every variance) "
    "stops the collapse at variance λ, so EM returns a finite ℓ, but that ℓ measures λ, not "
    "the data, and BIC would then \"prefer\" the spike. Such fits are marked (hollow "
    "markers), and never chosen."
)


def degenerate_list(grid: GridResult, points: list[GridEntry]) -> str:
    """One line per degenerate fit found, with its reason in words."""
    lines = []
    for entry in points:
        kept = grid.entry(entry.n_components, entry.covariance_type)
        role = ("no start gave a sound fit" if kept is entry
                else f"set aside for a sound fit with ℓ = {number(kept.fit.log_likelihood)}")
        lines.append(
            f"- **K = {entry.n_components}, {entry.covariance_type}** (ℓ = "
            f"{number(entry.fit.log_likelihood)}, BIC = {number(entry.bic)}; {role}): "
            + untrusted_markdown(degeneracy_summary(entry.degeneracy),
                                 max_chars=MESSAGE_CHARS))
    return "\n".join(lines)


def hidden_count(points: list[GridEntry]) -> str:
    return (f"{len(points)} degenerate fit{'s' if len(points) != 1 else ''} hidden "
            "(\"Show degenerate fits\" draws them)." if points else "")


def fit_status(status: str, n_iter: int, tol: float) -> str:
    """How an EM run ended, truthfully (stopping by tol proves no maximum)."""
    if status == "converged":
        return (f"stopped by tol after {n_iter} iteration(s): ℓ changed by less than "
                f"{tol:g} per point in the last one (a plateau or an optimum; not proof of a "
                "maximum)")
    if status == "max_iter":
        return f"stopped after {n_iter} iterations (max_iter), still climbing"
    if status == "collapsed":
        return f"collapsed after {n_iter} iteration(s): a component shrank onto a point"
    return status


def per_point(value: float, n_samples: int) -> str:
    return number(value / n_samples, 4) if math.isfinite(value) else number(value)
