"""Source transformation: writes the derivative program of a formula as Python source.

This is what tools such as Tapenade do for C or Fortran (the lecture's ``diff_function.c``): read
the program ``w1 = …; w2 = …`` and write a new program where every line is followed by the line of
its derivative (forward mode), or where the original lines are followed by the adjoint lines in
reverse order (reverse mode). The generated code is shown to students; the tests execute it to
check it. The app itself never executes it.
"""

from __future__ import annotations

import re

from gmm_core.autodiff.program import Operand, Program
from gmm_core.autodiff.rules import adjoint_terms, combine_terms, tangent_text

__all__ = ["forward_source", "reverse_source"]

_NUMPY_NAMES = ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sign", "pi", "e")


def _dot(name: str) -> str:
    return f"{name}_dot"


def _bar(name: str) -> str:
    return f"{name}_bar"


def _name(operand: Operand) -> str:
    # Negative constants in parentheses so that "x ** -2" and "2 * -3" stay unambiguous.
    if operand.is_constant and operand.text.startswith("-"):
        return f"({operand.text})"
    return operand.name


def _header(body: list[str]) -> list[str]:
    used = sorted(name for name in _NUMPY_NAMES
                  if any(re.search(rf"\b{name}\b", line) for line in body))
    return [f"from numpy import {', '.join(used)}", "", ""] if used else []


def forward_source(expression: Program, function_name: str = "f_forward") -> str:
    """``def f_forward(x1, x2, x1_dot, x2_dot): … return w, w_dot`` (value and ∇f·ẋ)."""
    arguments = list(expression.variables) + [_dot(v) for v in expression.variables]
    body = []
    for instruction in expression.instructions:
        body.append(f"    {instruction.name} = {instruction.definition(_name)}")
        body.append(f"    {_dot(instruction.name)} = "
                    f"{tangent_text(instruction, dot=_dot, name_of=_name)}")
    output = _name(expression.output)
    output_dot = "0.0" if expression.output.is_constant else _dot(output)
    body.append(f"    return {output}, {output_dot}")
    lines = [
        f"def {function_name}({', '.join(arguments)}):",
        f'    """f({", ".join(expression.variables)}) = {expression.canonical_text} '
        f'and its derivative along ({", ".join(_dot(v) for v in expression.variables)}).',
        "",
        "    Forward mode by source transformation: each line of the original program is",
        "    followed by the chain rule for its tangent.",
        '    """',
    ]
    return "\n".join(_header(body) + lines + body) + "\n"


def reverse_source(expression: Program, function_name: str = "f_reverse") -> str:
    """``def f_reverse(x1, x2): … return w, (x1_bar, x2_bar)`` (value and the whole gradient)."""
    body = ["    # forward sweep: the original program"]
    for instruction in expression.instructions:
        body.append(f"    {instruction.name} = {instruction.definition(_name)}")
    body.append("    # reverse sweep: adjoints from the output back to the inputs")
    if expression.output.kind == "slot":
        body.append(f"    {_bar(expression.output.name)} = 1.0")
        targets = [ins.name for ins in reversed(expression.instructions[:-1])]
        for target in targets + list(expression.variables):
            terms = adjoint_terms(expression.instructions, target, bar=_bar, name_of=_name)
            if terms:
                body.append(f"    {_bar(target)} = {combine_terms(terms, factor_first=True)}")
            elif target in expression.variables:
                body.append(f"    {_bar(target)} = 0.0")
    else:
        for variable in expression.variables:
            seed = "1.0" if expression.output.kind == "input" and \
                expression.output.key == variable else "0.0"
            body.append(f"    {_bar(variable)} = {seed}")
    gradient = ", ".join(_bar(v) for v in expression.variables)
    trailing = "," if len(expression.variables) == 1 else ""
    body.append(f"    return {_name(expression.output)}, ({gradient}{trailing})")
    lines = [
        f"def {function_name}({', '.join(expression.variables)}):",
        f'    """f({", ".join(expression.variables)}) = {expression.canonical_text} '
        f"and its gradient in one reverse sweep.",
        "",
        "    Reverse mode by source transformation: the original program runs forwards, then",
        "    the adjoint of every variable is accumulated from its consumers, last line first.",
        '    """',
    ]
    return "\n".join(_header(body) + lines + body) + "\n"
