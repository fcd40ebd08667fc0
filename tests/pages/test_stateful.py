"""No exception from any reachable state, on every page, and no markup from anyone else's text.

A student clicks whatever is on screen in whatever order; a stranger's link opens a page with
any query string; a file arrives with any header and any numbers. For each page of the registry
(``ui.pages.PAGES``), a seeded random walk opens the page (every other walk through a link whose
every parameter, and one parameter name, is hostile), then repeatedly picks one of the controls
on screen (buttons, sliders, select sliders, selectboxes, multiselects, pills, toggles,
checkboxes, number inputs, text inputs and areas, radios, file uploaders), gives it a value a
user could give it (or clicks it), reruns, and checks that no exception is shown and that no
element holds markup the app did not write (``tests/pages/hostile_checks.py``). Text boxes get
numbers, formulas, Unicode digits and minus signs, markup and 10,000 characters; unbounded
number boxes 1e±300, denormals and the largest float; uploaders hostile and degenerate CSVs. On
a failure the message lists the actions that led there; rerun the walk with its seed.

Then the issue's families (#17), each on every page that can reach it:

- every text box takes every hostile text, and every unbounded number box every extreme float;
- every link parameter takes extreme magnitudes, Unicode numbers and markup;
- singular starts with reg_covar = 0 (a K-means start with singleton clusters, an 11-row CSV
  with an outlier, denormal values, means at ±1e300): the collapse is said to be at the start,
  the way out is offered and works, and every stepping button still works;
- hostile and degenerate CSV files (markup headers and file names, extreme magnitudes, Unicode
  numbers, identical points, a constant column, two rows, K ≥ N): a message, and the page
  still works;
- bad input keeps the rest of the session (the half-step, the data, the other settings).

Widget keys come from the pages' declared state (``ui.*.state``), page files from the registry.
STATEFUL_WALKS and STATEFUL_ACTIONS (environment) lengthen the walks for a soak run.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from tests.pages import hostile_checks as hostile
from ui import pages as registry
from ui.autodiff.state import STATE as AUTODIFF
from ui.compare.state import ANY_DATA
from ui.compare.state import STATE as COMPARE
from ui.compare.view import button_key as compare_button
from ui.guided.content import load_course
from ui.guided.state import STATE as GUIDED
from ui.kit import view_settings as vs
from ui.kit.stepping import BUTTON_NAMES
from ui.selection.state import DATA as SELECTION_DATA
from ui.selection.state import STATE as SELECTION
from ui.stepper.lesson_presets import SAFE_REG
from ui.stepper.page import TRACK, stepper_page

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGES = {page.url_path: page for page in registry.PAGES}
STEPPERS = {registry.EM_1D.url_path: stepper_page(1), registry.EM_2D.url_path: stepper_page(2)}
WALKS = int(os.environ.get("STATEFUL_WALKS", "2"))
ACTIONS = int(os.environ.get("STATEFUL_ACTIONS", "8"))
TIMEOUT_S = 120

# What people type into text boxes: numbers in and out of range, lists of points, formulas
# (valid, refused and hostile), plain nonsense, and the hostile texts of issue #17.
TEXTS = (
    "", " ", "0", "1", "-1", "1e-3", "1e-12", "2.5", "100", "abc", "😀",
    "0, 0; 3, 3", "-2, 1; 0, 0; 3, -1", "1; 2; 3", "0,0;1", "1, 2, 3", "5, 999999",
    "x**2 + sin(x)", "exp(x) * y", "x / 0", "x ** 1e9", "__import__('os')", "((((((x",
    "1/(x-x)", "log(-1)", "sqrt(x)", "x*y + y**2", "abs(x1)*x2", "x1, x2, x1",
    *hostile.TEXTS,
)


def hostile_link(rng: random.Random, page: registry.Page) -> dict[str, str]:
    """Every parameter ``page`` reads with a hostile value, and a hostile parameter name."""
    query = {name: rng.choice(hostile.TEXTS) for name in hostile.link_parameters(page)}
    query[rng.choice(hostile.MARKUP)] = rng.choice(hostile.TEXTS)
    return query


# --- opening, checking ----------------------------------------------------------------------


def open_page(page: registry.Page, query: dict[str, str] | None = None) -> AppTest:
    app = AppTest.from_file(str(REPO_ROOT / page.file), default_timeout=TIMEOUT_S)
    for name, value in (query or {}).items():
        app.query_params[name] = value
    return check(app.run(), f"open {page.url_path} with {sorted(query or {})}")


def check(app: AppTest, log: object = "") -> AppTest:
    """No exception on the page and no markup the app did not write."""
    assert not app.exception, (str(log), hostile.exceptions(app))
    problems = hostile.foreign_markup(app)
    assert not problems, (str(log), problems)
    return app


def rerun(app: AppTest, log: object = "") -> AppTest:
    return check(app.run(), log)


def errors(app: AppTest) -> str:
    """The page's error boxes as a reader sees them (escapes resolved)."""
    return visible("\n".join(str(element.value) for element in app.error))


