"""What "k-means vs EM" draws at one pair of half-steps: both figures side by side with their
numbers and notes, the points on which they disagree, and the two curves (inertia, ℓ)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from gmm_core.comparison import adjusted_rand_index, disagreement, softness
from gmm_core.diagnostics import data_variance
from ui.compare import describe, notes
from ui.compare.runs import PairRuns
from ui.compare.sidebar import PairSetup
from ui.compare.state import EM, KMEANS, STATE
from ui.figures import log_likelihood_figure, mixture_figure_2d
from ui.figures.kmeans import add_highlight, inertia_figure, kmeans_figure_2d, relax_aspect
from ui.kit.display import figure_description, show_figure
from ui.kit.step_rules import KIND_NAMES
from ui.kit.text import MISSING, number


def _changed(run, index: int) -> int | None:
    """How many points changed their cluster (most responsible component) in the assignment
    (E-step) at ``index``; None when ``index`` is not one or has no earlier one."""
    history = run.history()
    if index < 3 or history[index].kind not in ("assign", "E"):
        return None
    return int(np.count_nonzero(run.labels_at(index) != run.labels_at(index - 2)))


def _step_title(method: str, index: int, kind: str, iteration: int) -> str:
    return f"**{method}** · half-step {index}: {KIND_NAMES[kind]} · iteration {iteration}"


def _ari(truth, labels) -> str:
    if truth is None or labels is None:
        return MISSING
    return f"{adjusted_rand_index(truth, labels):.3f}"


def _figure(figure, key: str, description: str, caption: str = "") -> None:
    """A figure, its caption and its text alternative: ``description`` is plain text that may
    quote column names (the kit escapes it, reads it to screen readers and offers it under
    "Describe this figure")."""
    show_figure(figure, key=key)
    figure_description(description, caption=caption)


def _side(title: str, figure, key: str, description: str, metrics: Sequence[tuple[str, str]],
          note: str) -> None:
    """One method's column: its step line, figure, two numbers and how its run stands."""
    st.markdown(title)
    _figure(figure, key, description)
    for column, (label, value) in zip(st.columns(len(metrics)), metrics, strict=True):
        column.metric(label, value)
    st.caption(note)


def draw_pair(setup: PairSetup, pair: PairRuns, positions: dict[str, int]) -> None:
    """Both figures side by side with their numbers, the disagreements, and the two curves."""
    kmeans_index, em_index = positions[KMEANS], positions[EM]
    kmeans_history, em_history = pair.kmeans.history(), pair.em.history()
    kmeans_entry, em_entry = kmeans_history[kmeans_index], em_history[em_index]
    kmeans_labels = pair.kmeans.labels_at(kmeans_index)
    responsibilities = pair.em.responsibilities_at(em_index)
    em_labels = pair.em.labels_at(em_index)
    X, truth, model = setup.data.X, setup.data.labels, setup.model
    mask = None
    if kmeans_labels is not None and em_labels is not None:
        mask = disagreement(kmeans_labels, em_labels, setup.n_components)
    # Column names may come from an uploaded file: the figure builders escape them.
    names = setup.data.feature_names
    disagree = None if mask is None else int(mask.sum())
    left, right = st.columns(2)
    with left:
        figure = kmeans_figure_2d(X, kmeans_entry.centers, kmeans_labels, setup.style,
                                  show_cells=setup.show_cells, feature_names=names)
        _side(_step_title("k-means", kmeans_index, kmeans_entry.kind, kmeans_entry.iteration),
              relax_aspect(add_highlight(figure, X, mask, setup.style), X),
              STATE.key("kmeans_fig"),
              describe.kmeans_figure(kmeans_index, kmeans_entry, kmeans_labels,
                                     _changed(pair.kmeans, kmeans_index), disagree,
                                     cells=setup.show_cells,
                                     feature_names=setup.data.feature_names),
              [("Inertia (sum of squared distances)", number(kmeans_entry.inertia)),
               ("Adjusted Rand index vs truth", _ari(truth, kmeans_labels))],
              notes.kmeans_note(pair.kmeans.status(), kmeans_history, kmeans_index,
                                pair.kmeans.next_kind_after(kmeans_index), setup.max_iter))
    with right:
        figure = mixture_figure_2d(X, em_entry.params, responsibilities, setup.style,
                                   feature_names=names)
        _side(_step_title(model.title, em_index, em_entry.kind, em_entry.iteration),
              relax_aspect(add_highlight(figure, X, mask, setup.style), X),
              STATE.key("em_fig"),
              describe.em_figure(model.title, em_index, em_entry, responsibilities,
                                 _changed(pair.em, em_index), disagree,
                                 feature_names=setup.data.feature_names),
              [("Log-likelihood ℓ(θ)", number(em_entry.log_likelihood)),
               ("Adjusted Rand index vs truth", _ari(truth, em_labels))],
              notes.em_note(model, pair.em.status(), em_history, em_index,
                            pair.em.next_kind_after(em_index), tol=setup.tol,
                            max_iter=setup.max_iter, data_variance=data_variance(X)))
        if em_entry.collapse is not None:
            st.warning(em_entry.collapse.message)
    st.markdown(notes.agreement_note(disagree, len(X), kmeans_index, em_index, model))
    if setup.sigma is not None:
        _fixed_sigma_numbers(setup, kmeans_entry, em_entry, responsibilities)
    _curves(setup, kmeans_history, em_history, positions, pair)


