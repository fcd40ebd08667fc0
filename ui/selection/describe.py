"""Text alternatives of the page's figures: what each one shows now, in one or two sentences.

Shown under each figure by ``ui.kit.accessible.figure`` ("Describe this figure": what a
screen reader reads in place of the WebGL/SVG chart it cannot see into, and a summary for every
student). Pure; outside text (a CSV's column names) is escaped for Markdown here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from gmm_core.mixture import MixtureParams
from gmm_core.model_search import GridResult, RestartResult
from ui.kit.data_picker import LoadedData
from ui.kit.escape import untrusted_markdown
from ui.kit.text import number
from ui.selection.figures import degenerate_points, signed, start_spread

MAX_LISTED = 6


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def criterion_chart(grid: GridResult, criterion: str, *, convention: str = "scikit-learn",
                    show_degenerate: bool = True) -> str:
    """E.g. "BIC against K for 4 covariance types (full, tied, diag, spherical), K = 1 to 10,
    lower is better; lowest at K = 3, tied, 2314.3; ...; 3 degenerate fits hidden"."""
    name = criterion.upper()
    sign = signed(criterion, convention)
    types = list(dict.fromkeys(entry.covariance_type for entry in grid.entries))
    ks = [entry.n_components for entry in grid.entries]
    better = "higher" if sign < 0 else "lower"
    text = (f"{name} against K for {_plural(len(types), 'covariance type')} "
            f"({', '.join(types)}), K = {min(ks)} to {max(ks)}")
    if sign < 0:
        text += ", in mclust's sign"
    text += f", {better} is better"
    best = grid.best(criterion)
    if best is None:
        text += "; no sound model to choose"
    else:
        extreme = "highest" if sign < 0 else "lowest"
        text += (f"; {extreme} at K = {best.n_components}, {best.covariance_type}, "
                 f"{number(sign * best.criterion(criterion))}")
        spreads = [(entry, start_spread(entry, criterion)) for entry in grid.entries
                   if entry.n_starts > 1 and not entry.degenerate]
        widest = max(spreads, key=lambda item: _width(item[1]), default=None)
        if widest is not None and _width(widest[1]) > 0:
            entry, (low, high) = widest
            text += (f"; the starts mattered most for K = {entry.n_components}, "
                     f"{entry.covariance_type} ({name} from {number(low)} to {number(high)} "
                     "over its starts)")
    points = degenerate_points(grid)
    if points:
        listed = ", ".join(f"K = {entry.n_components} {entry.covariance_type}"
                           for entry in points[:MAX_LISTED])
        more = "" if len(points) <= MAX_LISTED else f" and {len(points) - MAX_LISTED} more"
        if show_degenerate:
            text += f"; {_plural(len(points), 'degenerate fit')} drawn hollow ({listed}{more})"
        else:
            text += f"; {_plural(len(points), 'degenerate fit')} hidden"
    return text[:1].upper() + text[1:] + "."


def _width(spread: tuple[float, float]) -> float:
    low, high = spread
    return high - low if math.isfinite(low) and math.isfinite(high) else 0.0


def _point(mean: np.ndarray) -> str:
    return number(mean[0], 4) if mean.size == 1 else "(" + ", ".join(
        number(value, 4) for value in mean) + ")"


def fit_chart(params: MixtureParams, data: LoadedData, *, title: str) -> str:
    """E.g. "K = 3, tied: the 272 points coloured by their responsibilities; component 1 at
    (2.04, 54.5) with weight 0.35, ..."."""
    names = ", ".join(untrusted_markdown(name) for name in data.feature_names)
    order = np.argsort(-params.weights)
    parts = [f"component {k + 1} at {_point(params.means[k])} with weight "
             f"{number(params.weights[k], 2)}" for k in order[:MAX_LISTED]]
    if len(order) > MAX_LISTED:
        parts.append(f"{len(order) - MAX_LISTED} more")
    shape = ("a histogram with each weighted component density" if params.n_features == 1
             else "the points coloured by their responsibilities, with 1σ and 2σ ellipses")
    return (f"{title}: {len(data.X)} points ({names}), {shape}; "
            + "; ".join(parts) + ".")


def restarts_chart(result: RestartResult, shown: Sequence[bool]) -> str:
    """The histogram of final log-likelihoods: how the runs ended and where the best is."""
    outcomes = result.outcomes
    counts = {}
    for outcome, drawn in zip(outcomes, shown, strict=True):
        key = outcome if drawn else "hidden"
        counts[key] = counts.get(key, 0) + 1
    words = {"converged": "stopped by tol", "max_iter": "stopped at max_iter",
             "degenerate": "degenerate", "collapsed": "collapsed (not drawn)",
             "impossible": "impossible (not drawn)", "hidden": "degenerate, hidden"}
    pieces = [f"{count} {words.get(kind, kind)}" for kind, count in counts.items()]
    best = result.best
    text = (f"Histogram of the final log-likelihood ℓ of {len(outcomes)} runs: "
            + ", ".join(pieces))
    if best is not None:
        text += f"; the best sound run ends at ℓ = {number(best.log_likelihood)}"
    return text + "."


def init_chart(results: Mapping[str, RestartResult], values: Mapping[str, np.ndarray]) -> str:
    """The box per initialisation: best and median final ℓ of each."""
    pieces = []
    for method, drawn in values.items():
        finite = np.asarray(drawn, dtype=float)
        finite = finite[np.isfinite(finite)]
        if finite.size:
            pieces.append(f"{method}: best {number(finite.max())}, median "
                          f"{number(float(np.median(finite)))}")
        else:
            pieces.append(f"{method}: no run drawn")
    return (f"Final ℓ of every run, one box per initialisation "
            f"({len(results)} of them); " + "; ".join(pieces) + ".")
