"""A safe formula language for the automatic-differentiation page.

``parse_expression("x1*x2 + sin(x1)", ["x1", "x2"])`` reads a formula typed by a student and turns
it into an :class:`Expression`: a Wengert list (the evaluation trace ``w1, w2, …`` of the lecture),
which can be evaluated on floats, arrays, dual numbers or reverse-mode nodes.

Safety: the text never reaches ``eval``. It is checked character by character, parsed by Python's
``ast`` module and accepted only if every node is on an allow-list (numbers, the declared variables,
``pi`` and ``e``, ``+ - * / **``, unary minus, one-argument calls of whitelisted functions by bare
name). The length, the nesting and constant exponents are capped before anything is evaluated, and
evaluation walks the compiled list with numpy arithmetic, so floats overflow to ``inf`` (reported as
an error) instead of building giant integers. Every refusal raises :class:`ExpressionError` with a
message that names the offending piece of text and says what to do.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from gmm_core.autodiff.dual import Dual
from gmm_core.autodiff.reverse import Node

__all__ = [
    "ALLOWED_FUNCTIONS",
    "EvaluationError",
    "Expression",
    "ExpressionError",
    "Instruction",
    "Operand",
    "parse_expression",
]

ALLOWED_FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "abs")
NAMED_CONSTANTS = {"pi": math.pi, "e": math.e}
MAX_LENGTH = 500
MAX_PARENTHESES = 40
MAX_DEPTH = 200
MAX_EXPONENT = 100
MAX_VARIABLES = 8

_ALLOWED_CHARACTERS = re.compile(r"[A-Za-z0-9_+\-*/()., \t]")
_VARIABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}")
_BINARY_OPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
BINARY_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}
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


class ExpressionError(ValueError):
    """A formula was refused, or could not be evaluated; the message is written for students."""


class EvaluationError(ExpressionError):
    """The formula is fine but cannot be evaluated (or differentiated) at the given point."""


# -- the compiled form: a Wengert list ------------------------------------------------------------


@dataclass(frozen=True)
class Operand:
    """An argument of an instruction: an input variable, an earlier step ``w_i`` or a constant.

    ``kind`` is ``"input"`` (``key`` the variable name), ``"slot"`` (``key`` the 0-based index of
    the instruction) or ``"const"`` (``key`` the float; ``text`` how it was written).
    """

    kind: str
    key: object
    text: str = ""

    @property
    def name(self) -> str:
        if self.kind == "input":
            return str(self.key)
        if self.kind == "slot":
            return f"w{self.key + 1}"
        return self.text

    @property
    def is_constant(self) -> bool:
        return self.kind == "const"


@dataclass(frozen=True)
class Instruction:
    """One line ``w_i = op(args)`` of the evaluation trace.

    ``op`` is one of ``add sub mul div pow neg`` or a function name from ``ALLOWED_FUNCTIONS``;
    ``node`` is the tree it was compiled from and ``formula`` the text that tree was parsed from
    (``None`` for generated trees such as symbolic derivatives).
    """

    index: int
    op: str
    args: tuple[Operand, ...]
    node: ast.AST = field(compare=False, repr=False, default=None)
    formula: str | None = field(compare=False, repr=False, default=None)

    @property
    def name(self) -> str:
        return f"w{self.index + 1}"

    @property
    def source(self) -> str:
        """The piece of the formula this step computes (found lazily: only messages need it)."""
        if self.formula is not None and getattr(self.node, "end_col_offset", None) is not None:
            segment = ast.get_source_segment(self.formula, self.node)
            if segment:
                return segment
        return _segment(self.node) if self.node is not None else self.definition()

    def definition(self, name_of=None) -> str:
        """The right-hand side, e.g. ``"x1 * x2"`` or ``"sin(x1)"``."""
        names = [(name_of or _default_name)(arg) for arg in self.args]
        if self.op in BINARY_SYMBOLS:
            return f"{names[0]} {BINARY_SYMBOLS[self.op]} {names[1]}"
        if self.op == "neg":
            return f"-{names[0]}"
        return f"{self.op}({names[0]})"


def _default_name(operand: Operand) -> str:
    return operand.name


# -- evaluation primitives: the same code runs on floats, arrays, Duals and Nodes -----------------


def _apply(op: str, args):
    if op == "add":
        return args[0] + args[1]
    if op == "sub":
        return args[0] - args[1]
    if op == "mul":
        return args[0] * args[1]
    if op == "div":
        return args[0] / args[1]
    if op == "pow":
        base, exponent = args
        if isinstance(base, Dual | Node) or isinstance(exponent, Dual | Node):
            return base ** exponent
        return np.power(base, exponent)
    if op == "neg":
        return -args[0]
    (argument,) = args
    if isinstance(argument, Dual | Node):
        return getattr(argument, op)()
    return getattr(np, op)(argument)


def _primal(value):
    return value.value if isinstance(value, Dual | Node) else value


def _format_number(value) -> str:
    """Short, exact-enough display of a number for tables and messages."""
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def _describe(value) -> str:
    primal = np.asarray(_primal(value))
    if primal.ndim == 0:
        return _format_number(primal) if np.isfinite(primal) else str(float(primal))
    return f"an array of shape {primal.shape}"


# -- the public class -----------------------------------------------------------------------------


class Expression:
    """A parsed formula: its trace (``instructions``), its inputs and how to evaluate it.

    Build it with :func:`parse_expression`. ``instructions`` is the Wengert list; ``output`` is the
    operand holding the result (usually the last instruction; an input or a constant for formulas
    such as ``x`` or ``3``).
    """

    def __init__(self, text: str, variables: tuple[str, ...], tree: ast.expr, *,
                 parsed_from_text: bool = False):
        self.text = text
        self.variables = variables
        self.tree = tree
        # The positions in the tree index into `text` only when the tree was parsed from it
        # (not for sub-trees or generated trees such as symbolic derivatives).
        compiler = _Compiler(variables, text if parsed_from_text else None)
        self.output = compiler.emit(tree)
        self.instructions: tuple[Instruction, ...] = tuple(compiler.instructions)
        used = {a.key for ins in self.instructions for a in ins.args if a.kind == "input"}
        if self.output.kind == "input":
            used.add(self.output.key)
        self.used_variables = tuple(v for v in variables if v in used)

    def __repr__(self):
        return f"Expression({self.text!r}, variables={self.variables!r})"

    @property
    def canonical_text(self) -> str:
        """The formula as Python would print it (normalised spacing and parentheses)."""
        return ast.unparse(self.tree)

    # -- evaluation ---------------------------------------------------------------------------

    def evaluate(self, values: Mapping[str, object], *, strict: bool = True):
        """The value of the formula at ``values`` (variable name -> float, array, Dual or Node).

        Arrays broadcast. With ``strict`` (the default) a division by zero, the log or square root
        of a negative number, an overflow or a non-finite derivative raises
        :class:`EvaluationError`; with ``strict=False`` they give ``nan``/``inf`` silently (useful
        for plotting a formula over a grid).
        """
        return self.evaluate_steps(values, strict=strict)[1]

    def evaluate_steps(self, values: Mapping[str, object], *, strict: bool = True, lift=None):
        """``(steps, result)``: the value of every ``w_i`` (a list) and of the formula.

        ``lift``: applied to every step's result and to the inputs (e.g. to make a constant
        step such as ``w1 = 2 * pi`` a dual or a tape node too, so that it gets a tangent or an
        adjoint like every other step).
        """
        inputs = self._inputs(values)
        if lift is not None:
            inputs = {name: lift(value) for name, value in inputs.items()}
        steps = []
        with np.errstate(all="ignore"):
            for instruction in self.instructions:
                args = [self._resolve(arg, inputs, steps) for arg in instruction.args]
                if strict:
                    _check_domain(instruction, args)
                result = _apply(instruction.op, args)
                if strict:
                    _check_result(instruction, args, result)
                steps.append(result if lift is None else lift(result))
        output = self._resolve(self.output, inputs, steps)
        return steps, output if lift is None else lift(output)

    def _inputs(self, values):
        if not isinstance(values, Mapping):
            raise ExpressionError("give the values as a mapping from variable name to number")
        inputs = {}
        for name in self.used_variables:
            if name not in values:
                raise ExpressionError(f"no value given for the variable '{name}'")
            value = values[name]
            if not isinstance(value, Dual | Node):
                try:
                    value = np.asarray(value, dtype=float)
                except (TypeError, ValueError):
                    raise ExpressionError(f"the value of '{name}' is not a number") from None
                value = value[()] if value.ndim == 0 else value  # a numpy scalar: IEEE arithmetic
            inputs[name] = value
        return inputs

    @staticmethod
    def _resolve(operand: Operand, inputs, steps):
        if operand.kind == "input":
            return inputs[operand.key]
        if operand.kind == "slot":
            return steps[operand.key]
        return np.float64(operand.key)

    # -- differentiation ----------------------------------------------------------------------

    def forward_sweep(self, point: Mapping[str, float], direction: Mapping[str, float]):
        """One forward-mode sweep along ``direction`` (variable name -> seed ``ẋ``).

        Returns a :class:`~gmm_core.autodiff.sweeps.ForwardSweep` with the primal and tangent of
        every step; its ``derivative`` is the directional derivative ∇f·direction.
        """
        from gmm_core.autodiff.sweeps import forward_sweep

        return forward_sweep(self, point, direction)

    def reverse_sweep(self, point: Mapping[str, float]):
        """One reverse-mode sweep: the adjoint of every step and the whole gradient."""
        from gmm_core.autodiff.sweeps import reverse_sweep

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
        from gmm_core.autodiff.symbolic import differentiate

        try:
            tree = differentiate(self.tree, variable)
            return Expression(ast.unparse(tree), self.variables, tree)
        except RecursionError:
            raise ExpressionError(
                "this formula is too deeply nested to differentiate symbolically") from None

    def forward_source(self, function_name: str = "f_forward") -> str:
        """The forward-mode derivative program as Python source (source transformation)."""
        from gmm_core.autodiff.codegen import forward_source

        return forward_source(self, function_name)

    def reverse_source(self, function_name: str = "f_reverse") -> str:
        """The reverse-mode (adjoint) program as Python source (source transformation)."""
        from gmm_core.autodiff.codegen import reverse_source

        return reverse_source(self, function_name)

    def to_dot(self, **annotations) -> str:
        """The computational graph as Graphviz DOT text (see :func:`graph.expression_dot`)."""
        from gmm_core.autodiff.graph import expression_dot

        return expression_dot(self, **annotations)

    def trace_lines(self) -> list[str]:
        """The Wengert list as text: ``["w1 = x1 * x2", "w2 = sin(x1)", "w3 = w1 + w2"]``."""
        return [f"{ins.name} = {ins.definition()}" for ins in self.instructions]


# -- evaluation checks -----------------------------------------------------------------------------


def _where(instruction: Instruction) -> str:
    return f"in '{instruction.source}' (step {instruction.name} = {instruction.definition()})"


def _check_domain(instruction: Instruction, args) -> None:
    primals = [np.asarray(_primal(a)) for a in args]
    op = instruction.op
    if op == "div" and np.any(primals[1] == 0):
        raise EvaluationError(f"Division by zero {_where(instruction)}: the denominator "
                              f"{instruction.args[1].name} is 0 at this point.")
    if op == "log" and np.any(primals[0] <= 0):
        raise EvaluationError(f"log of a number that is not positive ({_describe(args[0])}) "
                              f"{_where(instruction)}: log is defined for x > 0 only.")
    if op == "sqrt" and np.any(primals[0] < 0):
        raise EvaluationError(f"Square root of a negative number ({_describe(args[0])}) "
                              f"{_where(instruction)}.")
    if op == "pow":
        base, exponent = primals
        if np.any((base < 0) & (exponent != np.round(exponent))):
            raise EvaluationError(f"A negative number to a fractional power {_where(instruction)}"
                                  f" has no real value.")
        if np.any((base == 0) & (exponent < 0)):
            raise EvaluationError(f"0 to a negative power {_where(instruction)} divides by zero.")


def _check_result(instruction: Instruction, args, result) -> None:
    primal = np.asarray(_primal(result))
    if not np.all(np.isfinite(primal)):
        raise EvaluationError(f"Overflow {_where(instruction)}: the result is too large for a "
                              f"floating-point number (about 1.8e308). Try smaller inputs.")
    if isinstance(result, Dual) and not np.all(np.isfinite(result.deriv)):
        raise EvaluationError(
            f"The derivative is not finite {_where(instruction)}: {instruction.op} is not "
            f"differentiable at {_describe(args[0])}" + (
                "" if instruction.op != "pow" else
                " (a power with a negative or zero base cannot be differentiated with respect "
                "to its exponent there)") + ".")


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
                f"'{name}' cannot be a variable name: use a letter followed by letters, digits "
                f"or _ (at most 16 characters), e.g. x1")
        if keyword.iskeyword(name) or name in ALLOWED_FUNCTIONS or name in NAMED_CONSTANTS:
            raise ExpressionError(f"'{name}' is reserved and cannot be a variable name")
        if re.fullmatch(r"w[0-9]+", name):
            raise ExpressionError(f"'{name}' is reserved for the steps w1, w2, … of the trace: "
                                  f"choose another variable name")
    if len(set(variables)) != len(variables):
        raise ExpressionError("each variable name may appear only once")
    return variables


def _segment(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # noqa: BLE001 - a description is best effort; the refusal stands anyway
        return type(node).__name__


def _position(node: ast.AST) -> str:
    column = getattr(node, "col_offset", None)
    return "" if column is None else f" at position {column + 1}"


def _constant_value(node: ast.AST, variables) -> float | None:
    """The value of a subtree without variables (e.g. an exponent ``9**9``), else ``None``.

    Only called on validated subtrees; arithmetic is numpy float64, so it cannot blow up.
    """
    if any(isinstance(n, ast.Name) and n.id in variables for n in ast.walk(node)):
        return None
    expression = Expression(ast.unparse(node), variables, node)
    with np.errstate(all="ignore"):
        return float(expression.evaluate({}, strict=False))


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
                                  f"'{_segment(node)}'{where}.")
    # Exponents are checked once the whole tree is known to be safe to evaluate.
    # Innermost powers first, so that 9**9**9 is refused for its exponent 387420489.
    powers = [n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow)]
    for node in reversed(powers):
        exponent = _constant_value(node.right, variables)
        if exponent is not None and not abs(exponent) <= MAX_EXPONENT:
            shown = _format_number(exponent) if np.isfinite(exponent) else "infinite"
            raise ExpressionError(
                f"The exponent in '{_segment(node)}'{_position(node)} is {shown}: constant "
                f"exponents are limited to ±{MAX_EXPONENT} to keep numbers finite.")


def _validate_call(node: ast.Call, where: str) -> None:
    if not isinstance(node.func, ast.Name):
        raise ExpressionError(f"Only the functions {', '.join(ALLOWED_FUNCTIONS)} may be called, "
                              f"by name (found '{_segment(node.func)}'{where}).")
    name = node.func.id
    if name not in ALLOWED_FUNCTIONS:
        raise ExpressionError(f"Unknown function '{name}'{where}: the allowed functions are "
                              f"{', '.join(ALLOWED_FUNCTIONS)}.")
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        raise ExpressionError(f"{name}(…){where} takes exactly one argument, like {name}(x).")


def _validate_name(node: ast.Name, variables, where: str) -> None:
    if node.id in variables or node.id in NAMED_CONSTANTS:
        return
    if node.id in ALLOWED_FUNCTIONS:
        raise ExpressionError(f"'{node.id}'{where} is a function: write {node.id}(x).")
    raise ExpressionError(f"Unknown name '{node.id}'{where}: the variables are "
                          f"{', '.join(variables)} (and the constants pi and e).")


def _validate_constant(node: ast.Constant, where: str) -> None:
    value = node.value
    if isinstance(value, bool) or value is None or not isinstance(value, int | float | complex):
        raise ExpressionError(f"'{_segment(node)}'{where} is not a number: only numbers, "
                              f"variables and functions may appear.")
    if isinstance(value, complex):
        raise ExpressionError(f"'{_segment(node)}'{where} is a complex number: only real numbers "
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
            raise ExpressionError(
                f"The character {character!r} at position {position} cannot appear in a "
                f"formula: use numbers, variable names, + - * / ** and parentheses.")
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


# -- compilation: tree -> Wengert list --------------------------------------------------------------


class _Compiler:
    """Turns a validated tree into instructions; identical sub-expressions share one step."""

    def __init__(self, variables, formula: str | None):
        self.variables = variables
        self.formula = formula
        self.instructions: list[Instruction] = []
        self._seen: dict[tuple, Operand] = {}

    def emit(self, node: ast.AST) -> Operand:
        if isinstance(node, ast.Constant):
            return Operand("const", float(node.value), _format_number(node.value))
        if isinstance(node, ast.Name):
            if node.id in NAMED_CONSTANTS:
                return Operand("const", NAMED_CONSTANTS[node.id], node.id)
            return Operand("input", node.id)
        if isinstance(node, ast.UnaryOp):
            operand = self.emit(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            if operand.is_constant:  # -2 is a number, not a step of the trace
                text = operand.text[1:] if operand.text.startswith("-") else f"-{operand.text}"
                return Operand("const", -operand.key, text)
            return self._instruction("neg", (operand,), node)
        if isinstance(node, ast.BinOp):
            left = self.emit(node.left)
            right = self.emit(node.right)
            return self._instruction(_BINARY_OPS[type(node.op)], (left, right), node)
        if isinstance(node, ast.Call):
            return self._instruction(node.func.id, (self.emit(node.args[0]),), node)
        raise ExpressionError(f"cannot compile '{_segment(node)}'")  # unreachable after checks

    def _instruction(self, op: str, args: tuple[Operand, ...], node: ast.AST) -> Operand:
        key = (op, args)
        if key not in self._seen:
            index = len(self.instructions)
            self.instructions.append(Instruction(index, op, args, node, self.formula))
            self._seen[key] = Operand("slot", index)
        return self._seen[key]
