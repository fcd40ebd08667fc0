"""The resume link of "Guided lessons" (ui/guided/resume.py): a position and every answer in
the query string, read back exactly; hostile or stale values are reported and left out, and
reading never raises."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.guided.content import load_course
from ui.guided.resume import PARAMETERS, read_resume_query, resume_query, step_key
from ui.kit.links import link_url

COURSE = load_course()
QUESTIONS = {step_key(lesson.number, index + 1): step for lesson in COURSE.lessons
             for index, step in enumerate(lesson.steps) if step.asks}


def _key_of(kind: str) -> str:
    return next(key for key, step in QUESTIONS.items() if step.input == kind)


CHOICE, NUMBER, POINTS = _key_of("choice"), _key_of("number"), _key_of("points")


def test_a_position_and_answers_of_every_kind_round_trip_through_a_shared_address():
    answers = {CHOICE: QUESTIONS[CHOICE].choices[1].id, NUMBER: 0.1 + 0.2,
               POINTS: (-1.5, 0.30000000000000004, 1e-05, -2.0)}
    query = resume_query(3, 2, answers, {NUMBER})
    # Through a real address (as the resume box writes it) and back.
    shared = dict(parse_qsl(urlsplit(link_url("http://host/Guided_lessons", query)).query))
    resume = read_resume_query(shared, COURSE)
    assert resume.problems == ()
    assert (resume.lesson, resume.step) == (3, 2)
    assert resume.answers == answers  # exact floats, not rounded
    assert resume.revealed == {NUMBER}


def test_the_query_holds_only_what_there_is():
    assert resume_query(1, 1, {}, set()) == {"lesson": "1", "step": "1"}
    query = resume_query(2, 4, {"2.3": 1.5, "1.2": "1"}, set())
    assert query["answers"] == "1.2_1;2.3_1.5"  # in course order


@st.composite
def _record(draw):
    keys = draw(st.lists(st.sampled_from(sorted(QUESTIONS)), unique=True))
    answers = {}
    for key in keys:
        step = QUESTIONS[key]
        number = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
        if step.input == "choice":
            answers[key] = draw(st.sampled_from([choice.id for choice in step.choices]))
        elif step.input == "number":
            answers[key] = draw(number) + 0.0
        else:
            answers[key] = tuple(draw(number) + 0.0 for _ in range(2 * len(step.labels)))
    revealed = draw(st.sets(st.sampled_from(keys))) if keys else set()
    lesson = draw(st.integers(1, len(COURSE.lessons)))
    step = draw(st.integers(1, len(COURSE.lesson(lesson).steps)))
    return lesson, step, answers, revealed


@settings(max_examples=60, deadline=None)
@given(_record())
def test_any_record_round_trips(record):
    lesson, step, answers, revealed = record
    resume = read_resume_query(resume_query(lesson, step, answers, revealed), COURSE)
    assert resume.problems == ()
    assert (resume.lesson, resume.step, dict(resume.answers), resume.revealed) == (
        lesson, step, answers, revealed)


@pytest.mark.parametrize(("query", "said"), [
    ({"lesson": "99"}, "lesson='99' is not a whole number from 1 to 7"),
    ({"lesson": "[x](https://evil.example)"}, "lesson='[x](https://evil.example)'"),
    ({"lesson": "2", "step": "0"}, "step='0' is not a whole number from 1 to 5"),
    ({"answers": "9.9_1"}, "does not name a question"),
    ({"answers": "1.1_1"}, "does not name a question"),  # lesson 1, step 1 is a Read step
    ({"answers": f"{CHOICE}_maybe"}, "'maybe' is not an answer to lesson"),
    ({"answers": f"{NUMBER}_nan"}, "'nan' is not an answer"),
    ({"answers": f"{NUMBER}_1e400"}, "is not an answer"),
    ({"answers": f"{POINTS}_1,2,3"}, "'1,2,3' is not an answer"),
    ({"answers": "no-separator"}, "does not name a question"),
    ({"shown": CHOICE}, "has no answer in this link"),
    ({"shown": "x.y"}, "does not name a question"),
    ({"k": "3"}, "unknown parameter 'k' ignored"),
    ({"![](https://evil.example/p.png)": "1"}, "unknown parameter"),
    ({"answers": "1" * 3000}, "longer than 2000 characters"),
])
def test_a_bad_value_is_reported_and_left_out(query, said):
    resume = read_resume_query(query, COURSE)
    assert any(said in problem for problem in resume.problems), resume.problems
    assert 1 <= resume.lesson <= len(COURSE.lessons)
    assert 1 <= resume.step <= len(COURSE.lesson(resume.lesson).steps)


def test_good_entries_survive_beside_bad_ones():
    query = {"lesson": "2", "step": "3",
             "answers": f"{CHOICE}_{QUESTIONS[CHOICE].choices[0].id};junk;{NUMBER}_0.5",
             "shown": f"{NUMBER};{POINTS}"}
    resume = read_resume_query(query, COURSE)
    assert resume.answers == {CHOICE: QUESTIONS[CHOICE].choices[0].id, NUMBER: 0.5}
    assert resume.revealed == {NUMBER}
    assert len(resume.problems) == 2


def test_more_entries_than_questions_are_cut():
    entries = ";".join([f"{NUMBER}_0.5"] * (len(QUESTIONS) + 5))
    resume = read_resume_query({"answers": entries}, COURSE)
    assert "only the first" in resume.problems[0]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([*PARAMETERS, "x", "step "]), st.text(max_size=60),
                       max_size=5))
def test_no_query_makes_reading_raise(query):
    resume = read_resume_query(query, COURSE)
    assert 1 <= resume.lesson <= len(COURSE.lessons)
    assert 1 <= resume.step <= len(COURSE.lesson(resume.lesson).steps)
    for key, answer in resume.answers.items():
        assert key in QUESTIONS
        assert answer is not None
