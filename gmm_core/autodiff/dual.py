"""Forward-mode automatic differentiation with dual numbers.

A dual number ``a + b·ε`` with ``ε² = 0`` carries a value ``a`` and a derivative ``b``. Evaluating
any program on ``x + 1·ε`` gives ``f(x) + f'(x)·ε``: the derivative rides along with the value.

Shapes
------
``Dual.value`` is a float or an array of any shape ``S``. ``Dual.deriv`` is either

* of shape ``S`` (one seed: the derivative along one direction), or
* of shape ``S + (P,)`` (a *vector dual*: ``P`` seeds at once, so one pass gives a whole gradient
  or Jacobian; the seed axis is always the last one).

The rule deciding between the two: a ``deriv`` whose shape equals the value's shape is one seed;
a ``deriv`` with one extra trailing axis holds ``P`` seeds. A scalar ``value`` with a 1-D ``deriv``
of length ``P`` is therefore a vector dual with ``P`` seeds.

Each operation below sits next to its derivative rule, in the style of Karpathy's micrograd.
"""

from __future__ import annotations

import numpy as np

from gmm_core.autodiff.numerics import ValueOperand, quiet_floating_point, value_of

__all__ = ["Dual", "seed_variables"]


def _plain(array):
    """A 0-d result as a Python float (readable reprs); arrays stay arrays."""
    array = np.asarray(array)
    if array.ndim == 0:
        return float(array)
    return array


