"""Text alternatives for the page's figures, generated from the state they show (pure).

Each function says in words what its figure draws right now, with the numbers a sighted
student reads off it: for screen-reader users, and as "Describe this figure" for everyone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gmm_core.gaussian import fraction_within, mass_within, principal_axes
from gmm_core.generative import SupervisedEstimates
from gmm_core.means_only import MeansOnlyPath, SurfaceShape
from gmm_core.mixture import MixtureParams
from ui.kit.text import log_likelihood, number, subscript, vector

GRAPHICAL_MODEL = (
    "A plate diagram of the mixture model. The weights π (a square, a parameter) point to the "
    "hidden label zᵢ (a circle); zᵢ points to the data point xᵢ (a shaded circle: the only "
    "observed variable). The means μₖ and covariances Σₖ (squares inside a box marked k = 1..K, "
    "repeated for every component) also point to xᵢ. zᵢ and xᵢ sit inside a box marked "
    "i = 1..N, repeated for every data point."
)


def _components(params: MixtureParams) -> str:
    return "; ".join(f"component {k + 1} at {vector(params.means[k])} with weight "
                     f"π{subscript(k + 1)} = {params.weights[k]:.2f}"
                     for k in range(params.n_components))


def sampling(labels: np.ndarray, revealed: int, params: MixtureParams, hidden: bool,
             X: np.ndarray) -> str:
    """The story's figure: the first ``revealed`` of the sample (X (N, 2), labels (N,))."""
    total = len(labels)
    text = f"{revealed} of {total} points drawn from {params.n_components} components"
    if hidden:
        text += (", all in grey: the colours (the labels zᵢ) and the ellipses are hidden, as "
                 "EM receives the data.")
    else:
        counts = np.bincount(labels[:revealed], minlength=params.n_components)
        text += (f" ({_components(params)}), each point in the colour of its component, with "
                 "each component's 1σ and 2σ ellipses. Points drawn so far per component: "
                 + ", ".join(f"{k + 1}: {int(c)}" for k, c in enumerate(counts)) + ".")
    if revealed:
        newest = X[revealed - 1]
        text += f" The newest point, ringed, is at {vector(newest)}"
        text += "." if hidden else f" and came from component {int(labels[revealed - 1]) + 1}."
    return text


def draw_counts(weights: Sequence[float], drawn: np.ndarray) -> str:
    """The die: each weight next to the fraction of draws that gave its component."""
    if not len(drawn):
        return ("Bars of the weights πₖ you set: "
                + ", ".join(f"π{subscript(k + 1)} = {w:.2f}" for k, w in enumerate(weights))
                + "; no draws yet.")
    fractions = np.bincount(drawn, minlength=len(weights)) / len(drawn)
    return (f"For each component, its weight next to the fraction of the {len(drawn)} draws "
            "that gave it: " + ", ".join(f"component {k + 1}: π = {w:.2f}, drawn {f:.2f}"
                                          for k, (w, f) in enumerate(zip(weights, fractions,
                                                                         strict=True))) + ".")


def posterior(params: MixtureParams, n_points: int, probe: Sequence[float],
              probabilities: Sequence[float]) -> str:
    """The mixture with its sample and the probe point, and P(z = k | x) there."""
    shares = ", ".join(f"component {k + 1}: {p:.3f}" for k, p in enumerate(probabilities))
    return (f"The mixture you set ({_components(params)}), its {n_points} points in grey and "
            f"your point ★ at {vector(probe)}. The posterior P(z = k | x) there: {shares}.")


def supervised(estimates: SupervisedEstimates, truth: MixtureParams, n_points: int) -> str:
    """The labelled sample with the closed-form estimates over the true components."""
    parts = []
    for k in range(truth.n_components):
        if estimates.present[k]:
            parts.append(f"component {k + 1}: estimated mean {vector(estimates.means[k])} and "
                         f"π̂ = {estimates.weights[k]:.3f} (set: {vector(truth.means[k])}, "
                         f"π = {truth.weights[k]:.3f})")
        else:
            parts.append(f"component {k + 1}: no points, no estimate")
    return (f"The {n_points} points in the colours of their true components, each group's "
            "estimated 1σ and 2σ ellipses (solid, dashed) over the true 1σ ellipses (dotted). "
            + "; ".join(parts) + ".")