def visible(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def working(app: AppTest) -> bool:
    """The page still shows something to work with: a figure, a message saying why not, or
    a control in the main area."""
    return bool(app.get("plotly_chart") or app.get("image") or hostile.messages(app)
                or any(_candidates(app.main)))


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
    from the current value), which keeps the pages fast; sometimes an end, and in a box
    without bounds sometimes an extreme float (1e±300, a denormal, the largest float)."""
    step = step or 1
    roll = rng.random()
    if low is None or high is None:
        centre = float(current or 0.0)
        if roll < 0.3 and not integer:
            value = rng.choice(hostile.EXTREME_FLOATS)
        elif roll < 0.4:
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


KINDS = ("button", "slider", "select_slider", "selectbox", "multiselect", "toggle", "checkbox",
         "number_input", "text_input", "text_area", "radio", "button_group", "file_uploader")


def _candidates(app: AppTest) -> list[tuple[str, object]]:
    """Every control on screen that a user can operate, as (kind, widget)."""
    found: list[tuple[str, object]] = []
    for kind in KINDS:
        for widget in app.get(kind):
            if not getattr(widget.proto, "disabled", False):
                found.append((kind, widget))
    return found


def _uploader_features(widget) -> int:
    return 1 if "one numeric column" in widget.label else 2


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
    if kind == "file_uploader":
        what, name, content = rng.choice(hostile.hostile_csvs(_uploader_features(widget)))
        widget.set_value((name, content, "text/csv"))
        return f"upload {what} as {name[:40]!r}"
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


def random_walk(page: registry.Page, seed: int, n_actions: int) -> list[str]:
    """Open ``page`` (through a hostile link on odd seeds) and take ``n_actions`` random
    actions; return the log of actions."""
    rng = random.Random(seed)
    query = hostile_link(rng, page) if seed % 2 and hostile.link_parameters(page) else None
    log = [f"open {page.file} (walk seed {seed}) with {query!r:.300}"]
    app = open_page(page, query)
    for _ in range(n_actions):
        candidates = _candidates(app)
        if not candidates:
            break
        kind, widget = rng.choice(candidates)
        log.append(_act(rng, kind, widget))
        rerun(app, "\n".join(log))
    return log


@pytest.mark.parametrize("walk", range(WALKS))
@pytest.mark.parametrize("path", list(PAGES))
def test_random_clicks_and_changes_never_raise(path, walk):
    page = PAGES[path]
    seed = 1000 * list(PAGES).index(path) + walk
    log = random_walk(page, seed, ACTIONS)
    assert len(log) > 1, "the page offered no control at all"


def test_the_home_page_opens_clean_with_a_hostile_link():
    app = open_page(registry.HOME, {hostile.MARKUP[1]: hostile.MARKUP[0], "k": hostile.LONG[0]})
    assert app.get("page_link") or app.markdown


# --- every text box, every unbounded number box ------------------------------------------------


def _guided_question(kind: str) -> dict[str, str]:
    """A resume link to the first step of the course that asks for ``kind`` input."""
    for lesson, step in load_course().positions():
        if load_course().lesson(lesson).steps[step - 1].input == kind:
            return {"lesson": str(lesson), "step": str(step)}
    raise AssertionError(f"no lesson step asks for {kind!r} input")


def _reveal(page: registry.Page) -> tuple[AppTest, list[str]]:
    """Open ``page`` where its text boxes are on screen; return it and how it got there."""
    if page.url_path in STEPPERS:
        state = STEPPERS[page.url_path].state
        app = open_page(page, {"init": "given-means", "means": "0" if page == registry.EM_1D
                               else "0, 0"})
        app.button_group(key=state.key("panels")).set_value(["The numbers"])
        app.toggle(key=state.key("probe_on")).set_value(True)
        return rerun(app), ["given-means", "The numbers", "probe"]
    if page == registry.GUIDED_LESSONS:
        return open_page(page, _guided_question("number")), ["a number question"]
    return open_page(page), []


@pytest.mark.parametrize("path", list(PAGES))
def test_every_text_box_takes_every_hostile_text(path):
    """Each text box gets each hostile text once (box j gets text i + j in run i); each run
    ends without an exception, without foreign markup, with the page still working."""
    page = PAGES[path]
    app, how = _reveal(page)
    boxes = [*app.text_input, *app.text_area]
    if page in (registry.EM_1D, registry.EM_2D, registry.AUTODIFF, registry.GUIDED_LESSONS):
        assert boxes, f"{path}: no text box after {how}"
    keys = [box.key for box in boxes]
    texts = hostile.TEXTS
    for run in range(len(texts) if keys else 0):
        typed = {}
        shown = {box.key: box for box in (*app.text_input, *app.text_area)}
        for j, key in enumerate(keys):
            if key in shown:  # a box can go while the page says why (e.g. no data yet)
                typed[key] = texts[(run + j) % len(texts)]
                shown[key].set_value(typed[key])
        rerun(app, f"{path} after {how}, typed {({k: v[:30] for k, v in typed.items()})}")
        assert working(app), typed


@pytest.mark.parametrize("path", list(PAGES))
def test_every_unbounded_number_box_takes_extreme_floats(path):
    page = PAGES[path]
    app, how = _reveal(page)
    keys = [box.key for box in app.number_input if box.min is None or box.max is None]
    extremes = hostile.EXTREME_FLOATS
    for run in range(len(extremes) if keys else 0):
        typed = {}
        shown = {box.key: box for box in app.number_input}
        for j, key in enumerate(keys):
            box = shown.get(key)
            if box is None or box.proto.data_type == box.proto.DataType.INT:
                continue
            typed[key] = extremes[(run + j) % len(extremes)]
            box.set_value(typed[key])
        rerun(app, f"{path} after {how}, numbers {typed}")
        assert working(app), typed


# --- every link parameter ---------------------------------------------------------------------


@pytest.mark.parametrize("family", ["magnitudes", "unicode numbers", "markup and long"])
@pytest.mark.parametrize("path", [path for path, page in PAGES.items() if hostile.link_parameters(page)])
def test_every_link_parameter_takes_a_hostile_family(path, family):
    """A link whose parameters all carry values of one family (rotated over the parameters,
    so every parameter gets every value across the opens): one box for the link's problems,
    no foreign markup, and a rerun and a click still work."""
    page = PAGES[path]
    values = {"magnitudes": hostile.MAGNITUDES, "unicode numbers": hostile.UNICODE_NUMBERS,
              "markup and long": hostile.MARKUP + hostile.LONG}[family]
    names = hostile.link_parameters(page)
    opens = 3  # enough to rotate every value through a few parameters; more in a soak
    for first in range(0, len(values), max(len(values) // opens, 1)):
        query = {name: values[(first + j) % len(values)] for j, name in enumerate(names)}
        query[values[first][:60] or "empty"] = values[first]
        app = open_page(page, query)
        link_boxes = [w for w in app.warning if "could not be used" in str(w.value)]
        assert len(link_boxes) <= 1, [w.value for w in link_boxes]
        buttons = [button for button in app.button if not button.disabled]
        if buttons:
            buttons[0].click()
        rerun(app, f"{path}: {query!r:.300}, then {buttons[0].label if buttons else 'a rerun'}")
        assert working(app)


# --- singular starts with reg_covar = 0 ------------------------------------------------------------


def _csv(n_features: int, *columns: list[float]) -> bytes:
    return hostile.csv_bytes([f"x{j + 1}" for j in range(n_features)],
                             [[repr(float(v)) for v in column] for column in columns[:n_features]])


OUTLIER = [0.0, 0.1, 0.2, 0.1, 0.0, 0.2, 0.1, 0.15, 0.05, 0.12, 50.0]
SINGULAR_START = "The start itself is singular"
# case -> (link, a CSV to upload (None: the link's data), what the page must say)
SINGULAR_STARTS = {
    "blobs, K = 10 k-means start": ({"dataset": "blobs", "n": "30", "k": "10",
                                     "init": "k-means", "reg": "0"}, None, SINGULAR_START),
    "11 rows with an outlier": ({"init": "k-means", "reg": "0", "k": "3"},
                                lambda d: _csv(d, OUTLIER, OUTLIER[::-1]), SINGULAR_START),
    # Refused before EM starts, with the true cause.
    "denormal values": ({"init": "k-means", "reg": "0", "k": "3"},
                        lambda d: _csv(d, [i * 5e-324 for i in range(40)],
                                       [float(i % 4) for i in range(40)]),
                        "squares of such small differences underflow"),
    "means at ±1e300": ({"init": "given-means", "reg": "0", "k": "2"}, None,
                        "The starting means are too far from the data"),
    "means at ±1e300, reg 1e-6": ({"init": "given-means", "reg": "1e-06", "k": "2"}, None,
                                  "The starting means are too far from the data"),
}


def _stepper_link(page: registry.Page, query: dict[str, str]) -> dict[str, str]:
    query = dict(query)
    if query.get("dataset") == "blobs" and page == registry.EM_1D:
        query["dataset"] = vs.BLOB_DATASETS[1]
    if query.get("init") == "given-means":
        query["means"] = "1e300; -1e300" if page == registry.EM_1D else "1e300, 1e300; -1e300, -1e300"
    return query


def _click_every_stepping_button(app: AppTest, state, log: str) -> None:
    """Each stepping button of the main bar that is on screen and enabled, once."""
    for action, name in BUTTON_NAMES.items():
        key = state.step_button.key(f"main.{name}")
        buttons = [button for button in app.button if button.key == key and not button.disabled]
        if buttons:
            buttons[0].click()
            rerun(app, f"{log}, then {action}")


@pytest.mark.parametrize("case", list(SINGULAR_STARTS))
@pytest.mark.parametrize("path", list(STEPPERS))
def test_a_singular_start_says_so_and_the_way_out_works(path, case):
    """The issue's singular starts with reg_covar = 0 (and two that are refused earlier, with
    their true cause): the page says what is wrong, offers the same start with reg_covar > 0
    when the start is singular, that start runs, and every stepping button still works."""
    page, stepper = PAGES[path], STEPPERS[path]
    state = stepper.state
    query, make_csv, expected = SINGULAR_STARTS[case]
    if make_csv is None:
        app = open_page(page, _stepper_link(page, query))
    else:
        app = open_page(page, query)
        app.selectbox(key=state.key("dataset")).set_value("csv")
        rerun(app)
        app.file_uploader(key=state.key("csv_file")).set_value(
            (f"{case}.csv", make_csv(stepper.n_features), "text/csv"))
        rerun(app, case)
    log = f"{path}: {case}"
    assert expected in visible(hostile.messages(app)), (log, hostile.messages(app)[:2000])
    safe = [b for b in app.button if b.label == f"Same start with reg_covar = {SAFE_REG:g}"]
    if expected == SINGULAR_START:
        assert "run collapsed" in _status_line(app)
        (way_out,) = safe
        way_out.click()
        rerun(app, f"{log}, then the same start with reg_covar")
        assert "collapsed" not in _status_line(app), _status_line(app)
        assert SINGULAR_START not in visible(hostile.messages(app))
        assert app.text_input(key=state.key("reg")).value == repr(SAFE_REG)
    else:
        assert not safe
    _click_every_stepping_button(app, state, log)
    assert working(app), log


def test_compare_and_model_selection_take_a_singular_start_link():
    for page, query in ((registry.COMPARE, {"dataset": "blobs", "n": "30", "k": "10",
                                            "init": "k-means", "reg": "0"}),
                        (registry.MODEL_SELECTION, {"dataset": "blobs", "n": "30", "k": "10",
                                                    "reg": "0", "kmax": "10"})):
        app = open_page(page, query)
        assert working(app), page.url_path
        buttons = [button for button in app.button if not button.disabled]
        for button in buttons[:4]:
            button.click()
            rerun(app, f"{page.url_path} {query}, then {button.label}")


# --- hostile and degenerate CSV files on every page with an uploader ---------------------------------


def _csv_pages() -> dict[str, tuple[Callable[[AppTest], None], str, int]]:
    """Page path -> (how to reach its uploader, the uploader's key, the columns it wants)."""
    def stepper_reach(state):
        return lambda app: app.selectbox(key=state.key("dataset")).set_value("csv")

    def compare_reach(app):
        app.selectbox(key=COMPARE.key("scenario")).set_value(ANY_DATA)
        rerun(app)
        app.selectbox(key=COMPARE.key("dataset")).set_value("csv")

    def selection_reach(app):
        app.selectbox(key=SELECTION_DATA[2].key("dataset")).set_value("csv")

    pages = {path: (stepper_reach(stepper.state), stepper.state.key("csv_file"),
                    stepper.n_features) for path, stepper in STEPPERS.items()}
    pages[registry.COMPARE.url_path] = (compare_reach, COMPARE.key("csv_file"), 2)
    pages[registry.MODEL_SELECTION.url_path] = (selection_reach,
                                                SELECTION_DATA[2].key("csv_file"), 2)
    return pages


CSV_PAGES = _csv_pages()


@pytest.mark.parametrize("path", list(CSV_PAGES))
def test_hostile_and_degenerate_csv_files(path):
    """One session uploads every file of ``hostile.hostile_csvs`` in turn (each replacing the
    last), with K = 10 for the last few (K ≥ N): each ends in a message or a figure, without
    an exception or foreign markup, and a click afterwards still works."""
    page = PAGES[path]
    reach, key, n_features = CSV_PAGES[path]
    app = open_page(page)
    reach(app)
    rerun(app, f"{path}: choose csv")
    files = hostile.hostile_csvs(n_features)
    for number, (what, name, content) in enumerate(files):
        app.file_uploader(key=key).set_value((name, content, "text/csv"))
        rerun(app, f"{path}: upload {what}")
        assert working(app), what
        if what in ("identical points", "two rows", "no numbers at all", "a constant column"):
            assert hostile.messages(app), (path, what, "says something about the data")
        if number == len(files) - 4:
            sliders = [s for s in app.slider if "K" in s.label and not s.disabled]
            if sliders:  # K ≥ N from here on
                sliders[0].set_value(10)
                rerun(app, f"{path}: K = 10 with {what}")
        steps = [button for button in app.button
                 if button.label in BUTTON_NAMES and not button.disabled]
        if steps:
            steps[number % len(steps)].click()
            rerun(app, f"{path}: {what}, then {steps[number % len(steps)].label}")


# --- an error keeps the rest of the session --------------------------------------------------------


BAD_CSV = ("bad.csv", b"name;comment\nalice;hello\nbob;\x00\xff\n", "text/csv")


def _status_line(app: AppTest) -> str:
    return next(md.value for md in app.markdown if md.value.startswith("**Half-step "))


@pytest.mark.parametrize("path", list(STEPPERS))
def test_stepper_keeps_its_half_step_through_bad_input(path):
    page, state = PAGES[path], STEPPERS[path].state
    app = open_page(page)
    for _ in range(2):
        app.button(key=state.step_button.key("main.iterate")).click()
        rerun(app)
    position_key, run_key = state.position.key(TRACK), state.followed_run.key(TRACK)
    index, run, status = (app.session_state[position_key], app.session_state[run_key],
                          _status_line(app))
    assert index == 4

    # A mistyped number: the error names the box, the bad text and the value used instead.
    app.text_input(key=state.key("reg")).set_value("1.5.3")
    rerun(app)
    assert "reg_covar: “1.5.3” is not a number" in errors(app)
    assert "Using 1e-06" in errors(app)
    app.button_group(key=state.key("panels")).set_value(["The numbers"])
    rerun(app)
    app.text_input(key=state.key("followed")).set_value("3, 99999")
    rerun(app)
    assert "Showing the default points" in errors(app)
    app.text_input(key=state.key("followed")).set_value("1, \u00b2")
    rerun(app)
    assert "superscript two" in errors(app) and "Showing the default points" in errors(app)
    assert app.session_state[position_key] == index
    assert app.session_state[run_key] == run
    assert _status_line(app) == status

    # A file that is not a table of numbers: the error says what to upload instead.
    dataset = app.session_state[state.key("dataset")]
    app.selectbox(key=state.key("dataset")).set_value("csv")
    rerun(app)
    app.file_uploader(key=state.key("csv_file")).set_value(BAD_CSV)
    rerun(app)
    assert errors(app), "a bad CSV must be reported"
    assert any(word in errors(app).lower() for word in ("upload", "save", "choose", "use"))
    # Back to the data set before the upload: the same run, at the same half-step.
    app.selectbox(key=state.key("dataset")).set_value(dataset)
    rerun(app)
    app.text_input(key=state.key("reg")).set_value("1e-06")
    rerun(app)
    assert errors(app) == "" or "Showing the default points" in errors(app)
    assert app.session_state[position_key] == index
    assert _status_line(app) == status


def test_kmeans_vs_em_keeps_its_settings_through_a_bad_upload():
    app = open_page(registry.COMPARE)
    app.toggle(key=COMPARE.key("hard")).set_value(True)
    app.toggle(key=COMPARE.key("fixed_sigma")).set_value(True)
    app.number_input(key=COMPARE.key("seed")).set_value(5)
    rerun(app)
    app.button(key=compare_button("both", "EM iteration")).click()
    rerun(app)
    scenario = app.session_state[COMPARE.key("scenario")]
    names = ("hard", "fixed_sigma", "sigma", "seed")
    before = {name: app.session_state[COMPARE.key(name)] for name in names}

    app.selectbox(key=COMPARE.key("scenario")).set_value(ANY_DATA)
    rerun(app)
    app.selectbox(key=COMPARE.key("dataset")).set_value("csv")
    rerun(app)
    app.file_uploader(key=COMPARE.key("csv_file")).set_value(BAD_CSV)
    rerun(app)
    assert errors(app), "a bad CSV must be reported"
    assert {name: app.session_state[COMPARE.key(name)] for name in names} == before

    app.selectbox(key=COMPARE.key("scenario")).set_value(scenario)
    rerun(app)
    assert {name: app.session_state[COMPARE.key(name)] for name in names} == before
    assert len(app.get("plotly_chart")) >= 2, "the comparison is drawn again"


def test_model_selection_refuses_too_many_points_and_keeps_the_rest():
    data = SELECTION_DATA[2]
    app = open_page(registry.MODEL_SELECTION)
    app.number_input(key=SELECTION.key("seed")).set_value(7)
    app.selectbox(key=data.key("dataset")).set_value(vs.BLOB_DATASETS[2])
    rerun(app)
    app.number_input(key=data.key("n")).set_value(vs.N_MAX)
    rerun(app)
    assert "Choose at most" in errors(app)
    assert app.session_state[SELECTION.key("seed")] == 7
    app.number_input(key=data.key("n")).set_value(100)
    rerun(app)
    assert errors(app) == ""
    assert app.session_state[SELECTION.key("seed")] == 7
    assert app.get("plotly_chart")


def test_autodiff_refuses_a_formula_and_keeps_the_other_sections():
    app = open_page(registry.AUTODIFF)
    app.number_input(key=AUTODIFF.key("newton_x0")).set_value(1.25)
    app.number_input(key=AUTODIFF.key("x1")).set_value(-4.0)
    rerun(app)
    app.text_input(key=AUTODIFF.key("formula")).set_value("__import__('os').system('ls')")
    rerun(app)
    assert errors(app), "a refused formula must be reported"
    assert app.session_state[AUTODIFF.key("newton_x0")] == 1.25
    assert app.session_state[AUTODIFF.key("x1")] == -4.0
    # The reverse-mode tab, which reuses this formula, says what to do instead of failing.
    warnings = "\n".join(str(element.value) for element in app.warning)
    assert "Forward mode tab" in warnings
    app.text_input(key=AUTODIFF.key("formula")).set_value("x1*x2 + sin(x1)")
    rerun(app)
    assert errors(app) == ""
    assert app.session_state[AUTODIFF.key("newton_x0")] == 1.25


def test_guided_lessons_keep_the_position_through_a_bad_answer():
    query = _guided_question("number")
    app = open_page(registry.GUIDED_LESSONS, query)
    position = (app.session_state[GUIDED.key("lesson")], app.session_state[GUIDED.key("step")])
    (box,) = app.text_input
    for text in ("\u00b2", hostile.MARKUP[0], hostile.LONG[0], "\u22121,5"):
        box.set_value(text)
        app.button(key=GUIDED.button.key("check")).click()
        rerun(app, f"answer {text[:30]!r}")
        assert (app.session_state[GUIDED.key("lesson")],
                app.session_state[GUIDED.key("step")]) == position
        (box,) = app.text_input
