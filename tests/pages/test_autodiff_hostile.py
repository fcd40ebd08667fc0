"""Hostile input on the automatic-differentiation page (issue #17): every text box gets Markdown
links and images, HTML, LaTeX commands, Unicode minus signs and superscripts, and very long
strings; every number box gets extreme values. The page never raises, says what is wrong, and
shows none of that text as markup."""

import json
import re

import pytest

from tests.pages.autodiff_page import (
    errors,
    open_page,
    rerun,
    table,
    visible,
    warnings,
    widget,
)
from tests.ui.escape_corpus import CORPUS
from ui.autodiff import newton

TEXT_BOXES = ("poly_formula", "formula", "fd_formula", "newton_formula", "jac_inputs",
              "jac_formulas")
NUMBER_BOXES = ("calc_a", "calc_b", "calc_c", "calc_d", "poly_a", "x1", "x2", "seed1", "seed2",
                "fd_x", "newton_x0")
# Beyond the shared corpus: what students paste and what breaks arithmetic.
FORMULA_TROUBLE = (
    "−1 + x",  # a Unicode minus from a PDF
    "x² + 1", "2×x", "x⁴",
    "log(-1)", "0/0", "10**400", "x**100 * 1e308", "exp(1000)", "1e999",
    "sqrt(-x*x - 1)", "tan(pi/2) + x", "x1 / (x1 - x1)",
    "__import__('os').system('ls')", "x" * 600,
)

# Markup that must never reach a renderer unescaped.
MARKDOWN_MARKUP = (
    re.compile(r"(?<!\\)\]\((?!\))"),  # [text](url): a link or an image
    re.compile(r"(?<!\\)<(a|img|script|span|b|i)\b", re.IGNORECASE),  # HTML tags
    re.compile(r"(?<!\\)\\(href|url|def|newcommand|input|includegraphics|htmlStyle)\b"),
    re.compile(r"(?<![\\⁠])https?:(?!⁠)//", re.IGNORECASE),  # a bare URL (not broken by a joiner)
)


@pytest.fixture(scope="module")
def app():
    return open_page()


def _markdown_bodies(app) -> list[str]:
    """Every piece of Markdown the page's body sends: texts, messages, captions, labels and
    help (the sidebar's navigation links are the app's own)."""
    main = app.main
    bodies = [e.value for kind in ("markdown", "caption", "error", "warning", "info", "success")
              for e in main.get(kind)]
    for kind in ("text_input", "text_area", "number_input", "selectbox", "slider", "checkbox",
                 "button", "select_slider"):
        for element in main.get(kind):
            bodies.append(element.label)
            bodies.append(element.proto.help or "")
    metrics = main.get("metric")
    bodies += [metric.label for metric in metrics]
    bodies += [metric.proto.help or "" for metric in metrics]
    return bodies


def _plotly_texts(app) -> list[str]:
    """Titles, axis titles, tick labels and trace names of every chart."""
    texts = []
    for chart in app.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        layout = figure.get("layout", {})
        texts.append(json.dumps(layout.get("title", "")))
        for axis in ("xaxis", "yaxis"):
            texts.append(json.dumps(layout.get(axis, {}).get("title", "")))
        for trace in figure.get("data", []):
            texts.append(str(trace.get("name", "")))
            texts += [str(x) for x in trace.get("x", []) if isinstance(x, str)]
    return texts


def assert_no_foreign_markup(app) -> None:
    assert not app.exception, [e.value for e in app.exception]
    for body in _markdown_bodies(app):
        for pattern in MARKDOWN_MARKUP:
            assert not pattern.search(body), (pattern.pattern, body[:300])
    for latex in (e.value for e in app.latex):
        assert not MARKDOWN_MARKUP[2].search(latex), latex[:300]
        inner = latex.strip().removeprefix("$$").removesuffix("$$")  # st.latex's own $$ … $$
        assert "$" not in inner  # a $ would end the math and start Markdown
    for text in _plotly_texts(app):
        assert not re.search(r"<(a|img|script|span|b|i)\b", text, re.IGNORECASE), text[:300]
    for graph in app.get("graphviz_chart"):
        assert not re.search(r"<(a|img|script)\b", graph.proto.spec, re.IGNORECASE)


