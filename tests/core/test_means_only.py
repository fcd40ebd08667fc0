"""Unit tests of gmm_core.means_only: the lecture's "learn the means only" example, its
log-likelihood surface and EM's path on it."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_core import means_only
from gmm_core.means_only import (
    lecture_params,
    means_only_data,
    means_only_path,
    means_only_run,
    means_only_surface,
    surface_grid,
    surface_shape,
)
from gmm_core.mixture import log_likelihood

# --- labels unknown: the means-only surface ----------------------------------------------------


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


def maxima_of(X) -> np.ndarray:
    """The surface's maxima as rows (mu_1, mu_2)."""
    return np.array([point.means for point in surface_shape(X).maxima])


def test_the_two_maxima_are_mirror_images_with_the_same_height(lecture_data):
    maxima = maxima_of(lecture_data)
    assert maxima.shape == (2, 2)
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
    maxima = maxima_of(lecture_data)
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
    assert means_only.surface_resolution(100) == 150
    assert means_only.surface_resolution(2000) == 80
    assert means_only.surface_resolution(1000) ** 2 * 1000 <= 1.2e7


# --- the shape of the surface: critical points found and classified ---------------------------


def test_the_gradient_and_hessian_are_the_derivatives_of_the_log_likelihood(lecture_data):
    def ell(mu1, mu2):
        return log_likelihood(lecture_data, lecture_params(mu1, mu2))

    h = 1e-5
    for mu1, mu2 in [(-1.0, 2.0), (0.3, 0.3), (4.0, -3.0)]:
        numeric = [(ell(mu1 + h, mu2) - ell(mu1 - h, mu2)) / (2 * h),
                   (ell(mu1, mu2 + h) - ell(mu1, mu2 - h)) / (2 * h)]
        np.testing.assert_allclose(means_only.gradient(lecture_data, mu1, mu2), numeric,
                                   rtol=1e-6, atol=1e-6)
        columns = [(means_only.gradient(lecture_data, mu1 + h, mu2)
                    - means_only.gradient(lecture_data, mu1 - h, mu2)) / (2 * h),
                   (means_only.gradient(lecture_data, mu1, mu2 + h)
                    - means_only.gradient(lecture_data, mu1, mu2 - h)) / (2 * h)]
        np.testing.assert_allclose(means_only.hessian(lecture_data, mu1, mu2),
                                   np.array(columns).T, rtol=1e-5, atol=1e-5)


def test_well_separated_data_give_two_mirror_maxima_and_a_saddle_on_the_mirror(lecture_data):
    shape = surface_shape(lecture_data)
    assert [point.kind for point in shape.points] == ["maximum", "maximum", "saddle"]
    first, second = shape.maxima
    assert (first.mu1, first.mu2) == pytest.approx((second.mu2, second.mu1), rel=1e-9)
    assert first.log_likelihood == pytest.approx(second.log_likelihood, rel=1e-12)
    assert len(shape.fits()) == 1 and not first.on_mirror
    saddle = shape.mirror_point
    assert saddle.kind == "saddle" and saddle.on_mirror
    x = lecture_data[:, 0]
    assert (saddle.mu1, saddle.mu2) == (x.mean(), x.mean())
    # Across the mirror line the curvature is N/2 (s^2 - 1), along it -N/2.
    n, variance = len(x), x.var()
    np.testing.assert_allclose(sorted(saddle.curvatures), [-n / 2, n / 2 * (variance - 1)],
                               rtol=1e-9)
    for point in shape.points:
        assert np.linalg.norm(means_only.gradient(lecture_data, *point.means)) < 1e-6
    grid = surface_grid(lecture_data, resolution=150)
    assert first.log_likelihood >= means_only_surface(lecture_data, grid).max()


def test_close_means_give_one_maximum_on_the_mirror_line():
    """The issue's example: separation 0.5, n = 200, seed 1 has variance 0.91 < sigma^2 = 1."""
    X = means_only_data(0.5, 200, 1)
    shape = surface_shape(X)
    assert shape.data_variance == pytest.approx(0.9105, abs=1e-4)
    (only,) = shape.points
    assert only.kind == "maximum" and only.on_mirror and only is shape.mirror_point
    assert only.mu1 == only.mu2 == pytest.approx(X.mean())
    assert shape.fits() == (only,)
    grid = surface_grid(X, resolution=150)
    assert only.log_likelihood >= means_only_surface(X, grid).max()
    # EM from anywhere ends there.
    for start in [(-3.0, 2.0), (4.0, -1.0)]:
        end = means_only_path(X, *start).means[-1]
        assert np.linalg.norm(end - only.means) < 0.05


def test_few_points_can_give_two_different_fits_each_with_its_mirror_image():
    X = means_only_data(5.0, 10, 14)
    shape = surface_shape(X)
    assert len(shape.maxima) == 4 and len(shape.fits()) == 2
    best, other = shape.fits()
    assert best.log_likelihood > other.log_likelihood + 0.5  # a worse optimum, not a renaming
    assert best.mu1 < best.mu2 and other.mu1 < other.mu2
    assert len(shape.saddles) == 3  # one between the two fits, its mirror image, the mirror's
    for start, fit in [((-1.0, 3.0), best), ((-3.5, 2.0), other)]:
        end = means_only_path(X, *start).means[-1]
        assert np.linalg.norm(end - fit.means) < 1e-3


@pytest.mark.parametrize(("separation", "n", "seed"), [(2.0, 50, 3), (6.0, 10, 1), (1.0, 100, 4),
                                                       (3.0, 30, 7)])
def test_every_local_maximum_of_a_fine_grid_is_a_maximum_found(separation, n, seed):
    X = means_only_data(separation, n, seed)
    grid = surface_grid(X, resolution=200)
    surface = means_only_surface(X, grid)
    inner = surface[1:-1, 1:-1]
    neighbours = [surface[1 + dy:surface.shape[0] - 1 + dy, 1 + dx:surface.shape[1] - 1 + dx]
                  for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]
    peaks = np.argwhere(np.all([inner > other for other in neighbours], axis=0)) + 1
    maxima = maxima_of(X)
    step = grid[1] - grid[0]
    assert len(peaks) >= 1
    for b, a in peaks:
        assert np.min(np.hypot(maxima[:, 0] - grid[a], maxima[:, 1] - grid[b])) < 2 * step


def test_nearest_names_the_critical_point_a_run_ended_at(lecture_data):
    shape = surface_shape(lecture_data)
    stuck = means_only_path(lecture_data, 2.0, 2.0).means[-1]
    point, distance = shape.nearest(*stuck)
    assert point.kind == "saddle" and distance < 1e-3
