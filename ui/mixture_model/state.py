"""The declared session state of the page "The mixture model" (prefix "model").

Widgets bind to these fields with ``key=STATE.key(name)``; the per-component sliders are one
family, ``STATE.component.key(f"{k}.{field}")``.
"""

from __future__ import annotations

from ui.kit.links import LinkState
from ui.kit.session import Family, Field
from ui.kit.stepping import SteppingState
from ui.mixture_model.defaults import (
    DEFAULT_K,
    DEFAULT_LECTURE_N,
    DEFAULT_N,
    DEFAULT_PRESET,
    DEFAULT_SEED,
    DEFAULT_SEPARATION,
    DEFAULT_START,
)

__all__ = ["DEFAULT_LECTURE_N", "DEFAULT_N", "DEFAULT_SEED", "DEFAULT_SEPARATION",
           "DEFAULT_START", "STATE", "MixtureModelState"]


class MixtureModelState(LinkState, SteppingState):
    """Everything the page remembers between two runs of its script."""

    # The mixture: a preset, K and the sliders of every component.
    preset = Field(str, DEFAULT_PRESET)
    k = Field(int, DEFAULT_K)
    component = Family(float, 0.0)  # "<k>.<field of ComponentSpec>" -> the slider's value
    # The sample drawn from it.
    n = Field(int, DEFAULT_N)
    seed = Field(int, DEFAULT_SEED)
    revealed = Field(int, 0)  # how many points of the sample the story shows
    drawing = Field(bool, False)  # the story draws points by itself (its Play)
    hide_colours = Field(bool, False)
    # The point whose posterior is shown.
    probe_x = Field(float, 0.0)
    probe_y = Field(float, 0.0)
    # The means-only example: its data and EM's start.
    separation = Field(float, DEFAULT_SEPARATION)
    lecture_n = Field(int, DEFAULT_LECTURE_N)
    lecture_seed = Field(int, DEFAULT_SEED)
    start_mu1 = Field(float, DEFAULT_START[0])
    start_mu2 = Field(float, DEFAULT_START[1])
    surface_chart = Field(object, None)  # the surface chart's selection (a click)
    # Why EM climbs: the mean along which l and the bound are drawn ("μ₁" or "μ₂").
    bound_axis = Field(str, "μ₁")
    # The Gaussian behind the ellipses: its two standard deviations and correlation.
    gauss_std1 = Field(float, 2.0)
    gauss_std2 = Field(float, 1.0)
    gauss_rho = Field(float, 0.6)
    gauss_coverage = Field(bool, False)  # also draw the 50 % and 95 % ellipses


STATE = MixtureModelState("model")