class Dual(ValueOperand):
    """A dual number ``value + deriv·ε`` (see the module docstring for the shapes)."""

    __slots__ = ("value", "deriv", "n_seeds")

    def __init__(self, value, deriv=0.0):
        value_array = np.asarray(value, dtype=float)
        deriv_array = np.asarray(deriv, dtype=float)
        if deriv_array.shape == value_array.shape:
            n_seeds = None
        elif deriv_array.shape[:-1] == value_array.shape and deriv_array.ndim >= 1:
            n_seeds = deriv_array.shape[-1]
        else:
            try:
                deriv_array = np.broadcast_to(deriv_array, value_array.shape)
            except ValueError:
                raise ValueError(
                    f"deriv of shape {deriv_array.shape} fits neither the value's shape "
                    f"{value_array.shape} nor that shape plus one seed axis"
                ) from None
            n_seeds = None
        self.value = _plain(value_array)
        self.deriv = _plain(deriv_array)
        self.n_seeds = n_seeds

    # -- helpers -------------------------------------------------------------------------------

    @classmethod
    def _make(cls, value, deriv, n_seeds):
        """Builds a result, broadcasting ``deriv`` to the (possibly broadcast) value's shape."""
        value = np.asarray(value, dtype=float)
        shape = value.shape if n_seeds is None else value.shape + (n_seeds,)
        out = object.__new__(cls)
        out.value = _plain(value)
        out.deriv = _plain(np.broadcast_to(deriv, shape))
        out.n_seeds = n_seeds
        return out

    def _scale(self, factor):
        """``factor · deriv`` with ``factor`` shaped like a value (broadcast over the seed axis)."""
        if self.n_seeds is None:
            return factor * self.deriv
        return np.asarray(factor)[..., None] * self.deriv

    def _seeds_with(self, other):
        if self.n_seeds != other.n_seeds:
            raise ValueError(
                f"cannot combine dual numbers with different numbers of seeds "
                f"({self.n_seeds or 1} and {other.n_seeds or 1})"
            )
        return self.n_seeds

    @staticmethod
    def _is_constant(other):
        return isinstance(other, int | float | np.ndarray | np.number) and not isinstance(
            other, bool
        )

    # -- arithmetic: each line is the rule of a first-year calculus course ------------------------

    def __add__(self, other):
        if isinstance(other, Dual):  # (a + a'ε) + (b + b'ε) = (a + b) + (a' + b')ε
            return Dual._make(self.value + other.value, self.deriv + other.deriv,
                              self._seeds_with(other))
        if self._is_constant(other):
            return Dual._make(self.value + np.asarray(other, float), self.deriv, self.n_seeds)
        return NotImplemented

    __radd__ = __add__

    def __neg__(self):  # -(a + a'ε) = -a - a'ε
        return Dual._make(-np.asarray(self.value), -np.asarray(self.deriv), self.n_seeds)

    def __pos__(self):
        return self

    def __sub__(self, other):
        if isinstance(other, Dual) or self._is_constant(other):
            return self + (-other)
        return NotImplemented

    def __rsub__(self, other):
        if self._is_constant(other):
            return (-self) + other
        return NotImplemented

    def __mul__(self, other):
        if isinstance(other, Dual):  # (a + a'ε)(b + b'ε) = ab + (a'b + ab')ε   because ε² = 0
            n_seeds = self._seeds_with(other)
            return Dual._make(self.value * other.value,
                              self._scale(other.value) + other._scale(self.value), n_seeds)
        if self._is_constant(other):
            other = np.asarray(other, float)
            return Dual._make(self.value * other, self._scale(other), self.n_seeds)
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, Dual):  # (a/b)' = (a' - (a/b)·b')/b
            n_seeds = self._seeds_with(other)
            quotient = np.divide(self.value, other.value)
            numerator = self.deriv - other._scale(quotient)
            return Dual._make(quotient, _divide_by_value(numerator, other.value, n_seeds),
                              n_seeds)
        if self._is_constant(other):  # (a/c)' = a'/c
            other = np.asarray(other, float)
            return Dual._make(np.divide(self.value, other),
                              _divide_by_value(self.deriv, other, self.n_seeds), self.n_seeds)
        return NotImplemented

    def __rtruediv__(self, other):
        if self._is_constant(other):  # (c/b)' = -(c/b)·b'/b
            quotient = np.divide(np.asarray(other, float), self.value)
            slope = -np.divide(quotient, self.value)
            return Dual._make(quotient, self._scale(slope), self.n_seeds)
        return NotImplemented

    def __pow__(self, exponent):
        base = np.asarray(self.value, float)
        if isinstance(exponent, Dual):
            # d(a^b) = b·a^(b-1)·a' + a^b·log(a)·b'
            n_seeds = self._seeds_with(exponent)
            power = np.asarray(exponent.value, float)
            value = np.power(base, power)
            log_base = _log_for_power(base)
            deriv = self._scale(power * np.power(base, power - 1.0)) + exponent._scale(
                value * log_base)
            return Dual._make(value, deriv, n_seeds)
        if self._is_constant(exponent):
            power = np.asarray(exponent, float)
            value = np.power(base, power)
            # d(a^c) = c·a^(c-1)·a'; for c = 0 the derivative is 0 even at a = 0 (0·0^-1 is nan)
            slope = np.where(power == 0.0, 0.0, power * np.power(base, power - 1.0))
            return Dual._make(value, self._scale(slope), self.n_seeds)
        return NotImplemented

    def __rpow__(self, base):
        if self._is_constant(base):
            # d(c^b) = c^b·log(c)·b'
            base = np.asarray(base, float)
            value = np.power(base, self.value)
            return Dual._make(value, self._scale(value * _log_for_power(base)), self.n_seeds)
        return NotImplemented

    def __matmul__(self, other):
        """``Dual (…, D) @ matrix (D, E)`` or ``@ vector (D,)``; the matrix may be a Dual too."""
        if isinstance(other, Dual):  # (A + A'ε)(B + B'ε) = AB + (A'B + AB')ε
            n_seeds = self._seeds_with(other)
            left = self @ other.value
            right = _constant_matmul_dual(self.value, other)
            return Dual._make(left.value, left.deriv + right.deriv, n_seeds)
        if not self._is_constant(other):
            return NotImplemented
        other = np.asarray(other, float)
        value = np.asarray(self.value) @ other
        if self.n_seeds is None:
            return Dual._make(value, np.asarray(self.deriv) @ other, None)
        if other.ndim == 1:
            deriv = np.einsum("...dp,d->...p", self.deriv, other)
        else:
            deriv = np.einsum("...dp,de->...ep", self.deriv, other)
        return Dual._make(value, deriv, self.n_seeds)

    def __rmatmul__(self, other):
        if not self._is_constant(other):
            return NotImplemented
        return _constant_matmul_dual(np.asarray(other, float), self)

    # -- elementary functions: value and derivative side by side ---------------------------------

    def sin(self):  # sin(a + a'ε) = sin a + cos(a)·a'ε
        return Dual._make(np.sin(self.value), self._scale(np.cos(self.value)), self.n_seeds)

    def cos(self):  # cos(a + a'ε) = cos a - sin(a)·a'ε
        return Dual._make(np.cos(self.value), self._scale(-np.sin(self.value)), self.n_seeds)

    def tan(self):  # tan' = 1 + tan²
        value = np.tan(self.value)
        return Dual._make(value, self._scale(1.0 + value * value), self.n_seeds)

    def exp(self):  # exp' = exp
        value = np.exp(self.value)
        return Dual._make(value, self._scale(value), self.n_seeds)

    def log(self):  # log' = 1/a
        return Dual._make(np.log(self.value), self._scale(np.divide(1.0, self.value)),
                          self.n_seeds)

    def sqrt(self):  # sqrt' = 1/(2 sqrt a)
        value = np.sqrt(self.value)
        return Dual._make(value, self._scale(np.divide(0.5, value)), self.n_seeds)

    def tanh(self):  # tanh' = 1 - tanh²
        value = np.tanh(self.value)
        return Dual._make(value, self._scale(1.0 - value * value), self.n_seeds)

    def __abs__(self):  # |a|' = sign(a); at a = 0 we take 0, the middle of the subgradient [-1, 1]
        return Dual._make(np.abs(self.value), self._scale(np.sign(self.value)), self.n_seeds)

    abs = __abs__

    # -- reductions and indexing (for the vectorised mixture gradient) ---------------------------

    def sum(self, axis=None):
        """Sum over axes of the value (never over the seed axis)."""
        value = np.asarray(self.value)
        axes = tuple(range(value.ndim)) if axis is None else _normalise_axes(axis, value.ndim)
        return Dual._make(value.sum(axis=axes), np.asarray(self.deriv).sum(axis=axes),
                          self.n_seeds)

    def __getitem__(self, index):
        # Indexing the leading (value) axes leaves the trailing seed axis untouched.
        return Dual._make(np.asarray(self.value)[index], np.asarray(self.deriv)[index],
                          self.n_seeds)

    @property
    def shape(self):
        return np.shape(self.value)

    @property
    def ndim(self):
        return np.ndim(self.value)

    def __len__(self):
        return len(np.asarray(self.value))

    # -- equality looks at the value only (orderings and numpy's ufuncs: ValueOperand) -----------

    def __eq__(self, other):
        return self.value == value_of(other)

    def __ne__(self, other):
        return self.value != value_of(other)

    __hash__ = None  # equality is by value, so duals are not dictionary keys

    def __repr__(self):
        return f"Dual(value={self.value!r}, deriv={self.deriv!r})"

    def __str__(self):
        if self.n_seeds is None and np.ndim(self.value) == 0:
            sign = "-" if self.deriv < 0 else "+"
            return f"{self.value:g} {sign} {abs(self.deriv):g}ε"
        return repr(self)


