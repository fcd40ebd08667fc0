"""Lock-step agreement of our E-step and M-step with sklearn.mixture.GaussianMixture."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_iris

from devtools.sklearn_reference import fit_one_iteration, relative_difference, sklearn_stepper
from gmm_core.initialisation import initial_params
from gmm_core.mixture import COVARIANCE_TYPES, e_step, log_likelihood, m_step, predict_proba

ASSETS = Path(__file__).resolve().parents[2] / "assets"
N_ITERATIONS = 25
TOLERANCE = 1e-8


def _synthetic(n_features, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(3, n_features))
    return np.vstack(
        [rng.normal(size=(120, n_features)) * rng.uniform(0.5, 2.0, n_features) + c for c in centres]
    )


def _faithful_raw():
    return np.genfromtxt(ASSETS / "faithful.csv", delimiter=",", skip_header=1)


def _penguins_raw():
    """Four raw measurements (bill length/depth in mm, flipper mm, body mass in grams), 342 rows."""
    table = np.genfromtxt(ASSETS / "penguins.csv", delimiter=",", skip_header=1, usecols=(2, 3, 4, 5))
    return table[~np.isnan(table).any(axis=1)]


def _iris_raw():
    return load_iris().data


DATASETS = {
    "1-D synthetic": lambda: _synthetic(1),
    "2-D synthetic": lambda: _synthetic(2),
    "5-D synthetic": lambda: _synthetic(5),
    "faithful (raw, 2-D)": _faithful_raw,
    "faithful eruptions (raw, 1-D)": lambda: _faithful_raw()[:, :1],
    "penguins (raw, 4-D, grams and mm)": _penguins_raw,
    "iris (raw, 4-D)": _iris_raw,
}


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("dataset", DATASETS)
def test_em_matches_sklearn_step_by_step(dataset, covariance_type):
    X = DATASETS[dataset]()
    params = initial_params(X, 3, covariance_type, "random-points", seed=3)
    reference = sklearn_stepper(params)
    for iteration in range(N_ITERATIONS):
        responsibilities, total = e_step(X, params)
        params = m_step(X, responsibilities, covariance_type)
        fit_one_iteration(reference, X)
        for name, theirs in [
            ("weights", reference.weights_),
            ("means", reference.means_),
            ("covariances", reference.covariances_),
        ]:
            difference = relative_difference(getattr(params, name), theirs)
            assert difference <= TOLERANCE, f"{name} differ by {difference:.1e} at iteration {iteration}"
        # sklearn's lower_bound_ is the per-sample log-likelihood before its last M-step.
        assert total / len(X) == pytest.approx(reference.lower_bound_, rel=TOLERANCE, abs=1e-12)
    assert relative_difference(predict_proba(X, params), reference.predict_proba(X)) <= TOLERANCE
    assert log_likelihood(X, params) / len(X) == pytest.approx(reference.score(X), rel=TOLERANCE)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_random_responsibility_start_matches_sklearn_initial_m_step(covariance_type):
    """One M-step on given responsibilities equals sklearn's _estimate_gaussian_parameters."""
    from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

    X = _penguins_raw()
    rng = np.random.default_rng(5)
    responsibilities = rng.dirichlet(np.ones(4), size=len(X))
    ours = m_step(X, responsibilities, covariance_type, reg_covar=1e-6)
    counts, means, covariances = _estimate_gaussian_parameters(
        X, responsibilities, 1e-6, covariance_type
    )
    assert relative_difference(ours.weights, counts / counts.sum()) <= 1e-12
    assert relative_difference(ours.means, means) <= 1e-12
    assert relative_difference(ours.covariances, covariances) <= 1e-9


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_em_is_shift_invariant_far_from_the_origin(covariance_type):
    """The centred covariance formula keeps full precision for data far from 0.

    (scikit-learn's tied and diag estimators use E[x^2] - mu^2 and drift by ~1e-8 here, which
    is why the lock-step comparison above uses data at their natural scale.)
    """
    X = _synthetic(6)
    shift = np.full(6, 1e4)
    start = initial_params(X, 3, covariance_type, "random-points", seed=1)
    near = start
    far = start.replace(means=start.means + shift)
    for _ in range(N_ITERATIONS):
        near = m_step(X, e_step(X, near)[0], covariance_type)
        far = m_step(X + shift, e_step(X + shift, far)[0], covariance_type)
    assert relative_difference(far.means - shift, near.means) <= 1e-9
    assert relative_difference(far.covariances, near.covariances) <= 1e-9
    assert relative_difference(far.weights, near.weights) <= 1e-9