def _sendable(text: str) -> bool:
    """Whether a browser can send the text at all (a lone surrogate is not valid UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


HOSTILE_TEXTS = [text for text in CORPUS + FORMULA_TROUBLE if _sendable(text)]


@pytest.mark.parametrize("text", HOSTILE_TEXTS,
                         ids=[f"text{index}" for index in range(len(HOSTILE_TEXTS))])
def test_hostile_text_in_every_text_box(app, text):
    for name in TEXT_BOXES:
        widget(app, f"ad.{name}").set_value(text)
    rerun(app)
    assert_no_foreign_markup(app)
    # every refused formula says what is wrong, in a box (the empty string too)
    assert len(errors(app)) + len(warnings(app)) >= 1


def test_a_pasted_unicode_minus_and_superscript_get_a_hint(app):
    widget(app, "ad.poly_formula").set_value("−x² + 1")
    rerun(app)
    assert any("It looks like a minus sign: type the ASCII minus - instead." in e
               for e in errors(app))
    widget(app, "ad.poly_formula").set_value("x² + 1")
    rerun(app)
    assert any("For a power, write **2 (x**2, not x²)." in e for e in errors(app))


def test_a_hostile_variable_name_is_shown_as_text(app):
    widget(app, "ad.jac_inputs").set_value("[Re-login](https://evil.example/p), x")
    rerun(app)
    (message,) = [e for e in errors(app) if "cannot be a variable name" in e]
    assert message.startswith("'[Re-login](https://evil.example/p)' cannot be a variable name")
    assert_no_foreign_markup(app)


@pytest.mark.parametrize("value", [1e308, -1e308, 1.7976931348623157e308, 5e-324, 0.0, -0.0])
def test_extreme_numbers_in_every_number_box(app, value):
    widget(app, "ad.formula").set_value("x1*x2 + sin(x1)")
    widget(app, "ad.jac_inputs").set_value("x1, x2, x3")
    for name in TEXT_BOXES[:4]:
        widget(app, f"ad.{name}").set_value("x**3 - 2*x + 1" if name != "formula"
                                            else "x1*x2 + sin(x1)")
    widget(app, "ad.jac_formulas").set_value("x1*x2 + sin(x3)\nx1**2 - x2*x3")
    rerun(app)
    for name in NUMBER_BOXES:
        widget(app, f"ad.{name}").set_value(value)
    rerun(app)
    assert_no_foreign_markup(app)
    if abs(value) >= 1e308:  # x**3 overflows: said, not raised
        assert any("Overflow" in e or "overflowed" in e for e in errors(app) + warnings(app))


def test_nan_and_overflow_formulas_are_reported_with_their_cause(app):
    cases = {"log(x - x - 1)": "log of a number that is not positive",
             "x/(x - x)": "Division by zero", "exp(1000*x)": "Overflow",
             "(x - x)**(-1)": "0 to a negative power"}
    for formula, cause in cases.items():
        for name in ("poly_formula", "fd_formula", "newton_formula"):
            widget(app, f"ad.{name}").set_value(formula)
        for name in ("poly_a", "fd_x", "newton_x0"):
            widget(app, f"ad.{name}").set_value(1.0)
        rerun(app)
        messages = [visible(m) for m in errors(app) + warnings(app)]
        assert sum(cause in m for m in messages) >= 3, (formula, messages)


def test_newton_is_capped_and_says_so(app, monkeypatch):
    # x³ − 2x + 2 from 0 cycles 0 → 1 → 0 → …: Newton never converges. The page's cap is 100
    # steps; a cap of 3 reaches the same code in 3 clicks.
    monkeypatch.setattr(newton, "MAX_STEPS", 3)
    widget(app, "ad.newton_formula").set_value("x**3 - 2*x + 2")
    widget(app, "ad.newton_x0").set_value(0.0)
    rerun(app)
    for _ in range(4):  # the last click stays at the cap
        widget(app, "ad.newton_step").click()
        rerun(app)
    assert any(w.startswith("3 steps without converging") for w in warnings(app))
    assert len(table(app, "xₙ")) == 4  # x₀ … x₂ and the next iterate: 3 steps, not 4
