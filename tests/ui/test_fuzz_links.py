"""A link is user input: fuzz the query-string parsing of every page that reads one.

tests/test_links.py already fuzzes ``parse_query`` with the known parameter names; this file adds
what a hall of students can type into an address bar: any key (unicode, empty, Streamlit's own),
huge and non-finite numbers, padded, full-width and exotic digits, repeated keys (as
``parse_qs`` hands them over), overlong values; every problem must read as a sentence saying
what is used instead; every valid view must round-trip through its link; and a few nasty links
per page, opened with AppTest, must show a warning and no exception.
"""

from __future__ import annotations

import math
import re
from dataclasses import fields, replace
from itertools import permutations
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from ui.kit import links as kit_links
from ui.kit import view_settings as links
from ui.kit.view_settings import (
    INIT_METHODS,
    ViewSettings,
    default_settings,
    parse_query,
    to_query,
)
from ui.stepper.page import stepper_page

REPO_ROOT = Path(__file__).resolve().parents[2]
SPECS = {1: stepper_page(1).spec, 2: stepper_page(2).spec}
KNOWN_NAMES = ["dataset", "n", "centres", "spread", "stretch", "dseed", "cols", "std", "k", "cov",
               "init", "means", "seed", "reg", "tol", "iter", "step"]

# Values an address bar can carry: numbers at and beyond every bound, non-finite and exotic
# spellings, unicode, separators, and text longer than the parser's cap.
_nasty_numbers = st.sampled_from([
    "", " ", "0", "-0", "-1", "1e309", "-1e309", "1e-400", "nan", "NaN", "inf", "-inf",
    "Infinity", "9" * 400, "-" + "9" * 30, "2147483647", "2147483648", "0x10", "1_000", " 3 ",
    "３", "٣", "3.0", "3.5", "1e3", "+7", "--1", "1,5", "None", "true", "null", "[]", "{}",
    "%00", "\x00", "\u202e3", "😀", "k-means++", "given-means", "blobs", "csv", "full",
])
_values = st.one_of(
    _nasty_numbers,
    st.text(max_size=40),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet="0123456789,;.- e", max_size=60),  # means- and cols-like lists
    st.just("x" * (kit_links.MAX_VALUE_CHARS + 1)),
)
_keys = st.one_of(st.sampled_from(KNOWN_NAMES), st.sampled_from(["embed", "embed_options", ""]),
                  st.text(max_size=12))
# A query as parse_qs hands it over: every key maps to the list of its values (repeated keys).
_queries = st.dictionaries(_keys, st.lists(_values, min_size=1, max_size=3), max_size=12)


def assert_valid(settings_: ViewSettings, spec: links.LinkSpec) -> None:
    """Every field of ``settings_`` is one the page can show."""
    assert settings_.dataset in spec.dataset_keys
    assert links.N_MIN <= settings_.n <= links.N_MAX
    assert links.K_MIN <= settings_.centres <= links.K_MAX
    assert links.SPREAD_MIN <= settings_.spread <= links.SPREAD_MAX
    assert links.STRETCH_MIN <= settings_.stretch <= links.STRETCH_MAX
    assert 0 <= settings_.data_seed <= links.SEED_MAX
    if settings_.columns is not None:
        choices = spec.column_choices[settings_.dataset]
        assert len(settings_.columns) == spec.n_features
        assert set(settings_.columns) <= set(choices)
    assert isinstance(settings_.standardise, bool)
    assert links.K_MIN <= settings_.k <= links.K_MAX
    assert settings_.cov in spec.covariance_types
    assert settings_.init in INIT_METHODS
    assert 0 <= settings_.seed <= links.SEED_MAX
    assert 0 <= settings_.reg <= links.REG_MAX and math.isfinite(settings_.reg)
    assert links.TOL_MIN <= settings_.tol <= links.TOL_MAX
    assert 1 <= settings_.max_iter <= links.MAX_ITER_MAX
    assert 0 <= settings_.step <= links.STEP_MAX
    if settings_.init == "given-means":
        assert settings_.means is not None and len(settings_.means) == settings_.k
        assert all(len(mean) == spec.n_features and all(map(math.isfinite, mean))
                   for mean in settings_.means)
    else:
        assert settings_.means is None


# "using 3", "ignored", "showing tutorial-2d instead": each problem says what happens instead.
_SAYS_WHAT_INSTEAD = re.compile(r"\b(using|ignored|showing)\b")


def assert_readable(problems: tuple[str, ...]) -> None:
    for problem in problems:
        assert isinstance(problem, str) and problem.strip(), problems
        assert _SAYS_WHAT_INSTEAD.search(problem), problem
        # A pasted novel is shortened, never echoed whole.
        assert len(problem) <= 400, problem
        assert "Traceback" not in problem and "object at 0x" not in problem, problem


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=_queries, n_features=st.sampled_from([1, 2]))
def test_any_query_gives_valid_settings_and_readable_problems(query, n_features):
    spec = SPECS[n_features]
    parsed, problems = parse_query(query, spec)
    assert_valid(parsed, spec)
    assert_readable(problems)
    # What the page then writes into the address bar is a clean link to the same view.
    assert parse_query(to_query(parsed, spec), spec) == (parsed, ())


@settings(max_examples=200, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from(KNOWN_NAMES + ["zz"]), _values), max_size=10),
       n_features=st.sampled_from([1, 2]))
