"""The settings of an EM view (data and model) <-> a validated query string.

Shared by the steppers and by k-means vs EM, whose data picker is the stepper's: one
:class:`ViewSettings` holds everything that determines what a stepper shows, and
:func:`parse_query` / :func:`to_query` translate it from and to a deep link. A bad value never
raises: it is replaced by its default and reported in plain words. Pure (no Streamlit).

Query parameters (the names are part of the UI vocabulary, see DESIGN.md):
``dataset, n, k, cov, init, seed, reg, step`` plus the extras needed to reproduce a view
exactly: ``centres, spread, stretch, dseed`` (blob generator), ``spec`` (a mixture sampled on
The mixture model page), ``cols`` (columns of a table preset), ``std`` (standardise), ``tol``,
``iter`` (maximum iterations) and ``means`` (hand-placed initial means, "x1,y1;x2,y2").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from gmm_core import datasets, generative
from gmm_core.generative import SEED_MAX
from gmm_core.initialisation import INIT_METHODS
from gmm_core.mixture import COVARIANCE_TYPES
from gmm_core.model_search import COVARIANCE_TYPES_1D
from ui.kit import user_input
from ui.kit.links import (
    clean_query,
    parse_bool,
    parse_choice,
    parse_float,
    parse_int,
    shown,
)
from ui.kit.text import means_text

K_MIN, K_MAX = 1, 10
N_MIN, N_MAX = 10, 100_000
REG_MAX = 100.0
TOL_MIN, TOL_MAX = 1e-12, 1.0
MAX_ITER_MAX = 1000
STEP_MAX = 2 * MAX_ITER_MAX + 1
SPREAD_MIN, SPREAD_MAX = 0.05, 10.0
STRETCH_MIN, STRETCH_MAX = 0.1, 10.0

COVARIANCE_TYPES_2D = COVARIANCE_TYPES
COVARIANCE_LABELS_1D = {"full": "own variance per component", "tied": "one shared variance"}
_COVARIANCE_ALIASES_1D = {"own": "full", "shared": "tied", "diag": "full", "spherical": "full"}

QUERY_PARAMETERS = ("dataset", "n", "centres", "spread", "stretch", "dseed", "cols", "std", "k",
                    "cov", "init", "means", "seed", "reg", "tol", "iter", "step", "spec")


# The data sets a stepper opens with, and the blob generator's key, by dimension.
DEFAULT_DATASETS = {1: "tutorial-1d", 2: "tutorial-2d"}
BLOB_DATASETS = {1: "blobs-1d", 2: "blobs"}


@dataclass(frozen=True)
class LinkSpec:
    """What a page accepts: its dimension, its data sets and their column choices.

    n_features: 1 or 2. dataset_keys: the preset keys valid on this page (without "csv").
    blob_dataset: the key of the blob generator ("blobs" or "blobs-1d").
    column_choices: dataset key -> the column names a user may pick from (penguins, iris).
    generated_dataset: the key of data sampled from a mixture set on "The mixture model" page
    ("generated" on the 2-D page; None where the page cannot show it).
    """

    n_features: int
    dataset_keys: tuple[str, ...]
    default_dataset: str
    blob_dataset: str
    column_choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    generated_dataset: str | None = None

    @property
    def covariance_types(self) -> tuple[str, ...]:
        return COVARIANCE_TYPES_1D if self.n_features == 1 else COVARIANCE_TYPES_2D


@dataclass(frozen=True)
class ViewSettings:
    """Everything that determines what a stepper page shows.

    Data: dataset (preset key or "csv"), and for the blob generator n, centres (true number of
    blobs), spread, stretch, data_seed; mixture (for generated data: the mixture it is sampled
    from, encoded by ``gmm_core.generative.encode_spec``, with n and data_seed); columns (for
    table presets); standardise.
    Model: k, cov (covariance type), init, seed, reg (reg_covar), tol, max_iter, means
    (hand-placed initial means, K tuples of D floats, only with init="given-means").
    View: step (the half-step index shown).
    """

    dataset: str
    n: int = 500
    centres: int = 3
    spread: float = 1.0
    stretch: float = 1.0
    data_seed: int = 0
    mixture: str | None = None
    columns: tuple[str, ...] | None = None
    standardise: bool = False
    k: int = 3
    cov: str = "full"
    init: str = "k-means++"
    seed: int = 0
    reg: float = 1e-6
    tol: float = 1e-3
    max_iter: int = 100
    means: tuple[tuple[float, ...], ...] | None = None
    step: int = 0

    def run_key(self) -> tuple:
        """The model part of the settings, as a hashable key (the data is keyed separately)."""
        return (self.k, self.cov, self.init, self.seed, self.reg, self.tol, self.max_iter,
                self.means)


def default_settings(spec: LinkSpec) -> ViewSettings:
    """The view a page shows when its URL has no query string."""
    return ViewSettings(dataset=spec.default_dataset)


# --- small parsers: each returns (value, problem or None) -----------------------------------


def parse_means(text: str, n_features: int, max_components: int = K_MAX):
    """Hand-typed means "x1, y1; x2, y2" (2-D) or "x1; x2" / "x1, x2" (1-D).

    Returns (means, problem): means is a tuple of K tuples of n_features floats, or None with
    a problem saying what is wrong and what to type instead.
    """
    example = "-2; 0; 3" if n_features == 1 else "-2, 1; 0, 0; 3, -1"
    cleaned = text.strip().strip(";").replace("\n", ";")
    if not cleaned:
        return None, f"no means given: type {n_features}-D points like '{example}'"
    if n_features == 1 and ";" not in cleaned:
        parts = cleaned.split(",")
    else:
        parts = cleaned.split(";")
    if len(parts) > max_components:
        return None, (
            f"{len(parts)} means given but at most {max_components} components are allowed"
        )
    means = []
    for position, part in enumerate(parts, start=1):
        pieces = [piece for piece in part.replace(",", " ").split() if piece]
        # Each coordinate as typed or pasted (a Unicode minus is a minus).
        parsed = [user_input.parse_float(piece) for piece in pieces]
        values = tuple(value for value, _ in parsed) if all(
            problem is None for _, problem in parsed) else ()
        if len(values) != n_features or not all(math.isfinite(v) for v in values):
            wanted = "one number" if n_features == 1 else "two numbers separated by a comma"
            return None, (
                f"mean {position} ({part.strip()[:30]!r}) is not {wanted}; "
                f"type the means like '{example}'"
            )
        means.append(values)
    return tuple(means), None


def _parse_cov(text: str, spec: LinkSpec, default: str):
    value = text.strip().lower()
    if value in spec.covariance_types:
        return value, None
    if spec.n_features == 1 and value in _COVARIANCE_ALIASES_1D:
        mapped = _COVARIANCE_ALIASES_1D[value]
        if value in {"own", "shared"}:
            return mapped, None
        return mapped, f"cov={value} is the same as cov=full (own variance) in 1-D; using full"
    return default, (
        f"cov={shown(text)} is not one of {', '.join(spec.covariance_types)}; using {default}"
    )


# --- the query string <-> ViewSettings -------------------------------------------------------


def parse_query(query: Mapping[str, object], spec: LinkSpec, *, means_picker: bool = False):
    """Read a page's query parameters.

    query: parameter name -> value (a string, or a list of strings: the last one counts).
    means_picker: the page lets the user click the initial means (the stepper pages), so
    init=given-means without means= opens it with no means placed yet; elsewhere that link
    falls back to the default initialisation, with a problem.
    Returns (ViewSettings, problems): problems is a tuple of sentences, one per bad or ignored
    value, each saying what was wrong and what is used instead. Never raises.
    """
    defaults = default_settings(spec)
    values: dict[str, object] = {}
    problems: list[str] = []
    raw = clean_query(query, QUERY_PARAMETERS, problems)

    def note(result):
        value, problem = result
        if problem:
            problems.append(problem)
        return value

    if "dataset" in raw:
        dataset = raw["dataset"].strip()
        if dataset == "csv":
            problems.append(
                "dataset=csv cannot be reopened from a link (the file stays on the computer "
                f"it came from); showing {defaults.dataset} instead: upload the CSV again"
            )
        elif dataset in spec.dataset_keys:
            values["dataset"] = dataset
        elif dataset == spec.generated_dataset:
            mixture = _parse_mixture(raw, problems)
            if mixture is not None:
                values["dataset"], values["mixture"] = dataset, mixture
        else:
            problems.append(
                f"dataset={shown(raw['dataset'])} is not a data set of this page "
                f"(choose from {', '.join(spec.dataset_keys)}); using {defaults.dataset}"
            )
    dataset = values.get("dataset", defaults.dataset)

    if "k" in raw:
        values["k"] = note(parse_int("k", raw["k"], K_MIN, K_MAX, defaults.k))
    if dataset == spec.blob_dataset:
        _parse_generator(raw, values, spec, defaults, note)
    elif dataset == spec.generated_dataset:
        if "n" in raw:
            values["n"] = note(parse_int("n", raw["n"], generative.SAMPLE_MIN,
                                         generative.SAMPLE_MAX, defaults.n))
        if "dseed" in raw:
            values["data_seed"] = note(parse_int("dseed", raw["dseed"], 0, generative.SEED_MAX,
                                                 defaults.data_seed))
    else:
        ignored = [name for name in _GENERATOR_PARAMETERS if name in raw]
        if ignored:
            problems.append(f"{', '.join(ignored)} only appl{'ies' if len(ignored) == 1 else 'y'}"
                            f" to dataset={spec.blob_dataset}; ignored")
    if "spec" in raw and dataset != spec.generated_dataset:
        problems.append("spec= only applies to dataset=generated; ignored")
    if "std" in raw:
        values["standardise"] = note(parse_bool("std", raw["std"], defaults.standardise))
    if "cols" in raw:
        columns = _parse_columns(raw["cols"], dataset, spec, problems)
        if columns is not None:
            values["columns"] = columns
    if "cov" in raw:
        values["cov"] = note(_parse_cov(raw["cov"], spec, defaults.cov))
    if "init" in raw:
        values["init"] = note(parse_choice("init", raw["init"], INIT_METHODS, defaults.init))
    if "seed" in raw:
        values["seed"] = note(parse_int("seed", raw["seed"], 0, SEED_MAX, defaults.seed))
    if "reg" in raw:
        values["reg"] = note(parse_float("reg", raw["reg"], 0.0, REG_MAX, defaults.reg))
    if "tol" in raw:
        values["tol"] = note(parse_float("tol", raw["tol"], TOL_MIN, TOL_MAX, defaults.tol))
    if "iter" in raw:
        values["max_iter"] = note(parse_int("iter", raw["iter"], 1, MAX_ITER_MAX,
                                             defaults.max_iter))
    if "step" in raw:
        values["step"] = note(parse_int("step", raw["step"], 0, STEP_MAX, defaults.step))

    _settle_means(raw, values, spec, defaults, problems, means_picker)
    return replace(defaults, **values), tuple(problems)


_GENERATOR_PARAMETERS = ("n", "centres", "spread", "stretch", "dseed")


def _parse_mixture(raw, problems: list[str]) -> str | None:
    """The ``spec`` of a generated data set, re-encoded canonically, or None (with a problem)."""
    if "spec" not in raw:
        problems.append("dataset=generated needs spec= (the mixture to sample from, as written "
                        "by The mixture model page); using the default data set")
        return None
    try:
        return generative.encode_spec(generative.decode_spec(raw["spec"]))
    except ValueError as error:
        problems.append(f"spec={shown(raw['spec'])} cannot be read: {error}; using the "
                        "default data set")
        return None


def _parse_generator(raw, values, spec: LinkSpec, defaults: ViewSettings, note) -> None:
    """The blob generator's parameters (only read when the link asks for generated blobs)."""
    if "n" in raw:
        values["n"] = note(parse_int("n", raw["n"], N_MIN, N_MAX, defaults.n))
    if "centres" in raw:
        values["centres"] = note(parse_int("centres", raw["centres"], K_MIN, K_MAX,
                                           defaults.centres))
    elif "k" in raw:
        # A link like ?dataset=blobs&k=5 reads naturally as "five blobs, five components".
        values["centres"] = values["k"]
    if "spread" in raw:
        values["spread"] = note(parse_float("spread", raw["spread"], SPREAD_MIN, SPREAD_MAX,
                                            defaults.spread))
    if "stretch" in raw and spec.n_features > 1:
        values["stretch"] = note(parse_float("stretch", raw["stretch"], STRETCH_MIN,
                                             STRETCH_MAX, defaults.stretch))
    if "dseed" in raw:
        values["data_seed"] = note(parse_int("dseed", raw["dseed"], 0, SEED_MAX,
                                             defaults.data_seed))


