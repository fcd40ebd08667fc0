"""Source transformation: writes the derivative program of a formula as Python source.

This is what tools such as Tapenade do for C or Fortran (the lecture's ``diff_function.c``): read
the program ``w1 = …; w2 = …`` and write a new program where every line is followed by the line of
its derivative (forward mode), or where the original lines are followed by the adjoint lines in
reverse order (reverse mode). The generated code is shown to students; the tests execute it to
check it. The app itself never executes it.
"""

from __future__ import annotations

import re

from gmm_core.autodiff.program import ALLOWED_FUNCTIONS, NAMED_CONSTANTS, Program, format_number
from gmm_core.autodiff.rules import adjoint_rule, bar_code, code_name, dot_code, tangent_text

__all__ = ["forward_source", "overloading_source", "reverse_source"]

_SEEDS = {"1": "1.0", "0": "0.0"}  # the output's seed, and the adjoint of an unused input
_NUMPY_NAMES = ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sign", "pi", "e")


def _header(body: list[str]) -> list[str]:
    used = sorted(name for name in _NUMPY_NAMES
                  if any(re.search(rf"\b{name}\b", line) for line in body))
    return [f"from numpy import {', '.join(used)}", "", ""] if used else []


def forward_source(expression: Program, function_name: str = "f_forward") -> str:
    """``def f_forward(x1, x2, x1_dot, x2_dot): … return w, w_dot`` (value and ∇f·ẋ)."""
    arguments = list(expression.variables) + [dot_code(v) for v in expression.variables]
    body = []
    for instruction in expression.instructions:
        body.append(f"    {instruction.name} = {instruction.definition(code_name)}")
        body.append(f"    {dot_code(instruction.name)} = "
                    f"{tangent_text(instruction, dot=dot_code, name_of=code_name)}")
    output = code_name(expression.output)
    output_dot = "0.0" if expression.output.is_constant else dot_code(output)
    body.append(f"    return {output}, {output_dot}")
    lines = [
        f"def {function_name}({', '.join(arguments)}):",
        f'    """f({", ".join(expression.variables)}) = {expression.canonical_text} '
        f'and its derivative along ({", ".join(dot_code(v) for v in expression.variables)}).',
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
        body.append(f"    {instruction.name} = {instruction.definition(code_name)}")
    body.append("    # reverse sweep: adjoints from the output back to the inputs")
    targets = [ins.name for ins in reversed(expression.instructions)]
    for target in targets + list(expression.variables):
        rule = adjoint_rule(expression, target, bar=bar_code, name_of=code_name)
        body.append(f"    {bar_code(target)} = {_SEEDS.get(rule, rule)}")
    gradient = ", ".join(bar_code(v) for v in expression.variables)
    trailing = "," if len(expression.variables) == 1 else ""
    body.append(f"    return {code_name(expression.output)}, ({gradient}{trailing})")
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


def overloading_source(expression: Program, point: dict[str, float],
                       seeds: dict[str, float]) -> str:
    """The same derivative by operator overloading: the original program, unchanged, called
    with dual numbers (the lecture's ``function.cpp`` with a ``Number`` type).

    ``point`` and ``seeds`` map every variable to a float; the last line calls the function on
    ``Dual(x, ẋ)`` for each variable.
    """
    body = expression.canonical_text
    functions = sorted(name for name in ALLOWED_FUNCTIONS if name != "abs"
                       and re.search(rf"\b{name}\(", body))
    constants = sorted(name for name in NAMED_CONSTANTS if re.search(rf"\b{name}\b", body))
    imports = ["from gmm_core.autodiff import " + ", ".join(["Dual", *functions])]
    if constants:
        imports.append("from math import " + ", ".join(constants))
    arguments = ", ".join(expression.variables)
    call = ", ".join(f"Dual({format_number(point[name])}, {format_number(seeds[name])})"
                     for name in expression.variables)
    return "\n".join([
        *imports, "", "",
        f"def f({arguments}):",
        "    # the original program, unchanged: each operation on a Dual carries the tangent",
        f"    return {body}", "", "",
        f"result = f({call})",
        "print(result.value, result.deriv)",
    ]) + "\n"
