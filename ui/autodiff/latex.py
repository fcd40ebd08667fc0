"""The evaluation traces typeset in LaTeX, as on a lecture slide (pure: no Streamlit).

The rules of :mod:`gmm_core.autodiff.rules` are produced as code-like text (``w3_dot``,
``x1_bar``, ``cos(x1) * x1_dot``, ``w1 ** 2``); :func:`to_latex` turns that small language into
KaTeX: ``\\dot w_{3}``, ``\\bar x_{1}``, ``\\cos(x_{1})\\,\\dot x_{1}``, ``w_{1}^{2}``.
Its input is always text the app wrote from a parsed formula (names, numbers, operators and
parentheses); any other character is shown as text through ``untrusted_latex``, never as markup.
"""

from __future__ import annotations

import re

from gmm_core.autodiff.program import Program
from gmm_core.autodiff.rules import adjoint_rule, bar_code, dot_code, tangent_text, trace_names
from gmm_core.autodiff.sweeps import ForwardSweep, ReverseSweep
from ui.kit.escape import untrusted_latex
from ui.kit.text import latex_number

__all__ = ["forward_trace_latex", "latex_value", "reverse_trace_latex", "to_latex"]

_TOKEN = re.compile(r"\*\*|[A-Za-z_][A-Za-z0-9_]*|\d+\.?\d*(?:e[+-]?\d+)?|\S")
_ATOM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+\.?\d*(?:e[+-]?\d+)?")
_FUNCTIONS = {"sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "exp": r"\exp", "log": r"\log",
              "tanh": r"\tanh", "sqrt": r"\operatorname{sqrt}", "abs": r"\operatorname{abs}",
              "sign": r"\operatorname{sign}", "pi": r"\pi", "e": "e"}


def _name(identifier: str) -> str:
    """``x1`` -> ``x_{1}``, ``w3_dot`` -> ``\\dot w_{3}``, ``alpha`` -> ``\\mathit{alpha}``."""
    accent = ""
    for suffix, command in (("_dot", r"\dot"), ("_bar", r"\bar")):
        if identifier.endswith(suffix):
            identifier, accent = identifier[: -len(suffix)], command
    match = re.fullmatch(r"([A-Za-z])([0-9]+)", identifier)
    if match:
        body = f"{match.group(1)}_{{{match.group(2)}}}"
        return f"{accent}{{{match.group(1)}}}_{{{match.group(2)}}}" if accent else body
    if len(identifier) == 1:
        return f"{accent}{{{identifier}}}" if accent else identifier
    escaped = identifier.replace("_", "\\_")
    body = rf"\mathit{{{escaped}}}"
    return f"{accent}{{{body}}}" if accent else body


def latex_value(value: float) -> str:
    """A number of the trace: six significant digits (a signed zero shows as 0)."""
    return latex_number(float(value) + 0.0, 6)


def _tokens_to_latex(tokens: list[str]) -> str:
    pieces: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "**":
            # the exponent is the next token, a signed number, or a parenthesised group
            index += 1
            if tokens[index] == "(":
                depth, end = 0, index
                while True:
                    depth += {"(": 1, ")": -1}.get(tokens[end], 0)
                    if depth == 0:
                        break
                    end += 1
                exponent = _tokens_to_latex(tokens[index + 1:end])
                index = end
            else:
                exponent = _tokens_to_latex([tokens[index]])
            pieces.append(f"^{{{exponent}}}")
        elif token == "*":
            pieces.append(r"\cdot ")
        elif token in _FUNCTIONS:
            pieces.append(_FUNCTIONS[token])
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token):
            pieces.append(_name(token))
        elif re.fullmatch(r"\d.*", token):
            pieces.append(latex_value(float(token)) if "e" in token else token)
        elif token == "/" and pieces and _ATOM.fullmatch(tokens[index - 1]) \
                and index + 1 < len(tokens) and _ATOM.fullmatch(tokens[index + 1]):
            # a / b between two names or numbers: a fraction, as written by hand
            numerator = pieces.pop()
            index += 1
            pieces.append(rf"\frac{{{numerator}}}{{{_tokens_to_latex([tokens[index]])}}}")
        elif token in ("+", "-", "/"):
            pieces.append(f" {token} ")
        elif token in ("(", ")", ","):
            pieces.append(token)
        else:  # not from the grammar (never produced by the trace): shown as text, not markup
            pieces.append(untrusted_latex(token))
        index += 1
    return "".join(pieces)


def to_latex(code: str) -> str:
    """KaTeX for an expression of the rules' code-like language (see the module docstring)."""
    return _tokens_to_latex(_TOKEN.findall(code))


def _aligned(rows: list[str]) -> str:
    return r"\begin{aligned}" + r" \\[3pt] ".join(rows) + r"\end{aligned}"


def forward_trace_latex(expression: Program, sweep: ForwardSweep) -> str:
    """The lecture's two programs side by side, numbered as in the lecture (``w1 = x1``, …):
    each step with its value, and its tangent rule with its value."""
    names = trace_names(expression)
    rows = []
    for name in expression.variables:
        step = expression.input_step(name)
        rows.append(rf"{_name(step)} &= {_name(name)} = {latex_value(sweep.point[name])} "
                    rf"&\qquad {_name(dot_code(step))} &= {_name(dot_code(name))} = "
                    rf"{latex_value(sweep.input_tangents[name])}")
    for instruction, value, tangent in zip(expression.instructions, sweep.values,
                                           sweep.tangents, strict=True):
        definition = to_latex(instruction.definition(names))
        rule = to_latex(tangent_text(instruction, dot=dot_code, name_of=names))
        rows.append(
            rf"{_name(instruction.name)} &= {definition} = \mathbf{{{latex_value(value)}}} "
            rf"&\qquad {_name(dot_code(instruction.name))} &= {rule} = "
            rf"\mathbf{{{latex_value(tangent)}}}")
    return _aligned(rows)


def reverse_trace_latex(expression: Program, sweep: ReverseSweep) -> str:
    """The adjoint sweep from the output back to the inputs, each rule with its value; an
    input's adjoint is its partial derivative (``\bar w_1 = ∂f/∂x_1``)."""
    names = trace_names(expression)
    rows = []
    for instruction, adjoint in reversed(list(zip(expression.instructions, sweep.adjoints,
                                                  strict=True))):
        rule = adjoint_rule(expression, instruction.name, bar=bar_code, name_of=names)
        shown = r"\partial f / \partial f" if rule == "1" else to_latex(rule)
        rows.append(rf"{_name(bar_code(instruction.name))} &= {shown} = "
                    rf"\mathbf{{{latex_value(adjoint)}}}")
    for name in expression.variables:
        rule = adjoint_rule(expression, name, bar=bar_code, name_of=names)
        rows.append(rf"{_name(bar_code(expression.input_step(name)))} &= {to_latex(rule)} = "
                    rf"\mathbf{{{latex_value(sweep.gradient[name])}}} = "
                    rf"\partial f / \partial {_name(name)}")
    return _aligned(rows)
