"""Data for the app: a blob generator, the preset data sets and validation of uploaded CSV files.

Every data set is a :class:`Dataset` whose ``X`` has shape (N, D) with D = 1 or 2, also for 1-D
data. Nothing here raises on a user's file: :func:`validate_csv` turns every defect into a
sentence that says what is wrong and how to fix it. Arguments chosen by the program (preset keys,
column names, generator settings) raise ``ValueError`` with a message listing the valid choices.
"""

from __future__ import annotations

import io
import operator
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets as sklearn_datasets

from gmm_core.mixture import data_scale_problem

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"

MAX_ROWS = 200_000  # uploaded rows and generated points; EM on more would freeze a shared server
MAX_BYTES = 50 * 1024 * 1024
MAX_CSV_COLUMNS = 100  # beyond this a "choose your columns" list is unreadable
MAX_BLOB_COMPONENTS = 100  # more clusters than anyone can tell apart; placement cost grows as K^2

PENGUIN_NUMERIC_COLUMNS = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")
PENGUIN_DEFAULT_COLUMNS = ("bill_length_mm", "flipper_length_mm")
IRIS_FEATURES = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
IRIS_DEFAULT_FEATURES = ("petal length (cm)", "petal width (cm)")

DEFAULT_BLOB_SAMPLES = 500
DEFAULT_BLOB_COMPONENTS = 3


@dataclass(frozen=True, eq=False)
class Dataset:
    """A data set ready for the pages.

    X: (N, D) float64, C-contiguous. labels: (N,) int true component/class of each point, or
    None when unknown. feature_names: D names. notices: sentences to show the user (rows dropped,
    ...). label_names: a name per label value (e.g. penguin species), empty when labels are
    plain component numbers. warnings: sentences to show prominently (e.g. most rows of an
    uploaded file were dropped). Names, notices and warnings of uploaded files hold the file's
    text raw: escape them for display (ui.kit.escape).
    """

    X: np.ndarray
    labels: np.ndarray | None
    name: str
    feature_names: tuple[str, ...]
    notices: tuple[str, ...] = ()
    label_names: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __post_init__(self):
        X = np.ascontiguousarray(self.X, dtype=np.float64)
        if X.ndim != 2:
            raise ValueError(f"X must have shape (N, D); got {X.ndim} dimension(s)")
        object.__setattr__(self, "X", X)
        if self.labels is not None:
            labels = np.ascontiguousarray(self.labels, dtype=np.int64)
            if labels.shape != (X.shape[0],):
                raise ValueError(f"labels must have shape ({X.shape[0]},); got {labels.shape}")
            object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "feature_names", tuple(str(name) for name in self.feature_names))
        if len(self.feature_names) != X.shape[1]:
            raise ValueError(
                f"{X.shape[1]} columns need {X.shape[1]} feature names; got {len(self.feature_names)}"
            )
        object.__setattr__(self, "notices", tuple(self.notices))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        object.__setattr__(self, "label_names", tuple(str(name) for name in self.label_names))

    @property
    def n_samples(self) -> int:
        """N: the rows of X."""
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        """D: the columns of X (the shown ones, when a data set has more)."""
        return self.X.shape[1]


# ---------------------------------------------------------------------------------------------
# The blob generator
# ---------------------------------------------------------------------------------------------


def make_blobs(
    n_samples: int,
    n_components: int,
    n_features: int = 2,
    *,
    spread: float | Sequence[float] = 1.0,
    weights: Sequence[float] | None = None,
    stretch: float = 1.0,
    seed: int = 0,
) -> Dataset:
    """Draw a seeded Gaussian mixture with visibly separate clusters.

    spread: standard deviation of every cluster, or one per cluster (K,). In 2-D with
    ``stretch`` s > 1 each cluster's long axis has standard deviation spread * sqrt(s) and its
    short axis spread / sqrt(s) (same area as the round cluster), turned by a random angle per
    cluster. weights: relative cluster sizes (K,), normalised; None means equal. Every cluster
    gets at least one point, the rest is split by a multinomial draw, so sizes sum to n_samples.
    Centres are drawn uniformly in a box, at least 5 * sqrt(stretch) apart: 5 long-axis
    standard deviations when spread = 1, so that larger spreads make the clusters overlap.
    Returns X (n_samples, n_features), labels (n_samples,) in random order.
    """
    n_samples = _integer(n_samples, "n_samples")
    n_components = _integer(n_components, "n_components")
    n_features = _integer(n_features, "n_features")
    seed = _integer(seed, "seed")
    if not 1 <= n_samples <= MAX_ROWS:
        raise ValueError(f"n_samples must be between 1 and {MAX_ROWS:,}; got {n_samples}")
    if not 1 <= n_components <= min(n_samples, MAX_BLOB_COMPONENTS):
        raise ValueError(
            f"n_components must be between 1 and {min(n_samples, MAX_BLOB_COMPONENTS)} "
            f"(n_samples is {n_samples}, the generator draws at most {MAX_BLOB_COMPONENTS} "
            f"clusters); got {n_components}"
        )
    if n_features not in (1, 2):
        raise ValueError(f"n_features must be 1 or 2; got {n_features}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed}")
    spreads = _per_component(spread, n_components, "spread")
    proportions = _proportions(weights, n_components)
    stretch = _stretch(stretch)
    if n_features == 1 and stretch != 1.0:
        raise ValueError("stretch elongates 2-D clusters; use stretch=1 for 1-D data")

    rng = np.random.default_rng(seed)
    sizes = 1 + rng.multinomial(n_samples - n_components, proportions)
    # The spacing ignores spread: spread 1 gives separate clusters, larger spreads overlap.
    centres = _place_centres(rng, n_components, 5.0 * np.sqrt(stretch), n_features)
    shapes = [_cluster_shape(rng, std, stretch, n_features) for std in spreads]
    clusters = [
        centre + rng.standard_normal((size, n_features)) @ shape.T
        for centre, size, shape in zip(centres, sizes, shapes, strict=True)
    ]
    labels = np.repeat(np.arange(n_components), sizes)
    order = rng.permutation(n_samples)
    feature_names = ("x",) if n_features == 1 else ("x1", "x2")
    return Dataset(
        X=np.concatenate(clusters)[order],
        labels=labels[order],
        name=f"{n_components} generated blobs ({n_features}-D, seed {seed})",
        feature_names=feature_names,
    )


