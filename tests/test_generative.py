"""Unit tests of gmm_core.generative and the pure figure builders of ui/figures_model.py."""

import math

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
    lecture_params,
    means_only_data,
    means_only_maxima,
    means_only_path,
    means_only_run,
    means_only_surface,
    read_generated_query,
    sample_spec,
    spec_from_rows,
    stepper_query,
    supervised_estimates,
    surface_grid,
)
from gmm_core.mixture import log_likelihood, m_step
from ui.figures_common import UNASSIGNED_HEX, figure_style
from ui.figures_model import (
    CLICK_TRACE_NAME,
    draw_counts_figure,
    graphical_model_dot,
    sampling_figure,
    supervised_figure,
    surface_figure,
)

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


# --- labels unknown: the means-only surface ----------------------------------------------------


@pytest.fixture(scope="module")
def lecture_data():
    return means_only_data(4.0, 200, seed=0)


def test_the_lecture_data_come_from_two_unit_gaussians(lecture_data):
    x = means_only_data(4.0, 2000, seed=1)[:, 0]
    left, right = x[x < 0], x[x > 0]
    assert abs(len(left) / len(x) - 0.5) < 0.05
    assert left.mean() == pytest.approx(-2.0, abs=0.15)
    assert right.mean() == pytest.approx(2.0, abs=0.15)
    assert lecture_data.shape == (200, 1)


@pytest.mark.parametrize(("separation", "n"), [(-1.0, 100), (11.0, 100), (math.nan, 100),
                                               (4.0, 5), (4.0, 5000)])
def test_the_lecture_data_settings_are_checked(separation, n):
    with pytest.raises(ValueError, match="separation|number of points"):
        means_only_data(separation, n, 0)


def test_the_surface_is_symmetric_under_swapping_mu1_and_mu2(lecture_data):
    grid = surface_grid(lecture_data, resolution=60)
    surface = means_only_surface(lecture_data, grid)
    assert surface.shape == (60, 60)
    np.testing.assert_allclose(surface, surface.T, rtol=1e-13, atol=0)


def test_the_surface_is_the_models_log_likelihood(lecture_data):
    grid = surface_grid(lecture_data, resolution=40)
    surface = means_only_surface(lecture_data, grid)
    rng = np.random.default_rng(0)
    for a, b in rng.integers(0, 40, size=(12, 2)):
        expected = log_likelihood(lecture_data, lecture_params(grid[a], grid[b]))
        assert surface[b, a] == pytest.approx(expected, rel=1e-12)


def test_the_surface_survives_points_far_from_every_mean():
    X = np.array([[-40.0], [40.0]])
    grid = np.linspace(-45.0, 45.0, 7)
    surface = means_only_surface(X, grid)
    assert np.all(np.isfinite(surface))
    for a, b in [(0, 6), (3, 3), (1, 5)]:
        expected = log_likelihood(X, lecture_params(grid[a], grid[b]))
        assert surface[b, a] == pytest.approx(expected, rel=1e-12)


def test_the_two_maxima_are_mirror_images_with_the_same_height(lecture_data):
    maxima = means_only_maxima(lecture_data)
    np.testing.assert_allclose(maxima[1], maxima[0][::-1])
    assert maxima[0, 0] == pytest.approx(-2.0, abs=0.5)
    assert maxima[0, 1] == pytest.approx(2.0, abs=0.5)
    heights = [log_likelihood(lecture_data, lecture_params(*row)) for row in maxima]
    assert heights[0] == pytest.approx(heights[1], rel=1e-14)
    grid = surface_grid(lecture_data, resolution=150)
    assert max(heights) >= means_only_surface(lecture_data, grid).max()


STARTS = [(-1.0, -0.5), (5.0, -5.0), (-6.0, -6.5), (0.3, 0.2), (8.0, 7.0), (-0.01, 0.01),
          (2.0, 2.0)]


@pytest.mark.parametrize("start", STARTS)
def test_ems_path_on_the_surface_never_goes_downhill(lecture_data, start):
    run = means_only_run(lecture_data, *start)
    values = run.log_likelihoods
    assert np.all(np.diff(values) >= -1e-10 * np.abs(values[:-1]))
    path = means_only_path(lecture_data, *start)
    np.testing.assert_array_equal(path.log_likelihoods, values)
    # Each point of the path lies on the surface at its own (mu_1, mu_2).
    for (mu1, mu2), value in zip(path.means, path.log_likelihoods, strict=True):
        assert means_only_surface(lecture_data, np.array([mu1, mu2]))[1, 0] == pytest.approx(
            value, rel=1e-12)


@given(st.floats(-8, 8), st.floats(-8, 8))
@settings(max_examples=40, deadline=None)
def test_ems_path_never_goes_downhill_from_any_start(start_mu1, start_mu2):
    X = means_only_data(3.0, 80, seed=2)
    values = means_only_run(X, start_mu1, start_mu2).log_likelihoods
    assert np.all(np.diff(values) >= -1e-10 * np.abs(values[:-1]))


