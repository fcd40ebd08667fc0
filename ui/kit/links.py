"""Deep links: reading a page's query string into its widgets, and writing it back.

A link is user input from a stranger (a slide, a course forum), so every value is checked and
never raises: a bad value is replaced by its default and reported in plain words, e.g.
"k=abc is not a whole number from 1 to 10; using 3". Problems are shown in one warning box as
long as the view is still the link's view, with every echoed value escaped.

The small parsers are pure; ``load_link``, ``problem_banner`` and ``write_link`` are the
Streamlit side, the same for every page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlencode

import streamlit as st

from ui.kit.escape import untrusted_markdown
from ui.kit.session import Field, PageState
from ui.rooms.codes import ROOM_QUERY_PARAMETER

MAX_VALUE_CHARS = 2000
# A problem sentence quotes at most a 40-character value; the rest is the app's own words.
PROBLEM_CHARS = 400

# Streamlit itself may add these to a URL; they are not ours to report.
FOREIGN_PARAMETERS = frozenset({"embed", "embed_options"})
# Parameters a page's own link reader leaves alone: Streamlit's, and a join link's room=<code>
# (ui/rooms/panel.py reads it, and validates it before any store sees it).
IGNORED_PARAMETERS = FOREIGN_PARAMETERS | {ROOM_QUERY_PARAMETER}


class LinkState(PageState):
    """What a page remembers about its link."""

    link_problems = Field(tuple, ())
    link_query = Field(object, None)     # the view's query (without step) when the link loaded
    written_query = Field(object, None)  # the query this page last put in the address bar
    # The room this session follows (ui/rooms/panel.py): while it is set, write_link keeps
    # room=<code> in the address bar, so that a reload or a reconnection follows it again.
    followed_room = Field(str, "")


# --- small parsers: each returns (value, problem or None) -----------------------------------


def shown(text: str, limit: int = 40) -> str:
    """A user's value for a problem sentence: shortened and quoted (escaped at display)."""
    return repr(text if len(text) <= limit else text[:limit - 3] + "...")


def parse_int(name: str, text: str, low: int, high: int, default: int):
    value = None
    try:
        value = int(text.strip())
    except ValueError:
        try:
            number = float(text.strip())
            if math.isfinite(number) and number.is_integer():
                value = int(number)
        except ValueError:
            pass
    if value is None or not low <= value <= high:
        return default, (
            f"{name}={shown(text)} is not a whole number from {low} to {high}; using {default}"
        )
    return value, None


def parse_float(name: str, text: str, low: float, high: float, default: float, *,
                low_inclusive: bool = True):
    try:
        value = float(text.strip())
    except ValueError:
        value = math.nan
    above_low = value >= low if low_inclusive else value > low
    if not (math.isfinite(value) and above_low and value <= high):
        bound = "at least" if low_inclusive else "above"
        return default, (
            f"{name}={shown(text)} is not a number {bound} {low:g} and at most {high:g}; "
            f"using {default:g}"
        )
    return value, None


def parse_bool(name: str, text: str, default: bool):
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True, None
    if lowered in {"0", "false", "no", "off"}:
        return False, None
    return default, f"{name}={shown(text)} is not 1 or 0 (true or false); using {int(default)}"


def parse_choice(name: str, text: str, choices: Sequence[str], default: str):
    value = text.strip()
    if value in choices:
        return value, None
    return default, f"{name}={shown(text)} is not one of {', '.join(choices)}; using {default}"


def last_value(value) -> str:
    """st.query_params gives the last value of a repeated key; do the same for lists."""
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence) and value and isinstance(value[-1], str):
        return value[-1]
    return ""


def clean_query(query: Mapping[str, object], known: Sequence[str],
                problems: list[str]) -> dict[str, str]:
    """The query as name -> last string value, with over-long values and unknown names
    reported in ``problems`` (and left out)."""
    raw: dict[str, str] = {}
    for name, value in query.items():
        name, text = str(name), last_value(value)
        if name in IGNORED_PARAMETERS:
            continue
        if name not in known:
            problems.append(f"unknown parameter {shown(name)} ignored")
            continue
        if len(text) > MAX_VALUE_CHARS:
            problems.append(f"{name}= is longer than {MAX_VALUE_CHARS} characters; ignored")
            continue
        raw[name] = text
    return raw


def link_url(base_url: str, query: Mapping[str, str]) -> str:
    """A shareable address: ``base_url`` (page URL without query) + the encoded query."""
    base = base_url.split("?", 1)[0].split("#", 1)[0]
    return f"{base}?{urlencode(dict(query), safe=',;')}"


# --- the Streamlit side ----------------------------------------------------------------------


def _without_step(query: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in query.items() if name != "step"}


def load_link(state: LinkState, apply: Callable[[dict[str, str]], Sequence[str]]) -> None:
    """Apply the address bar's query to the page's widgets when it is a new link.

    A link is new when the query is not empty and differs from what this page last wrote:
    a first visit by URL, or a link followed within the session; coming back through the
    sidebar (no query) keeps the session's choices. ``apply(query)`` writes the widget state
    and returns the problem sentences. Must run before the widgets are drawn.
    """
    query = {name: last_value(value) for name, value in st.query_params.to_dict().items()}
    if not query or query == state.written_query:
        return
    state.link_problems = tuple(apply(query))
    state.link_query = None
    state.written_query = query


def problem_banner(state: LinkState, query: Mapping[str, str] | None) -> None:
    """One warning with the link's problems, shown while the view is still the link's view.

    query: the view's current query (None when it cannot be written, e.g. an uploaded CSV).
    The first view after loading the link is the link's view (columns or values the page
    filled in count as part of it); any later change of settings ends the warning.
    """
    problems = state.link_problems
    if not problems or query is None:
        return
    current = _without_step(query)
    if state.link_query is None:
        state.link_query = current
    if state.link_query == current:
        st.warning("Some values in this link could not be used:\n"
                   + "\n".join(f"- {untrusted_markdown(problem, max_chars=PROBLEM_CHARS)}"
                             for problem in problems))


def write_link(state: LinkState, query: Mapping[str, str]) -> None:
    """Keep the address bar equal to the view's query, so a bookmark reopens this view (with
    ``room=<code>`` while the session follows a room)."""
    query = dict(query)
    if state.followed_room:
        query[ROOM_QUERY_PARAMETER] = state.followed_room
    state.written_query = query
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def show_link(query: Mapping[str, str], page_path: str) -> None:
    """The link to this view, to copy (the address bar holds the same)."""
    base = st.context.url or f"http://localhost:8501/{page_path}"
    st.caption("Copy link to this view (the address bar holds the same link):")
    st.code(link_url(base, query), language=None, wrap_lines=True)
