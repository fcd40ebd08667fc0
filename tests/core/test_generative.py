"""Unit tests of gmm_core.generative: the mixture spec, its text form, the sampler and the
estimates with the labels known."""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_core import generative
from gmm_core.generative import (
    ComponentSpec,
    MixtureSpec,
    decode_spec,
    encode_spec,
    sample_spec,
    spec_from_rows,
    supervised_estimates,
)
from gmm_core.mixture import m_step

THREE = spec_from_rows([
    (0.2, -4.0, 0.0, 1.0, 0.5, 0.0),
    (0.5, 2.0, 3.0, 1.5, 0.8, 0.6),
    (0.3, 3.0, -3.0, 0.8, 1.2, -0.4),
])


# --- the spec and its text form ----------------------------------------------------------------


def test_the_briefs_example_round_trips():
    text = "0.5_0_0_1_1_0~0.5_4_4_1_0.5_0.3"
    spec = decode_spec(text)
    assert spec.n_components == 2
    assert spec.components[1] == ComponentSpec(0.5, 4.0, 4.0, 1.0, 0.5, 0.3)
    assert encode_spec(spec) == text


@pytest.mark.parametrize("key", list(generative.PRESET_SPECS))
def test_every_preset_round_trips_exactly(key):
    spec = generative.PRESET_SPECS[key][1]
    assert decode_spec(encode_spec(spec)) == spec


_finite = dict(allow_nan=False, allow_infinity=False)
_component = st.builds(
    ComponentSpec,
    st.floats(generative.WEIGHT_MIN, generative.WEIGHT_MAX, **_finite),
    st.floats(-generative.MEAN_LIMIT, generative.MEAN_LIMIT, **_finite),
    st.floats(-generative.MEAN_LIMIT, generative.MEAN_LIMIT, **_finite),
    st.floats(generative.STD_MIN, generative.STD_MAX, **_finite),
    st.floats(generative.STD_MIN, generative.STD_MAX, **_finite),
    st.floats(-generative.CORRELATION_LIMIT, generative.CORRELATION_LIMIT, **_finite),
)


@given(st.lists(_component, min_size=1, max_size=generative.MAX_COMPONENTS))
@settings(max_examples=200, deadline=None)
def test_any_valid_spec_round_trips_exactly_and_is_url_safe(components):
    spec = MixtureSpec(tuple(components))
    text = encode_spec(spec)
    assert decode_spec(text) == spec
    assert len(text) <= generative.MAX_SPEC_CHARS
    assert set(text) <= set("0123456789.-e_~")


@pytest.mark.parametrize(("text", "words"), [
    ("", "empty"),
    ("0.5_0_0_1_1", "has 5 numbers"),
    ("0.5_0_0_1_1_0_7", "has 7 numbers"),
    ("0.5_0_0_1_1_abc", "correlation 'abc' is not a number"),
    ("0.5_0_0_1_1_nan", "is not a number"),
    ("0.5_inf_0_1_1_0", "is not a number"),
    ("0_0_0_1_1_0", "weight = 0 is outside"),
    ("-1_0_0_1_1_0", "weight = -1 is outside"),
    ("0.5_99_0_1_1_0", "mean x = 99 is outside"),
    ("0.5_0_0_0_1_0", "std x = 0 is outside"),
    ("0.5_0_0_1_1e9_0", "std y = 1e+09 is outside"),
    ("0.5_0_0_1_1_1", "correlation = 1 is outside"),
    ("~".join(["0.5_0_0_1_1_0"] * 6), "at most 5"),
    ("1" * 900, "longer than"),
    ("0.5_0_0_1_1_0~", "component 2"),
    ("0.5_0x1_0_1_1_0", "mean x '0x1' is not a number"),
])
def test_bad_specs_are_refused_with_a_message_saying_what_is_wrong(text, words):
    with pytest.raises(ValueError) as refused:
        decode_spec(text)
    assert words in str(refused.value)


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_decoding_arbitrary_text_either_works_or_raises_value_error(text):
    try:
        spec = decode_spec(text)
    except ValueError as refused:
        assert str(refused)
    else:
        assert 1 <= spec.n_components <= generative.MAX_COMPONENTS


