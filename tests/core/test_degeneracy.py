"""The degeneracy rule: spikes on rounded data, one-point components, K = N, and sound fits."""

import math

import numpy as np
import pytest

from gmm_core.datasets import make_blobs
from gmm_core.degeneracy import (
    assess,
    data_warnings,
    describe_step,
    min_points,
    recording_step,
    summarise_data,
)
from gmm_core.mixture import MixtureParams
from gmm_core.model_search import fit_mixture, score_fit

pytestmark = pytest.mark.usefixtures("one_blas_thread")


@pytest.fixture(scope="module")
def faithful_diag_spike(faithful):
    """diag, K = 5 from k-means seed 2, run to tol 1e-5: one component ends on waiting = 83."""
    return fit_mixture(faithful.X, 5, "diag", seed=2, tol=1e-5, max_iter=1000)


def test_the_old_faithful_diag_spike_is_degenerate_and_says_why(faithful, faithful_diag_spike):
    X = faithful.X
    fit = faithful_diag_spike
    entry = score_fit(fit, 5, "diag", *X.shape)
    # Its BIC beats the published tied K = 3 (2314.3) by about 90: the trap of issue #18.
    assert entry.bic == pytest.approx(2221.4, abs=0.5)
    verdict = assess(X, fit.params, reg_covar=1e-6, feature_names=faithful.feature_names,
                     noun="eruptions")
    assert verdict.degenerate
    (reason,) = verdict.reasons
    assert reason.kind == "squeezed" and reason.n_points == 14
    assert reason.n_effective == pytest.approx(14, abs=0.1)
    # the data: 14 eruptions with waiting exactly 83, and every waiting time a whole number
    on_83 = X[:, 1] == 83
    assert on_83.sum() == 14
    assert reason.variance == pytest.approx(1e-6, rel=1e-3)  # reg_covar itself
    assert reason.message.startswith(
        "14 eruptions with waiting exactly 83: a Gaussian squeezed onto them has unbounded "
        "density; waiting is recorded in whole numbers.")
    assert "held up only by reg_covar (λ = 1e-06)" in reason.message
    assert reason.short == f"component {reason.component + 1} on 14 eruptions with waiting = 83"
    assert verdict.components == (reason.component,)
    # without the column names the same sentence names the column generically
    plain = assess(X, fit.params)
    assert plain.reasons[0].message.startswith("14 points with x2 exactly 83")


def test_a_component_on_one_point_is_degenerate():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(30, 2)), [[20.0, 20.0]]])
    fit = fit_mixture(X, 2, "full", seed=0)  # k-means gives the outlier a cluster of its own
    verdict = assess(X, fit.params)
    assert verdict.degenerate
    (reason,) = verdict.reasons
    assert reason.kind == "squeezed" and reason.n_points == 1
    assert "sits on a single point (x1 = 20, x2 = 20)" in reason.message
    assert "in every direction" in reason.message
    # the same outlier with a one-component model is fine
    assert not assess(X, fit_mixture(X, 1, "full").params).degenerate


def test_points_exactly_on_a_line_squeeze_a_full_component():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(30, 2)), [[10.0, 10.0], [11.0, 12.0], [12.0, 14.0]]])
    fit = fit_mixture(X, 2, "full", seed=0)
    (reason,) = assess(X, fit.params).reasons
    assert reason.n_points == 3
    assert "3 points that lie exactly on a straight line" in reason.message


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_k_equal_to_n_is_degenerate_for_every_type(covariance_type):
    X = make_blobs(6, 2, seed=4).X
    fit = fit_mixture(X, 6, covariance_type, seed=0)
    verdict = assess(X, fit.params)
    assert verdict.degenerate
    kinds = {reason.kind for reason in verdict.reasons}
    assert "too many components" in kinds
    (whole,) = [reason for reason in verdict.reasons if reason.component is None]
    assert whole.message.startswith("K = 6 components for 6 points (K ≥ N/2)")
    # K = 3 on the same 6 points is still K >= N/2; K = 2 is not
    assert "too many components" in {r.kind for r in assess(
        X, fit_mixture(X, 3, "tied", seed=0).params).reasons}
    assert "too many components" not in {r.kind for r in assess(
        X, fit_mixture(X, 2, "tied", seed=0).params).reasons}


