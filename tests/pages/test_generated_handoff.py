"""The hand-off from "The mixture model" to the 2-D stepper: a link with dataset=generated."""

import numpy as np

from gmm_core import generative
from tests.pages.stepper_helpers import charts, decode
from ui.kit.view_settings import parse_query, stepper_link_spec, to_query
from ui.mixture_model.links import stepper_query

PAGE = "pages/3_EM_in_2-D.py"
SPEC = generative.PRESET_SPECS["two-separated"][1]


def test_the_link_parses_and_serialises_back():
    query = stepper_query(SPEC, 300, 4)
    page_spec = stepper_link_spec(2)
    settings, problems = parse_query(query, page_spec)
    assert problems == ()
    assert settings.dataset == "generated" and settings.n == 300 and settings.data_seed == 4
    assert generative.decode_spec(settings.mixture) == SPEC
    again = to_query(settings, page_spec)
    assert {name: again[name] for name in query} == query


def test_bad_or_missing_mixture_falls_back_with_a_message():
    page_spec = stepper_link_spec(2)
    settings, problems = parse_query({"dataset": "generated", "spec": "0.5_oops"}, page_spec)
    assert settings.dataset == page_spec.default_dataset and settings.mixture is None
    assert any("spec=" in problem for problem in problems)
    settings, problems = parse_query({"dataset": "generated"}, page_spec)
    assert settings.dataset == page_spec.default_dataset
    assert any("needs spec=" in problem for problem in problems)
    # the 1-D page has no generated data at all
    settings, problems = parse_query(stepper_query(SPEC, 300, 4),
                                           stepper_link_spec(1))
    assert settings.dataset == stepper_link_spec(1).default_dataset and problems


def test_the_stepper_opens_on_exactly_the_sampled_points(run_app):
    query = stepper_query(SPEC, 300, 4)
    at = run_app(PAGE, query_params=query)
    assert not at.exception
    assert not at.warning, [w.value for w in at.warning]
    assert at.selectbox(key="em2d.dataset").value == "generated"
    expected = np.sort(generative.sample_spec(SPEC, 300, 4).X[:, 0])
    point_traces = [decode(trace["x"]) for trace in charts(at)[0]["data"]
                    if len(decode(trace.get("x", []))) == 300]
    assert point_traces, "the figure shows the 300 sampled points"
    np.testing.assert_allclose(np.sort(point_traces[0].astype(float)), expected, rtol=1e-6)
