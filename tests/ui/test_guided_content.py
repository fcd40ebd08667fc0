"""The shipped lessons (assets/lessons/*.toml) and their models (ui/guided/models/): every text
renders, every answer and misconception is computed and can be told apart, every figure exists
and has a text alternative, and the numbers the lessons state agree with independent
computations. Also the lesson-file reader's messages for broken files."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.metrics import adjusted_rand_score

from gmm_core.mixture import log_likelihood
from ui.figures import figure_style
from ui.guided.checking import choice_answer, evaluate, tolerance
from ui.guided.content import (
    Course,
    LessonFileError,
    fill,
    load_course,
    page_facts,
    placeholders,
    read_lesson,
)
from ui.guided.models import MODELS, SetupError, build
from ui.pages import PAGES

COURSE = load_course()


def model_of(number: int):
    lesson = COURSE.lesson(number)
    return build(lesson.model, lesson.setup)


def test_the_course_has_seven_lessons_in_the_lectures_order():
    assert COURSE.problems == ()
    assert [lesson.heading for lesson in COURSE.lessons] == [
        "Lesson 1 · The generative story", "Lesson 2 · Responsibilities by hand",
        "Lesson 3 · The M-step", "Lesson 4 · The log-likelihood",
        "Lesson 5 · Where EM goes wrong", "Lesson 6 · k-means or EM?",
        "Lesson 7 · How many components?"]
    for lesson in COURSE.lessons:
        assert 5 <= lesson.minutes <= 10
        kinds = {step.kind for step in lesson.steps}
        assert "predict" in kinds or "compute" in kinds, lesson.title
    all_kinds = {step.kind for lesson in COURSE.lessons for step in lesson.steps}
    assert all_kinds == {"read", "predict", "compute"}


def test_page_links_name_every_page_of_the_registry():
    links = page_facts()
    assert set(links.values()) == {page.url_path for page in PAGES}
    assert links["page_em_in_2_d"] == "EM_in_2-D"


def _answers(step, model, facts):
    """(a right answer, wrong answers) for a question, as the page stores them."""
    if step.input == "choice":
        right = choice_answer(step, facts)
        return right, [choice.id for choice in step.choices if choice.id != right]
    if step.input == "number":
        truth = model.numbers[step.answer]
        wrong = [model.numbers[mistake.value] for mistake in step.mistakes]
        return truth, [*wrong, truth + 3 * tolerance(step, truth) + 1.0]
    truth = np.asarray(model.points[step.answer], dtype=float)
    wrong = [np.asarray(model.points[mistake.value], dtype=float) for mistake in step.mistakes]
    flat = [tuple(points.ravel()) for points in (*wrong, truth + 3 * step.tolerance)]
    return tuple(truth.ravel()), flat


@pytest.mark.parametrize("number", range(1, 8))
def test_every_text_renders_and_every_answer_is_computed(number):
    lesson = COURSE.lesson(number)
    model = model_of(number)
    facts = {**page_facts(), **model.facts}
    names = set(model.picture_names())
    style = figure_style(300)
    for index, step in enumerate(lesson.steps, 1):
        where = f"lesson {number}, step {index}"
        for template in (step.text, step.question):
            fill(template, facts, where)  # shown before any answer
        for name in filter(None, (step.figure, step.reveal_figure)):
            assert name in names, (where, name)
            for picture in model.pictures(name, style, None):
                assert picture.description.endswith("."), (where, name)
                assert len(picture.description) > 40
        if not step.asks:
            continue
        right, wrongs = _answers(step, model, facts)
        outcome = evaluate(step, right, facts, model.numbers, model.points)
        assert outcome.correct, where
        templates = [step.right, step.reveal, step.wrong, step.out_of_range,
                     *step.wrong_choice.values(), *(mistake.text for mistake in step.mistakes)]
        for answer in (right, *wrongs):
            outcome = evaluate(step, answer, facts, model.numbers, model.points)
            if answer is not right:
                assert not outcome.correct, (where, answer)
            for template in templates:
                fill(template, {**facts, **outcome.facts}, where)


@pytest.mark.parametrize("number", range(1, 8))
def test_every_misconception_is_computed_and_told_apart_from_the_truth(number):
    lesson = COURSE.lesson(number)
    model = model_of(number)
    facts = {**page_facts(), **model.facts}
    for index, step in enumerate(lesson.steps, 1):
        where = f"lesson {number}, step {index}"
        if step.input == "number":
            truth = model.numbers[step.answer]
            for mistake in step.mistakes:
                value = model.numbers[mistake.value]
                assert abs(value - truth) > 2 * tolerance(step, truth), (where, mistake.value)
                outcome = evaluate(step, value, facts, model.numbers, model.points)
                assert outcome.feedback == (mistake.text,), (where, mistake.value)
        elif step.input == "points":
            truth = np.asarray(model.points[step.answer])
            assert truth.shape == (len(step.labels), 2)
            for mistake in step.mistakes:
                points = np.asarray(model.points[mistake.value])
                distances = np.linalg.norm(points - truth, axis=1)
                assert np.all(distances > 2 * step.tolerance), (where, mistake.value)
                outcome = evaluate(step, tuple(points.ravel()), facts, model.numbers,
                                   model.points)
                assert mistake.text in outcome.feedback, (where, mistake.value)
        elif step.input == "choice":
            right = choice_answer(step, facts)
            for choice in step.choices:
                if choice.id != right:
                    assert choice.id in step.wrong_choice or step.wrong, (where, choice.id)


# --- the lessons' premises and numbers, computed independently -----------------------------------


def test_lesson_1_the_weights_overrule_the_nearest_mean():
    model = model_of(1)
    setup = COURSE.lesson(1).setup
    x, (pi1, pi2), (mu1, mu2), (s1, s2) = (setup["point"], setup["weights"], setup["means"],
                                           setup["sds"])
    weighted = np.array([pi1 * norm.pdf(x, mu1, s1), pi2 * norm.pdf(x, mu2, s2)])
    posterior = weighted / weighted.sum()
    assert model.numbers["r_1"] == pytest.approx(posterior[0], rel=1e-12)
    assert model.facts["most_likely"] == "1" and model.facts["nearest"] == "2"
    assert model.facts["most_likely_equal"] == "2"
    # "Sample and see": the share near x estimates the posterior.
    n_near = int(model.facts["n_near"])
    assert n_near > 100
    assert abs(model.numbers["share_near_1"] - posterior[0]) < 4 * math.sqrt(0.25 / n_near)


def test_lesson_2_the_worked_numbers_are_the_e_step_by_hand():
    model = model_of(2)
    setup = COURSE.lesson(2).setup
    x = np.array(setup["points"])
    (pi1, pi2), (mu1, mu2), (s1, s2) = setup["weights"], setup["means"], setup["sds"]
    weighted = np.column_stack([pi1 * norm.pdf(x, mu1, s1), pi2 * norm.pdf(x, mu2, s2)])
    r = weighted / weighted.sum(axis=1, keepdims=True)
    i = setup["point"] - 1
    assert model.numbers["r"] == pytest.approx(r[i, 0], rel=1e-12)
    assert model.numbers["soft_count"] == pytest.approx(r[:, 0].sum(), rel=1e-12)
    assert model.numbers["new_weight"] == pytest.approx(r[:, 0].mean(), rel=1e-12)
    unweighted = norm.pdf(x[i], [mu1, mu2], [s1, s2])
    assert model.numbers["r_without_weights"] == pytest.approx(unweighted[0] / unweighted.sum())
    as_sd = np.array([pi1, pi2]) * norm.pdf(x[i], [mu1, mu2], [s1**2, s2**2])
    assert model.numbers["r_variance_as_sd"] == pytest.approx(as_sd[0] / as_sd.sum())
    assert model.numbers["r_over_points"] == pytest.approx(weighted[i, 0] / weighted[:, 0].sum())
    assert "0.6945" in model.facts["worked_r"] and "0.2016" in model.facts["worked_densities"]


def test_lesson_3_the_new_means_are_the_responsibility_weighted_averages():
    model = model_of(3)
    X, r = model.X, model.r
    expected = (r.T @ X) / r.sum(axis=0)[:, None]
    assert np.allclose(model.points["new_means"], expected, rtol=1e-9)
    assert np.allclose(model.points["data_mean"], X.mean(axis=0))
    assert model.facts["pi_change"] == ("down" if r[:, 0].mean() < 0.5 else "up")


def test_lesson_4_the_e_step_keeps_l_and_the_m_step_raises_it():
    model = model_of(4)
    index = model.index
    ell = [log_likelihood(model.X, model.path.shown_params(j)) for j in range(index, index + 3)]
    assert ell[1] == ell[0] and ell[2] > ell[1] + 1.0
    assert model.facts["e_change"] == "same" and model.facts["m_change"] == "up"
    # The bound touches ℓ after the E-step and lies under it after the M-step.
    after_e, after_m = model.states[index + 1], model.states[index + 2]
    assert after_e.bound == pytest.approx(after_e.log_likelihood, abs=1e-9)
    assert after_m.bound < after_m.log_likelihood
    # With a large λ, ℓ falls at M-steps (the demo run).
    assert model.facts["lambda_falls"] == "yes"
    values = model.demo.log_likelihoods
    assert any(after < before for before, after in zip(values[:-1], values[1:], strict=True))


def test_lesson_5_the_collapse_the_floor_and_the_bad_start():
    model = model_of(5)
    assert model.bare.status == "collapsed" and model.facts["collapse_outcome"] == "unbounded"
    assert model.floored.status == "converged" and model.facts["lambda_outcome"] == "finite"
    assert model.floored[-1].params.covariances[1, 0, 0] >= 1e-6
    assert model.facts["degenerate"] == "yes"
    assert model.facts["bad_outcome"] == "worse"
    assert model.bad[-1].log_likelihood < model.good[-1].log_likelihood - 100


def test_lesson_6_who_finds_the_true_groups_by_the_adjusted_rand_index():
    model = model_of(6)
    for comparison in model.comparisons:
        assert comparison.kmeans_ari == pytest.approx(
            adjusted_rand_score(comparison.data.labels, comparison.kmeans_labels))
        assert comparison.em_ari == pytest.approx(
            adjusted_rand_score(comparison.data.labels, comparison.em_labels))
    assert [model.facts[f"winner_{n}"] for n in (1, 2, 3)] == ["both", "em", "em"]


def test_lesson_7_bic_and_aic_choose_what_the_grid_says():
    model = model_of(7)
    entries = {entry.n_components: entry for entry in model.grid.entries}
    n = len(model.data.X)
    bics = {k: -2 * entry.fit.log_likelihood + entry.n_params * math.log(n)
            for k, entry in entries.items() if not entry.degenerate}
    assert int(model.facts["bic_k"]) == min(bics, key=bics.get)
    assert model.facts["bic_k"] == model.facts["true_k"] == "3"
    assert int(model.facts["aic_k"]) >= int(model.facts["bic_k"])  # log N > 2


# --- broken lesson files -------------------------------------------------------------------------

GOOD = '''
title = "T"
model = "generative_story"
[[steps]]
kind = "read"
text = "hello"
'''


@pytest.mark.parametrize(("text", "said"), [
    ("title = ", "cannot be read as TOML"),
    ('title = "T"\nmodel = "m"', "at least one step"),
    (GOOD + 'colour = "red"', "unknown field"),
    (GOOD + '[[steps]]\nkind = "quiz"', "kind must be one of"),
    (GOOD + '[[steps]]\nkind = "predict"\nquestion = "q"\nanswer = "9"\nright = "r"\n'
            'choices = [{ id = "1", label = "a" }, { id = "2", label = "b" }]',
     "not one of the choices"),
    (GOOD + '[[steps]]\nkind = "predict"\nquestion = "q"\nanswer = "{{x}}"\nright = "r"\n'
            'choices = [{ id = "1", label = "a" }, { id = "2", label = "b" }]',
     "have no feedback"),
    (GOOD + '[[steps]]\nkind = "compute"\nquestion = "q"\nanswer = "r"\nright = "r"\n'
            'wrong = "w"', "not both 0"),
    (GOOD + '[[steps]]\nkind = "predict"\ninput = "points"\nquestion = "q"\nanswer = "p"\n'
            'right = "r"\nwrong = "w"\ntolerance = 1', "needs labels"),
    (GOOD + '[[steps]]\nkind = "compute"\ninput = "choice"', "takes input"),
])
def test_a_broken_lesson_file_is_refused_with_its_place_named(tmp_path, text, said):
    path = tmp_path / "01_broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LessonFileError, match=said) as raised:
        read_lesson(path, 1)
    assert str(raised.value).startswith("01_broken.toml")


def test_a_broken_file_leaves_the_other_lessons_in_order(tmp_path):
    (tmp_path / "01_a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "02_b.toml").write_text("title = ", encoding="utf-8")
    (tmp_path / "03_c.toml").write_text(GOOD.replace('"T"', '"C"'), encoding="utf-8")
    course = load_course(tmp_path)
    assert isinstance(course, Course)
    assert [(lesson.number, lesson.title) for lesson in course.lessons] == [(1, "T"), (2, "C")]
    assert len(course.problems) == 1 and course.problems[0].startswith("02_b.toml")


def test_a_template_names_what_is_missing_and_what_exists():
    assert placeholders("{{a}} and {{ b }} and {{a}}") == ("a", "b")
    assert fill("π = {{ pi }}", {"pi": "0.8"}) == "π = 0.8"
    with pytest.raises(Exception, match=r"\{\{nope\}\} is not computed .*it computes: pi"):
        fill("{{nope}}", {"pi": "0.8"}, "step 2")


def test_a_models_setup_is_checked():
    with pytest.raises(SetupError, match="does not exist"):
        build("no_such_model", {})
    with pytest.raises(SetupError, match="weights must sum to 1"):
        build("generative_story", {**COURSE.lesson(1).setup, "weights": [0.5, 0.6]})
    with pytest.raises(SetupError, match="needs point"):
        build("generative_story", {key: value for key, value in COURSE.lesson(1).setup.items()
                                   if key != "point"})
    with pytest.raises(SetupError, match="no figure 'nope'"):
        model_of(1).pictures("nope", figure_style(10))
    assert set(MODELS) == {lesson.model for lesson in COURSE.lessons}
