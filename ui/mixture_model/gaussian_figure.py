"""The figure of "The Gaussian behind the ellipses" (pure Plotly): one 2-D Gaussian centred at
the origin, a sample from it, its c-sigma ellipses labelled with the mass they hold, and its
principal axes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gmm_core.gaussian import mass_within, principal_axes, sigma_for_mass
from ui.figures.common import UNASSIGNED_HEX, FigureStyle, axis, base_layout, make_figure
from ui.figures.two_d import ellipse_outline

SIGMA_ELLIPSES = (1.0, 2.0)
COVERAGE_ELLIPSES = (0.5, 0.95)
AXIS_COLOURS = ("#D55E00", "#0072B2")


def ellipse_label(n_sigma: float) -> str:
    """The legend of a c-sigma ellipse, e.g. "1σ ellipse: 39.3 % of the mass" (chi-squared, 2
    degrees of freedom)."""
    return f"{n_sigma:g}σ ellipse: {100 * mass_within(n_sigma, 2):.1f} % of the mass"


def coverage_label(mass: float) -> str:
    """The legend of an ellipse by its mass, e.g. "50 % ellipse (c = 1.18σ)"."""
    return f"{100 * mass:g} % ellipse (c = {sigma_for_mass(mass, 2):.2f}σ)"


def gaussian_figure(covariance: np.ndarray, sample: np.ndarray, style: FigureStyle, *,
                    coverage: bool = False, height: int | None = None) -> go.Figure:
    """N(0, covariance) in 2-D: the sample (M, 2), the 1σ and 2σ ellipses (and, with
    ``coverage``, the 50 % and 95 % ones) and the principal axes sqrt(lambda_j) u_j."""
    centre = np.zeros(2)
    traces: list[dict] = [{
        "type": "scatter", "x": sample[:, 0].astype(np.float32),
        "y": sample[:, 1].astype(np.float32), "mode": "markers",
        "name": f"{len(sample)} draws", "marker": {"size": max(style.marker_size - 2, 3),
                                                   "color": UNASSIGNED_HEX, "opacity": 0.6},
        "hovertemplate": "(%{x:.2f}, %{y:.2f})<extra></extra>",
    }]
    for n_sigma, dash in zip(SIGMA_ELLIPSES, ("solid", "dash"), strict=True):
        outline = ellipse_outline(centre, covariance, n_sigma)
        traces.append({"type": "scatter", "x": outline[:, 0], "y": outline[:, 1],
                       "mode": "lines", "name": ellipse_label(n_sigma),
                       "line": {"color": "#111111", "width": style.line_width, "dash": dash},
                       "hoverinfo": "skip"})
    if coverage:
        for mass, colour in zip(COVERAGE_ELLIPSES, ("#009E73", "#CC79A7"), strict=True):
            outline = ellipse_outline(centre, covariance, sigma_for_mass(mass, 2))
            traces.append({"type": "scatter", "x": outline[:, 0], "y": outline[:, 1],
                           "mode": "lines", "name": coverage_label(mass),
                           "line": {"color": colour, "width": style.line_width,
                                    "dash": "dot"},
                           "hoverinfo": "skip"})
    axes = principal_axes(covariance)
    for j in range(2):
        tip = axes.half_axes[j] * axes.directions[:, j]
        traces.append({
            "type": "scatter", "x": [-tip[0], 0.0, tip[0]], "y": [-tip[1], 0.0, tip[1]],
            "mode": "lines+markers", "name": f"axis {j + 1}: √λ{'₁₂'[j]} = "
                                            f"{axes.half_axes[j]:.2f} along u{'₁₂'[j]}",
            "line": {"color": AXIS_COLOURS[j], "width": style.line_width + 2},
            "marker": {"size": style.marker_size, "color": AXIS_COLOURS[j]},
            "hovertemplate": f"half-axis {j + 1}: %{{x:.2f}}, %{{y:.2f}}<extra></extra>",
        })
    reach = 2.6 * float(axes.half_axes[0])
    layout = base_layout(style, height=height or style.height)
    layout.update(
        xaxis=axis(style, "x₁", range=[-reach, reach], zeroline=False),
        yaxis=axis(style, "x₂", range=[-reach, reach], zeroline=False, scaleanchor="x",
                   scaleratio=1),
        hovermode="closest",
    )
    return make_figure({"data": traces, "layout": layout})
