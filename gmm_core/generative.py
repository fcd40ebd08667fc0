"""The mixture model as a generative story, and what learning it means.

Two things a student meets on the page "The mixture model":

1. **A mixture to sample from.** :class:`MixtureSpec` is a small 2-D mixture (K <= 5) given by
   the numbers a person sets with sliders: per component a weight, a mean (x, y), two standard
   deviations and a correlation. It travels in links as a compact text (:func:`encode_spec`,
   :func:`decode_spec`), and the sample is fully determined by (spec, n, seed)
   (:func:`sample_spec`), so the 2-D EM stepper can rebuild exactly the same points.
2. **Learning with the labels known** (:func:`supervised_estimates`): the closed-form maximum
   likelihood estimates are per-group proportions, means and covariances.

Learning without labels (the lecture's "learn the means only" example) is in
``gmm_core.means_only``. Shapes: data X is (N, D); a spec's parameters are weights (K,), means
(K, 2), full covariances (K, 2, 2).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gmm_core.datasets import Dataset
from gmm_core.mixture import MixtureParams, as_data, sample

# --- bounds on everything a link can carry --------------------------------------------------

# These are also the ranges of the page's sliders, so any valid link can be shown on them.
MAX_COMPONENTS = 5
WEIGHT_MIN, WEIGHT_MAX = 0.05, 1.0  # relative weights; the mixture normalises them to sum to 1
MEAN_LIMIT = 10.0  # |mean x|, |mean y| <= MEAN_LIMIT
STD_MIN, STD_MAX = 0.2, 5.0
CORRELATION_LIMIT = 0.95  # |rho| <= this keeps every covariance comfortably positive definite
SAMPLE_MIN, SAMPLE_MAX = 10, 10_000
SEED_MAX = 2**31 - 1
MAX_SPEC_CHARS = 800  # 30 numbers of up to 23 characters each, with separators

COMPONENT_SEPARATOR = "~"
FIELD_SEPARATOR = "_"
SPEC_FIELDS = ("weight", "mean x", "mean y", "std x", "std y", "correlation")

# The data-set key under which the 2-D stepper rebuilds a sample from a spec, n and seed.
GENERATED_DATASET = "generated"


# --- the mixture specification --------------------------------------------------------------


@dataclass(frozen=True)
class ComponentSpec:
    """One Gaussian component in 2-D as a person describes it.

    weight: relative weight (> 0; the mixture normalises the weights); mean_x, mean_y: the
    centre; std_x, std_y: standard deviations along the axes; correlation: rho in (-1, 1).
    Covariance: [[sx^2, rho sx sy], [rho sx sy, sy^2]].
    """

    weight: float
    mean_x: float
    mean_y: float
    std_x: float
    std_y: float
    correlation: float = 0.0

    def __post_init__(self):
        for name, value in zip(SPEC_FIELDS, self.values(), strict=True):
            if not isinstance(value, numbers.Real) or isinstance(value, bool):
                raise ValueError(f"{name} must be a number, not {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, not {value}")
        _check_range("weight", self.weight, WEIGHT_MIN, WEIGHT_MAX)
        _check_range("mean x", self.mean_x, -MEAN_LIMIT, MEAN_LIMIT)
        _check_range("mean y", self.mean_y, -MEAN_LIMIT, MEAN_LIMIT)
        _check_range("std x", self.std_x, STD_MIN, STD_MAX)
        _check_range("std y", self.std_y, STD_MIN, STD_MAX)
        _check_range("correlation", self.correlation, -CORRELATION_LIMIT, CORRELATION_LIMIT)
        for name in ("weight", "mean_x", "mean_y", "std_x", "std_y", "correlation"):
            object.__setattr__(self, name, float(getattr(self, name)))

    def values(self) -> tuple[float, ...]:
        """(weight, mean_x, mean_y, std_x, std_y, correlation), in the order of SPEC_FIELDS."""
        return (self.weight, self.mean_x, self.mean_y, self.std_x, self.std_y, self.correlation)

    @property
    def mean(self) -> np.ndarray:
        """(2,)"""
        return np.array([self.mean_x, self.mean_y])

    @property
    def covariance(self) -> np.ndarray:
        """(2, 2)"""
        off_diagonal = self.correlation * self.std_x * self.std_y
        return np.array([[self.std_x**2, off_diagonal], [off_diagonal, self.std_y**2]])


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} = {value:g} is outside the allowed range [{low:g}, {high:g}]")


@dataclass(frozen=True)
class MixtureSpec:
    """A 2-D Gaussian mixture of 1 to MAX_COMPONENTS components, as set on the page."""

    components: tuple[ComponentSpec, ...]

    def __post_init__(self):
        components = tuple(self.components)
        if not 1 <= len(components) <= MAX_COMPONENTS:
            raise ValueError(
                f"a mixture needs 1 to {MAX_COMPONENTS} components, not {len(components)}"
            )
        if not all(isinstance(component, ComponentSpec) for component in components):
            raise ValueError("every component must be a ComponentSpec")
        object.__setattr__(self, "components", components)

    @property
    def n_components(self) -> int:
        return len(self.components)

    @property
    def weights(self) -> np.ndarray:
        """The mixing weights phi (K,), normalised to sum to 1."""
        raw = np.array([component.weight for component in self.components])
        return raw / raw.sum()

    def to_params(self) -> MixtureParams:
        """The mixture as full-covariance MixtureParams: weights (K,), means (K, 2), (K, 2, 2)."""
        return MixtureParams(
            self.weights,
            np.array([component.mean for component in self.components]),
            np.array([component.covariance for component in self.components]),
            "full",
        )


def _spec(*rows: tuple[float, ...]) -> MixtureSpec:
    return MixtureSpec(tuple(ComponentSpec(*row) for row in rows))


# Ready-made mixtures for the page: key -> (title, spec). Rows are
# (weight, mean x, mean y, std x, std y, correlation).
PRESET_SPECS: dict[str, tuple[str, MixtureSpec]] = {
    "three": ("Three clusters of different shapes", _spec(
        (0.3, -4.0, 0.0, 1.0, 1.0, 0.0),
        (0.4, 2.0, 3.0, 1.5, 0.8, 0.5),
        (0.3, 3.0, -3.0, 0.8, 1.2, -0.4),
    )),
    "two-separated": ("Two round, well-separated clusters", _spec(
        (0.5, -3.0, 0.0, 1.0, 1.0, 0.0),
        (0.5, 3.0, 0.0, 1.0, 1.0, 0.0),
    )),
    "two-overlapping": ("Two overlapping clusters", _spec(
        (0.5, -1.0, 0.0, 1.5, 1.5, 0.0),
        (0.5, 1.0, 0.5, 1.5, 1.0, 0.3),
    )),
    "unequal-weights": ("A big cluster and a small one (weights 0.85 / 0.15)", _spec(
        (0.85, 0.0, 0.0, 2.0, 2.0, 0.0),
        (0.15, 4.0, 4.0, 0.5, 0.5, 0.0),
    )),
    "stretched": ("Two stretched, tilted clusters crossing", _spec(
        (0.5, 0.0, -1.5, 3.0, 1.0, 0.8),
        (0.5, 0.0, 1.5, 3.0, 1.0, -0.8),
    )),
    "five": ("Five clusters", _spec(
        (0.2, 0.0, 5.0, 1.0, 1.0, 0.0),
        (0.2, 4.75, 1.5, 1.0, 0.7, 0.3),
        (0.2, 2.95, -4.0, 0.8, 1.0, 0.0),
        (0.2, -2.95, -4.0, 1.2, 0.8, -0.3),
        (0.2, -4.75, 1.5, 0.7, 1.2, 0.0),
    )),
}
DEFAULT_PRESET = "three"

# The component a page adds when K grows past a preset: one per slot, spread over the plane.
SPARE_COMPONENTS = PRESET_SPECS["five"][1].components


def spec_from_rows(rows: Sequence[Sequence[float]]) -> MixtureSpec:
    """A spec from K rows of (weight, mean x, mean y, std x, std y, correlation).

    Raises ValueError naming the component and the field that is out of range.
    """
    components = []
    for position, row in enumerate(rows, start=1):
        if len(row) != len(SPEC_FIELDS):
            raise ValueError(
                f"component {position} has {len(row)} numbers; it needs {len(SPEC_FIELDS)} "
                f"({', '.join(SPEC_FIELDS)})"
            )
        try:
            components.append(ComponentSpec(*row))
        except ValueError as problem:
            raise ValueError(f"component {position}: {problem}") from None
    return MixtureSpec(tuple(components))


def _format_number(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` ("4" for 4.0, "0.5", "-1.25")."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def encode_spec(spec: MixtureSpec) -> str:
    """The spec as compact, URL-safe text: "0.5_0_0_1_1_0~0.5_4_4_1_0.5_0.3".

    One group of six numbers per component (weight, mean x, mean y, std x, std y, correlation),
    numbers joined by "_", components by "~". ``decode_spec`` reads it back exactly.
    """
    return COMPONENT_SEPARATOR.join(
        FIELD_SEPARATOR.join(_format_number(value) for value in component.values())
        for component in spec.components
    )


def _parse_number(text: str) -> float:
    """A plain decimal number; refuses nan, inf and Python's digit separators."""
    cleaned = text.strip()
    if not cleaned or any(character not in "0123456789.+-eE" for character in cleaned):
        raise ValueError
    return float(cleaned)


