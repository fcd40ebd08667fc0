"""Home page and entry point: `streamlit run app.py`.

The other pages live in `pages/` and are found by Streamlit's built-in multipage mechanism; this
page only introduces them. Nothing mathematical happens here.
"""

import streamlit as st

# One entry per page file in pages/, in the order of the sidebar:
# (file relative to this script, link label, icon, one sentence on what the page teaches).
# The label repeats the sidebar's name for the page, which Streamlit derives from the file name.
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("pages/1_EM_in_1-D.py", "EM in 1-D", ":material/area_chart:",
     "EM on a line, one half-step at a time: the histogram, each weighted Gaussian and their "
     "mixture, the data as a rug coloured by responsibilities, the log-likelihood, and the "
     "formulas with the current numbers plugged in."),
    ("pages/2_EM_in_2-D.py", "EM in 2-D", ":material/scatter_plot:",
     "EM in the plane: points coloured by responsibilities, 1σ and 2σ ellipses, E-step and "
     "M-step buttons, Play, a history slider, deep links, the collapse lesson (reg_covar = 0) "
     "and the textbook example that scikit-learn stops early."),
    ("pages/3_k-means_vs_EM.py", "k-means vs EM", ":material/compare:",
     "The same data and the same start for both: hard clusters and their cells against "
     "responsibilities and ellipses, stepped side by side, with the scenarios where k-means "
     "fails and the σ slider that turns EM into k-means."),
    ("pages/4_Model_selection.py", "Model selection", ":material/leaderboard:",
     "How many components? BIC and AIC for K = 1 to 10 and every covariance type, restarts "
     "that reveal local optima, and Old Faithful: one Gaussian against two."),
    ("pages/5_The_mixture_model.py", "The mixture model", ":material/account_tree:",
     "The story the model tells: draw points from a mixture you set, hide their colours, ask "
     "which component made a point, and see why the means-only likelihood needs EM."),
    ("pages/6_Automatic_differentiation.py", "Automatic differentiation", ":material/functions:",
     "Derivatives computed by running the program: dual numbers, forward and reverse mode with "
     "their traces and graphs, finite differences against AD, Newton's method, Jacobians, and "
     "gradient ascent racing EM on the mixture's log-likelihood."),
)

st.set_page_config(page_title="EM for Gaussian mixtures", page_icon=":material/scatter_plot:",
                   layout="wide")

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

if PAGES:
    st.header("The pages")
    for file, label, icon, description in PAGES:
        with st.container(border=True):
            st.page_link(file, label=f"**{label}**", icon=icon)
            st.markdown(description)

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
