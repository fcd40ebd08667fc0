"""AppTest checks of the automatic-differentiation page: every control changes what is shown, and
bad input gives a message, never an exception.
"""

import math

import pytest

from gmm_core.autodiff.rules import barred, dotted
from tests.pages.autodiff_page import (
    by_key,
    chart,
    errors,
    latex,
    markdown,
    numbers,
    open_page,
    rerun,
    table,
    warnings,
)


@pytest.fixture
def page():
    return open_page()


def test_the_page_shows_seven_sections_without_errors(page):
    assert [title.value for title in page.title] == ["Automatic differentiation"]
    labels = [tab.label for tab in page.tabs]
    assert labels == ["1 · Dual numbers", "2 · Forward mode", "3 · Reverse mode",
                      "4 · Finite differences", "5 · Newton's method", "6 · Jacobians",
                      "7 · Gradient ascent vs EM"]
    assert not errors(page) and not page.warning
    assert len(page.get("graphviz_chart")) == 2
    assert len(page.get("plotly_chart")) == 7


# -- 1. dual numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "expected"), [
    ("+", r"= 5 + 1\,\varepsilon"), ("−", r"= 1 + 1\,\varepsilon"),
    ("×", r"= 6 + 2\,\varepsilon"), ("÷", r"= 1.5 + 0.5\,\varepsilon"),
    ("power", r"= 9 + 6\,\varepsilon"),
])
def test_the_dual_calculator_applies_each_operation(page, operation, expected):
    by_key(page.selectbox, "ad.calc_op").select(operation)
    rerun(page)
    assert expected in latex(page)


def test_the_calculator_inputs_feed_the_result(page):
    by_key(page.number_input, "ad.calc_a").set_value(4.0)
    by_key(page.number_input, "ad.calc_b").set_value(2.0)
    by_key(page.number_input, "ad.calc_c").set_value(5.0)
    by_key(page.number_input, "ad.calc_d").set_value(1.0)
    rerun(page)
    assert r"= 20 + 14\,\varepsilon" in latex(page)  # (4 + 2ε)(5 + ε) = 20 + 14ε


def test_the_calculator_raises_negative_numbers_to_plain_powers(page):
    by_key(page.selectbox, "ad.calc_op").select("power")
    by_key(page.number_input, "ad.calc_a").set_value(-2.0)
    by_key(page.number_input, "ad.calc_c").set_value(3.0)
    rerun(page)
    assert r"= -8 + 12\,\varepsilon" in latex(page)  # d = 0: (-2 + ε)³ = -8 + 12ε
    by_key(page.number_input, "ad.calc_d").set_value(1.0)
    rerun(page)
    assert any("not a real number" in w for w in warnings(page))  # needs log(-2)


@pytest.mark.parametrize(("inputs", "warning"), [
    # the calculator asked to divide by zero
    ((("selectbox", "ad.calc_op", "÷"), ("number_input", "ad.calc_c", 0.0)),
     "not a real number"),
    # Newton's method where the tangent is flat
    ((("text_input", "ad.newton_formula", "x**2 + 1"), ("number_input", "ad.newton_x0", 0.0)),
     "horizontal"),
], ids=["calculator-divides-by-zero", "newton-flat-tangent"])
def test_an_impossible_step_gets_a_warning(page, inputs, warning):
    for kind, key, value in inputs:
        by_key(getattr(page, kind), key).set_value(value)
    rerun(page)
    assert any(warning in w for w in warnings(page))


def test_a_function_on_a_dual_number_gives_value_and_slope(page):
    by_key(page.text_input, "ad.poly_formula").set_value("x**2 + sin(x)")
    by_key(page.number_input, "ad.poly_a").set_value(0.0)
    rerun(page)
    assert r"f(0 + \varepsilon) = 0 + 1\,\varepsilon" in latex(page)
    tangent = chart(page, "ad.tangent_chart")
    assert "slope f′(a) = 1" in tangent["data"][1]["name"]
    found = table(page, "ε part f′(a)")
    assert list(found["function"])[:2] == ["sin(a + ε)", "cos(a + ε)"]
    assert list(found["ε part f′(a)"])[:2] == ["1", "0"]  # cos'(0) = 1, -sin(0) = 0
    assert found["value f(a)"][4] == "undefined"  # log(0)