def _divide_by_value(deriv, divisor, n_seeds):
    """``deriv / divisor`` with the divisor shaped like a value (broadcast over the seeds)."""
    divisor = np.asarray(divisor, float)
    return np.divide(deriv, divisor if n_seeds is None else divisor[..., None])


def _log_for_power(base):
    """log(base) for the rule d(a^b)/db = a^b·log(a): the limit 0 at a = 0, nan for a < 0.

    Shapes: ``base`` any shape, result the same shape.
    """
    base = np.asarray(base, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        positive_log = np.log(np.where(base > 0.0, base, 1.0))
    return np.where(base > 0.0, positive_log, np.where(base == 0.0, 0.0, np.nan))


def _constant_matmul_dual(matrix, dual):
    """``matrix (E, D) @ Dual (D,)`` or ``@ Dual (D, M)``: the derivative is ``matrix @ deriv``."""
    matrix = np.asarray(matrix, float)
    value = matrix @ np.asarray(dual.value)
    if dual.n_seeds is None:
        return Dual._make(value, matrix @ np.asarray(dual.deriv), None)
    vector_dual = np.ndim(dual.value) == 1
    if matrix.ndim == 1:
        subscripts = "d,dp->p" if vector_dual else "d,...dmp->...mp"
    else:
        subscripts = "...ed,dp->...ep" if vector_dual else "ed,...dmp->...emp"
    deriv = np.einsum(subscripts, matrix, dual.deriv)
    return Dual._make(value, deriv, dual.n_seeds)


def _normalise_axes(axis, ndim):
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim for a in axes)


def seed_variables(values, directions=None):
    """Dual inputs for forward mode.

    ``values``: sequence of ``n`` floats (the point). ``directions``: ``None`` for a vector dual
    per input with ``n`` seeds (the identity: one pass gives the whole gradient or Jacobian), or a
    sequence of ``n`` floats (one seed: the directional derivative along it).
    Returns a list of ``n`` duals.
    """
    values = [float(v) for v in values]
    if directions is None:
        identity = np.eye(len(values))
        return [Dual(v, identity[i]) for i, v in enumerate(values)]
    return [Dual(v, float(d)) for v, d in zip(values, directions, strict=True)]


Dual = quiet_floating_point(Dual)
