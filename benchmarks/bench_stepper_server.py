"""Server-side time of one `EM iteration` click on the 2-D stepper, against a bare page.

Usage: python benchmarks/bench_stepper_server.py [--clicks 6] [--sizes 1000 10000 100000]

For each N, opens "EM in 2-D" with ?dataset=blobs&n=N&k=5 (tol tiny so the run does not
converge during the measurement) in Streamlit's AppTest, clicks `EM iteration` several times
and reports the median time of a whole script run (EM arithmetic, figures, tables, formulas,
serialisation). The reference, measured in the same run at the same N, is the bare page
``reference_scatter_page.py`` (one Scattergl of N points, redrawn per click). Also printed:
the EM iteration alone (E-step + M-step) and the 2-D figure's build + JSON time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import plotly.io as pio  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from gmm_core.datasets import make_blobs  # noqa: E402
from gmm_core.initialisation import initial_params  # noqa: E402
from gmm_core.mixture import e_step, m_step  # noqa: E402
from ui.figures import figure_style, mixture_figure_2d  # noqa: E402


def median_run_time(app: AppTest, click, clicks: int) -> float:
    """Median seconds of a script run after ``click(app)``; one unmeasured warm-up first."""
    click(app)
    app.run()
    times = []
    for _ in range(clicks):
        click(app)
        start = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - start)
        if app.exception:
            raise RuntimeError(app.exception[0].value)
    return statistics.median(times)


def stepper_time(n_points: int, clicks: int) -> float:
    app = AppTest.from_file(str(REPO_ROOT / "pages/3_EM_in_2-D.py"), default_timeout=600)
    app.query_params.update({"dataset": "blobs", "n": str(n_points), "k": "5", "seed": "1",
                             "tol": "1e-12", "iter": "1000"})
    app.run()
    return median_run_time(app, lambda a: a.button(key="em2d.step_button.main.iterate").click(), clicks)


def reference_time(n_points: int, clicks: int) -> float:
    app = AppTest.from_file(str(REPO_ROOT / "benchmarks/reference_scatter_page.py"),
                            default_timeout=600)
    app.query_params["n"] = str(n_points)
    app.run()
    return median_run_time(app, lambda a: a.button[0].click(), clicks)


def parts_time(n_points: int, clicks: int) -> tuple[float, float]:
    """(one EM iteration, 2-D figure build + JSON) in seconds, medians."""
    X = make_blobs(n_points, 5, 2, seed=0).X
    params = initial_params(X, 5, "full", "k-means++", seed=1)
    em_times, figure_times = [], []
    for _ in range(clicks):
        start = time.perf_counter()
        responsibilities, _ = e_step(X, params)
        params = m_step(X, responsibilities, "full")
        em_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        figure = mixture_figure_2d(X, params, responsibilities, figure_style(n_points))
        pio.to_json(figure.to_dict(), validate=False)
        figure_times.append(time.perf_counter() - start)
    return statistics.median(em_times), statistics.median(figure_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=6)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    arguments = parser.parse_args()
    print(f"{'N':>8} {'stepper run':>12} {'bare page':>10} {'ratio':>6} "
          f"{'EM iteration':>13} {'figure+JSON':>12}")
    for n_points in arguments.sizes:
        ours = stepper_time(n_points, arguments.clicks)
        bare = reference_time(n_points, arguments.clicks)
        em, figure = parts_time(n_points, arguments.clicks)
        print(f"{n_points:>8} {ours * 1e3:>10.0f}ms {bare * 1e3:>8.0f}ms {ours / bare:>6.2f} "
              f"{em * 1e3:>11.1f}ms {figure * 1e3:>10.1f}ms")


if __name__ == "__main__":
    main()
