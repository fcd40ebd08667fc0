"""The mixture model as a generative story, and what learning it means.

Three things a student meets on the page "The mixture model":

1. **A mixture to sample from.** :class:`MixtureSpec` is a small 2-D mixture (K <= 5) given by
   the numbers a person sets with sliders: per component a weight, a mean (x, y), two standard
   deviations and a correlation. It travels in links as a compact text (:func:`encode_spec`,
   :func:`decode_spec`), and the sample is fully determined by (spec, n, seed)
   (:func:`sample_spec`), so a link hands exactly the same points to the EM stepper.
2. **Learning with the labels known** (:func:`supervised_estimates`): the closed-form maximum
   likelihood estimates are per-group proportions, means and covariances.
3. **Learning without labels**, the lecture's "learn the means only" example: 1-D data, two
   components with sigma = 1 and equal weights; the log-likelihood is a surface over
   (mu_1, mu_2) with two mirror-image maxima (:func:`means_only_surface`), and EM climbs it
   (:func:`means_only_run`).

Shapes: data X is (N, D); a spec's parameters are weights (K,), means (K, 2), full
covariances (K, 2, 2).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from gmm_core.datasets import Dataset
from gmm_core.em_run import EMRun
from gmm_core.initialisation import means_only_params
from gmm_core.mixture import MixtureParams, as_data, e_step, sample

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

# The query parameter value that tells the 2-D stepper to rebuild the data from a spec.
GENERATED_DATASET = "generated"
STEPPER_PAGE = "pages/2_EM_in_2-D.py"

# The lecture's "learn the means only" example: sigma = 1 and equal weights, both fixed.
LECTURE_VARIANCE = 1.0
SEPARATION_MIN, SEPARATION_MAX = 0.0, 10.0
LECTURE_SAMPLES_MIN, LECTURE_SAMPLES_MAX = 10, 2000
LECTURE_MEAN_LIMIT = 20.0  # EM starts with |mu_1|, |mu_2| <= this


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


def _check_sample_size(n_samples: int, seed: int) -> None:
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
    _check_sample_size(n_samples, seed)
    X, components = sample(spec.to_params(), int(n_samples), int(seed))
    return Dataset(
        X=X,
        labels=components,
        name=f"generated: {spec.n_components}-component mixture, n = {n_samples}, seed = {seed}",
        feature_names=("x", "y"),
    )


def stepper_query(spec: MixtureSpec, n_samples: int, seed: int) -> dict[str, str]:
    """Query parameters that open the 2-D EM stepper on exactly this sample, with K = true K."""
    _check_sample_size(n_samples, seed)
    return {
        "dataset": GENERATED_DATASET,
        "spec": encode_spec(spec),
        "n": str(int(n_samples)),
        # dseed is the stepper's data seed; its `seed` is EM's starting seed.
        "dseed": str(int(seed)),
        "k": str(spec.n_components),
    }


@dataclass(frozen=True)
class GeneratedQuery:
    """The generated-data part of a link, validated: spec, n, seed, and one sentence per problem."""

    spec: MixtureSpec
    n_samples: int
    seed: int
    problems: tuple[str, ...]


def _last_value(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence) and value and isinstance(value[-1], str):
        return value[-1]
    return ""


def _whole_number(name: str, text: str, low: int, high: int, default: int, problems: list):
    try:
        value = int(text.strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        shown = text if len(text) <= 20 else text[:17] + "..."
        problems.append(f"{name}={shown!r} is not a whole number from {low} to {high}; "
                        f"using {default}")
        return default
    return value


def read_generated_query(query: Mapping[str, object], default_spec: MixtureSpec,
                         default_n: int, default_seed: int) -> GeneratedQuery:
    """Read ``spec``, ``n`` and ``seed`` from a link; never raises.

    query: parameter name -> value (a string, or a list whose last string counts). A missing
    value takes its default silently; a bad one takes its default and adds a problem sentence.
    """
    problems: list[str] = []
    spec = default_spec
    if "spec" in query:
        try:
            spec = decode_spec(_last_value(query["spec"]))
        except ValueError as problem:
            problems.append(f"spec: {problem}; using the default mixture")
    n_samples, seed = default_n, default_seed
    if "n" in query:
        n_samples = _whole_number("n", _last_value(query["n"]), SAMPLE_MIN, SAMPLE_MAX,
                                  default_n, problems)
    if "seed" in query:
        seed = _whole_number("seed", _last_value(query["seed"]), 0, SEED_MAX, default_seed,
                             problems)
    return GeneratedQuery(spec, n_samples, seed, tuple(problems))


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


# --- learning the means only: the lecture's 1-D example ---------------------------------------


def lecture_params(mu1: float, mu2: float) -> MixtureParams:
    """Two 1-D components N(mu_1, 1) and N(mu_2, 1) with weights 1/2: the means-only model."""
    return means_only_params(np.array([[mu1], [mu2]]), LECTURE_VARIANCE)


def means_only_data(separation: float, n_samples: int, seed: int) -> np.ndarray:
    """The lecture's data: n points from (1/2) N(-s/2, 1) + (1/2) N(s/2, 1). Returns X (n, 1)."""
    if not (math.isfinite(separation) and SEPARATION_MIN <= separation <= SEPARATION_MAX):
        raise ValueError(
            f"the separation must be from {SEPARATION_MIN:g} to {SEPARATION_MAX:g}, "
            f"not {separation}"
        )
    if not LECTURE_SAMPLES_MIN <= n_samples <= LECTURE_SAMPLES_MAX:
        raise ValueError(
            f"the number of points must be from {LECTURE_SAMPLES_MIN} to "
            f"{LECTURE_SAMPLES_MAX}, not {n_samples}"
        )
    X, _components = sample(lecture_params(-separation / 2, separation / 2), n_samples, seed)
    return X


