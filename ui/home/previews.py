"""A small picture of every page for the home page, drawn by the page's own figure builders on
small data, with its text alternative (what the picture shows, computed).

Everything here runs once per server (app.py caches ``page_previews``) and is cheap: small data
sets, a few EM iterations, SVG thumbnails instead of Plotly charts or kaleido exports. Pure: no
Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_core import generative
from gmm_core.autodiff import parse_expression
from gmm_core.autodiff.lessons import value_and_derivative
from gmm_core.comparison import adjusted_rand_index, load_comparison_preset
from gmm_core.datasets import load_preset
from gmm_core.em_run import EMRun
from gmm_core.initialisation import initial_params, params_from_means
from gmm_core.kmeans import KMeansRun
from gmm_core.mixture import predict_proba
from gmm_core.model_search import model_grid
from ui import pages
from ui.autodiff.figures import tangent_figure
from ui.figures import (
    figure_style,
    membership_bar_figure,
    mixture_figure_1d,
    mixture_figure_2d,
)
from ui.figures.common import component_colour_name
from ui.figures.describe import percent
from ui.figures.kmeans import kmeans_figure_2d
from ui.home.thumbnail import side_by_side, thumbnail
from ui.mixture_model.figures import sampling_figure
from ui.selection.figures import criterion_figure

# A preview draws at most this many points: a thumbnail needs no more, and its SVG stays small.
MAX_POINTS = 400
# The preview's EM runs stop here: enough to show fitted components, cheap to compute.
ITERATIONS = 12


@dataclass(frozen=True)
class Preview:
    """A page's picture: SVG text, and what it shows in words (its alt text)."""

    svg: str
    alt: str


def _sample(n_points: int, seed: int = 0) -> np.ndarray:
    """Indices of at most MAX_POINTS of n_points, seeded and sorted (the same every start)."""
    if n_points <= MAX_POINTS:
        return np.arange(n_points)
    return np.sort(np.random.default_rng(seed).choice(n_points, MAX_POINTS, replace=False))


def _run(X: np.ndarray, n_components: int, *, seed: int = 0, init: str = "k-means++",
         iterations: int = ITERATIONS) -> EMRun:
    run = EMRun(X, initial_params(X, n_components, "full", init, seed=seed))
    while len(run) < 2 * iterations + 1 and not run.finished:
        run.step()
    return run


def _iterations(run: EMRun) -> str:
    """How far a run got: "converged after 8 EM iterations" or "after 12 EM iterations"."""
    entry = run[len(run) - 1]
    done = f"after {entry.iteration} EM iteration{'' if entry.iteration == 1 else 's'}"
    return f"converged {done}" if run.status == "converged" else done


def _drawn(n_shown: int, n_points: int) -> str:
    return (f"{n_points} points" if n_shown == n_points
            else f"{n_shown} of its {n_points} points")


def em_2d_preview() -> Preview:
    """The 2-D stepper on the textbook data (the demo's data), after a few EM iterations."""
    X = load_preset("textbook").X
    run = _run(X, 3)
    index = len(run) - 1
    shown = _sample(len(X))
    responsibilities = run.responsibilities_at(index)[shown]
    figure = mixture_figure_2d(X[shown], run[index].params, responsibilities, figure_style(len(shown)))
    return Preview(thumbnail(figure), (
        f"EM in 2-D on the textbook data ({_drawn(len(shown), len(X))}), {_iterations(run)}: "
        "points coloured by their responsibilities, and the 1σ and 2σ ellipses of its 3 "
        "components."))


def em_1d_preview() -> Preview:
    """The 1-D stepper on Old Faithful's eruption times."""
    X = load_preset("faithful-eruptions").X
    run = _run(X, 2)
    index = len(run) - 1
    figure = mixture_figure_1d(X, run[index].params, run.responsibilities_at(index),
                               figure_style(len(X)))
    return Preview(thumbnail(figure), (
        f"EM in 1-D on Old Faithful's {len(X)} eruption times, {_iterations(run)}: the "
        "histogram, 2 weighted Gaussian curves and their sum, and the data as a rug coloured "
        "by responsibilities."))


