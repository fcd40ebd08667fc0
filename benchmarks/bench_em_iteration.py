"""One EM iteration: gmm_core against scikit-learn, same data and same start, same run.

Usage: python benchmarks/bench_em_iteration.py [--repeats 7]

Prints, for N = 1,000 / 10,000 / 100,000 (K = 5, D = 2, full and diag), the best-of-repeats
time of one E-step + M-step of ours and two scikit-learn references:
- "sklearn step": GaussianMixture.fit with max_iter=1, warm_start=True (how one steps sklearn),
- "sklearn core": its private _e_step + _m_step (the bare arithmetic, no validation),
and the ratios ours / reference (lower is better; the target is <= 0.5 against a step at N=100,000).
Both sides run with one BLAS thread, as the app's server does (ui/__init__.py); pass --threads
to change that.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.sklearn_reference import sklearn_stepper  # noqa: E402
from gmm_core.initialisation import initial_params  # noqa: E402
from gmm_core.mixture import e_step, m_step  # noqa: E402


def best_time(function, repeats: int) -> float:
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def time_case(X, covariance_type: str, repeats: int) -> tuple[float, float, float]:
    """Best times of (ours, sklearn step, sklearn core) for one EM iteration on X (N, 2)."""
    params = initial_params(X, 5, covariance_type, "random-points", seed=1)
    reference = sklearn_stepper(params)
    reference.fit(X)

    def ours():
        responsibilities, _ = e_step(X, params)
        m_step(X, responsibilities, covariance_type)

    def sklearn_core():
        _, log_responsibilities = reference._e_step(X)
        reference._m_step(X, log_responsibilities)

    return (
        best_time(ours, repeats),
        best_time(lambda: reference.fit(X), repeats),
        best_time(sklearn_core, repeats),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    args = parser.parse_args()
    threadpool_limits(args.threads)
    warnings.simplefilter("ignore", ConvergenceWarning)
    rng = np.random.default_rng(0)
    print(f"{'N':>7} {'cov':>5} {'ours':>9} {'sk step':>9} {'sk core':>9} {'ours/step':>10} {'ours/core':>10}")
    for n_samples in (1_000, 10_000, 100_000):
        X = rng.normal(size=(n_samples, 2)) * [1.0, 2.0] + rng.integers(0, 5, size=(n_samples, 1)) * 3.0
        for covariance_type in ("full", "diag"):
            t_ours, t_step, t_core = time_case(X, covariance_type, args.repeats)
            print(
                f"{n_samples:>7} {covariance_type:>5} {t_ours * 1e3:>7.2f}ms {t_step * 1e3:>7.2f}ms "
                f"{t_core * 1e3:>7.2f}ms {t_ours / t_step:>10.2f} {t_ours / t_core:>10.2f}"
            )


if __name__ == "__main__":
    main()
