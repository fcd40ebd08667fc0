"""The BIC/AIC grid of the page "Model selection" against scikit-learn's GaussianMixture.

Usage: python benchmarks/bench_model_grid.py [--part one-start|defaults|all] [--repeats 3]
                                             [--n 1000] [--large 20000] [--precise]

Every grid is K = 1..10 x the four covariance types (40 models), reg_covar = 1e-6, and runs
with one BLAS/OpenMP thread (the app's setting) unless said otherwise. Times are wall clock on
a shared machine: read the ratios, measured in the same run.

- ``one-start``: N = 1,000 points of five 2-D blobs, one start per model from k-means on both
  sides (``n_starts=1, final_tol=None`` against ``n_init=1``), tol = 1e-3, at most 100
  iterations: the cost of the EM machinery itself (target: ratio <= 1). Once with the thread
  pools as they come, once with one thread, once with exactly 20 iterations per fit.
- ``defaults``: ``model_grid`` with its defaults (``default_n_starts(N)`` k-means starts per
  model at tol 1e-3, the best ones run on to tol 1e-5) on raw Old Faithful (N = 272) and on
  ``--large`` points of the model-selection page's default blobs (3 blobs, seed 0), against
  ``GaussianMixture(n_init=<the same number of starts>)`` at its default tol = 1e-3 (the
  textbook's way) on the same grid. Prints each side's choice, its log-likelihood and BIC
  (the published Old Faithful answer is tied = mclust's EEE, K = 3, ℓ = -1126.32,
  BIC = 2314.30). ``--precise`` adds scikit-learn at tol = 1e-5 (the precision of our kept
  fits), which is slow at 20,000 points.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.linalg  # noqa: F401  (loaded before threadpool_limits, which only reaches loaded libraries)
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gmm_core.datasets import load_preset, make_blobs  # noqa: E402
from gmm_core.mixture import COVARIANCE_TYPES  # noqa: E402
from gmm_core.model_search import default_n_starts, model_grid  # noqa: E402

KS = range(1, 11)
SETTINGS = {"tol": 1e-3, "max_iter": 100, "reg_covar": 1e-6}


def ours(X, settings=SETTINGS):
    grid = model_grid(X, KS, COVARIANCE_TYPES, init="k-means", seed=0, n_starts=1,
                      final_tol=None, **settings)
    best = grid.best("bic")
    iterations = np.mean([entry.fit.n_iter for entry in grid.entries])
    return (best.n_components, best.covariance_type), iterations


def sklearn_grid(X, settings=SETTINGS, n_init: int = 1):
    """scikit-learn's grid: (best (K, type), mean iterations, best BIC, its log-likelihood)."""
    best, best_bic, best_ll, iterations = None, np.inf, np.nan, []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in KS:
            for covariance_type in COVARIANCE_TYPES:
                model = GaussianMixture(k, covariance_type=covariance_type, n_init=n_init,
                                        init_params="kmeans", random_state=0, **settings)
                model.fit(X)
                iterations.append(model.n_iter_)
                bic = model.bic(X)
                if bic < best_bic:
                    best, best_bic = (k, covariance_type), bic
                    best_ll = model.score(X) * len(X)
    return best, float(np.mean(iterations)), best_bic, best_ll


def best_time(function, X, repeats: int, settings):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(X, settings)
        times.append(time.perf_counter() - start)
    return min(times), result


def compare(X, repeats: int, label: str, settings=SETTINGS) -> float:
    ours_time, (ours_best, ours_iterations) = best_time(ours, X, repeats, settings)
    sklearn_time, (sklearn_best, sklearn_iterations, _, _) = best_time(sklearn_grid, X, repeats,
                                                                       settings)
    ratio = ours_time / sklearn_time
    print(f"{label}:")
    print(f"  gmm_core  {ours_time:7.3f} s   BIC picks K = {ours_best[0]}, {ours_best[1]:<9}"
          f"  mean iterations {ours_iterations:.1f}")
    print(f"  sklearn   {sklearn_time:7.3f} s   BIC picks K = {sklearn_best[0]}, "
          f"{sklearn_best[1]:<9}  mean iterations {sklearn_iterations:.1f}")
    print(f"  ratio ours / sklearn = {ratio:.2f}  (target <= 1)")
    return ratio