def surface_grid(X, resolution: int = 150, margin: float = 1.5) -> np.ndarray:
    """The values of mu tried on both axes: (resolution,), from min(x) - margin to max(x) + margin.

    The same grid serves mu_1 and mu_2, so the surface's mirror symmetry is exact on the grid.
    """
    x = as_data(X)[:, 0]
    return np.linspace(x.min() - margin, x.max() + margin, resolution)


def _log_gaussian_unit(x: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """log N(x_i | mu_a, 1) for every grid value and point: (G, N)."""
    return -0.5 * (math.log(2.0 * math.pi) + (x[None, :] - grid[:, None]) ** 2)


def surface_resolution(n_samples: int, budget: float = 1.2e7, low: int = 80,
                       high: int = 150) -> int:
    """Grid points per axis so that the surface costs about ``budget`` logarithms (G * G * N)."""
    return int(np.clip(math.sqrt(budget / max(n_samples, 1)), low, high))


def means_only_surface(X, grid: np.ndarray) -> np.ndarray:
    """The total log-likelihood of the means-only model on a grid: (G, G) indexed [b, a].

    X: (N, 1) data; grid: (G,) values of mu. Entry [b, a] is
    sum_i log( 1/2 N(x_i | grid[a], 1) + 1/2 N(x_i | grid[b], 1) ), i.e. mu_1 = grid[a] on the
    horizontal axis and mu_2 = grid[b] on the vertical one. Swapping mu_1 and mu_2 transposes it.
    """
    x = as_data(X)[:, 0]
    grid = np.asarray(grid, dtype=np.float64)
    log_densities = _log_gaussian_unit(x, grid) + math.log(0.5)
    # Densities scaled by each point's best grid value: one logarithm per (a, b, i) instead of
    # the exp and log of logaddexp, about four times faster, and exact unless both densities
    # underflow (points more than ~38 units from both means), which the fallback handles.
    point_max = log_densities.max(axis=0)
    scaled = np.exp(log_densities - point_max)
    offset = point_max.sum()
    surface = np.empty((len(grid), len(grid)))
    # Row by row keeps the temporary at (G, N) instead of (G, G, N): 150 x 150 x 2000 doubles
    # would be 360 MB.
    with np.errstate(divide="ignore"):
        for b in range(len(grid)):
            surface[b] = np.log(scaled + scaled[b]).sum(axis=1) + offset
    for b in np.flatnonzero(~np.all(np.isfinite(surface), axis=1)):
        surface[b] = np.logaddexp(log_densities, log_densities[b]).sum(axis=1)
    return surface


def means_only_run(X, mu1: float, mu2: float, *, tol: float = 1e-7,
                   max_iter: int = 500) -> EMRun:
    """EM for the means only, from (mu1, mu2), run to convergence.

    X: (N, 1). Weights (1/2, 1/2) and variances (1, 1) are frozen, so every M-step moves only
    the two means. ``tol`` is small so that the path ends on the maximum, not near it.
    """
    for name, value in (("mu1", mu1), ("mu2", mu2)):
        if not (math.isfinite(value) and abs(value) <= LECTURE_MEAN_LIMIT):
            raise ValueError(
                f"the start {name} must be a number from {-LECTURE_MEAN_LIMIT:g} to "
                f"{LECTURE_MEAN_LIMIT:g}, not {value}"
            )
    run = EMRun(X, lecture_params(mu1, mu2), reg_covar=0.0, tol=tol, max_iter=max_iter,
                frozen={"weights", "covariances"})
    run.run_to_convergence()
    return run


def means_path(run: EMRun) -> np.ndarray:
    """(mu_1, mu_2) at every half-step of a means-only run: (len(run), 2).

    An E-step leaves the means where they are, so the path moves only on M-steps.
    """
    return np.array([entry.params.means[:, 0] for entry in run.history])


@dataclass(frozen=True, eq=False)
class MeansOnlyPath:
    """A finished means-only EM run as plain arrays (cheap to cache and to send to a page).

    means: (S, 2) (mu_1, mu_2) at every half-step; kinds: S of "start" | "E" | "M";
    log_likelihoods: (S,) total log-likelihood there; status: the run's final status.
    """

    means: np.ndarray
    kinds: tuple[str, ...]
    log_likelihoods: np.ndarray
    status: str

    def __len__(self) -> int:
        return len(self.kinds)

    def shown_params(self, index: int) -> MixtureParams:
        """The two components on screen at half-step ``index``."""
        return lecture_params(*self.means[index])

    def responsibilities_at(self, X, index: int) -> np.ndarray | None:
        """The responsibilities (N, 2) shown at half-step ``index``: those of the last E-step
        at or before it, None before the first E-step. X: (N, 1), the data of the run.
        """
        for position in range(index, -1, -1):
            if self.kinds[position] == "E":
                # An E-step evaluates the means it found, which it leaves unchanged.
                return e_step(X, self.shown_params(position))[0]
        return None


def means_only_path(X, mu1: float, mu2: float) -> MeansOnlyPath:
    """EM for the means only from (mu1, mu2) to convergence, as a MeansOnlyPath."""
    run = means_only_run(X, mu1, mu2)
    return MeansOnlyPath(
        means_path(run),
        tuple(entry.kind for entry in run.history),
        run.log_likelihoods,
        run.status,
    )


def means_only_maxima(X) -> np.ndarray:
    """The two maxima of the means-only surface: (2, 2) rows (mu_1, mu_2), mirror images.

    EM started from the smallest and the largest point climbs to one maximum; swapping the
    labels gives the other, with exactly the same likelihood.
    """
    x = as_data(X)[:, 0]
    low, high = float(x.min()), float(x.max())
    low, high = max(low, -LECTURE_MEAN_LIMIT), min(high, LECTURE_MEAN_LIMIT)
    run = means_only_run(X, low, high, tol=1e-10, max_iter=2000)
    mu1, mu2 = run.history[-1].params.means[:, 0]
    return np.array([[mu1, mu2], [mu2, mu1]])
