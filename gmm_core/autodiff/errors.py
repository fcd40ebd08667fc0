"""The two exceptions of the formula language (a leaf module: everything else may import it)."""

from __future__ import annotations

__all__ = ["EvaluationError", "ExpressionError", "NotDifferentiableError"]


class ExpressionError(ValueError):
    """A formula was refused, or could not be evaluated; the message is written for students."""


class EvaluationError(ExpressionError):
    """The formula is fine but cannot be evaluated (or differentiated) at the given point."""


class NotDifferentiableError(EvaluationError):
    """f has no derivative at the point (or AD cannot tell): the evaluation passed a kink.

    ``smoothness``: the :class:`~gmm_core.autodiff.smoothness.Smoothness` report behind the
    message (its kinks and one-sided slopes).
    """

    def __init__(self, message: str, smoothness):
        super().__init__(message)
        self.smoothness = smoothness
