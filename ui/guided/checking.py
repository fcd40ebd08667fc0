"""Checking a student's answer against what the lesson's model computed.

Three kinds of answer: a choice (an id), a number typed by hand (read through
``ui.kit.user_input``: Unicode minus, decimal commas, thousands spaces...; checked with the
step's tolerance) and points placed on a figure (each checked by its distance to the truth).

A wrong answer is matched against the step's *mistakes*: numbers or points the model computes
for a likely misconception (leaving out the weights, the unweighted mean, ...). When the answer
lands on one, its explanation is given, not just "wrong". Pure: no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ui.guided.content import Step, fill
from ui.kit import text, user_input

# The plausible magnitude of any number typed in a lesson; beyond it the number is refused
# before it is checked (a paste mistake, not an answer).
MAX_TYPED = 1e12


@dataclass(frozen=True)
class Outcome:
    """The verdict on one answer.

    correct: whether it is right; feedback: the templates to show (the step's ``right``, a
    mistake's text, ``out_of_range`` or ``wrong``), in order; facts: numbers about the answer
    for those templates (``typed``, ``difference``, ``distance_1``, ...).
    """

    correct: bool
    feedback: tuple[str, ...]
    facts: Mapping[str, str] = field(default_factory=dict)


def read_number(typed: object) -> tuple[float | None, str | None]:
    """A typed number, or (None, a Markdown-safe sentence saying what is wrong with it)."""
    return user_input.parse_float(typed, low=-MAX_TYPED, high=MAX_TYPED)


def tolerance(step: Step, truth: float) -> float:
    """How far from ``truth`` an answer may be: the step's absolute tolerance plus its
    relative tolerance times |truth|."""
    return step.tolerance + step.relative * abs(truth)


def _near(value: float, target: float, allowed: float) -> bool:
    return math.isfinite(target) and abs(value - target) <= allowed * (1 + 1e-12)


def check_number(value: float, step: Step, numbers: Mapping[str, float]) -> Outcome:
    """A typed number against ``numbers[step.answer]``.

    Right within the tolerance. Otherwise the first mistake whose number the value matches
    (within the mistake's own tolerance when it has one; a mistake that lies within the
    tolerance of the truth cannot be told apart and is skipped), else ``out_of_range`` when the value is outside low..high, else ``wrong``.
    """
    truth = numbers[step.answer]
    allowed = tolerance(step, truth)
    facts = {"typed": text.number(value, 4), "difference": text.number(abs(value - truth), 3),
             "tolerance": text.number(allowed, 3)}
    if _near(value, truth, allowed):
        return Outcome(True, (step.right,), facts)
    for mistake in step.mistakes:
        target = numbers[mistake.value]
        near = allowed if mistake.tolerance is None else mistake.tolerance
        if _near(value, target, near) and not _near(target, truth, max(allowed, near)):
            return Outcome(False, (mistake.text,), facts)
    outside = ((step.low is not None and value < step.low)
               or (step.high is not None and value > step.high))
    if outside and step.out_of_range:
        return Outcome(False, (step.out_of_range,), facts)
    return Outcome(False, (step.wrong,), facts)


def check_choice(choice: str, step: Step, answer: str) -> Outcome:
    """A chosen id against the (resolved) answer id."""
    facts = {"chosen": step.choice_label(choice), "answer": step.choice_label(answer)}
    if choice == answer:
        return Outcome(True, (step.right,), facts)
    return Outcome(False, (step.wrong_choice.get(choice, step.wrong),), facts)


def point_text(point: Sequence[float]) -> str:
    return text.vector(point, 2)


def check_points(guesses: np.ndarray, step: Step, points: Mapping[str, np.ndarray]) -> Outcome:
    """Guessed points (K, D) against ``points[step.answer]`` (K, D), one by one.

    Each guess is right within ``step.tolerance`` (a distance in data units) of its true point.
    Facts: ``guess_k``, ``truth_k``, ``distance_k`` (k from 1) and ``per_point``, a sentence
    with every distance. A wrong guess that lands within the tolerance of a mistake's point
    (and that point is not itself within the tolerance of the truth) brings that mistake's text.
    """
    truth = np.asarray(points[step.answer], dtype=float)
    guesses = np.asarray(guesses, dtype=float).reshape(truth.shape)
    distances = np.linalg.norm(guesses - truth, axis=1)
    allowed = step.tolerance
    facts: dict[str, str] = {"tolerance": text.number(allowed, 3)}
    parts = []
    for k, (guess, true, distance) in enumerate(zip(guesses, truth, distances, strict=True)):
        facts[f"guess_{k + 1}"] = point_text(guess)
        facts[f"truth_{k + 1}"] = point_text(true)
        facts[f"distance_{k + 1}"] = text.number(distance, 3)
        verdict = "close enough" if distance <= allowed else "too far"
        parts.append(f"μ{text.subscript(k + 1)}: your guess {point_text(guess)} is "
                     f"{text.number(distance, 3)} from {point_text(true)} ({verdict})")
    facts["per_point"] = "; ".join(parts) + f" (tolerance {text.number(allowed, 3)})."
    wrong = distances > allowed
    if not wrong.any():
        return Outcome(True, (step.right,), facts)
    matched = []
    for mistake in step.mistakes:
        candidate = np.asarray(points[mistake.value], dtype=float).reshape(truth.shape)
        misleading = np.linalg.norm(candidate - truth, axis=1) > allowed
        landed = np.linalg.norm(guesses - candidate, axis=1) <= allowed
        if np.any(wrong & landed & misleading):
            matched.append(mistake.text)
    return Outcome(False, (*matched, step.wrong), facts)


# --- a question and its answer, whatever the kind -------------------------------------------------


def choice_answer(step: Step, facts: Mapping[str, str]) -> str:
    """The id of the right choice: the step's answer, ``{{name}}`` filled from the facts.

    Raises TemplateError when the model does not compute the name, ValueError when the
    result is not one of the choices.
    """
    answer = fill(step.answer, facts, "answer")
    if answer not in {choice.id for choice in step.choices}:
        raise ValueError(f"the answer {answer!r} is not one of the choices "
                         f"({', '.join(choice.id for choice in step.choices)})")
    return answer


def evaluate(step: Step, answer: object, facts: Mapping[str, str],
             numbers: Mapping[str, float], points: Mapping[str, np.ndarray]) -> Outcome:
    """The verdict on ``answer`` (an id, a float, or flat point coordinates)."""
    if step.input == "choice":
        return check_choice(str(answer), step, choice_answer(step, facts))
    if step.input == "number":
        return check_number(float(answer), step, numbers)
    guesses = np.asarray(answer, dtype=float).reshape(-1, 2)
    return check_points(guesses, step, points)


def answer_text(step: Step, facts: Mapping[str, str], numbers: Mapping[str, float],
                points: Mapping[str, np.ndarray]) -> str:
    """The right answer in words, for `Show me`."""
    if step.input == "choice":
        return step.choice_label(choice_answer(step, facts))
    if step.input == "number":
        return text.number(numbers[step.answer], 4)
    truth = np.asarray(points[step.answer], dtype=float)
    return ", ".join(f"{label} = {point_text(point)}"
                     for label, point in zip(step.labels, truth, strict=True))
