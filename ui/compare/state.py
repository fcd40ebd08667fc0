"""The declared session state of the page "k-means vs EM" (prefix "kmvem"), and its choices.

Widgets bind to these fields with ``key=STATE.key(name)``; the data picker's widgets are the
kit's (:class:`~ui.kit.data_picker.DataState`), the stepping positions and Play the kit's
(:class:`~ui.kit.stepping.SteppingState`, tracks "kmeans" and "em"), the link's memory the kit's
(:class:`~ui.kit.links.LinkState`).
"""

from __future__ import annotations

from gmm_core.comparison import COMPARISON_PRESETS
from ui.kit.data_picker import DataState
from ui.kit.links import LinkState
from ui.kit.session import Field
from ui.kit.stepping import SteppingState

# The scenarios: the teaching presets, then any data set of the data picker.
ANY_DATA = "any"
SCENARIOS = (*COMPARISON_PRESETS, ANY_DATA)
DEFAULT_SCENARIO = "stretched"

# The common start of both runs.
STARTS = ("preset", "k-means++", "random-points")
START_LABELS = {
    "preset": "the scenario's start",
    "k-means++": "k-means++ (seeded)",
    "random-points": "K random data points (seeded)",
}

# σ as a multiple of the data's spread; 1e-4 is hard to machine precision, 2 very soft.
SIGMA_FRACTIONS = (1e-4, 1e-3, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0)
DEFAULT_SIGMA_FRACTION = 0.3

# The names of the two tracks (runs) in the stepping state, and the three stepping bars.
KMEANS, EM = "kmeans", "em"
BOTH = "both"


class CompareState(DataState, SteppingState, LinkState):
    """Everything the page keeps for a session (widget values and their companions)."""

    scenario = Field(str, DEFAULT_SCENARIO)
    k = Field(int, 3)
    start = Field(str, "preset")
    seed = Field(int, 0)
    # EM's model: soft or hard (classification EM) assignments; a covariance type, or equal
    # weights and a fixed σ²I (σ as a multiple of the data's spread).
    hard = Field(bool, False)
    fixed_sigma = Field(bool, False)
    sigma = Field(float, DEFAULT_SIGMA_FRACTION)
    cov = Field(str, "full")
    # Display.
    cells = Field(bool, True)
    # The charts' widget keys.
    kmeans_fig = Field(object, None)
    em_fig = Field(object, None)
    inertia_fig = Field(object, None)
    likelihood_fig = Field(object, None)


STATE = CompareState("kmvem")
