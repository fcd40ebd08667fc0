"""Symbolic differentiation of a validated formula tree: the 'exact derivative' of the page.

It works on Python ``ast`` trees (as produced by :func:`parse_expression`) and returns a new tree
built from the same grammar, lightly simplified (``0·u = 0``, ``1·u = u``, ``u + 0 = u``, numbers
folded). It is the independent check for automatic differentiation, and its output shows the
*expression swell* that AD avoids: the derivative text grows much faster than the trace.
"""

from __future__ import annotations

import ast

__all__ = ["differentiate"]


def _number_of(node: ast.AST) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
            and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number_of(node.operand)
        return None if inner is None else -inner
    return None


def number(value: float) -> ast.expr:
    """A literal; negative numbers as ``-(c)`` so that ``(-2) ** x`` prints with parentheses."""
    value = float(value)
    literal = int(value) if value == int(value) and abs(value) < 1e15 else value
    if value < 0:
        return ast.UnaryOp(ast.USub(), number(-value))
    return ast.Constant(literal)


def negate(a):
    value = _number_of(a)
    if value is not None:
        return number(-value)
    if isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.USub):
        return a.operand
    return ast.UnaryOp(ast.USub(), a)


def add(a, b):
    va, vb = _number_of(a), _number_of(b)
    if va == 0:
        return b
    if vb == 0:
        return a
    if va is not None and vb is not None:
        return number(va + vb)
    if isinstance(b, ast.UnaryOp) and isinstance(b.op, ast.USub):
        return subtract(a, b.operand)
    return ast.BinOp(a, ast.Add(), b)


def subtract(a, b):
    va, vb = _number_of(a), _number_of(b)
    if vb == 0:
        return a
    if va == 0:
        return negate(b)
    if va is not None and vb is not None:
        return number(va - vb)
    return ast.BinOp(a, ast.Sub(), b)


def multiply(a, b):
    va, vb = _number_of(a), _number_of(b)
    if va == 0 or vb == 0:
        return number(0)
    if va == 1:
        return b
    if vb == 1:
        return a
    if va == -1:
        return negate(b)
    if vb == -1:
        return negate(a)
    if va is not None and vb is not None:
        return number(va * vb)
    return ast.BinOp(a, ast.Mult(), b)


def divide(a, b):
    va, vb = _number_of(a), _number_of(b)
    if va == 0:
        return number(0)
    if vb == 1:
        return a
    return ast.BinOp(a, ast.Div(), b)


def power(a, b):
    vb = _number_of(b)
    if vb == 1:
        return a
    if vb == 0:
        return number(1)
    return ast.BinOp(a, ast.Pow(), b)


def call(name, a):
    return ast.Call(ast.Name(name, ast.Load()), [a], [])


def _depends_on(node: ast.AST, variable: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == variable for n in ast.walk(node))


# The chain rule's outer factor f'(u) for each function (times du afterwards).
_OUTER_DERIVATIVES = {
    "sin": lambda u: call("cos", u),
    "cos": lambda u: negate(call("sin", u)),
    "tan": lambda u: add(number(1), power(call("tan", u), number(2))),
    "exp": lambda u: call("exp", u),
    "log": lambda u: divide(number(1), u),
    "sqrt": lambda u: divide(number(1), multiply(number(2), call("sqrt", u))),
    "tanh": lambda u: subtract(number(1), power(call("tanh", u), number(2))),
    "abs": lambda u: divide(u, call("abs", u)),
}


def differentiate(node: ast.AST, variable: str) -> ast.expr:
    """The tree of ∂node/∂variable. ``node`` must come from a validated formula."""
    if not _depends_on(node, variable):
        return number(0)
    if isinstance(node, ast.Name):
        return number(1)
    if isinstance(node, ast.UnaryOp):
        inner = differentiate(node.operand, variable)
        return negate(inner) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Call):
        u = node.args[0]
        return multiply(_OUTER_DERIVATIVES[node.func.id](u), differentiate(u, variable))
    if isinstance(node, ast.BinOp):
        u, v = node.left, node.right
        du, dv = differentiate(u, variable), differentiate(v, variable)
        if isinstance(node.op, ast.Add):
            return add(du, dv)
        if isinstance(node.op, ast.Sub):
            return subtract(du, dv)
        if isinstance(node.op, ast.Mult):  # (uv)' = u'v + uv'
            return add(multiply(du, v), multiply(u, dv))
        if isinstance(node.op, ast.Div):  # (u/v)' = (u'v - uv')/v²
            if not _depends_on(v, variable):
                return divide(du, v)
            return divide(subtract(multiply(du, v), multiply(u, dv)), power(v, number(2)))
        if isinstance(node.op, ast.Pow):
            if not _depends_on(v, variable):  # (u^c)' = c·u^(c-1)·u'
                exponent = _number_of(v)
                lowered = number(exponent - 1) if exponent is not None else subtract(v, number(1))
                return multiply(multiply(v, power(u, lowered)), du)
            # (u^v)' = u^v·(v'·log u + v·u'/u)
            return multiply(power(u, v), add(multiply(dv, call("log", u)),
                                             divide(multiply(v, du), u)))
    raise ValueError(f"cannot differentiate {ast.dump(node)}")