def compare_preview() -> Preview:
    """k-means against EM on the stretched clusters, both from the same centres."""
    data, centres = load_comparison_preset("stretched")
    X = data.X
    kmeans = KMeansRun(X, centres)
    kmeans.run_to_convergence()
    last = len(kmeans.history) - 1
    kmeans_labels = kmeans.labels_at(last)
    em = EMRun(X, params_from_means(X, centres, "full"))
    em.run_to_convergence()
    index = len(em) - 1
    responsibilities = em.responsibilities_at(index)
    shown = _sample(len(X))
    style = figure_style(len(shown))
    left = kmeans_figure_2d(X[shown], kmeans.history[last].centers, kmeans_labels[shown], style,
                            show_cells=False)
    right = mixture_figure_2d(X[shown], em[index].params, responsibilities[shown], style)
    agreement = (adjusted_rand_index(data.labels, kmeans_labels),
                 adjusted_rand_index(data.labels, responsibilities.argmax(axis=1)))
    return Preview(side_by_side([thumbnail(left, width=240), thumbnail(right, width=240)]), (
        f"k-means (left) and EM (right) from the same start on three stretched clusters "
        f"({_drawn(len(shown), len(X))}): agreement with the true clusters (adjusted Rand "
        f"index) {agreement[0]:.2f} for k-means' hard clusters, {agreement[1]:.2f} for EM's "
        "most responsible components."))


def model_selection_preview() -> Preview:
    """BIC against K on Old Faithful (a small grid: two covariance types, one start each)."""
    X = load_preset("faithful").X
    grid = model_grid(X, range(1, 6), ("full", "spherical"), n_starts=1, final_tol=None,
                      max_iter=60)
    figure = criterion_figure(grid, "bic", figure_style(len(X)))
    best = grid.best("bic")
    chosen = "" if best is None else (
        f"; the lowest is K = {best.n_components} ({best.covariance_type})")
    return Preview(thumbnail(figure), (
        f"BIC against the number of components K = 1 to 5 on Old Faithful ({len(X)} "
        f"eruptions), one line per covariance type (full and spherical){chosen}."))


def mixture_model_preview() -> Preview:
    """The generative story: a sample drawn from the page's default mixture, coloured by the
    component that drew each point."""
    name, spec = generative.PRESET_SPECS[generative.DEFAULT_PRESET]
    sample = generative.sample_spec(spec, 300, 0)
    figure = sampling_figure(sample.X, sample.labels, len(sample.X), spec.to_params(),
                             figure_style(len(sample.X)))
    return Preview(thumbnail(figure), (
        f"{len(sample.X)} points drawn from a mixture of {spec.n_components} Gaussians, each "
        "coloured by the component that drew it, with the components' ellipses."))


def autodiff_preview() -> Preview:
    """A function and its tangent from one dual-number evaluation."""
    formula, a = "sin(x) * x + 0.5 * x", 1.0
    expression = parse_expression(formula, "x")
    value, slope = value_and_derivative(expression, "x", a)
    grid = np.linspace(a - 3.0, a + 3.0, 121)
    curve = np.asarray(expression.evaluate({"x": grid}), dtype=float)
    figure = tangent_figure(grid, curve, a, value, (slope, slope), formula)
    return Preview(thumbnail(figure), (
        f"The curve f(x) = {formula} and its tangent at x = {a:g}, with slope "
        f"f′({a:g}) = {slope:.3f} from one evaluation on a dual number."))


def guided_lessons_preview() -> Preview:
    """What a lesson asks: a point between two components, and its membership bars."""
    X = load_preset("faithful-eruptions").X
    run = _run(X, 2)
    params = run[len(run) - 1].params
    # A point between the means that the components share about 3 to 1: a question worth asking.
    between = np.linspace(params.means[:, 0].min(), params.means[:, 0].max(), 201)
    shares = predict_proba(between.reshape(-1, 1), params)
    point = float(between[np.argmin(np.abs(shares.max(axis=1) - 0.75))])
    probabilities = predict_proba(np.array([[point]]), params)[0]
    style = figure_style(len(X))
    curves = mixture_figure_1d(X, params, None, style, probe=point)
    bars = membership_bar_figure(probabilities, style)
    answer = " and ".join(f"component {k + 1} ({component_colour_name(k)}) {percent(p)}"
                          for k, p in enumerate(probabilities))
    return Preview(side_by_side([thumbnail(curves, width=300), thumbnail(bars, width=180)]), (
        f"A lesson's question: which of two Gaussians fitted to Old Faithful's eruption times "
        f"made the point x = {point:.2f} (the black dot)? The bars answer: {answer}."))


BUILDERS = {
    pages.MIXTURE_MODEL.url_path: mixture_model_preview,
    pages.EM_1D.url_path: em_1d_preview,
    pages.EM_2D.url_path: em_2d_preview,
    pages.COMPARE.url_path: compare_preview,
    pages.MODEL_SELECTION.url_path: model_selection_preview,
    pages.AUTODIFF.url_path: autodiff_preview,
    pages.GUIDED_LESSONS.url_path: guided_lessons_preview,
}


def page_previews() -> dict[str, Preview]:
    """Every page's preview by its URL path (pages without one are left out)."""
    return {path: build() for path, build in BUILDERS.items()}
