"""AppTest checks of the page "Guided lessons": every lesson walked from its first step to its
last twice (answering right; answering wrong, then `Show me`), with each feedback text checked;
the buttons' rules (no answer, no reveal; `Next` after a solved or shown question); unreadable
typed numbers; a click on lesson 3's figure; the resume link round-tripped through a new
session; hostile links."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

from tests.pages.stepper_helpers import charts
from ui.figures.click_grid import GRID_CURVE
from ui.guided import inputs
from ui.guided.checking import answer_text, choice_answer, evaluate, read_number, tolerance
from ui.guided.content import KIND_TITLES, fill, load_course, page_facts
from ui.guided.models import build
from ui.guided.resume import step_key
from ui.guided.state import STATE
from ui.kit import session
from ui.kit.text import exact_number

PAGE = "pages/7_Guided_lessons.py"
COURSE = load_course()
BUTTONS = ("back", "check", "show", "next")


def button(at, name: str):
    assert name in BUTTONS
    return at.button(key=STATE.button.key(name))


def assert_clean(at) -> None:
    assert not at.exception, [element.value for element in at.exception]
    assert not at.error, [element.value for element in at.error]


def open_page(run_app, query: dict[str, str] | None = None):
    at = run_app(PAGE, query)
    assert not at.exception, [element.value for element in at.exception]
    return at


def model_and_facts(lesson):
    model = build(lesson.model, lesson.setup)
    return model, {**page_facts(), **model.facts}


def markdown_text(at) -> str:
    return "\n".join(element.value for element in at.markdown)


# --- answering -----------------------------------------------------------------------------------


def right_answer(step, model, facts):
    if step.input == "choice":
        return choice_answer(step, facts)
    if step.input == "number":
        return model.numbers[step.answer]
    return tuple(np.asarray(model.points[step.answer], dtype=float).ravel())


def wrong_answer(step, model, facts):
    """A wrong answer that one of the step's misconceptions explains, when it has any."""
    if step.input == "choice":
        right = choice_answer(step, facts)
        wrong = [choice.id for choice in step.choices if choice.id != right]
        return next((choice for choice in wrong if choice in step.wrong_choice), wrong[0])
    if step.input == "number":
        if step.mistakes:
            return model.numbers[step.mistakes[0].value]
        truth = model.numbers[step.answer]
        return truth + 5 * tolerance(step, truth)
    if step.mistakes:
        return tuple(np.asarray(model.points[step.mistakes[0].value], dtype=float).ravel())
    return tuple(np.asarray(model.points[step.answer], dtype=float).ravel() + 5 * step.tolerance)


def typed(value: float) -> str:
    """How a student would type it: four decimals with a decimal comma and a Unicode minus."""
    return f"{value:.4f}".replace(".", ",").replace("-", "−")


