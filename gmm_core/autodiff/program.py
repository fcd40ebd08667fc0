"""The compiled form of a formula: a Wengert list (the lecture's evaluation trace), evaluated.

A validated ``ast`` tree (see :mod:`gmm_core.autodiff.expression`) is compiled into a
:class:`Program`: one :class:`Instruction` ``w_i = op(args)`` per elementary operation, each
argument an :class:`Operand` (an input, an earlier step or a constant). The same evaluator runs the
program on floats, numpy arrays, dual numbers (forward mode) and tape nodes (reverse mode): that is
operator overloading. Evaluation walks the list with numpy arithmetic, so floats overflow to
``inf`` (reported as an error) instead of building giant integers.

This module sits below everything that reads a trace (sweeps, rules, code generation, graphs,
smoothness checks), so that none of them needs the parser.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from gmm_core.autodiff.dual import Dual
from gmm_core.autodiff.errors import EvaluationError, ExpressionError
from gmm_core.autodiff.reverse import Node

__all__ = [
    "ALLOWED_FUNCTIONS",
    "BINARY_SYMBOLS",
    "NAMED_CONSTANTS",
    "Instruction",
    "Operand",
    "Program",
    "apply_operation",
    "describe_value",
    "format_number",
    "node_text",
    "primal",
]

ALLOWED_FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "abs")
NAMED_CONSTANTS = {"pi": math.pi, "e": math.e}
BINARY_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}
_BINARY_OPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}


def format_number(value) -> str:
    """Short, exact-enough display of a number in the trace, generated code and messages:
    integers without a decimal point (``3``), others with 6 significant digits."""
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def node_text(node: ast.AST) -> str:
    """The source text of a (sub)tree, for messages; best effort."""
    try:
        return ast.unparse(node)
    except Exception:  # noqa: BLE001 - a description is best effort; the refusal stands anyway
        return type(node).__name__


@dataclass(frozen=True)
class Operand:
    """An argument of an instruction: an input variable, an earlier step ``w_i`` or a constant.

    ``kind`` is ``"input"`` (``key`` the variable name, ``text`` its step ``w_j``), ``"slot"``
    (``key`` the 0-based index of the instruction, ``text`` its name ``w_i``) or ``"const"``
    (``key`` the float; ``text`` how it was written).
    """

    kind: str
    key: object
    text: str = ""

    @property
    def name(self) -> str:
        """The name in code: the variable (``x1``), the step (``w3``) or the number (``2``)."""
        if self.kind == "input":
            return str(self.key)
        return self.text

    @property
    def trace_name(self) -> str:
        """The name in the lecture's trace, where inputs are steps too: ``w1``, ``w3``, ``2``."""
        return self.text

    @property
    def is_constant(self) -> bool:
        return self.kind == "const"


def _code_name(operand: Operand) -> str:
    return operand.name


@dataclass(frozen=True)
class Instruction:
    """One line ``w_i = op(args)`` of the evaluation trace.

    ``index``: 0-based position in the list; ``number``: the ``i`` of ``w_i``. ``op`` is one of
    ``add sub mul div pow neg`` or a function name from ``ALLOWED_FUNCTIONS``; ``node`` is the tree
    it was compiled from and ``formula`` the text that tree was parsed from (``None`` for generated
    trees such as symbolic derivatives).
    """

    index: int
    number: int  # the lecture's numbering: w1 … wn are the n inputs, the steps follow
    op: str
    args: tuple[Operand, ...]
    node: ast.AST = field(compare=False, repr=False, default=None)
    formula: str | None = field(compare=False, repr=False, default=None)

    @property
    def name(self) -> str:
        return f"w{self.number}"

    @property
    def source(self) -> str:
        """The piece of the formula this step computes (found lazily: only messages need it)."""
        if self.formula is not None and getattr(self.node, "end_col_offset", None) is not None:
            segment = ast.get_source_segment(self.formula, self.node)
            if segment:
                return segment
        return node_text(self.node) if self.node is not None else self.definition()

    def definition(self, name_of=None) -> str:
        """The right-hand side, e.g. ``"x1 * x2"`` or ``"sin(x1)"``.

        ``name_of``: operand -> text (default: :attr:`Operand.name`).
        """
        names = [(name_of or _code_name)(arg) for arg in self.args]
        if self.op in BINARY_SYMBOLS:
            return f"{names[0]} {BINARY_SYMBOLS[self.op]} {names[1]}"
        if self.op == "neg":
            return f"-{names[0]}"
        return f"{self.op}({names[0]})"


