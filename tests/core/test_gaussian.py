"""gmm_core.gaussian: a 2-D covariance, its principal axes, and the mass inside an ellipse."""

import math

import numpy as np
import pytest
from scipy.stats import norm

from gmm_core.gaussian import (
    covariance_2d,
    fraction_within,
    mass_within,
    principal_axes,
    sigma_for_mass,
)
from gmm_core.mixture import MixtureParams, sample


def test_the_mass_of_an_ellipse_is_chi_squared():
    assert mass_within(1, 2) == pytest.approx(1 - math.exp(-0.5), rel=1e-12)  # 39.3 %
    assert mass_within(2, 2) == pytest.approx(1 - math.exp(-2.0), rel=1e-12)  # 86.5 %
    assert mass_within(1, 1) == pytest.approx(norm.cdf(1) - norm.cdf(-1), rel=1e-12)  # 68.3 %
    assert round(100 * mass_within(1, 2), 1) == 39.3 and round(100 * mass_within(2, 2), 1) == 86.5
    assert round(100 * mass_within(1, 1), 1) == 68.3
    for mass in (0.5, 0.95):
        assert mass_within(sigma_for_mass(mass, 2), 2) == pytest.approx(mass, rel=1e-12)
    with pytest.raises(ValueError):
        sigma_for_mass(1.0)


def test_the_principal_axes_are_the_eigen_decomposition():
    covariance = covariance_2d(2.0, 1.0, 0.6)
    np.testing.assert_allclose(covariance, [[4.0, 1.2], [1.2, 1.0]])
    axes = principal_axes(covariance)
    assert axes.variances[0] >= axes.variances[1]
    rebuilt = axes.directions @ np.diag(axes.variances) @ axes.directions.T
    np.testing.assert_allclose(rebuilt, covariance, rtol=1e-12)
    np.testing.assert_allclose(axes.half_axes, np.sqrt(axes.variances))
    assert np.all(axes.directions[0] >= 0)
    assert 0 < axes.angle_degrees < 45
    flat = principal_axes(covariance_2d(1.5, 0.5, 0.0))
    np.testing.assert_allclose(flat.variances, [2.25, 0.25])
    assert flat.angle_degrees == pytest.approx(0.0)
    tilted = principal_axes(covariance_2d(1.0, 1.0, -0.5))
    assert tilted.angle_degrees == pytest.approx(-45.0)


def test_a_large_sample_fills_the_ellipses_as_chi_squared_says():
    covariance = covariance_2d(2.0, 0.7, -0.4)
    draws, _ = sample(MixtureParams(np.ones(1), np.zeros((1, 2)), covariance[None], "full"),
                      20_000, 3)
    for n_sigma in (1.0, 2.0):
        expected = mass_within(n_sigma, 2)
        error = 5 * math.sqrt(expected * (1 - expected) / 20_000)
        assert abs(fraction_within(draws, [0, 0], covariance, n_sigma) - expected) < error


def test_covariances_are_checked():
    with pytest.raises(ValueError):
        covariance_2d(0.0, 1.0, 0.0)
    with pytest.raises(ValueError):
        covariance_2d(1.0, 1.0, 1.0)
    with pytest.raises(ValueError):
        principal_axes(np.eye(3))