def enter(at, key: str, step, answer) -> None:
    """Put ``answer`` into the question's widgets (as a student would type or choose it)."""
    if step.input == "choice":
        at.radio(key=STATE.choice.key(key)).set_value(answer)
    elif step.input == "number":
        at.text_input(key=STATE.typed.key(key)).input(typed(answer))
    else:
        for index, value in enumerate(answer):
            name = inputs.coordinate_key(key, index // 2, inputs.AXES[index % 2])
            at.text_input(key=STATE.coordinate.key(name)).input(typed(value))


def stored(step, answer):
    """The answer as the page reads it back from what ``enter`` typed."""
    if step.input == "choice":
        return answer
    if step.input == "number":
        return round(answer, 4)
    return tuple(round(value, 4) for value in answer)


def expected_feedback(step, model, facts, answer) -> list[str]:
    outcome = evaluate(step, answer, facts, model.numbers, model.points)
    return [fill(template, {**facts, **outcome.facts}) for template in outcome.feedback]


def walk(at, lesson, *, mistaken: bool) -> None:
    """Every step of ``lesson``, from the first: answer each question right, or wrong and then
    `Show me`; check the feedback and the buttons at every step; `Next` to the last step."""
    model, facts = model_and_facts(lesson)
    for index, step in enumerate(lesson.steps, 1):
        key = step_key(lesson.number, index)
        assert_clean(at)
        assert at.query_params["lesson"] == str(lesson.number)
        assert at.query_params["step"] == str(index)
        assert f"Step {index} of {len(lesson.steps)} · {KIND_TITLES[step.kind]}" in [
            header.value for header in at.subheader]
        if step.asks:
            assert button(at, "show").disabled, "no answer, no reveal"
            assert button(at, "next").disabled
            answer = wrong_answer(step, model, facts) if mistaken else right_answer(
                step, model, facts)
            enter(at, key, step, answer)
            button(at, "check").click().run()
            assert_clean(at)
            answer = stored(step, answer)
            outcome = evaluate(step, answer, facts, model.numbers, model.points)
            assert outcome.correct is not mistaken
            box = at.warning if mistaken else at.success
            assert len(box) == 1
            shown = box[0].value
            assert shown.startswith("**Not quite.**" if mistaken else "**Right.**")
            for text in expected_feedback(step, model, facts, answer):
                assert text in shown
            if mistaken:
                if step.input == "choice" and answer in step.wrong_choice:
                    assert fill(step.wrong_choice[answer], {**facts, **outcome.facts}) in shown
                if step.input != "choice" and step.mistakes:
                    assert fill(step.mistakes[0].text, {**facts, **outcome.facts}) in shown
                assert button(at, "next").disabled and not button(at, "show").disabled
                if step.reveal:
                    assert fill(step.reveal, {**facts, **outcome.facts}) not in markdown_text(at)
                button(at, "show").click().run()
                assert_clean(at)
                (info,) = at.info
                assert info.value == (f"**The answer:** "
                                      f"{answer_text(step, facts, model.numbers, model.points)}.")
                assert "Try again" not in at.warning[0].value
            if step.reveal:
                assert fill(step.reveal, {**facts, **outcome.facts}) in markdown_text(at)
        if index < len(lesson.steps):
            assert not button(at, "next").disabled
            button(at, "next").click().run()
    assert_clean(at)
    if lesson.number == len(COURSE.lessons):
        assert button(at, "next").disabled
        assert "That was the last step of the last lesson" in at.success[-1].value
    else:
        assert not button(at, "next").disabled


@pytest.mark.parametrize("number", range(1, len(COURSE.lessons) + 1))
def test_every_lesson_walked_answering_right(run_app, number):
    at = open_page(run_app, {"lesson": str(number)})
    walk(at, COURSE.lesson(number), mistaken=False)


@pytest.mark.parametrize("number", range(1, len(COURSE.lessons) + 1))
def test_every_lesson_walked_answering_wrong_then_show_me(run_app, number):
    at = open_page(run_app, {"lesson": str(number)})
    walk(at, COURSE.lesson(number), mistaken=True)


# --- the buttons and the lesson list ---------------------------------------------------------------


def test_next_and_back_cross_lessons_and_the_lesson_list_follows(run_app):
    last = len(COURSE.lesson(1).steps)
    at = open_page(run_app, {"lesson": "1", "step": str(last)})
    assert button(at, "back").disabled is False
    button(at, "next").click().run()
    assert (at.query_params["lesson"], at.query_params["step"]) == ("2", "1")
    assert at.radio(key=STATE.key("lesson_pick")).value == 2
    assert at.header[0].value == "Lesson 2 · Responsibilities by hand"
    button(at, "back").click().run()
    assert (at.query_params["lesson"], at.query_params["step"]) == ("1", str(last))
    at.radio(key=STATE.key("lesson_pick")).set_value(6).run()
    assert (at.query_params["lesson"], at.query_params["step"]) == ("6", "1")
    assert_clean(at)
    at = open_page(run_app, {"lesson": "1", "step": "1"})
    assert button(at, "back").disabled
    progress = at.get("progress")[0]
    assert progress.proto.text.startswith("Lesson 1 of 7, step 1 of 5")


def test_an_unreadable_number_is_explained_and_not_counted_as_an_answer(run_app):
    at = open_page(run_app, {"lesson": "2", "step": "2"})
    for text, said in (("", "Type a number"), ("zero", "is not a number"),
                       ("0,7,3", "thousands separators"), ("1e999", "beyond the range")):
        at.text_input(key=STATE.typed.key("2.2")).input(text)
        button(at, "check").click().run()
        assert not at.exception
        assert len(at.error) == 1 and said in at.error[0].value, (text, at.error)
        assert button(at, "show").disabled  # still no answer
        assert not at.warning and not at.success
    at.text_input(key=STATE.typed.key("2.2")).input("69,5")
    button(at, "check").click().run()
    assert "looks like a percentage" in at.warning[0].value
    assert not button(at, "show").disabled


def test_a_choice_must_be_made_before_check(run_app):
    at = open_page(run_app, {"lesson": "1", "step": "2"})
    button(at, "check").click().run()
    assert at.error[0].value == "Choose an answer first, then press `Check`."
    assert button(at, "show").disabled


# --- lesson 3: placing the means by a click on the figure --------------------------------------------


def chart_click(x: float, y: float, curve: int = GRID_CURVE, index: int = 7) -> dict:
    return {"points": [{"curve_number": curve, "point_number": index, "point_index": index,
                        "x": x, "y": y}], "point_indices": [index], "box": [], "lasso": []}


def click_figure(at, key: str, selection: dict, monkeypatch) -> None:
    """What a click on the clickable figure does: its callback runs on the selection with the
    page's session state, then the page reruns (AppTest cannot click a Plotly chart)."""
    model = build(COURSE.lesson(3).model, COURSE.lesson(3).setup)
    names = [STATE.placing.key(key)] + [
        STATE.coordinate.key(inputs.coordinate_key(key, point, axis))
        for point in range(2) for axis in inputs.AXES]
    state = {name: at.session_state[name] for name in names if name in at.session_state}
    state[STATE.chart.key(key)] = {"selection": selection}
    with monkeypatch.context() as patch:
        patch.setattr(session, "st", SimpleNamespace(session_state=state))
        inputs.place_clicked_point(key, model.click.decimals, 2)
    for name in names:
        if name in state:
            at.session_state[name] = state[name]
    at.run()
    assert_clean(at)


def test_two_clicks_on_lesson_3s_figure_place_both_guesses(run_app, monkeypatch):
    lesson = COURSE.lesson(3)
    index = next(i for i, step in enumerate(lesson.steps, 1) if step.input == "points")
    key = step_key(3, index)
    at = open_page(run_app, {"lesson": "3", "step": str(index)})
    figure = charts(at)[0]
    assert figure["data"][GRID_CURVE]["name"] == "click grid"
    model, facts = model_and_facts(lesson)
    truth = model.points["new_means"]
    for point in truth:  # a click near each new mean: it lands on the grid's resolution
        click_figure(at, key, chart_click(*point), monkeypatch)
    placed = np.array([[round(float(value), digits) + 0.0 for value, digits
                        in zip(point, model.click.decimals, strict=True)] for point in truth])
    boxes = [at.text_input(key=STATE.coordinate.key(inputs.coordinate_key(key, p, a))).value
             for p in range(2) for a in inputs.AXES]
    assert boxes == [exact_number(v) for v in placed.ravel()]
    stars = [trace for trace in charts(at)[0]["data"] if trace.get("name") == "your guesses"]
    assert np.allclose(np.column_stack([stars[0]["x"], stars[0]["y"]]), placed)
    assert "Stars mark your guesses" in at.caption[0].value or any(
        "Stars mark your guesses" in caption.value for caption in at.caption)
    button(at, "check").click().run()
    assert at.success[0].value.startswith("**Right.**")
    assert any(trace.get("name") == "old means" for figure in charts(at)
               for trace in figure["data"])
    # A click that deselects changes nothing.
    click_figure(at, key, {"points": []}, monkeypatch)
    assert [at.text_input(key=STATE.coordinate.key(inputs.coordinate_key(key, p, a))).value
            for p in range(2) for a in inputs.AXES] == boxes


# --- the resume link ----------------------------------------------------------------------------------


def test_the_resume_link_brings_back_position_answers_and_feedback(run_app):
    at = open_page(run_app, {"lesson": "2"})
    walk(at, COURSE.lesson(2), mistaken=True)
    button(at, "back").click().run()
    button(at, "back").click().run()
    query = {name: value for name, value in at.query_params.items()}
    assert query["answers"].count(";") == 2 and query["shown"] == "2.2;2.3;2.4"
    assert "Resume link" in [header.value for header in at.sidebar.subheader]
    box = [element.value for element in at.sidebar.code]
    assert any(f"lesson={query['lesson']}&step={query['step']}" in code for code in box)
    typed_key = STATE.typed.key(f"2.{query['step']}")
    before = (at.warning[0].value, at.info[0].value,
              read_number(at.text_input(key=typed_key).value)[0])

    tomorrow = open_page(run_app, query)  # another computer: a new session
    assert_clean(tomorrow)
    assert not tomorrow.warning[1:]  # no problem banner: the link is sound
    after = (tomorrow.warning[0].value, tomorrow.info[0].value,
             read_number(tomorrow.text_input(key=typed_key).value)[0])
    assert after == before  # the same feedback, answer shown and number in the box
    assert tomorrow.query_params == at.query_params
    assert not button(tomorrow, "next").disabled
    label = tomorrow.radio(key=STATE.key("lesson_pick")).options[1]
    assert label.endswith("(3/3 answered)")


@pytest.mark.parametrize("query", [
    {"lesson": "[Re-login](https://evil.example/p)", "step": "<img src=x onerror=alert(1)>",
     "answers": "1.2_![](https://evil.example/pixel.png);9.9_1;1.3_`rm -rf`",
     "shown": "1.2;**bold**", "![](https://evil.example/q.png)": "1"},
    {"lesson": "7", "step": "99", "answers": "7.1_" + "9" * 1990},
    {"lesson": "0", "answers": "1.2_1;1.2_1;x", "shown": ";;"},
])
def test_a_hostile_resume_link_opens_the_course_with_one_escaped_warning(run_app, query):
    at = open_page(run_app, query)
    assert_clean(at)
    (banner,) = [box for box in at.warning if "could not be used" in box.value]
    text = banner.value
    assert "](" not in text  # every link and image is escaped: \]\(
    assert not re.search(r"(?<!\\)<img", text) and "**bold**" not in text
    assert len(at.warning) == 1
    assert not any("evil" in element.value for element in at.markdown)
    # The page works: the bad values were replaced.
    lesson, step = int(at.query_params["lesson"]), int(at.query_params["step"])
    assert 1 <= lesson <= len(COURSE.lessons)
    assert 1 <= step <= len(COURSE.lesson(lesson).steps)
