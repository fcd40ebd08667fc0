"""Every figure of the automatic-differentiation page has a text alternative that says what it
shows in the current state (issue #14), under the figure for every reader."""

import pytest

from tests.pages.autodiff_page import captions, open_page, rerun, widget

PREFIX = "**Describe this figure:** "


@pytest.fixture
def page():
    return open_page()


def _descriptions(app) -> list[str]:
    return [c.removeprefix(PREFIX) for c in captions(app) if c.startswith(PREFIX)]


def _set(app, **values):
    for key, value in values.items():
        widget(app, f"ad.{key}").set_value(value)
    return rerun(app)


def test_every_figure_has_a_description(page):
    figures = len(page.get("plotly_chart")) + len(page.get("graphviz_chart"))
    descriptions = _descriptions(page)
    assert figures == 9 and len(descriptions) == figures
    text = "\n".join(descriptions)
    assert ("The curve of f(x) = x**3 - 2*x + 1 for x from -0.5 to 3.5" in text
            and "the tangent there, a straight line with slope 4.75" in text)
    assert "Inputs: w1 = x1 (value 2, tangent 1); w2 = x2 (value 3, tangent 0)" in text
    assert "w5 = w3 + w4 (value 6.9093, adjoint 1)" in text
    assert "Log-log plot of the absolute error of the derivative of f(x) = x**3 at x = 1" in text
    assert "Iterates: x₀ = 3; x₁ = 2.36." in text
    assert "after 3 of 3 forward sweeps (one column each)" in text
    assert "Log-likelihood per point ℓ/N against the iteration: EM from" in text
    assert "500 data points (x1 across, x2 up)" in text


def test_descriptions_follow_the_state(page):
    _set(page, poly_formula="abs(x)", poly_a=0.0, jac_forward=1)
    text = "\n".join(_descriptions(page))
    assert ("f has a kink there: the figure draws two half-lines, to the left with slope -1 "
            "and to the right with slope 1.") in text
    assert "after 1 of 3 forward sweeps (one column each)" in text
    assert "4 entries are not computed yet (shown as ?)." in text
    for _ in range(2):
        widget(page, "ad.newton_step").click()
        rerun(page)
    assert "Iterates: x₀ = 3; x₁ = 2.36; x₂ = 2.12719678; x₃ = 2.095136037." in \
        "\n".join(_descriptions(page))
