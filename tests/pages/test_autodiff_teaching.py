"""The automatic-differentiation page says true things in every state (issue #12): kinks are not
derivatives, errors are not values, the trace is numbered as in the lecture, both ways of getting
the dual program are shown, reverse mode's memory is counted, one notation with a glossary."""

import pytest

from tests.pages.autodiff_page import (
    captions,
    chart,
    infos,
    latex,
    markdown,
    open_page,
    rerun,
    table,
    tables_with,
    warnings,
    widget,
)


@pytest.fixture
def page():
    return open_page()


def _set(app, **values):
    for key, value in values.items():
        widget(app, f"ad.{key}").set_value(value)
    return rerun(app)


def _all_text(app) -> str:
    return "\n".join([markdown(app), latex(app), *warnings(app), *infos(app), *captions(app)])


# -- abs(x) at 0: not differentiable, said in every tab that differentiates -----------------------


def test_dual_numbers_tab_says_abs_has_no_derivative_at_zero(page):
    _set(page, poly_formula="abs(x)", poly_a=0.0)
    assert any(w.startswith("f is not differentiable at x = 0: the evaluation passes through "
                            "abs(x) at x = 0 (step w2), where abs has a corner. The slope of f "
                            "is -1 to the left and 1 to the right. AD reports 0 because")
               for w in warnings(page))
    assert r"\text{but the }\varepsilon\text{ part is not } f'(0)" in latex(page)
    assert "f'(0) = 0" not in latex(page)
    names = [trace["name"] for trace in chart(page, "ad.tangent_chart")["data"]]
    assert "slope from the left: -1" in names and "slope from the right: 1" in names
    assert not any(name.startswith("tangent: slope") for name in names)  # no flat tangent
    elementary = table(page, "ε part f′(a)")
    assert elementary.set_index("function")["ε part f′(a)"]["abs(a + ε)"] == \
        "none at 0: abs has a corner"


def test_dual_numbers_tab_keeps_a_derivative_that_exists_through_a_kink(page):
    _set(page, poly_formula="abs(x)**2", poly_a=0.0)
    assert "f'(0) = 0" in latex(page)
    assert any(i.startswith("f is differentiable at x = 0 although the evaluation passes "
                            "through abs(x)") for i in infos(page))
    assert not warnings(page)


def test_dual_numbers_tab_explains_sqrt_at_zero(page):
    _set(page, poly_formula="sqrt(x)", poly_a=0.0)
    assert any("undefined to the left (no values there) and +∞ to the right (a vertical "
               "tangent)" in w for w in warnings(page))


def test_finite_differences_tab_agrees_that_abs_has_no_derivative_at_zero(page):
    _set(page, fd_formula="abs(x)", fd_x=0.0)
    assert any(w.startswith("f is not differentiable at x = 0") for w in warnings(page))
    quotients = table(page, "step h")
    assert set(quotients["forward (f(x+h) − f(x))/h: slope to the right"]) == {"1"}
    assert set(quotients["backward (f(x) − f(x−h))/h: slope to the left"]) == {"-1"}
    assert set(quotients["central (f(x+h) − f(x−h))/2h: their average"]) == {"0"}
    assert not [c for c in page.get("plotly_chart") if "ad.fd_chart" in c.proto.id]


def test_finite_differences_through_a_harmless_kink_measure_against_the_common_slope(page):
    _set(page, fd_formula="abs(x)**2", fd_x=0.0)
    (exact,) = [m for m in page.metric if m.label == "exact f′(x)"]
    assert exact.value == "0"
    assert any(i.startswith("f is differentiable at x = 0") for i in infos(page))


def test_newton_stops_at_a_kink_instead_of_calling_the_tangent_flat(page):
    _set(page, newton_formula="abs(x) - 1", newton_x0=0.0)
    messages = warnings(page)
    assert any(w.startswith("f is not differentiable at x = 0") and "Newton's method follows "
               "the tangent, and f has none here" in w for w in messages)
    assert not any("horizontal" in w for w in messages)


def test_forward_and_reverse_tabs_on_the_issue_example(page):
    # abs(x1)*x2 at x1 = 0 used to say "the symbolic derivative is too large to compare"
    _set(page, formula="abs(x1)*x2", x1=0.0)
    text = _all_text(page)
    assert "too large to compare" not in text
    messages = warnings(page)
    undefined = [w for w in messages if w.startswith("The symbolic formula for ∂f/∂x1 is "
                                                     "undefined at this point: Division by zero "
                                                     "in 'x1 / abs(x1)'")]
    assert len(undefined) == 2  # once in each tab
    missing = [w for w in messages if w.startswith("∂f/∂x1 does not exist at this point")]
    assert len(missing) == 2 and all("-3 to the left and 3 to the right" in w for w in missing)
    assert any(i.startswith("∂f/∂x2 exists at this point") for i in infos(page))


def test_jacobian_tab_names_the_component_with_a_kink(page):
    _set(page, jac_formulas="abs(x1)*x2\nx1**2 - x2*x3")
    widget(page, "ad.jac_point.x1").set_value(0.0)
    rerun(page)
    assert any(w.startswith("∂F1/∂x1 does not exist at this point") for w in warnings(page))