def _parse_columns(text: str, dataset: str, spec: LinkSpec, problems: list[str]):
    choices = spec.column_choices.get(dataset)
    if not choices:
        problems.append(f"cols= only applies to {', '.join(spec.column_choices) or 'no'} "
                        f"data sets; ignored for dataset={dataset}")
        return None
    columns = tuple(part.strip() for part in text.split(",") if part.strip())
    bad = [column for column in columns if column not in choices]
    if bad or len(columns) != spec.n_features or len(set(columns)) != len(columns):
        problems.append(
            f"cols={shown(text)} must be {spec.n_features} different column(s) of {dataset} "
            f"({', '.join(choices)}); using the default columns"
        )
        return None
    return columns


def _settle_means(raw, values, spec: LinkSpec, defaults: ViewSettings, problems: list[str],
                  means_picker: bool):
    """Hand-placed means fix K; without them "given-means" cannot start (unless the page has
    the means picker, where the user places them)."""
    init = values.get("init", defaults.init)
    if "means" in raw:
        if init != "given-means":
            problems.append("means= is only used with init=given-means; ignored")
            return
        means, problem = parse_means(raw["means"], spec.n_features)
        if problem:
            problems.append(f"means: {problem}; using init={defaults.init}")
            values["init"] = defaults.init
            return
        if "k" in raw and values.get("k") != len(means):
            problems.append(f"k={raw['k'].strip()[:10]} ignored: the link places {len(means)} "
                            f"means, so K = {len(means)}")
        values["means"] = means
        values["k"] = len(means)
    elif init == "given-means" and not means_picker:
        problems.append(f"init=given-means needs means=x,y;x,y (the initial means); "
                        f"using init={defaults.init}")
        values["init"] = defaults.init


