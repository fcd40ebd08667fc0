"""Lesson "k-means or EM?": three data sets, the same start for both methods, and which one
finds the true groups (adjusted Rand index against the true labels, ``gmm_core.comparison``).

A data set is either a comparison preset of ``gmm_core.comparison`` (with its own start) or
round blobs from ``gmm_core.datasets.make_blobs`` (started from k-means++ centres). k-means is
``gmm_core.kmeans.KMeansRun``; EM is ``gmm_core.em_run.EMRun`` with the preset's covariance
type, from equal weights, the same centres and the data's covariance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gmm_core.comparison import COMPARISON_PRESETS, adjusted_rand_index, load_comparison_preset
from gmm_core.datasets import Dataset, make_blobs
from gmm_core.em_run import EMRun
from gmm_core.initialisation import params_from_means
from gmm_core.kmeans import KMeansRun, assign, init_centers
from gmm_core.mixture import COVARIANCE_TYPES, e_step
from ui.figures import FigureStyle, mixture_figure_2d
from ui.figures.kmeans import kmeans_figure_2d
from ui.guided.models.base import LessonModel, Picture, SetupError, setting
from ui.kit import text

MAX_DATASETS = 5
MAX_ITER = 300


@dataclass(frozen=True)
class Comparison:
    """One data set with labels, the shared start (K, 2), both finished runs and their ARIs."""

    data: Dataset
    start: np.ndarray
    kmeans: KMeansRun
    em: EMRun
    kmeans_labels: np.ndarray
    em_labels: np.ndarray
    kmeans_ari: float
    em_ari: float


def _dataset(entry: object, where: str) -> tuple[Dataset, np.ndarray, str]:
    """(data, start centres, covariance type) of one ``[[setup.datasets]]`` entry."""
    if not isinstance(entry, dict):
        raise SetupError(f"{where} must be a table")
    if "preset" in entry:
        key = str(entry["preset"])
        if key not in COMPARISON_PRESETS:
            raise SetupError(f"{where}: preset must be one of {', '.join(COMPARISON_PRESETS)}")
        data, start = load_comparison_preset(key)
        return data, start, COMPARISON_PRESETS[key].covariance_type
    n_points = setting(entry, "n_points", low=20, high=3000, integer=True)
    k = setting(entry, "k", low=2, high=6, integer=True)
    seed = setting(entry, "seed", low=0, high=2**31 - 1, integer=True)
    covariance_type = str(entry.get("covariance_type", "full"))
    if covariance_type not in COVARIANCE_TYPES:
        raise SetupError(f"{where}: covariance_type must be one of {', '.join(COVARIANCE_TYPES)}")
    data = make_blobs(n_points, k, 2, seed=seed)
    return data, init_centers(data.X, k, "k-means++", seed), covariance_type


def compare(data: Dataset, start: np.ndarray, covariance_type: str) -> Comparison:
    kmeans = KMeansRun(data.X, start, max_iter=MAX_ITER)
    kmeans.run_to_convergence()
    em = EMRun(data.X, params_from_means(data.X, start, covariance_type), max_iter=MAX_ITER)
    em.run_to_convergence()
    kmeans_labels = assign(data.X, kmeans[-1].centers)
    em_labels = e_step(data.X, em[-1].params)[0].argmax(axis=1)
    return Comparison(data, start, kmeans, em, kmeans_labels, em_labels,
                      adjusted_rand_index(data.labels, kmeans_labels),
                      adjusted_rand_index(data.labels, em_labels))


def winner(comparison: Comparison, threshold: float) -> str:
    """"both", "kmeans", "em" or "neither": who found the true groups (ARI ≥ threshold)."""
    found = (comparison.kmeans_ari >= threshold, comparison.em_ari >= threshold)
    return {(True, True): "both", (True, False): "kmeans", (False, True): "em",
            (False, False): "neither"}[found]


class KMeansOrEM(LessonModel):
    def __init__(self, setup: Mapping[str, object]):
        super().__init__()
        entries = setup.get("datasets")
        if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_DATASETS:
            raise SetupError(f"[setup] datasets must list 1 to {MAX_DATASETS} data sets")
        self.threshold = setting(setup, "found_ari", low=0.0, high=1.0)
        self.comparisons = []
        for index, entry in enumerate(entries):
            data, start, covariance_type = _dataset(entry, f"[setup] datasets[{index + 1}]")
            self.comparisons.append(compare(data, start, covariance_type))
        self.facts["found_ari"] = text.number(self.threshold, 3)
        for index, comparison in enumerate(self.comparisons):
            name = str(index + 1)
            self.facts.update({
                f"winner_{name}": winner(comparison, self.threshold),
                f"kmeans_ari_{name}": text.number(comparison.kmeans_ari, 3),
                f"em_ari_{name}": text.number(comparison.em_ari, 3),
                f"n_points_{name}": str(len(comparison.data.X)),
                f"k_{name}": str(len(comparison.start)),
                f"title_{name}": comparison.data.name,
                f"em_covariance_{name}": comparison.em[0].params.covariance_type,
            })

    # --- pictures -----------------------------------------------------------------------------

    def _data_picture(self, index: int, style: FigureStyle) -> Picture:
        comparison = self.comparisons[index]
        X = comparison.data.X
        figure = kmeans_figure_2d(X, comparison.start, None, style, show_cells=False)
        return Picture(figure, f"{len(X)} points in grey ({comparison.data.name}) and the "
                               f"{len(comparison.start)} starting centres both methods share: "
                               + "; ".join(text.vector(c, 2) for c in comparison.start) + ".",
                       f"Data set {index + 1}: the data and the shared start")

    def _result_pictures(self, index: int, style: FigureStyle) -> tuple[Picture, Picture]:
        comparison = self.comparisons[index]
        X = comparison.data.X
        centres = comparison.kmeans[-1].centers
        left = kmeans_figure_2d(X, centres, comparison.kmeans_labels, style)
        params = comparison.em[-1].params
        right = mixture_figure_2d(X, params, e_step(X, params)[0], style)
        return (Picture(left, f"k-means' clusters at the end, each point in its cluster's "
                              f"colour, with the straight-edged cells of its "
                              f"{len(centres)} centres; adjusted Rand index against the true "
                              f"groups {text.number(comparison.kmeans_ari, 3)}.",
                        f"k-means: ARI {text.number(comparison.kmeans_ari, 3)}"),
                Picture(right, f"EM's components at the end, points coloured by their "
                               f"responsibilities, with 1σ and 2σ ellipses; adjusted Rand "
                               f"index against the true groups "
                               f"{text.number(comparison.em_ari, 3)}.",
                        f"EM ({params.covariance_type}): ARI "
                        f"{text.number(comparison.em_ari, 3)}"))

    def pictures(self, name: str, style: FigureStyle, guesses=None) -> tuple[Picture, ...]:
        """"data_<n>" and "result_<n>" for data set n (from 1)."""
        kind, _, number = name.rpartition("_")
        if kind in ("data", "result") and number.isdecimal() and (
                1 <= int(number) <= len(self.comparisons)):
            index = int(number) - 1
            if kind == "data":
                return (self._data_picture(index, style),)
            return self._result_pictures(index, style)
        return super().pictures(name, style, guesses)

    def picture_names(self) -> tuple[str, ...]:
        return tuple(f"{kind}_{index + 1}" for index in range(len(self.comparisons))
                     for kind in ("data", "result"))
