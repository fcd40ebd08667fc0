"""The resume link: where the student is and every answer committed, in the query string.

``?lesson=3&step=2&answers=1.2_1;2.2_0.62;3.2_-1.5,0.14,1.39,0.7&shown=2.2``

- ``lesson``, ``step``: the position (1-based);
- ``answers``: one entry ``<lesson>.<step>_<value>`` per question answered, separated by ``;``:
  a choice's id, a number (the shortest text that reads back as exactly the value), or the
  coordinates of placed points separated by ``,``;
- ``shown``: the questions whose answer was revealed with ``Show me``.

A link is user input from a stranger: every value is checked against the course, and a bad
one is left out and reported in a sentence (the page shows them in the kit's one escaped
warning box); reading a link never raises. Pure: no Streamlit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ui.guided.content import Course, Step
from ui.kit.links import clean_query, parse_int, shown
from ui.kit.text import exact_number

PARAMETERS = ("lesson", "step", "answers", "shown")
# What a typed number in a link may be: the same bound as a typed answer.
MAX_LINK_NUMBER = 1e12
_KEY = re.compile(r"(\d{1,3})\.(\d{1,3})")

Answer = str | float | tuple[float, ...]


def step_key(lesson: int, step: int) -> str:
    """The key of a question in the answers: "3.2" is lesson 3, step 2."""
    return f"{lesson}.{step}"


@dataclass(frozen=True)
class Resume:
    """What a link restores: the position, the answers by step key, the revealed questions,
    and the problem sentences (values quoted raw: escape them for display)."""

    lesson: int
    step: int
    answers: Mapping[str, Answer] = field(default_factory=dict)
    revealed: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()


def encode_answer(answer: Answer) -> str:
    if isinstance(answer, str):
        return answer
    if isinstance(answer, tuple):
        return ",".join(exact_number(value) for value in answer)
    return exact_number(answer)


def resume_query(lesson: int, step: int, answers: Mapping[str, Answer],
                 revealed: frozenset[str] | set[str]) -> dict[str, str]:
    """The query string of a position and its answers (empty parts left out)."""
    query = {"lesson": str(lesson), "step": str(step)}
    ordered = sorted(answers, key=_order)
    if ordered:
        query["answers"] = ";".join(f"{key}_{encode_answer(answers[key])}" for key in ordered)
    if revealed:
        query["shown"] = ";".join(sorted(revealed, key=_order))
    return query


def _order(key: str) -> tuple[int, int]:
    lesson, _, step = key.partition(".")
    return int(lesson), int(step)


def _question(course: Course, key: str) -> Step | None:
    """The question step a key names, or None."""
    match = _KEY.fullmatch(key)
    if not match:
        return None
    lesson, step = int(match.group(1)), int(match.group(2))
    if not 1 <= lesson <= len(course.lessons):
        return None
    steps = course.lesson(lesson).steps
    if not 1 <= step <= len(steps) or not steps[step - 1].asks:
        return None
    return steps[step - 1]


def _finite(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= MAX_LINK_NUMBER else None


def decode_answer(step: Step, text: str) -> Answer | None:
    """A link's value for a question, or None when it is not a valid answer to it."""
    if step.input == "choice":
        return text if text in {choice.id for choice in step.choices} else None
    if step.input == "number":
        return _finite(text)
    values = [_finite(part) for part in text.split(",")]
    if len(values) != 2 * len(step.labels) or any(value is None for value in values):
        return None
    return tuple(values)


def _answers(course: Course, text: str, problems: list[str]) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    entries = [entry for entry in text.split(";") if entry.strip()]
    limit = sum(step.asks for lesson in course.lessons for step in lesson.steps)
    if len(entries) > limit:
        problems.append(f"answers= holds {len(entries)} entries, more than the course's "
                        f"{limit} questions; only the first {limit} were read")
        entries = entries[:limit]
    for entry in entries:
        key, separator, value = entry.strip().partition("_")
        step = _question(course, key)
        if not separator or step is None:
            problems.append(f"answers: {shown(entry)} does not name a question as "
                            "<lesson>.<step>_<answer>; ignored")
            continue
        answer = decode_answer(step, value)
        if answer is None:
            problems.append(f"answers: {shown(value)} is not an answer to lesson "
                            f"{key.replace('.', ', step ')}; ignored")
            continue
        answers[key] = answer
    return answers


def _revealed(course: Course, text: str, answers: Mapping[str, Answer],
              problems: list[str]) -> frozenset[str]:
    revealed = set()
    for key in (part.strip() for part in text.split(";") if part.strip()):
        if _question(course, key) is None:
            problems.append(f"shown: {shown(key)} does not name a question; ignored")
        elif key not in answers:
            problems.append(f"shown: lesson {key.replace('.', ', step ')} has no answer in "
                            "this link, and an answer is revealed only after one; ignored")
        else:
            revealed.add(key)
    return frozenset(revealed)


def read_resume_query(query: Mapping[str, object], course: Course) -> Resume:
    """The position and answers of a link, every bad value reported and left out."""
    problems: list[str] = []
    raw = clean_query(query, PARAMETERS, problems)
    if not course.lessons:
        return Resume(1, 1, problems=tuple(problems))
    lesson, step = 1, 1
    if "lesson" in raw:
        lesson, problem = parse_int("lesson", raw["lesson"], 1, len(course.lessons), 1)
        if problem:
            problems.append(problem)
    n_steps = len(course.lesson(lesson).steps)
    if "step" in raw:
        step, problem = parse_int("step", raw["step"], 1, n_steps, 1)
        if problem:
            problems.append(problem)
    answers = _answers(course, raw.get("answers", ""), problems)
    revealed = _revealed(course, raw.get("shown", ""), answers, problems)
    return Resume(lesson, step, answers, revealed, tuple(problems))
