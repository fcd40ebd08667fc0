"""AppTest checks of the automatic-differentiation page: every control changes what is shown, and
bad input gives a message, never an exception.
"""

import base64
import json
import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gmm_core.autodiff.rules import barred, dotted
from tests.conftest import APP_TEST_TIMEOUT_S, REPO_ROOT

PAGE = "pages/6_Automatic_differentiation.py"


@pytest.fixture
def page() -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / PAGE), default_timeout=APP_TEST_TIMEOUT_S)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _rerun(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _by_key(elements, key):
    (element,) = [e for e in elements if e.key == key]
    return element


def _chart(app: AppTest, key: str) -> dict:
    (chart,) = [c for c in app.get("plotly_chart") if c.proto.id and key in c.proto.id]
    return json.loads(chart.proto.spec)


def _numbers(field) -> np.ndarray:
    """A Plotly data array from the figure JSON (numpy arrays travel base64-encoded)."""
    if isinstance(field, dict) and "bdata" in field:
        return np.frombuffer(base64.b64decode(field["bdata"]), dtype=field["dtype"])
    return np.asarray(field, dtype=float)


def _latex(app: AppTest) -> str:
    return "\n".join(element.value for element in app.latex)


def _markdown(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


def _table(app: AppTest, column: str):
    """The one dataframe on the page that has ``column``."""
    (table,) = [frame.value for frame in app.dataframe if column in frame.value.columns]
    return table


def _errors(app: AppTest) -> list[str]:
    return [element.value for element in app.error]


def test_the_page_shows_seven_sections_without_errors(page):
    assert [title.value for title in page.title] == ["Automatic differentiation"]
    labels = [tab.label for tab in page.tabs]
    assert labels == ["1 · Dual numbers", "2 · Forward mode", "3 · Reverse mode",
                      "4 · Finite differences", "5 · Newton's method", "6 · Jacobians",
                      "7 · Gradient ascent vs EM"]
    assert not _errors(page) and not page.warning
    assert len(page.get("graphviz_chart")) == 2
    assert len(page.get("plotly_chart")) == 7


# -- 1. dual numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "expected"), [
    ("+", r"= 5 + 1\,\varepsilon"), ("−", r"= 1 + 1\,\varepsilon"),
    ("×", r"= 6 + 2\,\varepsilon"), ("÷", r"= 1.5 + 0.5\,\varepsilon"),
    ("power", r"= 9 + 6\,\varepsilon"),
])
def test_the_dual_calculator_applies_each_operation(page, operation, expected):
    _by_key(page.selectbox, "ad.calc_op").select(operation)
    _rerun(page)
    assert expected in _latex(page)


def test_the_calculator_inputs_feed_the_result(page):
    _by_key(page.number_input, "ad.calc_a").set_value(4.0)
    _by_key(page.number_input, "ad.calc_b").set_value(2.0)
    _by_key(page.number_input, "ad.calc_c").set_value(5.0)
    _by_key(page.number_input, "ad.calc_d").set_value(1.0)
    _rerun(page)
    assert r"= 20 + 14\,\varepsilon" in _latex(page)  # (4 + 2ε)(5 + ε) = 20 + 14ε


def test_the_calculator_raises_negative_numbers_to_plain_powers(page):
    _by_key(page.selectbox, "ad.calc_op").select("power")
    _by_key(page.number_input, "ad.calc_a").set_value(-2.0)
    _by_key(page.number_input, "ad.calc_c").set_value(3.0)
    _rerun(page)
    assert r"= -8 + 12\,\varepsilon" in _latex(page)  # d = 0: (-2 + ε)³ = -8 + 12ε
    _by_key(page.number_input, "ad.calc_d").set_value(1.0)
    _rerun(page)
    assert any("not a real number" in w.value for w in page.warning)  # needs log(-2)


def test_the_calculator_warns_instead_of_dividing_by_zero(page):
    _by_key(page.selectbox, "ad.calc_op").select("÷")
    _by_key(page.number_input, "ad.calc_c").set_value(0.0)
    _rerun(page)
    assert any("not a real number" in w.value for w in page.warning)


