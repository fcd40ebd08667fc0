"""The mixture log-likelihood's gradient in the means: this AD against the closed form.

Usage: python benchmarks/bench_autodiff_gradient.py [--repeats 7]

For N = 500 / 10,000 points (D = 2) and K = 3 / 6 full-covariance components, prints the
best-of-repeats time of
- "closed form": one E-step plus Σ_i r_ik Σ_k⁻¹(x_i − μ_k) (the reference),
- "forward AD": one vectorised pass with K·D dual parts,
- "reverse AD": one pass recording array-valued tape nodes and one backward sweep,
and the ratios AD / closed form (lower is better; the page needs one gradient per gradient-ascent
step, so a ratio of a few at N = 500 keeps section 7 interactive).
"""

from __future__ import annotations

import argparse
import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gmm_core.autodiff.mixture_gradient import (  # noqa: E402
    closed_form_mean_gradient,
    mean_gradient_forward,
    mean_gradient_reverse,
)
from gmm_core.datasets import make_blobs  # noqa: E402
from gmm_core.initialisation import initial_params  # noqa: E402


def best_time(function, repeats: int) -> float:
    """The fastest of ``repeats`` calls, after one warm-up call."""
    function()
    return min(timeit.repeat(function, number=1, repeat=repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"{'N':>7} {'K':>3} {'closed form':>12} {'forward AD':>11} {'reverse AD':>11} "
          f"{'fwd/closed':>11} {'rev/closed':>11} {'max |AD - closed|':>18}")
    for n_samples in (500, 10_000):
        for n_components in (3, 6):
            X = make_blobs(n_samples, n_components, seed=0).X
            start = initial_params(X, n_components, "full", "random-points", seed=0)
            closed = best_time(lambda X=X, s=start: closed_form_mean_gradient(X, s),
                               args.repeats)
            forward = best_time(lambda X=X, s=start: mean_gradient_forward(X, s), args.repeats)
            reverse = best_time(lambda X=X, s=start: mean_gradient_reverse(X, s), args.repeats)
            reference = closed_form_mean_gradient(X, start)[1]
            error = max(np.abs(mean_gradient_forward(X, start)[1] - reference).max(),
                        np.abs(mean_gradient_reverse(X, start)[1] - reference).max())
            print(f"{n_samples:>7} {n_components:>3} {closed * 1e3:>10.2f}ms "
                  f"{forward * 1e3:>9.2f}ms {reverse * 1e3:>9.2f}ms {forward / closed:>11.1f} "
                  f"{reverse / closed:>11.1f} {error:>18.2e}")


if __name__ == "__main__":
    main()