def test_too_few_points_for_the_covariance_type():
    assert [min_points(t, 2) for t in ("full", "tied", "diag", "spherical")] == [3, 1, 2, 2]
    assert min_points("full", 5) == 6
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    responsibilities = np.zeros((40, 2))
    responsibilities[:, 0] = 1.0
    # component 2 holds 1.5 points' worth of responsibility spread over 15 points
    responsibilities[:15, 1] = 0.1
    responsibilities[:15, 0] = 0.9
    covariances = np.array([np.eye(2), np.eye(2)])
    params = MixtureParams([0.95, 0.05], [[0.0, 0.0], [0.5, 0.5]], covariances, "full")
    verdict = assess(X, params, responsibilities=responsibilities)
    (reason,) = verdict.reasons
    assert reason.kind == "few points" and reason.component == 1
    assert reason.n_effective == pytest.approx(1.5)
    assert "needs at least 3 (D + 1)" in reason.message
    # a tied component needs only a point for its mean
    tied = MixtureParams([0.95, 0.05], [[0.0, 0.0], [0.5, 0.5]], np.eye(2), "tied")
    assert not assess(X, tied, responsibilities=responsibilities).degenerate
    # exactly D + 1 points with a little responsibility leaking away is not flagged
    responsibilities[:15, 1] = 2.99 / 15
    responsibilities[:15, 0] = 1 - 2.99 / 15
    assert not assess(X, params, responsibilities=responsibilities).degenerate


def test_clean_fits_are_not_flagged(faithful):
    X = make_blobs(400, 4, seed=3).X
    for covariance_type in ("full", "tied", "diag", "spherical"):
        fit = fit_mixture(X, 4, covariance_type, seed=1, tol=1e-5, max_iter=500)
        verdict = assess(X, fit.params)
        assert not verdict.degenerate, verdict.message
        assert verdict.message == "" and verdict.short == ""
    # the published Old Faithful model: tied, K = 3 (a start that reaches it)
    fit = fit_mixture(faithful.X, 3, "tied", seed=1, tol=1e-5, max_iter=1000)
    assert fit.log_likelihood == pytest.approx(-1126.32, abs=0.1)
    assert not assess(faithful.X, fit.params).degenerate


def test_tight_clusters_far_apart_are_not_flagged():
    # The blob generator's tightest setting: spread 0.05, stretch 10 (short axis sd 0.016),
    # centres far apart: the short axis holds about 1e-6 of the data's variance there.
    X = make_blobs(600, 3, spread=0.05, stretch=10.0, seed=2).X
    fit = fit_mixture(X, 3, "full", seed=0, tol=1e-5, max_iter=500)
    assert not assess(X, fit.params).degenerate


def test_data_at_the_scale_of_reg_covar_is_reported():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(100, 2)) * 1e-9
    warnings = data_warnings(X, reg_covar=1e-6)
    assert len(warnings) == 2 and "x1" in warnings[0] and "Standardise" in warnings[0]
    verdict = assess(X, fit_mixture(X, 1, "full").params)
    assert verdict.degenerate and "not much more than reg_covar" in verdict.message
    assert data_warnings(make_blobs(100, 2, seed=0).X) == ()
    assert "fewer than the 3 (D + 1)" in data_warnings(np.array([[0.0, 1.0], [2.0, 3.0]]))[0]


def test_recording_steps(faithful):
    data = summarise_data(faithful.X, faithful.feature_names)
    assert list(data.steps) == [0.001, 1.0]
    assert describe_step(1.0) == "whole numbers" and describe_step(0.001) == "3 decimals"
    assert describe_step(0.1) == "1 decimal" and describe_step(10.0) == "steps of 10"
    assert recording_step([10.0, 20.0, 130.0]) == 10.0
    assert recording_step([0.1, 0.2, 0.7]) == 0.1
    assert math.isnan(recording_step(np.random.default_rng(0).normal(size=20)))
    assert math.isnan(recording_step([0.0, 0.0]))
    assert summarise_data(np.zeros((3, 2))).feature_names == ("x1", "x2")


def test_a_near_collapse_on_large_data_is_caught_relative_to_the_data():
    rng = np.random.default_rng(3)
    # values in the thousands; three points within 0.01 of each other, far from the rest
    X = np.vstack([rng.normal(size=(40, 2)) * 1000.0,
                   [[9000.0, 9000.0], [9000.01, 9000.0], [9000.0, 9000.01]]])
    fit = fit_mixture(X, 2, "full", seed=0)
    (reason,) = assess(X, fit.params, reg_covar=1e-6).reasons
    assert reason.kind == "squeezed" and reason.n_points == 3
    assert reason.variance > 10 * 1e-6  # not the regulariser: the points themselves are close
    assert "nearly collapsed" in reason.message


def test_a_constant_column_is_reported_once_as_constant():
    X = np.c_[np.arange(30.0), np.full(30, 7.0)]
    (warning,) = data_warnings(X, feature_names=("x", "level"))
    assert warning.startswith("level has the same value in every row")