def test_a_function_on_a_dual_number_gives_value_and_slope(page):
    _by_key(page.text_input, "ad.poly_formula").set_value("x**2 + sin(x)")
    _by_key(page.number_input, "ad.poly_a").set_value(0.0)
    _rerun(page)
    assert r"f(0 + \varepsilon) = 0 + 1\,\varepsilon" in _latex(page)
    tangent = _chart(page, "ad.tangent_chart")
    assert "slope f′(a) = 1" in tangent["data"][1]["name"]
    table = _table(page, "ε part f′(a)")
    assert list(table["function"])[:2] == ["sin(a + ε)", "cos(a + ε)"]
    assert list(table["ε part f′(a)"])[:2] == ["1", "0"]  # cos'(0) = 1, -sin(0) = 0
    assert table["value f(a)"][4] == "undefined"  # log(0)


def test_a_refused_formula_shows_an_error_and_the_rest_still_works(page):
    _by_key(page.text_input, "ad.poly_formula").set_value("__import__('os')")
    _rerun(page)
    assert any("cannot appear in a formula" in message for message in _errors(page))
    assert len(page.get("graphviz_chart")) == 2  # the other sections are unaffected


# -- 2. and 3. forward and reverse mode -----------------------------------------------------------


def test_forward_mode_of_the_lecture_example(page):
    latex = _latex(page)
    assert r"w_{1} &= x_{1}\cdot x_{2} = \mathbf{6}" in latex
    assert r"\dot{w}_{2} &= \cos(x_{1})\cdot \dot{x}_{1} = \mathbf{-0.416147}" in latex
    text = _markdown(page)
    assert "= 2.58385$" in text and "x_{2} + \\cos(x_{1})" in text
    dot = page.get("graphviz_chart")[0].proto.spec
    assert '"x1" -> "w1"' in dot and f"{dotted('w3')} = 2.58385" in dot
    assert "w1_dot = x2 * x1_dot + x1 * x2_dot" in page.code[0].value


def test_point_and_seed_change_the_forward_sweep(page):
    _by_key(page.number_input, "ad.x1").set_value(0.0)
    _by_key(page.number_input, "ad.x2").set_value(5.0)
    _by_key(page.number_input, "ad.seed1").set_value(0.0)
    _by_key(page.number_input, "ad.seed2").set_value(2.0)
    _rerun(page)
    # f = x1·x2 + sin x1 at (0, 5) along (0, 2): ∂f/∂x2 · 2 = x1 · 2 = 0
    assert r"\dot f = \nabla f\cdot\dot x = 0$" in _markdown(page)
    assert r"\dot{x}_{2} &= 2" in _latex(page)


def test_reverse_mode_gives_the_whole_gradient(page):
    latex = _latex(page)
    assert r"\bar{x}_{1} &= \bar{w}_{2}\cdot \cos(x_{1}) + \bar{w}_{1}\cdot x_{2} = " \
           r"\mathbf{2.58385}" in latex
    assert "(2.58385,\\ 2)" in _markdown(page)
    dot = page.get("graphviz_chart")[1].proto.spec
    assert "∂ 3" in dot and f"{barred('x2')} = 2" in dot
    assert "x1_bar = w2_bar * cos(x1) + w1_bar * x2" in page.code[1].value


def test_a_new_formula_reaches_both_modes(page):
    _by_key(page.text_input, "ad.formula").set_value("exp(x1) * x2**2")
    _rerun(page)
    latex = _latex(page)
    assert r"w_{1} &= \exp(x_{1})" in latex and r"\bar{x}_{2}" in latex
    assert not _errors(page)


@pytest.mark.parametrize(("formula", "fragment"), [
    ("x1^2", "write x**2"),
    ("y * x1", "Unknown name 'y'"),
    ("", "empty"),
    ("9**9**9**9", "387420489"),
])
def test_refused_formulas_in_forward_mode(page, formula, fragment):
    _by_key(page.text_input, "ad.formula").set_value(formula)
    _rerun(page)
    assert any(fragment in message for message in _errors(page))
    assert any("Forward mode tab first" in w.value for w in page.warning)


