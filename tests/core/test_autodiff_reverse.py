"""The reverse-mode tape: adjoints, the topological sweep, long chains, array-valued nodes."""

import math

import numpy as np
import pytest

from gmm_core.autodiff import Dual, Node, cos, exp, log, sin, sqrt, tan, tanh, topological_order
from gmm_core.autodiff import abs as ad_abs


def test_the_lecture_example_gives_the_whole_gradient_in_one_sweep():
    x1, x2 = Node(2.0, label="x1"), Node(3.0, label="x2")
    f = x1 * x2 + sin(x1)
    f.backward()
    assert f.value == pytest.approx(6.0 + math.sin(2.0))
    assert x1.grad == pytest.approx(3.0 + math.cos(2.0))
    assert x2.grad == pytest.approx(2.0)


def test_a_shared_input_accumulates_adjoints_from_every_use():
    x = Node(3.0)
    f = x * x + x  # two paths through the product, one direct
    f.backward()
    assert x.grad == 7.0


def test_backward_twice_gives_the_same_adjoints():
    x = Node(1.5)
    f = exp(x) * x
    f.backward()
    first = x.grad
    f.backward()
    assert x.grad == first


@pytest.mark.parametrize(
    "build",
    [
        lambda a, b, m: a * b + m.sin(a),
        lambda a, b, m: (a - b) / (a + b) - 2 / a + b / 3,
        lambda a, b, m: a**3 - 2**b + a**b,
        lambda a, b, m: m.exp(m.tanh(a * b)) * m.log(1 + b * b),
        lambda a, b, m: m.sqrt(a * a + b * b) + m.tan(a / 4) - m.cos(b) * -a,
        lambda a, b, m: m.abs(a - b) * 3 + (1 - a) * (4 - b),
    ],
)
def test_reverse_mode_equals_forward_mode(build):
    point = (1.3, 0.6)

    class Functions:
        sin, cos, tan, exp, log, sqrt, tanh, abs = sin, cos, tan, exp, log, sqrt, tanh, ad_abs

    nodes = [Node(v) for v in point]
    out = build(*nodes, Functions)
    out.backward()
    duals = [Dual(v, row) for v, row in zip(point, np.eye(2), strict=True)]
    forward = build(*duals, Functions)
    assert out.value == pytest.approx(forward.value, rel=1e-15)
    np.testing.assert_allclose([n.grad for n in nodes], forward.deriv, rtol=1e-13, atol=1e-15)


def test_a_long_chain_does_not_hit_the_recursion_limit():
    x = Node(1.0)
    y = x
    for _ in range(20_000):
        y = y * 1.00001 + 0.0  # 40,000 nodes deep, far beyond sys.getrecursionlimit()
    y.backward()
    assert x.grad == pytest.approx(1.00001**20_000, rel=1e-9)


def test_topological_order_puts_parents_first():
    a, b = Node(1.0), Node(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    assert order[-1] is e and len({id(n) for n in order}) == len(order)


def test_array_nodes_broadcast_and_sum_their_adjoints_back():
    rng = np.random.default_rng(1)
    points = rng.normal(size=(6, 2))
    centre = Node(np.array([0.3, -0.4]))
    whitening = np.array([[2.0, 0.0], [0.5, 1.0]])
    whitened = (points - centre) @ whitening
    f = (whitened * whitened).sum()
    f.backward()
    expected = -2.0 * (whitening @ whitening.T) @ (points - centre.value).sum(axis=0)
    np.testing.assert_allclose(centre.grad, expected, rtol=1e-12)
    assert centre.grad.shape == (2,)


def test_indexing_and_axis_sums_route_adjoints_to_the_right_entries():
    matrix = Node(np.arange(6.0).reshape(3, 2))
    row_sums = matrix.sum(axis=1)  # (3,)
    f = (row_sums * np.array([1.0, 10.0, 100.0])).sum() + matrix[2].sum() * 2.0
    f.backward()
    np.testing.assert_allclose(matrix.grad, [[1, 1], [10, 10], [102, 102]])


def test_numpy_ufuncs_build_nodes():
    x = Node(0.5)
    f = np.sin(x) * np.exp(x) + np.array(2.0) * x
    assert isinstance(f, Node)
    f.backward()
    assert x.grad == pytest.approx(math.cos(0.5) * math.exp(0.5) + math.sin(0.5) * math.exp(0.5)
                                   + 2.0)


def test_comparisons_and_repr():
    assert Node(1.0) < Node(2.0) and Node(3.0) >= 3.0
    assert "value=1.0" in repr(Node(1.0))
