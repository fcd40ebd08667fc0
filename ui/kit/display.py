"""Display settings every page shares: presentation mode, figures, and the server's threads.

``limit_threads()`` is called by the entry point and by every page script (explicitly: no
import limits threads as a side effect).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError
from threadpoolctl import threadpool_limits

from ui import pages
from ui.kit.escape import untrusted_markdown
from ui.kit.session import SESSION

PRESENTATION_CSS = """<style>
[data-testid="stMainBlockContainer"] { font-size: 1.3rem; padding-top: 1.5rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding-top: 0; }
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] p { font-size: 1.3rem; }
[data-testid="stMainBlockContainer"] button p { font-size: 1.2rem; }
</style>"""

# No scroll zoom: scrolling down the page over a figure must not zoom it.
PLOT_CONFIG = {"displaylogo": False, "scrollZoom": False,
               "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


@functools.cache
def limit_threads() -> None:
    """One BLAS/OpenMP thread per server process.

    The matrices here are tiny (D <= 5), and on a shared 2-core server OpenBLAS's second
    thread spins against other sessions' work (a 2x2 triangular solve was measured at 5 ms
    instead of 14 µs under load; with 2 threads the server spent 72 ms of CPU per click alone,
    with 1 thread 27 ms). threadpoolctl reaches only the pools of libraries already loaded,
    so numpy's and scipy's OpenBLAS and scikit-learn's OpenMP are imported first. Once per
    process: the limit holds for the process, and looking the pools up costs ~8 ms a run.
    """
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401
    import sklearn.mixture  # noqa: F401

    threadpool_limits(1)


def presentation_toggle() -> bool:
    """Presentation mode (shared by every page of the session): big fonts, markers, figures.

    Besides the figures (``figure_style``), the page's own text and buttons grow too.
    """
    presentation = st.toggle("Presentation mode (for a projector)", key=SESSION.key("presentation"),
                             persist_state="session",
                             help="Enlarges fonts, markers, lines and the figure.")
    if presentation:
        st.html(PRESENTATION_CSS)
    return presentation


def show_figure(figure, key: str | None = None, on_click: Callable[[], None] | None = None,
                **options) -> None:
    """st.plotly_chart with the app's settings (the theme keeps our explicit sizes).

    on_click: run when a click selects a point of the figure; None: the figure is only looked
    at. options: more st.plotly_chart arguments (e.g. width).
    """
    if on_click is not None:
        options.update(on_select=on_click, selection_mode="points")
    st.plotly_chart(figure, key=key, config=PLOT_CONFIG, theme="streamlit", **options)


DESCRIBE_FIGURE = "Describe this figure"
# A figure's description is long (a clause per component): room for K = 10 and long names.
DESCRIPTION_CHARS = 4000
# Read by screen readers, drawn nowhere (the usual "visually hidden" rules).
_VISUALLY_HIDDEN = ("position:absolute;width:1px;height:1px;padding:0;margin:-1px;"
                    "overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0")


def screen_reader_html(text: str, *, lead: str = "") -> str:
    """``text`` (plain; escaped here) as an HTML span that screen readers read and no one sees:
    for Markdown shown with ``unsafe_allow_html=True``. The span's content is still Markdown
    (a link or image written in it would render), so it is escaped as Markdown, which also
    keeps ``<`` and ``&`` literal. ``lead``: plain words written by the app, put first as they
    are (escaping puts invisible word joiners after colons)."""
    return (f'<span style="{_VISUALLY_HIDDEN}">{lead}'
            f"{untrusted_markdown(text, max_chars=DESCRIPTION_CHARS)}</span>")


def figure_description(description: str, *, caption: str = "",
                       read_aloud: bool = True) -> None:
    """Under a figure: its ``caption`` (Markdown written by the app) and what it shows in words.

    description: plain text computed from the state drawn (it may quote a CSV's column names:
    escaped here). A screen reader reads it with the caption, with nothing to open (a Plotly
    figure itself says nothing to it); everyone can open it under "Describe this figure".
    read_aloud: False when the figure already gives screen readers the text (an image's alt).
    """
    hidden = screen_reader_html(description, lead="Figure: ") if read_aloud else ""
    if caption or hidden:
        st.caption(caption + hidden, unsafe_allow_html=True)
    with st.expander(DESCRIBE_FIGURE):
        st.markdown(untrusted_markdown(description, max_chars=DESCRIPTION_CHARS))


def navigation() -> None:
    """The sidebar's list of pages: Home, then every page in the lecture's order.

    Streamlit's own list is switched off (``client.showSidebarNavigation = false``) because it
    names the entry point after its file ("app"); the pages stay Streamlit's built-in
    ``pages/`` pages, so every URL works as the first request to a fresh server.
    """
    with st.sidebar:
        for page in (pages.HOME, *pages.PAGES):
            try:
                st.page_link(page.file, label=page.title, icon=page.icon)
            except StreamlitPageNotFoundError:
                # A page script run on its own (Streamlit's AppTest of one page) has no page
                # list to link into: plain links to the same addresses.
                st.markdown(f"[{page.title}](/{page.url_path})")
        st.divider()


def start_page(page, *, title: str | None = None) -> None:
    """The first lines of every page script: configuration from the registry (title, icon,
    wide layout), one BLAS thread, the navigation and the page's heading (``title``, default
    the page's).

    page: a ``ui.pages.Page``.
    """
    st.set_page_config(page_title=page.title, page_icon=page.icon, layout="wide")
    limit_threads()
    navigation()
    st.title(title or page.title)