def _integer(value, name: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer; got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer; got {value!r}") from None


def _per_component(value, n_components: int, name: str) -> np.ndarray:
    """A positive finite scalar or sequence, as an array (K,)."""
    try:
        values = np.broadcast_to(np.asarray(value, dtype=np.float64), (n_components,)).copy()
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a positive number or {n_components} positive numbers; got {value!r}"
        ) from None
    if not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(f"{name} must be positive and finite; got {value!r}")
    return values


def _stretch(value) -> float:
    """The ratio of long to short axis of the clusters, a float >= 1."""
    try:
        stretch = float(value)
    except (TypeError, ValueError):
        stretch = np.nan
    if not (np.isfinite(stretch) and stretch >= 1.0):
        raise ValueError(f"stretch must be a number >= 1 (1 = round clusters); got {value!r}")
    return stretch


def _proportions(weights, n_components: int) -> np.ndarray:
    """Normalised cluster proportions (K,)."""
    if weights is None:
        return np.full(n_components, 1.0 / n_components)
    try:
        values = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"weights must be {n_components} positive numbers; got {weights!r}"
        ) from None
    if values.shape != (n_components,):
        raise ValueError(f"weights must be {n_components} positive numbers; got {weights!r}")
    if not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(f"weights must be positive and finite; got {weights!r}")
    return values / values.sum()


def _place_centres(
    rng: np.random.Generator, n_centres: int, min_distance: float, n_features: int
) -> np.ndarray:
    """Centres (K, D) at least ``min_distance`` apart, drawn one by one in a box.

    The box grows by 20% whenever 16 random candidates for a centre all land too close to
    the centres already placed, so placement always ends.
    """
    # Discs of radius min_distance / 2 then cover about a third of the starting box, well
    # below the 55% where random placement jams.
    half_width = min_distance / 2 * (3.0 * n_centres) ** (1.0 / n_features)
    centres = np.empty((n_centres, n_features))
    for index in range(n_centres):
        while True:
            candidates = rng.uniform(-half_width, half_width, size=(16, n_features))
            placed = centres[:index]
            distances = np.linalg.norm(candidates[:, None, :] - placed[None, :, :], axis=2)
            free = np.all(distances >= min_distance, axis=1)
            if free.any():
                centres[index] = candidates[np.argmax(free)]
                break
            half_width *= 1.2
    return centres


def _cluster_shape(
    rng: np.random.Generator, std: float, stretch: float, n_features: int
) -> np.ndarray:
    """The (D, D) map A of one cluster: its points are centre + A z with z standard normal."""
    if stretch == 1.0:
        return std * np.eye(n_features)
    angle = rng.uniform(0.0, np.pi)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return rotation @ np.diag([std * np.sqrt(stretch), std / np.sqrt(stretch)])


# ---------------------------------------------------------------------------------------------
# Presets
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PresetInfo:
    """What a preset is, for pickers and deep links.

    generated: the preset is drawn by the blob generator, so ``n``, ``k`` and ``seed`` shape it.
    column_choices / default_columns: for presets whose two shown columns the user picks.
    """

    key: str
    title: str
    n_features: int
    description: str
    generated: bool = False
    column_choices: tuple[str, ...] = ()
    default_columns: tuple[str, ...] = ()


PRESETS: dict[str, PresetInfo] = {
    info.key: info
    for info in (
        PresetInfo(
            "blobs",
            "Generated blobs (2-D)",
            2,
            "Round Gaussian clusters drawn by the generator: choose the number of points, of "
            "clusters and the seed.",
            generated=True,
        ),
        PresetInfo(
            "blobs-1d",
            "Generated blobs (1-D)",
            1,
            "Gaussian clusters on a line drawn by the generator: choose the number of points, "
            "of clusters and the seed.",
            generated=True,
        ),
        PresetInfo(
            "tutorial-1d",
            "Tutorial: three 1-D clusters",
            1,
            "60 points in three clusters around -10, 0 and +10 (np.linspace(-5, 5, 20) scaled "
            "by np.random.rand with seed 0), as in the EM tutorial.",
        ),
        PresetInfo(
            "tutorial-2d",
            "Tutorial: three stretched 2-D clusters",
            2,
            "500 points from sklearn's make_blobs (cluster_std=1.5, random_state=20) sheared by "
            "a random 2x2 matrix: elongated clusters that k-means gets wrong.",
        ),
        PresetInfo(
            "five-blobs",
            "Five blobs",
            2,
            "1,000 points in five round clusters (sklearn make_blobs, cluster_std=1, "
            "random_state=3): distinct but close enough that a bad start matters.",
        ),
        PresetInfo(
            "textbook",
            "Textbook: three clusters, 1,250 points",
            2,
            "The textbook example: two sheared clusters of 500 points and a round one of 250. "
            "GaussianMixture finds weights of about 0.21, 0.40 and 0.39.",
        ),
        PresetInfo(
            "faithful",
            "Old Faithful geyser",
            2,
            "272 eruptions of the Old Faithful geyser: duration and waiting time to the next "
            "eruption, both in minutes. Two clear groups, no labels.",
        ),
        PresetInfo(
            "faithful-eruptions",
            "Old Faithful eruption durations (1-D)",
            1,
            "The 272 eruption durations (minutes) of Old Faithful: short and long eruptions "
            "form two bumps.",
        ),
        PresetInfo(
            "penguins",
            "Palmer penguins",
            2,
            "Measurements of 344 penguins of three species (Adelie, Chinstrap, Gentoo) from "
            "Palmer Station, Antarctica; pick two measurements.",
            column_choices=PENGUIN_NUMERIC_COLUMNS,
            default_columns=PENGUIN_DEFAULT_COLUMNS,
        ),
        PresetInfo(
            "iris",
            "Iris flowers",
            2,
            "Fisher's 150 iris flowers of three species; pick two of the four measurements.",
            column_choices=IRIS_FEATURES,
            default_columns=IRIS_DEFAULT_FEATURES,
        ),
    )
}