# -- evaluation primitives: the same code runs on floats, arrays, Duals and Nodes -----------------


def apply_operation(op: str, args):
    """``op`` applied to ``args`` (floats, arrays, Duals or Nodes), with numpy semantics."""
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


def primal(value):
    """The value part of a Dual or Node; anything else unchanged."""
    return value.value if isinstance(value, Dual | Node) else value


def describe_value(value) -> str:
    """A value for a message: the number, or "an array of shape (…)"."""
    value = np.asarray(primal(value))
    if value.ndim == 0:
        return format_number(value) if np.isfinite(value) else str(float(value))
    return f"an array of shape {value.shape}"


# -- the program ----------------------------------------------------------------------------------


class Program:
    """A compiled formula: its trace (``instructions``), its inputs and how to evaluate it.

    ``variables``: the declared inputs, in order; ``instructions``: the Wengert list; ``output``:
    the operand holding the result (usually the last instruction; an input or a constant for
    formulas such as ``x`` or ``3``); ``used_variables``: the declared inputs the formula reads.
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
        return f"{type(self).__name__}({self.text!r}, variables={self.variables!r})"

    @property
    def canonical_text(self) -> str:
        """The formula as Python would print it (normalised spacing and parentheses)."""
        return ast.unparse(self.tree)

    def input_step(self, variable: str) -> str:
        """The step that holds an input, numbered as in the lecture: ``x1`` -> ``w1``."""
        return f"w{self.variables.index(variable) + 1}"

    @staticmethod
    def trace_name(operand: Operand) -> str:
        """An operand's name in the trace: inputs are steps too (``x1`` -> ``w1``)."""
        return operand.trace_name

    def trace_lines(self) -> list[str]:
        """The Wengert list as the lecture writes it: the inputs first, then one line per step.

        For ``x1*x2 + sin(x1)``: ``w1 = x1``, ``w2 = x2``, ``w3 = w1 * w2``, ``w4 = sin(w1)``,
        ``w5 = w3 + w4``.
        """
        inputs = [f"{self.input_step(name)} = {name}" for name in self.variables]
        return inputs + [f"{ins.name} = {ins.definition(self.trace_name)}"
                         for ins in self.instructions]

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
                args = [self.operand_value(arg, inputs, steps) for arg in instruction.args]
                if strict:
                    _check_domain(instruction, args)
                result = apply_operation(instruction.op, args)
                if strict:
                    _check_result(instruction, args, result)
                steps.append(result if lift is None else lift(result))
        output = self.operand_value(self.output, inputs, steps)
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
    def operand_value(operand: Operand, inputs: Mapping[str, object], steps: list):
        """The value of ``operand`` given the inputs (name -> value) and the steps so far."""
        if operand.kind == "input":
            return inputs[operand.key]
        if operand.kind == "slot":
            return steps[operand.key]
        return np.float64(operand.key)


# -- evaluation checks -----------------------------------------------------------------------------


def _where(instruction: Instruction) -> str:
    """Where in the formula: its piece, and the step of the page's trace (typed formulas only:
    a generated formula such as a symbolic derivative has no trace on the page)."""
    if instruction.formula is None:
        return f"in '{instruction.source}'"
    definition = instruction.definition(Program.trace_name)
    return f"in '{instruction.source}' (step {instruction.name} = {definition})"


def _argument_source(instruction: Instruction, position: int) -> str:
    """The piece of the formula that is the instruction's argument ``position``."""
    node = instruction.node
    children = (node.left, node.right) if isinstance(node, ast.BinOp) else (
        (node.operand,) if isinstance(node, ast.UnaryOp) else
        tuple(node.args) if isinstance(node, ast.Call) else ())
    if position >= len(children):
        return instruction.args[position].name
    child = children[position]
    if instruction.formula is not None:
        segment = ast.get_source_segment(instruction.formula, child)
        if segment:
            return segment
    return node_text(child)


