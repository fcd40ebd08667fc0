"""The declared session state of the page "Model selection" (prefix "msel").

Widgets bind to these fields with ``key=STATE.key(name)``. The data picker keeps one
:class:`~ui.kit.data_picker.DataState` per dimension (prefixes "msel2d" and "msel1d"), so
switching between 1-D and 2-D data keeps each one's choices.
"""

from __future__ import annotations

from ui.kit.data_picker import DataState
from ui.kit.links import LinkState
from ui.kit.session import Field
from ui.selection.settings import (
    AUTO_STARTS,
    CONVENTIONS,
    DEFAULT_FAITHFUL,
    DEFAULT_INIT,
    DEFAULT_RESTART_INIT,
    DEFAULT_RESTARTS,
    K_MAX,
)

DIMENSIONS = (2, 1)


class SelectionState(LinkState):
    """Everything the page remembers between two runs of its script."""

    # The sidebar: which data picker, and the fitting settings of the grid.
    dimension = Field(int, 2)
    init = Field(str, DEFAULT_INIT)
    seed = Field(int, 0)
    reg = Field(float, 1e-6)
    k_max = Field(int, K_MAX)
    types = Field(tuple, ())            # the covariance types compared (the multiselect)
    starts = Field(int, AUTO_STARTS)    # starts per model; AUTO_STARTS: gmm_core's default
    # How the grid is drawn.
    show_degenerate = Field(bool, True)
    convention = Field(str, CONVENTIONS[0])
    # The model drawn below the grid: (show_k, show_cov); unset until the grid's best (or a
    # link) chooses it.
    show_k = Field(int, 1)
    show_cov = Field(str, "full")
    # Restarts of one model.
    restart_k = Field(int, 2)
    restart_cov = Field(str, "full")
    restart_init = Field(str, DEFAULT_RESTART_INIT)
    restart_n = Field(int, DEFAULT_RESTARTS)
    # Old Faithful: both measurements or the eruption durations.
    faithful = Field(str, DEFAULT_FAITHFUL)
    # The charts' element keys (nothing is stored under them).
    bic_chart = Field(object)
    aic_chart = Field(object)
    chosen_fit = Field(object)
    restarts_histogram = Field(object)
    restarts_best = Field(object)
    init_comparison = Field(object)
    faithful_1 = Field(object)
    faithful_2 = Field(object)


STATE = SelectionState("msel")
# The data picker of each dimension.
DATA = {n_features: DataState(f"msel{n_features}d") for n_features in DIMENSIONS}
