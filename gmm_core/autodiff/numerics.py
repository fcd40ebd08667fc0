"""What the forward and reverse modes share: quiet IEEE arithmetic, comparisons by value and
numpy's ufunc dispatch."""

import functools

import numpy as np

__all__ = ["ValueOperand", "quiet_floating_point"]


def quiet_floating_point(cls):
    """Class decorator: the methods compute IEEE results (inf, nan) without RuntimeWarnings.

    Automatic differentiation reports ``log(0) = -inf`` or an infinite slope of ``sqrt`` at 0 as
    numbers; the expression layer turns them into messages for students. Warnings would only
    duplicate that (and the test configuration turns them into errors).
    """
    def silenced(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            with np.errstate(all="ignore"):
                return method(*args, **kwargs)

        return wrapper

    for name, attribute in list(vars(cls).items()):
        if callable(attribute) and not isinstance(attribute, type) and name not in (
                "__init__", "__repr__", "__str__", "__len__", "_seeds_with", "_is_constant"):
            if isinstance(attribute, classmethod | staticmethod):
                continue
            setattr(cls, name, silenced(attribute))
    return cls



# numpy ufuncs and the methods that implement them on a Dual or a Node.
UNARY_METHODS = {
    np.sin: "sin", np.cos: "cos", np.tan: "tan", np.exp: "exp", np.log: "log",
    np.sqrt: "sqrt", np.tanh: "tanh", np.absolute: "__abs__", np.negative: "__neg__",
    np.positive: "__pos__",
}
BINARY_OPERATORS = {
    np.add: "add", np.subtract: "sub", np.multiply: "mul", np.true_divide: "truediv",
    np.power: "pow", np.matmul: "matmul",
}
COMPARISONS = (np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal)


def value_of(x):
    """The value of a Dual or Node (a :class:`ValueOperand`); anything else unchanged."""
    return x.value if isinstance(x, ValueOperand) else x


class ValueOperand:
    """A number with a ``value`` that numpy hands its ufuncs to (Dual, Node).

    Orderings compare the values only. ``np.sin(x)`` calls ``x.sin()``, ``array * x`` calls
    ``x.__rmul__(array)``, and a comparison ufunc compares the values.
    """

    __slots__ = ()
    # Makes numpy hand mixed operations (ndarray * x) to __array_ufunc__ / the reflected methods.
    __array_priority__ = 1000

    def __lt__(self, other):
        return self.value < value_of(other)

    def __le__(self, other):
        return self.value <= value_of(other)

    def __gt__(self, other):
        return self.value > value_of(other)

    def __ge__(self, other):
        return self.value >= value_of(other)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs:
            return NotImplemented
        if ufunc in UNARY_METHODS and len(inputs) == 1:
            return getattr(inputs[0], UNARY_METHODS[ufunc])()
        if ufunc in COMPARISONS and len(inputs) == 2:
            return ufunc(*(value_of(x) for x in inputs))
        if ufunc in BINARY_OPERATORS and len(inputs) == 2:
            left, right = inputs
            name = BINARY_OPERATORS[ufunc]
            if isinstance(left, ValueOperand):
                implementation = getattr(left, f"__{name}__", None)
                return NotImplemented if implementation is None else implementation(right)
            implementation = getattr(right, f"__r{name}__", None)
            return NotImplemented if implementation is None else implementation(left)
        return NotImplemented