def test_an_encoded_query_string_parses_like_streamlit_hands_it_over(pairs, n_features):
    """Through a real query string (percent-encoding, repeated keys, blank values)."""
    spec = SPECS[n_features]
    query = parse_qs(urlencode(pairs), keep_blank_values=True)
    parsed, problems = parse_query(query, spec)
    assert_valid(parsed, spec)
    assert_readable(problems)
    # The last of a repeated key counts, as in st.query_params.
    last_only = {name: values[-1] for name, values in query.items()}
    assert parse_query(last_only, spec) == (parsed, problems)


@st.composite
def valid_settings(draw, n_features: int) -> ViewSettings:
    """Any view a page can show (every field in range, means only with given-means)."""
    spec = SPECS[n_features]
    dataset = draw(st.sampled_from(spec.dataset_keys))
    columns = None
    if dataset in spec.column_choices and draw(st.booleans()):
        columns = draw(st.sampled_from(list(permutations(spec.column_choices[dataset],
                                                         spec.n_features))))
    init = draw(st.sampled_from(INIT_METHODS))
    k = draw(st.integers(links.K_MIN, links.K_MAX))
    means = None
    if init == "given-means":
        coordinate = st.floats(-1e6, 1e6, allow_nan=False)
        means = tuple(tuple(draw(coordinate) for _ in range(n_features)) for _ in range(k))
    positive = {"allow_nan": False, "allow_infinity": False}
    return replace(
        default_settings(spec),
        dataset=dataset,
        n=draw(st.integers(links.N_MIN, links.N_MAX)),
        centres=draw(st.integers(links.K_MIN, links.K_MAX)),
        spread=draw(st.floats(links.SPREAD_MIN, links.SPREAD_MAX, **positive)),
        stretch=(draw(st.floats(links.STRETCH_MIN, links.STRETCH_MAX, **positive))
                 if n_features > 1 else 1.0),
        data_seed=draw(st.integers(0, links.SEED_MAX)),
        columns=columns,
        standardise=draw(st.booleans()),
        k=k,
        cov=draw(st.sampled_from(spec.covariance_types)),
        init=init,
        means=means,
        seed=draw(st.integers(0, links.SEED_MAX)),
        reg=draw(st.floats(0, links.REG_MAX, **positive)),
        tol=draw(st.floats(links.TOL_MIN, links.TOL_MAX, **positive)),
        max_iter=draw(st.integers(1, links.MAX_ITER_MAX)),
        step=draw(st.integers(0, links.STEP_MAX)),
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n_features=st.sampled_from([1, 2]))
def test_serialise_parse_serialise_is_stable_for_valid_settings(data, n_features):
    spec = SPECS[n_features]
    view = data.draw(valid_settings(n_features))
    query = to_query(view, spec)
    reparsed, problems = parse_query(query, spec)
    assert problems == ()
    assert to_query(reparsed, spec) == query
    # Everything the link writes comes back exactly (the rest is the data set's business).
    written = {f.name for f in fields(ViewSettings)} - {"n", "centres", "spread", "stretch",
                                                        "data_seed", "columns", "tol",
                                                        "max_iter"}
    for name in written:
        assert getattr(reparsed, name) == getattr(view, name), name
    if view.dataset == spec.blob_dataset:
        assert (reparsed.n, reparsed.centres, reparsed.spread, reparsed.data_seed) == (
            view.n, view.centres, view.spread, view.data_seed)
    assert (reparsed.tol, reparsed.max_iter) == (view.tol, view.max_iter)


# --- nasty links opened on the real pages -------------------------------------------------------

NASTY_LINKS = {
    "pages/2_EM_in_1-D.py": [
        {"dataset": "blobs", "k": "-3", "n": "1e309", "step": "nan"},
        {"dataset": "blobs-1d", "n": "10", "k": "10", "cov": "spherical", "means": "1;2"},
        {"init": "given-means", "means": "1e400; x", "reg": "-0.5", "tol": "0", "😀": "?"},
    ],
    "pages/3_EM_in_2-D.py": [
        {"dataset": "blobs", "n": "99999999", "k": "abc", "seed": "-1", "step": "100000"},
        {"dataset": "iris", "cols": "petal_length,petal_length", "std": "maybe", "iter": "0"},
        {"dataset": "csv", "init": "given-means", "means": "0,0;1", "reg": "inf", "cov": ""},
    ],
    "pages/4_k-means_vs_EM.py": [
        {"dataset": "nope", "k": "11", "sigma": "-1", "step": "x"},
        {"dataset": "stretched", "init": "bogus", "sigma": "1e-20", "seed": "1e99"},
    ],
    "pages/5_Model_selection.py": [
        {"dataset": "penguins", "k": "0", "reg": "nan", "init": "given-means"},
        {"dataset": "blobs", "n": "-5", "cov": "weird", "seed": "٣٣"},
    ],
    "pages/1_The_mixture_model.py": [
        {"spec": "0.5_0_0_1_1_2~x", "n": "0", "seed": "inf"},
        {"spec": "~" * 50, "n": "1e9"},
    ],
}


@pytest.mark.parametrize(
    ("page", "query"),
    [(page, query) for page, queries in NASTY_LINKS.items() for query in queries],
    ids=lambda value: value if isinstance(value, str) else "-".join(value)[:30],
)
def test_a_nasty_link_shows_a_warning_and_no_exception(page, query):
    app = AppTest.from_file(str(REPO_ROOT / page), default_timeout=60)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, [element.value for element in app.exception]
    warnings = "\n".join(str(element.value) for element in app.warning)
    assert "link" in warnings.lower(), warnings
    # The page then runs again as usual (the student clicks on).
    app.run()
    assert not app.exception, [element.value for element in app.exception]
