"""Text alternatives of the four figures of "k-means vs EM" (issue #14), pure: each describes
what its figure shows in the current state, in plain text (escaped where it is shown).

A screen-reader user gets the numbers the picture carries; every student gets a "Describe this
figure" summary of them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gmm_core.mixture import full_covariances
from ui.kit.escape import untrusted_plain
from ui.kit.step_rules import KIND_NAMES
from ui.kit.text import log_likelihood, number, vector

MAX_LISTED = 10  # K is at most 10: every component is listed


def _step(method: str, index: int, entry) -> str:
    return (f"{method}, half-step {index} ({KIND_NAMES[entry.kind]}, iteration "
            f"{entry.iteration})")


def _sizes(labels: np.ndarray, n_clusters: int) -> str:
    counts = np.bincount(labels, minlength=n_clusters)
    return ", ".join(f"{k + 1}: {count}" for k, count in enumerate(counts))


def _disagreement(count: int | None, other: str) -> str:
    if count is None:
        return ""
    if count == 0:
        return f" Every point agrees with {other}."
    return (f" {count} point{'' if count == 1 else 's'} disagree{'s' if count == 1 else ''} "
            f"with {other} (ringed in red).")


def _axes(feature_names: Sequence[str]) -> str:
    # Column names may come from an uploaded file: shortened here like every other echo of
    # them (the whole description is escaped where it is shown).
    across, up = (untrusted_plain(name) for name in feature_names[:2])
    return f"Horizontal axis {across}, vertical axis {up}."


def kmeans_figure(index: int, entry, labels: np.ndarray | None, changed: int | None,
                  disagree: int | None, *, cells: bool, feature_names: Sequence[str]) -> str:
    """k-means at half-step ``index`` (a KMeansHalfStep): centres, cluster sizes, inertia."""
    centres = "; ".join(f"centre {k + 1} at {vector(centre)}"
                        for k, centre in enumerate(entry.centers[:MAX_LISTED]))
    text = f"{_step('k-means', index, entry)}: {len(entry.centers)} centres: {centres}."
    if labels is None:
        text += " The points are grey: not assigned yet."
    else:
        text += (f" Points coloured by cluster; points per cluster: "
                 f"{_sizes(labels, len(entry.centers))}. Inertia {number(entry.inertia)}.")
        if changed is not None:
            text += (f" {changed} point{'' if changed == 1 else 's'} changed cluster in this "
                     "assignment.")
    if cells:
        text += " Shaded cells: the region nearest to each centre."
    return text + _disagreement(disagree, "EM's hard labels") + " " + _axes(feature_names)


def em_figure(method: str, index: int, entry, responsibilities: np.ndarray | None,
              changed: int | None, disagree: int | None, *,
              feature_names: Sequence[str]) -> str:
    """The EM side at half-step ``index`` (a HalfStep): each component's weight, mean and 1σ
    ellipse, the colours of the points and ℓ."""
    params = entry.params
    covariances = full_covariances(params)
    parts = []
    for k in range(min(params.n_components, MAX_LISTED)):
        variances = np.clip(np.linalg.eigvalsh(covariances[k]), 0.0, None)
        half_axes = np.sqrt(variances)[::-1]
        parts.append(f"component {k + 1}: weight {params.weights[k]:.3f}, mean "
                     f"{vector(params.means[k])}, 1σ ellipse half-axes "
                     f"{number(half_axes[0], 3)} and {number(half_axes[-1], 3)}")
    text = (f"{_step(method, index, entry)}: {params.n_components} components; "
            + "; ".join(parts) + f". Log-likelihood {log_likelihood(entry.log_likelihood)}.")
    if responsibilities is None:
        text += " The points are grey: no responsibilities computed yet."
    else:
        labels = responsibilities.argmax(axis=1)
        text += (" Points coloured by their responsibilities; most responsible component: "
                 f"{_sizes(labels, params.n_components)} points.")
        if changed is not None:
            text += (f" {changed} point{'' if changed == 1 else 's'} changed most responsible "
                     "component in this E-step.")
    return text + _disagreement(disagree, "k-means' clusters") + " " + _axes(feature_names)


def _curve(name: str, values: Sequence[float | None], index: int, formatter) -> str:
    shown = [(i, value) for i, value in enumerate(values) if value is not None]
    if not shown:
        return f"No {name} yet: it is defined from the first assignment on."
    first, last = shown[0], shown[-1]
    now = values[index] if index < len(values) else None
    text = (f"{name[0].upper() + name[1:]} after each half-step, {len(values)} computed: "
            f"{formatter(first[1])} at half-step {first[0]}, {formatter(last[1])} at half-step "
            f"{last[0]}.")
    if now is not None:
        text += f" Marked: half-step {index}, {formatter(now)}."
    return text


def inertia_chart(inertias: Sequence[float | None], index: int, status: str) -> str:
    text = _curve("inertia", inertias, index, number)
    return text + (" The run has converged." if status == "converged" else "")


def likelihood_chart(log_likelihoods: Sequence[float], lower_bounds: Sequence[float | None],
                     index: int, status: str) -> str:
    text = _curve("log-likelihood", log_likelihoods, index, log_likelihood)
    if index < len(lower_bounds) and lower_bounds[index] is not None:
        text += f" Lower bound at half-step {index}: {log_likelihood(lower_bounds[index])}."
    return text + (" The run has converged." if status == "converged" else "")