def _check_domain(instruction: Instruction, args) -> None:
    primals = [np.asarray(primal(a)) for a in args]
    op = instruction.op
    if op == "div" and np.any(primals[1] == 0):
        raise EvaluationError(f"Division by zero {_where(instruction)}: the denominator "
                              f"{_argument_source(instruction, 1)} is 0 at this point.")
    if op == "log" and np.any(primals[0] <= 0):
        raise EvaluationError(f"log of a number that is not positive ({describe_value(args[0])}) "
                              f"{_where(instruction)}: log is defined for x > 0 only.")
    if op == "sqrt" and np.any(primals[0] < 0):
        raise EvaluationError(f"Square root of a negative number ({describe_value(args[0])}) "
                              f"{_where(instruction)}.")
    if op == "pow":
        base, exponent = primals
        if np.any((base < 0) & (exponent != np.round(exponent))):
            raise EvaluationError(f"A negative number to a fractional power {_where(instruction)}"
                                  f" has no real value.")
        if np.any((base == 0) & (exponent < 0)):
            raise EvaluationError(f"0 to a negative power {_where(instruction)} divides by zero.")


def _check_result(instruction: Instruction, args, result) -> None:
    value = np.asarray(primal(result))
    if not np.all(np.isfinite(value)):
        raise EvaluationError(f"Overflow {_where(instruction)}: the result is too large for a "
                              f"floating-point number (about 1.8e308). Try smaller inputs.")
    if isinstance(result, Dual) and not np.all(np.isfinite(result.deriv)):
        if _local_slopes_finite(instruction, args):
            raise EvaluationError(
                f"Overflow in the derivative {_where(instruction)}: the tangent is too large for "
                f"a floating-point number (about 1.8e308). Try smaller inputs or seeds.")
        raise EvaluationError(
            f"The derivative is not finite {_where(instruction)}: {instruction.op} is not "
            f"differentiable at {describe_value(args[0])}" + (
                "" if instruction.op != "pow" else
                " (a power with a negative or zero base cannot be differentiated with respect "
                "to its exponent there)") + ".")


def _local_slopes_finite(instruction: Instruction, args) -> bool:
    """Whether every local partial of the step is finite at the point (so that an infinite
    tangent is an overflow of the product, not a point where the operation has no slope)."""
    for position, arg in enumerate(args):
        if not isinstance(arg, Dual):
            continue
        seeded = [Dual(primal(a), 1.0) if i == position else primal(a)
                  for i, a in enumerate(args)]
        seeded = [a if isinstance(a, Dual) else np.float64(a) for a in seeded]
        with np.errstate(all="ignore"):
            slope = apply_operation(instruction.op, seeded).deriv
        if not np.all(np.isfinite(slope)):
            return False
    return True


# -- compilation: tree -> Wengert list -------------------------------------------------------------


class _Compiler:
    """Turns a validated tree into instructions; identical sub-expressions share one step."""

    def __init__(self, variables: tuple[str, ...], formula: str | None):
        # The lecture's numbering: the inputs are w1 … wn, the steps follow.
        self.input_steps = {name: f"w{j + 1}" for j, name in enumerate(variables)}
        self.formula = formula
        self.instructions: list[Instruction] = []
        self._seen: dict[tuple, Operand] = {}

    def emit(self, node: ast.AST) -> Operand:
        if isinstance(node, ast.Constant):
            return Operand("const", float(node.value), format_number(node.value))
        if isinstance(node, ast.Name):
            if node.id in NAMED_CONSTANTS:
                return Operand("const", NAMED_CONSTANTS[node.id], node.id)
            return Operand("input", node.id, self.input_steps[node.id])
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
        raise ExpressionError(f"cannot compile '{node_text(node)}'")  # unreachable after checks

    def _instruction(self, op: str, args: tuple[Operand, ...], node: ast.AST) -> Operand:
        key = (op, args)
        if key not in self._seen:
            index = len(self.instructions)
            instruction = Instruction(index, len(self.input_steps) + index + 1, op, args, node,
                                      self.formula)
            self.instructions.append(instruction)
            self._seen[key] = Operand("slot", index, instruction.name)
        return self._seen[key]