def test_evaluation_trouble_is_reported(page):
    _by_key(page.text_input, "ad.formula").set_value("log(x1 - 2) + x2")
    _rerun(page)
    assert any("log of a number that is not positive" in m for m in _errors(page))


# -- 4. finite differences ----------------------------------------------------------------------


def test_the_finite_difference_chart_and_its_inputs(page):
    figure = _chart(page, "ad.fd_chart")
    names = [trace["name"] for trace in figure["data"]]
    assert names[0].startswith("forward difference") and names[1].startswith("central")
    assert "error 0" in names[2]
    assert figure["layout"]["xaxis"]["type"] == "log"
    _by_key(page.text_input, "ad.fd_formula").set_value("sin(x)")
    _by_key(page.number_input, "ad.fd_x").set_value(0.5)
    _rerun(page)
    figure = _chart(page, "ad.fd_chart")
    assert "sin(x) at x = 0.5" in figure["layout"]["title"]["text"]
    exact = [m for m in page.metric if m.label == "exact f′(x)"][0]
    assert exact.value == f"{math.cos(0.5):.6g}"


def test_finite_differences_refuse_a_bad_point(page):
    _by_key(page.text_input, "ad.fd_formula").set_value("log(x)")
    _by_key(page.number_input, "ad.fd_x").set_value(-1.0)
    _rerun(page)
    assert any("log of a number that is not positive" in m for m in _errors(page))


# -- 5. Newton ----------------------------------------------------------------------------------


def test_newton_steps_and_start_over(page):
    assert list(_table(page, "xₙ")["xₙ"]) == ["3", "2.36"]  # x₀ and the x₁ it leads to
    for _ in range(5):
        _by_key(page.button, "ad.newton_step").click()
        _rerun(page)
    table = _table(page, "xₙ")
    assert len(table) >= 5
    assert float(table["xₙ"].iloc[-1]) == pytest.approx(2.0945514815423265, rel=1e-9)
    figure = _chart(page, "ad.newton_chart")
    assert sum(trace.get("name") == "tangent line (slope from ε)" for trace in figure["data"]) \
        >= 4
    _by_key(page.button, "ad.newton_reset").click()
    _rerun(page)
    assert len(_table(page, "xₙ")) == 2


def test_newton_converges_and_says_so(page):
    _by_key(page.text_input, "ad.newton_formula").set_value("x**2 - 4")
    _by_key(page.number_input, "ad.newton_x0").set_value(3.0)
    _rerun(page)
    for _ in range(8):
        _by_key(page.button, "ad.newton_step").click()
        _rerun(page)
    assert any("converged" in s.value for s in page.success)


def test_newton_reports_a_flat_tangent(page):
    _by_key(page.text_input, "ad.newton_formula").set_value("x**2 + 1")
    _by_key(page.number_input, "ad.newton_x0").set_value(0.0)
    _rerun(page)
    assert any("horizontal" in w.value for w in page.warning)


# -- 6. Jacobians -------------------------------------------------------------------------------


def test_jacobian_sweeps_fill_columns_and_rows(page):
    forward = _chart(page, "ad.jac_forward_chart")
    assert forward["layout"]["title"]["text"] == "Forward mode: 3 of 3 sweeps"
    _by_key(page.slider, "ad.jac_forward").set_value(1)
    _by_key(page.slider, "ad.jac_reverse").set_value(1)
    _rerun(page)
    forward = _chart(page, "ad.jac_forward_chart")
    reverse = _chart(page, "ad.jac_reverse_chart")
    forward_text = forward["data"][0]["text"]
    reverse_text = reverse["data"][0]["text"][::-1]  # the heatmap lists the last row first
    assert all(row[0] != "?" and row[1] == "?" for row in forward_text)
    assert all(v != "?" for v in reverse_text[0]) and all(v == "?" for v in reverse_text[1])
    counts = _table(page, "sweeps for the whole Jacobian")
    assert list(counts["sweeps for the whole Jacobian"]) == [3, 2]