# -- labels: values, absolute errors and relative errors are told apart ----------------------------


def test_finite_difference_labels_tell_values_from_errors(page):
    labels = [metric.label for metric in page.metric if "f′(x)" in metric.label]
    assert labels == ["exact f′(x)", "AD f′(x) (dual numbers)"]  # values only
    errors = table(page, "absolute error |value − exact f′(x)|")
    assert list(errors.columns) == [
        "method", "value: its f′(x)", "absolute error |value − exact f′(x)|",
        "relative error (absolute error / |exact f′(x)|)", "best step h"]
    rows = errors.set_index("method")
    assert rows.loc["AD (dual numbers)", "absolute error |value − exact f′(x)|"] == "0"
    central = rows.loc["central difference (f(x+h) − f(x−h))/2h"]
    assert float(central["value: its f′(x)"]) == pytest.approx(3.0, rel=1e-8)  # f = x³ at 1
    assert 0 < float(central["relative error (absolute error / |exact f′(x)|)"]) < 1e-8


def test_machine_epsilon_is_not_the_epsilon_of_dual_numbers(page):
    text = markdown(page)
    assert "\\varepsilon_{\\text{mach}}" in text
    assert "not the $\\varepsilon$ of dual numbers" in text
    figure = chart(page, "ad.fd_chart")
    assert {a["text"] for a in figure["layout"]["annotations"]} == {"h = √ε_mach", "h = ∛ε_mach"}


# -- the lecture's trace, source transformation and operator overloading, memory -------------------


def test_source_transformation_and_operator_overloading_side_by_side(page):
    overloading = [c.value for c in page.code if "def f(x1, x2):" in c.value]
    assert overloading and "result = f(Dual(2, 1), Dual(3, 0))" in overloading[0]
    assert "return x1 * x2 + sin(x1)" in overloading[0]
    transformed = [c.value for c in page.code if "def f_forward(" in c.value]
    assert transformed and "w3 = x1 * x2\n    w3_dot = x2 * x1_dot + x1 * x2_dot" in \
        transformed[0]
    comparison = table(page, "source transformation").set_index("aspect")
    assert list(comparison.index) == ["how", "advantages", "costs"]
    assert "source code swell" in comparison.loc["costs", "source transformation"]
    assert "the trace's 3 lines become 6" in comparison.loc["costs", "source transformation"]
    assert "no change to your code" in \
        comparison.loc["advantages", "operator overloading (this page's Dual)"]
    assert "slower" in comparison.loc["costs", "operator overloading (this page's Dual)"]


def test_reverse_mode_memory_is_counted_for_the_current_function(page):
    def metrics():
        return {m.label: m.value for m in page.metric if "mode:" in m.label}

    assert metrics() == {"reverse mode: values kept on the tape": "5",
                         "forward mode: most (value, tangent) pairs alive at once": "3"}
    assert "so the tape keeps all 5 values $w_1, \\dots, w_{5}$" in markdown(page)
    _set(page, formula="sin(sin(sin(sin(sin(x1))))) + x2")
    assert metrics() == {"reverse mode: values kept on the tape": "8",
                         "forward mode: most (value, tangent) pairs alive at once": "3"}


# -- one notation, defined where first used, and the glossary --------------------------------------


def test_the_mixture_tab_defines_its_symbols_in_the_apps_notation(page):
    text = markdown(page)
    for symbol in ("$x_i$ ($i = 1, \\dots, N$)", "$D = 2$", "$k = 1, \\dots, K$",
                   "weights $\\pi_k$", "means $\\mu_k$", "covariances $\\Sigma_k$",
                   "$\\mathcal N(x \\mid \\mu, \\Sigma)$ is the Gaussian density",
                   "**responsibilities** $r_{ik}", "**soft counts** $N_k = \\sum_i r_{ik}$",
                   "$\\eta$ the learning rate"):
        assert symbol in text, symbol
    assert "Reverse mode's tape for this gradient recorded" in text


def test_the_glossary_maps_the_reference_notations_to_the_page(page):
    ad_notation, mixture = tables_with(page, "lecture notes")
    assert "d, with d² = 0" in set(ad_notation["lecture notes"])
    assert "ε, with ε² = 0" in set(ad_notation["this page"])
    rows = mixture.set_index("this page")
    assert rows.loc["r_ik", "tutorial"] == "r_ic" and rows.loc["r_ik", "textbook"] == "w_j⁽ⁱ⁾"
    assert rows.loc["πₖ", "textbook"] == "ϕ⁽ᵏ⁾" and rows.loc["N_k = Σᵢ r_ik", "tutorial"] == "m_c"
    assert rows.loc["component k = 1 … K", "tutorial"] == "c"
    assert rows.loc["xᵢ, i = 1 … N", "textbook"] == "x⁽ⁱ⁾"


def test_the_calculator_names_the_true_cause(page):
    _set(page, calc_op="power", calc_a=10.0, calc_c=400.0)
    assert any("overflowed" in w for w in warnings(page))
    _set(page, calc_op="÷", calc_c=0.0)
    assert any("a division by zero (c = 0)" in w for w in warnings(page))
