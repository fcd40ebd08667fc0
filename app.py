"""Home page and entry point: `streamlit run app.py`.

The other pages live in `pages/` and are found by Streamlit's built-in multipage mechanism; their
titles, icons and descriptions come from the page registry (ui/pages.py). This page only
introduces them. Nothing mathematical happens here.
"""

import streamlit as st

from ui import pages
from ui.kit.display import limit_threads, navigation

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

st.header("The pages, in the lecture's order")
for page in pages.PAGES:
    with st.container(border=True):
        st.page_link(page.file, label=f"**{page.title}**", icon=page.icon)
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