def test_spec_parameters_have_the_set_covariances():
    params = THREE.to_params()
    np.testing.assert_allclose(params.weights, [0.2, 0.5, 0.3])
    np.testing.assert_allclose(params.means[1], [2.0, 3.0])
    np.testing.assert_allclose(params.covariances[1], [[2.25, 0.72], [0.72, 0.64]])


def test_weights_are_normalised():
    spec = spec_from_rows([(1.0, 0, 0, 1, 1, 0), (0.5, 3, 0, 1, 1, 0)])
    np.testing.assert_allclose(spec.weights, [2 / 3, 1 / 3])


# --- the sampler ----------------------------------------------------------------------------------


def test_the_sample_matches_the_set_weights_means_and_covariances():
    n = generative.SAMPLE_MAX
    dataset = sample_spec(THREE, n, seed=7)
    params = THREE.to_params()
    assert dataset.X.shape == (n, 2) and dataset.labels.shape == (n,)
    counts = np.bincount(dataset.labels, minlength=3)
    # Five standard errors: a false alarm has a probability of about 1e-6 per check.
    weight_error = 5 * np.sqrt(params.weights * (1 - params.weights) / n)
    np.testing.assert_array_less(np.abs(counts / n - params.weights), weight_error)
    for k in range(3):
        group = dataset.X[dataset.labels == k]
        covariance = params.covariances[k]
        mean_error = 5 * np.sqrt(np.diag(covariance) / len(group))
        np.testing.assert_array_less(np.abs(group.mean(axis=0) - params.means[k]), mean_error)
        # Var of a sample covariance entry (a, b) is (S_aa S_bb + S_ab^2) / n for Gaussians.
        entry_variance = (np.outer(np.diag(covariance), np.diag(covariance)) + covariance**2)
        covariance_error = 5 * np.sqrt(entry_variance / len(group))
        np.testing.assert_array_less(np.abs(np.cov(group.T, bias=True) - covariance),
                                     covariance_error)


def test_the_sample_is_determined_by_spec_n_and_seed():
    first = sample_spec(THREE, 200, seed=3)
    again = sample_spec(decode_spec(encode_spec(THREE)), 200, seed=3)
    other = sample_spec(THREE, 200, seed=4)
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.labels, again.labels)
    assert not np.array_equal(first.X, other.X)
    assert first.feature_names == ("x", "y")


@pytest.mark.parametrize(("n", "seed"), [(5, 0), (generative.SAMPLE_MAX + 1, 0), (100, -1),
                                         (100, 2**31), (100.0, 0), (True, 0)])
def test_sample_size_and_seed_are_checked(n, seed):
    with pytest.raises(ValueError, match="number of points|seed"):
        sample_spec(THREE, n, seed)


# --- labels known ---------------------------------------------------------------------------------


def test_supervised_estimates_are_the_per_group_proportions_means_and_covariances():
    dataset = sample_spec(THREE, 1000, seed=1)
    estimates = supervised_estimates(dataset.X, dataset.labels, 3)
    for k in range(3):
        group = dataset.X[dataset.labels == k]
        assert estimates.counts[k] == len(group)
        assert estimates.weights[k] == pytest.approx(len(group) / 1000)
        np.testing.assert_allclose(estimates.means[k], group.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(estimates.covariances[k], np.cov(group.T, bias=True),
                                   rtol=1e-10)
    # They are the M-step's formulas with responsibilities that are exactly 0 or 1.
    one_hot = np.eye(3)[dataset.labels]
    from_m_step = m_step(dataset.X, one_hot, "full", reg_covar=0.0)
    np.testing.assert_allclose(estimates.means, from_m_step.means, rtol=1e-10)
    np.testing.assert_allclose(estimates.covariances, from_m_step.covariances, rtol=1e-10)
    np.testing.assert_allclose(estimates.weights, from_m_step.weights, rtol=1e-10)


def test_a_component_without_points_has_no_estimate():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    estimates = supervised_estimates(X, np.array([0, 0, 2]), 3)
    assert list(estimates.present) == [True, False, True]
    assert np.all(np.isnan(estimates.means[1])) and np.all(np.isnan(estimates.covariances[1]))
    np.testing.assert_allclose(estimates.means[2], [2.0, 0.0])
    np.testing.assert_allclose(estimates.covariances[2], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="labels must be whole numbers from 0 to 2"):
        supervised_estimates(X, np.array([0, 3, 1]), 3)
