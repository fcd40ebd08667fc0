"""The two exceptions of the formula language (a leaf module: everything else may import it)."""

from __future__ import annotations

__all__ = ["EvaluationError", "ExpressionError"]


class ExpressionError(ValueError):
    """A formula was refused, or could not be evaluated; the message is written for students."""


class EvaluationError(ExpressionError):
    """The formula is fine but cannot be evaluated (or differentiated) at the given point."""
