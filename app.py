"""Home page and entry point: `streamlit run app.py`.

The other pages live in `pages/` and are found by Streamlit's built-in multipage mechanism; their
titles, icons and descriptions come from the page registry (ui/pages.py). This page starts with
a one-click demo (the 2-D stepper on the textbook data) and shows every page with a small
picture drawn by the page's own figure builders (ui/home/previews.py), computed once per server.
"""

import streamlit as st

from ui import pages
from ui.kit.display import limit_threads, navigation
from ui.kit.view_settings import ViewSettings, stepper_link_spec, to_query

# The demo: EM in 2-D on the textbook's 1,250 points with K = 3, from the start.
DEMO_QUERY = to_query(ViewSettings(dataset="textbook", k=3), stepper_link_spec(2))
DEMO_LABEL = "Start the demo: EM in 2-D on the textbook data"
# The demo link in large type (the container's key gives it the class st-key-demo).
DEMO_CSS = """<style>
.st-key-demo [data-testid="stPageLink"] p { font-size: 1.45rem; font-weight: 600; }
.st-key-demo [data-testid="stPageLink"] span[data-testid="stIconMaterial"] { font-size: 2rem; }
</style>"""


@st.cache_resource(show_spinner=False)
def preview(url_path: str):
    """The picture of the page at ``url_path`` (a ui.home.previews.Preview), drawn once per
    server process and shared by every visitor."""
    # Imported here, not at the top: the text and the demo link are on screen while the first
    # visitor of a fresh server waits for the figure builders of every page to load.
    from ui.home.previews import BUILDERS

    return BUILDERS[url_path]()


def show_preview(page: pages.Page) -> None:
    picture = preview(page.url_path)
    st.image(picture.svg, alt=picture.alt, width="stretch")


st.set_page_config(page_title="EM for Gaussian mixtures", page_icon=pages.HOME.icon,
                   layout="wide")
limit_threads()
navigation()

st.title("The EM algorithm for Gaussian mixtures")
st.markdown(
    "Watch the Expectation-Maximization algorithm fit a mixture of Gaussians, one half-step at a "
    "time: the E-step recolours every point by how much each component is responsible for it, the "
    "M-step moves, stretches and reweights the components to fit those colours, and the "
    "log-likelihood climbs until it stops changing. The app is made for **lecturers** projecting "
    "it in a hall (big figures, one click or one key per step, links that reopen a prepared demo) "
    "and for **students** working on their own (the formulas and numbers behind every step, "
    "rewind and replay, their own data)."
)

with st.container(border=True, key="demo"):
    st.html(DEMO_CSS)
    text_column, picture_column = st.columns([3, 2], vertical_alignment="center")
    with text_column:
        st.page_link(pages.EM_2D.file, label=DEMO_LABEL, icon=":material/play_circle:",
                     query_params=DEMO_QUERY)
        st.markdown(
            "The textbook's 1,250 points, made from three blobs; K = 3 components. Press "
            "**E-step** to colour the points by their responsibilities, **M-step** to move the "
            "components, or **Play** to watch EM run; the → key takes the next half-step.")
    with picture_column:
        show_preview(pages.EM_2D)

st.header("The pages, in the lecture's order")
for row in range(0, len(pages.PAGES), 3):
    for column, page in zip(st.columns(3), pages.PAGES[row:row + 3], strict=False):
        with column, st.container(border=True):
            st.page_link(page.file, label=f"**{page.title}**", icon=page.icon)
            show_preview(page)
            st.markdown(page.description)

with st.expander("How to use it in a lecture"):
    st.markdown(
        """
- **Prepare the demo before class.** Choose the data set, the number of components, the
  initialisation and the seed on a stepping page, then bookmark the page: its address holds those
  settings (for example `?dataset=textbook&k=3&seed=0`) and opening it again shows exactly the same
  view. The "copy link to this view" box gives the same address. A link with a wrong value still
  opens: the page says which value it replaced by its default.
- **Step with the keyboard.** The stepping buttons (`E-step`, `M-step`, `EM iteration`, `Back`,
  `Play`/`Pause`) have keyboard shortcuts, shown on each button. Click once on an empty part of the
  page first, so that the keys go to the app and not to a text box.
- **Make it readable from the back row.** Switch on presentation mode in the sidebar of a stepping
  page for bigger text, markers and figures; press F11 for the browser's full screen and close the
  sidebar with its arrow once the demo is set up.
- **Let the students follow along.** Give them the same link: everyone gets their own controls,
  and the computation for a shared demo is done once for all of them.
"""
    )
