"""What the page says about the means-only surface, computed for the data on screen (pure).

Every sentence here is built from :class:`gmm_core.means_only.SurfaceShape` (the critical
points found and classified by their curvature) and the EM run, never assumed: with close
means there is one maximum on the mirror line and no label switching; with few points there
can be several different fits; a run that starts on the mirror line ends at the mirror point,
which is a saddle or the maximum depending on the data's variance.
"""

from __future__ import annotations

import math

from gmm_core import means_only
from gmm_core.means_only import CriticalPoint, MeansOnlyPath, SurfaceShape
from ui.kit.text import log_likelihood, number

SIGMA_SQUARED = means_only.LECTURE_VARIANCE


def point(mu1: float, mu2: float) -> str:
    """(mu_1, mu_2) as text."""
    return f"({number(mu1, 4)}, {number(mu2, 4)})"


def _power_of_ten(value: float) -> str:
    """A power of ten in LaTeX, e.g. $10^{-7}$."""
    return f"$10^{{{round(math.log10(value))}}}$"


def _count(count: int, one: str, many: str) -> str:
    """E.g. "1 maximum (star)", "2 maxima (stars)", "no saddles"."""
    if count == 0:
        return f"no {many.split(' (')[0]}"
    return f"{count} {one if count == 1 else many}"


def mirror_sentence(shape: SurfaceShape, n_samples: int) -> str:
    """What the one flat point on the mirror line is, and why (the data's variance)."""
    mirror = shape.mirror_point
    variance = shape.data_variance
    across = n_samples / 2 * (variance - SIGMA_SQUARED)
    comparison = ("larger than" if variance > SIGMA_SQUARED else
                  "smaller than" if variance < SIGMA_SQUARED else "equal to")
    text = (f"On the mirror line μ₁ = μ₂ the surface is flat at one point only, "
            f"μ₁ = μ₂ = x̄ = {number(shape.data_mean, 4)} (ℓ = "
            f"{log_likelihood(mirror.log_likelihood)}): on the line every point gives both "
            f"components rᵢₖ = ½, so both means must be the data's mean x̄. Across the line "
            f"its curvature is (N/2)(s² − σ²) = "
            f"{number(across, 4)}: the data's variance s² = {number(variance, 4)} is "
            f"{comparison} σ² = 1, ")
    if mirror.kind == "saddle":
        return text + ("so this point is a **saddle**: the surface falls along the line "
                       "but rises on both sides of it.")
    if mirror.kind == "maximum":
        return text + ("so this point is a **maximum**: one Gaussian of variance 1 is already "
                       "wider than the data, and the best the model can do is to put both "
                       "components on the mean (two identical components: one Gaussian).")
    return text + ("the boundary case: the curvature across the line is zero, so the "
                   "second derivatives cannot say whether it is a maximum or a saddle.")


def _fit_text(fit: CriticalPoint) -> str:
    if fit.on_mirror:
        return (f"{point(fit.mu1, fit.mu2)} on the mirror line, ℓ = "
                f"{log_likelihood(fit.log_likelihood)}")
    return (f"{point(fit.mu1, fit.mu2)} and its mirror image {point(fit.mu2, fit.mu1)}, "
            f"ℓ = {log_likelihood(fit.log_likelihood)}")