def surface(grid: np.ndarray, shape: SurfaceShape, path: MeansOnlyPath, current: int) -> str:
    """The means-only surface, its critical points and EM's path so far."""
    def at(points) -> str:
        return ", ".join(f"({number(p.mu1, 4)}, {number(p.mu2, 4)})" for p in points) or "none"

    now = path.means[current]
    return (f"Contours of the log-likelihood ℓ(μ₁, μ₂) for μ₁ and μ₂ from {number(grid[0], 3)} "
            f"to {number(grid[-1], 3)}, brighter where ℓ is higher, with the mirror line "
            f"μ₁ = μ₂ dotted. Maxima (stars): {at(shape.maxima)}. Saddles (crosses): "
            f"{at(shape.saddles)}. EM's path starts at ({number(path.means[0][0], 4)}, "
            f"{number(path.means[0][1], 4)}) and has reached half-step {current} at "
            f"({number(now[0], 4)}, {number(now[1], 4)}), where ℓ = "
            f"{log_likelihood(path.log_likelihoods[current])}.")


def one_d(n_points: int, means: Sequence[float], coloured: bool) -> str:
    """The 1-D view of the means-only example at a half-step."""
    return (f"A histogram of the {n_points} points with the two components ½ N(x | μₖ, 1) at "
            f"μ₁ = {number(means[0], 4)} and μ₂ = {number(means[1], 4)} and their sum. Below, "
            "a rug of the points, "
            + ("coloured by the responsibilities of the last E-step."
               if coloured else "grey: no E-step has computed responsibilities yet."))


def likelihood_curve(values: Sequence[float]) -> str:
    """The log-likelihood after every half-step so far."""
    values = list(values)
    if len(values) == 1:
        return f"The log-likelihood at the start: {log_likelihood(values[0])}."
    return (f"The log-likelihood after each of the {len(values)} half-steps so far, from "
            f"{log_likelihood(values[0])} at the start to {log_likelihood(values[-1])} now; "
            "it never goes down.")


def bound(name: str, other: str, held: float, grid: np.ndarray, ell: np.ndarray,
          bound_values: np.ndarray | None, now: tuple[float, float, float | None],
          top: tuple[float, float] | None) -> str:
    """ℓ and the bound along one mean."""
    position, ell_now, bound_now = now
    text = (f"ℓ as a function of {name} from {number(grid[0], 3)} to {number(grid[-1], 3)}, "
            f"with {other} held at {number(held, 4)}: highest, {log_likelihood(float(ell.max()))}"
            f", at {name} = {number(grid[int(np.argmax(ell))], 4)}. The current {name} = "
            f"{number(position, 4)} has ℓ = {log_likelihood(ell_now)}.")
    if bound_values is None or bound_now is None:
        return text + " No lower bound is drawn yet (no E-step so far)."
    text += (f" The lower bound F(q, θ) lies under ℓ everywhere; at the current {name} it is "
             f"{log_likelihood(bound_now)}, a gap of {number(ell_now - bound_now, 3)}.")
    if top is not None:
        text += (f" Its top is at {name} = {number(top[0], 4)}, F = "
                 f"{log_likelihood(top[1])}.")
    return text


def gaussian(std_1: float, std_2: float, rho: float, covariance: np.ndarray,
             draws: np.ndarray) -> str:
    """The Gaussian of section 7: its ellipses, axes and the draws inside them."""
    axes = principal_axes(covariance)
    inside = [fraction_within(draws, np.zeros(2), covariance, c) for c in (1.0, 2.0)]
    return (f"{len(draws)} draws from a 2-D Gaussian centred at the origin with σ₁ = "
            f"{std_1:.2f}, σ₂ = {std_2:.2f} and ρ = {rho:.2f}. Its 1σ ellipse has half-axes "
            f"{axes.half_axes[0]:.2f} and {axes.half_axes[1]:.2f}, the long one at "
            f"{axes.angle_degrees:.1f}° from the x₁ axis; it holds "
            f"{100 * mass_within(1.0, 2):.1f} % of the mass ({100 * inside[0]:.1f} % of the "
            f"draws), the 2σ ellipse {100 * mass_within(2.0, 2):.1f} % "
            f"({100 * inside[1]:.1f} % of the draws).")
