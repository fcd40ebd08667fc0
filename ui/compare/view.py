"""The body of "k-means vs EM": three stepping bars (both runs, k-means alone, EM alone), both
figures with their numbers and curves, and the link, drawn as the kit's stepping fragment (a
click or a Play tick reruns only this part)."""

from __future__ import annotations

import streamlit as st

from ui.compare.links import to_query
from ui.compare.panels import draw_pair
from ui.compare.runs import PairRuns
from ui.compare.sidebar import PairSetup, with_step
from ui.compare.state import BOTH, EM, KMEANS, STATE
from ui.kit import links, stepping
from ui.kit.step_rules import BACK, CONVERGE, E_STEP, ITERATION, M_STEP, RESET

BUTTON_HELP = {
    BOTH: {
        E_STEP: "k-means assigns every point to its nearest centre; EM recomputes the "
                "responsibilities.",
        M_STEP: "k-means moves each centre to the mean of its points; EM re-estimates the "
                "components.",
    },
    KMEANS: {E_STEP: "Assign every point to its nearest centre (k-means' E-step).",
             M_STEP: "Move each centre to the mean of its points (k-means' M-step)."},
    EM: {E_STEP: "Recompute the responsibilities (recolour the points).",
         M_STEP: "Re-estimate the weights, means and covariances."},
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


def main_view(setup: PairSetup, pair: PairRuns) -> None:
    """The stepping bars and everything that follows the two half-steps, as one fragment."""
    tracks = pair.tracks
    followed = stepping.follow(STATE, tracks)
    if followed.cut_short:
        asked, last = followed.cut_short
        st.info(f"The link asks for half-step {asked}, but a run ends at half-step {last}; "
                f"showing half-step {last}.")

    def draw(positions: dict[str, int]) -> None:
        link_box(setup, positions)
        st.markdown("**Both together** (E-step = assign for k-means, M-step = update)")
        stepping.step_bar(STATE, tracks, positions, bar=BOTH, help=BUTTON_HELP[BOTH])
        left, right = st.columns(2)
        for column, name, title in ((left, KMEANS, "k-means alone"), (right, EM, "EM alone")):
            with column:
                st.markdown(f"**{title}**")
                stepping.step_bar(STATE, (pair.track(name),), positions, bar=name, play=False,
                                  shortcuts=False, help=BUTTON_HELP[name])
        draw_pair(setup, pair, positions)

    stepping.stepping_view(STATE, tracks, draw)
