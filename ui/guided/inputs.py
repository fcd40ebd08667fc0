"""The answer widgets of a question, and reading them when the student presses `Check`.

- a choice: a radio of the choices' labels, nothing chosen at first;
- a number: a text box, read through ``ui.kit.user_input`` (decimal commas, Unicode minus...);
- points: a click on the figure places the next point (the figure's click grid, as the
  steppers' probe and means picker do); every point also has two text boxes, x and y, so the
  keyboard alone can answer, and the click writes into them.

Every widget is a member of a family of :data:`ui.guided.state.STATE`, keyed by the step key.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from ui.figures.click_grid import clicked_point
from ui.guided.checking import read_number
from ui.guided.content import Step
from ui.guided.resume import Answer
from ui.guided.state import STATE
from ui.kit.text import exact_number

AXES = ("x", "y")
NUMBER_HINT = "e.g. 0.73 (or 0,73)"


def coordinate_key(key: str, point: int, axis: str) -> str:
    return f"{key}.{point}.{axis}"


# --- putting answers into the widgets -----------------------------------------------------------


def set_widgets(key: str, step: Step, answer: Answer | None) -> None:
    """Show ``answer`` (None: nothing) in the question's widgets (before they are drawn).

    Called when the student arrives at a question (the widgets of a question not drawn in the
    last run are forgotten by Streamlit, or hold a stale value), so the boxes always show the
    last answer checked."""
    if step.input == "choice":
        STATE.choice[key] = answer
    elif step.input == "number":
        STATE.typed[key] = "" if answer is None else exact_number(answer)
    else:
        values = [None] * (2 * len(step.labels)) if answer is None else list(answer)
        for index, value in enumerate(values):
            STATE.coordinate[coordinate_key(key, index // 2, AXES[index % 2])] = (
                "" if value is None else exact_number(value))
        STATE.placing[key] = 0


def widgets_exist(key: str, step: Step) -> bool:
    """Whether the question's widgets still hold a value (Streamlit forgets them when another
    page or step was drawn)."""
    first = {"choice": f"choice.{key}", "number": f"typed.{key}",
             "points": f"coordinate.{coordinate_key(key, 0, 'x')}"}[step.input]
    return STATE.is_set(first)


# --- reading them ---------------------------------------------------------------------------------


def current_points(key: str, step: Step) -> np.ndarray:
    """The points as the boxes hold them now: (K, 2), nan where a box is empty or unreadable."""
    points = np.full((len(step.labels), 2), np.nan)
    for point in range(len(step.labels)):
        for axis, name in enumerate(AXES):
            value, _problem = read_number(STATE.coordinate[coordinate_key(key, point, name)])
            if value is not None:
                points[point, axis] = value
    return points


def read_answer(key: str, step: Step) -> tuple[Answer | None, str | None]:
    """The answer in the widgets, or (None, a Markdown-safe sentence saying what is missing)."""
    if step.input == "choice":
        chosen = STATE.choice[key]
        if chosen is None:
            return None, "Choose an answer first, then press `Check`."
        return str(chosen), None
    if step.input == "number":
        value, problem = read_number(STATE.typed[key])
        return value, problem
    values = []
    for point, label in enumerate(step.labels):
        for name in AXES:
            typed = STATE.coordinate[coordinate_key(key, point, name)]
            if not typed.strip():
                return None, (f"Place your guess for {label} first: click the figure where "
                              f"you expect it, or type its x and y.")
            value, problem = read_number(typed)
            if problem:
                return None, f"{label}, {name}: {problem}"
            values.append(value)
    return tuple(values), None


# --- drawing them ----------------------------------------------------------------------------------


def place_clicked_point(key: str, decimals: Sequence[int], n_points: int) -> None:
    """Chart callback: the clicked spot becomes the point being placed, and the next point
    not yet placed is the one to place next."""
    chart = STATE.chart[key]
    point = clicked_point(chart.get("selection") if chart else None, decimals, curves=None)
    if point is None:  # a click that deselected
        return
    target = STATE.placing[key] if STATE.placing[key] is not None else 0
    for axis, value in zip(AXES, point, strict=True):
        STATE.coordinate[coordinate_key(key, target, axis)] = exact_number(value)
    empty = [index for index in range(n_points)
             if not STATE.coordinate[coordinate_key(key, index, "x")].strip()]
    STATE.placing[key] = empty[0] if empty else (target + 1) % n_points


def answer_widgets(key: str, step: Step) -> None:
    """The question's input widgets (the clickable figure itself is drawn by the view)."""
    if step.input == "choice":
        st.radio("Your answer", [choice.id for choice in step.choices],
                 format_func=step.choice_label, index=None, key=STATE.choice.key(key))
    elif step.input == "number":
        st.text_input("Your answer (a number)", key=STATE.typed.key(key),
                      placeholder=NUMBER_HINT,
                      help="A decimal point or a decimal comma; a minus sign pasted from a "
                           "PDF works too.")
    else:
        _point_widgets(key, step)


def _point_widgets(key: str, step: Step) -> None:
    labels = step.labels
    STATE.placing.setdefault(key, 0)
    st.radio("A click on the figure places your guess for", list(range(len(labels))),
             format_func=lambda index: labels[index], key=STATE.placing.key(key),
             horizontal=True)
    st.caption("Or type the coordinates (the keyboard alone is enough):")
    for point, label in enumerate(labels):
        columns = st.columns(2)
        for column, name in zip(columns, AXES, strict=True):
            with column:
                st.text_input(f"{label}: {name}", key=STATE.coordinate.key(
                    coordinate_key(key, point, name)), placeholder=NUMBER_HINT)