def load_preset(
    key: str,
    *,
    n: int | None = None,
    k: int | None = None,
    seed: int = 0,
    columns: Sequence[str] | None = None,
) -> Dataset:
    """Load the preset ``key`` (one of ``PRESETS``).

    n, k, seed: number of points (default 500), of clusters (default 3) and seed of the
    generated presets ("blobs", "blobs-1d"); the fixed data sets ignore them. columns: the two
    columns shown for "penguins" (from PENGUIN_NUMERIC_COLUMNS) and "iris" (from IRIS_FEATURES);
    other presets ignore it. Raises ValueError with the valid choices for a bad key or column.
    """
    if key not in PRESETS:
        raise ValueError(f"Unknown data set {key!r}; choose one of: {', '.join(PRESETS)}")
    info = PRESETS[key]
    if info.generated:
        n_samples = DEFAULT_BLOB_SAMPLES if n is None else n
        n_components = DEFAULT_BLOB_COMPONENTS if k is None else k
        return make_blobs(n_samples, n_components, info.n_features, seed=seed)
    if info.column_choices:
        chosen = _chosen_columns(columns, info)
        return _penguins(chosen) if key == "penguins" else _iris(chosen)
    return _FIXED_LOADERS[key]()


def _chosen_columns(columns, info: PresetInfo) -> tuple[str, str]:
    if columns is None:
        return info.default_columns
    valid = ", ".join(info.column_choices)
    if isinstance(columns, str) or len(columns) != 2:
        raise ValueError(f"{info.title}: pick exactly two columns from: {valid}; got {columns!r}")
    for column in columns:
        if column not in info.column_choices:
            raise ValueError(f"{info.title} has no column {column!r}; choose from: {valid}")
    if columns[0] == columns[1]:
        raise ValueError(f"{info.title}: pick two different columns; got {columns[0]!r} twice")
    return tuple(columns)


def _tutorial_1d() -> Dataset:
    # The tutorial seeds numpy's global generator; RandomState(0) gives the same stream
    # without changing global state.
    random_state = np.random.RandomState(0)
    x = np.linspace(-5, 5, num=20)
    x0 = x * random_state.rand(len(x)) + 10
    x1 = x * random_state.rand(len(x)) - 10
    x2 = x * random_state.rand(len(x))
    return Dataset(
        X=np.concatenate([x0, x1, x2])[:, None],
        labels=np.repeat([0, 1, 2], len(x)),
        name=PRESETS["tutorial-1d"].title,
        feature_names=("x",),
    )


def _tutorial_2d() -> Dataset:
    X, labels = sklearn_datasets.make_blobs(
        cluster_std=1.5, random_state=20, n_samples=500, centers=3
    )
    X = X @ np.random.RandomState(0).randn(2, 2)
    return Dataset(X, labels, PRESETS["tutorial-2d"].title, ("x1", "x2"))


def _five_blobs() -> Dataset:
    # random_state=3 keeps the five centres at least 4.9 standard deviations apart (checked
    # against seeds 0-11): five visible blobs, with some touching.
    X, labels = sklearn_datasets.make_blobs(
        n_samples=1000, centers=5, cluster_std=1.0, random_state=3
    )
    return Dataset(X, labels, PRESETS["five-blobs"].title, ("x1", "x2"))


def _textbook() -> Dataset:
    sheared, sheared_labels = sklearn_datasets.make_blobs(
        n_samples=1000, centers=((4, -4), (0, 0)), random_state=42
    )
    sheared = sheared @ np.array([[0.374, 0.95], [0.732, 0.598]])
    round_blob, _ = sklearn_datasets.make_blobs(n_samples=250, centers=1, random_state=42)
    round_blob = round_blob + np.array([6.0, -8.0])
    return Dataset(
        X=np.concatenate([sheared, round_blob]),
        labels=np.concatenate([sheared_labels, np.full(len(round_blob), 2)]),
        name=PRESETS["textbook"].title,
        feature_names=("x1", "x2"),
    )


def _faithful_table() -> pd.DataFrame:
    return pd.read_csv(ASSETS_DIR / "faithful.csv")


def _faithful() -> Dataset:
    table = _faithful_table()
    return Dataset(
        X=table[["eruptions", "waiting"]].to_numpy(),
        labels=None,
        name=PRESETS["faithful"].title,
        feature_names=("eruptions", "waiting"),
    )


