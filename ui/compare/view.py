"""The body of "k-means vs EM": three stepping bars (both runs, k-means alone, EM alone), both
figures with their numbers and curves, and the link, drawn as the kit's stepping fragment (a
click or a Play tick reruns only this part)."""

from __future__ import annotations

import streamlit as st

from ui.compare.links import to_query
from ui.compare.notes import EmModel
from ui.compare.panels import draw_pair
from ui.compare.runs import PairRuns
from ui.compare.sidebar import PairSetup, with_step
from ui.compare.state import BOTH, EM, KMEANS, STATE
from ui.kit import links, stepping
from ui.kit.step_rules import BACK, CONVERGE, E_STEP, ITERATION, M_STEP, RESET

KMEANS_HELP = {E_STEP: "Assign every point to its nearest centre (k-means' E-step).",
               M_STEP: "Move each centre to the mean of its points (k-means' M-step)."}


def button_help(model: EmModel) -> dict[str, dict[str, str]]:
    """The E-step and M-step tooltips of each bar, for the EM side on screen."""
    e_step = "recompute the responsibilities r_ik" + (
        " and give every point wholly to the largest" if model.hard else "")
    m_step = ("move each mean μ_k to the r_ik-weighted mean of the points (π_k and σ stay "
              "fixed)" if model.fixed_sigma else
              "re-estimate the weights π_k, means μ_k and covariances Σ_k")
    return {
        BOTH: {E_STEP: f"k-means assigns every point to its nearest centre; {model.name}: "
                       f"{e_step}.",
               M_STEP: f"k-means moves each centre to the mean of its points; {model.name}: "
                       f"{m_step}."},
        KMEANS: KMEANS_HELP,
        EM: {E_STEP: e_step[0].upper() + e_step[1:] + " (recolour the points).",
             M_STEP: m_step[0].upper() + m_step[1:] + "."},
    }


# The buttons of every bar, with the labels of the UI vocabulary.
ACTIONS = (E_STEP, M_STEP, ITERATION, CONVERGE, BACK, RESET)


def button_key(bar: str, action: str) -> str:
    """The widget key of ``action``'s button in ``bar`` ("both", "kmeans" or "em")."""
    return STATE.step_button.key(f"{bar}.{stepping.BUTTON_NAMES[action]}")


def link_box(setup: PairSetup, positions: dict[str, int]) -> None:
    """Keep the address bar equal to the view's link and report a link's bad values."""
    query = to_query(with_step(setup, positions))
    if query is None:
        st.caption("A view of an uploaded CSV cannot be shared as a link.")
        return
    links.problem_banner(STATE, query)
    links.write_link(STATE, query)


def ends_before_the_link(followed: stepping.Followed, em_title: str) -> str | None:
    """Which run ends before the half-step a link asked for, and where each is shown."""
    if not followed.cut_short:
        return None
    asked = followed.cut_short[0]
    names = {KMEANS: "k-means", EM: em_title}
    # A run still being computed in slices has not ended: the progress box speaks for it.
    ends = [f"{names[name]} ends at half-step {index}"
            for name, index in followed.positions.items()
            if index < asked and STATE.pending[name] is None]
    if not ends:
        return None
    return (f"The link asks for half-step {asked}, but {' and '.join(ends)}: each is shown at "
            "its last half-step.")


def main_view(setup: PairSetup, pair: PairRuns) -> None:
    """The stepping bars and everything that follows the two half-steps, as one fragment."""
    tracks = pair.tracks
    tooltips = button_help(setup.model)
    note = ends_before_the_link(stepping.follow(STATE, tracks), setup.model.title)
    if note:
        st.info(note)

    def draw(positions: dict[str, int]) -> None:
        link_box(setup, positions)
        st.markdown("**Both together** (E-step = assign for k-means, M-step = update)")
        stepping.step_bar(STATE, tracks, positions, bar=BOTH, help=tooltips[BOTH])
        left, right = st.columns(2)
        for column, name, title in ((left, KMEANS, "k-means alone"),
                                    (right, EM, f"{setup.model.title} alone")):
            with column:
                st.markdown(f"**{title}**")
                stepping.step_bar(STATE, (pair.track(name),), positions, bar=name, play=False,
                                  shortcuts=False, help=tooltips[name])
        draw_pair(setup, pair, positions)

    # A link to a far half-step or Run to convergence on large data continues in slices.
    stepping.progress_view(STATE, tracks)
    stepping.stepping_view(STATE, tracks, draw)
