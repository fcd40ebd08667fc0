"""The lessons as data: one TOML file per lesson in ``assets/lessons/``, read with ``tomllib``.

A lecturer edits the texts, questions, answers, tolerances, feedback and the numbers of each
lesson's example there; the app computes every figure and number from them. The lesson number
is the file's place in name order ("01_....toml" is Lesson 1).

A lesson file::

    title = "The generative story"
    minutes = 6                      # how long it takes, roughly
    summary = "..."                  # one line for the lesson list
    model = "generative_story"       # the computations behind it (ui.guided.models)

    [setup]                          # the example's numbers, read by the model
    weights = [0.8, 0.2]

    [[steps]]                        # kind: "read", "predict" or "compute"
    kind = "predict"
    text = "Markdown; {{name}} is a number the model computed"
    figure = "probe"                 # a picture the model draws (optional)
    question = "Which component ...?"
    input = "choice"                 # predict: "choice" or "points"; compute: "number"
    choices = [{ id = "1", label = "component 1" }, { id = "2", label = "component 2" }]
    answer = "{{most_likely}}"       # choice: an id (or a computed one); number and points:
                                     # the name of the model's number or points
    right = "Why it is right"
    wrong = "What is wrong (the default)"
    wrong_choice = { "2" = "the likely misconception behind choosing 2" }
    reveal = "Shown once the step is solved or `Show me` was pressed"
    reveal_figure = "posterior"
    tolerance = 0.01                 # number: absolute; points: a distance in data units
    relative = 0.0                   # number: relative tolerance, added to the absolute one
    low = 0.0                        # number: the plausible range (optional)
    high = 1.0
    out_of_range = "..."             # number: said when the value is outside low..high
    labels = ["μ₁", "μ₂"]            # points: what each point is (one 2-D point each)
    [[steps.mistakes]]               # last in a step: the keys after it belong to the mistake
    value = "r_without_weights"      # a number (or points) the model computes
    text = "the likely misconception behind that answer"
    tolerance = 1.0                  # optional: how near counts as this mistake

Templates use ``{{name}}`` (double braces, so LaTeX's ``{...}`` stays as it is). Everything
here is pure (no Streamlit).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ui import pages

LESSONS_DIR = Path(__file__).resolve().parents[2] / "assets" / "lessons"
KINDS = ("read", "predict", "compute")
INPUTS = {"predict": ("choice", "points"), "compute": ("number",), "read": ("",)}
MAX_POINTS = 6  # points a student places in one question
KIND_TITLES = {"read": "Read", "predict": "Predict", "compute": "Compute"}
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_CHOICE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,19}")
_STEP_FIELDS = frozenset({
    "kind", "text", "figure", "question", "input", "choices", "answer", "right", "wrong",
    "wrong_choice", "reveal", "reveal_figure", "tolerance", "relative", "low", "high",
    "out_of_range", "mistakes", "labels",
})
_LESSON_FIELDS = frozenset({"title", "minutes", "summary", "model", "setup", "steps"})


class LessonFileError(ValueError):
    """A lesson file that cannot be used; the message names the file and the place."""


class TemplateError(ValueError):
    """A ``{{name}}`` that the lesson's model does not compute."""


@dataclass(frozen=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True)
class Mistake:
    """A likely misconception: ``value`` names the model's number (or points) that it gives,
    ``text`` explains it (a template); ``tolerance``: how near an answer must be to count as
    this mistake (None: the step's tolerance; e.g. a percentage needs one 100 times larger)."""

    value: str
    text: str
    tolerance: float | None = None


