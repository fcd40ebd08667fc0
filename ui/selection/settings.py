"""The page's settings and their defaults, pure: what the grid is fitted with.

Shared by the declared state (``ui.selection.state``), the link reader (``ui.selection.links``)
and the sections.
"""

from __future__ import annotations

from dataclasses import dataclass

from gmm_core.model_search import DEFAULT_N_STARTS, default_n_starts
from gmm_core.selection import BIC_CONVENTIONS

DEFAULT_INIT = "k-means"
DEFAULT_RESTART_INIT = "random-points"
DEFAULT_RESTARTS = 20
RESTART_COUNTS = (5, 10, 20, 50, 100)
DEFAULT_FAITHFUL = "faithful"
# reg_covar is a select slider here: a link's value is moved to the nearest choice.
REG_CHOICES = (1e-6, 1e-4, 1e-3, 1e-2, 1e-1)
# Every fit of the page stops by scikit-learn's defaults.
TOL = 1e-3
MAX_ITER = 100
K_MAX = 10
# Starts per model: 0 means "auto", gmm_core's default for the data's size
# (default_n_starts: 10, the textbook's n_init, up to a few thousand points; fewer above).
AUTO_STARTS = 0
MAX_STARTS = 50
STARTS_CHOICES = (AUTO_STARTS, 1, 2, 3, 5, 10, 20, 50)
CONVENTIONS = BIC_CONVENTIONS  # ("scikit-learn", "mclust")


@dataclass(frozen=True)
class GridChoice:
    """The grid's own settings.

    types: the covariance types compared; k_max: K = 1..k_max; starts: starts per model
    (``AUTO_STARTS``: gmm_core's default for N); show_degenerate: draw degenerate fits (hollow
    markers); convention: the BIC chart's sign, "scikit-learn" (−2ℓ + p log N, lower is
    better) or "mclust" (2ℓ − p log N, higher is better).
    """

    types: tuple[str, ...]
    k_max: int = K_MAX
    starts: int = AUTO_STARTS
    show_degenerate: bool = True
    convention: str = CONVENTIONS[0]


def starts_for(choice: int, n_samples: int) -> int:
    """Starts per model for a choice (``AUTO_STARTS``: gmm_core's default for N points)."""
    return default_n_starts(n_samples) if choice == AUTO_STARTS else int(choice)


def starts_label(choice: int, n_samples: int | None = None) -> str:
    """How the starts choice reads: "auto (10 for 272 points)", "1 (one start)", "20"."""
    if choice == AUTO_STARTS:
        if n_samples is None:
            return f"auto (up to {DEFAULT_N_STARTS})"
        return f"auto ({default_n_starts(n_samples)} for {n_samples:,} points)"
    return str(choice)
