"""The stepping bar and Play, written once for every page that steps runs in half-steps.

A page steps one or more *tracks* (a named :class:`~ui.kit.step_rules.StepRun`: the stepper's
EM run; k-means and EM side by side) and keeps each track's position in its
:class:`SteppingState`. ``stepping_view`` runs the page's drawing as one fragment: a click on a
stepping button or a Play tick reruns only the fragment. ``step_bar`` draws the buttons with the
UI vocabulary's labels (``E-step``, ``M-step``, ``EM iteration``, ``Run to convergence``,
``Back``, ``Reset``, ``Play``/``Pause``) and keyboard shortcuts.

Every callback gets the positions the page showed when it drew the button and moves relative to
them. While Play runs, Streamlit can deliver a click a second time, with a timer tick sent just
after it; the callback then gets the arguments of the button as it was redrawn in between.
Play and Pause are therefore two buttons (two keys) in the same place: a Pause delivered twice
reaches the Pause button's callback, never the Play button that replaced it (with one key,
measured under load: Pause came back as Play about 50 ms later, and playback went on).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import streamlit as st

from ui.kit import step_rules
from ui.kit.session import Family, Field, PageState
from ui.kit.step_rules import ACTIONS, StepRun

# One request computes for at most this long: a link or a click never keeps the server busy
# for longer without showing progress. A longer computation continues in slices of this size,
# one per rerun of the progress fragment, and can be stopped between slices.
SLICE_S = 2.0
# A deep link's step is computed for at most this many slices on opening; beyond that the page
# says how far it got and the student decides to continue.
LINK_SLICES = 1

# Half-steps per second offered for Play.
PLAY_SPEEDS = (0.5, 1.0, 2.0, 4.0)
# Keyboard: Right = the next half-step (E or M), Left = Back, I = EM iteration,
# End = Run to convergence, Home = Reset, P = Play/Pause.
SHORTCUTS = {"next": "Right", "Back": "Left", "EM iteration": "I", "Run to convergence": "End",
             "Reset": "Home", "play": "P"}
# The name of each action's button in widget keys.
BUTTON_NAMES = {"E-step": "e_step", "M-step": "m_step", "EM iteration": "iterate",
                "Run to convergence": "converge", "Back": "back", "Reset": "reset"}
DEFAULT_HELP = {
    "E-step": "Recompute the responsibilities (recolour the points).",
    "M-step": "Re-estimate weights, means and covariances (move the components).",
    "EM iteration": "Complete the current iteration (E then M, or M after an E).",
    "Run to convergence": "Compute until the run stops (converged, collapsed or the "
                          "iteration limit).",
    "Back": "One half-step back.",
    "Reset": "Back to the start.",
}


class SteppingState(PageState):
    """Where a session stands in the runs of one page, and its Play settings."""

    position = Family(int, 0)          # track name -> index of the entry shown
    followed_run = Family(object, None)  # track name -> key of the run the position belongs to
    requested_position = Field(object, None)  # (index, announce) for the next new run
    playing = Field(bool, False)
    speed = Field(float, 1.0)
    tick = Field(str, "page")          # "fragment" once the Play fragment has run on its own
    full_rerun = Field(bool, False)    # a fragment callback asks for a whole-page run
    history_slider = Field(int, 0)
    step_button = Family(bool, False)  # "<bar>.<action name>" -> the button's widget key
    play_button = Family(bool, False)  # "<bar>.play" / "<bar>.pause" -> the button's widget key
    # A computation cut into slices: track name -> the index it is heading for (-1: the end).
    pending = Family(object, None)
    computing = Field(bool, False)     # the slices continue by themselves (a click asked)
    stop_button = Field(bool, False)
    continue_button = Field(bool, False)


@dataclass(frozen=True)
class Track:
    """A run a page steps, its name in the state, and the key that identifies the run."""

    name: str
    run: StepRun
    run_key: object


@dataclass(frozen=True)
class Followed:
    """The positions to show, and a position a link asked for beyond the end of its run."""

    positions: dict[str, int]
    cut_short: tuple[int, int] | None = None  # (asked, last) when a link's step was too far


def _deadline() -> float:
    return time.monotonic() + SLICE_S


def _has_more(run: StepRun, index: int) -> bool:
    return run.next_kind_after(index) is not None


def request_position(state: SteppingState, index: int, *, announce: bool = False) -> None:
    """Open the next new run at half-step ``index`` (a deep link's step, a lesson button).

    announce: say so on screen if the run ends before ``index``.
    """
    state.requested_position = (int(index), bool(announce))


def follow(state: SteppingState, tracks: tuple[Track, ...]) -> Followed:
    """The positions to show in ``tracks``, following the runs when the settings change.

    All runs new: they open at the requested position (or the start) and Play stops. Some new:
    a new run opens where an unchanged one stands (move σ at step 10 and EM redraws step 10).
    Every position is then clamped to what its run reaches.
    """
    new = [track for track in tracks if state.followed_run[track.name] != track.run_key]
    asked, announce = 0, False
    if len(new) == len(tracks):
        asked, announce = state.take("requested_position", None) or (0, False)
        for track in tracks:
            state.position[track.name] = asked
            state.pending[track.name] = None
        state.playing = False
        state.computing = False
    elif new:
        kept = next(track for track in tracks if track not in new)
        for track in new:
            state.position[track.name] = state.position[kept.name]
    positions, cut_short = {}, None
    deadline = _deadline()
    for track in tracks:
        state.followed_run[track.name] = track.run_key
        index = max(state.position[track.name], 0)
        if index > 0:
            last = track.run.extend_to(index, deadline)
            if index > last:
                if _has_more(track.run, last):
                    # The budget ran out before the asked half-step: say so, offer to go on.
                    state.pending[track.name] = index
                    state.computing = False
                elif announce:
                    cut_short = (index, last)
                index = last
        state.position[track.name] = index
        positions[track.name] = index
    return Followed(positions, cut_short)


def move_to(state: SteppingState, name: str, index: int) -> None:
    """Show entry ``index`` of track ``name`` (a slider, a lesson button)."""
    state.position[name] = max(int(index), 0)


def request_full_rerun(state: SteppingState) -> None:
    """From a callback inside the fragment: rerun the whole page next (the sidebar must show
    new settings, or the Play timer must start or stop)."""
    state.full_rerun = True


def _on_action(state: SteppingState, tracks: tuple[Track, ...], shown: Mapping[str, int],
               action: str) -> None:
    if action in (step_rules.CONVERGE, step_rules.RESET) and state.playing:
        state.playing = False
        request_full_rerun(state)
    deadline = _deadline()
    for track in tracks:
        state.pending[track.name] = None
        index = step_rules.advance(track.run, shown[track.name], action, deadline)
        state.position[track.name] = index
        if action == step_rules.CONVERGE and _has_more(track.run, index):
            # Out of time: the progress fragment computes the rest slice by slice.
            state.pending[track.name] = -1
            state.computing = True
            request_full_rerun(state)
    _rerun_page_if_asked(state)


def _rerun_page_if_asked(state: SteppingState) -> None:
    """End a callback inside the fragment: if it asked for a whole-page run, ask Streamlit now.

    ``st.rerun`` in a callback turns the click's fragment run into one whole-page run, where
    asking from the fragment's body ran the fragment first and then the page.
    """
    if state.take("full_rerun", False):
        st.rerun(scope="app")


def _on_stop(state: SteppingState, tracks: tuple[Track, ...]) -> None:
    for track in tracks:
        state.pending[track.name] = None
    state.computing = False


def _on_continue(state: SteppingState) -> None:
    state.computing = True


def pending_work(state: SteppingState, tracks: tuple[Track, ...]) -> bool:
    """Whether a computation cut into slices is waiting (or running) for any track."""
    return any(state.pending[track.name] is not None for track in tracks)


def progress_view(state: SteppingState, tracks: tuple[Track, ...]) -> None:
    """A long computation, one slice per rerun: how far it got, and Stop (or Continue).

    Runs as a fragment that reruns itself while the slices continue, so the rest of the page
    stays usable; when every track has reached its target the whole page reruns once.
    """
    if not pending_work(state, tracks):
        return

    @st.fragment(run_every=0.2 if state.computing else None)
    def progress():
        if state.computing:
            deadline = _deadline()
            for track in tracks:
                target = state.pending[track.name]
                if target is None:
                    continue
                last = track.run.extend_to(None if target < 0 else target, deadline)
                state.position[track.name] = last if target < 0 else min(target, last)
                if not _has_more(track.run, last) or (target >= 0 and last >= target):
                    state.pending[track.name] = None
            if not pending_work(state, tracks):
                state.computing = False
                st.rerun(scope="app")
        lines = []
        for track in tracks:
            target = state.pending[track.name]
            if target is None:
                continue
            goal = "the end of the run" if target < 0 else f"half-step {target}"
            who = f"{track.name}: " if len(tracks) > 1 else ""
            lines.append(f"{who}half-step {state.position[track.name]} computed, heading for "
                         f"{goal}")
        if state.computing:
            st.info("Computing in slices of " f"{SLICE_S:g} s so that the page stays usable: "
                    + "; ".join(lines) + ".", icon=":material/hourglass_top:")
            st.button("Stop", key=state.key("stop_button"), on_click=_on_stop,
                      args=(state, tracks), help="Keep what is computed so far.")
        else:
            st.warning("This request would take longer than " f"{SLICE_S:g} s, so the page "
                       "stopped: " + "; ".join(lines) + ".")
            st.button("Continue", key=state.key("continue_button"), on_click=_on_continue,
                      args=(state,), help="Compute the rest, with progress and a Stop button.")
            st.button("Stop", key=state.key("stop_button"), on_click=_on_stop,
                      args=(state, tracks))

    progress()


def _on_play(state: SteppingState, play: bool) -> None:
    state.playing = play
    # The Play timer belongs to the fragment's definition: only a whole-page run changes it.
    request_full_rerun(state)
    _rerun_page_if_asked(state)


def _on_speed(state: SteppingState) -> None:
    request_full_rerun(state)
    _rerun_page_if_asked(state)


def _on_slider(state: SteppingState, name: str) -> None:
    move_to(state, name, state.history_slider)


def step_bar(state: SteppingState, tracks: tuple[Track, ...], shown: Mapping[str, int], *,
             bar: str = "main", play: bool = True, shortcuts: bool = True,
             help: Mapping[str, str] | None = None, columns: int | None = None) -> None:
    """The stepping buttons for ``tracks`` shown at ``shown`` (track name -> index).

    A button is enabled when it would move at least one of its tracks; E-step and M-step are
    primary when due. bar: names this bar's widgets (a page may have several); play: add
    Play/Pause and its speed; shortcuts: bind the keyboard (one bar per page); help: tooltips
    by action; columns: lay the buttons out in rows of this many columns instead of one row.
    """
    help = {**DEFAULT_HELP, **(help or {})}

    def enabled(action: str) -> bool:
        return any(step_rules.can_take(track.run, shown[track.name], action) for track in tracks)

    due = step_rules.E_STEP if enabled(step_rules.E_STEP) else step_rules.M_STEP
    slots = _slots(len(ACTIONS), columns)
    for action, slot in zip(ACTIONS, slots[:-1], strict=True):
        with slot:
            is_enabled = enabled(action)
            is_next = action in (step_rules.E_STEP, step_rules.M_STEP)
            if is_next:
                shortcut = SHORTCUTS["next"] if action == due else None
            else:
                shortcut = SHORTCUTS[action]
            st.button(action, key=state.step_button.key(f"{bar}.{BUTTON_NAMES[action]}"),
                      on_click=_on_action, args=(state, tracks, dict(shown), action),
                      disabled=not is_enabled,
                      type="primary" if is_enabled and is_next else "secondary",
                      shortcut=shortcut if shortcuts else None,
                      help=help.get(action), width="stretch" if columns else "content")
    if play:
        with slots[-1]:
            playing = state.playing
            st.button("Pause" if playing else "Play",
                      key=state.play_button.key(f"{bar}.{'pause' if playing else 'play'}"),
                      on_click=_on_play, args=(state, not playing),
                      disabled=not playing and not enabled(step_rules.ITERATION),
                      shortcut=SHORTCUTS["play"] if shortcuts else None,
                      icon=":material/pause:" if playing else ":material/play_arrow:",
                      help="Take one half-step after another at the chosen speed.")
            state.set_default("speed", 1.0)
            st.select_slider("Play speed", PLAY_SPEEDS, key=state.key("speed"),
                             persist_state="session", width=220,
                             format_func=lambda speed: f"{speed:g} half-steps/s",
                             on_change=_on_speed, args=(state,))


def _slots(count: int, columns: int | None) -> list:
    """Containers for ``count`` buttons (+1 for Play): one horizontal row, or rows of columns."""
    if not columns:
        row = st.container(horizontal=True, vertical_alignment="center")
        return [row] * (count + 1)
    slots = []
    for _row in range(0, count, columns):
        slots.extend(st.columns(columns))
    return slots[:count] + [st.container()]


def history_slider(state: SteppingState, track: Track, shown: int) -> None:
    """A slider over everything computed so far in ``track`` (start, E, M, ...)."""
    last = len(track.run.history()) - 1
    if last > 0:
        state.history_slider = shown
        st.slider("Half-step (start, E, M, E, M, …)", 0, last, key=state.key("history_slider"),
                  on_change=_on_slider, args=(state, track.name),
                  help="Drag through everything computed so far.")


def stepping_view(state: SteppingState, tracks: tuple[Track, ...],
                  draw: Callable[[dict[str, int]], None]) -> None:
    """Run ``draw(positions)`` as a fragment that a stepping click or a Play tick reruns alone.

    A whole-page run never advances playback; each timer tick takes one half-step in every
    track, and when no track can move Play stops (with a whole-page run, so that the timer
    stops).
    """
    playing = state.playing
    speed = state.speed
    state.tick = "page"
    # This is a whole-page run already (e.g. a lesson button in the sidebar asked for one).
    state.full_rerun = False

    @st.fragment(run_every=1.0 / speed if playing else None)
    def view():
        if state.take("full_rerun", False):
            st.rerun(scope="app")
        if state.playing and state.tick == "fragment":
            moved = False
            for track in tracks:
                before = state.position[track.name]
                state.position[track.name] = step_rules.step_forward(track.run, before)
                moved = moved or state.position[track.name] != before
            if not moved:
                state.playing = False
                st.rerun(scope="app")
        state.tick = "fragment"
        draw({track.name: state.position[track.name] for track in tracks})

    view()