def _faithful_eruptions() -> Dataset:
    table = _faithful_table()
    return Dataset(
        X=table[["eruptions"]].to_numpy(),
        labels=None,
        name=PRESETS["faithful-eruptions"].title,
        feature_names=("eruptions",),
    )


def _penguins(columns: tuple[str, str]) -> Dataset:
    table = pd.read_csv(ASSETS_DIR / "penguins.csv")
    complete = table.dropna(subset=list(columns))
    notices = []
    n_dropped = len(table) - len(complete)
    if n_dropped:
        notices.append(
            f"{n_dropped} {_plural(n_dropped, 'row')} with missing measurements "
            f"{'was' if n_dropped == 1 else 'were'} dropped ({len(table)} -> {len(complete)})."
        )
    species = pd.Categorical(complete["species"])
    return Dataset(
        X=complete[list(columns)].to_numpy(),
        labels=species.codes,
        name=PRESETS["penguins"].title,
        feature_names=columns,
        notices=tuple(notices),
        label_names=tuple(species.categories),
    )


def _iris(columns: tuple[str, str]) -> Dataset:
    iris = sklearn_datasets.load_iris()
    indices = [IRIS_FEATURES.index(column) for column in columns]
    return Dataset(
        X=iris.data[:, indices],
        labels=iris.target,
        name=PRESETS["iris"].title,
        feature_names=columns,
        label_names=tuple(iris.target_names),
    )


_FIXED_LOADERS = {
    "tutorial-1d": _tutorial_1d,
    "tutorial-2d": _tutorial_2d,
    "five-blobs": _five_blobs,
    "textbook": _textbook,
    "faithful": _faithful,
    "faithful-eruptions": _faithful_eruptions,
}


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


# ---------------------------------------------------------------------------------------------
# CSV upload
# ---------------------------------------------------------------------------------------------

_MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a", "?", "-"})
_WHITESPACE = r"\s+"
_SEPARATOR_NAMES = {
    ",": "commas (,)",
    ";": "semicolons (;)",
    "\t": "tabs",
    "|": "vertical bars (|)",
    _WHITESPACE: "spaces",
}
_DECIMAL_COMMA_VALUE = re.compile(r"^[+-]?\d+,\d+$")
# More than this fraction of the data rows dropped: the rest may be a biased sample, and the
# notice becomes a warning.
DROPPED_ROWS_WARNING_FRACTION = 0.2

# What a number pasted from a PDF, a word processor or a spreadsheet in another locale may
# hold instead of ASCII: minus look-alikes, invisible format characters.
MINUS_LOOKALIKES = "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d\u2796\u02d7"
_TYPOGRAPHIC = str.maketrans({
    **dict.fromkeys(MINUS_LOOKALIKES, "-"),
    **dict.fromkeys("\u00ad\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d"
                    "\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"),
    "\u066b": ".",  # Arabic decimal separator
})
_GROUPED_DIGITS = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d*)?(?:[eE][+-]?\d+)?")


def _plain_character(char: str) -> str:
    """One non-ASCII character of a number as ASCII where that is unambiguous."""
    category = unicodedata.category(char)
    name = unicodedata.name(char, "")
    if category in ("No", "Nl") or "SUPERSCRIPT" in name or "SUBSCRIPT" in name:
        return char  # ², ④, ½, Ⅳ: not digits one types numbers with; left for the caller
    if category == "Cf":
        return ""
    if char.isdecimal():
        return str(unicodedata.decimal(char))  # a digit of any script
    return unicodedata.normalize("NFKC", char).translate(_TYPOGRAPHIC)


def plain_number_text(text: str) -> str:
    """The typographic characters of a typed or pasted number in ASCII; the rest unchanged.

    Minus look-alikes (U+2212 minus, dashes, full-width hyphen-minus) become "-", decimal
    digits of any script and full-width forms (NFKC) become ASCII, invisible format
    characters (zero-width spaces, bidi marks, soft hyphens) are removed, and every run of
    Unicode whitespace (no-break, thin, narrow spaces) becomes one space, trimmed. Superscripts,
    circled digits and fractions are left as they are, so that a number containing them is
    still refused (``int("²")`` fails). Commas and spaces keep their meaning for the caller.
    """
    text = text.translate(_TYPOGRAPHIC)
    if not text.isascii():
        text = "".join(char if char.isascii() else _plain_character(char) for char in text)
    return " ".join(text.split())


def _plain_cell(text: str) -> str:
    """A CSV cell's number as pandas reads it: plain_number_text, then 1 000 000 -> 1000000."""
    plain = plain_number_text(text)
    return plain.replace(" ", "") if _GROUPED_DIGITS.fullmatch(plain) else plain
_MAX_ABS_VALUE = 1e100  # squares and sums of squares must stay finite in the M-step


@dataclass(frozen=True, eq=False)
class CsvResult:
    """What :func:`validate_csv` made of an uploaded file.

    X: (N, D) float64 with min_columns <= D <= max_columns, or None when the file cannot be
    used. problems: why X is None, each sentence saying how to fix it. notices: what was
    changed on the way (rows dropped, columns ignored, ...). column_names: every numeric column
    of the file, for a column picker. feature_names: the D columns of X. needs_column_choice:
    the user must pick columns (pass them back as ``columns=``) before X can be built.
    warnings: what the user must not miss although X is usable (more than
    DROPPED_ROWS_WARNING_FRACTION of the rows dropped): show them as warnings, not as notes.

    Every text here may quote the file's column names and cells raw (shortened to 40
    characters, unprintable characters as "?"): escape it for display, e.g. with
    ``ui.kit.escape.untrusted_markdown(text, max_chars=1000)``.
    """

    X: np.ndarray | None
    problems: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    column_names: tuple[str, ...] = ()
    feature_names: tuple[str, ...] = ()
    needs_column_choice: bool = False
    warnings: tuple[str, ...] = ()

    def to_dataset(self, name: str = "Uploaded CSV") -> Dataset | None:
        """The clean data as a Dataset without labels, or None when there are problems."""
        if self.X is None:
            return None
        return Dataset(self.X, None, name, self.feature_names, self.notices,
                       warnings=self.warnings)