def _fixed_sigma_numbers(setup: PairSetup, kmeans_entry, em_entry, responsibilities) -> None:
    """How close the fixed-σ EM is to k-means at the half-steps on screen."""
    gap = float(np.abs(em_entry.params.means - kmeans_entry.centers).max())
    soft = MISSING
    if responsibilities is not None:
        n_soft = int(round(softness(responsibilities) * len(responsibilities)))
        soft = notes.percent(n_soft, len(responsibilities))
    first, second, third = st.columns(3)
    first.metric("σ in data units", number(setup.sigma, 4),
                 help=f"{setup.sigma_fraction:g} × the data's spread")
    second.metric("Largest gap between EM's means and k-means' centres", number(gap, 3),
                  help="Compared at the two half-steps on screen.")
    third.metric("Points with a soft responsibility (largest < 0.99)", soft,
                 help="Points x_i whose largest r_ik is below 0.99.")


def _curves(setup: PairSetup, kmeans_history, em_history, positions: dict[str, int],
            pair: PairRuns) -> None:
    style = setup.style
    inertias = [entry.inertia for entry in kmeans_history]
    values = [entry.log_likelihood for entry in em_history]
    bounds = [entry.lower_bound for entry in em_history]
    left, right = st.columns(2)
    with left:
        _figure(inertia_figure(inertias, [entry.kind for entry in kmeans_history],
                               positions[KMEANS], style, status=pair.kmeans.status()),
                STATE.key("inertia_fig"),
                describe.inertia_chart(inertias, positions[KMEANS], pair.kmeans.status()),
                caption="Inertia Σ_i ‖x_i − μ_{z_i}‖²: each point's squared distance to the "
                        "centre of its cluster z_i. Neither an assignment nor an update ever "
                        "raises it.")
    with right:
        _figure(log_likelihood_figure(values, [entry.kind for entry in em_history],
                                      positions[EM], style, lower_bounds=bounds,
                                      status=pair.em.status()),
                STATE.key("likelihood_fig"),
                describe.likelihood_chart(values, bounds, positions[EM], pair.em.status()),
                caption=likelihood_caption(setup))


def likelihood_caption(setup: PairSetup) -> str:
    """What the two lines of the log-likelihood chart are, for the model on screen."""
    text = ("Solid: ℓ(θ) = Σ_i log Σ_k π_k N(x_i | μ_k, Σ_k) at each half-step. Dotted: the "
            "lower bound F(q, θ) = Σ_i Σ_k r_ik log(π_k N(x_i | μ_k, Σ_k) / r_ik) with the "
            "responsibilities r_ik on screen, never above ℓ.")
    if setup.model.hard:
        return text + (" For hard EM the r_ik are 0 or 1, so F is the classification "
                       "log-likelihood ℓ_C = Σ_i log π_{z_i} N(x_i | μ_{z_i}, Σ_{z_i}): that is "
                       "what hard EM raises (up to reg_covar when it learns covariances). ℓ "
                       "itself may fall (a red × marks where it did).")
    return text + (" Right after an E-step F touches ℓ; EM's M-step raises F and with it ℓ "
                   "(only reg_covar = λ, added to every variance, can make ℓ dip).")
