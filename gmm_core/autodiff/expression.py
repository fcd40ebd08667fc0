"""A safe formula language for the automatic-differentiation page.

``parse_expression("x1*x2 + sin(x1)", ["x1", "x2"])`` reads a formula typed by a student and turns
it into an :class:`Expression`: a :class:`~gmm_core.autodiff.program.Program` (the evaluation
trace ``w1, w2, …`` of the lecture) that can also differentiate itself, by forward and reverse
sweeps, symbolically, and by writing its derivative program (source transformation).

Safety: the text never reaches ``eval``. It is checked character by character, parsed by Python's
``ast`` module and accepted only if every node is on an allow-list (numbers, the declared variables,
``pi`` and ``e``, ``+ - * / **``, unary minus, one-argument calls of whitelisted functions by bare
name). The length, the nesting and constant exponents are capped before anything is evaluated.
Every refusal raises :class:`ExpressionError` with a message that names the offending piece of
text and says what to do.

This module is the top of the package's import graph: it imports the program, the sweeps, the
symbolic differentiator, the code generator and the graph writer, and none of them imports it.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np

from gmm_core.autodiff.codegen import forward_source, reverse_source
from gmm_core.autodiff.errors import EvaluationError, ExpressionError
from gmm_core.autodiff.graph import expression_dot
from gmm_core.autodiff.program import (
    ALLOWED_FUNCTIONS,
    NAMED_CONSTANTS,
    Program,
    format_number,
    node_text,
)
from gmm_core.autodiff.sweeps import ForwardSweep, ReverseSweep, forward_sweep, reverse_sweep
from gmm_core.autodiff.symbolic import differentiate

__all__ = [
    "ALLOWED_FUNCTIONS",
    "MAX_LENGTH",
    "EvaluationError",
    "Expression",
    "ExpressionError",
    "parse_expression",
]

MAX_LENGTH = 500
MAX_PARENTHESES = 40
MAX_DEPTH = 200
MAX_EXPONENT = 100
MAX_VARIABLES = 8

_ALLOWED_CHARACTERS = re.compile(r"[A-Za-z0-9_+\-*/()., \t]")
_VARIABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}")
# Characters pasted from PDFs and word processors, and what to type instead.
_MINUS_HINT = " It looks like a minus sign: type the ASCII minus - instead."
_CHARACTER_HINTS = {
    "\u2212": _MINUS_HINT, "\u2013": _MINUS_HINT, "\u2014": _MINUS_HINT, "\u2012": _MINUS_HINT,
    "\ufe63": _MINUS_HINT, "\uff0d": _MINUS_HINT,
    "×": " For a product, type * (2*x).", "·": " For a product, type * (2*x).",
    "÷": " For a division, type /.", "√": " For a square root, type sqrt(x).",
    "π": " For π, type pi.",
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789", strict=True))
_LONGEST_QUOTED_NAME = 40
_REFUSED_OPERATORS = {
    ast.Mod: "'%' (remainder)", ast.FloorDiv: "'//' (integer division)",
    ast.MatMult: "'@' (matrix product)", ast.BitXor: "'^'", ast.BitAnd: "'&'", ast.BitOr: "'|'",
    ast.LShift: "'<<'", ast.RShift: "'>>'",
}
_REFUSED_NODES = {
    ast.Attribute: "attribute access with a dot (like .real or .__class__)",
    ast.Subscript: "subscripts with [ ]",
    ast.Lambda: "lambda functions",
    ast.IfExp: "conditional expressions (a if c else b)",
    ast.ListComp: "comprehensions", ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions", ast.GeneratorExp: "comprehensions and generators",
    ast.JoinedStr: "f-strings", ast.FormattedValue: "f-strings",
    ast.Compare: "comparisons (<, >, ==)", ast.BoolOp: "'and' / 'or'",
    ast.Tuple: "tuples (commas outside a function call)", ast.List: "lists",
    ast.Dict: "dictionaries", ast.Set: "sets", ast.NamedExpr: "assignments (:=)",
    ast.Starred: "starred arguments (*args)", ast.Await: "'await'", ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'", ast.Slice: "slices",
}


class Expression(Program):
    """A parsed formula (see :class:`~gmm_core.autodiff.program.Program` for the trace and
    ``evaluate``) with its derivatives. Build it with :func:`parse_expression`."""

    def forward_sweep(self, point: Mapping[str, float],
                      direction: Mapping[str, float]) -> ForwardSweep:
        """One forward-mode sweep along ``direction`` (variable name -> seed ``ẋ``).

        Returns a :class:`~gmm_core.autodiff.sweeps.ForwardSweep` with the primal and tangent of
        every step; its ``derivative`` is the directional derivative ∇f·direction.
        """
        return forward_sweep(self, point, direction)

    def reverse_sweep(self, point: Mapping[str, float]) -> ReverseSweep:
        """One reverse-mode sweep: the adjoint of every step and the whole gradient."""
        return reverse_sweep(self, point)

    def gradient(self, point: Mapping[str, float]) -> dict[str, float]:
        """∂f/∂x for every declared variable (reverse mode), as a dict."""
        return dict(self.reverse_sweep(point).gradient)

    def derivative(self, variable: str) -> Expression:
        """The symbolic derivative ∂f/∂variable as a new expression (the 'exact' derivative).

        Raises :class:`ExpressionError` if the formula is too deep to differentiate symbolically.
        """
        if variable not in self.variables:
            raise ExpressionError(f"'{variable}' is not one of the variables {self.variables}")
        try:
            tree = differentiate(self.tree, variable)
            return Expression(ast.unparse(tree), self.variables, tree)
        except RecursionError:
            raise ExpressionError(
                "this formula is too deeply nested to differentiate symbolically") from None

    def forward_source(self, function_name: str = "f_forward") -> str:
        """The forward-mode derivative program as Python source (source transformation)."""
        return forward_source(self, function_name)

    def reverse_source(self, function_name: str = "f_reverse") -> str:
        """The reverse-mode (adjoint) program as Python source (source transformation)."""
        return reverse_source(self, function_name)

    def to_dot(self, **annotations) -> str:
        """The computational graph as Graphviz DOT text (see :func:`graph.expression_dot`)."""
        return expression_dot(self, **annotations)


# -- parsing and validation ------------------------------------------------------------------------


def _check_variables(variables) -> tuple[str, ...]:
    if isinstance(variables, str):
        variables = [v.strip() for v in variables.split(",") if v.strip()]
    variables = tuple(variables)
    if not variables:
        raise ExpressionError("declare at least one variable (for example x)")
    if len(variables) > MAX_VARIABLES:
        raise ExpressionError(f"at most {MAX_VARIABLES} variables, got {len(variables)}")
    for name in variables:
        if not isinstance(name, str) or not _VARIABLE_NAME.fullmatch(name):
            raise ExpressionError(
                f"'{_quoted(name)}' cannot be a variable name: use a letter followed by letters, "
                f"digits or _ (at most 16 characters), e.g. x1")
        if keyword.iskeyword(name) or name in ALLOWED_FUNCTIONS or name in NAMED_CONSTANTS:
            raise ExpressionError(
                f"'{_quoted(name)}' is reserved and cannot be a variable name")
        if re.fullmatch(r"w[0-9]+", name):
            raise ExpressionError(f"'{name}' is reserved for the steps w1, w2, … of the trace: "
                                  f"choose another variable name")
    if len(set(variables)) != len(variables):
        raise ExpressionError("each variable name may appear only once")
    return variables


def _quoted(name: object) -> str:
    """A refused variable name for a message: at most a few dozen characters of it."""
    text = str(name)
    if len(text) <= _LONGEST_QUOTED_NAME:
        return text
    return f"{text[:_LONGEST_QUOTED_NAME - 1]}… ({len(text)} characters)"


def _position(node: ast.AST) -> str:
    column = getattr(node, "col_offset", None)
    return "" if column is None else f" at position {column + 1}"


def _constant_value(node: ast.AST, variables) -> float | None:
    """The value of a subtree without variables (e.g. an exponent ``9**9``), else ``None``.

    Only called on validated subtrees; arithmetic is numpy float64, so it cannot blow up.
    """
    if any(isinstance(n, ast.Name) and n.id in variables for n in ast.walk(node)):
        return None
    program = Program(ast.unparse(node), variables, node)
    with np.errstate(all="ignore"):
        return float(program.evaluate({}, strict=False))


def _validate(tree: ast.Expression, variables: tuple[str, ...]) -> None:
    """Refuses every node outside the grammar, with the reason; iterative (no recursion)."""
    stack = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"The formula is nested too deeply (more than {MAX_DEPTH} levels). Simplify it.")
        where = _position(node)
        if isinstance(node, ast.BinOp):
            if type(node.op) in _REFUSED_OPERATORS:
                hint = " Write x**2 for powers." if isinstance(node.op, ast.BitXor) else ""
                raise ExpressionError(f"The operator {_REFUSED_OPERATORS[type(node.op)]}{where} is"
                                      f" not allowed: use + - * / and ** only.{hint}")
            stack.append((node.left, depth + 1))
            stack.append((node.right, depth + 1))
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                symbol = "not" if isinstance(node.op, ast.Not) else "~"
                raise ExpressionError(f"The operator '{symbol}'{where} is not allowed: only a "
                                      f"minus sign may stand in front of a term.")
            stack.append((node.operand, depth + 1))
        elif isinstance(node, ast.Call):
            _validate_call(node, where)
            stack.append((node.args[0], depth + 1))
        elif isinstance(node, ast.Name):
            _validate_name(node, variables, where)
        elif isinstance(node, ast.Constant):
            _validate_constant(node, where)
        else:
            what = _REFUSED_NODES.get(type(node), f"'{type(node).__name__}' expressions")
            if isinstance(node, ast.Tuple) and not node.elts:
                what = "empty parentheses ()"
            raise ExpressionError(f"This formula uses {what}, which is not allowed: found "
                                  f"'{_quoted(node_text(node))}'{where}.")
    # Exponents are checked once the whole tree is known to be safe to evaluate.
    # Innermost powers first, so that 9**9**9 is refused for its exponent 387420489.
    powers = [n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow)]
    for node in reversed(powers):
        exponent = _constant_value(node.right, variables)
        if exponent is not None and not abs(exponent) <= MAX_EXPONENT:
            shown = format_number(exponent) if np.isfinite(exponent) else "infinite"
            raise ExpressionError(
                f"The exponent in '{node_text(node)}'{_position(node)} is {shown}: constant "
                f"exponents are limited to ±{MAX_EXPONENT} to keep numbers finite.")


def _validate_call(node: ast.Call, where: str) -> None:
    if not isinstance(node.func, ast.Name):
        raise ExpressionError(f"Only the functions {', '.join(ALLOWED_FUNCTIONS)} may be called, "
                              f"by name (found '{_quoted(node_text(node.func))}'{where}).")
    name = node.func.id
    if name not in ALLOWED_FUNCTIONS:
        raise ExpressionError(f"Unknown function '{_quoted(name)}'{where}: the allowed functions are "
                              f"{', '.join(ALLOWED_FUNCTIONS)}.")
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        raise ExpressionError(f"{name}(…){where} takes exactly one argument, like {name}(x).")


def _validate_name(node: ast.Name, variables, where: str) -> None:
    if node.id in variables or node.id in NAMED_CONSTANTS:
        return
    if node.id in ALLOWED_FUNCTIONS:
        raise ExpressionError(f"'{node.id}'{where} is a function: write {node.id}(x).")
    raise ExpressionError(f"Unknown name '{_quoted(node.id)}'{where}: the variables are "
                          f"{', '.join(variables)} (and the constants pi and e).")


def _validate_constant(node: ast.Constant, where: str) -> None:
    value = node.value
    if isinstance(value, bool) or value is None or not isinstance(value, int | float | complex):
        raise ExpressionError(f"'{_quoted(node_text(node))}'{where} is not a number: only numbers, "
                              f"variables and functions may appear.")
    if isinstance(value, complex):
        raise ExpressionError(f"'{_quoted(node_text(node))}'{where} is a complex number: only real numbers "
                              f"are allowed.")
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        finite = False
    if not finite:
        raise ExpressionError(f"The number{where} is too large for a floating-point number.")


def _syntax_message(error: SyntaxError) -> str:
    message = error.msg or "invalid syntax"
    if "forgot a comma" in message or "invalid decimal literal" in message:
        message = "two terms stand side by side: write * for a product (2*x, not 2x)"
    elif message.startswith("invalid syntax"):
        message = ("this is not a complete formula (is an operator such as * missing between "
                   "two terms, or a term missing after an operator?)")
    where = f" near position {error.offset}" if error.offset else ""
    return f"The formula cannot be read{where}: {message}."


def parse_expression(text: str, variables: Sequence[str] | str) -> Expression:
    """Checks and compiles a formula typed by a user; never evaluates it as Python.

    ``variables``: the names the formula may use (a sequence, or a comma-separated string).
    Raises :class:`ExpressionError` (a ``ValueError``) naming the refused piece and the reason.
    """
    variables = _check_variables(variables)
    if not isinstance(text, str):
        raise ExpressionError("The formula must be text.")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"The formula is {len(text)} characters long; the limit is "
                              f"{MAX_LENGTH}.")
    stripped = text.strip()
    if not stripped:
        raise ExpressionError("The formula is empty: type an expression such as "
                              f"{' * '.join(variables[:2])} + sin({variables[0]}).")
    depth = 0
    for position, character in enumerate(stripped, start=1):
        if character == "^":
            raise ExpressionError(f"'^' at position {position} is not a power in this notation: "
                                  f"write x**2 for x squared.")
        if not _ALLOWED_CHARACTERS.fullmatch(character):
            hint = _CHARACTER_HINTS.get(character, "")
            if not hint and character in _SUPERSCRIPTS:
                hint = f" For a power, write **{_SUPERSCRIPTS[character]} (x**2, not x²)."
            raise ExpressionError(
                f"The character {character!r} at position {position} cannot appear in a "
                f"formula: use numbers, variable names, + - * / ** and parentheses.{hint}")
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth > MAX_PARENTHESES:
            raise ExpressionError(f"More than {MAX_PARENTHESES} nested parentheses: simplify "
                                  f"the formula.")
    try:
        tree = ast.parse(stripped, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(_syntax_message(error)) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("The formula is too deeply nested to be read.") from None
    _validate(tree, variables)
    return Expression(stripped, variables, tree.body, parsed_from_text=True)
