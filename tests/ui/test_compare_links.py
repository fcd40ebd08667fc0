"""The links of "k-means vs EM" (ui.compare.links), pure: every view survives a round trip, and
a hostile or broken value is reported and replaced, never raised."""

import pytest

from ui.compare.links import KNOWN_PARAMETERS, CompareView, read_query, to_query
from ui.kit import view_settings as vs


def _round_trip(query: dict[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    view, problems = read_query(query)
    return to_query(view), problems


@pytest.mark.parametrize("query", [
    {"dataset": "stretched", "k": "3", "init": "preset", "seed": "0", "cov": "full",
     "step": "0"},
    {"dataset": "bad-start", "k": "3", "init": "random-points", "seed": "4", "sigma": "0.1",
     "step": "4"},
    {"dataset": "unequal-sizes", "k": "3", "init": "preset", "seed": "0", "sigma": "0.0001",
     "hard": "1", "step": "6"},
    {"dataset": "unequal-spreads", "k": "2", "init": "k-means++", "seed": "0", "cov": "tied",
     "hard": "1", "step": "2"},
    {"dataset": "blobs", "n": "300", "centres": "4", "spread": "0.5", "stretch": "3.0",
     "dseed": "2", "k": "4", "init": "k-means++", "seed": "1", "cov": "diag", "step": "3"},
    {"dataset": "penguins", "cols": "flipper_length_mm,body_mass_g", "std": "1", "k": "3",
     "init": "random-points", "seed": "0", "cov": "full", "step": "0"},
    {"dataset": "iris", "cols": "petal length (cm),petal width (cm)", "k": "3",
     "init": "k-means++", "seed": "0", "cov": "spherical", "step": "1"},
])
def test_every_view_survives_a_round_trip(query):
    written, problems = _round_trip(query)
    assert problems == ()
    assert written == query


def test_the_columns_of_penguins_and_iris_are_read_and_written():
    view, problems = read_query({"dataset": "iris",
                                 "cols": "sepal width (cm),petal width (cm)"})
    assert problems == () and view.data.columns == ("sepal width (cm)", "petal width (cm)")
    assert to_query(view)["cols"] == "sepal width (cm),petal width (cm)"


def test_an_uploaded_csv_has_no_link_and_two_steps_write_none():
    view, _ = read_query({"dataset": "blobs"})
    csv = CompareView("any", vs.ViewSettings(dataset="csv"), 3, "k-means++", 0, None, "full")
    assert to_query(csv) is None
    assert "step" not in to_query(CompareView(view.scenario, view.data, 3, "k-means++", 0, None,
                                              "full", step=None))


def test_stepper_settings_this_page_does_not_have_are_reported_as_ignored():
    view, problems = read_query({"dataset": "stretched", "reg": "0", "tol": "1e-5",
                                 "iter": "5", "means": "0,0;1,1"})
    (problem,) = problems
    assert problem.startswith("reg, tol, iter, means are settings of the EM steppers")
    assert "reg" not in to_query(view) and "means" not in to_query(view)


HOSTILE = (
    "[Re-login](https://evil.example/p)", "![](https://evil.example/pixel.png)",
    "<img src=x onerror=alert(1)>", "<a href='https://evil.example'>x</a>",
    "https://evil.example", "www.evil.example", "٣", "³", "④", "−1", "1e400", "nan", "-0",
    "9" * 10_000, "x" * 10_000, "", " ", "\u202e1\u202c", "0x10", "1_000",
)


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_in_every_parameter_never_raises(value):
    for dataset in (value, "blobs", "stretched", "penguins"):
        query = {name: value for name in KNOWN_PARAMETERS}
        query["dataset"] = dataset
        view, problems = read_query(query)
        written = to_query(view)
        again, _ = read_query(written)
        assert to_query(again) == written  # what the page writes back is a clean link
        assert all(len(problem) <= 600 for problem in problems)  # long values are cut
    view, problems = read_query({value: "1", "k": value})
    assert isinstance(problems, tuple)