def to_query(settings: ViewSettings, spec: LinkSpec) -> dict[str, str]:
    """The query parameters that reproduce ``settings`` (inverse of ``parse_query``).

    The main parameters are always written so that a link reads on its own; the extras only
    when they differ from the default or matter for the chosen data set.
    """
    defaults = default_settings(spec)
    query: dict[str, str] = {"dataset": settings.dataset}
    if settings.dataset == spec.blob_dataset:
        query["n"] = str(settings.n)
        query["centres"] = str(settings.centres)
        if settings.spread != defaults.spread:
            query["spread"] = repr(settings.spread)
        if settings.stretch != defaults.stretch and spec.n_features > 1:
            query["stretch"] = repr(settings.stretch)
        if settings.data_seed != defaults.data_seed:
            query["dseed"] = str(settings.data_seed)
    if settings.dataset == spec.generated_dataset and settings.mixture:
        query["spec"] = settings.mixture
        query["n"] = str(settings.n)
        query["dseed"] = str(settings.data_seed)
    if settings.columns and settings.dataset in spec.column_choices:
        query["cols"] = ",".join(settings.columns)
    if settings.standardise:
        query["std"] = "1"
    query["k"] = str(settings.k)
    query["cov"] = settings.cov
    query["init"] = settings.init
    if settings.init == "given-means" and settings.means:
        query["means"] = means_text(settings.means, compact=True)
    query["seed"] = str(settings.seed)
    query["reg"] = repr(settings.reg)
    if settings.tol != defaults.tol:
        query["tol"] = repr(settings.tol)
    if settings.max_iter != defaults.max_iter:
        query["iter"] = str(settings.max_iter)
    query["step"] = str(settings.step)
    return query


def settings_fields() -> tuple[str, ...]:
    """The names of ViewSettings' fields (the session-state keys of the stepper pages)."""
    return tuple(f.name for f in fields(ViewSettings))


def stepper_link_spec(n_features: int) -> LinkSpec:
    """What the 1-D (n_features=1) or 2-D (n_features=2) stepper accepts."""
    presets = {key: info for key, info in datasets.PRESETS.items()
               if info.n_features == n_features}
    return LinkSpec(
        n_features=n_features,
        dataset_keys=tuple(presets),
        default_dataset=DEFAULT_DATASETS[n_features],
        blob_dataset=BLOB_DATASETS[n_features],
        column_choices={key: info.column_choices for key, info in presets.items()
                        if info.column_choices},
        generated_dataset=generative.GENERATED_DATASET if n_features == 2 else None,
    )