def surface_summary(shape: SurfaceShape, n_samples: int) -> str:
    """The surface the student is looking at, in a few sentences (Markdown)."""
    maxima, saddles, fits = shape.maxima, shape.saddles, shape.fits()
    parts = [f"**The surface for the {n_samples} points on screen** (computed: its flat points, "
             f"each classified by its curvature): "
             f"{_count(len(maxima), 'maximum (star)', 'maxima (stars)')} and "
             f"{_count(len(saddles), 'saddle (cross)', 'saddles (crosses)')}."]
    if len(fits) == 1:
        (fit,) = fits
        if fit.on_mirror:
            parts.append(f"The only maximum lies on the mirror line, at {point(fit.mu1, fit.mu2)}"
                         f" with ℓ = {log_likelihood(fit.log_likelihood)}. Here there is **no "
                         "label switching**: swapping two identical labels changes nothing, "
                         "and there is no other maximum to reach.")
        else:
            parts.append(f"The two maxima, {point(fit.mu1, fit.mu2)} and "
                         f"{point(fit.mu2, fit.mu1)}, both with ℓ = "
                         f"{log_likelihood(fit.log_likelihood)}, are **one fit and its mirror "
                         "image**: the same two Gaussians with the labels 1 and 2 swapped "
                         "(*label switching*), so they are exactly equally high.")
    elif fits:
        listed = "; ".join(f"({position}) {_fit_text(fit)}"
                           for position, fit in enumerate(fits, start=1))
        best, worst = fits[0], fits[-1]
        parts.append(f"They are **{len(fits)} different fits**, each counted with its mirror "
                     f"image: {listed}. Fit (1) is the best; the others are **genuinely "
                     "different local optima**, not relabellings: they are lower (fit "
                     f"({len(fits)}) by {number(best.log_likelihood - worst.log_likelihood, 3)}"
                     "), and EM started near one of them climbs to it and stays there.")
    parts.append(mirror_sentence(shape, n_samples))
    passes = [saddle for saddle in saddles if not saddle.on_mirror]
    if passes:
        places = ", ".join(point(saddle.mu1, saddle.mu2) for saddle in passes)
        parts.append(f"The other saddles, at {places}, are the passes between different "
                     "maxima.")
    return " ".join(parts)


def end_point_text(shape: SurfaceShape, mu1: float, mu2: float) -> str:
    """What the point (mu1, mu2) where EM stopped is: the nearest critical point, named."""
    nearest, distance = shape.nearest(mu1, mu2)
    where = (f"at {point(mu1, mu2)}:" if distance < 1e-3 else
             f"at {point(mu1, mu2)}, {number(distance, 2)} from the nearest flat point:")
    if nearest.kind == "maximum" and nearest.on_mirror:
        return f"{where} the surface's maximum on the mirror line (both components equal)."
    if nearest.kind == "maximum":
        fits = shape.fits()
        text = (f"{where} a maximum. Its mirror image {point(nearest.mu2, nearest.mu1)} has "
                "exactly the same ℓ: started on the other side of the dotted line, EM would "
                "have found that one (the same fit with the labels swapped).")
        best = fits[0]
        if nearest.log_likelihood < best.log_likelihood - 1e-9 * abs(best.log_likelihood):
            text += (f" It is **not the best fit**: the maximum at {point(best.mu1, best.mu2)} "
                     f"is higher by {number(best.log_likelihood - nearest.log_likelihood, 3)}"
                     "; this is a local optimum, and EM never leaves one.")
        return text
    if nearest.kind == "saddle" and nearest.on_mirror:
        return (f"{where} the **saddle** on the mirror line, not a maximum: the start had "
                "μ₁ = μ₂, so both components got identical responsibilities at every step and "
                "stayed identical. ℓ stopped changing because the surface is flat there, not "
                "because it is highest there.")
    return (f"{where} a {nearest.kind} point of the surface (ℓ = "
            f"{log_likelihood(nearest.log_likelihood)}), not a maximum.")


def end_note(shape: SurfaceShape, path: MeansOnlyPath) -> str:
    """The note at the last half-step of the run: why EM stopped, and where it stopped."""
    iterations = sum(kind == "M" for kind in path.kinds)
    mu1, mu2 = path.means[-1]
    if path.status == "converged":
        why = (f"EM stopped after {iterations} iterations because ℓ/N changed by less than "
               f"tol = {_power_of_ten(means_only.RUN_TOL)} (converged). Stopping proves no "
               "maximum; computed, it stopped ")
    else:
        why = (f"EM stopped after {iterations} iterations, its limit, while ℓ was still "
               "changing; it stopped ")
    return why + end_point_text(shape, mu1, mu2)


def start_note(shape: SurfaceShape, mu1: float, mu2: float) -> str | None:
    """A note for a start on the mirror line (None elsewhere)."""
    if mu1 != mu2:
        return None
    mirror = shape.mirror_point
    kind = {"saddle": "a saddle, not a maximum", "maximum": "the maximum",
            "flat": "a flat point (the boundary case)"}.get(mirror.kind, mirror.kind)
    text = ("The start has μ₁ = μ₂: both components are identical, get identical "
            "responsibilities (½ each) and stay identical forever. EM can only move along the "
            "mirror line, and ends at its one flat point μ₁ = μ₂ = x̄ = "
            f"{number(shape.data_mean, 4)}, which for these data is {kind}.")
    if mirror.kind != "maximum":
        text += " Move one start value to leave the line."
    return text
