"""The evaluation traces typeset in LaTeX (ui.autodiff.latex, pure)."""

import pytest

from gmm_core.autodiff import parse_expression
from ui.autodiff.latex import forward_trace_latex, reverse_trace_latex, to_latex


@pytest.mark.parametrize(("code", "latex"), [
    ("x1 * x2", r"x_{1}\cdot x_{2}"),
    ("w3_dot", r"\dot{w}_{3}"),
    ("x1_bar", r"\bar{x}_{1}"),
    ("cos(x1) * x1_dot", r"\cos(x_{1})\cdot \dot{x}_{1}"),
    ("w1 ** 2", "w_{1}^{2}"),
    ("x2 * x1 ** (x2 - 1)", r"x_{2}\cdot x_{1}^{x_{2} - 1}"),
    ("-w6 / w5", r" - \frac{w_{6}}{w_{5}}"),
    ("alpha * 1e-05", r"\mathit{alpha}\cdot 1 \times 10^{-5}"),
])
def test_rules_become_latex(code, latex):
    assert to_latex(code) == latex


def test_traces_are_typeset_with_values():
    expression = parse_expression("x1*x2 + sin(x1)", ["x1", "x2"])
    point = {"x1": 2.0, "x2": 3.0}
    forward = forward_trace_latex(expression, expression.forward_sweep(point, {"x1": 1.0}))
    # numbered as in the lecture: w1 = x1, w2 = x2, w3 = w1 w2, w4 = sin(w1), w5 = w3 + w4
    assert forward.startswith(r"\begin{aligned}") and forward.count(r"\\[3pt]") == 4
    assert r"w_{1} &= x_{1} = 2 &\qquad \dot{w}_{1} &= \dot{x}_{1} = 1" in forward
    assert r"\dot{w}_{3} &= w_{2}\cdot \dot{w}_{1} + w_{1}\cdot \dot{w}_{2} = \mathbf{3}" in forward
    assert r"\dot{w}_{5} &= \dot{w}_{3} + \dot{w}_{4} = \mathbf{2.58385}" in forward
    reverse = reverse_trace_latex(expression, expression.reverse_sweep(point))
    assert r"\bar{w}_{5} &= \partial f / \partial f = \mathbf{1}" in reverse
    assert (r"\bar{w}_{2} &= \bar{w}_{3}\cdot w_{1} = \mathbf{2} = \partial f / \partial x_{2}"
            in reverse)