def test_em_moves_the_means_only_on_m_steps_and_ends_on_a_maximum(lecture_data):
    path = means_only_path(lecture_data, -1.0, -0.5)
    assert path.kinds[0] == "start" and set(path.kinds[1:]) == {"E", "M"}
    for index, kind in enumerate(path.kinds):
        if kind == "E":
            np.testing.assert_array_equal(path.means[index], path.means[index - 1])
    assert path.status == "converged"
    maxima = means_only_maxima(lecture_data)
    distances = np.linalg.norm(maxima - path.means[-1], axis=1)
    assert distances.min() < 1e-3
    assert path.responsibilities_at(lecture_data, 0) is None
    responsibilities = path.responsibilities_at(lecture_data, 2)
    assert responsibilities.shape == (200, 2)
    np.testing.assert_allclose(responsibilities.sum(axis=1), 1.0)


def test_a_start_on_the_mirror_line_stays_on_it(lecture_data):
    path = means_only_path(lecture_data, 2.0, 2.0)
    np.testing.assert_allclose(path.means[:, 0], path.means[:, 1])


def test_em_starts_are_checked(lecture_data):
    with pytest.raises(ValueError, match="start mu1"):
        means_only_run(lecture_data, math.inf, 0.0)
    with pytest.raises(ValueError, match="start mu2"):
        means_only_run(lecture_data, 0.0, 25.0)


def test_the_surface_resolution_keeps_the_cost_bounded():
    assert generative.surface_resolution(100) == 150
    assert generative.surface_resolution(2000) == 80
    assert generative.surface_resolution(1000) ** 2 * 1000 <= 1.2e7


# --- the figure builders ----------------------------------------------------------------------------


def test_the_graphical_model_has_the_plate_the_shaded_observation_and_the_edges():
    dot = graphical_model_dot()
    assert "subgraph cluster_plate" in dot and 'label="i = 1..N"' in dot
    assert 'x [label="x(i)", shape=circle, style=filled' in dot
    assert 'z [label="z(i)", shape=circle, tooltip' in dot  # latent: not filled
    for edge in ("phi -> z;", "z -> x;", "mu -> x;", "sigma -> x;"):
        assert edge in dot
    plate = dot[dot.index("subgraph cluster_plate"):]
    assert "phi [" not in plate and "mu [" not in plate and "sigma [" not in plate


def _trace(figure, name: str):
    (trace,) = [trace for trace in figure.data if trace.name == name]
    return trace


def test_the_sampling_figure_reveals_a_prefix_and_hides_colours_on_request():
    dataset = sample_spec(THREE, 100, 0)
    params = THREE.to_params()
    style = figure_style(100)
    shown = sampling_figure(dataset.X, dataset.labels, 10, params, style)
    points = _trace(shown, "sample")
    assert len(points.x) == 10
    np.testing.assert_array_equal(points.customdata, dataset.labels[:10] + 1)
    assert any(trace.name == "component 1" for trace in shown.data)
    assert _trace(shown, "newest point").text == (f"z = {dataset.labels[9] + 1}",)
    hidden = sampling_figure(dataset.X, dataset.labels, 10, params, style, hide_colours=True)
    assert _trace(hidden, "sample").marker.color == UNASSIGNED_HEX
    assert not any(str(trace.name).startswith("component") for trace in hidden.data)
    assert "all EM sees" in hidden.layout.title.text
    # The axes come from the whole sample, so they do not move while points are revealed.
    empty = sampling_figure(dataset.X, dataset.labels, 0, params, style)
    assert empty.layout.xaxis.range == shown.layout.xaxis.range
    assert not any(trace.name == "sample" for trace in empty.data)


def test_the_draw_counts_figure_compares_weights_and_fractions():
    figure = draw_counts_figure(np.array([0.2, 0.8]), np.array([1, 1, 0, 1]), figure_style(10))
    weights, fractions = figure.data
    np.testing.assert_allclose(weights.y, [0.2, 0.8])
    np.testing.assert_allclose(fractions.y, [0.25, 0.75])
    assert fractions.marker.line.color[1] == "#111111"  # the newest draw was z = 2
    assert fractions.marker.line.color[0] != "#111111"


def test_the_supervised_figure_skips_components_without_points():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [1.0, -1.0]])
    labels = np.array([0, 0, 2, 2])
    estimates = supervised_estimates(X, labels, 3)
    figure = supervised_figure(X, labels, estimates, THREE.to_params(), figure_style(4))
    names = [trace.name for trace in figure.data]
    assert "estimate 1" in names and "estimate 3" in names and "estimate 2" not in names
    assert names.count("true component (1σ)") == 3


def test_the_surface_figure_draws_the_path_up_to_the_current_half_step(lecture_data):
    grid = surface_grid(lecture_data, resolution=40)
    surface = means_only_surface(lecture_data, grid)
    path = means_only_path(lecture_data, -1.0, -0.5)
    maxima = means_only_maxima(lecture_data)
    figure = surface_figure(grid, surface, path.means, 4, maxima, figure_style(200),
                            n_samples=200)
    np.testing.assert_array_equal(_trace(figure, "EM's path").x, path.means[:5, 0])
    assert _trace(figure, "now").x == (path.means[4, 0],)
    assert len(_trace(figure, CLICK_TRACE_NAME).x) == len(grid[::4]) ** 2
    np.testing.assert_allclose(_trace(figure, "the two maxima (same height)").x, maxima[:, 0])
    assert figure.layout.yaxis.scaleanchor == "x"
