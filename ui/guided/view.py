"""The page "Guided lessons": one step of one lesson at a time.

A step shows its text and figure; a question (Predict or Compute) takes an answer, checked
with `Check` and explained; `Show me` reveals the answer once one was checked; `Next` moves on
once the question is solved or revealed; `Back` goes back. A progress bar says where the
student is; the sidebar lists the lessons and holds the resume link, which the address bar
holds too (lesson, step and every answer: ``ui.guided.resume``).

Texts, questions, answers and feedback come from the lesson files (``ui.guided.content``);
every number and figure from the lesson's model (``ui.guided.models``).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache, partial

import numpy as np
import streamlit as st

from ui.figures import figure_style
from ui.guided import inputs
from ui.guided.checking import Outcome, answer_text, evaluate, point_text
from ui.guided.content import (
    KIND_TITLES,
    LESSONS_DIR,
    Course,
    Lesson,
    Step,
    TemplateError,
    fill,
    load_course,
    page_facts,
)
from ui.guided.models import LessonModel, Picture, SetupError, build
from ui.guided.resume import Answer, read_resume_query, resume_query, step_key
from ui.guided.state import STATE
from ui.kit.display import presentation_toggle, show_figure
from ui.kit.escape import untrusted_markdown
from ui.kit.links import load_link, problem_banner, show_link, write_link
from ui.kit.text import number
from ui.pages import GUIDED_LESSONS

FIGURE_HEIGHT = {False: 430, True: 620}
MESSAGE_CHARS = 600


# --- the course ---------------------------------------------------------------------------------


def current_course() -> Course:
    """The lesson files, read again when one of them changed (a lecturer editing them)."""
    stamp = tuple((path.name, path.stat().st_mtime_ns)
                  for path in sorted(LESSONS_DIR.glob("*.toml")))
    return _course(stamp)


@lru_cache(maxsize=4)
def _course(stamp: tuple) -> Course:
    return load_course(LESSONS_DIR)


def questions(course: Course) -> list[tuple[str, Step]]:
    return [(step_key(lesson.number, index + 1), step) for lesson in course.lessons
            for index, step in enumerate(lesson.steps) if step.asks]


def apply_link(course: Course, query: dict[str, str]) -> tuple[str, ...]:
    """A new resume link: its position and answers into the state (the question on screen
    then shows the link's answer in its widgets); returns the problems to report."""
    resume = read_resume_query(query, course)
    STATE.lesson, STATE.step = resume.lesson, resume.step
    STATE.answers = dict(resume.answers)
    STATE.revealed = resume.revealed
    STATE.tries = {}
    STATE.drawn = ""  # the question on screen shows the link's answer
    return resume.problems


# --- navigation -----------------------------------------------------------------------------------


def _go(lesson: int, step: int) -> None:
    STATE.lesson, STATE.step = lesson, step


def _pick_lesson() -> None:
    _go(STATE.lesson_pick, 1)


def _check(key: str, step: Step) -> None:
    answer, problem = inputs.read_answer(key, step)
    if problem:
        STATE.notice = problem
        return
    STATE.answers = {**STATE.answers, key: answer}
    STATE.tries = {**STATE.tries, key: STATE.tries.get(key, 0) + 1}


def _show(key: str) -> None:
    if key in STATE.answers:
        STATE.revealed = STATE.revealed | {key}


def lesson_menu(course: Course) -> None:
    """The sidebar's list of lessons, each with the questions done."""
    done = {lesson.number: 0 for lesson in course.lessons}
    asked = {lesson.number: 0 for lesson in course.lessons}
    for key, _step in questions(course):
        lesson = int(key.split(".")[0])
        asked[lesson] += 1
        done[lesson] += key in STATE.revealed or key in STATE.answers
    STATE.lesson_pick = STATE.lesson

    def label(number_: int) -> str:
        lesson = course.lesson(number_)
        return f"{lesson.heading} ({done[number_]}/{asked[number_]} answered)"

    st.radio("Lessons", [lesson.number for lesson in course.lessons], format_func=label,
             key=STATE.key("lesson_pick"), on_change=_pick_lesson,
             help="Each lesson takes 5 to 10 minutes; they follow the lecture's order.")


def resume_box(query: dict[str, str]) -> None:
    st.subheader("Resume link")
    st.caption("This link holds the lesson, the step and every answer you checked: open it "
               "tomorrow, on any computer, to go on where you stopped. No login.")
    show_link(query, GUIDED_LESSONS.url_path)


# --- showing a step ---------------------------------------------------------------------------------


def _markdown(template: str, facts, where: str) -> None:
    """A lesson text with its numbers filled in; a lesson file's mistake is said, not raised."""
    try:
        st.markdown(fill(template, facts, where))
    except TemplateError as error:
        st.error("This lesson file has a mistake: "
                 + untrusted_markdown(str(error), max_chars=MESSAGE_CHARS))


def show_pictures(pictures: tuple[Picture, ...], where: str, on_click=None,
                  click_key: str | None = None) -> None:
    """Figures side by side, each with its text alternative as a caption under it."""
    columns = st.columns(len(pictures)) if len(pictures) > 1 else [st.container()]
    for index, (column, picture) in enumerate(zip(columns, pictures, strict=True)):
        with column:
            if picture.title:
                st.markdown(f"**{picture.title}**")
            key = click_key if on_click is not None else STATE.figure.key(f"{where}.{index}")
            show_figure(picture.figure, key=key, on_click=on_click, width="stretch")
            st.caption(picture.description)


def _pictures(model: LessonModel, name: str, style, guesses=None) -> tuple[Picture, ...]:
    try:
        return model.pictures(name, style, guesses)
    except SetupError as error:
        st.error("This lesson file has a mistake: "
                 + untrusted_markdown(str(error), max_chars=MESSAGE_CHARS))
        return ()


def _answer_words(step: Step, answer: Answer) -> str:
    if step.input == "choice":
        return step.choice_label(str(answer))
    if step.input == "number":
        return number(float(answer), 6)
    pairs = [answer[index:index + 2] for index in range(0, len(answer), 2)]
    return ", ".join(f"{label} at {point_text(point)}"
                     for label, point in zip(step.labels, pairs, strict=True))


def feedback(key: str, step: Step, outcome: Outcome, facts) -> None:
    """What the last checked answer was, and why it is right or what it misses."""
    tries = STATE.tries.get(key, 0)
    count = f" (try {tries})" if tries > 1 else ""
    said = f"Your last checked answer: **{_answer_words(step, STATE.answers[key])}**{count}."
    try:
        lines = [fill(template, facts, "feedback") for template in outcome.feedback]
    except TemplateError as error:
        lines = ["This lesson file has a mistake: "
                 + untrusted_markdown(str(error), max_chars=MESSAGE_CHARS)]
    if outcome.correct:
        st.success("\n\n".join([f"**Right.** {said}", *lines]))
    else:
        hint = [] if key in STATE.revealed else ["Try again, or press `Show me` to see the answer."]
        st.warning("\n\n".join([f"**Not quite.** {said}", *lines, *hint]))


def step_view(course: Course, lesson: Lesson, model: LessonModel, presentation: bool) -> None:
    index = STATE.step
    step = lesson.steps[index - 1]
    key = step_key(lesson.number, index)
    style = replace(figure_style(300, presentation), height=FIGURE_HEIGHT[presentation])
    facts = {**page_facts(), **model.facts}
    answer = STATE.answers.get(key) if step.asks else None
    outcome = None
    if answer is not None:
        try:
            outcome = evaluate(step, answer, facts, model.numbers, model.points)
            facts.update(outcome.facts)
        except (TemplateError, ValueError, KeyError, TypeError) as error:
            st.error("This lesson file has a mistake: "
                     + untrusted_markdown(str(error), max_chars=MESSAGE_CHARS))
    st.subheader(f"Step {index} of {len(lesson.steps)} · {KIND_TITLES[step.kind]}")
    if step.text:
        _markdown(step.text, facts, "text")
    guesses = None
    if step.asks and (STATE.drawn != key or not inputs.widgets_exist(key, step)):
        inputs.set_widgets(key, step, answer)  # arriving here: the boxes show the answer
    STATE.drawn = key
    if step.asks:
        if step.input == "points":
            guesses = inputs.current_points(key, step)
    if step.figure:
        pictures = _pictures(model, step.figure, style, guesses)
        clickable = step.input == "points" and getattr(model, "click", None) is not None
        on_click = (partial(inputs.place_clicked_point, key, model.click.decimals,
                            len(step.labels)) if clickable else None)
        show_pictures(pictures, f"{key}.figure", on_click, STATE.chart.key(key))
    if step.asks:
        _markdown(f"**{step.question}**", facts, "question")
        inputs.answer_widgets(key, step)
    solved = not step.asks or key in STATE.revealed or (outcome is not None and outcome.correct)
    buttons(course, lesson, key, step, solved)
    notice = STATE.take("notice", "")
    if notice:
        st.error(notice)
    if outcome is not None:
        feedback(key, step, outcome, facts)
    if step.asks and key in STATE.revealed:
        try:
            st.info(f"**The answer:** {answer_text(step, facts, model.numbers, model.points)}.")
        except (TemplateError, ValueError, KeyError, TypeError) as error:
            st.error(untrusted_markdown(str(error), max_chars=MESSAGE_CHARS))
    if step.asks and solved:
        if step.reveal:
            _markdown(step.reveal, facts, "reveal")
        if step.reveal_figure:
            placed = None
            if step.input == "points" and answer is not None:
                placed = np.asarray(answer, dtype=float).reshape(-1, 2)
            show_pictures(_pictures(model, step.reveal_figure, style, placed), f"{key}.reveal")


def buttons(course: Course, lesson: Lesson, key: str, step: Step, solved: bool) -> None:
    positions = course.positions()
    here = positions.index((lesson.number, STATE.step))
    with st.container(horizontal=True):
        st.button("Back", key=STATE.button.key("back"), disabled=here == 0,
                  on_click=_go, args=positions[here - 1] if here else (1, 1),
                  help="The step before this one.")
        if step.asks:
            st.button("Check", key=STATE.button.key("check"), type="primary",
                      on_click=_check, args=(key, step),
                      help="Commit to your answer and see whether it is right, and why.")
            st.button("Show me", key=STATE.button.key("show"), disabled=key not in STATE.answers,
                      on_click=_show, args=(key,),
                      help="Reveal the answer: possible once you have checked an answer.")
        last = here == len(positions) - 1
        st.button("Next", key=STATE.button.key("next"), disabled=last or not solved,
                  on_click=_go, args=positions[here + 1] if not last else positions[here],
                  type="primary" if solved and not step.asks else "secondary",
                  help="The next step (once this question is answered right or shown).")
    if not solved:
        st.caption("`Next` opens once this question is answered right, or after `Show me`.")
    elif here == len(positions) - 1:
        st.success("That was the last step of the last lesson: well done.")


# --- the page -------------------------------------------------------------------------------------


def guided_lessons() -> None:
    """Everything under the page's title."""
    course = current_course()
    for problem in course.problems:
        st.error("A lesson file could not be used: "
                 + untrusted_markdown(problem, max_chars=MESSAGE_CHARS))
    if not course.lessons:
        st.error(f"No lesson could be loaded from {LESSONS_DIR.name}/.")
        return
    load_link(STATE, partial(apply_link, course))
    if not 1 <= STATE.lesson <= len(course.lessons):
        _go(1, 1)
    lesson = course.lesson(STATE.lesson)
    if not 1 <= STATE.step <= len(lesson.steps):
        STATE.step = 1
    with st.sidebar:
        presentation = presentation_toggle()
        lesson_menu(course)
    query = resume_query(STATE.lesson, STATE.step, STATE.answers, STATE.revealed)
    problem_banner(STATE, query)
    positions = course.positions()
    here = positions.index((lesson.number, STATE.step))
    st.header(lesson.heading)
    st.progress((here + 1) / len(positions),
                text=f"Lesson {lesson.number} of {len(course.lessons)}, step {STATE.step} of "
                     f"{len(lesson.steps)} · step {here + 1} of {len(positions)} of the course")
    st.caption(f"{lesson.summary} About {lesson.minutes} minutes.")
    try:
        with st.spinner("Computing this lesson's example…"):
            model = build(lesson.model, lesson.setup)
    except SetupError as error:
        st.error(f"Lesson {lesson.number} cannot be shown: its file has a mistake: "
                 + untrusted_markdown(str(error), max_chars=MESSAGE_CHARS))
    else:
        step_view(course, lesson, model, presentation)
    with st.sidebar:
        resume_box(query)
    write_link(STATE, query)
