"""Reverse-mode automatic differentiation on a tape of nodes.

Every operation on :class:`Node` objects records a new node that remembers its parents and how to
pass its adjoint ``w̄ = ∂output/∂w`` back to them (the chain rule, one local derivative per edge).
:meth:`Node.backward` orders the recorded graph topologically (with an explicit stack, so a chain
of a million operations does not hit Python's recursion limit) and sweeps it once from the output
back to the inputs: one sweep gives the derivative of the output with respect to *every* input.

Shapes: ``Node.value`` is a float or a numpy array of any shape; ``Node.grad`` (the adjoint) always
has the shape of ``Node.value``. Operations broadcast like numpy; adjoints flowing into a broadcast
operand are summed back to its shape.

The style follows Karpathy's micrograd: each operation sits next to its derivative rule.
"""

from __future__ import annotations

import numpy as np

from gmm_core.autodiff.numerics import ValueOperand, quiet_floating_point

__all__ = ["Node", "topological_order"]


def _plain(array):
    array = np.asarray(array, dtype=float)
    return float(array) if array.ndim == 0 else array


def _unbroadcast(grad, shape):
    """Sums ``grad`` over the axes that broadcasting added or stretched, back to ``shape``."""
    grad = np.asarray(grad, dtype=float)
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Node(ValueOperand):
    """A value on the tape with its adjoint ``grad`` (filled by :meth:`backward`).

    ``Node(value)`` makes an input (a leaf). ``label`` names it in graphs and error messages.
    """

    __slots__ = ("value", "grad", "parents", "op", "label", "_backward", "_constant")

    def __init__(self, value, parents=(), op="", label=""):
        self.value = _plain(value)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.op = op
        self.label = label
        self._backward = None  # pushes this node's adjoint to its parents
        self._constant = False

    @staticmethod
    def _wrap(other):
        if isinstance(other, Node):
            return other
        if isinstance(other, int | float | np.ndarray | np.number) and not isinstance(other, bool):
            constant = Node(other, op="const")
            constant._constant = True  # constants need no adjoint: skip the work
            return constant
        return None

    @property
    def is_constant(self) -> bool:
        """A number the program used (no adjoint is kept for it), not a recorded operation."""
        return self._constant

    def _accumulate(self, grad):
        if not self._constant:
            self.grad = self.grad + _unbroadcast(grad, np.shape(self.value))

    # -- arithmetic --------------------------------------------------------------------------------

    def __add__(self, other):
        other = Node._wrap(other)
        if other is None:
            return NotImplemented
        out = Node(np.add(self.value, other.value), (self, other), "+")

        def _backward(grad):  # ∂(a+b)/∂a = 1, ∂(a+b)/∂b = 1
            self._accumulate(grad)
            other._accumulate(grad)

        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __neg__(self):
        out = Node(np.negative(self.value), (self,), "neg")

        def _backward(grad):  # ∂(-a)/∂a = -1
            self._accumulate(-grad)

        out._backward = _backward
        return out

    def __pos__(self):
        return self

    def __sub__(self, other):
        other = Node._wrap(other)
        if other is None:
            return NotImplemented
        out = Node(np.subtract(self.value, other.value), (self, other), "-")

        def _backward(grad):  # ∂(a-b)/∂a = 1, ∂(a-b)/∂b = -1
            self._accumulate(grad)
            other._accumulate(-grad)

        out._backward = _backward
        return out

    def __rsub__(self, other):
        other = Node._wrap(other)
        return NotImplemented if other is None else other - self

    def __mul__(self, other):
        other = Node._wrap(other)
        if other is None:
            return NotImplemented
        out = Node(np.multiply(self.value, other.value), (self, other), "*")

        def _backward(grad):  # ∂(ab)/∂a = b, ∂(ab)/∂b = a
            self._accumulate(grad * other.value)
            other._accumulate(grad * self.value)

        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        other = Node._wrap(other)
        if other is None:
            return NotImplemented
        out = Node(np.divide(self.value, other.value), (self, other), "/")

        def _backward(grad):  # ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = -a/b²
            self._accumulate(grad / other.value)
            other._accumulate(-grad * out_value / other.value)

        out_value = out.value
        out._backward = _backward
        return out

    def __rtruediv__(self, other):
        other = Node._wrap(other)
        return NotImplemented if other is None else other / self

    def __pow__(self, exponent):
        exponent = Node._wrap(exponent)
        if exponent is None:
            return NotImplemented
        base_value = np.asarray(self.value, float)
        power = np.asarray(exponent.value, float)
        value = np.power(base_value, power)
        out = Node(value, (self, exponent), "**")

        def _backward(grad):
            # ∂(a^b)/∂a = b·a^(b-1) (0 when b = 0), ∂(a^b)/∂b = a^b·log a (0 at a = 0)
            slope = np.where(power == 0.0, 0.0, power * np.power(base_value, power - 1.0))
            self._accumulate(grad * slope)
            if not exponent._constant:
                with np.errstate(divide="ignore", invalid="ignore"):
                    log_base = np.where(base_value > 0.0,
                                        np.log(np.where(base_value > 0.0, base_value, 1.0)),
                                        np.where(base_value == 0.0, 0.0, np.nan))
                exponent._accumulate(grad * value * log_base)

        out._backward = _backward
        return out

    def __rpow__(self, base):
        base = Node._wrap(base)
        return NotImplemented if base is None else base ** self

    def __matmul__(self, other):
        """``Node (…, D) @ constant matrix (D, E)``: the adjoint of the input is ``grad @ Mᵀ``."""
        if isinstance(other, Node):
            raise TypeError("this tape multiplies a node by a constant matrix only")
        matrix = np.asarray(other, float)
        out = Node(np.asarray(self.value) @ matrix, (self,), "@")

        def _backward(grad):
            if matrix.ndim == 1:
                self._accumulate(np.multiply.outer(grad, matrix))
            else:
                self._accumulate(np.asarray(grad) @ matrix.T)

        out._backward = _backward
        return out

    # -- elementary functions ------------------------------------------------------------------

    def _unary(self, value, slope, op):
        """A node ``op(self)`` whose local derivative is ``slope`` (shaped like the value)."""
        out = Node(value, (self,), op)

        def _backward(grad):
            self._accumulate(grad * slope)

        out._backward = _backward
        return out

    def sin(self):
        return self._unary(np.sin(self.value), np.cos(self.value), "sin")  # sin' = cos

    def cos(self):
        return self._unary(np.cos(self.value), -np.sin(self.value), "cos")  # cos' = -sin

    def tan(self):
        value = np.tan(self.value)
        return self._unary(value, 1.0 + value * value, "tan")  # tan' = 1 + tan²

    def exp(self):
        value = np.exp(self.value)
        return self._unary(value, value, "exp")  # exp' = exp

    def log(self):
        return self._unary(np.log(self.value), np.divide(1.0, self.value), "log")  # log' = 1/a

    def sqrt(self):
        value = np.sqrt(self.value)
        return self._unary(value, np.divide(0.5, value), "sqrt")  # sqrt' = 1/(2 sqrt a)

    def tanh(self):
        value = np.tanh(self.value)
        return self._unary(value, 1.0 - value * value, "tanh")  # tanh' = 1 - tanh²

    def __abs__(self):  # |a|' = sign(a), taken as 0 at a = 0
        return self._unary(np.abs(self.value), np.sign(self.value), "abs")

    abs = __abs__

    # -- reductions and indexing -----------------------------------------------------------------

    def sum(self, axis=None):
        value = np.asarray(self.value)
        out = Node(value.sum(axis=axis), (self,), "sum")

        def _backward(grad):  # every summand receives the adjoint of the sum
            grad = np.asarray(grad, float)
            if axis is not None:
                grad = np.expand_dims(grad, axis)
            self._accumulate(np.broadcast_to(grad, value.shape))

        out._backward = _backward
        return out

    def __getitem__(self, index):
        value = np.asarray(self.value)
        out = Node(value[index], (self,), "[]")

        def _backward(grad):  # the adjoint lands on the selected entries, zero elsewhere
            full = np.zeros_like(value)
            np.add.at(full, index, grad)
            self._accumulate(full)

        out._backward = _backward
        return out

    @property
    def shape(self):
        return np.shape(self.value)

    # Orderings compare values and numpy's ufuncs build tape nodes (ValueOperand); nodes are
    # graph vertices, so they keep identity equality and hashing (used by the sweep).

    # -- the backward sweep ----------------------------------------------------------------------

    def backward(self, seed=None):
        """Fills ``.grad`` of every node this one depends on with ∂self/∂node.

        ``seed``: the adjoint of this node (default 1, or ones for an array value).
        Adjoints from an earlier sweep are reset first, so calling it twice gives the same result.
        """
        order = topological_order(self)
        for node in order:
            node.grad = np.zeros_like(node.value) if np.ndim(node.value) else 0.0
        self.grad = (np.ones_like(self.value) if np.ndim(self.value) else 1.0) if seed is None \
            else _plain(seed)
        for node in reversed(order):
            if node._backward is not None:
                node._backward(node.grad)
        return order

    def __repr__(self):
        return f"Node(value={self.value!r}, grad={self.grad!r}, op={self.op!r})"


Node = quiet_floating_point(Node)


def topological_order(output):
    """Nodes that ``output`` depends on, each after all of its parents (inputs first).

    Depth-first search with an explicit stack: no recursion, whatever the length of the chain.
    """
    order = []
    visited = set()
    stack = [(output, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for parent in node.parents:
            if id(parent) not in visited:
                stack.append((parent, False))
    return order
