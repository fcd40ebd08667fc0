"""The derivative rules as text: what the tables show and what the code generator writes.

For an instruction ``w = op(a, b)`` the *local partials* ∂w/∂a and ∂w/∂b are written in terms of
the operand names and ``w`` itself (``exp``: ∂w/∂a = w). Forward mode combines them into the tangent
``ẇ = ∂w/∂a·ȧ + ∂w/∂b·ḃ``; reverse mode sends ``w̄·∂w/∂a`` back to ``a``. The numeric rules live in
:mod:`dual` and :mod:`reverse`; the tests check that the three agree.
"""

from __future__ import annotations

from collections.abc import Callable

from gmm_core.autodiff.program import Instruction, Operand, Program, format_number

__all__ = [
    "adjoint_rule",
    "adjoint_terms",
    "bar_code",
    "barred",
    "code_name",
    "combine_terms",
    "dot_code",
    "dotted",
    "partial_texts",
    "tangent_text",
    "trace_names",
]


def dotted(name: str) -> str:
    """``x1`` -> ``ẋ1``: the tangent of a variable, in the lecture's notation."""
    return f"{name[0]}\u0307{name[1:]}"


def barred(name: str) -> str:
    """``w3`` -> ``w̄3``: the adjoint of a variable."""
    return f"{name[0]}\u0304{name[1:]}"


def dot_code(name: str) -> str:
    """``w3`` -> ``w3_dot``: a tangent's name in code (and in the page's LaTeX)."""
    return f"{name}_dot"


def bar_code(name: str) -> str:
    """``w3`` -> ``w3_bar``: an adjoint's name in code."""
    return f"{name}_bar"


def code_name(operand: Operand) -> str:
    """An operand in code: negative constants in parentheses (``x ** (-2)``, ``2 * (-3)``)."""
    if operand.is_constant and operand.text.startswith("-"):
        return f"({operand.text})"
    return operand.name


def trace_names(program: Program) -> Callable[[Operand], str]:
    """Operand -> its name in the lecture's trace: inputs are ``w1 … wn``, negative constants in
    parentheses."""
    def name_of(operand: Operand) -> str:
        return program.trace_name(operand) if operand.kind == "input" else code_name(operand)

    return name_of


def _power_text(exponent: float) -> str:
    text = format_number(exponent)
    return f"({text})" if exponent < 0 else text


def partial_texts(instruction: Instruction,
                  name_of: Callable[[Operand], str] = lambda o: o.name) -> tuple[str | None, ...]:
    """∂w/∂arg for each argument as text (``None`` for constant arguments)."""
    names = [name_of(arg) for arg in instruction.args]
    w = instruction.name
    a = names[0]
    op = instruction.op
    if op in ("add", "sub", "mul", "div", "pow"):
        b = names[1]
        if op == "add":
            partials = ("1", "1")
        elif op == "sub":
            partials = ("1", "-1")
        elif op == "mul":
            partials = (b, a)
        elif op == "div":
            partials = (f"1 / {b}", f"-{w} / {b}")
        else:
            exponent = instruction.args[1]
            if exponent.is_constant:
                c = exponent.key
                if c == 0:
                    slope = "0"
                elif c == 1:
                    slope = "1"
                elif c == 2:
                    slope = f"2 * {a}"
                else:
                    slope = f"{format_number(c)} * {a} ** {_power_text(c - 1)}"
                partials = (slope, None)
            else:
                partials = (f"{b} * {a} ** ({b} - 1)", f"{w} * log({a})")
        return tuple(p if not arg.is_constant else None
                     for p, arg in zip(partials, instruction.args, strict=True))
    if instruction.args[0].is_constant:
        return (None,)
    unary = {
        "neg": "-1",
        "sin": f"cos({a})",
        "cos": f"-sin({a})",
        "tan": f"1 + {w} ** 2",
        "exp": w,
        "log": f"1 / {a}",
        "sqrt": f"0.5 / {w}",
        "tanh": f"1 - {w} ** 2",
        "abs": f"sign({a})",
    }
    return (unary[op],)


def _factor(text: str) -> str:
    """Parenthesises a partial that would bind wrongly as a factor of a product."""
    return f"({text})" if " + " in text or " - " in text else text


def combine_terms(terms: list[tuple[str, str]], factor_first: bool = False) -> str:
    """``[(partial, factor), …]`` -> ``"partial * factor + …"`` with 1 and -1 simplified.

    ``factor_first`` writes ``factor * partial`` (reverse mode: ``w̄3 * x2``).
    """
    pieces = []
    for partial, factor in terms:
        if partial == "0":
            continue
        if partial == "1":
            pieces.append(factor)
        elif partial == "-1":
            pieces.append(f"-{factor}")
        else:
            if factor_first:  # w̄ * (-w / b), not w̄ * -w / b
                parenthesised = f"({partial})" if partial.startswith("-") else _factor(partial)
                pieces.append(f"{factor} * {parenthesised}")
            else:
                pieces.append(f"{_factor(partial)} * {factor}")
    if not pieces:
        return "0"
    text = pieces[0]
    for piece in pieces[1:]:
        text += f" - {piece[1:]}" if piece.startswith("-") else f" + {piece}"
    return text


def tangent_text(instruction: Instruction, dot: Callable[[str], str] = dotted,
                 name_of: Callable[[Operand], str] = lambda o: o.name) -> str:
    """The forward-mode line for ``ẇ``, e.g. ``"x2 * ẋ1 + x1 * ẋ2"`` for ``w = x1 * x2``."""
    partials = partial_texts(instruction, name_of)
    terms = [(p, dot(name_of(arg))) for p, arg in zip(partials, instruction.args, strict=True)
             if p is not None]
    return combine_terms(terms)


def adjoint_terms(instructions: tuple[Instruction, ...], target: str,
                  bar: Callable[[str], str] = barred,
                  name_of: Callable[[Operand], str] = lambda o: o.name) -> list[tuple[str, str]]:
    """Contributions to the adjoint of ``target`` (a variable or ``w_i`` name).

    Returns ``[(partial, adjoint of the consumer), …]``: ``target̄ = Σ consumer̄·∂consumer/∂target``,
    consumers in reverse order (the order of the reverse sweep).
    """
    terms = []
    for instruction in reversed(instructions):
        partials = partial_texts(instruction, name_of)
        for partial, arg in zip(partials, instruction.args, strict=True):
            if partial is not None and not arg.is_constant and arg.name == target:
                terms.append((partial, bar(instruction.name)))
    return terms


def adjoint_rule(program: Program, target: str, bar: Callable[[str], str] = barred,
                 name_of: Callable[[Operand], str] = lambda o: o.name) -> str:
    """The right-hand side of ``target``'s adjoint (a step name ``w3`` or a variable ``x1``):
    ``Σ consumer̄·∂consumer/∂target``, ``"1"`` for the output itself (the seed ∂f/∂f), ``"0"``
    for an input nothing uses."""
    output = program.output
    if (output.kind == "slot" and output.name == target) or (
            output.kind == "input" and output.key == target):
        return "1"
    terms = adjoint_terms(program.instructions, target, bar=bar, name_of=name_of)
    return combine_terms(terms, factor_first=True)
