"""The sidebar of the page "Model selection": the data (1-D or 2-D) and the fitting settings,
and the deep link that fills them.

``sidebar()`` returns a :class:`SelectionSetup`, or None when there is no usable data yet (the
reason is on screen). ``view_query(setup, k, cov)`` is the link to the view with model (K, cov)
drawn; ``write_view_link`` keeps the address bar equal to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import streamlit as st

from gmm_core.model_search import RESTARTABLE_INITS
from ui.figures import FigureStyle, figure_style
from ui.kit import links as kit_links
from ui.kit import view_settings as vs
from ui.kit.data_picker import (
    CSV,
    LoadedData,
    data_picker,
    data_settings,
    ensure_data_defaults,
    write_data_settings,
)
from ui.kit.display import presentation_toggle
from ui.kit.view_settings import ViewSettings
from ui.selection import links
from ui.selection.state import DATA, DIMENSIONS, STATE

# The grid (40 fits) plus restarts of four initialisations (up to 400 fits) must stay
# interactive: at 20,000 points that is already tens of seconds on one core.
MAX_POINTS = 20_000
RESTART_COUNTS = (5, 10, 20, 50, 100)
MAX_FITS_PER_VIEW = 10 * 4 + 4 * max(RESTART_COUNTS)


@dataclass(frozen=True)
class SelectionSetup:
    """The data and the fitting settings chosen in the sidebar.

    data_fields: the data picker's settings as ViewSettings fields (for links to this data).
    """

    data: LoadedData
    data_fields: Mapping[str, object]
    init: str
    seed: int
    reg: float
    k_max: int
    style: FigureStyle

    @property
    def n_features(self) -> int:
        return self.data.X.shape[1]

    @property
    def dataset(self) -> str:
        return str(self.data_fields["dataset"])

    def view_settings(self, k: int, cov: str) -> ViewSettings:
        """The stepper's settings for this data and model (K, covariance type)."""
        return links.view_settings(self.data_fields, self.n_features, k=k, cov=cov,
                                   init=self.init, seed=self.seed, reg=self.reg)


# --- the deep link -> the widgets ---------------------------------------------------------------


def _apply_link(query: dict[str, str]) -> tuple[str, ...]:
    """Write a link's view into the widgets (before they are drawn); returns its problems."""
    link = links.read_link(query)
    STATE.dimension = link.n_features
    write_data_settings(DATA[link.n_features], links.link_spec(link.n_features), link.settings)
    STATE.init, STATE.seed, STATE.reg = link.init, link.settings.seed, link.reg
    STATE.k_max = vs.K_MAX
    for name, value in (("show_k", link.show_k), ("show_cov", link.show_cov)):
        if value is None:
            STATE.unset(name)
        else:
            setattr(STATE, name, value)
    return link.problems


def _ensure_defaults() -> None:
    """Give every sidebar widget a value (the default view) unless it has one already."""
    for n_features in DIMENSIONS:
        ensure_data_defaults(DATA[n_features], links.link_spec(n_features))
    for name in ("dimension", "init", "seed", "reg", "k_max"):
        STATE.set_default(name, getattr(STATE, name))


def _banner_query(n_features: int, data_fields: Mapping[str, object]) -> dict[str, str] | None:
    """The sidebar's part of the view (the data and the fitting settings): the link's problems
    stay on screen until one of these changes (the model drawn below may change)."""
    if data_fields["dataset"] == CSV:
        return None
    settings = links.view_settings(data_fields, n_features, k=1, cov="full", init=STATE.init,
                                   seed=STATE.seed, reg=STATE.reg)
    query = links.page_query(settings, n_features)
    query.pop("k"), query.pop("cov")
    return {**query, "kmax": str(STATE.k_max)}


# --- the sidebar ------------------------------------------------------------------------------


def sidebar() -> SelectionSetup | None:
    """Data and fitting settings; None when there is no usable data yet (reason on screen)."""
    kit_links.load_link(STATE, _apply_link)
    _ensure_defaults()
    with st.sidebar:
        st.header("Data")
        n_features = int(st.segmented_control(
            "Dimension", DIMENSIONS, key=STATE.key("dimension"), required=True,
            persist_state="session", format_func=lambda dimension: f"{dimension}-D data"))
        data_state, spec = DATA[n_features], links.link_spec(n_features)
        data = data_picker(data_state, spec, 1)
        st.header("Fitting")
        st.selectbox("Initialisation", RESTARTABLE_INITS, key=STATE.key("init"),
                     persist_state="session",
                     help="scikit-learn's GaussianMixture starts from k-means by default.")
        st.number_input("Seed", 0, vs.SEED_MAX, step=1, key=STATE.key("seed"),
                        persist_state="session")
        st.select_slider("reg_covar (added to every variance)", links.REG_CHOICES,
                         key=STATE.key("reg"), persist_state="session",
                         format_func=lambda value: f"{value:g}")
        st.slider("Largest K in the grid", 2, vs.K_MAX, key=STATE.key("k_max"),
                  persist_state="session")
        st.header("Display")
        presentation = presentation_toggle()
    data_fields = MappingProxyType(data_settings(data_state, spec))
    kit_links.problem_banner(STATE, _banner_query(n_features, data_fields))
    if data is None:
        st.info("Choose or fix the data in the sidebar to start.")
        return None
    if len(data.X) > MAX_POINTS:
        st.error(f"This page fits up to {MAX_FITS_PER_VIEW} models, which on {len(data.X):,} points "
                 f"would keep a shared server busy for minutes. Choose at most "
                 f"{MAX_POINTS:,} points (a smaller n, or another data set).")
        return None
    return SelectionSetup(data=data, data_fields=data_fields, init=STATE.init, seed=STATE.seed,
                          reg=STATE.reg, k_max=STATE.k_max,
                          style=figure_style(len(data.X), presentation))


def view_query(setup: SelectionSetup, k: int, cov: str) -> dict[str, str] | None:
    """The link to this view with model (K, cov) drawn; None for an uploaded CSV."""
    if setup.dataset == CSV:
        return None
    return links.page_query(setup.view_settings(k, cov), setup.n_features)


def write_view_link(setup: SelectionSetup) -> None:
    """Keep the address bar equal to the view's link (not for an uploaded CSV): the data, the
    fit shown (k, cov), init, seed and reg."""
    query = view_query(setup, STATE.show_k, STATE.show_cov)
    if query is not None:
        kit_links.write_link(STATE, query)