def test_jacobian_inputs_components_and_point(page):
    _by_key(page.text_input, "ad.jac_inputs").set_value("a, b")
    _by_key(page.text_area, "ad.jac_formulas").set_value("a*b\na+b\na-b\nexp(a)")
    _rerun(page)
    _by_key(page.number_input, "ad.jac_point.a").set_value(2.0)
    _rerun(page)
    forward = _chart(page, "ad.jac_forward_chart")
    assert forward["data"][0]["x"] == ["a", "b"]
    assert forward["data"][0]["y"] == ["F4", "F3", "F2", "F1"]
    assert forward["data"][0]["text"][-1] == ["1.5", "2"]  # ∂(ab) = (b, a) at (2, 1.5)
    assert "**forward mode** needs fewer sweeps" in _markdown(page)


def test_jacobian_bad_components_are_reported(page):
    _by_key(page.text_area, "ad.jac_formulas").set_value("x1\nopen(x2)")
    _rerun(page)
    assert any(m.startswith("Component F2: Unknown function 'open'") for m in _errors(page))
    _by_key(page.text_area, "ad.jac_formulas").set_value("  \n ")
    _rerun(page)
    assert any("at least one component" in m for m in _errors(page))
    _by_key(page.text_input, "ad.jac_inputs").set_value("x1, 2y")
    _rerun(page)
    assert any(m.startswith("'2y' cannot be a variable name") for m in _errors(page))


# -- 7. gradient ascent against EM --------------------------------------------------------------


def test_the_three_gradients_agree_on_the_page(page):
    table = _table(page, "reverse AD (one sweep)")
    assert len(table) == 3
    for _, row in table.iterrows():
        assert row["forward AD (vector duals)"][:12] == row["closed form Σᵢ rᵢₖ Σₖ⁻¹(xᵢ − μₖ)"][:12]
    race = _chart(page, "ad.em_race_chart")
    assert [trace["name"] for trace in race["data"]] == ["EM", "gradient ascent (η = 10)"]
    em_curve, ascent_curve = (_numbers(trace["y"]) for trace in race["data"])
    assert len(em_curve) == len(ascent_curve) == 31  # start + 30 iterations each
    assert em_curve[-1] >= em_curve[0] and ascent_curve[-1] > ascent_curve[0]


@pytest.mark.parametrize(("key", "value"), [
    ("ad.em_data", "faithful"), ("ad.em_k", 2), ("ad.em_cov", "full"), ("ad.em_seed", 3),
    ("ad.em_rate", 0.3), ("ad.em_iterations", 10), ("ad.em_means_only", False),
])
def test_every_section_7_control_changes_the_race(page, key, value):
    before = _chart(page, "ad.em_race_chart")
    before_paths = _chart(page, "ad.em_paths_chart")
    widgets = [w for kind in ("selectbox", "slider", "number_input", "checkbox", "select_slider")
               for w in page.get(kind) if w.key == key]
    (widget,) = widgets
    widget.set_value(value)
    _rerun(page)
    after = _chart(page, "ad.em_race_chart")
    after_paths = _chart(page, "ad.em_paths_chart")
    assert (before, before_paths) != (after, after_paths)
    assert not _errors(page)


def test_a_huge_learning_rate_gives_a_warning_not_a_crash(page):
    (rate,) = [w for w in page.get("select_slider") if w.key == "ad.em_rate"]
    rate.set_value(300.0)
    _by_key(page.selectbox, "ad.em_cov").select("full")
    _rerun(page)
    assert not _errors(page)


def test_a_long_symbolic_derivative_is_counted_not_printed(page):
    # expression swell: the derivative in x2 is much longer than the formula
    _by_key(page.text_input, "ad.formula").set_value("exp(sin(x1*x2))**3/(1 + x2**2)**2")
    _rerun(page)
    assert "a formula of" in _markdown(page) and "characters" in _markdown(page)
    assert not _errors(page)
