"""Sizes and build times of every export of a stepper view, at N = 2,000 and N = 100,000.

    .venv/bin/python benchmarks/bench_exports.py

Each case is a 2-D or 1-D run of 30 half-steps (15 EM iterations, K = 3, full covariances)
on overlapping generated blobs, viewed at its last half-step. Times are medians of a few
builds, next to a reference timed in the same run (drawing the app's figure of one half-step),
because the machine is shared; the SVG/PNG times separate Kaleido's first picture (it starts
Chromium) from the following ones.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gmm_core import datasets  # noqa: E402
from gmm_core.em_run import EMRun  # noqa: E402
from gmm_core.initialisation import initial_params  # noqa: E402
from ui import exports  # noqa: E402
from ui.figures import figure_style, mixture_figure_1d, mixture_figure_2d  # noqa: E402

ITERATIONS = 15
REPEATS = 3


def make_case(n_samples: int, n_features: int) -> exports.ExportView:
    data = datasets.make_blobs(n_samples, 3, n_features, spread=2.0, seed=1)
    start = initial_params(data.X, 3, "full", "k-means++", seed=0)
    run = EMRun(data.X, start, tol=0.0, max_iter=ITERATIONS)
    run.run_to_convergence()
    key = "blobs" if n_features == 2 else "blobs-1d"
    return exports.ExportView(
        X=data.X, feature_names=data.feature_names, data_name=data.name,
        query={"dataset": key, "n": str(n_samples), "centres": "3", "k": "3", "cov": "full",
               "init": "k-means++", "seed": "0", "reg": "1e-06", "tol": "1e-12",
               "iter": str(ITERATIONS), "step": str(len(run) - 1)},
        history=run.history, index=len(run) - 1, status=run.status, reg_covar=1e-6,
        tol=1e-12, max_iter=ITERATIONS, seed=0, init="k-means++")


def timed(build, repeats: int = REPEATS):
    """(median seconds, result) of ``repeats`` builds."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = build()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def size_of(content) -> int:
    return len(content.encode("utf-8")) if isinstance(content, str) else len(content)


def main() -> None:
    for n_samples in (2_000, 100_000):
        for n_features in (2, 1):
            view = make_case(n_samples, n_features)
            style = figure_style(n_samples)
            draw = mixture_figure_2d if n_features == 2 else mixture_figure_1d
            responsibilities = exports.shown_responsibilities(view.history, view.index, view.X)
            reference, _ = timed(lambda view=view, draw=draw, r=responsibilities, s=style:
                                 draw(view.X, view.entry.params, r, s).to_dict())
            print(f"\nN = {n_samples:,}, {n_features}-D, {len(view.history)} half-steps "
                  f"(reference: the app's figure of one half-step, {reference * 1e3:.0f} ms)")
            builders = {
                "run (HTML)": lambda view=view: exports.run_html(view),
                "history CSV": lambda view=view: exports.history_csv(view),
                "history JSON": lambda view=view: exports.history_json(view),
                "notebook": lambda view=view: exports.notebook_json(view),
                "scikit-learn script": lambda view=view: exports.sklearn_script(view),
                "data CSV": lambda view=view: exports.data_csv(view),
            }
            for name, build in builders.items():
                seconds, content = timed(build)
                print(f"  {name:22s} {size_of(content) / 1e6:8.2f} MB  {seconds * 1e3:8.0f} ms"
                      f"  ({seconds / reference:6.1f}x the reference)")
            _, facts = exports.run_html.__globals__["run_figure"](view)
            if facts["drawn"] < view.n_samples:
                print(f"  (the HTML file draws {facts['drawn']:,} of the {view.n_samples:,} "
                      "points)")
            for name, build in (("figure SVG", exports.figure_svg),
                                ("figure PNG", exports.figure_png)):
                first, content = timed(lambda build=build, view=view: build(view), repeats=1)
                warm, _ = timed(lambda build=build, view=view: build(view))
                print(f"  {name:22s} {size_of(content) / 1e6:8.2f} MB  first {first:6.2f} s, "
                      f"then {warm:6.2f} s ({warm / reference:6.1f}x the reference)")
            exports.close_renderer()  # each case's first picture includes starting Chromium


if __name__ == "__main__":
    main()
