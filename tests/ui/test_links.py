"""Deep links: parsing, reporting bad values, round trips, and fuzzing (ui.kit.view_settings and
ui.kit.links' parsers are pure)."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.kit.links import link_url
from ui.kit.text import means_text
from ui.kit.view_settings import (
    K_MAX,
    N_MAX,
    LinkSpec,
    ViewSettings,
    default_settings,
    parse_means,
    parse_query,
    to_query,
)

SPEC_2D = LinkSpec(
    n_features=2,
    dataset_keys=("blobs", "tutorial-2d", "textbook", "faithful", "penguins", "iris"),
    default_dataset="tutorial-2d",
    blob_dataset="blobs",
    column_choices={"penguins": ("bill_length_mm", "bill_depth_mm", "flipper_length_mm"),
                    "iris": ("petal length (cm)", "petal width (cm)", "sepal length (cm)")},
)
SPEC_1D = LinkSpec(
    n_features=1,
    dataset_keys=("blobs-1d", "tutorial-1d", "faithful-eruptions"),
    default_dataset="tutorial-1d",
    blob_dataset="blobs-1d",
)


def test_no_query_gives_the_defaults_without_problems():
    settings, problems = parse_query({}, SPEC_2D)
    assert settings == default_settings(SPEC_2D)
    assert problems == ()


def test_the_documented_example_link():
    settings, problems = parse_query(
        {"dataset": "blobs", "n": "10000", "k": "5", "seed": "1"}, SPEC_2D)
    assert problems == ()
    assert (settings.dataset, settings.n, settings.k, settings.seed) == ("blobs", 10000, 5, 1)
    # Without centres= the link's K also sets the number of generated blobs.
    assert settings.centres == 5


def test_every_parameter_is_read():
    query = {"dataset": "penguins", "cols": "bill_depth_mm,flipper_length_mm", "std": "1",
             "k": "4", "cov": "diag", "init": "random-responsibilities", "seed": "7",
             "reg": "0", "tol": "1e-05", "iter": "250", "step": "12"}
    settings, problems = parse_query(query, SPEC_2D)
    assert problems == ()
    assert settings == ViewSettings(
        dataset="penguins", columns=("bill_depth_mm", "flipper_length_mm"), standardise=True,
        k=4, cov="diag", init="random-responsibilities", seed=7, reg=0.0, tol=1e-5,
        max_iter=250, step=12)


def test_generator_parameters_are_read_for_blobs_only():
    settings, problems = parse_query({"dataset": "blobs", "n": "5"}, SPEC_2D)
    assert settings.n == 500
    assert problems == ("n='5' is not a whole number from 10 to 100000; using 500",)
    settings, problems = parse_query({"dataset": "faithful", "n": "2000", "dseed": "3"},
                                     SPEC_2D)
    assert (settings.n, settings.data_seed) == (500, 0)
    assert problems == ("n, dseed only apply to dataset=blobs; ignored",)


@pytest.mark.parametrize(
    ("name", "value", "message", "field", "default"),
    [
        ("k", "abc", "k='abc' is not a whole number from 1 to 10; using 3", "k", 3),
        ("k", "11", "k='11' is not a whole number from 1 to 10; using 3", "k", 3),
        ("k", "0", "from 1 to 10; using 3", "k", 3),
        ("seed", "-1", "seed='-1' is not a whole number", "seed", 0),
        ("reg", "-1e-3", "reg='-1e-3' is not a number at least 0", "reg", 1e-6),
        ("reg", "nan", "reg='nan' is not a number", "reg", 1e-6),
        ("tol", "0", "tol='0' is not a number at least 1e-12", "tol", 1e-3),
        ("iter", "1e9", "iter='1e9' is not a whole number from 1 to 1000", "max_iter", 100),
        ("step", "-3", "step='-3' is not a whole number", "step", 0),
        ("cov", "round", "cov='round' is not one of full, tied, diag, spherical; using full",
         "cov", "full"),
        ("init", "magic", "init='magic' is not one of random-responsibilities", "init",
         "k-means++"),
        ("std", "maybe", "std='maybe' is not 1 or 0", "standardise", False),
        ("dataset", "mnist", "dataset='mnist' is not a data set of this page", "dataset",
         "tutorial-2d"),
    ],
)
def test_a_bad_value_is_reported_and_replaced_by_its_default(name, value, message, field,
                                                             default):
    settings, problems = parse_query({name: value}, SPEC_2D)
    assert len(problems) == 1
    assert message in problems[0]
    assert getattr(settings, field) == default


def test_several_bad_values_give_one_message_each():
    _, problems = parse_query({"k": "x", "seed": "y", "reg": "z"}, SPEC_2D)
    assert len(problems) == 3


@pytest.mark.parametrize(("query", "setting", "fallback", "reason"), [
    pytest.param({"dataset": "csv"}, "dataset", "tutorial-2d",
                 "dataset=csv cannot be reopened from a link", id="csv_cannot_be_deep_linked"),
    pytest.param({"dataset": "faithful-eruptions"}, "dataset", "tutorial-2d",
                 "not a data set of this page", id="a_1d_dataset_is_refused_on_the_2d_page"),
    pytest.param({"init": "given-means"}, "init", "k-means++",
                 "init=given-means needs means=", id="given_means_without_means_falls_back"),
])
def test_a_refused_value_falls_back_and_says_why(query, setting, fallback, reason):
    settings, problems = parse_query(query, SPEC_2D)
    assert getattr(settings, setting) == fallback
    assert reason in problems[0]


def test_unknown_parameters_are_reported_but_streamlits_own_are_not():
    _, problems = parse_query({"colour": "red", "embed": "true"}, SPEC_2D)
    assert problems == ("unknown parameter 'colour' ignored",)


def test_repeated_parameters_use_the_last_value():
    settings, problems = parse_query({"k": ["2", "4"]}, SPEC_2D)
    assert (settings.k, problems) == (4, ())


def test_1d_covariance_names():
    assert parse_query({"cov": "tied"}, SPEC_1D)[0].cov == "tied"
    assert parse_query({"cov": "shared"}, SPEC_1D)[0].cov == "tied"
    assert parse_query({"cov": "own"}, SPEC_1D)[0].cov == "full"
    settings, problems = parse_query({"cov": "diag"}, SPEC_1D)
    assert settings.cov == "full"
    assert "same as cov=full" in problems[0]


def test_columns_are_checked_against_the_dataset():
    settings, problems = parse_query({"dataset": "iris", "cols": "petal length (cm),nope"},
                                     SPEC_2D)
    assert settings.columns is None
    assert "must be 2 different column(s) of iris" in problems[0]
    _, problems = parse_query({"dataset": "faithful", "cols": "a,b"}, SPEC_2D)
    assert "cols= only applies to penguins, iris" in problems[0]


def test_hand_placed_means_set_k():
    settings, problems = parse_query({"init": "given-means", "means": "-2,1;0,0"}, SPEC_2D)
    assert problems == ()
    assert settings.means == ((-2.0, 1.0), (0.0, 0.0))
    assert settings.k == 2


def test_hand_placed_means_override_a_different_k_with_a_notice():
    settings, problems = parse_query({"init": "given-means", "means": "1,1;2,2", "k": "5"},
                                     SPEC_2D)
    assert settings.k == 2
    assert "k=5 ignored: the link places 2 means" in problems[0]


def test_given_means_without_means_opens_the_means_picker_where_there_is_one():
    settings, problems = parse_query({"init": "given-means", "k": "4"}, SPEC_2D,
                                     means_picker=True)
    assert problems == ()
    assert (settings.init, settings.means, settings.k) == ("given-means", None, 4)
    # Bad means are still a mistake to report, picker or not.
    settings, problems = parse_query({"init": "given-means", "means": "1,x"}, SPEC_2D,
                                     means_picker=True)
    assert settings.init == "k-means++" and "is not two numbers" in problems[0]


def test_bad_means_fall_back_with_a_message():
    settings, problems = parse_query({"init": "given-means", "means": "1,x;2,2"}, SPEC_2D)
    assert settings.init == "k-means++"
    assert "mean 1 ('1,x') is not two numbers" in problems[0]


def test_means_without_given_means_are_ignored_with_a_notice():
    _, problems = parse_query({"means": "1,1"}, SPEC_2D)
    assert problems == ("means= is only used with init=given-means; ignored",)


@pytest.mark.parametrize(
    ("text", "n_features", "expected"),
    [
        ("-2, 1; 0, 0; 3, -1", 2, ((-2.0, 1.0), (0.0, 0.0), (3.0, -1.0))),
        ("1 2; 3 4", 2, ((1.0, 2.0), (3.0, 4.0))),
        ("-2; 0; 3", 1, ((-2.0,), (0.0,), (3.0,))),
        ("-2, 0, 3", 1, ((-2.0,), (0.0,), (3.0,))),
        ("5;", 1, ((5.0,),)),
    ],
)
def test_parse_means(text, n_features, expected):
    assert parse_means(text, n_features) == (expected, None)


@pytest.mark.parametrize(
    ("text", "n_features", "message"),
    [
        ("", 2, "no means given"),
        ("1, 2, 3", 2, "mean 1 ('1, 2, 3') is not two numbers"),
        ("1, inf", 2, "is not two numbers"),
        (";".join(["1,1"] * 11), 2, "11 means given but at most 10"),
        ("1 2; 3", 1, "mean 1 ('1 2') is not one number"),
    ],
)
def test_parse_means_explains_mistakes(text, n_features, message):
    means, problem = parse_means(text, n_features)
    assert means is None
    assert message in problem


def test_to_query_writes_the_main_parameters_and_round_trips():
    settings = ViewSettings(dataset="blobs", n=2000, centres=4, spread=0.7, stretch=3.0,
                            data_seed=5, k=6, cov="tied", init="given-means",
                            means=((0.1, 0.2),) * 6, seed=3, reg=0.0, tol=1e-6, max_iter=40,
                            step=9, standardise=True)
    query = to_query(settings, SPEC_2D)
    assert {"dataset", "n", "k", "cov", "init", "seed", "reg", "step"} <= set(query)
    parsed, problems = parse_query(query, SPEC_2D)
    assert problems == ()
    assert parsed == settings


def test_link_url_replaces_the_query_and_keeps_separators_readable():
    url = link_url("http://host:8501/EM_in_2-D?old=1#x", {"dataset": "blobs", "init": "k-means++",
                                                           "means": "1.0,2.0;3.0,4.0"})
    assert url == ("http://host:8501/EM_in_2-D?dataset=blobs&init=k-means%2B%2B"
                   "&means=1.0,2.0;3.0,4.0")


def test_format_means_round_trips_exactly():
    means = ((0.1 + 0.2, -1e-300), (3.0, 1.0 / 3.0))
    assert parse_means(means_text(means, compact=True), 2) == (means, None)


# --- fuzzing: a link is user input ------------------------------------------------------------

_names = st.sampled_from(["dataset", "n", "centres", "spread", "stretch", "dseed", "cols", "std",
                          "k", "cov", "init", "means", "seed", "reg", "tol", "iter", "step",
                          "other"])
_values = st.one_of(st.text(max_size=60), st.integers().map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.lists(st.text(max_size=10), max_size=3))


@given(st.dictionaries(_names, _values, max_size=10), st.sampled_from([SPEC_1D, SPEC_2D]))
def test_fuzzed_links_never_raise_and_give_valid_settings(query, spec):
    settings, problems = parse_query(query, spec)
    assert all(isinstance(problem, str) and problem for problem in problems)
    assert settings.dataset in spec.dataset_keys
    assert 1 <= settings.k <= K_MAX
    assert 10 <= settings.n <= N_MAX
    assert settings.cov in spec.covariance_types
    assert settings.reg >= 0 and settings.tol > 0
    if settings.init == "given-means":
        assert settings.means is not None and len(settings.means) == settings.k
    # Whatever was parsed serialises to a link that parses back to the same view.
    assert parse_query(to_query(settings, spec), spec) == (settings, ())


@given(st.integers(min_value=1, max_value=K_MAX), st.integers(min_value=0, max_value=2**31 - 1),
       st.floats(min_value=0, max_value=100), st.integers(min_value=0, max_value=2001))
def test_round_trip_of_valid_settings(k, seed, reg, step):
    settings = replace(default_settings(SPEC_2D), k=k, seed=seed, reg=reg, step=step)
    assert parse_query(to_query(settings, SPEC_2D), SPEC_2D) == (settings, ())
