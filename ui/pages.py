"""The one page registry: each page's file, title, icon, URL path and one-line description.

Streamlit's built-in ``pages/`` mechanism derives a page's URL path and sidebar label from its
file name without the number prefix; the titles, icons and descriptions used by the home page,
each page's ``set_page_config`` and the links between pages all come from here. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Page:
    """One page. file: the script, relative to the repository root; url_path: the path Streamlit
    serves it at (the file name without its number prefix and extension); title: the browser
    tab's title and the home page's label; icon: a Material icon name or an emoji."""

    file: str
    url_path: str
    title: str
    icon: str
    description: str

    def link(self, query: dict[str, str] | None = None) -> str:
        """The page's address relative to the app's root, with ``query`` if given."""
        return f"{self.url_path}?{urlencode(query)}" if query else self.url_path


HOME = Page(
    "app.py", "", "Home", ":material/home:",
    "What the app teaches, a one-click demo, and every page with a picture.")
EM_1D = Page(
    "pages/2_EM_in_1-D.py", "EM_in_1-D", "EM in 1-D", ":material/area_chart:",
    "EM on a line, one half-step at a time: the histogram, each weighted Gaussian and their "
    "mixture, the data as a rug coloured by responsibilities, the log-likelihood, and the "
    "formulas with the current numbers plugged in.")
EM_2D = Page(
    "pages/3_EM_in_2-D.py", "EM_in_2-D", "EM in 2-D", ":material/scatter_plot:",
    "EM in the plane: points coloured by responsibilities, 1σ and 2σ ellipses, E-step and "
    "M-step buttons, Play, a history slider, deep links, the collapse lesson (reg_covar = 0) "
    "and the textbook example that scikit-learn stops early.")
COMPARE = Page(
    "pages/4_k-means_vs_EM.py", "k-means_vs_EM", "k-means vs EM", ":material/compare:",
    "The same data and the same start for both: hard clusters and their cells against "
    "responsibilities and ellipses, stepped side by side, with the scenarios where k-means "
    "fails and the σ slider that turns EM into k-means.")
MODEL_SELECTION = Page(
    "pages/5_Model_selection.py", "Model_selection", "Model selection", ":material/leaderboard:",
    "How many components? BIC and AIC for K = 1 to 10 and every covariance type, restarts "
    "that reveal local optima, and Old Faithful: one Gaussian against two.")
MIXTURE_MODEL = Page(
    "pages/1_The_mixture_model.py", "The_mixture_model", "The mixture model",
    ":material/account_tree:",
    "The story the model tells: draw points from a mixture you set, hide their colours, ask "
    "which component made a point, and see why the means-only likelihood needs EM.")
AUTODIFF = Page(
    "pages/6_Automatic_differentiation.py", "Automatic_differentiation",
    "Automatic differentiation", ":material/functions:",
    "Derivatives computed by running the program: dual numbers, forward and reverse mode with "
    "their traces and graphs, finite differences against AD, Newton's method, Jacobians, and "
    "gradient ascent racing EM on the mixture's log-likelihood.")
GUIDED_LESSONS = Page(
    "pages/7_Guided_lessons.py", "Guided_lessons", "Guided lessons", ":material/school:",
    "A course for studying alone: short lessons in the lecture's order, each a few steps of "
    "reading, predicting what EM will do before it does it, and computing by hand, with every "
    "answer checked and explained, and a resume link to go on tomorrow.")

# In the lecture's order, as the navigation lists them (after Home).
PAGES = (MIXTURE_MODEL, EM_1D, EM_2D, COMPARE, MODEL_SELECTION, AUTODIFF, GUIDED_LESSONS)


def stepper(n_features: int) -> Page:
    """The 1-D or 2-D EM stepper."""
    return EM_1D if n_features == 1 else EM_2D
