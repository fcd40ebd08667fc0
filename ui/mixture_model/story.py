"""The generative story, point by point: draw buttons, Play, the die, the colours hidden, and
the hand-off of the grey points to the 2-D stepper."""

from __future__ import annotations

from urllib.parse import urljoin

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from gmm_core.datasets import Dataset
from gmm_core.generative import MixtureSpec
from ui.figures.common import FigureStyle
from ui.kit.accessible import figure
from ui.kit.text import subscript
from ui.mixture_model import describe, links
from ui.mixture_model.figures import draw_counts_figure, sampling_figure
from ui.mixture_model.state import STATE

PLAY_INTERVAL_S = 0.5
DRAW_BUTTONS = (("Draw 1", 1), ("Draw 10", 10), ("Draw 100", 100))


def play_batch(revealed: int, n_samples: int) -> int:
    """How many points the next animation tick reveals: one at a time for the first ten (to
    watch each z being drawn), then about a quarter more each tick, never past n_samples."""
    if revealed < 10:
        batch = 1
    else:
        batch = max(1, revealed // 4)
    return max(0, min(batch, n_samples - revealed))


def _reveal(count: int | None) -> None:
    """Button callback: reveal ``count`` more points (None: all of them)."""
    n_samples = STATE.n
    STATE.revealed = n_samples if count is None else min(STATE.revealed + count, n_samples)


def _set_drawing(drawing: bool) -> None:
    STATE.drawing = drawing


def _start_over() -> None:
    STATE.revealed = 0
    STATE.drawing = False


def sampling_story(spec: MixtureSpec, dataset: Dataset, style: FigureStyle) -> None:
    """Buttons that draw the sample progressively (or play it), the figure and the die.

    Runs as a fragment: a click here redraws only this block; while playing it ticks every
    PLAY_INTERVAL_S seconds, revealing ``play_batch`` more points each time.
    """
    STATE.set_default("hide_colours", False)
    drawing = STATE.drawing

    @st.fragment(run_every=PLAY_INTERVAL_S if drawing else None)
    def story() -> None:
        if STATE.drawing != drawing:
            # Play or Pause was pressed in here: only a full run can start or stop the timer.
            st.rerun()
        n_samples = len(dataset.X)
        revealed = min(STATE.revealed, n_samples)
        if drawing:
            revealed += play_batch(revealed, n_samples)
        STATE.revealed = revealed
        if drawing and revealed >= n_samples:
            # All drawn: stop, and let a full run drop the timer.
            STATE.drawing = False
            st.rerun()
        complete = revealed >= n_samples
        _draw_buttons(revealed, complete, drawing)
        hide = st.toggle("Hide the colours (this is all EM sees)", key=STATE.key("hide_colours"),
                         help="Show the points as EM receives them: without their zᵢ.")
        figure_column, die_column = st.columns([3, 2])
        with figure_column:
            params = spec.to_params()
            figure(sampling_figure(dataset.X, dataset.labels, revealed, params, style,
                                   hide_colours=hide),
                   describe.sampling(dataset.labels, revealed, params, hide, dataset.X),
                   width="stretch")
        with die_column:
            _die(spec, dataset, revealed, hide, style)

    story()


def _draw_buttons(revealed: int, complete: bool, drawing: bool) -> None:
    columns = st.columns(6)
    for column, (label, count) in zip(columns, DRAW_BUTTONS, strict=False):
        with column:
            st.button(label, on_click=_reveal, args=(count,), disabled=complete,
                      width="stretch")
    with columns[3]:
        st.button("Draw all", on_click=_reveal, args=(None,), disabled=complete,
                  width="stretch")
    with columns[4]:
        if drawing:
            st.button("Pause", type="primary", on_click=_set_drawing, args=(False,),
                      width="stretch")
        else:
            st.button("Play", disabled=complete, on_click=_set_drawing, args=(True,),
                      width="stretch",
                      help="Draw the points by themselves: one at a time, then faster.")
    with columns[5]:
        st.button("Start over", on_click=_start_over, disabled=revealed == 0, width="stretch")


def _die(spec: MixtureSpec, dataset: Dataset, revealed: int, hide: bool,
         style: FigureStyle) -> None:
    """What the die gave for the newest point, and the fractions of all draws so far."""
    drawn = dataset.labels[:revealed]
    if revealed:
        newest = int(drawn[-1])
        if hide:
            st.markdown(f"**Draw {revealed}.** Its component is hidden: EM only sees "
                        f"the point x{subscript(revealed)}.")
        else:
            st.markdown(
                f"**Draw {revealed}:** the die gave z{subscript(revealed)} = {newest + 1} "
                f"(probability π{subscript(newest + 1)} = {spec.weights[newest]:.2f}); then "
                f"x{subscript(revealed)} was drawn from N(μ{subscript(newest + 1)}, "
                f"Σ{subscript(newest + 1)}), the ringed point."
            )
    else:
        st.markdown("**No points yet.** Press *Draw 1*: first the die picks a "
                    "component z₁, then the point x₁ is drawn from that Gaussian.")
    if hide:
        st.info("The colours (the labels zᵢ) are hidden. EM must find the components from "
                "the positions alone.")
    else:
        figure(draw_counts_figure(spec.weights, drawn, style),
               describe.draw_counts(spec.weights, drawn), width="stretch")


def stepper_hand_off(spec: MixtureSpec, n_samples: int, seed: int) -> None:
    """The one-click hand-off of this very sample to the 2-D EM stepper."""
    query = links.stepper_query(spec, n_samples, seed)
    label = f"Fit these {n_samples} points with EM in 2-D (K = {spec.n_components})"
    link = links.stepper_link(spec, n_samples, seed)
    try:
        st.page_link(links.STEPPER_PAGE.file, label=label, icon=":material/arrow_forward:",
                     query_params=query)
    except StreamlitPageNotFoundError:
        # Streamlit resolves page files from the entry point's folder: when this page runs as
        # its own script (AppTest, or `streamlit run pages/...`), a plain relative link works.
        st.markdown(f"[{label} →]({link})")
    st.caption("The stepper rebuilds exactly the same points from the link (mixture, n and "
               "seed), hides their colours and starts EM with K = "
               f"{spec.n_components}. The link, to copy into notes or slides:")
    # The current page's address, when known, turns the relative link into one to share.
    st.code(urljoin(st.context.url, link) if st.context.url else link, language=None,
            wrap_lines=True)