def test_a_refused_formula_shows_an_error_and_the_rest_still_works(page):
    by_key(page.text_input, "ad.poly_formula").set_value("__import__('os')")
    rerun(page)
    assert any("cannot appear in a formula" in message for message in errors(page))
    assert len(page.get("graphviz_chart")) == 2  # the other sections are unaffected


# -- 2. and 3. forward and reverse mode -----------------------------------------------------------


def _code(app, fragment: str) -> str:
    """The one code block that contains ``fragment``."""
    (block,) = [c.value for c in app.code if fragment in c.value]
    return block


def test_forward_mode_of_the_lecture_example(page):
    latex_text = latex(page)
    # numbered as in the lecture: w1 = x1, w2 = x2, w3 = w1 w2, w4 = sin(w1), w5 = w3 + w4
    assert r"w_{1} &= x_{1} = 2 &\qquad \dot{w}_{1} &= \dot{x}_{1} = 1" in latex_text
    assert r"w_{3} &= w_{1}\cdot w_{2} = \mathbf{6}" in latex_text
    assert r"\dot{w}_{4} &= \cos(w_{1})\cdot \dot{w}_{1} = \mathbf{-0.416147}" in latex_text
    text = markdown(page)
    assert "= 2.58385$" in text and "x_{2} + \\cos(x_{1})" in text
    dot = page.get("graphviz_chart")[0].proto.spec
    assert '"x1" -> "w3"' in dot and f"{dotted('w5')} = 2.58385" in dot
    assert "<B>w1</B> = x1" in dot
    assert "w3_dot = x2 * x1_dot + x1 * x2_dot" in _code(page, "def f_forward")


def test_point_and_seed_change_the_forward_sweep(page):
    by_key(page.number_input, "ad.x1").set_value(0.0)
    by_key(page.number_input, "ad.x2").set_value(5.0)
    by_key(page.number_input, "ad.seed1").set_value(0.0)
    by_key(page.number_input, "ad.seed2").set_value(2.0)
    rerun(page)
    # f = x1·x2 + sin x1 at (0, 5) along (0, 2): ∂f/∂x2 · 2 = x1 · 2 = 0
    assert r"\dot f = \nabla f\cdot\dot x = 0$" in markdown(page)
    assert r"\dot{w}_{2} &= \dot{x}_{2} = 2" in latex(page)


def test_reverse_mode_gives_the_whole_gradient(page):
    latex_text = latex(page)
    assert (r"\bar{w}_{1} &= \bar{w}_{4}\cdot \cos(w_{1}) + \bar{w}_{3}\cdot w_{2} = "
            r"\mathbf{2.58385} = \partial f / \partial x_{1}") in latex_text
    assert "(2.58385,\\ 2)" in markdown(page)
    dot = page.get("graphviz_chart")[1].proto.spec
    assert "∂ 3" in dot and f"{barred('w2')} = 2" in dot
    assert "x1_bar = w4_bar * cos(x1) + w3_bar * x2" in _code(page, "def f_reverse")


def test_a_new_formula_reaches_both_modes(page):
    by_key(page.text_input, "ad.formula").set_value("exp(x1) * x2**2")
    rerun(page)
    latex_text = latex(page)
    assert r"w_{3} &= \exp(w_{1})" in latex_text and r"\bar{w}_{2}" in latex_text
    assert not errors(page)


