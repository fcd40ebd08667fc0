"""Checking a student's answers (ui/guided/checking.py): typed numbers as people type them,
tolerances, the misconception a wrong number or point matches, choices, and the answer in
words for `Show me`."""

import numpy as np
import pytest

from ui.guided.checking import (
    MAX_TYPED,
    answer_text,
    check_choice,
    check_number,
    check_points,
    choice_answer,
    evaluate,
    read_number,
    tolerance,
)
from ui.guided.content import Choice, Mistake, Step, TemplateError

# --- typed numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "value"), [
    ("0.73", 0.73),
    ("0,73", 0.73),            # a decimal comma
    (" 0,73 ", 0.73),          # spaces around
    ("−0.5", -0.5),            # U+2212, pasted from a PDF
    ("– 1,5", -1.5),           # an en dash and a space
    (".5", 0.5),
    ("6.9e-1", 0.69),
    ("１２", 12.0),             # full-width digits
    ("1 000", 1000.0),         # a thousands space
])
def test_typed_numbers_are_read_as_people_type_them(typed, value):
    parsed, problem = read_number(typed)
    assert problem is None
    assert parsed == pytest.approx(value)


@pytest.mark.parametrize(("typed", "said"), [
    ("", "Type a number"),
    ("   ", "Type a number"),
    ("abc", "is not a number"),
    ("0.7.3", "is not a number"),
    ("1,234", "is ambiguous"),
    ("1.5,2", "both a point and a comma"),
    ("½", "is not a digit you can type"),
    ("²", "is not a digit you can type"),
    ("inf", "is not a finite number"),
    ("nan", "is not a finite number"),
    ("1e400", "beyond the range"),
    ("1e13", "out of range"),
    ("9" * 101, "characters long"),
])
def test_empty_absurd_and_ambiguous_input_gets_a_clear_message(typed, said):
    parsed, problem = read_number(typed)
    assert parsed is None
    assert said in problem


def test_a_problem_quotes_what_was_typed_escaped_for_markdown():
    _value, problem = read_number("[x](https://evil.example)")
    assert "[x](" not in problem and r"\[x\]" in problem


def test_the_plausible_range_is_bounded():
    assert read_number(str(MAX_TYPED))[0] == MAX_TYPED
    assert read_number(str(-MAX_TYPED))[0] == -MAX_TYPED


# --- numbers against the truth ------------------------------------------------------------------


def number_step(**changes) -> Step:
    fields = dict(kind="compute", input="number", question="r = ?", answer="r",
                  tolerance=0.01, right="right {{typed}}", wrong="wrong by {{difference}}",
                  low=0.0, high=1.0, out_of_range="out of range {{typed}}",
                  mistakes=(Mistake("without_weights", "no weights"),
                            Mistake("percent", "a percentage", tolerance=1.0),
                            Mistake("too_close", "never said: within the tolerance of r")))
    fields.update(changes)
    return Step(**fields)


NUMBERS = {"r": 0.6945, "without_weights": 0.6025, "percent": 69.45, "too_close": 0.699}


@pytest.mark.parametrize("value", [0.6945, 0.69, 0.70, 0.6845, 0.7045])
def test_a_number_within_the_tolerance_is_right(value):
    outcome = check_number(value, number_step(), NUMBERS)
    assert outcome.correct
    assert outcome.feedback == ("right {{typed}}",)


@pytest.mark.parametrize("value", [0.684, 0.705, 0.0, 1.0])
def test_a_number_outside_the_tolerance_is_wrong_and_says_by_how_much(value):
    outcome = check_number(value, number_step(), NUMBERS)
    assert not outcome.correct
    assert outcome.feedback == ("wrong by {{difference}}",)
    assert float(outcome.facts["difference"]) == pytest.approx(abs(value - 0.6945), rel=1e-2)


def test_a_relative_tolerance_adds_to_the_absolute_one():
    step = number_step(tolerance=0.0, relative=0.1)
    assert tolerance(step, 0.6945) == pytest.approx(0.06945)
    assert check_number(0.75, step, NUMBERS).correct
    assert not check_number(0.77, step, NUMBERS).correct
    assert tolerance(number_step(tolerance=0.01, relative=0.1), -2.0) == pytest.approx(0.21)


def test_a_wrong_number_that_matches_a_misconception_gets_its_explanation():
    assert check_number(0.60, number_step(), NUMBERS).feedback == ("no weights",)
    # The percentage lies outside 0..1, but the misconception explains more than "out of range";
    # it has its own tolerance (a percentage is typed to a whole number or so).
    assert check_number(69, number_step(), NUMBERS).feedback == ("a percentage",)
    assert check_number(70.4, number_step(), NUMBERS).feedback == ("a percentage",)
    assert check_number(71, number_step(), NUMBERS).feedback == ("out of range {{typed}}",)