@dataclass(frozen=True)
class Step:
    """One step of a lesson (see the module docstring for the fields)."""

    kind: str
    text: str = ""
    figure: str = ""
    question: str = ""
    input: str = ""
    choices: tuple[Choice, ...] = ()
    answer: str = ""
    right: str = ""
    wrong: str = ""
    wrong_choice: Mapping[str, str] = field(default_factory=dict)
    reveal: str = ""
    reveal_figure: str = ""
    tolerance: float = 0.0
    relative: float = 0.0
    low: float | None = None
    high: float | None = None
    out_of_range: str = ""
    mistakes: tuple[Mistake, ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def asks(self) -> bool:
        """Whether the step asks for an answer (Predict or Compute)."""
        return self.kind != "read"

    def choice_label(self, choice_id: str) -> str:
        return next((choice.label for choice in self.choices if choice.id == choice_id),
                    choice_id)


@dataclass(frozen=True)
class Lesson:
    """One lesson: its number (1-based), texts, the model behind it and its steps."""

    number: int
    title: str
    minutes: int
    summary: str
    model: str
    setup: Mapping[str, object]
    steps: tuple[Step, ...]
    source: str

    @property
    def heading(self) -> str:
        return f"Lesson {self.number} · {self.title}"


@dataclass(frozen=True)
class Course:
    """Every lesson that loaded, in order, and a problem sentence per file that did not."""

    lessons: tuple[Lesson, ...]
    problems: tuple[str, ...] = ()

    def lesson(self, number: int) -> Lesson:
        return self.lessons[number - 1]

    def positions(self) -> tuple[tuple[int, int], ...]:
        """Every (lesson, step), 1-based, in the order of the course."""
        return tuple((lesson.number, index + 1) for lesson in self.lessons
                     for index in range(len(lesson.steps)))


# --- templates --------------------------------------------------------------------------------


def placeholders(template: str) -> tuple[str, ...]:
    """The names a template uses, in order, each once."""
    return tuple(dict.fromkeys(_PLACEHOLDER.findall(template)))


def fill(template: str, facts: Mapping[str, str], where: str = "") -> str:
    """The template with every ``{{name}}`` replaced by ``facts[name]``.

    Raises TemplateError naming the missing names (and what the model does compute).
    """
    missing = [name for name in placeholders(template) if name not in facts]
    if missing:
        known = ", ".join(sorted(facts)) or "nothing"
        raise TemplateError(
            f"{where + ': ' if where else ''}{', '.join('{{' + name + '}}' for name in missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not computed by this lesson's model "
            f"(it computes: {known})."
        )
    return _PLACEHOLDER.sub(lambda match: str(facts[match.group(1)]), template)


def page_facts() -> dict[str, str]:
    """Links to the app's pages for every lesson's texts: ``{{page_em_in_2_d}}`` is the
    address of "EM in 2-D" relative to this page (from the page registry)."""
    return {"page_" + re.sub(r"[^a-z0-9]+", "_", page.url_path.lower()).strip("_"): page.link()
            for page in pages.PAGES}


# --- reading a file ---------------------------------------------------------------------------


def _text(raw: Mapping, name: str, where: str, *, required: bool = False) -> str:
    value = raw.get(name, "")
    if not isinstance(value, str):
        raise LessonFileError(f"{where}: {name} must be a text, not {type(value).__name__}")
    if required and not value.strip():
        raise LessonFileError(f"{where}: {name} is missing")
    return value.strip()


def _number(raw: Mapping, name: str, where: str, default: float | None) -> float | None:
    value = raw.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LessonFileError(f"{where}: {name} must be a finite number, not {value!r}")
    return float(value)


def _choices(raw: Mapping, where: str) -> tuple[Choice, ...]:
    entries = raw.get("choices", [])
    if not isinstance(entries, list) or len(entries) < 2:
        raise LessonFileError(f"{where}: a choice question needs at least two choices")
    choices = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"id", "label"}:
            raise LessonFileError(f"{where}: each choice is {{ id = \"...\", label = \"...\" }}")
        choice_id, label = str(entry["id"]), str(entry["label"])
        if not _CHOICE_ID.fullmatch(choice_id):
            raise LessonFileError(f"{where}: choice id {choice_id!r} must be 1-20 lower-case "
                                  "letters, digits or '-', starting with a letter or digit")
        choices.append(Choice(choice_id, label))
    ids = [choice.id for choice in choices]
    if len(set(ids)) != len(ids):
        raise LessonFileError(f"{where}: two choices share an id")
    return tuple(choices)


def _mistakes(raw: Mapping, where: str) -> tuple[Mistake, ...]:
    entries = raw.get("mistakes", [])
    if not isinstance(entries, list) or not all(
            isinstance(entry, dict) and {"value", "text"} <= set(entry) <= {
                "value", "text", "tolerance"} for entry in entries):
        raise LessonFileError(f"{where}: mistakes is a list of tables with value, text and "
                              "(optionally) tolerance ([[steps.mistakes]])")
    mistakes = []
    for entry in entries:
        allowed = _number(entry, "tolerance", f"{where}, mistake {entry['value']!r}", None)
        if allowed is not None and allowed <= 0:
            raise LessonFileError(f"{where}: a mistake's tolerance must be positive")
        mistakes.append(Mistake(str(entry["value"]), str(entry["text"]).strip(), allowed))
    return tuple(mistakes)


def _labels(raw: Mapping, where: str) -> tuple[str, ...]:
    labels = raw.get("labels", [])
    if (not isinstance(labels, list) or not 1 <= len(labels) <= MAX_POINTS
            or not all(isinstance(label, str) and label.strip() for label in labels)):
        raise LessonFileError(f"{where}: a points question needs labels, 1 to {MAX_POINTS} "
                              "names of the points to place")
    return tuple(label.strip() for label in labels)