@pytest.mark.parametrize(("formula", "fragment"), [
    ("x1^2", "write x**2"),
    ("y * x1", "Unknown name 'y'"),
    ("", "empty"),
    ("9**9**9**9", "387420489"),
])
def test_refused_formulas_in_forward_mode(page, formula, fragment):
    by_key(page.text_input, "ad.formula").set_value(formula)
    rerun(page)
    assert any(fragment in message for message in errors(page))
    assert any("Forward mode tab first" in w for w in warnings(page))


def test_evaluation_trouble_is_reported(page):
    by_key(page.text_input, "ad.formula").set_value("log(x1 - 2) + x2")
    rerun(page)
    assert any("log of a number that is not positive" in m for m in errors(page))


# -- 4. finite differences ----------------------------------------------------------------------


def test_the_finite_difference_chart_and_its_inputs(page):
    figure = chart(page, "ad.fd_chart")
    names = [trace["name"] for trace in figure["data"]]
    assert names[0].startswith("forward difference") and names[1].startswith("central")
    assert "error 0" in names[2]
    assert figure["layout"]["xaxis"]["type"] == "log"
    by_key(page.text_input, "ad.fd_formula").set_value("sin(x)")
    by_key(page.number_input, "ad.fd_x").set_value(0.5)
    rerun(page)
    figure = chart(page, "ad.fd_chart")
    assert "sin(x) at x = 0.5" in figure["layout"]["title"]["text"]
    exact = [m for m in page.metric if m.label == "exact f′(x)"][0]
    assert exact.value == f"{math.cos(0.5):.6g}"


def test_finite_differences_refuse_a_bad_point(page):
    by_key(page.text_input, "ad.fd_formula").set_value("log(x)")
    by_key(page.number_input, "ad.fd_x").set_value(-1.0)
    rerun(page)
    assert any("log of a number that is not positive" in m for m in errors(page))


# -- 5. Newton ----------------------------------------------------------------------------------


def test_newton_steps_and_start_over(page):
    assert list(table(page, "xₙ")["xₙ"]) == ["3", "2.36"]  # x₀ and the x₁ it leads to
    for _ in range(5):
        by_key(page.button, "ad.newton_step").click()
        rerun(page)
    found = table(page, "xₙ")
    assert len(found) >= 5
    assert float(found["xₙ"].iloc[-1]) == pytest.approx(2.0945514815423265, rel=1e-9)
    figure = chart(page, "ad.newton_chart")
    assert sum(trace.get("name") == "tangent line (slope from ε)" for trace in figure["data"]) \
        >= 4
    by_key(page.button, "ad.newton_reset").click()
    rerun(page)
    assert len(table(page, "xₙ")) == 2


def test_newton_converges_and_says_so(page):
    by_key(page.text_input, "ad.newton_formula").set_value("x**2 - 4")
    by_key(page.number_input, "ad.newton_x0").set_value(3.0)
    rerun(page)
    for _ in range(8):
        by_key(page.button, "ad.newton_step").click()
        rerun(page)
    assert any("converged" in s.value for s in page.success)




# -- 6. Jacobians -------------------------------------------------------------------------------


def test_jacobian_sweeps_fill_columns_and_rows(page):
    forward = chart(page, "ad.jac_forward_chart")
    assert forward["layout"]["title"]["text"] == "Forward mode: 3 of 3 sweeps"
    by_key(page.slider, "ad.jac_forward").set_value(1)
    by_key(page.slider, "ad.jac_reverse").set_value(1)
    rerun(page)
    forward = chart(page, "ad.jac_forward_chart")
    reverse = chart(page, "ad.jac_reverse_chart")
    forward_text = forward["data"][0]["text"]
    reverse_text = reverse["data"][0]["text"][::-1]  # the heatmap lists the last row first
    assert all(row[0] != "?" and row[1] == "?" for row in forward_text)
    assert all(v != "?" for v in reverse_text[0]) and all(v == "?" for v in reverse_text[1])
    counts = table(page, "sweeps for the whole Jacobian")
    assert list(counts["sweeps for the whole Jacobian"]) == ["3", "2"]  # as shown


