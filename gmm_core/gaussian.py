"""The Gaussian behind the ellipses: a 2-D covariance, its axes, and what an ellipse holds.

The density N(x | mu, Sigma) is constant on the ellipses (x - mu)^T Sigma^-1 (x - mu) = c^2.
With Sigma = U diag(lambda) U^T (eigenvalues lambda_1 >= lambda_2, eigenvectors the columns of
U), the "c sigma" ellipse has half-axes c sqrt(lambda_j) along the eigenvectors. The squared
Mahalanobis distance of a draw from its own Gaussian is chi^2 with D degrees of freedom, so the
c-sigma ellipsoid holds chi2.cdf(c^2, D) of the mass: 39.3 % for c = 1 and 86.5 % for c = 2 in
2-D, 68.3 % and 95.4 % for a 1-D interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2


def mass_within(n_sigma: float, n_features: int = 2) -> float:
    """The probability that a draw from N(mu, Sigma) lies within the n_sigma ellipsoid, in D
    dimensions: chi2.cdf(n_sigma^2, D). In 1-D this is the interval mu +- n_sigma sigma."""
    if not n_sigma >= 0:
        raise ValueError(f"n_sigma must be >= 0, not {n_sigma}")
    return float(chi2.cdf(n_sigma**2, n_features))


def sigma_for_mass(mass: float, n_features: int = 2) -> float:
    """The n_sigma whose ellipsoid holds ``mass`` (0 < mass < 1): sqrt(chi2.ppf(mass, D))."""
    if not 0.0 < mass < 1.0:
        raise ValueError(f"mass must be between 0 and 1, not {mass}")
    return float(math.sqrt(chi2.ppf(mass, n_features)))


def covariance_2d(std_1: float, std_2: float, correlation: float) -> np.ndarray:
    """[[s1^2, rho s1 s2], [rho s1 s2, s2^2]]: (2, 2). Needs s1, s2 > 0 and |rho| < 1."""
    if not (std_1 > 0 and std_2 > 0 and -1.0 < correlation < 1.0):
        raise ValueError("standard deviations must be > 0 and the correlation in (-1, 1)")
    off_diagonal = correlation * std_1 * std_2
    return np.array([[std_1**2, off_diagonal], [off_diagonal, std_2**2]])


@dataclass(frozen=True, eq=False)
class PrincipalAxes:
    """Sigma = U diag(variances) U^T for a (2, 2) covariance.

    variances: (2,) eigenvalues, largest first; directions: (2, 2) the unit eigenvectors as
    columns, in the same order, each pointing into the half-plane x >= 0 (so the numbers do not
    flip sign as a slider moves); half_axes: (2,) sqrt(variances), the 1-sigma ellipse's
    half-axes; angle_degrees: the long axis' angle from the first coordinate axis, in (-90, 90].
    """

    variances: np.ndarray
    directions: np.ndarray

    @property
    def half_axes(self) -> np.ndarray:
        return np.sqrt(np.clip(self.variances, 0.0, None))

    @property
    def angle_degrees(self) -> float:
        x, y = self.directions[:, 0]
        angle = math.degrees(math.atan2(y, x))
        return angle if angle > -90.0 else angle + 180.0


def principal_axes(covariance) -> PrincipalAxes:
    """The eigen-decomposition of a symmetric (2, 2) covariance, largest variance first."""
    covariance = np.asarray(covariance, dtype=np.float64)
    if covariance.shape != (2, 2):
        raise ValueError(f"expected a (2, 2) covariance, not {covariance.shape}")
    variances, directions = np.linalg.eigh(covariance)
    order = np.argsort(variances)[::-1]
    variances, directions = variances[order], directions[:, order]
    for column in range(2):
        x, y = directions[:, column]
        if x < 0 or (x == 0 and y < 0):
            directions[:, column] *= -1
    return PrincipalAxes(variances, directions)


def fraction_within(X, mean, covariance, n_sigma: float) -> float:
    """The fraction of the points X (N, D) inside the n_sigma ellipsoid of (mean, covariance)."""
    X = np.asarray(X, dtype=np.float64)
    centred = X - np.asarray(mean, dtype=np.float64)
    solved = np.linalg.solve(np.asarray(covariance, dtype=np.float64), centred.T).T
    squared = np.sum(centred * solved, axis=1)
    return float(np.mean(squared <= n_sigma**2))