def decode_spec(text: str) -> MixtureSpec:
    """Read the text written by ``encode_spec``. It comes from a URL, so everything is checked.

    Raises ValueError with a message that says what is wrong and what the text should look like.
    """
    example = "0.5_0_0_1_1_0~0.5_4_4_1_0.5_0.3"
    if not isinstance(text, str):
        raise ValueError(f"a mixture spec must be text like {example!r}")
    text = text.strip()
    if not text:
        raise ValueError(f"the mixture spec is empty; it should look like {example!r}")
    if len(text) > MAX_SPEC_CHARS:
        raise ValueError(f"the mixture spec is longer than {MAX_SPEC_CHARS} characters")
    groups = text.split(COMPONENT_SEPARATOR)
    if len(groups) > MAX_COMPONENTS:
        raise ValueError(
            f"the mixture spec has {len(groups)} components; at most {MAX_COMPONENTS} are allowed"
        )
    rows = []
    for position, group in enumerate(groups, start=1):
        pieces = group.split(FIELD_SEPARATOR)
        if len(pieces) != len(SPEC_FIELDS):
            raise ValueError(
                f"component {position} of the mixture spec has {len(pieces)} numbers; it needs "
                f"{len(SPEC_FIELDS)} ({', '.join(SPEC_FIELDS)}) joined by "
                f"'{FIELD_SEPARATOR}', e.g. {example!r}"
            )
        row = []
        for name, piece in zip(SPEC_FIELDS, pieces, strict=True):
            try:
                row.append(_parse_number(piece))
            except ValueError:
                shown = piece if len(piece) <= 20 else piece[:17] + "..."
                raise ValueError(
                    f"component {position} of the mixture spec: {name} {shown!r} is not a number"
                ) from None
        rows.append(row)
    return spec_from_rows(rows)