def one_start(arguments) -> None:
    X = make_blobs(arguments.n, 5, seed=1).X
    print(f"ONE START PER MODEL: K = 1..10 x {len(COVARIANCE_TYPES)} covariance types, "
          f"N = {arguments.n}, init k-means, n_init 1, tol {SETTINGS['tol']:g}, "
          f"max_iter {SETTINGS['max_iter']}, reg_covar {SETTINGS['reg_covar']:g}")
    default_ratio = compare(X, arguments.repeats, "thread pools as they come")
    with threadpool_limits(limits=1):
        single_ratio = compare(X, arguments.repeats, "one BLAS/OpenMP thread")
        # sklearn tests convergence one E-step later than we do, so at the same tol it takes
        # one more M-step per fit; with tol = 0 both take exactly max_iter iterations.
        fixed_ratio = compare(X, arguments.repeats, "one thread, exactly 20 iterations per fit "
                              "(tol = 0, the same work on both sides)",
                              {**SETTINGS, "tol": 0.0, "max_iter": 20})
    print(f"RATIO {default_ratio:.2f} (default threads), {single_ratio:.2f} (one thread), "
          f"{fixed_ratio:.2f} (one thread, same number of iterations)")


def default_grid(name: str, X, precise: bool) -> None:
    n_samples = len(X)
    n_starts = default_n_starts(n_samples)
    print(f"\n{name}: N = {n_samples:,}, {n_starts} starts per model")
    start = time.perf_counter()
    grid = model_grid(X)
    ours_time = time.perf_counter() - start
    best = grid.best("bic")
    iterations = sum(entry.fit.n_iter for entry in grid.entries)
    print(f"  gmm_core defaults            {ours_time:7.2f} s   BIC picks K = "
          f"{best.n_components}, {best.covariance_type:<9} ℓ = {best.fit.log_likelihood:.2f}, "
          f"BIC = {best.bic:.2f}  (work {grid.work:.3g} units, {grid.work / ours_time:.3g} "
          f"per second; {iterations} iterations in the kept fits, "
          f"{len(grid.degenerate_entries)} degenerate models"
          f"{', ' + grid.stopped if grid.stopped else ''})")
    runs = [("tol 1e-3 (its default)", {**SETTINGS, "max_iter": 100})]
    if precise:
        runs.append(("tol 1e-5", {**SETTINGS, "tol": 1e-5, "max_iter": 1000}))
    for label, settings in runs:
        start = time.perf_counter()
        sk_best, _, sk_bic, sk_ll = sklearn_grid(X, settings, n_init=n_starts)
        sklearn_time = time.perf_counter() - start
        print(f"  sklearn n_init={n_starts:<2} {label:<13}{sklearn_time:7.2f} s   BIC picks K = "
              f"{sk_best[0]}, {sk_best[1]:<9} ℓ = {sk_ll:.2f}, BIC = {sk_bic:.2f}   "
              f"ratio ours / sklearn = {ours_time / sklearn_time:.2f}")


def defaults(arguments) -> None:
    print("\nDEFAULT GRID: K = 1..10 x 4 types, model_grid's defaults against GaussianMixture "
          "with the same number of starts (one BLAS/OpenMP thread)")
    with threadpool_limits(limits=1):
        default_grid("Old Faithful (raw)", load_preset("faithful").X, arguments.precise)
        default_grid("Page's default blobs (3 blobs, seed 0)",
                     make_blobs(arguments.large, 3, seed=0).X, arguments.precise)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("one-start", "defaults", "all"), default="all")
    parser.add_argument("--n", type=int, default=1000, help="points for one-start (default 1000)")
    parser.add_argument("--large", type=int, default=20_000,
                        help="points of the large default grid (default 20000)")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs")
    parser.add_argument("--precise", action="store_true",
                        help="also time scikit-learn at tol = 1e-5")
    arguments = parser.parse_args()
    if arguments.part in ("one-start", "all"):
        one_start(arguments)
    if arguments.part in ("defaults", "all"):
        defaults(arguments)


if __name__ == "__main__":
    main()
