"""What "k-means vs EM" draws at one pair of half-steps: both figures side by side with their
numbers, the points on which they disagree, and the two curves (inertia, log-likelihood)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_core.comparison import adjusted_rand_index, disagreement, softness
from ui.compare.runs import PairRuns
from ui.compare.sidebar import PairSetup
from ui.compare.state import EM, KMEANS, STATE
from ui.figures import log_likelihood_figure, mixture_figure_2d
from ui.figures.kmeans import add_highlight, inertia_figure, kmeans_figure_2d, relax_aspect
from ui.kit.display import show_figure
from ui.kit.step_rules import KIND_NAMES
from ui.kit.text import MISSING, number

STATUS_NOTES = {"running": "", "converged": " · converged", "max_iter": " · stopped at max_iter",
                "collapsed": " · a component collapsed"}


def _step_title(method: str, index: int, kind: str, iteration: int) -> str:
    return f"**{method}** · half-step {index}: {KIND_NAMES[kind]} · iteration {iteration}"


def _ari(truth, labels) -> str:
    if truth is None or labels is None:
        return MISSING
    return f"{adjusted_rand_index(truth, labels):.3f}"


def draw_pair(setup: PairSetup, pair: PairRuns, positions: dict[str, int]) -> None:
    """Both figures side by side with their numbers, the disagreements, and the two curves."""
    kmeans_index, em_index = positions[KMEANS], positions[EM]
    kmeans_history, em_history = pair.kmeans.history(), pair.em.history()
    kmeans_entry, em_entry = kmeans_history[kmeans_index], em_history[em_index]
    kmeans_labels = pair.kmeans.labels_at(kmeans_index)
    responsibilities = pair.em.responsibilities_at(em_index)
    em_labels = pair.em.labels_at(em_index)
    X, truth = setup.data.X, setup.data.labels
    mask = None
    if kmeans_labels is not None and em_labels is not None:
        mask = disagreement(kmeans_labels, em_labels, setup.n_components)
    names = setup.data.feature_names
    left, right = st.columns(2)
    with left:
        st.markdown(_step_title("k-means", kmeans_index, kmeans_entry.kind,
                                kmeans_entry.iteration))
        figure = kmeans_figure_2d(X, kmeans_entry.centers, kmeans_labels, setup.style,
                                  show_cells=setup.show_cells, feature_names=names)
        show_figure(relax_aspect(add_highlight(figure, X, mask, setup.style), X),
                    key=STATE.key("kmeans_fig"))
        first, second = st.columns(2)
        first.metric("Inertia (sum of squared distances)", number(kmeans_entry.inertia))
        second.metric("Adjusted Rand index vs truth", _ari(truth, kmeans_labels))
        st.caption(f"k-means{STATUS_NOTES.get(pair.kmeans.status(), '')}")
    with right:
        model = "Hard EM" if setup.sigma is not None else "EM"
        st.markdown(_step_title(model, em_index, em_entry.kind, em_entry.iteration))
        figure = mixture_figure_2d(X, em_entry.params, responsibilities, setup.style,
                                   feature_names=names)
        show_figure(relax_aspect(add_highlight(figure, X, mask, setup.style), X),
                    key=STATE.key("em_fig"))
        first, second = st.columns(2)
        first.metric("Log-likelihood", number(em_entry.log_likelihood))
        second.metric("Adjusted Rand index vs truth", _ari(truth, em_labels))
        st.caption(f"{model}{STATUS_NOTES.get(pair.em.status(), '')}")
        if em_entry.collapse is not None:
            st.warning(em_entry.collapse.message)
    _agreement(setup, mask, kmeans_entry, em_entry, responsibilities)
    _curves(setup, kmeans_history, em_history, positions, pair)


def _agreement(setup: PairSetup, mask, kmeans_entry, em_entry, responsibilities) -> None:
    if mask is None:
        st.caption("Disagreements appear once both have assigned the points (after their "
                   "first E-step).")
    else:
        count = int(mask.sum())
        share = count / len(mask)
        st.markdown(f"**k-means and EM's hard labels disagree on {count} of {len(mask)} points "
                    f"({share:.1%})**, ringed in red in both figures"
                    + (" (clusters matched to components by overlap)." if count else "."))
    if setup.sigma is None:
        return
    gap = float(np.abs(em_entry.params.means - kmeans_entry.centers).max())
    soft = MISSING if responsibilities is None else f"{softness(responsibilities):.1%}"
    first, second, third = st.columns(3)
    first.metric("σ in data units", number(setup.sigma, 4),
                 help=f"{setup.sigma_fraction:g} × the data's spread")
    second.metric("Largest gap between EM's means and k-means' centres", number(gap, 3),
                  help="Compared at the two half-steps on screen.")
    third.metric("Points with a soft responsibility (largest < 0.99)", soft)


def _curves(setup: PairSetup, kmeans_history, em_history, positions: dict[str, int],
            pair: PairRuns) -> None:
    style = setup.style
    left, right = st.columns(2)
    with left:
        show_figure(inertia_figure([entry.inertia for entry in kmeans_history],
                                   [entry.kind for entry in kmeans_history], positions[KMEANS],
                                   style, status=pair.kmeans.status()),
                    key=STATE.key("inertia_fig"))
    with right:
        show_figure(log_likelihood_figure(
            [entry.log_likelihood for entry in em_history],
            [entry.kind for entry in em_history], positions[EM], style,
            lower_bounds=[entry.lower_bound for entry in em_history],
            status=pair.em.status()), key=STATE.key("likelihood_fig"))