def check_sample_size(n_samples: int, seed: int) -> None:
    """Raise ValueError unless n_samples is a whole number in [SAMPLE_MIN, SAMPLE_MAX] and seed
    one in [0, SEED_MAX]."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise ValueError(f"the number of points must be a whole number, not {n_samples!r}")
    if not SAMPLE_MIN <= n_samples <= SAMPLE_MAX:
        raise ValueError(
            f"the number of points must be from {SAMPLE_MIN} to {SAMPLE_MAX}, not {n_samples}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed <= SEED_MAX:
        raise ValueError(f"the seed must be a whole number from 0 to {SEED_MAX}, not {seed!r}")


def sample_spec(spec: MixtureSpec, n_samples: int, seed: int) -> Dataset:
    """Draw n_samples points from the spec with ``gmm_core.mixture.sample``.

    Returns a Dataset: X (n, 2) and labels (n,) = the component z that produced each point.
    The points come in the order drawn, so any prefix is itself a sample of the mixture.
    """
    check_sample_size(n_samples, seed)
    X, components = sample(spec.to_params(), int(n_samples), int(seed))
    return Dataset(
        X=X,
        labels=components,
        name=f"generated: {spec.n_components}-component mixture, n = {n_samples}, seed = {seed}",
        feature_names=("x", "y"),
    )


# --- learning with the labels known -------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SupervisedEstimates:
    """Closed-form maximum likelihood estimates when every point's component is known.

    counts (K,): points per component; weights (K,) = counts / N; means (K, D); covariances
    (K, D, D), divided by the count (the ML estimate, not the unbiased one). A component with
    no points has NaN mean and covariance and ``present[k]`` False.
    """

    counts: np.ndarray
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray

    @property
    def present(self) -> np.ndarray:
        """(K,) bool: the components with at least one point."""
        return self.counts > 0


def supervised_estimates(X, labels, n_components: int) -> SupervisedEstimates:
    """phi_k = n_k / N, mu_k = mean of group k, Sigma_k = (1/n_k) sum (x - mu_k)(x - mu_k)^T.

    X: (N, D); labels: (N,) ints in [0, n_components). These are the M-step's formulas with
    responsibilities that are exactly 0 or 1: with labels known, there is nothing to iterate.
    """
    X = as_data(X)
    labels = np.asarray(labels)
    if labels.shape != (X.shape[0],):
        raise ValueError(f"labels must have shape ({X.shape[0]},), got {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_components):
        raise ValueError(f"labels must be whole numbers from 0 to {n_components - 1}")
    n_features = X.shape[1]
    counts = np.bincount(labels, minlength=n_components).astype(np.float64)
    means = np.full((n_components, n_features), np.nan)
    covariances = np.full((n_components, n_features, n_features), np.nan)
    for k in range(n_components):
        group = X[labels == k]
        if len(group):
            means[k] = group.mean(axis=0)
            centred = group - means[k]  # centred first: no precision lost far from the origin
            covariances[k] = centred.T @ centred / len(group)
    return SupervisedEstimates(counts, counts / X.shape[0], means, covariances)
