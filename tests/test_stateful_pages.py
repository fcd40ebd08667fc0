"""Random sequences of clicks and widget changes on every page never end in an exception.

A student clicks whatever is on screen in whatever order. For each page, a seeded random walk
opens the page, then repeatedly picks one of the controls currently on screen (buttons,
sliders, select sliders, selectboxes, multiselects, pills, toggles, checkboxes, number inputs,
text inputs, radios), gives it a random value a user could give it (or clicks it), reruns, and
checks that no exception is shown. Text inputs also receive nonsense, the error paths' input.
On a failure the message lists the actions that led there; rerun the walk with its seed.

Then, per page with an error path: bad input shows an error that says what to do, and the
rest of the session's state (the half-step, the data, the other settings) survives it.

STATEFUL_WALKS and STATEFUL_ACTIONS (environment) lengthen the walks for a soak run.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from ui import compare_controls as compare
from ui import links
from ui import selection_controls as selection

REPO_ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "em_1d": "pages/1_EM_in_1-D.py",
    "em_2d": "pages/2_EM_in_2-D.py",
    "kmeans_vs_em": "pages/3_k-means_vs_EM.py",
    "model_selection": "pages/4_Model_selection.py",
    "mixture_model": "pages/5_The_mixture_model.py",
    "autodiff": "pages/6_Automatic_differentiation.py",
}
WALKS = int(os.environ.get("STATEFUL_WALKS", "3"))
ACTIONS = int(os.environ.get("STATEFUL_ACTIONS", "8"))

# What people type into text boxes: numbers in and out of range, lists of points, formulas
# (valid, refused and hostile), and plain nonsense.
TEXTS = (
    "", " ", "0", "1", "-1", "1e-3", "1e-12", "2.5", "100", "1e400", "nan", "inf", "abc", "😀",
    "0, 0; 3, 3", "-2, 1; 0, 0; 3, -1", "1; 2; 3", "0,0;1", "1, 2, 3", "5, 999999", "x" * 300,
    "x**2 + sin(x)", "exp(x) * y", "x / 0", "x ** 1e9", "__import__('os')", "((((((x", "1/(x-x)",
    "log(-1)", "sqrt(x)", "x*y + y**2",
)


# --- picking and applying a random action ------------------------------------------------------


def _forced(widget, fill: Callable[[WidgetState], None]):
    """Make ``widget`` report a widget state as the browser would send it.

    AppTest serialises choice widgets through their values, which a test that only sees the
    displayed option labels does not know; the browser sends the labels themselves, so we do
    the same.
    """
    state = WidgetState()
    state.id = widget.id
    fill(state)
    widget.__class__ = type(f"Forced{type(widget).__name__}", (type(widget),),
                            {"_widget_state": property(lambda _self: state)})
    return widget


def _number(rng: random.Random, low, high, step, integer: bool, current=None):
    """A value a user could pick: mostly a few steps from the low end (or, without bounds,
    from the current value), which keeps the pages fast; sometimes an end or a huge value."""
    step = step or 1
    roll = rng.random()
    if low is None or high is None:
        centre = float(current or 0.0)
        if roll < 0.1:
            value = rng.choice([-1e12, 1e12, 0.0])
        else:
            value = centre + step * rng.randint(-15, 15)
        value = max(value, low) if low is not None else value
        value = min(value, high) if high is not None else value
    elif roll < 0.1:
        value = high
    elif roll < 0.2:
        value = low
    else:
        value = min(low + step * rng.randint(0, 30), high)
    return int(round(value)) if integer else float(value)


def _candidates(app: AppTest) -> list[tuple[str, object]]:
    """Every control on screen that a user can operate, as (kind, widget)."""
    found: list[tuple[str, object]] = []
    for kind in ("button", "slider", "select_slider", "selectbox", "multiselect", "toggle",
                 "checkbox", "number_input", "text_input", "text_area", "radio",
                 "button_group"):
        for widget in getattr(app, kind):
            if not getattr(widget.proto, "disabled", False):
                found.append((kind, widget))
    return found


def _act(rng: random.Random, kind: str, widget) -> str:
    """Operate ``widget`` once; return a description for the failure log."""
    label = getattr(widget, "label", "") or getattr(widget, "key", "")
    if kind == "button":
        widget.click()
        return f"click {label!r}"
    if kind in {"toggle", "checkbox"}:
        value = not widget.value
        widget.set_value(value)
        return f"{kind} {label!r} -> {value}"
    if kind == "number_input":
        integer = widget.proto.data_type == widget.proto.DataType.INT
        value = _number(rng, widget.min, widget.max, widget.step, integer, widget.value)
        widget.set_value(value)
        return f"number {label!r} = {value!r}"
    if kind in {"text_input", "text_area"}:
        value = rng.choice(TEXTS)
        widget.set_value(value)
        return f"type {label!r} = {value[:40]!r}"
    if kind == "slider":
        low, high = widget.min, widget.max
        integer = widget.proto.data_type == widget.proto.DataType.INT
        step = float(widget.step) if widget.step else 1
        if isinstance(widget.value, (list, tuple)):
            first = _number(rng, low, high, step, integer)
            second = _number(rng, first, high, step, integer)
            values = [first, second]
        else:
            values = [_number(rng, low, high, step, integer)]
        _forced(widget, lambda state: state.double_array_value.data.extend(values))
        return f"slider {label!r} = {values}"
    options = list(widget.options)
    if not options:
        return f"nothing to choose in {label!r}"
    if kind in {"selectbox", "radio"}:
        choice = rng.choice(options)
        _forced(widget, lambda state: setattr(state, "string_value", choice))
        return f"{kind} {label!r} = {choice!r}"
    if kind == "select_slider":
        choice = rng.choice(options)
        _forced(widget, lambda state: state.string_array_value.data.append(choice))
        return f"select_slider {label!r} = {choice!r}"
    if kind == "multiselect":
        limit = widget.max_selections or len(options)
        chosen = rng.sample(options, rng.randint(0, min(limit, len(options))))
        _forced(widget, lambda state: state.string_array_value.data.extend(chosen))
        return f"multiselect {label!r} = {chosen}"
    if kind == "button_group":
        single = widget.proto.click_mode == widget.proto.ClickMode.SINGLE_SELECT
        chosen = [rng.choice(options)] if single else rng.sample(
            options, rng.randint(0, len(options)))
        _forced(widget, lambda state: state.string_array_value.data.extend(chosen))
        return f"pills {label!r} = {chosen}"
    raise AssertionError(f"no action for {kind}")


def _exceptions(app: AppTest) -> list[str]:
    return [f"{element.value}\n{''.join(element.stack_trace)}" for element in app.exception]


def random_walk(script: str, seed: int, n_actions: int) -> list[str]:
    """Open ``script`` and take ``n_actions`` random actions; return the log of actions."""
    rng = random.Random(seed)
    app = AppTest.from_file(str(REPO_ROOT / script), default_timeout=60)
    app.run()
    log = [f"open {script} (walk seed {seed})"]
    assert not app.exception, (log, _exceptions(app))
    for _ in range(n_actions):
        candidates = _candidates(app)
        if not candidates:
            break
        kind, widget = rng.choice(candidates)
        log.append(_act(rng, kind, widget))
        app.run()
        assert not app.exception, ("\n".join(log), _exceptions(app))
    return log


@pytest.mark.parametrize("walk", range(WALKS))
@pytest.mark.parametrize("page", list(PAGES))
def test_random_clicks_and_changes_never_raise(page, walk):
    seed = 1000 * list(PAGES).index(page) + walk
    log = random_walk(PAGES[page], seed, ACTIONS)
    assert len(log) > 1, "the page offered no control at all"


# --- an error keeps the rest of the session --------------------------------------------------------


def _open(script: str) -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / script), default_timeout=60)
    app.run()
    assert not app.exception, _exceptions(app)
    return app


def _rerun(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, _exceptions(app)
    return app


def _errors(app: AppTest) -> str:
    return "\n".join(str(element.value) for element in app.error)


def _status_line(app: AppTest) -> str:
    return next(md.value for md in app.markdown if md.value.startswith("**Half-step "))


BAD_CSV = ("bad.csv", b"name;comment\nalice;hello\nbob;\x00\xff\n", "text/csv")


@pytest.mark.parametrize(("script", "prefix"), [("pages/1_EM_in_1-D.py", "em1d"),
                                                ("pages/2_EM_in_2-D.py", "em2d")])
def test_stepper_keeps_its_half_step_through_bad_input(script, prefix):
    app = _open(script)
    for _ in range(2):
        app.button(key=f"{prefix}.iterate").click()
        _rerun(app)
    index, spec, status = (app.session_state[f"{prefix}.index"],
                           app.session_state[f"{prefix}.run_spec"], _status_line(app))
    assert index == 4

    # A mistyped number: the error names the box, the bad text and the value used instead.
    app.text_input(key=f"{prefix}.reg").set_value("1,5e-3")
    _rerun(app)
    assert "reg_covar='1,5e-3' is not a number" in _errors(app)
    assert "using 1e-06" in _errors(app)
    app.button_group(key=f"{prefix}.panels").set_value(["The numbers"])
    _rerun(app)
    app.text_input(key=f"{prefix}.followed").set_value("3, 99999")
    _rerun(app)
    assert "Showing the default points" in _errors(app)
    assert app.session_state[f"{prefix}.index"] == index
    assert app.session_state[f"{prefix}.run_spec"] == spec
    assert _status_line(app) == status

    # A file that is not a table of numbers: the error says what to upload instead.
    dataset = app.session_state[f"{prefix}.dataset"]
    app.selectbox(key=f"{prefix}.dataset").set_value("csv")
    _rerun(app)
    app.file_uploader[0].set_value(BAD_CSV)
    _rerun(app)
    assert _errors(app), "a bad CSV must be reported"
    assert any(word in _errors(app).lower() for word in ("upload", "save", "choose", "use"))
    # Back to the data set before the upload: the same run, at the same half-step.
    app.selectbox(key=f"{prefix}.dataset").set_value(dataset)
    _rerun(app)
    app.text_input(key=f"{prefix}.reg").set_value("1e-06")
    _rerun(app)
    assert _errors(app) == "" or "Showing the default points" in _errors(app)
    assert app.session_state[f"{prefix}.index"] == index
    assert _status_line(app) == status


def test_kmeans_vs_em_keeps_its_settings_through_a_bad_upload():
    key = compare.PAGE.key
    app = _open("pages/3_k-means_vs_EM.py")
    app.toggle(key=key("hard")).set_value(True)
    app.number_input(key=key("seed")).set_value(5)
    _rerun(app)
    app.button(key=compare.button_key("both", "EM iteration")).click()
    _rerun(app)
    scenario = app.session_state[key("scenario")]
    before = {name: app.session_state[key(name)] for name in ("hard", "sigma", "seed")}

    app.selectbox(key=key("scenario")).set_value(compare.ANY_DATA)
    _rerun(app)
    app.selectbox(key=key("dataset")).set_value("csv")
    _rerun(app)
    app.file_uploader[0].set_value(BAD_CSV)
    _rerun(app)
    assert _errors(app), "a bad CSV must be reported"
    assert {name: app.session_state[key(name)] for name in before} == before

    app.selectbox(key=key("scenario")).set_value(scenario)
    _rerun(app)
    assert {name: app.session_state[key(name)] for name in before} == before
    assert len(app.get("plotly_chart")) >= 2, "the comparison is drawn again"


def test_model_selection_refuses_too_many_points_and_keeps_the_rest():
    page = selection.PAGES[2]
    app = _open("pages/4_Model_selection.py")
    app.number_input(key=selection.SEED_KEY).set_value(7)
    app.selectbox(key=page.key("dataset")).set_value("blobs")
    _rerun(app)
    app.number_input(key=page.key("n")).set_value(links.N_MAX)
    _rerun(app)
    assert "Choose at most" in _errors(app)
    assert app.session_state[selection.SEED_KEY] == 7
    app.number_input(key=page.key("n")).set_value(500)
    _rerun(app)
    assert _errors(app) == ""
    assert app.session_state[selection.SEED_KEY] == 7
    assert app.get("plotly_chart")


def test_autodiff_refuses_a_formula_and_keeps_the_other_sections():
    app = _open("pages/6_Automatic_differentiation.py")
    app.number_input(key="ad_newton_x0").set_value(1.25)
    app.number_input(key="ad_x1").set_value(-4.0)
    _rerun(app)
    app.text_input(key="ad_formula").set_value("__import__('os').system('ls')")
    _rerun(app)
    assert _errors(app), "a refused formula must be reported"
    assert app.session_state["ad_newton_x0"] == 1.25
    assert app.session_state["ad_x1"] == -4.0
    # The reverse-mode tab, which reuses this formula, says what to do instead of failing.
    warnings = "\n".join(str(element.value) for element in app.warning)
    assert "Forward mode tab" in warnings
    app.text_input(key="ad_formula").set_value("x1*x2 + sin(x1)")
    _rerun(app)
    assert _errors(app) == ""
    assert app.session_state["ad_newton_x0"] == 1.25
