"""What EMRun and KMeansRun share: data, a history of half-steps and a status.

Both runs grow their history one half-step at a time; pages read it by index (the history
slider) and ask whether the run has stopped. The stepping rules that use this (advance, the
button bar) live in ``ui.kit.step_rules``; this is the part that belongs to the runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

import numpy as np

Entry = TypeVar("Entry")


class HalfStepHistory(Generic[Entry]):
    """The data X (N, D) a run works on and the entries it has recorded (start first).

    Subclasses set ``_X``, ``_history`` and ``status`` ("running" until the run stops; the
    other values are the subclass's own).
    """

    _X: np.ndarray
    _history: list[Entry]
    status: str

    @property
    def X(self) -> np.ndarray:
        """The data, (N, D)."""
        return self._X

    @property
    def history(self) -> Sequence[Entry]:
        """Every entry so far, start first (a copy: the run keeps growing)."""
        return tuple(self._history)

    def __len__(self) -> int:
        return len(self._history)

    def __getitem__(self, index: int) -> Entry:
        return self._history[index]

    @property
    def finished(self) -> bool:
        """Whether the run has stopped (converged, collapsed, reached max_iter, ...)."""
        return self.status != "running"