class _CsvProblem(Exception):
    """A defect of the uploaded file; the message is shown to the user as it is."""

    def __init__(self, message: str, *, needs_column_choice: bool = False):
        super().__init__(message)
        self.needs_column_choice = needs_column_choice


@dataclass
class _CsvReport:
    """What is known about the file so far, kept when a later check fails."""

    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    column_names: tuple[str, ...] = ()


def validate_csv(
    raw: bytes | str,
    *,
    n_components: int,
    max_columns: int = 2,
    columns: Sequence[str] | None = None,
    min_columns: int = 1,
) -> CsvResult:
    """Turn an uploaded file into a clean (N, D) float64 array, or into problems for the user.

    raw: the file's bytes (or text). n_components: how many Gaussians will be fitted (the file
    needs at least that many usable rows). max_columns / min_columns: how many numeric columns
    the page can show. columns: the numeric columns the user picked when the file has more
    than max_columns (listed in ``column_names`` of the first result). Never raises on the
    file's contents; raises ValueError only for invalid arguments from the program.
    """
    n_components = _integer(n_components, "n_components")
    max_columns = _integer(max_columns, "max_columns")
    min_columns = _integer(min_columns, "min_columns")
    if n_components < 1:
        raise ValueError(f"n_components must be at least 1; got {n_components}")
    if not 1 <= min_columns <= max_columns:
        raise ValueError(
            f"need 1 <= min_columns <= max_columns; got min_columns={min_columns}, "
            f"max_columns={max_columns}"
        )
    report = _CsvReport()
    try:
        return _read_csv(raw, n_components, min_columns, max_columns, columns, report)
    except _CsvProblem as problem:
        return CsvResult(
            X=None,
            problems=(str(problem),),
            notices=tuple(report.notices),
            column_names=report.column_names,
            needs_column_choice=problem.needs_column_choice,
            warnings=tuple(report.warnings),
        )
    except Exception as error:  # a safety net: no upload may crash a page in front of a class
        return CsvResult(
            X=None,
            problems=(
                f"The file could not be read ({type(error).__name__}). Check that it is a "
                "plain-text CSV file with a header row and one row of numbers per data point.",
            ),
            notices=tuple(report.notices),
            warnings=tuple(report.warnings),
        )


def _read_csv(raw, n_components, min_columns, max_columns, columns, report) -> CsvResult:
    text = _decode(raw)
    cells, separator = _read_cells(text)
    names, data = _split_header(cells, separator, report.notices)
    if len(data) > MAX_ROWS:
        raise _CsvProblem(_too_many_rows(len(data)))
    numeric, text_cells = _numeric_columns(names, data, separator, report.notices)
    report.column_names = tuple(numeric)
    chosen = _choose_columns(columns, report.column_names, min_columns, max_columns)
    X = _drop_incomplete_rows(np.column_stack([numeric[name] for name in chosen]),
                              np.column_stack([text_cells[name] for name in chosen]), report)
    _check_row_count(len(X), n_components)
    problems = _unusable_columns(X, chosen)
    if problems:
        return CsvResult(None, tuple(problems), tuple(report.notices), report.column_names,
                         warnings=tuple(report.warnings))
    return CsvResult(
        X=np.ascontiguousarray(X, dtype=np.float64),
        notices=tuple(report.notices),
        column_names=report.column_names,
        feature_names=chosen,
        warnings=tuple(report.warnings),
    )


def _decode(raw) -> str:
    """The file's text; problems for binary, non-UTF-8, oversized or empty files."""
    if isinstance(raw, bytearray | memoryview):
        raw = bytes(raw)
    if not isinstance(raw, bytes | str):
        raise _CsvProblem(
            f"Expected the contents of a file (bytes or text), got {type(raw).__name__}."
        )
    if len(raw) > MAX_BYTES:
        raise _CsvProblem(
            f"The file is {len(raw) / 2**20:.0f} MB; the app reads files of at most "
            f"{MAX_BYTES // 2**20} MB. Upload a random sample of the rows instead."
        )
    text = raw if isinstance(raw, str) else _decode_bytes(raw)
    text = text.removeprefix("\ufeff")  # byte-order mark written by Excel's "CSV UTF-8"
    if "\x00" in text:
        raise _CsvProblem(_BINARY_FILE)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _CsvProblem(
            "The text contains characters that are not valid Unicode. Save the file again "
            "as 'CSV UTF-8' and upload it."
        ) from None
    if not text.strip():
        raise _CsvProblem(_EMPTY_FILE)
    return text


_BINARY_FILE = (
    "This is a binary file (for example an Excel workbook, an image or a zip archive), not "
    "CSV text. Export the data as CSV (in a spreadsheet program: Save as, then 'CSV UTF-8') "
    "and upload that file."
)
_EMPTY_FILE = (
    "The file is empty. Upload a CSV file with a header row of column names and one row of "
    "numbers per data point, for example 'x,y' then '1.5,2.0'."
)


