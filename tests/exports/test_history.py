"""The history as CSV and JSON: content, and round trips to the EMRun's exact parameters."""

import csv
import io
import json
import math

import numpy as np
import pytest

from ui.exports import (
    FORMAT_VERSION,
    history_csv,
    history_json,
    read_history_csv,
    read_history_json,
)
from ui.exports.history import covariance_columns

from .views import make_view


def assert_same_history(records, run):
    """Every half-step read back equals the run's, bit for bit."""
    history = run.history
    assert len(records) == len(history)
    for position, (record, entry) in enumerate(zip(records, history, strict=True)):
        assert record.half_step == position
        assert (record.kind, record.iteration) == (entry.kind, entry.iteration)
        assert record.params.covariance_type == entry.params.covariance_type
        for name in ("weights", "means", "covariances"):
            read, original = getattr(record.params, name), getattr(entry.params, name)
            assert read.shape == original.shape
            assert np.array_equal(read, original), (position, name)
        assert record.log_likelihood == entry.log_likelihood
        assert record.lower_bound == entry.lower_bound


@pytest.mark.parametrize("cov", ["full", "tied", "diag", "spherical"])
def test_csv_and_json_round_trip_to_the_runs_parameters_exactly(cov):
    view, run = make_view("textbook", cov=cov, max_iter=8)
    assert_same_history(read_history_csv(history_csv(view)), run)
    assert_same_history(read_history_json(history_json(view)).records, run)


def test_one_dimensional_round_trip():
    view, run = make_view("tutorial-1d", cov="tied", seed=2)
    assert_same_history(read_history_csv(history_csv(view)), run)
    assert_same_history(read_history_json(history_json(view)).records, run)


def collapsed_view():
    """Five identical points and four others, reg_covar = 0: component 1 collapses (ℓ = +∞)."""
    X = np.array([[1.0, 1.0]] * 5 + [[5.0, 5.0], [6.0, 4.0], [5.5, 6.0], [4.0, 5.0]])
    return make_view("csv", X=X, feature_names=("a", "b"), data_name="duplicates.csv", k=2,
                     init="given-means", means=[[1.0, 1.0], [5.0, 5.0]], reg=0.0)


def test_a_collapsed_run_keeps_its_infinite_log_likelihood_and_stays_valid_json():
    view, run = collapsed_view()
    assert run.status == "collapsed" and math.isinf(run[-1].log_likelihood)
    text = history_json(view)
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard JSON {name}"))
    assert_same_history(read_history_json(text).records, run)
    assert_same_history(read_history_csv(history_csv(view)), run)


def test_csv_has_one_row_per_half_step_and_component_with_named_columns():
    view, run = make_view("textbook", cov="full", max_iter=3)
    rows = list(csv.DictReader(io.StringIO(history_csv(view))))
    assert len(rows) == len(run) * 3
    assert list(rows[0]) == [
        "half_step", "kind", "iteration", "component", "covariance_type", "weight",
        "mean_x1", "mean_x2", "cov_x1_x1", "cov_x1_x2", "cov_x2_x1", "cov_x2_x2",
        "log_likelihood", "lower_bound"]
    first, last = rows[0], rows[-1]
    assert (first["half_step"], first["kind"], first["component"]) == ("0", "start", "1")
    assert first["lower_bound"] == ""  # no responsibilities at the start
    assert (last["half_step"], last["kind"], last["iteration"], last["component"]) == (
        str(len(run) - 1), "M", "3", "3")
    entry = run[-1]
    assert float(last["weight"]) == entry.params.weights[2]
    assert float(last["cov_x1_x2"]) == entry.params.covariances[2, 0, 1]
    assert float(last["log_likelihood"]) == entry.log_likelihood
    assert float(last["lower_bound"]) == entry.lower_bound


def test_covariance_columns_follow_the_covariance_type():
    assert covariance_columns("diag", 2) == ["cov_x1_x1", "cov_x2_x2"]
    assert covariance_columns("spherical", 2) == ["variance"]
    assert covariance_columns("tied", 1) == ["cov_x1_x1"]


def test_json_carries_the_settings_the_model_the_data_and_the_versions():
    view, run = make_view("faithful", k=2, cov="diag", step=5)
    document = json.loads(history_json(view))
    assert document["format_version"] == FORMAT_VERSION
    assert document["app_version"] == view.version
    assert document["settings"] == {"dataset": "faithful", "k": "2", "cov": "diag",
                                    "init": "k-means++", "seed": "0", "reg": "1e-06",
                                    "step": "5"}
    assert document["model"] == {"n_components": 2, "covariance_type": "diag",
                                 "reg_covar": 1e-6, "tol": 1e-3, "max_iter": 100,
                                 "init": "k-means++", "seed": 0}
    assert document["data"]["feature_names"] == ["eruptions", "waiting"]
    assert document["data"]["n_samples"] == 272
    assert document["status"] == run.status == "converged"
    assert document["view_half_step"] == 5
    assert len(document["half_steps"]) == len(run)
    read = read_history_json(history_json(view))
    assert read.settings["step"] == "5" and read.view_half_step == 5


def test_readers_refuse_files_that_are_not_histories():
    with pytest.raises(ValueError, match="format"):
        read_history_json('{"format": "something else"}')
    with pytest.raises(ValueError, match="not JSON"):
        read_history_json("half_step,kind\n")
    with pytest.raises(ValueError, match="covariance_type"):
        read_history_csv("half_step,kind\n0,start\n")
    view, _ = make_view("textbook", max_iter=2)
    damaged = history_csv(view).replace("start", "begin", 1)
    with pytest.raises(ValueError, match="kind"):
        read_history_csv(damaged)