def test_jacobian_inputs_components_and_point(page):
    by_key(page.text_input, "ad.jac_inputs").set_value("a, b")
    by_key(page.text_area, "ad.jac_formulas").set_value("a*b\na+b\na-b\nexp(a)")
    rerun(page)
    by_key(page.number_input, "ad.jac_point.a").set_value(2.0)
    rerun(page)
    forward = chart(page, "ad.jac_forward_chart")
    assert forward["data"][0]["x"] == ["a", "b"]
    assert forward["data"][0]["y"] == ["F4", "F3", "F2", "F1"]
    assert forward["data"][0]["text"][-1] == ["1.5", "2"]  # ∂(ab) = (b, a) at (2, 1.5)
    assert "**forward mode** needs fewer sweeps" in markdown(page)


def test_jacobian_bad_components_are_reported(page):
    by_key(page.text_area, "ad.jac_formulas").set_value("x1\nopen(x2)")
    rerun(page)
    assert any(m.startswith("Component F2: Unknown function 'open'") for m in errors(page))
    by_key(page.text_area, "ad.jac_formulas").set_value("  \n ")
    rerun(page)
    assert any("at least one component" in m for m in errors(page))
    by_key(page.text_input, "ad.jac_inputs").set_value("x1, 2y")
    rerun(page)
    assert any(m.startswith("'2y' cannot be a variable name") for m in errors(page))


# -- 7. gradient ascent against EM --------------------------------------------------------------


def test_the_three_gradients_agree_on_the_page(page):
    found = table(page, "reverse AD (one sweep)")
    assert len(found) == 3
    for _, row in found.iterrows():
        assert row["forward AD (vector duals)"][:12] == row["closed form Σᵢ rᵢₖ Σₖ⁻¹(xᵢ − μₖ)"][:12]
    race = chart(page, "ad.em_race_chart")
    assert [trace["name"] for trace in race["data"]] == ["EM", "gradient ascent (η = 10)"]
    em_curve, ascent_curve = (numbers(trace["y"]) for trace in race["data"])
    assert len(em_curve) == len(ascent_curve) == 31  # start + 30 iterations each
    assert em_curve[-1] >= em_curve[0] and ascent_curve[-1] > ascent_curve[0]


@pytest.mark.parametrize(("key", "value"), [
    ("ad.em_data", "faithful"), ("ad.em_k", 2), ("ad.em_cov", "full"), ("ad.em_seed", 3),
    ("ad.em_rate", 0.3), ("ad.em_iterations", 10), ("ad.em_means_only", False),
])
def test_every_section_7_control_changes_the_race(page, key, value):
    before = chart(page, "ad.em_race_chart")
    before_paths = chart(page, "ad.em_paths_chart")
    widgets = [w for kind in ("selectbox", "slider", "number_input", "checkbox", "select_slider")
               for w in page.get(kind) if w.key == key]
    (widget,) = widgets
    widget.set_value(value)
    rerun(page)
    after = chart(page, "ad.em_race_chart")
    after_paths = chart(page, "ad.em_paths_chart")
    assert (before, before_paths) != (after, after_paths)
    assert not errors(page)


def test_a_huge_learning_rate_gives_a_warning_not_a_crash(page):
    (rate,) = [w for w in page.get("select_slider") if w.key == "ad.em_rate"]
    rate.set_value(300.0)
    by_key(page.selectbox, "ad.em_cov").select("full")
    rerun(page)
    assert not errors(page)


def test_a_long_symbolic_derivative_is_counted_not_printed(page):
    # expression swell: the derivative in x2 is much longer than the formula
    by_key(page.text_input, "ad.formula").set_value("exp(sin(x1*x2))**3/(1 + x2**2)**2")
    rerun(page)
    assert "a formula of" in markdown(page) and "characters" in markdown(page)
    assert not errors(page)
