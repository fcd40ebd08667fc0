"""Elementary functions that accept floats, numpy arrays, dual numbers and reverse-mode nodes.

``sin(2.0)`` is a float, ``sin(np.array([...]))`` an array, ``sin(Dual(2, 1))`` a dual number
carrying cos(2) as its derivative, ``sin(Node(2))`` a new node on the tape. The rules themselves
live beside the classes (:mod:`dual`, :mod:`reverse`); these functions only dispatch.
"""

from __future__ import annotations

import numpy as np

__all__ = ["abs", "cos", "exp", "log", "sin", "sqrt", "tan", "tanh"]


def _elementary(name: str, numpy_function):
    def function(x):
        method = getattr(x, name, None)
        if method is not None and not isinstance(x, np.ndarray | np.generic):
            return method()
        return numpy_function(x)

    function.__name__ = name
    function.__qualname__ = name
    function.__doc__ = (f"{name}(x) for a float, an array (elementwise), a Dual or a Node; "
                        f"the result has the kind and shape of x.")
    return function


sin = _elementary("sin", np.sin)
cos = _elementary("cos", np.cos)
tan = _elementary("tan", np.tan)
exp = _elementary("exp", np.exp)
log = _elementary("log", np.log)
sqrt = _elementary("sqrt", np.sqrt)
tanh = _elementary("tanh", np.tanh)
abs = _elementary("abs", np.abs)  # the name students know; shadows the builtin here only