def test_a_misconception_within_the_tolerance_of_the_truth_is_never_blamed():
    # 0.699 is right (within 0.01 of 0.6945); 0.7085 is wrong but as close to "too_close"
    # as to anything: that mistake cannot be told apart from the truth, so the default applies.
    assert check_number(0.699, number_step(), NUMBERS).correct
    assert check_number(0.7085, number_step(), NUMBERS).feedback == ("wrong by {{difference}}",)


def test_a_number_outside_the_plausible_range_says_so():
    outcome = check_number(3.2, number_step(), NUMBERS)
    assert outcome.feedback == ("out of range {{typed}}",)
    assert outcome.facts["typed"] == "3.2"
    # Without an out_of_range text the default wrong text is said.
    assert check_number(3.2, number_step(out_of_range=""), NUMBERS).feedback == (
        "wrong by {{difference}}",)


# --- choices ------------------------------------------------------------------------------------


def choice_step(**changes) -> Step:
    fields = dict(kind="predict", input="choice", question="Which?", answer="{{best}}",
                  choices=(Choice("1", "component 1"), Choice("2", "component 2"),
                           Choice("3", "component 3")),
                  right="yes", wrong="no (default)", wrong_choice={"2": "nearest is not enough"})
    fields.update(changes)
    return Step(**fields)


def test_a_choice_is_right_or_gets_the_feedback_of_its_misconception():
    step = choice_step()
    assert check_choice("1", step, "1").correct
    assert check_choice("2", step, "1").feedback == ("nearest is not enough",)
    assert check_choice("3", step, "1").feedback == ("no (default)",)
    assert check_choice("3", step, "1").facts == {"chosen": "component 3",
                                                 "answer": "component 1"}


def test_a_computed_answer_must_be_one_of_the_choices():
    step = choice_step()
    assert choice_answer(step, {"best": "2"}) == "2"
    with pytest.raises(ValueError, match="not one of the choices"):
        choice_answer(step, {"best": "7"})
    with pytest.raises(TemplateError, match="best"):
        choice_answer(step, {})


# --- points -------------------------------------------------------------------------------------


def points_step(**changes) -> Step:
    fields = dict(kind="predict", input="points", question="Where?", answer="new",
                  labels=("μ₁", "μ₂"), tolerance=0.5, right="both close: {{per_point}}",
                  wrong="{{per_point}}",
                  mistakes=(Mistake("old", "the means do not creep"),
                            Mistake("swapped", "swapped")))
    fields.update(changes)
    return Step(**fields)


POINTS = {"new": np.array([[-1.5, 0.3], [1.5, 0.75]]),
          "old": np.array([[-2.5, 2.0], [2.5, -1.0]]),
          "swapped": np.array([[1.5, 0.75], [-1.5, 0.3]])}


def test_points_within_the_tolerance_are_right_with_their_distances():
    outcome = check_points(np.array([[-1.2, 0.3], [1.5, 1.1]]), points_step(), POINTS)
    assert outcome.correct
    assert outcome.facts["distance_1"] == "0.3" and outcome.facts["distance_2"] == "0.35"
    assert outcome.facts["guess_1"] == "(-1.20, 0.30)"
    assert outcome.facts["truth_2"] == "(1.50, 0.75)"
    assert "μ₁: your guess (-1.20, 0.30) is 0.3 from (-1.50, 0.30) (close enough)" in (
        outcome.facts["per_point"])


def test_one_point_too_far_makes_the_answer_wrong():
    outcome = check_points(np.array([[-1.5, 0.3], [3.0, 0.75]]), points_step(), POINTS)
    assert not outcome.correct
    assert "μ₂: your guess (3.00, 0.75) is 1.5 from (1.50, 0.75) (too far)" in (
        outcome.facts["per_point"])
    assert outcome.feedback == ("{{per_point}}",)


def test_points_on_a_misconception_get_its_explanation_and_the_distances():
    outcome = check_points(POINTS["old"] + 0.1, points_step(), POINTS)
    assert outcome.feedback == ("the means do not creep", "{{per_point}}")
    outcome = check_points(POINTS["swapped"], points_step(), POINTS)
    assert outcome.feedback == ("swapped", "{{per_point}}")


# --- any kind -----------------------------------------------------------------------------------


def test_evaluate_and_answer_text_serve_every_kind():
    assert evaluate(choice_step(), "1", {"best": "1"}, {}, {}).correct
    assert not evaluate(number_step(), 0.5, {}, NUMBERS, {}).correct
    assert evaluate(points_step(), (-1.5, 0.3, 1.5, 0.75), {}, {}, POINTS).correct
    assert answer_text(choice_step(), {"best": "2"}, {}, {}) == "component 2"
    assert answer_text(number_step(), {}, NUMBERS, {}) == "0.6945"
    assert answer_text(points_step(), {}, {}, POINTS) == "μ₁ = (-1.50, 0.30), μ₂ = (1.50, 0.75)"