def _step(raw: object, where: str) -> Step:
    if not isinstance(raw, dict):
        raise LessonFileError(f"{where}: a step is a table ([[steps]])")
    unknown = sorted(set(raw) - _STEP_FIELDS)
    if unknown:
        raise LessonFileError(f"{where}: unknown field(s) {', '.join(unknown)}")
    kind = _text(raw, "kind", where, required=True)
    if kind not in KINDS:
        raise LessonFileError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    input_kind = _text(raw, "input", where) or INPUTS[kind][0]
    if input_kind not in INPUTS[kind]:
        raise LessonFileError(f"{where}: a {kind} step takes input "
                              f"{' or '.join(repr(name) for name in INPUTS[kind])}")
    wrong_choice = raw.get("wrong_choice", {})
    if not isinstance(wrong_choice, dict) or not all(
            isinstance(text, str) for text in wrong_choice.values()):
        raise LessonFileError(f"{where}: wrong_choice maps choice ids to texts")
    step = Step(
        kind=kind, text=_text(raw, "text", where, required=kind == "read"),
        figure=_text(raw, "figure", where), question=_text(raw, "question", where),
        input=input_kind if kind != "read" else "",
        choices=_choices(raw, where) if input_kind == "choice" else (),
        answer=_text(raw, "answer", where), right=_text(raw, "right", where),
        wrong=_text(raw, "wrong", where),
        wrong_choice={str(key): text.strip() for key, text in wrong_choice.items()},
        reveal=_text(raw, "reveal", where), reveal_figure=_text(raw, "reveal_figure", where),
        tolerance=_number(raw, "tolerance", where, 0.0),
        relative=_number(raw, "relative", where, 0.0),
        low=_number(raw, "low", where, None), high=_number(raw, "high", where, None),
        out_of_range=_text(raw, "out_of_range", where), mistakes=_mistakes(raw, where),
        labels=_labels(raw, where) if input_kind == "points" else (),
    )
    if step.asks:
        _check_question(step, where)
    return step


def _check_question(step: Step, where: str) -> None:
    for name in ("question", "answer", "right"):
        if not getattr(step, name):
            raise LessonFileError(f"{where}: a {step.kind} step needs {name}")
    if step.input == "choice":
        ids = {choice.id for choice in step.choices}
        literal = not placeholders(step.answer)
        if literal and step.answer not in ids:
            raise LessonFileError(f"{where}: answer {step.answer!r} is not one of the choices")
        unknown = sorted(set(step.wrong_choice) - ids)
        if unknown:
            raise LessonFileError(f"{where}: wrong_choice names unknown choice(s) "
                                  f"{', '.join(unknown)}")
        uncovered = [choice.id for choice in step.choices
                     if choice.id not in step.wrong_choice and (literal is False
                                                                or choice.id != step.answer)]
        if uncovered and not step.wrong:
            raise LessonFileError(f"{where}: choice(s) {', '.join(uncovered)} have no feedback: "
                                  "give wrong_choice for them or a default wrong text")
    else:
        if not step.wrong:
            raise LessonFileError(f"{where}: a {step.input} question needs a wrong text")
        if step.tolerance < 0 or step.relative < 0 or step.tolerance + step.relative <= 0:
            raise LessonFileError(f"{where}: tolerance (and relative) must be >= 0, not both 0")
        if step.low is not None and step.high is not None and step.low >= step.high:
            raise LessonFileError(f"{where}: low must be below high")


def read_lesson(path: Path, number: int) -> Lesson:
    """One lesson file; raises LessonFileError with the file name and the place."""
    where = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise LessonFileError(f"{where}: cannot be read as TOML ({error})") from None
    unknown = sorted(set(raw) - _LESSON_FIELDS)
    if unknown:
        raise LessonFileError(f"{where}: unknown field(s) {', '.join(unknown)}")
    minutes = _number(raw, "minutes", where, 5.0)
    setup = raw.get("setup", {})
    steps = raw.get("steps", [])
    if not isinstance(setup, dict):
        raise LessonFileError(f"{where}: setup must be a table ([setup])")
    if not isinstance(steps, list) or not steps:
        raise LessonFileError(f"{where}: a lesson needs at least one step ([[steps]])")
    return Lesson(
        number=number, title=_text(raw, "title", where, required=True),
        minutes=int(minutes), summary=_text(raw, "summary", where),
        model=_text(raw, "model", where, required=True), setup=setup,
        steps=tuple(_step(step, f"{where}, step {index + 1}")
                    for index, step in enumerate(steps)),
        source=path.name,
    )


def load_course(directory: Path = LESSONS_DIR) -> Course:
    """Every ``*.toml`` in ``directory`` in name order; a file that does not load is left out
    and its problem reported (the other lessons keep their numbers' order)."""
    lessons: list[Lesson] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            lessons.append(read_lesson(path, len(lessons) + 1))
        except LessonFileError as error:
            problems.append(str(error))
    return Course(tuple(lessons), tuple(problems))