def _decode_bytes(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, Excel's "Unicode text"
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise _CsvProblem(_BINARY_FILE) from None
    if raw.startswith(b"PK\x03\x04") or b"\x00" in raw:
        raise _CsvProblem(_BINARY_FILE)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _CsvProblem(
            f"The file is not UTF-8 text: byte 0x{raw[error.start]:02x} at position "
            f"{error.start} cannot be decoded. In your spreadsheet program save it as "
            "'CSV UTF-8' and upload it again."
        ) from None


def _read_cells(text: str) -> tuple[np.ndarray, str]:
    """The table as an (R, C) array of stripped strings without blank rows, and its separator."""
    _check_line_count(text)
    lines = _sample_lines(text)
    separator = _detect_separator(lines)
    n_fields = len(lines[0].split()) if separator == _WHITESPACE else lines[0].count(separator) + 1
    if n_fields > MAX_CSV_COLUMNS:
        raise _CsvProblem(
            f"The first line has more than {MAX_CSV_COLUMNS} values; the app reads files with "
            f"at most {MAX_CSV_COLUMNS} columns. Keep only the columns you need and upload again."
        )
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            dtype=object,
            na_filter=False,
            skip_blank_lines=True,
            skipinitialspace=True,
        )
    except ValueError as error:  # pandas' ParserError and EmptyDataError are ValueErrors
        raise _CsvProblem(_parser_problem(str(error), separator)) from None
    cells = np.column_stack([frame[column].fillna("").str.strip() for column in frame.columns])
    cells = cells[(cells != "").any(axis=1)]
    if cells.size == 0:
        raise _CsvProblem(_EMPTY_FILE)
    return cells, separator


def _check_line_count(text: str) -> None:
    # Counting line breaks first avoids building a table of millions of rows just to refuse it.
    stripped = text.rstrip()
    n_lines = max(stripped.count("\n"), stripped.count("\r")) + 1
    if n_lines > MAX_ROWS + 1:  # + 1 for the header
        raise _CsvProblem(_too_many_rows(n_lines, "lines"))


def _too_many_rows(count: int, unit: str = "rows") -> str:
    return (
        f"The file has {count:,} {unit}; the app reads at most {MAX_ROWS:,} rows of data. "
        f"Upload a random sample of at most {MAX_ROWS:,} rows."
    )


def _sample_lines(text: str) -> list[str]:
    """Up to 50 non-blank whole lines from the start of the text."""
    body = text.lstrip()  # a sample of leading blank lines would hold no line at all
    head = body[:65_536]
    lines = head.splitlines()
    if len(head) < len(body) and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    return [line for line in lines if line.strip()][:50]


def _detect_separator(lines: list[str]) -> str:
    """The separator used the same number of times on every sampled line.

    Semicolons and tabs come before commas because a comma may be a decimal mark in a
    semicolon-separated file ("1,5;2,5"), never the other way round.
    """
    for separator in (";", "\t", ",", "|"):
        counts = {line.count(separator) for line in lines}
        if len(counts) == 1 and 0 not in counts:
            return separator
    token_counts = {len(line.split()) for line in lines}
    if len(token_counts) == 1 and 1 not in token_counts:
        return _WHITESPACE
    # Ragged rows: guess from the header so the parser can report the line that breaks.
    header_counts = {separator: lines[0].count(separator) for separator in (",", ";", "\t", "|")}
    best = max(header_counts, key=header_counts.get)
    return best if header_counts[best] else ","


def _parser_problem(message: str, separator: str) -> str:
    separator_name = _SEPARATOR_NAMES[separator]
    ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if ragged:
        expected, line, seen = ragged.groups()
        hint = (
            " If your numbers use decimal commas (1,5), separate the columns with semicolons."
            if separator == ","
            else ""
        )
        return (
            f"Line {line} has {seen} values but the lines before it have {expected}. Every row "
            f"needs the same number of values separated by {separator_name}: look for a stray "
            f"separator or a missing value.{hint}"
        )
    if "EOF inside string" in message:
        return (
            'A quotation mark (") is opened but never closed. Close it or remove it, then '
            "upload the file again."
        )
    return (
        f"The file could not be read as a table of values separated by {separator_name}. "
        "Check that every row has the same number of values."
    )


