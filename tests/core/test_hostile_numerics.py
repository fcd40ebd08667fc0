"""EM on hostile numbers: starts that are singular from the outset, points far from everything,
magnitudes near the ends of floating point, denormals, constant columns, duplicate points and a
large reg_covar. Every path ends in an explained state or a clear ValueError raised early,
never in NaN or an unexplained exception; messages name the true cause.

pyproject turns RuntimeWarnings raised inside gmm_core into errors, so an overflow or an
invalid operation anywhere on these paths fails the tests too.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmm_core import mixture
from gmm_core.datasets import load_preset, make_blobs, validate_csv
from gmm_core.em_run import (
    EMRun,
    explain_decrease,
    likelihood_decreases,
    reg_covar_warning,
)
from gmm_core.initialisation import INIT_METHODS, initial_params
from gmm_core.mixture import COVARIANCE_TYPES, MixtureParams

STATUSES = {"running", "converged", "collapsed", "max_iter"}


def assert_explained(run: EMRun) -> None:
    """Whatever happened, the run reads without exception or NaN and explains a collapse."""
    assert run.history[0].kind == "start"
    assert run.status in STATUSES
    values = run.log_likelihoods
    assert not np.isnan(values).any(), values
    for index in range(len(run)):
        run.responsibilities_at(index)
    collapses = [(i, entry.collapse) for i, entry in enumerate(run.history) if entry.collapse]
    assert (run.status == "collapsed") == bool(collapses)
    for index, collapse in collapses:
        assert collapse.message
        assert collapse.at_start == (index == 0)


# --- singular starts with reg_covar = 0: the four ways of issue 17 -------------------------------


def test_blobs_with_ten_components_and_a_k_means_start_are_singular_from_the_start():
    # /EM_in_2-D?dataset=blobs&n=30&k=10&init=k-means&reg=0
    X = make_blobs(30, 10, 2, seed=0).X
    start = initial_params(X, 10, "full", "k-means", seed=0, reg_covar=0.0)
    run = EMRun(X, start, reg_covar=0.0)
    assert_explained(run)
    assert run.status == "collapsed" and len(run) == 1
    collapse = run[0].collapse
    assert collapse.at_start and collapse.n_effective == 1.0
    assert math.isinf(run[0].log_likelihood) and run[0].log_likelihood > 0
    assert collapse.message.startswith(
        f"The start itself is singular: component {collapse.component + 1} holds 1 data point")
    assert "reg_covar > 0" in collapse.message and "another start" in collapse.message
    assert run.responsibilities_at(0) is None
    run.run_to_convergence()  # a finished run stays as it is
    assert len(run) == 1
    # The same start with a floor under the variances is an ordinary run.
    safe = EMRun(X, initial_params(X, 10, "full", "k-means", seed=0, reg_covar=1e-6),
                 reg_covar=1e-6, max_iter=5)
    assert safe[0].collapse is None and math.isfinite(safe[0].log_likelihood)


@pytest.mark.parametrize("covariance_type", ["diag", "spherical"])
def test_a_numerically_tiny_start_variance_is_a_singular_start_too(covariance_type):
    # The one-point cluster's variance is 1e-26 through round-off, not exactly 0.
    X = make_blobs(30, 10, 2, seed=0).X
    run = EMRun(X, initial_params(X, 10, covariance_type, "k-means", seed=0, reg_covar=0.0),
                reg_covar=0.0)
    assert_explained(run)
    assert run.status == "collapsed" and run[0].collapse.at_start
    assert math.isfinite(run[0].log_likelihood)
    assert "finite only through round-off" in run[0].collapse.message


def test_a_singular_component_with_no_data_is_explained_and_the_likelihood_stays_true():
    X = make_blobs(60, 2, 2, seed=5).X
    regular = initial_params(X, 2, "full", "k-means", seed=0)
    far = X.max(axis=0) + 10.0  # a point where no data lie
    params = MixtureParams(
        np.append(regular.weights * 0.8, 0.2), np.vstack([regular.means, far]),
        np.concatenate([regular.covariances, np.zeros((1, 2, 2))]))
    run = EMRun(X, params, reg_covar=0.0)
    assert_explained(run)
    collapse = run[0].collapse
    assert collapse.at_start and collapse.component == 2 and collapse.n_effective == 0
    assert "component 3 holds no data point" in collapse.message
    # Density 0 away from its point: the likelihood is that of the two other components.
    expected = mixture.e_step(X, MixtureParams(regular.weights * 0.8, regular.means,
                                       regular.covariances))[1]
    assert run[0].log_likelihood == pytest.approx(expected, rel=1e-12)


def eleven_rows_with_an_outlier() -> np.ndarray:
    rows = ["x,y", "0.1,0.3", "−0.4,0.2", "0.3,−0.1", "0.0,0.5", "−0.2,−0.3", "0.4,0.1",
            "−0.1,0.0", "0.2,−0.4", "−0.3,0.4", "0.5,0.2", "40,55"]
    result = validate_csv("\n".join(rows), n_components=2)
    assert result.problems == () and result.X.shape == (11, 2)
    return result.X


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_an_eleven_row_csv_with_one_outlier(covariance_type):
    X = eleven_rows_with_an_outlier()
    run = EMRun(X, initial_params(X, 2, covariance_type, "k-means", seed=0, reg_covar=0.0),
                reg_covar=0.0)
    assert_explained(run)
    if covariance_type == "tied":  # one covariance shared by both clusters: not singular
        assert run[0].collapse is None
        return
    assert run.status == "collapsed" and run[0].collapse.at_start
    assert "holds 1 data point" in run[0].collapse.message


def test_varying_denormal_values_are_refused_early_with_the_reason():
    column = "a,b\n5e-324,1\n0,2\n1e-323,3\n1.5e-323,4\n"
    result = validate_csv(column, n_components=1)
    assert result.X is None
    assert "varies by only" in result.problems[0] and "underflow" in result.problems[0]
    X = np.array([[5e-324, 1.0], [0.0, 2.0], [1e-323, 3.0], [1.5e-323, 4.0]])
    for build in (lambda: mixture.as_data(X), lambda: initial_params(X, 2, reg_covar=0.0),
                  lambda: EMRun(X, MixtureParams([1.0], [[0.0, 2.0]], [np.eye(2)]))):
        with pytest.raises(ValueError, match="underflow to 0"):
            build()


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_a_constant_denormal_column_is_a_singular_start_that_no_start_can_fix(covariance_type):
    X = np.column_stack([np.full(12, 5e-324), np.arange(12.0)])
    run = EMRun(X, initial_params(X, 2, covariance_type, "k-means", seed=0, reg_covar=0.0),
                reg_covar=0.0)
    assert_explained(run)
    if covariance_type == "spherical":  # one variance, averaged over both columns: positive
        assert run[0].collapse is None
        return
    collapse = run[0].collapse
    assert run.status == "collapsed" and collapse.at_start
    assert "column 1 of the data is constant" in collapse.message
    assert "Another start will not help" in collapse.message
    assert "reg_covar > 0" in collapse.message


def test_a_constant_column_with_a_floor_runs_and_is_warned_about():
    X = np.column_stack([np.full(12, 5e-324), np.arange(12.0)])
    for covariance_type in COVARIANCE_TYPES:
        run = EMRun(X, initial_params(X, 2, covariance_type, "k-means", seed=0), max_iter=10)
        run.run_to_convergence()
        assert_explained(run)
        assert run.status != "collapsed"
    assert "do not vary at all along column 1" in reg_covar_warning(X, 1e-6)


@pytest.mark.parametrize("reg_covar", [0.0, 1e-6])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_initial_means_at_1e300_are_refused_with_the_true_cause(reg_covar, covariance_type):
    X = make_blobs(50, 2, 2, seed=3).X
    means = np.array([[1e300, 1e300], [-1e300, -1e300]])
    with pytest.raises(ValueError) as refused:
        initial_params(X, 2, covariance_type, "given-means", reg_covar=reg_covar, means=means)
    message = str(refused.value)
    assert message.startswith("The starting means are too far from the data")
    assert "standard deviations" in message and "Place the means among the data" in message
    for wrong_cause in ("reg_covar", "squeezed", "collapse"):
        assert wrong_cause not in message
    # Built by hand and given to the run directly: the same early refusal.
    params = MixtureParams([0.5, 0.5], means, np.array([np.eye(2), np.eye(2)]))
    with pytest.raises(ValueError, match="too far from the data"):
        EMRun(X, params, reg_covar=reg_covar)


def test_means_far_enough_that_only_the_total_overflows_are_refused_too():
    X = make_blobs(200, 2, 1, seed=1).X
    means = np.array([[3e154], [4e154]])  # each point's log-density finite, their sum not
    with pytest.raises(ValueError, match="too far from the data"):
        initial_params(X, 2, "spherical", "given-means", means=means)


# --- messages that name the true cause -----------------------------------------------------------


@pytest.mark.parametrize("n_features", [1, 2])
def test_a_far_probe_underflows_it_does_not_collapse(n_features):
    X = make_blobs(300, 3, n_features, seed=2).X
    run = EMRun(X, initial_params(X, 3, "full", seed=0), max_iter=20)
    params = run.run_to_convergence().params
    far = np.full((1, n_features), 1e160)
    with pytest.raises(mixture.DensityUnderflow) as underflow:
        mixture.predict_proba(far, params)
    error = underflow.value
    assert isinstance(error, ValueError) and not isinstance(error, mixture.ComponentCollapse)
    assert error.point == 0 and 1e158 < error.distance < 1e162
    assert error.message.startswith("Every component's density underflows to 0 this far from "
                                    "the data: the point x = ")
    assert "Nothing has collapsed" in error.message and "reg_covar" not in error.message
    # Far, but not that far: finite answers, the nearest component takes the point.
    probabilities = mixture.predict_proba(np.full((1, n_features), 1e100), params)
    assert np.isfinite(probabilities).all() and probabilities.sum() == pytest.approx(1.0)
    distances = mixture.mahalanobis_distances(far[0], params)
    assert np.isfinite(distances).all() and distances.min() == pytest.approx(error.distance)


def test_a_collapse_never_advises_what_is_already_done():
    duplicates = np.array([[0.0, 0.0]] * 5 + [[3.0, 3.0]] * 5 + [[1.0, 2.0]])
    for reg_covar, advice in ((0.0, "With reg_covar > 0 every variance keeps a floor"),
                              (1e-20, "raise it")):
        start = initial_params(duplicates, 3, "full", "random-points", seed=1,
                               reg_covar=reg_covar)
        run = EMRun(duplicates, start, reg_covar=reg_covar)
        run.run_to_convergence()
        assert_explained(run)
        collapse = next(entry.collapse for entry in run.history if entry.collapse)
        assert advice in collapse.message
        if reg_covar > 0:
            assert "reg_covar > 0" not in collapse.message
    # A real floor: nothing collapses, so nothing advises raising it.
    floored = EMRun(duplicates, initial_params(duplicates, 3, "full", "random-points", seed=1),
                    reg_covar=1e-6)
    floored.run_to_convergence()
    assert floored.status != "collapsed"


def test_a_large_reg_covar_explains_every_decrease_on_the_textbook_data():
    X = load_preset("textbook").X
    run = EMRun(X, initial_params(X, 3, "full", "k-means", seed=0, reg_covar=1.0),
                reg_covar=1.0)
    run.run_to_convergence()
    decreases = likelihood_decreases(run.log_likelihoods, n_samples=len(X))
    m_steps = [i for i, entry in enumerate(run.history) if entry.kind == "M"]
    assert list(decreases) == m_steps  # every M-step lowers the log-likelihood
    first = explain_decrease(X, run.history, 1.0)
    assert first == explain_decrease(X, run.history, 1.0, index=m_steps[0])
    assert first.startswith(f"The log-likelihood fell by "
                            f"{run[1].log_likelihood - run[2].log_likelihood:.4g}")
    for needle in ("This is the regularisation, not a bug", "not the exact maximiser of Q",
                   "λ = reg_covar = 1", "lower reg_covar (for example to 0.001"):
        assert needle in first, needle
    for index in m_steps:
        assert "This is the regularisation" in explain_decrease(X, run.history, 1.0, index)
    # No decrease, nothing to explain; an E-step never changes the log-likelihood.
    assert explain_decrease(X, run.history, 1.0, index=1) is None
    ordinary = EMRun(X, initial_params(X, 3, "full", "k-means", seed=0), max_iter=10)
    ordinary.run_to_convergence()
    assert explain_decrease(X, ordinary.history, 1e-6) is None


def test_a_decrease_that_regularisation_does_not_explain_is_not_blamed_on_it():
    X = make_blobs(100, 2, 2, seed=0).X
    run = EMRun(X, initial_params(X, 2, "full", seed=0), reg_covar=1e-6, max_iter=3)
    run.run_to_convergence()
    history = list(run.history)
    # A doctored history: the M-step's log-likelihood lowered by hand.
    last = history[2]
    history[2] = type(last)(last.kind, last.iteration, last.params, last.log_likelihood - 50.0,
                            last.lower_bound)
    message = explain_decrease(X, history, 1e-6, index=2)
    assert "regularisation is not the cause" in message


def test_data_at_or_below_reg_covar_gets_a_warning():
    X = make_blobs(200, 3, 2, seed=0).X
    assert reg_covar_warning(X, 1e-6) is None
    assert reg_covar_warning(X, 0.0) is None
    tiny = X * 1e-9
    warning = reg_covar_warning(tiny, 1e-6, feature_names=("bill", "flipper"))
    assert warning.startswith("The data's variance along ")
    assert "at or below λ = reg_covar = 1e-06" in warning
    assert "EM cannot separate clusters" in warning and "standardise" in warning
    column = np.column_stack([X[:, 0], X[:, 1] * 1e-6])
    assert "'flipper'" in reg_covar_warning(column, 1e-6, feature_names=("bill", "flipper"))


# --- extreme magnitudes, denormals, degenerate data ----------------------------------------------


@pytest.mark.parametrize("scale", [1e-140, 1e140])
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_em_is_the_same_at_the_ends_of_floating_point(scale, covariance_type):
    X = make_blobs(150, 3, 2, seed=4).X
    base = EMRun(X, initial_params(X, 3, covariance_type, seed=1), tol=0, max_iter=8)
    base.run_to_convergence()
    scaled = EMRun(X * scale, initial_params(X * scale, 3, covariance_type, seed=1,
                                             reg_covar=1e-6 * scale**2),
                   reg_covar=1e-6 * scale**2, tol=0, max_iter=8)
    scaled.run_to_convergence()
    assert_explained(scaled)
    assert len(scaled) == len(base)
    np.testing.assert_allclose(scaled.responsibilities_at(-1), base.responsibilities_at(-1),
                               atol=1e-8)
    np.testing.assert_allclose(scaled[-1].params.means / scale, base[-1].params.means,
                               rtol=1e-8, atol=1e-8)


def test_values_whose_squares_overflow_are_refused_early():
    X = np.array([[1e200, 0.0], [-1e200, 1.0], [0.0, 2.0]])
    with pytest.raises(ValueError, match="squares overflow"):
        mixture.as_data(X)
    with pytest.raises(ValueError, match="squares overflow"):
        initial_params(X, 1)
    assert "too large to compute with" in validate_csv(
        "a,b\n1e200,0\n-1e200,1\n0,2\n", n_components=1).problems[0]


def test_denormals_among_ordinary_values_are_harmless():
    X = np.array([[5e-324, 1.0], [1.0, 2.0], [2.0, 2.5], [3.0, 1.0], [-1.0, 0.5]] * 4)
    for covariance_type in COVARIANCE_TYPES:
        run = EMRun(X, initial_params(X, 2, covariance_type, seed=0), max_iter=10)
        run.run_to_convergence()
        assert_explained(run)


@pytest.mark.parametrize("reg_covar", [0.0, 1e-6])
def test_all_points_identical(reg_covar):
    X = np.full((6, 2), 3.25)
    for covariance_type in COVARIANCE_TYPES:
        for method in INIT_METHODS[:4]:
            run = EMRun(X, initial_params(X, 2, covariance_type, method, reg_covar=reg_covar),
                        reg_covar=reg_covar, max_iter=5)
            run.run_to_convergence()
            assert_explained(run)
            if reg_covar == 0:
                assert run[0].collapse.at_start
                message = run[0].collapse.message
                assert "because all 6 data points lie on a single point" in message
                if covariance_type != "spherical":
                    assert "columns 1 and 2 of the data are constant" in message


def test_e_and_m_steps_on_a_component_with_no_points():
    X = make_blobs(40, 2, 2, seed=0).X
    responsibilities = np.zeros((40, 3))
    responsibilities[:, :2] = 0.5
    for covariance_type in COVARIANCE_TYPES:
        params = mixture.m_step(X, responsibilities, covariance_type, 1e-6)
        assert np.isfinite(params.means).all() and np.isfinite(params.covariances).all()
        resp, log_likelihood = mixture.e_step(X, params)
        assert np.isfinite(resp).all() and math.isfinite(log_likelihood)
        if covariance_type != "tied":  # a shared covariance is estimated from every point
            with pytest.raises(mixture.ComponentCollapse):
                mixture.e_step(X, mixture.m_step(X, responsibilities, covariance_type, 0.0))


def test_parameters_must_be_finite():
    for bad in ({"weights": [np.nan, 1.0]}, {"means": [[0.0], [np.inf]]},
                {"covariances": [1.0, np.inf]}):
        fields = {"weights": [0.5, 0.5], "means": [[0.0], [1.0]], "covariances": [1.0, 1.0],
                  "covariance_type": "spherical", **bad}
        with pytest.raises(ValueError, match="must be finite"):
            MixtureParams(**fields)


# --- any data the UI can reach: never an exception, never NaN ------------------------------------

_MAGNITUDES = st.sampled_from([1e-140, 1e-9, 1.0, 1e9, 1e140])


@st.composite
def hostile_data(draw):
    n_samples = draw(st.integers(1, 16))
    n_features = draw(st.integers(1, 2))
    kind = draw(st.sampled_from(["gaussian", "duplicates", "constant column", "denormal column",
                                 "offset", "outlier"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(n_samples, n_features)) * draw(_MAGNITUDES)
    if kind == "duplicates":
        X = rng.integers(0, 3, size=(n_samples, n_features)) * draw(_MAGNITUDES)
    elif kind == "constant column":
        X[:, 0] = draw(st.sampled_from([0.0, 5e-324, 1e100, -7.5]))
    elif kind == "denormal column":
        X[:, 0] = 5e-324 * rng.integers(0, 3, size=n_samples)
    elif kind == "offset":
        X = X + draw(st.sampled_from([1e8, 1e15, 1e100]))
    elif kind == "outlier":
        X[0] = 1e6
    return X


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_data(), st.integers(1, 6), st.sampled_from(COVARIANCE_TYPES),
       st.sampled_from(INIT_METHODS), st.sampled_from([0.0, 1e-300, 1e-6, 1.0]),
       st.sampled_from([0.0, 1.0, 1e100, 1e300]))
def test_any_reachable_data_and_settings_end_in_a_run_or_a_clear_refusal(
        X, n_components, covariance_type, method, reg_covar, mean_offset):
    means = X[:n_components] + mean_offset if method == "given-means" else None
    try:
        start = initial_params(X, n_components, covariance_type, method, seed=0,
                               reg_covar=reg_covar, means=means)
        run = EMRun(X, start, reg_covar=reg_covar, max_iter=12)
    except ValueError as refusal:
        assert str(refusal).strip()
        return
    run.run_to_convergence()
    assert_explained(run)
