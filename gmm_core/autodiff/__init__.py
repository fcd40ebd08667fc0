"""Automatic differentiation from scratch: dual numbers, a reverse-mode tape, a safe formula parser.

Public names (fixed by the design notes):

* :class:`Dual` – forward mode, ``Dual(value, deriv)``, also with several seeds at once;
* :class:`Node` – reverse mode, a value on a tape with ``.backward()``;
* :func:`parse_expression` / :class:`Expression` – formulas typed by users, safely parsed, with
  their evaluation trace, graph, symbolic derivative and generated derivative programs;
* :class:`ExpressionError` (a ``ValueError``) for every refused formula, and its subclass
  :class:`EvaluationError` for trouble at a point (log of a negative number, overflow, …).

``sin cos tan exp log sqrt tanh abs`` accept floats, arrays, duals and nodes (``abs`` is left
out of ``__all__`` so that a star import does not shadow the builtin).

The modules import each other as a DAG, leaves first: ``numerics`` -> ``dual``, ``reverse``,
``functions``, ``errors``, ``symbolic`` -> ``program`` (the compiled trace and its evaluator) ->
``rules``, ``sweeps``, ``graph``, ``smoothness`` (kinks and one-sided slopes) -> ``codegen`` ->
``expression`` (the parser and :class:`Expression`) -> ``lessons``; ``mixture_gradient`` uses
only ``dual`` and ``reverse``. Nothing here imports Streamlit.
"""

from gmm_core.autodiff.dual import Dual, seed_variables
from gmm_core.autodiff.errors import EvaluationError, ExpressionError
from gmm_core.autodiff.expression import Expression, parse_expression
from gmm_core.autodiff.functions import abs as abs  # noqa: PLC0414 - public, not in __all__
from gmm_core.autodiff.functions import cos, exp, log, sin, sqrt, tan, tanh
from gmm_core.autodiff.program import ALLOWED_FUNCTIONS
from gmm_core.autodiff.reverse import Node, topological_order

__all__ = [
    "ALLOWED_FUNCTIONS",
    "Dual",
    "EvaluationError",
    "Expression",
    "ExpressionError",
    "Node",
    "cos",
    "exp",
    "log",
    "parse_expression",
    "seed_variables",
    "sin",
    "sqrt",
    "tan",
    "tanh",
    "topological_order",
]
