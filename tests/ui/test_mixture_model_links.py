"""The page's links, pure (ui/mixture_model/links.py): reading spec, n and seed, and the
hand-off link to the 2-D stepper."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_core import generative
from gmm_core.generative import decode_spec, encode_spec, sample_spec
from tests.core.test_generative import THREE
from tests.ui.escape_corpus import CORPUS
from ui.mixture_model.links import page_query, read_generated_query, stepper_query


def test_the_stepper_link_carries_everything_needed_to_rebuild_the_sample():
    query = stepper_query(THREE, 400, 9)
    assert query == {"dataset": "generated", "spec": encode_spec(THREE), "n": "400",
                     "dseed": "9", "k": "3"}
    rebuilt = sample_spec(decode_spec(query["spec"]), int(query["n"]), int(query["dseed"]))
    np.testing.assert_array_equal(rebuilt.X, sample_spec(THREE, 400, 9).X)


def test_reading_a_link_reports_bad_values_and_keeps_the_good_ones():
    default = generative.PRESET_SPECS["two-separated"][1]
    link = read_generated_query({"spec": "garbage", "n": "50", "seed": "x"}, default, 300, 0)
    assert link.spec == default and link.n_samples == 50 and link.seed == 0
    assert len(link.problems) == 2
    assert link.problems[0].startswith("spec: ") and "default mixture" in link.problems[0]
    assert "seed='x'" in link.problems[1]
    good = read_generated_query({"spec": [encode_spec(THREE)], "n": "9"}, default, 300, 1)
    assert good.spec == THREE and good.n_samples == 300 and good.seed == 1
    assert "n='9' is not a whole number from 10" in good.problems[0]


@given(st.dictionaries(st.sampled_from(["spec", "n", "seed", "other"]), st.text(max_size=40)))
@settings(max_examples=200, deadline=None)
def test_reading_any_link_never_raises(query):
    link = read_generated_query(query, THREE, 300, 0)
    assert generative.SAMPLE_MIN <= link.n_samples <= generative.SAMPLE_MAX
    assert 0 <= link.seed <= generative.SEED_MAX


# --- hostile links (issue #17) -----------------------------------------------------------------

_hostile_text = st.one_of(st.text(max_size=200), st.sampled_from(CORPUS),
                          st.text(alphabet="0123456789.-_~eE+ ", max_size=80))
_hostile_value = st.one_of(_hostile_text, st.lists(_hostile_text, max_size=3),
                           st.none(), st.integers(), st.floats())


@given(st.dictionaries(st.one_of(st.sampled_from(["spec", "n", "seed"]), _hostile_text),
                       _hostile_value, max_size=6))
@settings(max_examples=300, deadline=None)
def test_no_link_makes_the_reader_raise_and_every_problem_is_a_short_sentence(query):
    link = read_generated_query(query, THREE, 300, 0)
    assert generative.SAMPLE_MIN <= link.n_samples <= generative.SAMPLE_MAX
    assert 0 <= link.seed <= generative.SEED_MAX
    assert 1 <= link.spec.n_components <= generative.MAX_COMPONENTS
    assert link.present <= {"spec", "n", "seed"}
    for problem in link.problems:
        assert isinstance(problem, str) and problem.strip() and len(problem) <= 400
    # The page writes the spec back into its link: it reads back as the same mixture.
    assert decode_spec(page_query(link.spec, link.n_samples, link.seed)["spec"]) == link.spec


def test_unknown_parameters_and_huge_values_are_reported_once_each():
    link = read_generated_query({"[x](https://evil.example)": "1", "n": "9" * 3000,
                                 "seed": "7"}, THREE, 300, 0)
    assert link.seed == 7 and link.n_samples == 300 and link.present == {"seed"}
    assert len(link.problems) == 2
    assert "unknown parameter" in link.problems[0] and "longer than" in link.problems[1]
