"""The sidebar of the page "Model selection": the data (1-D or 2-D) and the fitting settings,
and the deep link that fills them.

``sidebar()`` returns a :class:`SelectionSetup`, or None when there is no usable data yet (the
reason is on screen). ``stepper_query(setup, k, cov, ...)`` is the stepper's link to one fit on
this data; ``write_view_link`` keeps the address bar equal to the page's own link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import streamlit as st

from gmm_core.model_search import RESTARTABLE_INITS, covariance_types_for
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
from ui.selection.settings import (
    MAX_STARTS,
    REG_CHOICES,
    RESTART_COUNTS,
    STARTS_CHOICES,
    GridChoice,
    starts_for,
    starts_label,
)
from ui.selection.state import DATA, DIMENSIONS, STATE

# Data larger than this is refused: even one start per model (40 fits) takes tens of seconds.
MAX_POINTS = 20_000


@dataclass(frozen=True)
class SelectionSetup:
    """The data and the fitting settings chosen in the sidebar.

    data_fields: the data picker's settings as ViewSettings fields (for links to this data);
    types: the covariance types compared; starts_choice: the "Starts per model" choice
    (``AUTO_STARTS`` or a number).
    """

    data: LoadedData
    data_fields: Mapping[str, object]
    init: str
    seed: int
    reg: float
    k_max: int
    types: tuple[str, ...]
    starts_choice: int
    style: FigureStyle

    @property
    def n_features(self) -> int:
        return self.data.X.shape[1]

    @property
    def n_samples(self) -> int:
        return self.data.X.shape[0]

    @property
    def dataset(self) -> str:
        return str(self.data_fields["dataset"])

    @property
    def n_starts(self) -> int:
        """Starts per model asked for (the work budget may fit fewer)."""
        return starts_for(self.starts_choice, self.n_samples)

    def view_settings(self, k: int, cov: str, **fit) -> ViewSettings:
        """The stepper's settings for this data and model (K, covariance type); fit: the
        seed, tol and max_iter of one fit (default: the grid's seed and stopping rule)."""
        return links.view_settings(self.data_fields, self.n_features, k=k, cov=cov,
                                   init=self.init, reg=self.reg, **{"seed": self.seed, **fit})


# --- the deep link -> the widgets ---------------------------------------------------------------


def _apply_link(query: dict[str, str]) -> tuple[str, ...]:
    """Write a link's view into the widgets (before they are drawn); returns its problems."""
    link = links.read_link(query)
    STATE.dimension = link.n_features
    write_data_settings(DATA[link.n_features], links.link_spec(link.n_features), link.settings)
    STATE.init, STATE.seed, STATE.reg = link.init, link.settings.seed, link.reg
    grid = link.grid
    STATE.k_max, STATE.types, STATE.starts = grid.k_max, list(grid.types), grid.starts
    STATE.show_degenerate, STATE.convention = grid.show_degenerate, grid.convention
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
    for name in ("dimension", "init", "seed", "reg", "k_max", "starts", "show_degenerate",
                 "convention"):
        STATE.set_default(name, getattr(STATE, name))


def grid_choice(types: tuple[str, ...]) -> GridChoice:
    """The grid's settings as the widgets hold them."""
    return GridChoice(types=types, k_max=STATE.k_max, starts=STATE.starts,
                      show_degenerate=STATE.show_degenerate, convention=STATE.convention)


def _banner_query(n_features: int, data_fields: Mapping[str, object],
                  types: tuple[str, ...]) -> dict[str, str] | None:
    """The view's link without the model drawn below the grid: the link's problems stay on
    screen until the data or a setting changes (picking another model to look at keeps them)."""
    if data_fields["dataset"] == CSV:
        return None
    settings = links.view_settings(data_fields, n_features, k=1, cov="full", init=STATE.init,
                                   seed=STATE.seed, reg=STATE.reg)
    query = links.page_query(settings, n_features, grid_choice(types))
    return {name: value for name, value in query.items() if name not in ("k", "cov")}


# --- the sidebar ------------------------------------------------------------------------------


def _covariance_types(n_features: int) -> tuple[str, ...]:
    """The covariance types picked (all of them, with a note, while none is picked)."""
    choices = covariance_types_for(n_features)
    if not STATE.is_set("types") or not set(STATE.types) <= set(choices):
        STATE.types = list(choices)
    picked = st.multiselect("Covariance types", choices, key=STATE.key("types"),
                            persist_state="session", help="The grid compares these types. 1-D data has two: each "
                                 "component its own variance (full), or one shared (tied).")
    if not picked:
        st.info("Pick at least one covariance type; all are compared until then.")
        return choices
    return tuple(name for name in choices if name in picked)


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
        n_samples = None if data is None else len(data.X)
        st.header("Fitting")
        st.selectbox("Initialisation", RESTARTABLE_INITS, key=STATE.key("init"),
                     persist_state="session",
                     help="scikit-learn's GaussianMixture starts from k-means by default.")
        st.number_input("Seed", 0, vs.SEED_MAX, step=1, key=STATE.key("seed"),
                        persist_state="session",
                        help="Start j of every model uses seed + j.")
        st.select_slider("reg_covar (added to every variance)", REG_CHOICES,
                         key=STATE.key("reg"), persist_state="session",
                         format_func=lambda value: f"{value:g}")
        st.slider("Largest K in the grid", 2, vs.K_MAX, key=STATE.key("k_max"),
                  persist_state="session")
        types = _covariance_types(n_features)
        st.selectbox("Starts per model", STARTS_CHOICES, key=STATE.key("starts"),
                     persist_state="session",
                     format_func=lambda choice: starts_label(choice, n_samples),
                     help="Each model is fitted from this many starts (seeds seed, seed + 1, "
                          "…) and keeps its best fit, like scikit-learn's n_init. The "
                          "textbook uses n_init=10.")
        st.header("Display")
        presentation = presentation_toggle()
    data_fields = MappingProxyType(data_settings(data_state, spec))
    kit_links.problem_banner(STATE, _banner_query(n_features, data_fields, types))
    if data is None:
        st.info("Choose or fix the data in the sidebar to start.")
        return None
    if len(data.X) > MAX_POINTS:
        st.error(f"This page fits up to {vs.K_MAX * 4} models from up to {MAX_STARTS} starts "
                 f"each and up to {4 * max(RESTART_COUNTS)} restarts, which on "
                 f"{len(data.X):,} points would keep a shared server busy for minutes. Choose "
                 f"at most {MAX_POINTS:,} points (a smaller n, or another data set).")
        return None
    return SelectionSetup(data=data, data_fields=data_fields, init=STATE.init, seed=STATE.seed,
                          reg=STATE.reg, k_max=STATE.k_max, types=types,
                          starts_choice=STATE.starts,
                          style=figure_style(len(data.X), presentation))


def stepper_query(setup: SelectionSetup, k: int, cov: str, **fit) -> dict[str, str] | None:
    """The stepper's link to model (K, cov) on this data, from one fit's start (fit: its
    seed, tol and max_iter); None for an uploaded CSV."""
    if setup.dataset == CSV:
        return None
    return links.stepper_query(setup.view_settings(k, cov, **fit), setup.n_features)


def write_view_link(setup: SelectionSetup) -> None:
    """Keep the address bar equal to the view's link (not for an uploaded CSV): the data, the
    model drawn (k, cov), init, seed, reg and the grid's settings."""
    if setup.dataset == CSV:
        return
    query = links.page_query(setup.view_settings(STATE.show_k, STATE.show_cov),
                             setup.n_features, grid_choice(setup.types))
    kit_links.write_link(STATE, query)