def _parse_numbers(cells: np.ndarray, allow_decimal_comma: bool):
    """Numbers from strings (n,): values (n,) with NaN for missing, and a mask (n,) of text.

    Empty cells and tokens such as NA or null count as missing, not as text. Cells pandas
    cannot read are read again through :func:`plain_number_text` (Unicode minus, no-break
    and thin spaces, full-width digits, ...). Returns (values, is_text, read_decimal_commas,
    typographic): typographic is a mask (n,) of the cells read only after that clean-up.
    """
    series = pd.Series(cells, dtype=object)
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    changed = np.zeros(len(values), dtype=bool)
    unparsed = np.isnan(values)
    if unparsed.any():
        plain = series[unparsed].map(_plain_cell)
        changed[unparsed] = (plain != series[unparsed]).to_numpy()
        series = series.copy()
        series[unparsed] = plain
        converted = pd.to_numeric(plain, errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan)
        rescued = np.flatnonzero(unparsed)[~np.isnan(converted)]
        values = values.copy()  # pandas may hand out a read-only view
        values[rescued] = converted[~np.isnan(converted)]
        unparsed = np.isnan(values)
    missing = np.zeros(len(values), dtype=bool)
    missing[unparsed] = series[unparsed].str.lower().isin(_MISSING_TOKENS).to_numpy()
    is_text = unparsed & ~missing
    if allow_decimal_comma and is_text.any():
        with_points = series.str.replace(",", ".", regex=False)
        converted = pd.to_numeric(with_points, errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        converted_text = np.isnan(converted) & ~missing
        if converted_text.sum() < is_text.sum():
            return converted, converted_text, True, changed & ~np.isnan(converted)
    return values, is_text, False, changed & ~np.isnan(values)


def _split_header(cells: np.ndarray, separator: str, notices: list[str]):
    """Column names (C,) and data rows (R, C); a first row of numbers is data."""
    _, first_row_text, _, _ = _parse_numbers(cells[0], allow_decimal_comma=separator != ",")
    if not first_row_text.any():
        names = tuple(f"column {index + 1}" for index in range(cells.shape[1]))
        notices.append(
            "The first row holds only numbers, so it was read as data; the columns are "
            f"called {_name_list(names)}."
        )
        return names, cells
    header, data = cells[0], cells[1:]
    if len(data) == 0:
        names = tuple(name or f"column {index + 1}" for index, name in enumerate(header))
        raise _CsvProblem(
            f"The file has a header row ({_name_list(names)}) but no data rows. Add one row of "
            "numbers per data point under the header."
        )
    kept = []
    for index, name in enumerate(header):
        if name:
            kept.append(index)
        elif _is_row_counter(data[:, index]):
            # pandas' to_csv writes its row index as a first column without a name
            notices.append(
                f"Column {index + 1} has no name and counts the rows, so it was read as a "
                "row index and ignored."
            )
        else:
            kept.append(index)
            notices.append(f"Column {index + 1} has no name; it is called 'column {index + 1}'.")
    names = tuple(header[index] or f"column {index + 1}" for index in kept)
    _check_unique(names)
    return names, data[:, kept]


def _is_row_counter(cells: np.ndarray) -> bool:
    """Whether the strings (R,) are 0, 1, 2, ... or 1, 2, 3, ..."""
    values, _, _, _ = _parse_numbers(cells, allow_decimal_comma=False)
    counter = np.arange(len(values))
    return bool(np.array_equal(values, counter) or np.array_equal(values, counter + 1))


def _check_unique(names: tuple[str, ...]) -> None:
    for name in dict.fromkeys(names):
        positions = [index + 1 for index, other in enumerate(names) if other == name]
        if len(positions) > 1:
            raise _CsvProblem(
                f"The column name {_quote(name)} is used {len(positions)} times (columns "
                f"{_name_list(positions, quote=False)}). Rename the columns so that every name "
                "is different."
            )


def _numeric_columns(names, data: np.ndarray, separator: str, notices: list[str]):
    """({name: values (R,)}, {name: text mask (R,)}) for the numeric columns.

    Text cells in a numeric column become NaN in its values and True in its mask.
    """
    numeric: dict[str, np.ndarray] = {}
    text_cells: dict[str, np.ndarray] = {}
    text_columns: list[tuple[str, str]] = []  # (name, an example of its text)
    ignored: list[str] = []
    allow_decimal_comma = separator != ","
    for index, name in enumerate(names):
        cells = data[:, index]
        # A text column is recognised on its first rows: parsing 200,000 words costs seconds.
        values, is_text, read_decimal_commas, typographic = _parse_numbers(
            cells[:1000], allow_decimal_comma)
        if len(cells) > 1000 and not _is_text_column(values, is_text):
            values, is_text, read_decimal_commas, typographic = _parse_numbers(
                cells, allow_decimal_comma)
        n_text = np.count_nonzero(is_text)
        if n_text == 0 and np.isnan(values).all():
            ignored.append(f"Column {_quote(name)} is empty and was ignored.")
            continue
        example = ""
        if n_text:
            row = int(np.argmax(is_text))
            example = f"{_quote(cells[row])} on data row {row + 1}"
        if _is_text_column(values, is_text):
            text_columns.append((name, str(cells[row])))
            ignored.append(
                f"Column {_quote(name)} is not numeric (e.g. {example}) and was ignored."
            )
            continue
        if n_text:
            notices.append(
                f"Column {_quote(name)} has {n_text} {_plural(n_text, 'value')} that "
                f"{'is' if n_text == 1 else 'are'} not a number (e.g. {example}); "
                f"{'that row is' if n_text == 1 else 'those rows are'} dropped."
            )
        if read_decimal_commas:
            notices.append(
                f"Column {_quote(name)} uses decimal commas; they were read as decimal points "
                "(1,5 = 1.5)."
            )
        n_typographic = np.count_nonzero(typographic)
        if n_typographic:
            row = int(np.argmax(typographic))
            notices.append(
                f"Column {_quote(name)} has {n_typographic} "
                f"{_plural(n_typographic, 'number')} written with typographic characters (a "
                "Unicode minus sign, no-break or thin spaces, full-width digits, ...); "
                + ("it was read as a number" if n_typographic == 1
                   else "they were read as numbers")
                + f" (e.g. {_quote(cells[row])} on data row {row + 1} as {values[row]:g})."
            )
        numeric[name] = values
        text_cells[name] = is_text
    if not numeric:
        raise _CsvProblem(_no_numeric_column(text_columns, separator))
    notices.extend(ignored)
    return numeric, text_cells


def _is_text_column(values: np.ndarray, is_text: np.ndarray) -> bool:
    """Whether most present cells of a column are text (values, is_text from _parse_numbers)."""
    n_present = np.count_nonzero(~np.isnan(values) | is_text)
    return 2 * np.count_nonzero(is_text) > n_present


def _no_numeric_column(text_columns: list[tuple[str, str]], separator: str) -> str:
    if not text_columns:
        return "Every column is empty. Fill in one row of numbers per data point."
    examples = ", ".join(
        f"{_quote(name)} holds {_quote(value)}" for name, value in text_columns[:3]
    )
    message = (
        f"No column holds numbers ({examples}). Upload a file whose columns are numbers such "
        "as 1.5 or -2e3, one row per data point."
    )
    if separator == "," and any(_DECIMAL_COMMA_VALUE.match(value) for _, value in text_columns):
        message += (
            " Values like '1,5' use a decimal comma: save the file with decimal points, or "
            "with semicolons (;) between the columns."
        )
    return message


def _choose_columns(columns, available: tuple[str, ...], min_columns: int, max_columns: int):
    """The names of the columns that make up X, checked against the numeric columns."""
    if min_columns == max_columns:
        wanted = f"exactly {max_columns}"
    elif min_columns == 1:
        wanted = f"at most {max_columns}"
    else:
        wanted = f"{min_columns} to {max_columns}"
    if len(available) < min_columns:
        raise _CsvProblem(
            f"The file has {len(available)} numeric {_plural(len(available), 'column')} "
            f"({_name_list(available)}) but this page needs {min_columns}. Add numeric columns "
            "or use a page for fewer dimensions."
        )
    if columns is None:
        if len(available) <= max_columns:
            return available
        raise _CsvProblem(
            f"The file has {len(available)} numeric columns ({_name_list(available)}); this "
            f"page shows {wanted}. Choose the columns to use.",
            needs_column_choice=True,
        )
    chosen = (columns,) if isinstance(columns, str) else tuple(columns)
    for name in chosen:
        if name not in available:
            raise _CsvProblem(
                f"{_quote(name)} is not a numeric column of this file; choose from "
                f"{_name_list(available)}.",
                needs_column_choice=True,
            )
    if len(set(chosen)) != len(chosen):
        raise _CsvProblem("Choose each column only once.", needs_column_choice=True)
    if not min_columns <= len(chosen) <= max_columns:
        raise _CsvProblem(
            f"Choose {wanted} columns; {len(chosen)} {'was' if len(chosen) == 1 else 'were'} "
            "chosen.",
            needs_column_choice=True,
        )
    return chosen


def _drop_incomplete_rows(X: np.ndarray, is_text: np.ndarray, report: _CsvReport) -> np.ndarray:
    """X (N, D) without the rows holding NaN or infinity; how many and why go into the report.

    is_text: (N, D), the cells that held text rather than a number. When more than
    DROPPED_ROWS_WARNING_FRACTION of the rows are dropped, the sentence is a warning.
    """
    finite = np.isfinite(X)
    complete = finite.all(axis=1)
    n_rows = len(X)
    n_dropped = n_rows - np.count_nonzero(complete)
    if not n_dropped:
        return X
    with_text = is_text.any(axis=1)
    infinite = np.isinf(X).any(axis=1) & ~with_text
    missing = ~complete & ~with_text & ~infinite
    reasons = [f"{count} with {what}" for count, what in (
        (np.count_nonzero(missing), "a missing value"),
        (np.count_nonzero(with_text), "a value that is not a number"),
        (np.count_nonzero(infinite), "an infinite value"),
    ) if count]
    sentence = (
        f"{n_dropped} of {n_rows} {_plural(n_rows, 'row')} "
        f"{'was' if n_dropped == 1 else 'were'} dropped ({n_rows} -> {n_rows - n_dropped}): "
        + _name_list(reasons, quote=False) + "."
    )
    if n_dropped > DROPPED_ROWS_WARNING_FRACTION * n_rows:
        report.warnings.append(
            f"{sentence} That is {n_dropped / n_rows:.0%} of the file: the rows left may not "
            "represent your data (a biased sample). Check the values named in the notes "
            "below, fix them in the file and upload it again."
        )
    else:
        report.notices.append(sentence)
    return X[complete]


def _check_row_count(n_rows: int, n_components: int) -> None:
    if n_rows == 0:
        raise _CsvProblem(
            "No row has a number in every chosen column, so nothing is left to fit. Fill in "
            "the missing values or choose other columns."
        )
    if n_rows < n_components:
        raise _CsvProblem(
            f"Only {n_rows} usable {_plural(n_rows, 'row')} for {n_components} components: "
            f"a mixture of {n_components} Gaussians needs at least {n_components} points. Add "
            "rows or lower the number of components."
        )


def _unusable_columns(X: np.ndarray, names: tuple[str, ...]) -> list[str]:
    """A problem per column of X (N, D) that EM cannot fit: constant or astronomically large."""
    problems = []
    for column, name in zip(X.T, names, strict=True):
        if np.all(column == column[0]):
            problems.append(
                f"Column {_quote(name)} has the same value ({column[0]:g}) in every row: with "
                "zero variance no Gaussian can be fitted. Remove it from the file or choose "
                "another column."
            )
        elif np.abs(column).max() > _MAX_ABS_VALUE:
            problems.append(
                f"Column {_quote(name)} has values as large as {np.abs(column).max():.3g}, too "
                "large to compute with. Rescale it (for example change its unit)."
            )
        elif problem := data_scale_problem(column, f"Column {_quote(name)}"):
            problems.append(problem)  # e.g. denormal values: their variance underflows
    return problems


def _quote(value, limit: int = 40) -> str:
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = "".join(char if char.isprintable() else " " if char.isspace() else "?"
                   for char in text)
    return f"'{text}'"


def _name_list(names, limit: int = 6, quote: bool = True) -> str:
    """'a', 'b' and 'c' (at most ``limit`` names, then "and 3 more")."""
    shown = [_quote(name) if quote else str(name) for name in list(names)[:limit]]
    if len(names) > limit:
        return ", ".join(shown) + f" and {len(names) - limit} more"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]
