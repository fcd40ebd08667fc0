"""Numbers and means as text, written once for every page (plain text, LaTeX and links).

Pure: no Streamlit. Text that did not come from the app itself is escaped by
``ui.kit.escape``, not here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

MISSING = "—"


def number(value: float | None, digits: int = 6) -> str:
    """``digits`` significant digits; ±∞ and "—" (None or nan) for what is not a number."""
    if value is None:
        return MISSING
    value = float(value)
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "+∞" if value > 0 else "−∞"
    if value == 0.0:
        return "0"
    return f"{value:.{digits}g}"


def exact_number(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` ("4" for 4.0, "0.5", "-1.25")."""
    text = repr(float(value) + 0.0)
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def log_likelihood(value: float) -> str:
    """A total log-likelihood with four decimals and thin-space thousands: "−1 130.3279"."""
    if math.isinf(value):
        return "+∞" if value > 0 else "−∞"
    if math.isnan(value):
        return MISSING
    return f"{value:,.4f}".replace(",", " ")


def vector(values: Sequence[float], digits: int = 2) -> str:
    """A (D,) vector as "(1.00, −2.50)" with ``digits`` decimals."""
    return "(" + ", ".join(f"{float(v):.{digits}f}" for v in values) + ")"


def matrix(values: np.ndarray, digits: int = 2) -> str:
    """A (D, D) matrix as "[a b; c d]" with ``digits`` decimals."""
    return "[" + "; ".join(" ".join(f"{float(v):.{digits}f}" for v in row)
                           for row in np.atleast_2d(values)) + "]"


def means_text(means: Sequence[Sequence[float]], *, compact: bool = False) -> str:
    """Means as the text box shows them, "x1, y1; x2, y2" (2-D) or "x1; x2" (1-D), with exact
    numbers; ``compact``: the deep link's form "x1,y1;x2,y2"."""
    inner, outer = (",", ";") if compact else (", ", "; ")
    return outer.join(inner.join(exact_number(v) for v in mean) for mean in means)


# --- LaTeX ------------------------------------------------------------------------------------


def latex_number(value: float, digits: int = 4) -> str:
    """A float as LaTeX: ``digits`` significant digits, powers of ten as \\times 10^{k}."""
    value = float(value)
    if math.isnan(value):
        return r"\text{nan}"
    if math.isinf(value):
        return r"+\infty" if value > 0 else r"-\infty"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def latex_vector(values, digits: int = 4) -> str:
    """A (D,) vector as a LaTeX column (a plain number when D = 1)."""
    values = np.atleast_1d(np.asarray(values, dtype=float))
    if values.size == 1:
        return latex_number(values[0], digits)
    return (r"\begin{pmatrix}" + r"\\".join(latex_number(v, digits) for v in values)
            + r"\end{pmatrix}")


def latex_matrix(values, digits: int = 4) -> str:
    """A (D, D) matrix as LaTeX (a plain number when D = 1)."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    if values.size == 1:
        return latex_number(values[0, 0], digits)
    rows = [" & ".join(latex_number(v, digits) for v in row) for row in values]
    return r"\begin{pmatrix}" + r"\\".join(rows) + r"\end{pmatrix}"


def subscript(number_: int) -> str:
    """An integer in Unicode subscript digits: 12 -> "₁₂"."""
    return str(number_).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
